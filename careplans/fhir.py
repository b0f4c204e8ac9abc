"""A care plan as HL7 FHIR R4 (issue 13, item 4): one Bundle of type "collection".

The mapping follows docs/domain.md §5 and is written down in docs/fhir.md:

- the person → ``Patient``; each carer (carer links, and the carer whose assessment
  the plan includes) → ``RelatedPerson``;
- each need from the plan's assessments → ``Condition`` (code text in plain words,
  Care Act outcomes as codings);
- each desired outcome the plan serves → ``Goal``, with ``expressedBy`` (the person
  or their carer) and ``achievementStatus`` from the latest completed review;
- the plan → ``CarePlan`` (status by the plan's), one ``activity.detail`` per response.

Resource ids are the records' public ids (UUIDs); nothing else of ours is exposed.
Plain dicts, in JSON's shape: tests parse them back with ``fhir.resources.R4B``
(R4B is the R4 content of these six resources; see docs/fhir.md).
"""

import uuid

from django.utils import timezone

from assessments.domains import OUTCOME_LABELS
from assessments.models import CarerLink, DesiredOutcome, Need
from sites.money import format_gbp

from .models import CarePlan, OutcomeReview, Response, Review, plan_costs

SYSTEM = "https://carehub.invalid/fhir"  # our own code systems and identifiers
NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
ROLE_CODES = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"

PLAN_STATUS = {
    CarePlan.Status.DRAFT: "draft",
    CarePlan.Status.AWAITING_SIGN_OFF: "draft",
    CarePlan.Status.AWAITING_PANEL: "draft",
    CarePlan.Status.APPROVED: "active",
    CarePlan.Status.UNDER_REVIEW: "active",
}
ACTIVITY_STATUS = {"draft": "not-started", "active": "in-progress"}
ACHIEVEMENT = {
    OutcomeReview.Rating.FULLY: ("achieved", "Achieved"),
    OutcomeReview.Rating.PARTIALLY: ("improving", "Improving"),
    OutcomeReview.Rating.NOT_MET: ("not-achieved", "Not Achieved"),
}
PERIOD_UNIT = {
    Response.Period.WEEK: "wk",
    Response.Period.MONTH: "mo",
    Response.Period.YEAR: "a",
}
# v3 RoleCode for what a carer is to the person (others by text alone).
RELATIONSHIP_CODES = {
    "wife": "WIFE",
    "husband": "HUSB",
    "partner": "DOMPART",
    "daughter": "DAUC",
    "son": "SONC",
    "mother": "MTH",
    "father": "FTH",
    "sister": "SIS",
    "brother": "BRO",
    "granddaughter": "GRNDDAU",
    "grandson": "GRNDSON",
    "friend": "FRND",
    "neighbour": "NBOR",
}


def _ref(kind, code, display=""):
    ref = {"reference": f"urn:uuid:{code}"}
    if display:
        ref["display"] = display
    return ref


def _text(value):
    return {"text": value}


def _patient(person):
    name = {"use": "official", "family": person.family_name}
    name["given"] = [person.given_name]
    resource = {
        "resourceType": "Patient",
        "id": str(person.code),
        "identifier": [{"system": f"{SYSTEM}/person", "value": str(person.code)}],
        "name": [name],
        "birthDate": person.date_of_birth.isoformat(),
    }
    if person.goes_by_another_name:
        resource["name"].append(
            {"use": "usual", "family": person.family_name, "given": [person.called]}
        )
    if person.nhs_number:
        resource["identifier"].insert(
            0, {"system": NHS_NUMBER, "value": person.nhs_number}
        )
    _contact_details(resource, person)
    return resource


def _contact_details(resource, person):
    if person.phone:
        resource["telecom"] = [{"system": "phone", "value": person.phone}]
    if person.address or person.postcode:
        address = {"use": "home"}
        lines = [line.strip() for line in person.address.splitlines() if line.strip()]
        if lines:
            address["line"] = lines
        if person.postcode:
            address["postalCode"] = person.postcode
        address["text"] = ", ".join(
            [*lines, person.postcode] if person.postcode else lines
        )
        resource["address"] = [address]


def _related_person(carer, patient, relationship):
    resource = {
        "resourceType": "RelatedPerson",
        "id": str(carer.code),
        "identifier": [{"system": f"{SYSTEM}/person", "value": str(carer.code)}],
        "patient": _ref("Patient", patient.code),
        "name": [
            {
                "use": "official",
                "family": carer.family_name,
                "given": [carer.given_name],
            }
        ],
        "birthDate": carer.date_of_birth.isoformat(),
    }
    words = relationship.label if relationship else "Carer"
    coding = [{"system": ROLE_CODES, "code": "CAREGIVER", "display": "caregiver"}]
    if relationship and relationship.value in RELATIONSHIP_CODES:
        coding.append(
            {"system": ROLE_CODES, "code": RELATIONSHIP_CODES[relationship.value]}
        )
    resource["relationship"] = [{"coding": coding, "text": f"Carer ({words.lower()})"}]
    _contact_details(resource, carer)
    return resource


def _condition(need, patient, is_carers):
    codings = [
        {"system": f"{SYSTEM}/care-act-outcome", "code": key, "display": label}
        for key in need.domains
        if (label := OUTCOME_LABELS.get(key))
    ]
    code = {"text": need.description}
    if codings:
        code["coding"] = codings
    resource = {
        "resourceType": "Condition",
        "id": str(need.code),
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/"
                    "condition-clinical",
                    "code": "active",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/"
                        "condition-category",
                        "code": "problem-list-item",
                    }
                ],
                "text": "Care and support need",
            }
        ],
        "code": code,
        "subject": _ref("Patient", patient.code),
        "recordedDate": need.assessment.assessment_date.isoformat(),
    }
    if is_carers:
        resource["note"] = [
            {"text": "A need of their carer, from the carer's assessment."}
        ]
    if need.usual_offer_id:
        resource.setdefault("note", []).append(
            {"text": f"Would usually be offered: {need.usual_offer.name}."}
        )
    return resource


def _goal(outcome, patient, carer, rating):
    """``carer``: the RelatedPerson a carer's words are credited to, if any."""
    in_carers_assessment = outcome.assessment.kind == outcome.assessment.Kind.CARER
    said = outcome.expressed_by
    by_carer = (said == DesiredOutcome.ExpressedBy.CARER) or (
        in_carers_assessment and said == DesiredOutcome.ExpressedBy.PERSON
    )
    resource = {
        "resourceType": "Goal",
        "id": str(outcome.code),
        "lifecycleStatus": "active",
        "priority": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/goal-priority",
                    "code": {1: "high-priority", 2: "medium-priority"}.get(
                        outcome.priority, "low-priority"
                    ),
                }
            ]
        },
        "description": {"text": outcome.in_own_words},
        "subject": _ref("Patient", patient.code),
    }
    if by_carer and carer is not None:
        resource["expressedBy"] = _ref("RelatedPerson", carer.code, "Their carer")
    else:
        resource["expressedBy"] = _ref("Patient", patient.code, "The person")
    if said == DesiredOutcome.ExpressedBy.JOINTLY:
        resource["note"] = [{"text": "Said jointly by the person and their carer."}]
    if rating is not None:
        code, display = ACHIEVEMENT[rating.rating]
        resource["achievementStatus"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                    "code": code,
                    "display": display,
                }
            ],
            "text": rating.get_rating_display(),
        }
        if rating.rating == OutcomeReview.Rating.FULLY:
            resource["lifecycleStatus"] = "completed"
    else:
        resource["achievementStatus"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                    "code": "in-progress",
                    "display": "In Progress",
                }
            ],
            "text": "Not yet reviewed",
        }
    return resource


def _activity(response, plan_status, goals_by_id):
    status = ACTIVITY_STATUS.get(plan_status, "stopped")
    detail = {
        "kind": "ServiceRequest",
        "code": {
            "coding": [
                {
                    "system": f"{SYSTEM}/response-kind",
                    "code": response.kind,
                    "display": response.get_kind_display(),
                }
            ],
            "text": response.get_kind_display(),
        },
        "status": status,
        "description": response.description,
        "goal": [
            goals_by_id[outcome.pk]
            for outcome in response.outcomes.all()
            if outcome.pk in goals_by_id
        ],
    }
    if response.period == Response.Period.ONCE:
        detail["scheduledTiming"] = {"repeat": {"count": response.times}}
    else:
        detail["scheduledTiming"] = {
            "repeat": {
                "frequency": response.times,
                "period": 1,
                "periodUnit": PERIOD_UNIT[response.period],
            }
        }
    if response.start_date or response.end_date:
        bounds = {}
        if response.start_date:
            bounds["start"] = response.start_date.isoformat()
        if response.end_date:
            bounds["end"] = response.end_date.isoformat()
        detail["scheduledTiming"]["repeat"]["boundsPeriod"] = bounds
    if response.provider:
        detail["performer"] = [{"display": response.provider}]
    if not detail["goal"]:
        del detail["goal"]
    cost = format_gbp(response.unit_cost)
    words = f"Costs {cost} each time, {response.frequency}"
    if response.paid_by_direct_payment:
        words += ", paid by direct payment"
    return {"detail": detail, "progress": [{"text": words + "."}]}


def _plan_status(plan):
    if plan.status in PLAN_STATUS:
        return PLAN_STATUS[plan.status]
    # Closed: completed once it had been in force, revoked if it never was.
    return "completed" if plan.approved_at else "revoked"


def plan_bundle(plan) -> dict:
    """The FHIR R4 Bundle for ``plan``: six queries, whatever its size."""
    person = plan.person
    assessment_ids = [plan.assessment_id]
    if plan.carer_assessment_id:
        assessment_ids.append(plan.carer_assessment_id)
    carers = {}
    for link in CarerLink.objects.filter(cared_for=person).select_related("carer"):
        rel = CarerLink.Relationship(link.relationship) if link.relationship else None
        carers[link.carer_id] = (link.carer, rel)
    needs = list(
        Need.objects.filter(assessment_id__in=assessment_ids)
        .select_related("assessment", "usual_offer")
        .order_by("assessment_id", "position", "id")
    )
    responses = list(Response.objects.filter(plan=plan).prefetch_related("outcomes"))
    served = {o.pk for r in responses for o in r.outcomes.all()}
    outcomes = list(
        DesiredOutcome.objects.filter(pk__in=served)
        .select_related("assessment__person")
        .order_by("assessment_id", "priority", "position")
    )
    # The latest completed review's rating of each outcome.
    ratings = {}
    for rating in (
        OutcomeReview.objects.filter(
            review__plan=plan,
            review__status=Review.Status.COMPLETED,
            desired_outcome_id__in=served,
        )
        .select_related("review")
        .order_by("review__completed_at", "id")
    ):
        ratings[rating.desired_outcome_id] = rating

    carer_assessment_person = None
    for outcome in outcomes:
        if outcome.assessment_id == plan.carer_assessment_id:
            carer_assessment_person = outcome.assessment.person
    if carer_assessment_person and carer_assessment_person.pk not in carers:
        carers[carer_assessment_person.pk] = (carer_assessment_person, None)
    # Whose words a carer's outcome is: the carer whose assessment it is, or the
    # first carer linked to the person.
    first_carer = next(iter(carers.values()), (None, None))[0]

    entries = [_patient(person)]
    entries += [_related_person(carer, person, rel) for carer, rel in carers.values()]
    conditions = [
        _condition(need, person, need.assessment_id != plan.assessment_id)
        for need in needs
    ]
    entries += conditions
    goals = []
    for outcome in outcomes:
        carer = (
            outcome.assessment.person
            if outcome.assessment_id == plan.carer_assessment_id
            else first_carer
        )
        goals.append(_goal(outcome, person, carer, ratings.get(outcome.pk)))
    entries += goals
    goals_by_id = {o.pk: _ref("Goal", o.code) for o in outcomes}
    status = _plan_status(plan)
    weekly = plan_costs(responses)["weekly"]
    care_plan = {
        "resourceType": "CarePlan",
        "id": str(plan.code),
        "identifier": [{"system": f"{SYSTEM}/care-plan", "value": str(plan.code)}],
        "status": status,
        "intent": "plan",
        "title": f"Care and support plan, version {plan.version_number}",
        "subject": _ref("Patient", person.code),
        "created": plan.created_at.isoformat(),
        "addresses": [_ref("Condition", need.code) for need in needs],
        "goal": list(goals_by_id.values()),
        "activity": [_activity(r, status, goals_by_id) for r in responses],
        "note": [{"text": f"Weekly cost of the plan: {format_gbp(weekly)}."}],
    }
    if plan.start_date:
        care_plan["period"] = {"start": plan.start_date.isoformat()}
    if plan.person_views:
        care_plan["description"] = plan.person_views
    if carers:
        care_plan["contributor"] = [
            _ref("RelatedPerson", carer.code) for carer, _ in carers.values()
        ]
    for key in ("addresses", "goal", "activity"):
        if not care_plan[key]:
            del care_plan[key]
    entries.append(care_plan)
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [
            {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
            for resource in entries
        ],
    }
