"""The shared test helpers and factories do what their names say (issue 8, item 11)."""

import pytest
from django_scopes import scope

from assessments.models import Person
from careplans.models import CarePlan
from tests.factories import CarerLinkFactory, PersonFactory
from tests.helpers import reload, url
from tests.panels.factories import make_meeting, make_panel
from tests.plan_factories import approved_plan, limits

pytestmark = pytest.mark.django_db


def test_site_record_factories_need_no_scope_around_them(site_a):
    link = CarerLinkFactory(site=site_a)
    person = PersonFactory(site=site_a, given_name="Ada")
    with scope(site=site_a):
        assert Person.objects.filter(pk__in=[person.pk, link.carer_id]).count() == 2


def test_reload_reads_the_row_afresh_with_or_without_a_scope(site_a):
    person = PersonFactory(site=site_a, given_name="Ada")
    with scope(site=site_a):
        Person.objects.filter(pk=person.pk).update(given_name="Adah")
        assert reload(person).given_name == "Adah"
    assert reload(person).given_name == "Adah"


def test_url_names_a_page_at_site_a():
    assert url("site_home") == "/s/alpha/"


def test_builders_need_no_scope_around_them(site_a, officer, manager):
    limits(site_a, manager)
    plan = approved_plan(site_a, officer, manager)
    meeting = make_meeting(make_panel(site_a, manager), manager, days=1)
    with scope(site=site_a):
        assert reload(plan).status == CarePlan.Status.APPROVED
        assert meeting.panel.chair == manager
