"""Plain messages (issue 10, item 16): none of Django's own wording ("Ensure this value
is greater than or equal to 1") reaches a user. The project's en-GB catalogue
(locale/en_GB/LC_MESSAGES) puts it in plain words; these tests check the compiled
catalogue matches its source and that forms and pages speak plainly."""

import gettext
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from tests.plan_factories import draft_plan

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en_GB" / "LC_MESSAGES"
JARGON = ("Ensure this value", "Ensure that there are", "is violated", "UUID")


def _po_entries(text):
    """{msgid: [msgstr, …]} from a .po file (enough of the format for ours)."""
    entries, current, key = {}, {}, None
    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#"):
            if current.get("msgid"):
                entries[current["msgid"]] = [
                    v for k, v in sorted(current.items()) if k.startswith("msgstr")
                ]
            current, key = {}, None
            continue
        found = re.match(r'^(msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
        if found:
            key = found.group(1)
            current[key] = found.group(2)
        else:
            current[key] += line.strip('"')
    return {k.replace('\\"', '"'): v for k, v in entries.items()}


def test_the_compiled_catalogue_matches_its_source():
    source = _po_entries((LOCALE / "django.po").read_text())
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for msgid, msgstrs in source.items():
        if isinstance(catalogue._catalog.get(msgid), str):
            assert catalogue.gettext(msgid) == msgstrs[0], msgid
        else:
            assert catalogue._catalog.get((msgid, 1)) == msgstrs[1], msgid


@pytest.mark.parametrize(
    ("field", "value", "plain"),
    [
        (forms.IntegerField(min_value=1), "0", "Enter 1 or more."),
        (forms.IntegerField(max_value=9), "10", "Enter 9 or less."),
        (forms.CharField(max_length=5), "sixsix", "shorten it to at most 5 characters"),
        (
            forms.DecimalField(max_digits=6, decimal_places=2),
            "1.234",
            "Use at most 2 decimal places",
        ),
        (forms.ChoiceField(choices=[("a", "A")]), "b", "Choose one of the options"),
        (forms.UUIDField(), "not-a-uuid", "reload it and try again"),
    ],
)
def test_djangos_own_messages_come_in_plain_words(field, value, plain):
    with pytest.raises(ValidationError) as refused:
        field.clean(value)
    text = " ".join(refused.value.messages)
    assert plain in text
    assert not any(words in text for words in JARGON), text


def test_a_response_done_zero_times_is_refused_in_plain_words(client, officer, site_a):
    with scopes_disabled():
        plan = draft_plan(site_a, officer)
        outcome = plan.assessment.desired_outcomes.first()
    client.force_login(officer)
    response = client.post(
        reverse("response_create", args=["alpha", plan.code]),
        {
            "description": "Lunch out",
            "kind": "standard",
            "origin": "asked_for",
            "outcomes": [outcome.pk],
            "times": "0",
            "period": "week",
            "unit_cost": str(Decimal("-1")),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter 1 or more." in html
    assert not any(words in html for words in JARGON)
