from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "sites"
    label = "sites"
    verbose_name = "Sites, people with access and audit"

    def ready(self):
        # Sign-in, failed sign-in, sign-out and lock-outs are signalled by
        # django.contrib.auth and django-axes, not by another CareHub app; these
        # modules record them (audit), register the session, note whether a second
        # factor is due, and drop text kept for someone else.
        from . import audit, preserve  # noqa: F401
        from .accounts import sessions, throttling, two_factor  # noqa: F401
        from .home import register_section, unread_notifications_section
        from .subject_access_services import register as register_subject_access

        register_subject_access()  # how the audit trail names subject-access requests

        register_section(
            "notifications",
            order=90,
            template="sites/_home_notifications.html",
            provide=unread_notifications_section,
        )
