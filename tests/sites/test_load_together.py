"""sites.together.load_together: several querysets in one query, read back as the ORM
would read them one by one (every field, in order, with what they select)."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from assessments import legal_services
from assessments.legal import Advocacy, Consent, Contact, EqualityRecord
from assessments.letters import Letter, LetterKind
from assessments.models import Need, Person
from careplans.models import Response
from sites.together import load_together
from tests.factories import PersonFactory
from tests.plan_factories import add_response, draft_plan

pytestmark = pytest.mark.django_db


def _fields(row):
    return {f.attname: getattr(row, f.attname) for f in type(row)._meta.concrete_fields}


@pytest.fixture
def person(site_a, officer):
    with scope(site=site_a):
        person = PersonFactory(site=site_a, allocated_worker=officer)
        for name in ("Zeta Surgery", "alpha Clinic", "Beta Practice"):
            legal_services.add_record(
                Contact,
                person=person,
                by=officer,
                noun="contact",
                kind="gp",
                name=name,
                phone="0113 496 0005",
            )
        for day in (3, 1, 2):
            legal_services.add_record(
                Consent,
                person=person,
                by=officer,
                noun="consent",
                purpose="sharing",
                agreed="yes",
                given_by="person",
                decided_on=date(2026, 3, day),
                shared_with="Their GP",
            )
        legal_services.add_record(
            Advocacy,
            person=person,
            by=officer,
            noun="advocacy decision",
            process="review",
            considered_on=date(2026, 3, 4),
            appropriate_person="no",
            difficulty_communicating=True,
            advocate_name="A. Advocate",
        )
        legal_services.send_letter(
            person=person, kind=LetterKind.ELIGIBILITY, values={}, by=officer
        )
    return person


def _querysets(person):
    return {
        "contacts": Contact.objects.filter(person=person).select_related("recorded_by"),
        "consents": Consent.objects.filter(person=person).select_related(
            "recorded_by", "withdrawal_recorded_by", "person__allocated_worker"
        ),
        "advocacy": Advocacy.objects.filter(person=person),
        "letters": Letter.objects.filter(person=person).select_related(
            "sent_by", "assessment"
        ),
        "nothing": EqualityRecord.objects.filter(person=person),
        # A reverse one-to-one with nothing at the other end.
        "people": Person.objects.filter(pk=person.pk).select_related(
            "allocated_worker", "equality"
        ),
    }


def test_several_querysets_come_back_in_one_query_as_the_orm_reads_them(site_a, person):
    with scope(site=site_a):
        expected = {name: list(qs) for name, qs in _querysets(person).items()}
        with CaptureQueriesContext(connection) as queries:
            found = load_together(_querysets(person))
        assert len(queries.captured_queries) == 1

        assert set(found) == set(expected)
        for name, rows in expected.items():
            assert [_fields(r) for r in found[name]] == [_fields(r) for r in rows]
            assert all(
                type(r) is type(e) for r, e in zip(found[name], rows, strict=True)
            )
        # Each kind in its own order (the models' Meta.ordering here).
        assert [c.name for c in found["contacts"]] == [
            c.name for c in expected["contacts"]
        ]
        assert [c.decided_on.day for c in found["consents"]] == [3, 2, 1]
        assert found["nothing"] == []


def test_rows_carry_their_types_and_what_they_select_without_more_queries(
    site_a, officer, person
):
    with scope(site=site_a):
        found = load_together(_querysets(person))
        consent = found["consents"][0]
        letter = found["letters"][0]
        someone = found["people"][0]
        with CaptureQueriesContext(connection) as queries:
            assert consent.recorded_by == officer
            assert consent.recorded_by.display_name == officer.display_name
            assert consent.withdrawal_recorded_by is None
            assert letter.sent_by == officer
            assert letter.assessment is None
            assert someone.allocated_worker == officer
            assert consent.person.allocated_worker.username == officer.username
            with pytest.raises(EqualityRecord.DoesNotExist):
                someone.equality  # noqa: B018 (the access is the test)
        assert queries.captured_queries == []
        assert isinstance(consent.decided_on, date)
        assert isinstance(consent.created_at, datetime)
        assert consent.created_at.tzinfo is not None
        assert consent.code.version == 4
        assert found["advocacy"][0].difficulty_communicating is True
        assert found["advocacy"][0].difficulty_retaining is False
        assert letter.large_print is False
        assert not consent._state.adding


def test_money_is_read_to_the_penny_and_json_as_it_was_written(site_a, officer):
    with scope(site=site_a):
        plan = draft_plan(site_a, officer)
        add_response(plan, officer, cost="20.05", times=3)
        add_response(plan, officer, cost="1234.10")
        expected = list(Response.objects.filter(plan=plan))
        found = load_together({"responses": Response.objects.filter(plan=plan)})
        assert [_fields(r) for r in found["responses"]] == [
            _fields(r) for r in expected
        ]
        assert [str(r.unit_cost) for r in found["responses"]] == ["20.05", "1234.10"]
        # A JSON column (the Care Act domains a need is under) reads back the same.
        needs = Need.objects.filter(assessment=plan.assessment)
        expected = list(needs)
        assert expected
        assert [_fields(n) for n in load_together({"n": needs})["n"]] == [
            _fields(n) for n in expected
        ]


def test_what_it_cannot_read_is_refused_not_ignored(site_a, person):
    with scope(site=site_a):
        for queryset in (
            Contact.objects.only("name"),
            Contact.objects.defer("notes"),
            Consent.objects.prefetch_related("person"),
        ):
            with pytest.raises(ValueError, match="not supported"):
                load_together({"rows": queryset})
