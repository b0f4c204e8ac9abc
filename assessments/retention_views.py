"""Retention pages (issue 13, item 5): the list of people past retention, the
periods, legal holds and the deletion review. Senior managers only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sites.audit import record_view
from sites.decorators import require_rule
from sites.forms import add_service_errors, error_text
from sites.shortcuts import get_for_site

from . import retention_delete as deleting
from . import retention_services
from .models import Person
from .retention import LegalHold, RecordType, RetentionCandidate, RetentionRun
from .retention_forms import (
    DeletionForm,
    LegalHoldForm,
    ReleaseHoldForm,
    RetentionPeriodsForm,
)


@require_http_methods(["GET", "POST"])
@require_rule("see_retention", write="manage_retention")
def retention_list(request, site_slug):
    """The latest list of people past retention; a POST works it out again now."""
    site = request.site
    if request.method == "POST":
        retention_services.run_retention_review(site, by=request.user)
        messages.success(request, "The list has been worked out again as of today.")
        return redirect("retention_list", site.slug)
    today = timezone.localdate()
    years = retention_services.periods_for(site)
    run = RetentionRun.objects.filter(site=site).select_related("ran_by").first()
    candidates = []
    if run is not None:
        candidates = list(
            RetentionCandidate.objects.filter(site=site, run=run).select_related(
                "person"
            )
        )
    holds = retention_services.holds_in_force(
        site, today, [c.person_id for c in candidates]
    )
    for candidate in candidates:
        candidate.hold = holds.get(candidate.person_id)
        candidate.contact_words = retention_services.CONTACT_WORDS.get(
            candidate.last_contact_kind, candidate.last_contact_kind
        )
    record_view(request, *(c.person for c in candidates))
    return render(
        request,
        "retention/retention_list.html",
        {
            "run": run,
            "to_review": [c for c in candidates if c.hold is None],
            "held": [c for c in candidates if c.hold is not None],
            "period_rows": [
                (record_type.label, years[record_type.value])
                for record_type in RecordType
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@require_rule("see_retention", write="manage_retention")
def retention_periods(request, site_slug):
    site = request.site
    years = retention_services.periods_for(site)
    form = RetentionPeriodsForm(request.POST or None, years=years)
    if request.method == "POST" and form.is_valid():
        changed = retention_services.set_retention_periods(
            site, form.cleaned_data, by=request.user
        )
        messages.success(
            request,
            "Retention periods saved." if changed else "Nothing changed.",
        )
        return redirect("retention_list", site.slug)
    return render(request, "retention/retention_periods.html", {"form": form})


def _person(request, code):
    return get_for_site(Person.objects.current(), request.site, code=code)


@require_http_methods(["GET", "POST"])
@require_rule("see_retention", write="manage_retention")
def legal_hold(request, site_slug, code):
    """A person's legal holds, and a form to place one."""
    person = _person(request, code)
    form = LegalHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        retention_services.place_legal_hold(
            person,
            by=request.user,
            reason=form.cleaned_data["reason"],
            until=form.cleaned_data["until"],
        )
        messages.success(request, "Legal hold placed: the records will be kept.")
        return redirect("legal_hold", site_slug, person.code)
    today = timezone.localdate()
    holds = list(
        LegalHold.objects.filter(site=request.site, person=person).select_related(
            "placed_by", "released_by"
        )
    )
    in_force = retention_services.holds_in_force(request.site, today, [person.pk])
    record_view(request, person)
    return render(
        request,
        "retention/legalhold_form.html",
        {
            "person": person,
            "form": form,
            "holds": holds,
            "in_force": in_force.get(person.pk),
            "release_form": ReleaseHoldForm(),
        },
    )


@require_POST
@require_rule("see_retention", write="manage_retention")
def legal_hold_release(request, site_slug, code):
    person = _person(request, code)
    hold = (
        LegalHold.objects.filter(site=request.site, person=person)
        .in_force(timezone.localdate())
        .first()
    )
    form = ReleaseHoldForm(request.POST)
    if hold is None:
        messages.info(request, "There is no hold in force on these records.")
    elif not form.is_valid():
        messages.error(request, "Say why the hold is released.")
    else:
        try:
            retention_services.release_legal_hold(
                hold, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Legal hold released.")
    return redirect("legal_hold", site_slug, person.code)


@require_http_methods(["GET", "POST"])
@require_rule("see_retention", write="delete_past_retention")
def retention_delete(request, site_slug, code):
    """The review before deleting: who, what and how much; then a reason and a
    confirmation."""
    person = _person(request, code)
    today = timezone.localdate()
    deletion = deleting.plan_deletion(person)
    problems = deleting.refusals(deletion, today)
    people = deletion.current_people
    form = DeletionForm(request.POST or None, people=people)
    if request.method == "POST" and not problems and form.is_valid():
        try:
            done = deleting.delete_records(
                person, by=request.user, reason=form.cleaned_data["reason"], today=today
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            count = len(done.current_people)
            messages.success(
                request,
                f"The records of {count} {'person' if count == 1 else 'people'} "
                f"({sum(done.counts.values())} records) have been deleted. The audit "
                "trail keeps the deletion, without their details.",
            )
            return redirect("retention_list", site_slug)
    contacts = retention_services.last_contacts(request.site, [p.pk for p in people])
    for p in people:
        day, kind = contacts.get(p.pk, (None, ""))
        p.last_contact = day
        p.contact_words = retention_services.CONTACT_WORDS.get(kind, kind)
    record_view(request, *people)
    return render(
        request,
        "retention/retention_delete.html",
        {
            "person": person,
            "people": people,
            "counts": deletion.in_words,
            "problems": problems,
            "form": form,
        },
    )
