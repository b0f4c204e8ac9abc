import uuid
from datetime import date
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.utils import formats
from django.utils.text import capfirst
from django_scopes import ScopedManager
from django_scopes.manager import DisabledQuerySet
from simple_history.manager import HistoricalQuerySet, HistoryManager
from simple_history.models import HistoricalRecords

from .money import format_gbp
from .permissions import Role
from .phones import PHONE_HELP, validate_phone


class User(AbstractUser):
    """A member of staff. Access to people's records comes only through memberships."""

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


def named_user(**options):
    """A user a record names: who took a step (``completed_by``), or whom it is given
    to (``allocated_worker``). Empty until named; kept with the record
    (``PROTECT``: care records and their authors never go by cascade); no reverse
    accessor, as nothing reads a user's records back through it."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **options,
    )


class Site(models.Model):
    """An organisation taking part: each sees only its own people."""

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        NHS_TRUST = "nhs_trust", "NHS trust"
        INDEPENDENT_PROVIDER = "independent_provider", "Independent provider"
        VOLUNTARY_ORGANISATION = "voluntary_organisation", "Voluntary organisation"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(
        max_length=50,
        unique=True,
        help_text="Short name used in web addresses, e.g. northshire.",
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    is_active = models.BooleanField(default=True)
    require_two_factor = models.BooleanField(
        "Require two-factor sign-in",
        default=False,
        help_text=(
            "Team managers, senior managers, panel members, panel chairs and site "
            "coordinators at this site must sign in with a code from an app on their "
            "phone as well as their password."
        ),
    )
    # How people reach the site: printed on plans and letters ("who to contact").
    duty_phone = models.CharField(
        "Duty line",
        max_length=30,
        blank=True,
        validators=[validate_phone],
        help_text="The number people ring when their worker is not there. "
        + PHONE_HELP,
    )
    contact_email = models.EmailField("Contact e-mail", blank=True)
    postal_address = models.TextField("Postal address", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, site__is_active=True)

    def for_user(self, user):
        return self.filter(user=user)


class Membership(models.Model):
    """A user's role at a site; a user may hold several roles at several sites."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=40, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    # Memberships are read before any scope exists (they decide the scope), so this
    # is one of the few unscoped managers; see docs/architecture.md.
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["site__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "site", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.site}"


class UserSession(models.Model):
    """One browser signed in to an account: "where you are signed in", and signing the
    others out. Deleted with its session (sign-out, expiry, clearsessions)."""

    session = models.OneToOneField(
        "sessions.Session", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    signed_in_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "-last_seen_at"], name="usersession_user")
        ]

    def __str__(self):
        return f"Signed in at {self.signed_in_at:%Y-%m-%d %H:%M}"


class SiteScopedQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create never calls save(), so rows written in bulk (and the rows a
        # many-to-many ``set()``/``add()`` writes to its through model) are checked
        # here, in one query for the batch at most.
        objs = list(objs)
        check_site_links(objs)
        created = super().bulk_create(objs, *args, **kwargs)
        for row in objs:
            row.remember_site_links()
        return created


def site_scoped_manager(queryset_class):
    """django-scopes' manager on ``site`` over ``queryset_class``.

    Outside a scope django-scopes answers with a queryset that raises ``ScopeError``
    on any read; here that queryset is also a ``queryset_class``, so the class's own
    methods (``for_site``, history's ``as_of``...) raise too, and ``bulk_create``
    keeps its checks.
    """
    disabled = type(
        f"Disabled{queryset_class.__name__}", (DisabledQuerySet, queryset_class), {}
    )
    base = type(
        ScopedManager(models.Manager.from_queryset(queryset_class), site="site")
    )

    class Manager(base):
        def get_queryset(self):
            queryset = super().get_queryset()
            if isinstance(queryset, DisabledQuerySet):
                return disabled(
                    self.model, using=self._db, missing_scopes=queryset.missing_scopes
                )
            return queryset

    return Manager()


def scoped_manager(queryset_class=SiteScopedQuerySet):
    """The manager of a tenant model: raises unless a site scope is active."""
    return site_scoped_manager(queryset_class)


# --- history, scoped like its model ---------------------------------------------------


class SiteHistoryModel(models.Model):
    """Abstract base of each ``Historical<Model>`` of a tenant model."""

    objects = site_scoped_manager(HistoricalQuerySet)

    class Meta:
        abstract = True


class SiteHistoryManager(HistoryManager):
    """``Model.history`` and ``instance.history``: read through the history table's
    scoped manager, so they see the current site's rows or raise, like the model."""

    def get_super_queryset(self):
        return self.model._default_manager.db_manager(self._db).get_queryset()


class SiteHistoricalRecords(HistoricalRecords):
    """Change history for every ``SiteScoped`` model, declared once on the base.

    A model that must not keep history says so in its own body with
    ``history = None`` (and a comment saying why).
    """

    def finalize(self, sender, **kwargs):
        if sender.__dict__.get(self.manager_name, ...) is None:
            return
        super().finalize(sender, **kwargs)


# --- the base of every tenant row -----------------------------------------------------


class SiteScoped(models.Model):
    """Base for every tenant row: a direct site key, a manager that needs a scope,
    change history scoped the same way, and links only to rows of the same site."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped_manager()
    history = SiteHistoricalRecords(
        inherit=True, bases=[SiteHistoryModel], history_manager=SiteHistoryManager
    )

    class Meta:
        abstract = True

    def save(self, **kwargs):
        check_site_links([self], update_fields=kwargs.get("update_fields"))
        super().save(**kwargs)
        self.remember_site_links()

    @classmethod
    def from_db(cls, *args, **kwargs):
        row = super().from_db(*args, **kwargs)
        row.remember_site_links()
        return row

    def remember_site_links(self):
        """Note the keys as stored, so a later save checks only the ones it changes."""
        self._stored_site_links = {
            name: self.__dict__.get(name, _UNKNOWN)
            for name in ("site_id", *(f.attname for f in site_links(type(self))))
        }

    def clean(self):
        super().clean()
        # Forms (the admin's included) show the message; no query is made here, as
        # save() checks any key whose record is not loaded.
        check_site_links([self], fetch=False)


_UNKNOWN = object()


@cache
def site_links(model):
    """The foreign keys from a site-scoped model to other site-scoped rows."""
    return tuple(
        field
        for field in model._meta.concrete_fields
        if field.many_to_one or field.one_to_one
        if field.name != "site" and issubclass(field.related_model, SiteScoped)
    )


def _links_written(row, update_fields):
    """(field, key) for each of the row's site-scoped keys that this save writes."""
    stored = getattr(row, "_stored_site_links", {})
    site_unchanged = stored.get("site_id", _UNKNOWN) == row.site_id
    names = set(update_fields) if update_fields is not None else None
    for field in site_links(type(row)):
        if (
            names is not None
            and "site" not in names
            and not {field.name, field.attname} & names
        ):
            continue
        if field.attname not in row.__dict__:
            continue  # deferred: not loaded, so not being changed
        value = row.__dict__[field.attname]
        if site_unchanged and stored.get(field.attname, _UNKNOWN) == value:
            continue  # as stored: checked when it was written
        yield field, value


def check_site_links(rows, *, update_fields=None, fetch=True):
    """Refuse any key from a site-scoped row to a row of another site.

    The one check behind ``SiteScoped.save()``, ``clean()`` and ``bulk_create``:
    a loaded related record (even one not saved yet) is compared in memory; the site
    of each one that is not loaded is read in one query for all the rows (skipped
    when ``fetch`` is false). Keys as they were stored are not checked again.
    """
    mismatched = []
    wanted = []
    for row in rows:
        if row.site_id is None:
            continue  # not placed at a site yet: nothing to compare
        for field, value in _links_written(row, update_fields):
            if field.is_cached(row):
                related = field.get_cached_value(row)
                if related is not None and related.site_id not in {None, row.site_id}:
                    mismatched.append(field)
            elif value is not None and fetch:
                wanted.append((row, field, value))
    if wanted:
        sites = _site_ids({(f.related_model, value) for _, f, value in wanted})
        mismatched += [
            field
            for row, field, value in wanted
            if sites.get((field.related_model, value), row.site_id) != row.site_id
        ]
    if mismatched:
        raise ValidationError(
            [
                ValidationError(
                    "%(label)s: that record belongs to another site, so it cannot be "
                    "used here.",
                    code="other_site",
                    params={"label": capfirst(field.verbose_name)},
                )
                for field in dict.fromkeys(mismatched)
            ]
        )


def _site_ids(keys):
    """{(model, primary key): site id} for the given rows, in one query."""
    by_model = {}
    for model, pk in keys:
        by_model.setdefault(model, set()).add(pk)
    models_in_order = list(by_model)
    queries = [
        model._base_manager.filter(pk__in=by_model[model])
        .order_by()
        .annotate(model_index=Value(index))
        .values_list("model_index", "pk", "site_id")
        for index, model in enumerate(models_in_order)
    ]
    query = queries[0]
    if len(queries) > 1:
        # Ordered by a column of the result: a union cannot take the first model's
        # default ordering.
        query = query.union(*queries[1:], all=True).order_by("model_index")
    return {(models_in_order[index], pk): site_id for index, pk, site_id in query}


def _role_label(value):
    try:
        return Role(value).label
    except ValueError:
        return str(value)


def _day(value):
    return formats.date_format(date.fromisoformat(value), "j F Y")


# The details an audit event may carry, how each is put into words, and in what order.
DETAIL_WORDS = {
    "role": _role_label,
    "weekly": lambda value: f"{format_gbp(value)} a week",
    "from": lambda value: f"from {_day(value)}",
    "rows": lambda value: f"{value} row{'' if value == 1 else 's'}",
    # Delegated limits (issue 10): what a new limit replaced, and a backdating.
    "replaced": lambda items: (
        "replacing "
        + "; ".join(
            f"{format_gbp(i.get('weekly'))} a week from {_day(i.get('from'))}"
            for i in items
        )
    ),
    "backdated": lambda value: "backdated" if value else "",
    "reason": lambda value: f"reason: {value}",
    # Retention (issue 13): what a deletion removed, as counts per kind of record.
    "deleted": lambda counts: (
        "removed " + "; ".join(f"{n} {label}" for label, n in counts.items())
    ),
    "years": lambda value: f"{value} years",
}


class Versioned(models.Model):
    """A record people edit together: an optimistic lock.

    ``version`` counts the record's saves (1 once created). An edit form carries the
    version it was loaded at; the service refuses a save from an older one with
    ``ValidationError(code="stale")``. The helpers are in ``sites/versioning.py``.
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Who did what to which record, when, at which site. Append-only."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        SIGN_OUT = "sign_out", "Signed out"
        VIEW = "view", "Viewed a record"
        PRINT = "print", "Printed a record"
        EXPORT = "export", "Exported records"
        TRANSITION = "transition", "Workflow step"
        # Retention (issue 13): records removed for good, and holds on them.
        DELETE = "delete", "Deleted records"
        RETENTION = "retention", "Retention setting or legal hold"
        # The account around signing in (sites/accounts/, docs/security.md).
        LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
        UNLOCKED = "unlocked", "Sign-in unlocked"
        TWO_FACTOR_ENROLLED = "2fa_enrolled", "Set up two-factor sign-in"
        TWO_FACTOR_VERIFIED = "2fa_verified", "Two-factor code accepted"
        TWO_FACTOR_FAILED = "2fa_failed", "Two-factor code refused"
        TWO_FACTOR_RESET = "2fa_reset", "Two-factor sign-in reset"
        RECOVERY_CODES = "recovery_codes", "New recovery codes made"
        PASSWORD_CHANGED = "password_changed", "Changed password"
        PASSWORD_RESET = "password_reset", "Password reset"
        SESSIONS_ENDED = "sessions_ended", "Signed out elsewhere"
        DEACTIVATED = "deactivated", "Account deactivated"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = named_user()
    # Programme-level events (a print of a shared case study, a meeting pack) name
    # the programme; site is then the site whose data it was, if any.
    programme = models.ForeignKey(
        "sites.Programme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What the event was about: a model label and the record's public id (never a name).
    object_type = models.CharField(max_length=100, blank=True)
    object_code = models.CharField(max_length=64, blank=True)
    action = models.CharField(
        max_length=200, blank=True, help_text="E.g. the workflow step taken."
    )
    # Facts about the step kept as data, never written into ``action``: amounts as
    # strings ("350.00"), dates as ISO text, roles by their value. ``in_words`` puts
    # them into words when the trail is read (see DETAIL_WORDS).
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ScopedManager(site="site")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["site", "-created_at"], name="audit_site_recent"),
            models.Index(
                fields=["site", "user", "-created_at"], name="audit_site_user"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def in_words(self) -> str:
        """What happened, with its details: "Delegated limit set: Team manager,
        £350.00 a week, from 1 April 2025"."""
        # In DETAIL_WORDS' order: PostgreSQL's jsonb does not keep the keys' order.
        words = [
            in_words(self.details[key])
            for key, in_words in DETAIL_WORDS.items()
            if self.details.get(key) not in (None, "")
        ]
        if not words:
            return self.action
        return f"{self.action}: {', '.join(words)}" if self.action else ", ".join(words)


class NotificationQuerySet(SiteScopedQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(SiteScoped):
    """Something a member of staff should know about: a decision, a return, a review."""

    class Kind(models.TextChoices):
        PLAN_DECIDED = "plan_decided", "Plan decided"
        PLAN_RETURNED = "plan_returned", "Plan returned"
        REVIEW_DUE = "review_due", "Review due"
        JOB_READY = "job_ready", "Download ready"
        JOB_FAILED = "job_failed", "Download failed"
        RETENTION_DUE = "retention_due", "People past retention"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    # What it is about, to send each reminder once: a model label and public id.
    subject = models.CharField(max_length=120, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # No change history: a message whose only changes are "read" and "e-mailed".
    history = None

    objects = scoped_manager(NotificationQuerySet)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["site", "user", "-created_at"], name="notification_user"
            ),
        ]

    def __str__(self):
        return self.message


# The collaborative programme's models live in their own module (sites/programmes.py);
# importing them here registers them with the app.
from .job_models import Job  # noqa: E402
from .letter_templates import LetterBlocks  # noqa: E402
from .programmes import (  # noqa: E402
    CollaborativeMeeting,
    EvaluationAnswer,
    EvaluationQuestion,
    Involvement,
    LearningPoint,
    Milestone,
    MilestoneTemplate,
    OwnerRole,
    Phase,
    PlanningRow,
    Programme,
    ProgrammeMembership,
    ProgrammeRole,
    ProgrammeSite,
)
from .subject_access_models import SubjectAccessRequest  # noqa: E402

__all__ = [
    "AuditEvent",
    "CollaborativeMeeting",
    "EvaluationAnswer",
    "EvaluationQuestion",
    "Involvement",
    "Job",
    "LearningPoint",
    "LetterBlocks",
    "Membership",
    "Milestone",
    "MilestoneTemplate",
    "Notification",
    "OwnerRole",
    "Phase",
    "PlanningRow",
    "Programme",
    "ProgrammeMembership",
    "ProgrammeRole",
    "ProgrammeSite",
    "Site",
    "SiteScoped",
    "SubjectAccessRequest",
    "User",
]
