from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "sites"
    label = "sites"
    verbose_name = "Sites, people with access and audit"

    def ready(self):
        # Sign-in, failed sign-in and sign-out are recorded through Django's own auth
        # signals: they are raised by django.contrib.auth, not by another CareHub app.
        from . import audit  # noqa: F401
        from .accounts import (  # noqa: F401  (sign-in and lock-out receivers)
            sessions,
            throttling,
        )
