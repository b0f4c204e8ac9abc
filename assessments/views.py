import copy
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sites import searches
from sites.audit import record_access, record_view
from sites.decorators import require_rule
from sites.forms import add_service_errors, error_text
from sites.paging import DeferredJoinPaginator
from sites.permissions import allows
from sites.preserve import preserves_input, restore_input
from sites.shortcuts import get_for_site
from sites.versioning import VersionedEdit

from . import duplicates, sections, services
from .documents import attached_to
from .extensions import person_page_extras
from .forms import (
    AddendumForm,
    CarerLinkForm,
    NewPersonCheckForm,
    PersonForm,
    PersonSearchForm,
    StartAssessmentForm,
)
from .models import Addendum, Assessment, CarerLink, Need, Person
from .parts import record_for_page
from .validators import nhs_number_is_valid, normalise_nhs_number

PAGE_SIZE = 25


@require_http_methods(["GET", "POST"])
@require_rule("see_people")
def person_list(request, site_slug):
    """The caseload: my people by default; everyone for managers; search for all.

    A search is posted and its results shown at ``?search=<token>``, so no name or
    NHS number is ever in an address (``sites/searches.py``)."""
    query, typed = "", ""
    if request.method == "POST":
        form = PersonSearchForm(request.POST)
        typed = request.POST.get("q", "")
        if form.is_valid():
            if not form.cleaned_data["q"]:
                return redirect("person_list", site_slug=site_slug)
            token = searches.remember(request, form.cleaned_data["q"])
            address = reverse("person_list", kwargs={"site_slug": site_slug})
            return redirect(f"{address}?search={token}")
    else:
        form = PersonSearchForm()
        if "search" in request.GET:
            query = searches.recall(request, request.GET["search"])
            if query is None:
                query = ""
                messages.info(
                    request, "That search has expired. Search again to see results."
                )
            typed = query
    scope = _caseload(request)
    people = (
        Person.objects.filter(site=request.site)
        .current()
        .select_related("allocated_worker")
    )
    if query:
        people = people.search(query)
        scope = "search"
    elif scope == "mine":
        people = people.allocated_to(request.user)
    page = DeferredJoinPaginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    if query:
        # Who was shown in answer to a search (not the words searched for).
        record_view(request, *page.object_list, action="Search results")
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("q", None)
    return render(
        request,
        "assessments/person_list.html",
        {
            "form": form,
            "page": page,
            "scope": scope,
            "query": params.urlencode(),
            "search_text": typed,
        },
    )


def _caseload(request):
    """Whose people the list shows: "all" only for those the rule allows, and "mine"
    (the narrowest) for any other ``?scope=``. With none asked for, those who keep a
    caseload see theirs and those who keep none see everyone, if they may."""
    may_see_all = allows(request, "see_everyones_caseload")
    asked = request.GET.get("scope")
    if not asked:
        keeps_one = allows(request, "keep_a_caseload")
        return "all" if may_see_all and not keeps_one else "mine"
    return "all" if asked == "all" and may_see_all else "mine"


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("change_people")
def person_create(request, site_slug):
    """Add a person, after showing any records that may be the same person."""
    data = request.POST if request.method == "POST" else restore_input(request)
    form = PersonForm(
        data, site=request.site, initial={"allocated_worker": request.user}
    )
    check = NewPersonCheckForm(data, initial={"creation_token": uuid.uuid4()})
    matches = []
    if request.method == "POST":
        valid = form.is_valid() & check.is_valid()
        token = check.cleaned_data.get("creation_token") if valid else None
        made = duplicates.made_with_token(request.site, token)
        if made is not None:
            # The same form posted twice (a double click): one record, already made.
            return redirect("person_detail", site_slug=site_slug, code=made.code)
        matches = duplicates.likely_matches(
            request.site, **_match_fields(form, request.POST)
        )
        sure = any(m.same_nhs_number for m in matches)
        if valid and not sure and (not matches or check.cleaned_data["confirm_new"]):
            try:
                person = services.create_person(
                    site=request.site,
                    by=request.user,
                    creation_token=token,
                    distinct_confirmed=bool(matches),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                # Saved meanwhile by someone else: show them what is there now.
                matches = duplicates.likely_matches(
                    request.site, **_match_fields(form, request.POST)
                )
                if not matches:
                    add_service_errors(form, error)
            else:
                messages.success(request, f"{person.display_name} has been added.")
                return redirect("person_detail", site_slug=site_slug, code=person.code)
    return render(
        request,
        "assessments/person_form.html",
        {"form": form, "check": check, "matches": matches},
    )


def _match_fields(form, data):
    """What to look for likely matches by: the details as cleaned, else as typed."""
    cleaned = getattr(form, "cleaned_data", {})
    nhs = normalise_nhs_number(data.get("nhs_number", ""))
    return {
        "given_name": cleaned.get("given_name", ""),
        "family_name": cleaned.get("family_name", ""),
        "date_of_birth": cleaned.get("date_of_birth"),
        "nhs_number": nhs if nhs_number_is_valid(nhs) else "",
        "postcode": cleaned.get("postcode", ""),
    }


@require_GET
@require_rule("see_people")
def person_detail(request, site_slug, code):
    person = get_for_site(
        Person.objects.select_related(
            "allocated_worker", "merged_into", "merged_by", "equality"
        ),
        request.site,
        code=code,
    )
    assessments = list(
        person.assessments.select_related("started_by", "completed_by", "cared_for")
    )
    # Both ends of each link, to put the relationship into words with both names;
    # the links either way in one query.
    carers, cares_for = [], []
    for link in CarerLink.objects.filter(
        Q(cared_for=person) | Q(carer=person)
    ).select_related("carer", "cared_for"):
        if link.cared_for_id == person.pk:
            carers.append(link)
        if link.carer_id == person.pk:
            cares_for.append(link)
    record_access(request, person)
    return render(
        request,
        "assessments/person_detail.html",
        {
            "person": person,
            "assessments": assessments,
            "carers": carers,
            "cares_for": cares_for,
            "age": person.age_on(timezone.localdate()),
            "extras": person_page_extras(request, person),
            "legal": record_for_page(person),
            "start_form": StartAssessmentForm(person=person)
            if allows(request, "record_assessments") and not person.merged_into_id
            else None,
        },
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("change_people")
def person_edit(request, site_slug, code):
    person = get_for_site(Person, request.site, code=code)
    data = request.POST if request.method == "POST" else restore_input(request)
    form = PersonForm(data, instance=person, site=request.site)
    edit = VersionedEdit.start(person.version, data)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(
                person,
                by=request.user,
                expected_version=edit.version,
                **form.cleaned_data,
            )
        except ValidationError as error:
            edit.refused(
                error,
                form=form,
                latest=lambda: Person.objects.select_related("allocated_worker").get(
                    pk=person.pk
                ),
            )
        else:
            messages.success(request, "The details have been saved.")
            return redirect("person_detail", site_slug=site_slug, code=code)
    record_view(request, person, action="Edit form")
    return render(
        request,
        "assessments/person_form.html",
        {"form": form, "person": person, "edit": edit},
    )


@require_http_methods(["GET", "POST"])
@require_rule("merge_people")
def person_merge(request, site_slug, code):
    """Merge another record of this person into this one: find it, compare, confirm."""
    keep = get_for_site(
        Person.objects.select_related("allocated_worker"), request.site, code=code
    )
    if keep.merged_into_id:
        messages.error(request, "This record has already been merged into another.")
        return redirect("person_detail", site_slug=site_slug, code=code)
    search = PersonSearchForm(request.GET or None)
    results = []
    if search.is_valid() and search.cleaned_data["q"]:
        results = list(
            Person.objects.filter(site=request.site)
            .current()
            .search(search.cleaned_data["q"])
            .exclude(pk=keep.pk)[:20]
        )
    other = None
    other_code = request.POST.get("other") or request.GET.get("other")
    if other_code:
        other = get_for_site(
            Person.objects.select_related("allocated_worker"),
            request.site,
            code=other_code,
        )
    error = ""
    if request.method == "POST" and other is not None:
        if not request.POST.get("confirm"):
            error = "Tick the box to confirm that both records are the same person."
        else:
            try:
                services.merge_people(keep, other, by=request.user)
            except ValidationError as refused:
                error = error_text(refused)
            else:
                messages.success(
                    request,
                    "The two records are now one. The other record is kept, marked "
                    "as merged into this one.",
                )
                return redirect("person_detail", site_slug=site_slug, code=code)
    record_view(request, keep, other, action="Merge form")
    if results:
        record_view(request, *results, action="Search results")
    return render(
        request,
        "assessments/person_merge.html",
        {
            "person": keep,
            "other": other,
            "search": search,
            "results": results,
            "error": error,
        },
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("change_people")
def carer_link_create(request, site_slug, code):
    """Link this person to another as carer or cared-for: find them, then describe it."""
    person = get_for_site(Person, request.site, code=code)
    if request.method == "POST" and "other" not in request.POST:
        # The search form: posted, its text kept out of the address (sites/searches).
        search = PersonSearchForm(request.POST)
        if search.is_valid() and search.cleaned_data["q"]:
            token = searches.remember(request, search.cleaned_data["q"])
            return redirect(f"{request.path}?search={token}")
    else:
        text = searches.recall(request, request.GET.get("search"))
        search = PersonSearchForm({"q": text} if text is not None else None)
    results = []
    if search.is_valid() and search.cleaned_data["q"]:
        results = list(
            Person.objects.filter(site=request.site)
            .current()
            .search(search.cleaned_data["q"])
            .exclude(pk=person.pk)[:20]
        )
    other = None
    other_code = request.POST.get("other") or request.GET.get("other")
    if other_code:
        other = get_for_site(Person, request.site, code=other_code)
    data = request.POST if request.method == "POST" else restore_input(request)
    form = CarerLinkForm(data, person=person, other=other)
    if request.method == "POST" and other is not None and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "direction"}
        carer, cared_for = (
            (person, other)
            if form.cleaned_data["direction"] == "carer_of"
            else (other, person)
        )
        try:
            services.link_carer(
                carer=carer, cared_for=cared_for, by=request.user, **fields
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request,
                f"{carer.display_name} is now recorded as carer of {cared_for.display_name}.",
            )
            return redirect("person_detail", site_slug=site_slug, code=code)
    record_view(request, person, other, action="Carer link form")
    if results:
        record_view(request, *results, action="Search results")
    return render(
        request,
        "assessments/carerlink_form.html",
        {
            "person": person,
            "search": search,
            "results": results,
            "other": other,
            "form": form,
        },
    )


@require_POST
@require_rule("record_assessments")
def assessment_create(request, site_slug, code):
    person = get_for_site(Person, request.site, code=code)
    form = StartAssessmentForm(request.POST, person=person)
    if form.is_valid():
        try:
            assessment = services.start_assessment(
                person=person,
                kind=form.cleaned_data["kind"],
                cared_for=form.cleaned_data["cared_for"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            return redirect(
                "assessment_detail", site_slug=site_slug, code=assessment.code
            )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("person_detail", site_slug=site_slug, code=code)


def _load_assessment(request, code):
    return get_for_site(
        Assessment.objects.select_related(
            "person",
            "cared_for",
            "started_by",
            "completed_by",
            "eligibility_confirmed_by",
        ).prefetch_related(
            "outcome_ratings",
            "wellbeing_impacts",
            Prefetch("needs", queryset=Need.objects.select_related("usual_offer")),
            "desired_outcomes",
            "risks",
            Prefetch("addenda", queryset=Addendum.objects.select_related("added_by")),
        ),
        request.site,
        code=code,
    )


def _render_assessment(request, assessment, bound=None):
    """The whole assessment; ``bound`` is a section just posted (or restored after a
    time-out), shown with its input and errors."""
    may_assess = allows(request, "record_assessments")
    editable = assessment.is_draft and may_assess
    if editable:
        # The versions the section forms carry, in one query.
        prefetch_related_objects([assessment], "saved_sections")
    shown = []
    for section in sections.sections_for(assessment):
        if bound is not None and bound.section is section:
            shown.append(bound)
        elif editable:
            shown.append(section.bind(assessment))
        else:
            shown.append(section.read_only(assessment))
    context = {
        "assessment": assessment,
        "person": assessment.person,
        "sections": shown,
        "editable": editable,
        "eligibility": services.compute_eligibility(assessment),
        "problems": services.completion_problems(assessment) if editable else [],
        "addendum_form": AddendumForm()
        if not assessment.is_draft and may_assess
        else None,
        # The documents attached to this assessment, where the work is (issue 12).
        "documents": attached_to(request.site, assessment=assessment),
    }
    return render(request, "assessments/assessment_detail.html", context)


@require_GET
@require_rule("see_people")
def assessment_detail(request, site_slug, code):
    assessment = _load_assessment(request, code)
    record_access(request, assessment)
    return _render_assessment(request, assessment)


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("record_assessments")
def assessment_section(request, site_slug, code, section):
    """Save one section (plain POST or htmx): bind, save, render. GET shows the page
    at that section, with any input kept across a time-out put back."""
    assessment = _load_assessment(request, code)
    spec = sections.BY_KEY.get(section)
    if spec is None or not spec.applies_to(assessment):
        raise Http404("No such section.")
    # Bind to a copy: validating puts the input on the form's instance, and the rest
    # of the page (eligibility, what completion still needs) must show what is saved.
    if request.method == "GET":
        record_view(request, assessment, action="Assessment section")
        restored = restore_input(request)
        bound = None
        if restored is not None and assessment.is_draft:
            bound = spec.bind(copy.copy(assessment), restored)
            bound.is_valid()
        return _render_assessment(request, assessment, bound)

    if not assessment.is_draft:
        messages.error(
            request, "This assessment is completed; add an addendum to correct it."
        )
        return redirect("assessment_detail", site_slug=site_slug, code=code)
    bound = spec.bind(copy.copy(assessment), request.POST)
    htmx = request.headers.get("HX-Request")
    if bound.save(by=request.user, latest=lambda: _load_assessment(request, code)):
        if htmx:
            fresh = _load_assessment(request, code)
            saved = spec.bind(fresh)
            saved.saved = True
            return _render_section(request, fresh, saved)
        messages.success(request, f"“{spec.title}” saved.")
        return redirect(f"{_detail_url(site_slug, code)}#section-{spec.key}")
    if htmx:
        return _render_section(request, assessment, bound)
    return _render_assessment(request, assessment, bound)


def _detail_url(site_slug, code):
    return reverse("assessment_detail", kwargs={"site_slug": site_slug, "code": code})


def _render_section(request, assessment, bound):
    """The htmx answer: the section, plus the eligibility section out of band when the
    saved answers feed it."""
    context = {
        "assessment": assessment,
        "person": assessment.person,
        "s": bound,
        "editable": True,
        "eligibility": services.compute_eligibility(assessment),
    }
    html = render(request, "assessments/assessment_detail.html#section", context)
    if bound.saved:
        oob = context | {"oob": True}
        if bound.section.feeds_eligibility:
            html.content += render(
                request,
                "assessments/assessment_detail.html#section",
                oob | {"s": sections.ELIGIBILITY.bind(assessment)},
            ).content
        # What still stops completion may have changed too.
        html.content += render(
            request,
            "assessments/assessment_detail.html#complete",
            oob | {"problems": services.completion_problems(assessment)},
        ).content
    return html


@require_POST
@require_rule("record_assessments")
def assessment_complete(request, site_slug, code):
    assessment = get_for_site(Assessment, request.site, code=code)
    try:
        services.complete_assessment(assessment, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, "The assessment is completed. It can no longer be edited."
        )
    return redirect("assessment_detail", site_slug=site_slug, code=code)


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("record_assessments")
def addendum_create(request, site_slug, code):
    assessment = _load_assessment(request, code)
    data = request.POST if request.method == "POST" else restore_input(request)
    form = AddendumForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_addendum(assessment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "The addendum has been added.")
            return redirect(f"{_detail_url(site_slug, code)}#addenda")
    record_view(request, assessment, action="Addendum form")
    return render(
        request,
        "assessments/addendum_form.html",
        {"assessment": assessment, "person": assessment.person, "form": form},
    )
