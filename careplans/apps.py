from django.apps import AppConfig


class CareplansConfig(AppConfig):
    name = "careplans"
    verbose_name = "Care and support plans"

    def ready(self):
        from assessments.extensions import PERSON_PAGE_PROVIDERS
        from sites.home import HOME_PAGE_PROVIDERS

        from .programme_views import person_page_programme
        from .selectors import home_overdue_reviews, person_page_plans

        PERSON_PAGE_PROVIDERS.append(person_page_plans)
        PERSON_PAGE_PROVIDERS.append(person_page_programme)
        HOME_PAGE_PROVIDERS.append(home_overdue_reviews)
