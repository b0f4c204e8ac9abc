from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "People and assessments"

    def ready(self):
        from . import audit

        audit.register()  # how the audit trail names people (sites.audit_subjects)

        from .retention_services import register_own_sources

        register_own_sources()  # what counts as contact, for retention
