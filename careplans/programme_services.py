"""Programme work at a site: offering and including programme cases, the case's
comparable figures (read from the records already kept), what people wanted but could
not have, delivery at review, and pseudonymised case studies with their shared
snapshot.

Views, demo seeding and tests all call these functions (house style: services).
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from assessments.models import Assessment, CarerLink, DesiredOutcome, Need
from sites.audit import record_event
from sites.models import AuditEvent, ProgrammeSite
from sites.money import format_gbp
from sites.programmes import Programme
from sites.versioning import check_version, save_versioned
from sites.workflow import apply, can_take, lock, transition

from . import pseudonymise as pz
from .models import (
    CarePlan,
    OutcomeReview,
    PlanDecision,
    Response,
    Review,
    plan_costs,
)
from .programme import (
    Barrier,
    CaseStudy,
    CaseStudyReplacement,
    ProgrammeCase,
    PublishedCaseStudy,
    ResponseDelivery,
    UnmetWant,
)

STEP = CaseStudy.WORKFLOW


# --- offering and including programme cases ------------------------------------------


@dataclass(frozen=True)
class Offer:
    """A programme the person could be included in, from this assessment."""

    programme: Programme
    assessment: Assessment
    age: int


def latest_needs_assessment(person):
    return (
        Assessment.objects.filter(
            site=person.site_id,
            person=person,
            kind=Assessment.Kind.NEEDS,
            status=Assessment.Status.COMPLETED,
        )
        .order_by("-assessment_date", "-id")
        .first()
    )


def collecting_places(site):
    """The programmes collecting data in which the site takes part (one query)."""
    return list(
        ProgrammeSite.objects.filter(
            site=site, programme__status=Programme.Status.COLLECTING
        ).select_related("programme")
    )


def offers_for(person, places=None, assessment=None, cases=None):
    """The programmes the person may be included in now: their site takes part, the
    programme is collecting data, their latest completed needs assessment puts them in
    the focus group, and they are not a case in it yet."""
    places = collecting_places(person.site_id) if places is None else places
    if not places:
        return []
    assessment = assessment or latest_needs_assessment(person)
    if assessment is None:
        return []
    if cases is None:
        cases = set(
            ProgrammeCase.objects.filter(
                site=person.site_id, person=person
            ).values_list("programme_id", flat=True)
        )
    age = person.age_on(assessment.assessment_date)
    return [
        Offer(place.programme, assessment, age)
        for place in places
        if place.programme_id not in cases and place.programme.in_focus_group(age)
    ]


@transaction.atomic
def include_in_programme(*, programme, person, by, living_at_home=None):
    """Make the person a programme case (one click from the offer)."""
    programme = lock(programme, Programme.WORKFLOW.offer_cases)
    if not ProgrammeSite.objects.filter(
        programme=programme, site=person.site_id
    ).exists():
        raise ValidationError(
            "This site does not take part in that programme.", code="not_participating"
        )
    assessment = latest_needs_assessment(person)
    if assessment is None:
        raise ValidationError(
            "Complete a needs assessment first: the programme case is made from it.",
            code="no_assessment",
        )
    if not programme.in_focus_group(person.age_on(assessment.assessment_date)):
        raise ValidationError(
            "The latest assessment does not put them in the programme's focus group.",
            code="not_in_focus_group",
        )
    if programme.focus_living_at_home and not living_at_home:
        raise ValidationError(
            "The programme is about people living at home: confirm that they do.",
            code="living_at_home",
        )
    if ProgrammeCase.objects.filter(programme=programme, person=person).exists():
        raise ValidationError(
            "They are already a case in this programme.", code="already_included"
        )
    first = Assessment.objects.filter(site=person.site_id, person=person).aggregate(
        first=Min("assessment_date")
    )["first"]
    case = ProgrammeCase.objects.create(
        site=person.site,
        programme=programme,
        person=person,
        assessment=assessment,
        decided_by=by,
        decided_at=timezone.now(),
        first_contact_on=first or assessment.assessment_date,
    )
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=person.site,
        programme=programme,
        obj=case,
        action="Included as a programme case",
    )
    return case


@transaction.atomic
def record_consent(case, *, consent, note, by):
    """Record whether the person agreed to a case study about them (or why consent
    is not needed)."""
    if consent not in ProgrammeCase.Consent.values:
        raise ValidationError("Choose one of the answers.", code="consent")
    if consent == ProgrammeCase.Consent.NOT_NEEDED and len(note.strip()) < 10:
        raise ValidationError(
            "Say why consent is not needed, in a sentence.", code="consent_note"
        )
    locked = ProgrammeCase.objects.select_for_update().get(pk=case.pk)
    locked.consent = consent
    locked.consent_note = note
    locked.consent_recorded_by = by
    locked.consent_recorded_at = timezone.now()
    locked.version += 1
    locked.save()
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=locked.site,
        programme=locked.programme,
        obj=locked,
        action="Consent to a case study recorded",
        details={"consent": consent},
    )
    return locked


# --- the case's comparable figures ---------------------------------------------------


def case_plan(case):
    """The plan that answers the case's assessment: the active version if there is
    one, else the latest."""
    plans = list(
        CarePlan.objects.filter(site=case.site_id, assessment=case.assessment_id)
        .select_related("carer_assessment__person")
        .order_by("-version_number", "-id")
    )
    active = [
        p
        for p in plans
        if p.status in {CarePlan.Status.APPROVED, CarePlan.Status.UNDER_REVIEW}
    ]
    return (active or plans or [None])[0]


@dataclass
class CaseFigures:
    """What the programme compares, read from the records already kept."""

    usual_offer: list = field(default_factory=list)  # [(service name, weekly)]
    usual_weekly: Decimal = Decimal("0.00")
    wanted: list = field(default_factory=list)  # DesiredOutcome rows
    responses: list = field(default_factory=list)
    asked_for: int = 0
    service_led: int = 0
    costs: dict | None = None
    went_to_panel: bool = False
    panel_outcome: str = ""
    panel_on: object = None
    ratings: Counter = field(default_factory=Counter)
    unmet: list = field(default_factory=list)
    deliveries: list = field(default_factory=list)
    plan: CarePlan | None = None

    def as_data(self):
        """The figures a shared snapshot keeps: no names, costs as strings."""
        costs = self.costs or {}
        barriers = Counter(u.barrier for u in self.unmet)
        barriers.update(d.barrier for d in self.deliveries if d.barrier)
        return {
            "asked_for": self.asked_for,
            "service_led": self.service_led,
            "weekly": str(costs.get("weekly", "")),
            "standard_weekly": str(costs.get("standard_weekly", "")),
            "difference_weekly": str(costs.get("difference_weekly", "")),
            "usual_weekly": str(self.usual_weekly),
            "went_to_panel": self.went_to_panel,
            "panel_outcome": self.panel_outcome,
            "fully_met": self.ratings.get(OutcomeReview.Rating.FULLY, 0),
            "partially_met": self.ratings.get(OutcomeReview.Rating.PARTIALLY, 0),
            "not_met": self.ratings.get(OutcomeReview.Rating.NOT_MET, 0),
            "unmet_wants": len(self.unmet),
            "barriers": {Barrier(k).label: n for k, n in sorted(barriers.items())},
        }


_PANEL_KINDS = {
    PlanDecision.Kind.APPROVED_BY_PANEL: "Approved by panel",
    PlanDecision.Kind.RETURNED_BY_PANEL: "Returned by panel",
}


def case_figures(case):
    """The case's comparable figures, in a fixed number of queries."""
    figures = CaseFigures()
    needs = Need.objects.filter(
        site=case.site_id, assessment=case.assessment_id
    ).select_related("usual_offer")
    for need in needs:
        if need.usual_offer:
            figures.usual_offer.append(
                (need.usual_offer.name, need.usual_offer.typical_weekly_cost)
            )
            figures.usual_weekly += need.usual_offer.typical_weekly_cost
    plan = case_plan(case)
    figures.plan = plan
    assessment_ids = [case.assessment_id]
    if plan is not None and plan.carer_assessment_id:
        assessment_ids.append(plan.carer_assessment_id)
    figures.wanted = list(
        DesiredOutcome.objects.filter(
            site=case.site_id, assessment_id__in=assessment_ids
        ).order_by("assessment_id", "priority", "position")
    )
    if plan is None:
        return figures
    figures.responses = list(
        Response.objects.filter(plan=plan).select_related("replaces")
    )
    figures.asked_for = sum(
        r.origin == Response.Origin.ASKED_FOR for r in figures.responses
    )
    figures.service_led = sum(
        r.origin == Response.Origin.SERVICE_LED for r in figures.responses
    )
    figures.costs = plan_costs(figures.responses)
    figures.went_to_panel = plan.route == CarePlan.Route.PANEL
    panel = (
        PlanDecision.objects.filter(plan=plan, kind__in=list(_PANEL_KINDS))
        .order_by("-created_at", "-id")
        .first()
    )
    if panel is not None:
        figures.panel_outcome = _PANEL_KINDS[panel.kind]
        figures.panel_on = timezone.localdate(panel.created_at)
    figures.ratings = Counter(
        OutcomeReview.objects.filter(
            review__plan=plan, review__status=Review.Status.COMPLETED
        ).values_list("rating", flat=True)
    )
    figures.unmet = list(UnmetWant.objects.filter(plan=plan))
    figures.deliveries = list(
        ResponseDelivery.objects.filter(review__plan=plan).select_related("response")
    )
    return figures


# --- wanted but not arranged; delivered against planned ------------------------------


def _check_barrier(barrier):
    if barrier not in Barrier.values:
        raise ValidationError("Say what stood in the way.", code="barrier")


@transaction.atomic
def save_unmet_want(
    plan, *, by, what_wanted, barrier, note="", desired_outcome=None, unmet=None
):
    """Record (or change) something the person wanted that could not be arranged."""
    _check_barrier(barrier)
    if not what_wanted.strip():
        raise ValidationError("Say what they wanted.", code="what_wanted")
    if desired_outcome is not None and desired_outcome.assessment_id not in {
        plan.assessment_id,
        plan.carer_assessment_id,
    }:
        raise ValidationError(
            "Choose one of the outcomes this plan answers.", code="outcome"
        )
    if unmet is None:
        unmet = UnmetWant(site=plan.site, plan=plan)
    elif unmet.plan_id != plan.pk:
        raise ValidationError("That belongs to another plan.", code="plan")
    unmet.what_wanted = what_wanted
    unmet.barrier = barrier
    unmet.note = note
    unmet.desired_outcome = desired_outcome
    unmet.save()
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=plan.site,
        obj=plan,
        action="Wanted but not arranged: recorded",
        details={"barrier": barrier},
    )
    return unmet


@transaction.atomic
def remove_unmet_want(unmet, *, by):
    plan = unmet.plan
    unmet.delete()
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=plan.site,
        obj=plan,
        action="Wanted but not arranged: removed",
    )


def record_deliveries(review, deliveries):
    """At review: each response delivered as planned, partly, not, or stopped, with
    the barrier when not. ``deliveries`` maps a response to (delivered, barrier,
    note). Call inside the review's transaction."""
    responses = {r.pk for r in review.plan.responses.all()}
    rows = []
    for response, (delivered, barrier, note) in deliveries.items():
        if response.pk not in responses:
            raise ValidationError(
                "Only this plan's responses are rated at its review.", code="response"
            )
        if delivered not in ResponseDelivery.Delivered.values:
            raise ValidationError(
                "Say whether each response was delivered.", code="delivered"
            )
        if delivered == ResponseDelivery.Delivered.AS_PLANNED:
            barrier = ""
        else:
            _check_barrier(barrier)
        rows.append(
            ResponseDelivery(
                site=review.site,
                review=review,
                response=response,
                delivered=delivered,
                barrier=barrier,
                note=note,
            )
        )
    return ResponseDelivery.objects.bulk_create(rows)


# --- case studies: identifiers, drafting, checking ------------------------------------


def _family(person):
    """The person and the carers around them (both directions), in one query."""
    links = CarerLink.objects.filter(site=person.site_id).filter(
        cared_for=person
    ) | CarerLink.objects.filter(site=person.site_id, carer=person)
    people = {person.pk: person}
    for link in links.select_related("carer", "cared_for"):
        people.setdefault(link.carer_id, link.carer)
        people.setdefault(link.cared_for_id, link.cared_for)
    return list(people.values())


def _staff_names(users):
    names = set()
    for user in users:
        if user is None:
            continue
        names.update(
            n for n in (user.get_full_name(), user.first_name, user.last_name) if n
        )
    return sorted(names)


def identifiers_for(case, plan=None):
    """What CareHub holds for the person, their carer and family, and the staff who
    worked with them: what a case study must not contain."""
    person = case.person
    family = _family(person)
    names = []
    for member in family:
        names += [member.given_name, member.family_name, member.preferred_name]
    staff = [person.allocated_worker, case.decided_by]
    if plan is not None:
        staff += [plan.written_by]
    return pz.Identifiers(
        names=[n for n in names if n],
        worker_names=_staff_names(staff),
        nhs_numbers=[m.nhs_number for m in family if m.nhs_number],
        postcodes=[m.postcode for m in family if m.postcode],
        addresses=[m.address for m in family if m.address],
        phones=[m.phone for m in family if m.phone],
        birth_dates=[m.date_of_birth for m in family],
    )


@dataclass(frozen=True)
class Problem:
    """One identifying detail found in a case study: where, and what kind."""

    field: str
    heading: str
    line: int
    column: int
    label: str
    text: str


CHECKED_FIELDS = [("pseudonym", "Pseudonym"), *CaseStudy.SECTIONS]


def check_case_study(case_study, identifiers=None, places=()):
    """Every identifying detail in the pseudonym and the sections, with its place.
    ``places`` are service or place names (the site's own, its team's)."""
    if identifiers is None:
        identifiers = identifiers_for(case_study.programme_case, case_study.plan)
    place_ids = pz.Identifiers(addresses=[p for p in places if p])
    problems = []
    for name, heading in CHECKED_FIELDS:
        text = getattr(case_study, name) or ""
        for hit in pz.check_text(text, identifiers):
            problems.append(
                Problem(name, heading, hit.line, hit.column, hit.label, hit.text)
            )
        for hit in pz.check_text(text, place_ids):
            if hit.kind == pz.Kind.ADDRESS:
                problems.append(
                    Problem(
                        name,
                        heading,
                        hit.line,
                        hit.column,
                        "A service or place name",
                        hit.text,
                    )
                )
    return sorted(problems, key=lambda p: (_order(p.field), p.line, p.column))


def _order(name):
    return [n for n, _ in CHECKED_FIELDS].index(name)


def places_for(case_study):
    place = ProgrammeSite.objects.filter(
        programme=case_study.programme_case.programme_id, site=case_study.site_id
    ).first()
    return [case_study.site.name, place.team_name if place else ""]


def _pseudonym_for(person, family):
    initial = (person.family_name or "X")[:1].upper()
    carers = [m for m in family if m.pk != person.pk]
    return f"The {initial} family" if carers else f"Person {initial}"


def _when(day, first_contact):
    return pz.relative_week(day, first_contact) if day else ""


def _prefill(case, plan, figures, pseudonym):
    """The sections written from the records, before names are replaced."""
    first = case.first_contact_on
    assessment = case.assessment
    situation = [assessment.what_matters.strip()] if assessment.what_matters else []
    situation += [
        f"Need: {need.description}"
        for need in Need.objects.filter(site=case.site_id, assessment=assessment)
    ]
    usual = (
        "; ".join(
            f"{name} (about {format_gbp(cost)} a week)"
            for name, cost in figures.usual_offer
        )
        or "Nothing standard was recorded as the usual offer."
    )
    wanted = [
        f"“{o.in_own_words}” ({o.get_expressed_by_display().lower()})"
        for o in figures.wanted
    ]
    arranged = [
        f"{r.description}: {r.frequency} ({r.get_origin_display().lower()})"
        for r in figures.responses
    ]
    if plan is None:
        panel = ""
    elif figures.went_to_panel:
        panel = "The plan went to the funding panel"
        if figures.panel_outcome:
            panel += (
                f": {figures.panel_outcome.lower()} in {_when(figures.panel_on, first)}"
            )
        panel += "."
    else:
        panel = "The plan did not need the panel: a manager signed it off."
    outcomes = ""
    if figures.ratings:
        outcomes = (
            f"At review: {figures.ratings.get('fully', 0)} outcome(s) fully met, "
            f"{figures.ratings.get('partially', 0)} partially met, "
            f"{figures.ratings.get('not_met', 0)} not met."
        )
    cost = ""
    if figures.costs:
        difference = figures.costs["difference_weekly"]
        cost = (
            f"The plan costs {format_gbp(figures.costs['weekly'])} a week against "
            f"{format_gbp(figures.costs['standard_weekly'])} for the standard services "
            f"it replaces: "
            + (
                f"{format_gbp(difference)} a week more."
                if difference > 0
                else f"{format_gbp(-difference)} a week less."
                if difference < 0
                else "the same."
            )
        )
    barriers = [
        f"{u.what_wanted} ({u.get_barrier_display().lower()})" for u in figures.unmet
    ]
    barriers += [
        f"{d.response.description}: {d.get_delivered_display().lower()} "
        f"({d.get_barrier_display().lower()})"
        for d in figures.deliveries
        if d.barrier
    ]
    return {
        "situation": "\n".join(situation),
        "usual_offer": usual,
        "what_they_wanted": "\n".join(wanted),
        "what_was_arranged": "\n".join(arranged),
        "panel": panel,
        "outcomes": outcomes,
        "cost": cost,
        "barriers": "\n".join(barriers),
        "learning": "",
    }


@transaction.atomic
def draft_case_study(case, *, by):
    """A draft case study, prefilled from the case with names already replaced and the
    replacements logged (the log stays here, with the identifiable record)."""
    if case.status != ProgrammeCase.Status.INCLUDED:
        raise ValidationError(
            "Case studies are drafted from included programme cases.", code="case"
        )
    plan = case_plan(case)
    if plan is None:
        raise ValidationError(
            "Draft the plan first: the case study is written from it.", code="no_plan"
        )
    person = case.person
    family = _family(person)
    pseudonym = _pseudonym_for(person, family)
    figures = case_figures(case)
    texts = _prefill(case, plan, figures, pseudonym)
    initial = (person.family_name or "X")[:1].upper()
    swaps = []
    for member in family:
        who = pseudonym if member.pk == person.pk else f"their carer ({initial})"
        for original in {member.full_name, member.display_name}:
            swaps.append(pz.Replacement(original, who, "name"))
        for part in {member.given_name, member.preferred_name, member.family_name}:
            if part:
                swaps.append(pz.Replacement(part, initial, "name"))
    log = Counter()
    for name, text in texts.items():
        new, entries = pz.replace_all(text, swaps)
        texts[name] = new
        for entry in entries:
            if entry.count:
                log[(entry.reason, entry.original, entry.replacement)] += entry.count
    case_study = CaseStudy.objects.create(
        site=case.site,
        programme_case=case,
        plan=plan,
        pseudonym=pseudonym,
        age_band=pz.age_band(person.date_of_birth, case.assessment.assessment_date),
        drafted_by=by,
        **texts,
    )
    CaseStudyReplacement.objects.bulk_create(
        CaseStudyReplacement(
            site=case.site,
            case_study=case_study,
            kind=kind,
            original=original,
            replacement=replacement,
        )
        for kind, original, replacement in log
    )
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=case.site,
        programme=case.programme,
        obj=case_study,
        action="Case study drafted",
    )
    return case_study


EDITABLE_FIELDS = ["pseudonym", "age_band", *[n for n, _ in CaseStudy.SECTIONS]]


@transaction.atomic
def update_case_study(case_study, *, by, expected_version, **fields):
    locked = lock(case_study, STEP.edit)
    check_version(locked, expected_version)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(name)
        setattr(locked, name, value)
    return save_versioned(locked)


def _refuse_identifiers(case_study):
    problems = check_case_study(case_study, places=places_for(case_study))
    if problems:
        first = problems[0]
        raise ValidationError(
            f"The case study still identifies someone ({len(problems)} place"
            f"{'s' if len(problems) != 1 else ''} to change, the first in "
            f"“{first.heading}”, line {first.line}). Change each place shown, then "
            "try again.",
            code="identifiable",
        )


def _participant(case_study):
    return ProgrammeSite.objects.select_related("programme").get(
        programme=case_study.programme_case.programme_id, site=case_study.site_id
    )


def _reload(case_study):
    return CaseStudy.objects.select_related(
        "programme_case__person__allocated_worker",
        "programme_case__decided_by",
        "programme_case__assessment",
        "programme_case__programme",
        "plan__written_by",
        "site",
    ).get(pk=case_study.pk)


@transaction.atomic
def submit_case_study(case_study, *, by):
    """Draft -> waiting for the advisor, once nothing identifies anyone and consent
    is recorded."""
    locked = lock(case_study, STEP.submit)
    locked = _reload(locked)
    case = locked.programme_case
    if case.consent not in {
        ProgrammeCase.Consent.GIVEN,
        ProgrammeCase.Consent.NOT_NEEDED,
    }:
        raise ValidationError(
            "Record their consent (or why it is not needed) before sending the case "
            "study for review.",
            code="consent",
        )
    missing = [
        h
        for n, h in CaseStudy.SECTIONS
        if n != "learning" and not getattr(locked, n).strip()
    ]
    if not locked.learning.strip():
        missing.append("Learning")
    if missing:
        raise ValidationError(
            "Write every section before sending it for review: "
            + ", ".join(missing)
            + ".",
            code="incomplete",
        )
    _refuse_identifiers(locked)
    return apply(locked, STEP.submit, by=by, returned_reason="")


@transaction.atomic
def review_case_study(case_study, *, by, recognisable, note=""):
    """Waiting for review -> reviewed, by the site's advisor (not the writer), who
    answers the motivated-intruder question."""
    locked = _reload(lock(case_study, STEP.review))
    place = _participant(locked)
    if place.advisor_id != by.pk:
        raise ValidationError(
            "The site's advisor for this programme reviews its case studies.",
            code="not_advisor",
        )
    if locked.drafted_by_id == by.pk:
        raise ValidationError(
            "Nobody reviews a case study they wrote.", code="own_case_study"
        )
    if recognisable not in CaseStudy.Recognisable.values:
        raise ValidationError(
            "Answer the question: could a practitioner from a neighbouring council "
            "recognise them?",
            code="recognisable",
        )
    if recognisable != CaseStudy.Recognisable.NO:
        raise ValidationError(
            "A case study someone could recognise is not shared: return it to the "
            "writer with what to change.",
            code="recognisable",
        )
    _refuse_identifiers(locked)
    return apply(
        locked,
        STEP.review,
        by=by,
        recognisable=recognisable,
        recognisable_note=note,
    )


@transaction.atomic
def return_case_study(case_study, *, by, reason):
    """Back to the writer with reasons: by the advisor (in review) or the project
    coordinator (reviewed)."""
    locked = lock(case_study, STEP.return_to_draft)
    place = _participant(locked)
    allowed = (
        place.advisor_id
        if locked.status == CaseStudy.Status.IN_REVIEW
        else place.project_coordinator_id
    )
    if allowed != by.pk:
        raise ValidationError(
            "Only the site's advisor (in review) or project coordinator (reviewed) "
            "returns a case study.",
            code="not_allowed",
        )
    if len(reason.strip()) < 10:
        raise ValidationError(
            "Give the reasons in a sentence or two.", code="reason_required"
        )
    return apply(locked, STEP.return_to_draft, by=by, returned_reason=reason)


@transaction.atomic
def approve_case_study(case_study, *, by):
    """Reviewed -> approved for sharing, by the site's project coordinator, who
    neither wrote nor reviewed it; the shared snapshot is made now."""
    locked = _reload(lock(case_study, STEP.approve))
    place = _participant(locked)
    if place.project_coordinator_id != by.pk:
        raise ValidationError(
            "The site's project coordinator for this programme approves its case "
            "studies for sharing.",
            code="not_coordinator",
        )
    if by.pk in {locked.drafted_by_id, locked.reviewed_by_id}:
        raise ValidationError(
            "Nobody approves a case study they wrote or reviewed.",
            code="own_case_study",
        )
    _refuse_identifiers(locked)
    figures = case_figures(locked.programme_case)
    snapshot = PublishedCaseStudy.objects.create(
        programme=place.programme,
        site=locked.site,
        pseudonym=locked.pseudonym,
        age_band=locked.age_band,
        sections={name: getattr(locked, name) for name, _ in CaseStudy.SECTIONS},
        figures=figures.as_data(),
        approved_on=timezone.localdate(),
    )
    return apply(locked, STEP.approve, by=by, published=snapshot)


def _move_snapshot(locked, step, by):
    snapshot = locked.published
    if snapshot is not None and can_take(snapshot, step):
        transition(snapshot, step, by=by)


@transaction.atomic
def present_case_study(case_study, *, by):
    locked = lock(case_study, STEP.present)
    _only_coordinator(locked, by)
    _move_snapshot(locked, PublishedCaseStudy.WORKFLOW.present, by)
    return apply(locked, STEP.present, by=by)


@transaction.atomic
def archive_case_study(case_study, *, by):
    locked = lock(case_study, STEP.archive)
    _only_coordinator(locked, by)
    _move_snapshot(locked, PublishedCaseStudy.WORKFLOW.archive, by)
    return apply(locked, STEP.archive, by=by)


def _only_coordinator(locked, by):
    if _participant(locked).project_coordinator_id != by.pk:
        raise ValidationError(
            "The site's project coordinator for this programme does this.",
            code="not_coordinator",
        )
