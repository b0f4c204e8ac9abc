"""The demo person with dementia and his working daughter (issue 12): every part of
the legal record, recorded through the services as an officer would.

Walter Bryce, 82, has moderate dementia; he has got lost walking to the paper shop
and left the gas on. His daughter Helen works full time and is his attorney. All of
it is fictional: NHS numbers in the 999 test range, phone numbers in Ofcom's ranges
for drama (0113 496 0xxx), e-mail addresses at example.org.
"""

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from weasyprint import HTML

from sites.models import Site

from . import legal_services, services
from .demo import SIG, SOME, _person, fill_assessment
from .documents import Document, attach_document
from .domains import UnableReason
from .legal import (
    Advocacy,
    Attorney,
    CapacityAssessment,
    Consent,
    Contact,
    Risk,
    SafeguardingConcern,
)
from .models import Assessment, AssessmentSection, DesiredOutcome, Person

Key = AssessmentSection.Key

CLINIC_LETTER_HTML = """<html lang="en-GB"><head><title>Memory clinic letter</title>
</head><body style="font-family: sans-serif">
<h1>Northbury Memory Clinic</h1>
<p>To: Olivia Hart, Adult Social Care. About: Mr Walter Bryce, 3 Mill Lane.</p>
<p>I saw Mr Bryce with his daughter. He has a dementia of moderate severity, most
likely Alzheimer's disease. He is often confused in the evenings and when tired.</p>
<p>What helps: one question at a time, time to answer, a routine, and company at
teatime. He values his independence and his walk to the paper shop.</p>
<p>We will see him again in six months. (A fictional letter for the demonstration.)</p>
</body></html>"""
WALTER_NHS = "9990017018"
HELEN_NHS = "9990017026"


def seed_bryce(site, olivia, catalogue):
    """Walter and Helen Bryce, once (safe to repeat)."""
    if not site.duty_phone:
        Site.objects.filter(pk=site.pk).update(
            duty_phone="0113 496 0999",
            contact_email="adult.care@example.org",
            postal_address="Adult Social Care, County Hall\nNorthbury NS1 1AA",
        )
    walter, created = _person(
        site,
        olivia,
        WALTER_NHS,
        given_name="Walter",
        family_name="Bryce",
        preferred_name="Wally",
        date_of_birth=date(1944, 3, 2),
        address="3 Mill Lane\nNorthbury",
        postcode="NS3 4WB",
        phone="0113 496 0457",
        communication_needs="Dementia: one question at a time, and give him time to "
        "answer. Best in the morning.",
        allocated_worker=olivia,
    )
    helen, _ = _person(
        site,
        olivia,
        HELEN_NHS,
        given_name="Helen",
        family_name="Bryce",
        date_of_birth=date(1976, 8, 19),
        address="22 Station Road\nNorthbury",
        postcode="NS1 6HB",
        phone="0113 496 0222",
        allocated_worker=olivia,
    )
    if not created:
        return
    services.link_carer(
        carer=helen,
        cared_for=walter,
        by=olivia,
        lives_with=False,
        willing_to_continue="yes",
        able_to_continue="partly",
        notes="Works full time as a pharmacist; visits every evening after work.",
    )
    today = timezone.localdate()
    _legal_record(walter, helen, olivia, today)
    _assessments(walter, helen, olivia, catalogue, today)


def _legal_record(walter, helen, olivia, today):
    def add(model, noun, **fields):
        return legal_services.add_record(
            model, person=walter, by=olivia, noun=noun, **fields
        )

    add(
        Contact,
        "contact",
        kind=Contact.Kind.GP,
        name="Northbury Health Centre",
        role="Dr Example (his GP)",
        phone="0113 496 0100",
        address="High Street, Northbury NS3 1HC",
    )
    add(
        Contact,
        "contact",
        kind=Contact.Kind.NEXT_OF_KIN,
        name="Helen Bryce",
        role="Daughter",
        also_emergency=True,
        phone="0113 496 0222",
        email="helen.bryce@example.org",
        notes="At work 8am to 6pm on weekdays: ring at lunchtime, or the pharmacy "
        "if urgent.",
    )
    add(
        Contact,
        "contact",
        kind=Contact.Kind.PROFESSIONAL,
        name="Northbury Memory Service",
        role="Community psychiatric nurse",
        phone="0113 496 0300",
    )
    add(
        Contact,
        "contact",
        kind=Contact.Kind.PROFESSIONAL,
        name="District nursing team",
        role="District nurse (leg dressing, weekly)",
        phone="0113 496 0310",
    )
    add(
        Consent,
        "consent",
        purpose=Consent.Purpose.ASSESSMENT,
        agreed="yes",
        given_by=Consent.GivenBy.PERSON,
        decided_on=today - timedelta(days=30),
        notes="He agreed to “someone coming to see how I'm managing”.",
    )
    sharing = add(
        Consent,
        "consent",
        purpose=Consent.Purpose.SHARING,
        agreed="yes",
        shared_with="His GP, the memory service and Helen (his daughter)",
        given_by=Consent.GivenBy.ATTORNEY,
        decided_on=today - timedelta(days=30),
    )
    del sharing
    add(
        Consent,
        "consent",
        purpose=Consent.Purpose.SHARING,
        agreed="no",
        shared_with="His brother in Canada",
        given_by=Consent.GivenBy.PERSON,
        decided_on=today - timedelta(days=30),
        notes="“Keep him out of it.”",
    )
    add(
        CapacityAssessment,
        "capacity assessment",
        decision="Whether to accept a paid carer at teatime to help him cook.",
        assessed_on=today - timedelta(days=21),
        practicable_steps="Seen at home at 10am (his best time), Helen present, the "
        "options shown with photos of a carer and a meal, one question at a time, "
        "and asked again the next morning.",
        impairment="yes",
        impairment_detail="Alzheimer's disease, moderate (diagnosed by the memory "
        "service two years ago).",
        understands="yes",
        retains="no",
        uses_or_weighs="no",
        communicates="yes",
        because_of_impairment="yes",
        evidence="Could not recall, five minutes later, that he had left the gas on "
        "twice this month; said the cooker “has never been a problem”.",
        wishes="Has always been independent and proud of cooking his own tea; "
        "dislikes strangers in the house but gets on with women who chat about "
        "football.",
        consulted="Helen Bryce (daughter, attorney for health and welfare): agrees. "
        "His GP: agrees. The memory service nurse: suggests the same carer each "
        "day.",
        options="A carer at teatime; meals delivered; Helen cooking every evening "
        "(not possible with her work); no help (not safe).",
        best_interests_decision="A carer at teatime, the same person each day, who "
        "cooks with him rather than for him: the least restrictive option that "
        "keeps him safe and keeps him cooking.",
        best_interests_on=today - timedelta(days=14),
    )
    for kind, scope in (
        (
            Attorney.Kind.LPA_HEALTH,
            "Decisions about his care, where he lives and medical treatment, when he "
            "cannot make them himself.",
        ),
        (
            Attorney.Kind.LPA_PROPERTY,
            "His bank accounts, pension and bills; may be used while he has capacity, "
            "with his agreement.",
        ),
    ):
        add(
            Attorney,
            "attorney or deputy",
            kind=kind,
            name="Helen Bryce",
            relationship="Daughter",
            phone="0113 496 0222",
            email="helen.bryce@example.org",
            scope=scope,
            registered_on=date(2023, 6, 1),
            seen_document=True,
        )
    add(
        Advocacy,
        "advocacy decision",
        process=Advocacy.Process.ASSESSMENT,
        considered_on=today - timedelta(days=30),
        difficulty_retaining=True,
        difficulty_weighing=True,
        appropriate_person="yes",
        appropriate_person_name="Helen Bryce (daughter)",
    )
    add(
        Advocacy,
        "advocacy decision",
        process=Advocacy.Process.SAFEGUARDING,
        considered_on=today - timedelta(days=6),
        difficulty_retaining=True,
        difficulty_weighing=True,
        appropriate_person="no",
        referred_on=today - timedelta(days=6),
        referred_to="Northbury Advocacy Hub",
        advocate_name="Sam Okafor",
        advocate_phone="0113 496 0871",
        advocate_email="advocacy@example.org",
    )
    concern = legal_services.raise_safeguarding_concern(
        person=walter,
        by=olivia,
        raised_by="A neighbour, by phone to the duty line",
        raised_on=today - timedelta(days=7),
        concern="A man calling at the door took £800 in cash for roof repairs that "
        "were not done. Walter cannot remember agreeing to the work.",
        referred_to="Safeguarding adults team; Trading Standards",
    )
    legal_services.change_record(
        concern,
        by=olivia,
        expected_version=concern.version,
        noun="safeguarding concern",
        enquiry=SafeguardingConcern.Enquiry.ENQUIRY,
    )
    legal_services.save_equality(
        person=walter,
        by=olivia,
        expected_version=0,
        ethnicity="A",
        religion="christian",
        sex="1",
        disability="yes",
        first_language="en",
        interpreter_needed="no",
        preferred_format="large_print",
    )
    legal_services.save_equality(
        person=helen,
        by=olivia,
        expected_version=0,
        ethnicity="A",
        religion="not_say",
        sex="2",
        disability="no",
        first_language="en",
        interpreter_needed="no",
        preferred_format="standard",
    )
    legal_services.add_record(
        Contact,
        person=helen,
        by=olivia,
        noun="contact",
        kind=Contact.Kind.GP,
        name="Station Road Surgery",
        phone="0113 496 0150",
    )


def seed_evans_record(site, olivia):
    """The Evans household's contacts, consents and communication (once)."""
    gwen = Person.objects.filter(site=site, nhs_number="9990004110").first()
    if gwen is None or Contact.objects.filter(person=gwen).exists():
        return
    today = timezone.localdate()
    for fields in (
        {
            "kind": Contact.Kind.GP,
            "name": "Orchard Row Surgery",
            "phone": "0113 496 0120",
        },
        {
            "kind": Contact.Kind.NEXT_OF_KIN,
            "name": "Dennis Evans",
            "role": "Husband and main carer",
            "phone": "0113 496 0412",
        },
        {
            "kind": Contact.Kind.EMERGENCY,
            "name": "Their daughter",
            "role": "Daughter, phones every day",
            "phone": "0113 496 0413",
            "notes": "Works days; best after 5pm.",
        },
        {
            "kind": Contact.Kind.PROFESSIONAL,
            "name": "Community physiotherapy",
            "role": "Physiotherapist (falls)",
            "phone": "0113 496 0330",
        },
    ):
        legal_services.add_record(
            Contact, person=gwen, by=olivia, noun="contact", **fields
        )
    for purpose, shared_with in (
        (Consent.Purpose.ASSESSMENT, ""),
        (Consent.Purpose.SHARING, "Their GP and Dennis's GP; the dial-a-ride service"),
    ):
        legal_services.add_record(
            Consent,
            person=gwen,
            by=olivia,
            noun="consent",
            purpose=purpose,
            agreed="yes",
            shared_with=shared_with,
            given_by=Consent.GivenBy.PERSON,
            decided_on=today - timedelta(days=40),
        )
    legal_services.add_record(
        Advocacy,
        person=gwen,
        by=olivia,
        noun="advocacy decision",
        process=Advocacy.Process.ASSESSMENT,
        considered_on=today - timedelta(days=40),
        appropriate_person="yes",
        appropriate_person_name="Dennis Evans (husband)",
    )
    legal_services.save_equality(
        person=gwen,
        by=olivia,
        expected_version=0,
        ethnicity="A",
        religion="christian",
        sex="2",
        disability="yes",
        first_language="cy",
        interpreter_needed="no",
        preferred_format="standard",
    )


def _assessments(walter, helen, olivia, catalogue, today):
    A, E = UnableReason.NEEDS_ASSISTANCE, UnableReason.ENDANGERS

    def fluctuation(locked):
        locked.needs_fluctuate = "yes"
        locked.fluctuation_period = "3m"
        locked.fluctuation_pattern = (
            "Good and bad days: most mornings he manages, but two or three evenings "
            "a week he is confused, forgets meals and has left the gas on. Worse "
            "when tired or unwell."
        )
        locked.save()

    his = services.start_assessment(
        person=walter, kind=Assessment.Kind.NEEDS, by=olivia
    )
    his = fill_assessment(
        his,
        by=olivia,
        texts={
            "involved": "Walter; Helen, his daughter and attorney (after work); "
            "Olivia Hart, assessing officer. At home, over two visits.",
            "what_matters": "“I've cooked my own tea for sixty years and I'm not "
            "stopping now.” His morning walk to the paper shop, and the football on "
            "Saturdays.",
            "strengths": "Physically fit; walks every day. Helen visits every "
            "evening. The newsagent knows him and would ring Helen.",
        },
        condition=True,
        unable={
            "nutrition": (
                [A, E],
                "Forgets to eat on bad evenings; has left the gas on twice.",
            ),
            "home_safely": ([E], "Leaving the gas on; getting up at night confused."),
            "community": ([A], "Got lost twice coming back from the paper shop."),
        },
        wellbeing={
            "health": (SIG, "Weight loss; the risk of fire."),
            "control": (SOME, "Wants to keep doing things for himself."),
        },
        needs=[
            (
                "Needs help to cook and eat a proper tea safely on bad evenings.",
                ["nutrition", "home_safely"],
                catalogue["Community meals"],
            ),
            (
                "Needs a way to get home if he loses his way.",
                ["community"],
                catalogue["Telecare alarm"],
            ),
        ],
        outcomes=[
            (
                "I want to keep cooking my own tea.",
                DesiredOutcome.ExpressedBy.PERSON,
                DesiredOutcome.Category.QUALITY_OF_LIFE,
                1,
            ),
            (
                "Keep walking to the paper shop on my own.",
                DesiredOutcome.ExpressedBy.PERSON,
                DesiredOutcome.Category.QUALITY_OF_LIFE,
                1,
            ),
        ],
        before_eligibility=[(Key.FLUCTUATION, fluctuation)],
    )

    def risks(locked):
        for i, (what, likely, serious, reduced, view) in enumerate(
            [
                (
                    "Leaving the gas on after cooking.",
                    "high",
                    "high",
                    "A gas safety valve that cuts off after 30 minutes; a carer at "
                    "teatime who cooks with him.",
                    "I'd rather take the risk than have someone do it all for me.",
                ),
                (
                    "Getting lost on his walk and out in the cold.",
                    "medium",
                    "high",
                    "A watch that shows Helen where he is; the newsagent has her "
                    "number.",
                    "The walk is the best part of my day.",
                ),
            ],
            start=1,
        ):
            Risk.objects.create(
                site=locked.site,
                assessment=locked,
                description=what,
                likelihood=likely,
                severity=serious,
                reduced_by=reduced,
                persons_view=view,
                position=i,
            )

    current = Assessment.objects.get(pk=his.pk)
    services.save_section(
        current,
        section=Key.RISKS,
        expected_version=current.section_version(Key.RISKS),
        by=olivia,
        write=risks,
    )
    services.complete_assessment(his, by=olivia)
    # The memory clinic's letter, kept with the assessment it informed (issue 12).
    attach_document(
        person=walter,
        upload=ContentFile(
            HTML(string=CLINIC_LETTER_HTML).write_pdf(),
            name="Memory clinic letter.pdf",
        ),
        kind=Document.Kind.CLINIC_REPORT,
        description="Memory clinic letter: the diagnosis and what helps",
        assessment=his,
        by=olivia,
    )

    hers = services.start_assessment(
        person=helen, kind=Assessment.Kind.CARER, cared_for=walter, by=olivia
    )
    hers = fill_assessment(
        hers,
        by=olivia,
        texts={
            "involved": "Helen, seen at her home after work; Olivia Hart.",
            "what_matters": "“I want to keep my job and still be his daughter, not "
            "only his carer.”",
            "strengths": "A supportive employer; a friend who can sit with Walter "
            "now and then.",
            "carer_able_now": "partly",
            "carer_willing_now": "yes",
            "carer_able_future": "not_sure",
            "carer_willing_future": "yes",
            "carer_wellbeing_impact": "Exhausted: cooks his tea every evening after a "
            "full day's work; worried about the gas during the day.",
            "carer_work_wishes": "To keep working full time as a pharmacist.",
            "carer_leisure_wishes": "Her Thursday evening choir.",
            "carer_support_could_help": "Someone at teatime on weekdays; a gas valve "
            "so she is not worried at work.",
        },
        condition=True,
        health_at_risk=True,
        unable={
            "carer_work_education": (
                [A],
                "Has left work early three times this month.",
            ),
        },
        wellbeing={
            "health": (SIG, "Not sleeping; anxious at work."),
            "participation": (SOME, "Has given up her choir."),
        },
        needs=[
            (
                "Cannot keep up full-time work and cook his tea every evening.",
                ["carer_work_education"],
                catalogue["Carers' sitting service"],
            ),
        ],
        outcomes=[
            (
                "To keep my job without worrying about Dad all day.",
                DesiredOutcome.ExpressedBy.CARER,
                DesiredOutcome.Category.QUALITY_OF_LIFE,
                1,
            ),
            (
                "To get back to my choir on a Thursday evening: something that is "
                "mine.",
                DesiredOutcome.ExpressedBy.CARER,
                DesiredOutcome.Category.QUALITY_OF_LIFE,
                2,
            ),
        ],
    )
    services.complete_assessment(hers, by=olivia)
