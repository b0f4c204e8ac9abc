"""The legal record of a person: consent, mental capacity and best interests, attorneys
and deputies, independent advocacy, safeguarding concerns, contacts, and equality and
communication. Risks and fluctuating needs belong to an assessment (``models.py``).

The Mental Capacity Act 2005 (s2-s4), the Care Act 2014 (s42, s67) and the national
data standards (NHS Data Dictionary ethnic category; the census religion question, as
the Client Level Data return uses them) give the words and the categories. Every row
is site-scoped (its history comes from ``SiteScoped``) and versioned: people edit them
together.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from sites.models import (
    SiteScoped,
    SiteScopedQuerySet,
    Versioned,
    named_user,
    scoped_manager,
)
from sites.phones import PHONE_HELP, validate_phone
from sites.text import shorten

PERSON = "assessments.Person"


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class PersonRecord(SiteScoped, Versioned):
    """A part of a person's legal record (a row on the person page)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


# --- consent ----------------------------------------------------------------------------


class Consent(PersonRecord):
    """Consent to the assessment, or to sharing information with named others."""

    class Purpose(models.TextChoices):
        ASSESSMENT = "assessment", "To the assessment"
        SHARING = "sharing", "To sharing information"

    class GivenBy(models.TextChoices):
        PERSON = "person", "The person themselves"
        ATTORNEY = "attorney", "Their attorney or deputy, for them"
        BEST_INTERESTS = (
            "best_interests",
            ("Nobody could consent: decided in their best interests"),
        )

    person = models.ForeignKey(
        PERSON, on_delete=models.PROTECT, related_name="consents"
    )
    purpose = models.CharField("Consent", max_length=12, choices=Purpose.choices)
    agreed = models.CharField("Did they agree?", max_length=3, choices=YesNo.choices)
    shared_with = models.TextField(
        "Shared with whom",
        blank=True,
        help_text="For sharing: the people and organisations, e.g. their GP, the "
        "memory clinic, their daughter.",
    )
    given_by = models.CharField("Who decided", max_length=16, choices=GivenBy.choices)
    decided_on = models.DateField("Date")
    notes = models.TextField(blank=True)
    withdrawn_on = models.DateField(
        "Withdrawn on",
        null=True,
        blank=True,
        help_text="Fill in if they have since taken their consent back.",
    )
    withdrawal_note = models.TextField("What they said when withdrawing", blank=True)
    withdrawal_recorded_by = named_user()

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True)
                | Q(withdrawn_on__gte=models.F("decided_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"Consent {self.get_purpose_display().lower()}"

    @property
    def in_force(self) -> bool:
        return self.agreed == YesNo.YES and self.withdrawn_on is None


# --- mental capacity and best interests -----------------------------------------------


class CapacityAssessment(PersonRecord):
    """A decision-specific capacity assessment (MCA 2005 s2-s3), and where the person
    lacks capacity for the decision, the best-interests decision (s4)."""

    person = models.ForeignKey(
        PERSON, on_delete=models.PROTECT, related_name="capacity_assessments"
    )
    decision = models.TextField(
        "The decision to be made",
        help_text="One specific decision, e.g. whether to accept help at home with "
        "meals. Capacity is judged per decision, at the time.",
    )
    assessed_on = models.DateField("Date of the assessment")
    practicable_steps = models.TextField(
        "Steps taken to help them decide",
        help_text="All practicable steps first: the right time and place, plain "
        "words, pictures, someone they trust present.",
    )
    impairment = models.CharField(
        "Stage 1: is there an impairment of, or disturbance in the functioning of, "
        "the mind or brain?",
        max_length=3,
        choices=YesNo.choices,
    )
    impairment_detail = models.TextField("What it is", blank=True)
    understands = models.CharField(
        "Can they understand the information relevant to the decision?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    retains = models.CharField(
        "Can they retain it long enough to decide?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    uses_or_weighs = models.CharField(
        "Can they use or weigh it to decide?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    communicates = models.CharField(
        "Can they communicate their decision (by any means)?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    because_of_impairment = models.CharField(
        "Is any inability because of the impairment or disturbance?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    evidence = models.TextField("How you reached this view", blank=True)
    # Best interests (s4), when they lack capacity for this decision.
    wishes = models.TextField(
        "Their past and present wishes, feelings, beliefs and values", blank=True
    )
    consulted = models.TextField(
        "Who was consulted",
        blank=True,
        help_text="Carers, family, attorneys, deputy, advocate: names and what they "
        "said.",
    )
    options = models.TextField("The options considered", blank=True)
    best_interests_decision = models.TextField(
        "The decision made in their best interests",
        blank=True,
        help_text="And why it is the least restrictive option.",
    )
    best_interests_on = models.DateField(
        "Date of the best-interests decision", null=True, blank=True
    )

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self):
        return f"Capacity assessment of {self.assessed_on:%d %b %Y}"

    UNABLE_LABELS = {
        "understands": "understand the information",
        "retains": "retain it",
        "uses_or_weighs": "use or weigh it",
        "communicates": "communicate the decision",
    }

    @property
    def unable_to(self) -> list[str]:
        return [
            words
            for name, words in self.UNABLE_LABELS.items()
            if getattr(self, name) == YesNo.NO
        ]

    @property
    def lacks_capacity(self) -> bool:
        """Both stages: an impairment, and because of it unable to do one of four."""
        return (
            self.impairment == YesNo.YES
            and bool(self.unable_to)
            and self.because_of_impairment == YesNo.YES
        )

    @property
    def outcome(self) -> str:
        if self.lacks_capacity:
            return "Lacks capacity for this decision"
        return "Has capacity for this decision"

    @property
    def best_interests_missing(self) -> bool:
        return self.lacks_capacity and not self.best_interests_decision.strip()


class Attorney(PersonRecord):
    """A lasting power of attorney or a deputy appointed by the Court of Protection."""

    class Kind(models.TextChoices):
        LPA_PROPERTY = (
            "lpa_property",
            ("Lasting power of attorney: property and financial affairs"),
        )
        LPA_HEALTH = "lpa_health", "Lasting power of attorney: health and welfare"
        DEPUTY_PROPERTY = "deputy_property", "Deputy: property and affairs"
        DEPUTY_WELFARE = "deputy_welfare", "Deputy: personal welfare"

    person = models.ForeignKey(
        PERSON, on_delete=models.PROTECT, related_name="attorneys"
    )
    kind = models.CharField("Type", max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=200)
    relationship = models.CharField(
        max_length=100, blank=True, help_text="E.g. daughter, solicitor."
    )
    phone = models.CharField(
        max_length=30, blank=True, validators=[validate_phone], help_text=PHONE_HELP
    )
    email = models.EmailField("E-mail", blank=True)
    address = models.TextField(blank=True)
    scope = models.TextField(
        "What it covers",
        help_text="The decisions they may make, and any conditions or restrictions.",
    )
    registered_on = models.DateField(
        "Registered (or appointed) on", null=True, blank=True
    )
    seen_document = models.BooleanField(
        "We have seen the registered document or court order", default=False
    )

    class Meta:
        ordering = ["kind", "name", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"


# --- advocacy -----------------------------------------------------------------------------


class Advocacy(PersonRecord):
    """The Care Act s67 test for an independent advocate, and the advocate."""

    class Process(models.TextChoices):
        ASSESSMENT = "assessment", "Assessment"
        PLANNING = "planning", "Care and support planning"
        REVIEW = "review", "Review"
        SAFEGUARDING = "safeguarding", "Safeguarding enquiry"

    person = models.ForeignKey(
        PERSON, on_delete=models.PROTECT, related_name="advocacy"
    )
    process = models.CharField("For", max_length=12, choices=Process.choices)
    considered_on = models.DateField("Date considered")
    difficulty_understanding = models.BooleanField(
        "Substantial difficulty understanding relevant information", default=False
    )
    difficulty_retaining = models.BooleanField(
        "Substantial difficulty retaining it", default=False
    )
    difficulty_weighing = models.BooleanField(
        "Substantial difficulty using or weighing it", default=False
    )
    difficulty_communicating = models.BooleanField(
        "Substantial difficulty communicating their views, wishes or feelings",
        default=False,
    )
    appropriate_person = models.CharField(
        "Is there an appropriate person to support them?",
        max_length=3,
        choices=YesNo.choices,
        help_text="Someone willing and able, whom they agree to, and not paid to care "
        "for them.",
    )
    appropriate_person_name = models.CharField(
        "The appropriate person", max_length=200, blank=True
    )
    referred_on = models.DateField("Referred for an advocate on", null=True, blank=True)
    referred_to = models.CharField("Advocacy service", max_length=200, blank=True)
    advocate_name = models.CharField("Advocate", max_length=200, blank=True)
    advocate_phone = models.CharField(
        "Advocate's phone",
        max_length=30,
        blank=True,
        validators=[validate_phone],
        help_text=PHONE_HELP,
    )
    advocate_email = models.EmailField("Advocate's e-mail", blank=True)

    class Meta:
        ordering = ["-considered_on", "-id"]
        verbose_name_plural = "advocacy"

    def __str__(self):
        return f"Advocacy for {self.get_process_display().lower()}"

    DIFFICULTIES = {
        "difficulty_understanding": "understanding",
        "difficulty_retaining": "retaining",
        "difficulty_weighing": "using or weighing",
        "difficulty_communicating": "communicating",
    }

    @property
    def difficulties(self) -> list[str]:
        return [
            words for name, words in self.DIFFICULTIES.items() if getattr(self, name)
        ]

    @property
    def advocate_needed(self) -> bool:
        """Substantial difficulty in any of the four, and no appropriate person."""
        return bool(self.difficulties) and self.appropriate_person == YesNo.NO

    @property
    def answer(self) -> str:
        if self.advocate_needed:
            return (
                "An independent advocate must be arranged: substantial difficulty ("
                + ", ".join(self.difficulties)
                + ") and no appropriate person."
            )
        if not self.difficulties:
            return "No advocate needed: no substantial difficulty in being involved."
        return (
            "No independent advocate needed: "
            f"{self.appropriate_person_name or 'an appropriate person'} can support "
            "them."
        )


# --- safeguarding ---------------------------------------------------------------------------


class SafeguardingQuerySet(SiteScopedQuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


class SafeguardingConcern(PersonRecord):
    """A concern of abuse or neglect (Care Act s42), raised from the person page."""

    class Enquiry(models.TextChoices):
        UNDECIDED = "undecided", "Not decided yet"
        ENQUIRY = "enquiry", "A section 42 enquiry is being made"
        OTHER = "other", "No enquiry: other action taken"
        NONE = "none", "No further action"

    person = models.ForeignKey(
        PERSON, on_delete=models.PROTECT, related_name="safeguarding_concerns"
    )
    raised_by = models.CharField(
        "Who raised it",
        max_length=200,
        help_text="Their name and role, e.g. a neighbour, the district nurse.",
    )
    raised_on = models.DateField("Date raised")
    concern = models.TextField("The concern")
    referred_to = models.CharField(
        "Referred to",
        max_length=200,
        blank=True,
        help_text="E.g. the safeguarding adults team, the police.",
    )
    enquiry = models.CharField(
        "Decision on an enquiry",
        max_length=10,
        choices=Enquiry.choices,
        default=Enquiry.UNDECIDED,
    )
    outcome = models.TextField(blank=True)
    closed_on = models.DateField("Closed on", null=True, blank=True)

    objects = scoped_manager(SafeguardingQuerySet)

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(closed_on__gte=models.F("raised_on")),
                name="safeguarding_closed_after_raised",
            ),
        ]

    def __str__(self):
        return f"Safeguarding concern of {self.raised_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


# --- contacts ---------------------------------------------------------------------------------


class Contact(PersonRecord):
    """Someone to contact about the person, and how to reach them."""

    class Kind(models.TextChoices):
        GP = "gp", "GP practice"
        NEXT_OF_KIN = "next_of_kin", "Next of kin"
        EMERGENCY = "emergency", "Emergency contact"
        PROFESSIONAL = "professional", "Professional involved"
        OTHER = "other", "Family or friend"

    person = models.ForeignKey(
        PERSON, on_delete=models.PROTECT, related_name="contacts"
    )
    kind = models.CharField("Who they are", max_length=12, choices=Kind.choices)
    name = models.CharField(
        "Name", max_length=200, help_text="For a GP practice, the practice's name."
    )
    role = models.CharField(
        "Relationship or role",
        max_length=200,
        blank=True,
        help_text="E.g. daughter; memory clinic nurse; district nurse; Dr Patel.",
    )
    also_emergency = models.BooleanField("Also the emergency contact", default=False)
    phone = models.CharField(
        max_length=30, blank=True, validators=[validate_phone], help_text=PHONE_HELP
    )
    email = models.EmailField("E-mail", blank=True)
    address = models.TextField(blank=True)
    notes = models.TextField(
        "When to contact them", blank=True, help_text="E.g. not before 6pm (works)."
    )

    ORDER = [Kind.GP, Kind.NEXT_OF_KIN, Kind.EMERGENCY, Kind.PROFESSIONAL, Kind.OTHER]

    class Meta:
        ordering = ["kind", "name", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"

    @property
    def is_emergency(self) -> bool:
        return self.kind == self.Kind.EMERGENCY or self.also_emergency


# --- equality and communication ---------------------------------------------------------------


NOT_SAY = ("not_say", "Prefers not to say")
NOT_KNOWN = ("not_known", "Not known")


class Ethnicity(models.TextChoices):
    """NHS Data Dictionary "Ethnic Category" (used by the Client Level Data return)."""

    A = "A", "White: British"
    B = "B", "White: Irish"
    C = "C", "White: any other White background"
    D = "D", "Mixed: White and Black Caribbean"
    E = "E", "Mixed: White and Black African"
    F = "F", "Mixed: White and Asian"
    G = "G", "Mixed: any other mixed background"
    H = "H", "Asian or Asian British: Indian"
    J = "J", "Asian or Asian British: Pakistani"
    K = "K", "Asian or Asian British: Bangladeshi"
    L = "L", "Asian or Asian British: any other Asian background"
    M = "M", "Black or Black British: Caribbean"
    N = "N", "Black or Black British: African"
    P = "P", "Black or Black British: any other Black background"
    R = "R", "Other ethnic group: Chinese"
    S = "S", "Other ethnic group: any other ethnic group"
    Z = "Z", "Prefers not to say"  # "Not stated": asked, and declined
    UNKNOWN = "99", "Not known"


class Religion(models.TextChoices):
    """The census religion question's categories."""

    NONE = "none", "No religion"
    CHRISTIAN = "christian", "Christian"
    BUDDHIST = "buddhist", "Buddhist"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Any other religion or belief"
    NOT_SAY = NOT_SAY
    NOT_KNOWN = NOT_KNOWN


class Sex(models.TextChoices):
    """NHS Data Dictionary "Person Stated Gender" (as the Client Level Data uses)."""

    MALE = "1", "Male"
    FEMALE = "2", "Female"
    INDETERMINATE = "9", "Indeterminate (unable to be classified)"
    NOT_SAY = NOT_SAY
    NOT_KNOWN = "X", "Not known"


class Disability(models.TextChoices):
    YES = "yes", "Yes (Equality Act 2010 definition)"
    NO = "no", "No"
    NOT_SAY = NOT_SAY
    NOT_KNOWN = NOT_KNOWN


class Language(models.TextChoices):
    """Languages by ISO 639 code, as the NHS "preferred spoken language" records them;
    the languages most often spoken in England, then "other"."""

    EN = "en", "English"
    ARABIC = "ar", "Arabic"
    BENGALI = "bn", "Bengali"
    BSL = "sgn-gb", "British Sign Language"
    CANTONESE = "yue", "Cantonese"
    FRENCH = "fr", "French"
    GUJARATI = "gu", "Gujarati"
    ITALIAN = "it", "Italian"
    LITHUANIAN = "lt", "Lithuanian"
    MANDARIN = "cmn", "Mandarin"
    POLISH = "pl", "Polish"
    PORTUGUESE = "pt", "Portuguese"
    PUNJABI = "pa", "Punjabi"
    ROMANIAN = "ro", "Romanian"
    SOMALI = "so", "Somali"
    SPANISH = "es", "Spanish"
    TAMIL = "ta", "Tamil"
    TURKISH = "tr", "Turkish"
    URDU = "ur", "Urdu"
    WELSH = "cy", "Welsh"
    OTHER = "other", "Another language"
    NOT_SAY = NOT_SAY


class DocumentFormat(models.TextChoices):
    STANDARD = "standard", "Standard print"
    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy read"
    BRAILLE = "braille", "Braille"
    AUDIO = "audio", "Audio"
    NOT_SAY = NOT_SAY


class EqualityRecord(SiteScoped, Versioned):
    """Equality and communication: all optional, each with "prefers not to say"."""

    person = models.OneToOneField(
        PERSON, on_delete=models.PROTECT, related_name="equality"
    )
    ethnicity = models.CharField(max_length=2, choices=Ethnicity.choices, blank=True)
    religion = models.CharField(
        "Religion or belief", max_length=10, choices=Religion.choices, blank=True
    )
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    disability = models.CharField(
        "Disabled", max_length=10, choices=Disability.choices, blank=True
    )
    first_language = models.CharField(
        max_length=10, choices=Language.choices, blank=True
    )
    first_language_other = models.CharField(
        "Which language", max_length=100, blank=True
    )
    interpreter_needed = models.CharField(
        "Needs an interpreter", max_length=3, choices=YesNo.choices, blank=True
    )
    interpreter_language = models.CharField(
        "Interpreter's language", max_length=10, choices=Language.choices, blank=True
    )
    preferred_format = models.CharField(
        "Documents in", max_length=12, choices=DocumentFormat.choices, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "equality and communication record"

    def __str__(self):
        return "Equality and communication"

    @property
    def large_print(self) -> bool:
        return self.preferred_format == DocumentFormat.LARGE_PRINT

    @property
    def language_shown(self) -> str:
        if self.first_language == Language.OTHER and self.first_language_other:
            return self.first_language_other
        return self.get_first_language_display()


# --- risks (in an assessment) ---------------------------------------------------------------


class Level(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Risk(SiteScoped):
    """A risk named in an assessment, with the person's own view of the risk they
    choose to take. The plan's contingency answers these."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="risks"
    )
    description = models.TextField(
        "The risk", help_text="What could happen, e.g. leaving the gas on."
    )
    likelihood = models.CharField("How likely", max_length=6, choices=Level.choices)
    severity = models.CharField("How serious", max_length=6, choices=Level.choices)
    reduced_by = models.TextField(
        "What reduces it", blank=True, help_text="What is in place or could be."
    )
    persons_view = models.TextField(
        "Their own view of the risk",
        blank=True,
        help_text="In their words: the risk they choose to take, and why it matters "
        "to them.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return shorten(self.description, 60)
