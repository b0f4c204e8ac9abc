from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "People and assessments"

    def ready(self):
        from . import audit

        audit.register()  # how the audit trail names people (sites.audit_subjects)

        from .documents import person_page_documents
        from .extensions import PERSON_PAGE_PROVIDERS

        # The person page's Documents section, through the same registry as the
        # plans (issue 12, item 8).
        PERSON_PAGE_PROVIDERS.append(person_page_documents)
        from . import subject_access

        subject_access.register()  # what a subject-access export holds from here
        from .retention_services import register_own_sources

        register_own_sources()  # what counts as contact, for retention
