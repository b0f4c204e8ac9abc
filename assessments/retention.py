"""Retention (issue 13, item 5): how long a site keeps a person's records after the last
contact, legal holds that keep a record whatever its age, and the monthly list of
people past their retention period.

The rules (what counts as contact, what is deleted) are in
``retention_services.py`` and written down in docs/retention.md.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from sites.models import SiteScoped, SiteScopedQuerySet, named_user, scoped_manager

PERSON = "assessments.Person"
DEFAULT_YEARS = 8


class RecordType(models.TextChoices):
    """The kinds of record a site sets a retention period for. Audit events are not
    one: they name records by public id only, and the deletion's own event is the
    evidence that a record was removed (docs/retention.md)."""

    PERSON = "person", "People who receive care and support"
    CARER = "carer", "People known to us only as carers"


class RetentionPeriod(SiteScoped):
    """How many years after the last contact the site keeps a kind of record (8 when
    the site has set none)."""

    record_type = models.CharField(max_length=10, choices=RecordType.choices)
    years = models.PositiveSmallIntegerField(
        "Years kept after the last contact",
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "record_type"], name="retention_period_one_per_type"
            ),
            models.CheckConstraint(
                condition=Q(years__gte=1) & Q(years__lte=100),
                name="retention_period_years_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_record_type_display()}: {self.years} years"


class LegalHoldQuerySet(SiteScopedQuerySet):
    def in_force(self, day):
        """Holds not released and not past their end date on ``day``."""
        return self.filter(released_at__isnull=True).filter(
            Q(until__isnull=True) | Q(until__gte=day)
        )


class LegalHold(SiteScoped):
    """Keeps a person's records off the deletion path (a claim, an inquiry, a
    safeguarding review), whatever their age."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        PERSON, on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.TextField(
        "Why the records must be kept",
        help_text="E.g. a claim, a court order, an inquiry or a safeguarding review.",
    )
    until = models.DateField(
        "Kept until",
        null=True,
        blank=True,
        help_text="Leave empty to keep the records until the hold is released.",
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    released_by = named_user()
    released_at = models.DateTimeField(null=True, blank=True)
    release_note = models.TextField("Why the hold is released", blank=True)

    objects = scoped_manager(LegalHoldQuerySet)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(released_by__isnull=False),
                name="legal_hold_release_has_actor",
            ),
        ]

    def __str__(self):
        return f"Legal hold placed {self.placed_at:%d %b %Y}"


class RetentionRun(SiteScoped):
    """One computation of the list of people past retention at a site (monthly, by
    ``manage.py retention_review``, or when a senior manager asks)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run_on = models.DateField()
    ran_by = named_user(help_text="Empty when the monthly run made it.")
    # Computed data, replaced by the next run: no change history.
    history = None

    class Meta:
        ordering = ["-run_on", "-id"]

    def __str__(self):
        return f"Retention review of {self.run_on:%d %b %Y}"


class RetentionCandidate(SiteScoped):
    """A person past their retention period when the run was made, and why."""

    run = models.ForeignKey(
        RetentionRun, on_delete=models.CASCADE, related_name="candidates"
    )
    person = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=10, choices=RecordType.choices)
    years = models.PositiveSmallIntegerField()
    last_contact = models.DateField()
    # What the last contact was (a key of retention_services.CONTACT_WORDS).
    last_contact_kind = models.CharField(max_length=30)
    due_on = models.DateField()
    history = None

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "entry on the retention list"
        verbose_name_plural = "entries on the retention list"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "person"], name="retention_candidate_once_per_run"
            ),
        ]

    def __str__(self):
        return f"Past retention since {self.due_on:%d %b %Y}"
