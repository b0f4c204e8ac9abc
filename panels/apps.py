from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = "Funding panels"

    def ready(self):
        from .worklist import register

        register()  # the home worklist's panel section (sites.home)

        from . import audit

        audit.register()  # how the audit trail names meetings (sites.audit_subjects)

        from . import (
            letters,  # noqa: F401 (registers the decision letter's wording)
            subject_access,
        )

        subject_access.register()  # what a subject-access export holds from here
