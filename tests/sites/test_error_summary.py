"""The one error summary (GOV.UK pattern): top of the page, each error linked to its
field, "Error: " in the title; found by itself on any page whose form has errors."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from sites.templatetags.error_summary import errors_of


def _summary(html):
    match = re.search(
        r'<div class="alert alert-danger error-summary".*?</div>', html, re.S
    )
    assert match, "no error summary on the page"
    return match.group(0)


def _targets(summary):
    return re.findall(r'href="#([^"]+)"', summary)


@pytest.mark.django_db
def test_a_refused_new_person_gets_a_summary_linked_to_each_field(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("person_create", args=["alpha"]),
        {"given_name": "Ada", "nhs_number": "123", "date_of_birth": "not a date"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<title>Error: ", html)
    summary = _summary(html)
    # At the top of the main content, before the page's heading.
    main = html.index('<main id="main"')
    assert main < html.index(summary) < html.index("<h1", main)
    assert 'role="alert"' in summary
    assert 'tabindex="-1"' in summary
    targets = _targets(summary)
    assert {"id_family_name", "id_nhs_number", "id_date_of_birth"} <= set(targets)
    for target in targets:
        assert f'id="{target}"' in html, f"{target} links to nothing"
    assert "Last name: This field is required." in summary
    assert "Nothing you typed has been lost." in summary
    assert summary.count("<li>") == len(targets)


@pytest.mark.django_db
def test_a_page_without_errors_has_no_summary_and_a_plain_title(client, officer):
    client.force_login(officer)
    html = client.get(reverse("person_create", args=["alpha"])).content.decode()
    assert "error-summary" not in html
    assert not re.search(r"<title>Error: ", html)


class _Choices(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of plan", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    ticks = forms.MultipleChoiceField(
        label="Ticks", choices=[("x", "X")], widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label="Note", max_length=3)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The plan changed meanwhile.")


def test_radios_and_ticks_link_to_their_first_box_and_hidden_errors_to_nothing():
    errors = list(errors_of([_Choices({"note": "too long", "version": "x"})]))
    by_label = {e.label: e for e in errors}
    assert by_label["Kind of plan"].target == "id_kind_0"
    assert by_label["Ticks"].target == "id_ticks_0"
    assert by_label["Note"].target == "id_note"
    hidden = [e for e in errors if "whole number" in e.message]
    assert hidden
    assert (hidden[0].target, hidden[0].label) == ("", "")
    # A whole-form error sends the user to the form's first field.
    whole = next(e for e in errors if e.message == "The plan changed meanwhile.")
    assert whole.target == "id_kind_0"


def test_formset_rows_are_told_apart_and_unbound_forms_add_nothing():

    class Row(forms.Form):
        note = forms.CharField(label="Note", max_length=3)

    Rows = forms.formset_factory(Row, extra=0)
    data = {
        "r-TOTAL_FORMS": "2",
        "r-INITIAL_FORMS": "0",
        "r-0-note": "ok",
        "r-1-note": "too long",
    }
    errors = list(errors_of([Rows(data, prefix="r"), Row(), None]))
    assert [(e.label, e.target) for e in errors] == [("Note (row 2)", "id_r-1-note")]

    class Named(Row):
        summary_label = "Tuesday"

    Rows = forms.formset_factory(Named, extra=0)
    errors = list(errors_of([Rows(data, prefix="r")]))
    assert [e.label for e in errors] == ["Note (Tuesday)"]


def test_base_finds_forms_and_lists_of_forms_in_the_context_by_itself():
    template = Template(
        "{% load error_summary %}{% page_errors as found %}"
        "{% for e in found %}[{{ e.target }}]{% endfor %}"
    )

    class One(forms.Form):
        name = forms.CharField(label="Name")

    rendered = template.render(
        Context(
            {
                "form": One({}, prefix="a"),
                "ratings": [One({}, prefix="b"), One({"c-name": "x"}, prefix="c")],
                "unbound": One(),
            }
        )
    )
    assert rendered == "[id_a-name][id_b-name]"


def test_the_summary_escapes_what_it_shows():
    class Evil(forms.Form):
        name = forms.CharField(label="<b>Name</b>")

        def clean_name(self):
            raise forms.ValidationError("<script>x</script>")

    html = Template("{% load error_summary %}{% error_summary form %}").render(
        Context({"form": Evil({"name": "y"})})
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;Name&lt;/b&gt;" in html
