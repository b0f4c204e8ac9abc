from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "People and assessments"

    def ready(self):
        from . import audit

        audit.register()  # how the audit trail names people (sites.audit_subjects)

        from . import subject_access

        subject_access.register()  # what a subject-access export holds from here
