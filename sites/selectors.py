from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from .models import AuditEvent


def audit_events_for_site(
    site, *, user=None, kind="", date_from=None, date_to=None, records=None
):
    """The site's audit events, newest first, with the acting user loaded.

    ``records`` ({model label: [public ids]}, e.g. everything that is one person's,
    from ``sites.audit_subjects.records_of_person``) keeps only events about them.
    """
    events = AuditEvent.objects.filter(site=site).select_related("user")
    if records is not None:
        about = Q(pk__in=[])
        for label, codes in records.items():
            if codes:
                about |= Q(object_type=label, object_code__in=codes)
        events = events.filter(about)
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
