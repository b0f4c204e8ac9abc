"""Tell a member of staff about a decision, a return or a review due: in the app, and by
e-mail through Django's mail backend once the transaction commits.

The e-mail carries no personal data (it may sit in inboxes and relays outside our
control): it says what kind of thing happened and links to the record, where the
reader signs in to see it.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification
from .text import shorten

logger = logging.getLogger("carehub.notify")

EMAIL_SUBJECTS = {
    Notification.Kind.PLAN_DECIDED: "CareHub: a decision on a plan you wrote",
    Notification.Kind.PLAN_RETURNED: "CareHub: a plan you wrote has been returned",
    Notification.Kind.REVIEW_DUE: "CareHub: a review is due",
    Notification.Kind.RETENTION_DUE: "CareHub: records past their retention period",
}


def notify(*, user, site, kind, message, link="", subject=""):
    """Record an in-app notification and e-mail the user after commit."""
    notification = Notification.objects.create(
        site=site,
        user=user,
        kind=kind,
        message=shorten(message, 300),
        link=link,
        subject=subject,
    )
    if user.email:
        transaction.on_commit(lambda: _email(notification.pk, site, user, kind, link))
    return notification


def _email(pk, site, user, kind, link):
    body = (
        f"Hello {user.first_name or user.username},\n\n"
        f"{EMAIL_SUBJECTS[kind].removeprefix('CareHub: ').capitalize()} at {site.name}.\n"
        "Sign in to CareHub to read it"
        + (f": {settings.CAREHUB_BASE_URL.rstrip('/')}{link}" if link else ".")
        + "\n\nThis message was sent by CareHub. Please do not reply."
    )
    try:
        send_mail(EMAIL_SUBJECTS[kind], body, None, [user.email])
    except Exception:
        # A mail outage must not undo a decision already recorded; the in-app
        # notification stands, and the failure is logged (without personal data).
        logger.exception("Notification e-mail %s could not be sent", pk)
        return
    Notification.objects.with_scopes_disabled().filter(pk=pk).update(
        emailed_at=timezone.now()
    )
