import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from .permissions import Role


class User(AbstractUser):
    """A member of staff. Access to people's records comes only through memberships."""

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


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


class SiteScopedQuerySet(models.QuerySet):
    def for_site(self, site):
        return self.filter(site=site)


def scoped_manager(queryset_class=SiteScopedQuerySet):
    """A django-scopes manager that raises unless a site scope is active."""
    return ScopedManager(models.Manager.from_queryset(queryset_class), site="site")


class SiteScoped(models.Model):
    """Base for every tenant row: a direct site key and a manager that needs a scope."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped_manager()

    class Meta:
        abstract = True


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

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
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


class NotificationQuerySet(SiteScopedQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(SiteScoped):
    """Something a member of staff should know about: a decision, a return, a review."""

    class Kind(models.TextChoices):
        PLAN_DECIDED = "plan_decided", "Plan decided"
        PLAN_RETURNED = "plan_returned", "Plan returned"
        REVIEW_DUE = "review_due", "Review due"

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
