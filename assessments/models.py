import uuid
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper

from sites.models import (
    SiteScoped,
    SiteScopedQuerySet,
    Versioned,
    named_user,
    scoped_manager,
)
from sites.money import amount_validators, format_gbp
from sites.text import shorten
from sites.workflow import Step, Workflow

from .domains import (
    OUTCOME_LABELS,
    AdultOutcome,
    CarerOutcome,
    UnableReason,
    WellbeingArea,
    WellbeingImpactLevel,
)
from .validators import (
    NHS_NUMBER_HELP,
    normalise_nhs_number,
    normalise_postcode,
    validate_nhs_number,
    validate_postcode,
)


class StandardService(SiteScoped):
    """A service from the site's catalogue: what would usually be offered for a need."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    typical_weekly_cost = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        validators=amount_validators(),
        help_text="Typical cost per week in pounds.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"], name="standard_service_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(typical_weekly_cost__gte=0),
                name="standard_service_cost_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.name} (about {format_gbp(self.typical_weekly_cost)} a week)"


class PersonQuerySet(SiteScopedQuerySet):
    def current(self):
        """Leave out records merged into another (they stay, pointing to it)."""
        return self.filter(merged_into__isnull=True)

    def allocated_to(self, user):
        return self.filter(allocated_worker=user)

    def search(self, text):
        """Name (any part, from its start), NHS number or postcode."""

        text = (text or "").strip()
        if not text:
            return self
        # Case-insensitive name order, which the prefix indexes (migration 0002) serve.
        ordered = (Upper("family_name"), Upper("given_name"), "id")
        digits = normalise_nhs_number(text)
        if digits.isdigit() and len(digits) == 10:
            return self.filter(nhs_number=digits).order_by(*ordered)
        query = Q()
        words = text.split()
        for word in words:
            query &= (
                Q(family_name__istartswith=word)
                | Q(given_name__istartswith=word)
                | Q(preferred_name__istartswith=word)
            )
        if any(ch.isdigit() for ch in text):
            # A full postcode in any spacing ("ns42ev"), or the start of one as typed
            # ("NS4 2").
            query |= Q(postcode=normalise_postcode(text)) | Q(
                postcode__startswith=" ".join(text.upper().split())
            )
        return self.filter(query).order_by(*ordered)


# Two records of one person: the database refuses a second record with the same name
# and date of birth unless someone confirmed they are different people (after being
# shown the match), so a double click or two officers at once cannot make one.
SAME_NAME_AND_BIRTH = "person_unique_name_and_birth_unless_confirmed"


class Person(SiteScoped, Versioned):
    """Someone the site assesses or supports: an adult needing care, or a carer."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    given_name = models.CharField("First name", max_length=100)
    family_name = models.CharField("Last name", max_length=100)
    preferred_name = models.CharField(
        max_length=100, blank=True, help_text="What they like to be called."
    )
    date_of_birth = models.DateField()
    nhs_number = models.CharField(
        "NHS number",
        max_length=10,
        blank=True,
        validators=[validate_nhs_number],
        help_text=NHS_NUMBER_HELP,
    )
    address = models.TextField(blank=True)
    postcode = models.CharField(
        max_length=8, blank=True, validators=[validate_postcode]
    )
    phone = models.CharField(max_length=30, blank=True)
    communication_needs = models.TextField(
        blank=True,
        help_text="E.g. hearing loss, preferred language, easy read, interpreter.",
    )
    advocate_involved = models.BooleanField("An advocate is involved", default=False)
    allocated_worker = named_user()

    # No silent duplicates (assessments/duplicates.py). The form's one-time token: a
    # second post of the same form (a double click) finds the record the first made.
    creation_token = models.UUIDField(
        null=True, blank=True, unique=True, editable=False
    )
    distinct_confirmed = models.BooleanField(
        "Confirmed as a different person",
        default=False,
        help_text="Someone was shown the records with the same name and date of "
        "birth and confirmed this is a different person.",
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        help_text="The record this one was merged into: everything now lives there.",
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_by = named_user()

    objects = scoped_manager(PersonQuerySet)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "nhs_number"],
                condition=~Q(nhs_number=""),
                name="person_unique_nhs_number_per_site",
                violation_error_message="Someone with this NHS number is already "
                "recorded at this site.",
                violation_error_code="duplicate",
            ),
            models.UniqueConstraint(
                models.F("site"),
                Lower("family_name"),
                Lower("given_name"),
                models.F("date_of_birth"),
                condition=Q(distinct_confirmed=False, merged_into__isnull=True),
                name=SAME_NAME_AND_BIRTH,
                violation_error_message="Someone with this name and date of birth "
                "is already recorded at this site.",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True)
                | Q(merged_at__isnull=False, merged_by__isnull=False),
                name="person_merged_has_actor",
            ),
        ]
        indexes = [
            # Lists and searches show current records only (``current()``: not merged
            # into another), so the name orders are indexed for those rows alone: a
            # full index cannot skip merged rows, and the last page of 100,000 people
            # took 228 ms sorting them instead of 26 ms on the index (performance.md).
            models.Index(
                fields=["site", "family_name", "given_name", "id"],
                name="person_site_name",
                condition=Q(merged_into__isnull=True),
            ),
            models.Index(
                fields=["site", "allocated_worker", "family_name", "given_name", "id"],
                name="person_site_worker",
                condition=Q(merged_into__isnull=True),
            ),
            # Pattern ops so "starts with" can use the index whatever the database's
            # collation (PostgreSQL; other databases ignore operator classes).
            models.Index(
                fields=["site", "postcode"],
                opclasses=["", "varchar_pattern_ops"],
                name="person_site_postcode",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}"

    @property
    def full_name(self) -> str:
        """The legal name: for identification, where the law needs it."""
        return f"{self.given_name} {self.family_name}"

    legal_name = full_name

    @property
    def called(self) -> str:
        """The first name they use: their preferred name if they have one."""
        return self.preferred_name or self.given_name

    @property
    def goes_by_another_name(self) -> bool:
        return bool(self.preferred_name) and self.preferred_name != self.given_name

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Willingness(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "In part"
    NO = "no", "No"
    NOT_SURE = "not_sure", "Not sure"


class Relationship(models.TextChoices):
    """What the carer is to the person they care for."""

    WIFE = "wife", "Wife"
    HUSBAND = "husband", "Husband"
    PARTNER = "partner", "Partner"
    DAUGHTER = "daughter", "Daughter"
    SON = "son", "Son"
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    SISTER = "sister", "Sister"
    BROTHER = "brother", "Brother"
    GRANDDAUGHTER = "granddaughter", "Granddaughter"
    GRANDSON = "grandson", "Grandson"
    OTHER_RELATIVE = "other_relative", "Other relative"
    FRIEND = "friend", "Friend"
    NEIGHBOUR = "neighbour", "Neighbour"
    OTHER = "other", "Other"


class CarerLink(SiteScoped):
    """One person caring for another at the same site."""

    Relationship = Relationship

    carer = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="caring_for_links"
    )
    cared_for = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="carer_links"
    )
    relationship = models.CharField(
        "What the carer is to the person they care for",
        max_length=20,
        choices=Relationship.choices,
        # Links recorded before the question was asked have none.
        blank=True,
    )
    lives_with = models.BooleanField(
        "Lives with the person they care for", default=False
    )
    willing_to_continue = models.CharField(
        "Willing to continue caring", max_length=10, choices=Willingness.choices
    )
    able_to_continue = models.CharField(
        "Able to continue caring", max_length=10, choices=Willingness.choices
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carer", "cared_for"], name="carer_link_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(carer=models.F("cared_for")),
                name="carer_link_not_self",
            ),
        ]

    def __str__(self):
        return f"{self.carer} cares for {self.cared_for}"

    @property
    def relationship_in_words(self) -> str:
        """ "Karen Evans is Harry Evans's daughter" (empty when not recorded)."""
        if not self.relationship:
            return ""
        label = self.get_relationship_display().lower()
        if self.relationship in {self.Relationship.OTHER_RELATIVE}:
            label = "relative"
        elif self.relationship == self.Relationship.OTHER:
            return ""
        return f"{self.carer.display_name} is {self.cared_for.display_name}'s {label}"


FLUCTUATION_PERIODS = [
    ("1m", "The last month"),
    ("3m", "The last three months"),
    ("6m", "The last six months"),
    ("12m", "The last year"),
]


class AssessmentQuerySet(SiteScopedQuerySet):
    def drafts(self):
        return self.filter(status=Assessment.Status.DRAFT)

    def completed(self):
        return self.filter(status=Assessment.Status.COMPLETED)


class Assessment(SiteScoped):
    """A needs assessment or a carer's assessment, built section by section."""

    class Kind(models.TextChoices):
        NEEDS = "needs", "Needs assessment"
        CARER = "carer", "Carer's assessment"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"

    WORKFLOW = Workflow(
        Status,
        Step(
            "complete",
            {Status.DRAFT},
            Status.COMPLETED,
            action="Assessment completed",
            stamp_at="completed_at",
            stamp_by="completed_by",
            refusal="A {status} assessment cannot be completed.",
        ),
        # Not transitions: what each status allows.
        Step(
            "edit",
            {Status.DRAFT},
            None,
            refusal="This assessment is completed and can no longer be edited. "
            "Add an addendum to correct it.",
            code="completed",
        ),
        Step(
            "add_addendum",
            {Status.COMPLETED},
            None,
            refusal="Drafts are edited directly; addenda are for completed assessments.",
            code="draft",
        ),
    )
    TRANSITIONS = WORKFLOW.transitions

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="assessments"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    cared_for = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a carer's assessment: the person they care for.",
    )
    assessment_date = models.DateField(default=date.today)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    # Who was involved; what matters; strengths and support already there.
    involved = models.TextField("Who was involved", blank=True)
    what_matters = models.TextField("What matters to the person", blank=True)
    strengths = models.TextField(
        "Strengths and support already around them", blank=True
    )

    # Carer's assessment (Care Act s10 and the statutory guidance).
    carer_able_now = models.CharField(
        "Able to carry on caring now",
        max_length=10,
        choices=Willingness.choices,
        blank=True,
    )
    carer_willing_now = models.CharField(
        "Willing to carry on caring now",
        max_length=10,
        choices=Willingness.choices,
        blank=True,
    )
    carer_able_future = models.CharField(
        "Able to carry on caring in future",
        max_length=10,
        choices=Willingness.choices,
        blank=True,
    )
    carer_willing_future = models.CharField(
        "Willing to carry on caring in future",
        max_length=10,
        choices=Willingness.choices,
        blank=True,
    )
    carer_work_wishes = models.TextField(
        "Work, education and training wishes", blank=True
    )
    carer_leisure_wishes = models.TextField("Leisure wishes", blank=True)
    carer_wellbeing_impact = models.TextField(
        "Impact of caring on the carer's wellbeing", blank=True
    )
    carer_support_could_help = models.TextField(
        "Whether support could help, and how", blank=True
    )

    # Eligibility inputs that are not in the outcomes grid.
    needs_arise_from_condition = models.BooleanField(
        null=True,
        blank=True,
        help_text=(
            "Adults: the needs arise from a physical or mental impairment or illness. "
            "Carers: the needs arise from providing necessary care to an adult."
        ),
    )
    carer_health_at_risk = models.BooleanField(
        "The carer's physical or mental health is deteriorating or at risk",
        null=True,
        blank=True,
    )
    # Fluctuating needs (Eligibility Regulations 2015, reg. 2(3)): over what period
    # the person's circumstances were considered, so the explanation can say so.
    needs_fluctuate = models.CharField(
        "Do their needs fluctuate?",
        max_length=3,
        choices=[("yes", "Yes"), ("no", "No")],
        blank=True,
    )
    fluctuation_period = models.CharField(
        "Period considered",
        max_length=10,
        choices=FLUCTUATION_PERIODS,
        blank=True,
        help_text="Long enough to establish their overall level of need.",
    )
    fluctuation_pattern = models.TextField(
        "How their needs vary",
        blank=True,
        help_text="How often, how long a bad spell lasts, what it is like at worst.",
    )
    eligibility_confirmed_by = named_user()
    eligibility_confirmed_at = models.DateTimeField(null=True, blank=True)
    eligibility_result = models.BooleanField(
        null=True, blank=True, help_text="The result the officer confirmed."
    )
    eligibility_note = models.TextField("Officer's note on eligibility", blank=True)

    completed_by = named_user()
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_manager(AssessmentQuerySet)

    class Meta:
        ordering = ["-assessment_date", "-id"]
        indexes = [
            models.Index(
                fields=["site", "person", "-assessment_date"], name="assessment_person"
            ),
            models.Index(fields=["site", "status"], name="assessment_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(completed_at__isnull=False, completed_by__isnull=False),
                name="assessment_completed_has_actor",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.assessment_date:%d %b %Y}"

    @property
    def is_carer(self) -> bool:
        return self.kind == self.Kind.CARER

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def outcome_domains(self):
        return CarerOutcome if self.is_carer else AdultOutcome

    @property
    def section_versions(self) -> dict:
        """{section key: version} of the sections saved so far (``AssessmentSection``;
        prefetch ``saved_sections`` to read them with the assessment)."""
        return {row.key: row.version for row in self.saved_sections.all()}

    def section_version(self, key: str) -> int:
        """How often one section has been saved: 0 until the first save."""
        return self.section_versions.get(key, 0)


class AssessmentSection(SiteScoped, Versioned):
    """One section of an assessment as a record people edit: its version.

    Officers working on different sections of one draft never clash; two on the same
    section cannot overwrite each other. A section nobody has saved has no row yet
    (version 0); its first save creates it. The section's answers themselves live on
    the assessment and its rows, whose history records every change, so this counter
    keeps no history of its own.
    """

    class Key(models.TextChoices):
        INVOLVEMENT = "involvement", "Who was involved"
        WHAT_MATTERS = "what_matters", "What matters to them"
        STRENGTHS = "strengths", "Strengths and support already around them"
        CARER = "carer", "Their caring role"
        OUTCOMES = "outcomes", "Care Act outcomes"
        WELLBEING = "wellbeing", "Impact on wellbeing"
        FLUCTUATION = "fluctuation", "Needs that fluctuate"
        ELIGIBILITY = "eligibility", "Eligibility"
        NEEDS = "needs", "Needs, and what would usually be offered"
        RISKS = "risks", "Risks"
        DESIRED_OUTCOMES = "desired_outcomes", "What they want, in their own words"

    # The sections whose answers eligibility is worked out from: saving one clears a
    # confirmation and moves the eligibility section's version on.
    ELIGIBILITY_INPUTS = frozenset({Key.OUTCOMES, Key.WELLBEING, Key.FLUCTUATION})

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="saved_sections"
    )
    key = models.CharField(max_length=30, choices=Key.choices)
    # No change history: a counter; the answers it guards keep theirs (docstring).
    history = None

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "key"], name="assessment_section_unique_key"
            )
        ]

    def __str__(self):
        return f"{self.get_key_display()} (version {self.version})"


class OutcomeRating(SiteScoped):
    """One Care Act outcome in an assessment: can the person achieve it, and if not why."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="outcome_ratings"
    )
    domain = models.CharField(max_length=40, choices=list(OUTCOME_LABELS.items()))
    position = models.PositiveSmallIntegerField(default=0)
    unable = models.BooleanField("Unable to achieve", default=False)
    reasons = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "domain"], name="outcome_rating_unique_domain"
            )
        ]

    def __str__(self):
        return self.get_domain_display()

    @property
    def reason_labels(self):
        labels = dict(UnableReason.choices)
        return [labels.get(r, r) for r in self.reasons]


class WellbeingImpact(SiteScoped):
    """Impact on one area of wellbeing (Care Act s1)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="wellbeing_impacts"
    )
    area = models.CharField(max_length=30, choices=WellbeingArea.choices)
    position = models.PositiveSmallIntegerField(default=0)
    # Starts unanswered: a preselected "no impact" would bias eligibility and the
    # programme's figures (issue 9). Rows answered before keep their answer.
    level = models.CharField(
        max_length=12,
        choices=WellbeingImpactLevel.choices,
        blank=True,
        default="",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "area"], name="wellbeing_unique_area"
            )
        ]

    def __str__(self):
        return self.get_area_display()


class Need(SiteScoped):
    """A need in plain words, linked to outcome domains, with the usual offer for it."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="needs"
    )
    description = models.TextField("The need, in plain words")
    domains = models.JSONField(default=list, blank=True)
    usual_offer = models.ForeignKey(
        StandardService,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="What would usually be offered",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return shorten(self.description, 60)

    @property
    def domain_labels(self):
        return [OUTCOME_LABELS.get(d, d) for d in self.domains]


class DesiredOutcome(SiteScoped):
    """What the person (or carer) wants, in their own words."""

    class ExpressedBy(models.TextChoices):
        PERSON = "person", "The person"
        CARER = "carer", "Their carer"
        JOINTLY = "jointly", "Jointly"

    class Category(models.TextChoices):
        QUALITY_OF_LIFE = "quality_of_life", "Quality of life"
        PROCESS = "process", "Process"
        CHANGE = "change", "Change"

    class Priority(models.IntegerChoices):
        HIGH = 1, "High"
        MEDIUM = 2, "Medium"
        LOW = 3, "Low"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="desired_outcomes"
    )
    in_own_words = models.TextField(
        "In their own words",
        help_text="Write down what they said, as they said it.",
    )
    expressed_by = models.CharField(
        "Who said this", max_length=10, choices=ExpressedBy.choices
    )
    category = models.CharField(
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text="Optional (Talking Points): quality of life, process or change.",
    )
    priority = models.PositiveSmallIntegerField(
        choices=Priority.choices,
        default=Priority.MEDIUM,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["priority", "position", "id"]

    def __str__(self):
        return shorten(self.in_own_words, 60)


class Addendum(SiteScoped):
    """A correction to a completed assessment: never a silent edit."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="addenda"
    )
    reason = models.TextField("Why this correction is needed")
    text = models.TextField("The correction")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "addenda"

    def __str__(self):
        return f"Addendum of {self.created_at:%d %b %Y}"


# The legal record (consent, capacity, advocacy, safeguarding, contacts, equality):
# its own module, its models registered here with the rest of the app's.
from .documents import Document  # noqa: E402, F401
from .legal import (  # noqa: E402, F401
    Advocacy,
    Attorney,
    CapacityAssessment,
    Consent,
    Contact,
    EqualityRecord,
    Risk,
    SafeguardingConcern,
)
from .letters import Letter, LetterTemplate  # noqa: E402, F401

# Retention periods, legal holds and the monthly list (issue 13, item 5).
from .retention import (  # noqa: E402, F401
    LegalHold,
    RetentionCandidate,
    RetentionPeriod,
    RetentionRun,
)
