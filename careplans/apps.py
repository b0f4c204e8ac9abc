from django.apps import AppConfig


class CareplansConfig(AppConfig):
    name = "careplans"
    verbose_name = "Care and support plans"

    def ready(self):
        from assessments.extensions import PERSON_PAGE_PROVIDERS

        from .programme_views import person_page_programme
        from .selectors import person_page_plans

        PERSON_PAGE_PROVIDERS.append(person_page_plans)
        PERSON_PAGE_PROVIDERS.append(person_page_programme)

        from .worklist import register

        register()  # the home worklist's care-plan sections (sites.home)

        from . import audit

        audit.register()  # how the audit trail names plans (sites.audit_subjects)

        from . import (
            review_letters,  # noqa: F401 (registers the review letter)
            subject_access,
        )

        subject_access.register()  # what a subject-access export holds from here
        from . import retention

        retention.register()  # plans and reviews count as contact (retention)
