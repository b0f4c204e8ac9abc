from datetime import datetime, time, timedelta

from django.utils import timezone

from .models import AuditEvent


def audit_events_for_site(site, *, user=None, kind="", date_from=None, date_to=None):
    """The site's audit events, newest first, with the acting user loaded."""
    events = AuditEvent.objects.filter(site=site).select_related("user")
    if user is not None:
        events = events.filter(user=user)
    if kind:
        events = events.filter(kind=kind)
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(
            created_at__gte=timezone.make_aware(
                datetime.combine(date_from, time.min), tz
            )
        )
    if date_to:
        end = datetime.combine(date_to + timedelta(days=1), time.min)
        events = events.filter(created_at__lt=timezone.make_aware(end, tz))
    return events
