from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.documents import attached_to
from assessments.models import Person
from assessments.parts import risks_of
from carehub.pdf import pdf_response, render_pdf
from sites.audit import record_access, record_view
from sites.decorators import require_rule
from sites.forms import add_service_errors, error_text
from sites.models import AuditEvent
from sites.permissions import allows
from sites.preserve import preserves_input, restore_input
from sites.shortcuts import get_for_site
from sites.versioning import VersionedEdit, posted_version
from sites.workflow import allowed_steps, can_take

from . import plan_print, routing, selectors, services
from .forms import (
    DelegatedLimitForm,
    OutcomeRatingForm,
    PlanCreateForm,
    PlanForm,
    ReasonForm,
    ResponseForm,
    ReviewForm,
    SignOffForm,
    WithdrawLimitForm,
)
from .models import CarePlan, DelegatedLimit, Response, Review
from .programme_forms import DeliveryForm

PAGE_SIZE = 25


def _plan_url(site_slug, plan, anchor=""):
    url = reverse("plan_detail", kwargs={"site_slug": site_slug, "code": plan.code})
    return f"{url}#{anchor}" if anchor else url


@require_GET
@require_rule("see_people")
def plan_list(request, site_slug):
    status = request.GET.get("status", "")
    plans = selectors.plans_for_list(request.site, status=status)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.attach_costs(page.object_list)
    return render(
        request,
        "careplans/careplan_list.html",
        {
            "page": page,
            "status": status,
            "statuses": CarePlan.Status.choices,
            "query": f"status={status}" if status else "",
        },
    )


@require_http_methods(["GET", "POST"])
@require_rule("change_plans")
def plan_create(request, site_slug, code):
    person = get_for_site(
        Person.objects.select_related("allocated_worker"), request.site, code=code
    )
    form = PlanCreateForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(
                person=person, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "The plan is drafted. Add the responses next.")
            return redirect("plan_detail", site_slug=site_slug, code=plan.code)
    has_assessment = form.fields["assessment"].queryset.exists()
    record_view(request, person, action="New plan form")
    return render(
        request,
        "careplans/careplan_create.html",
        {
            "person": person,
            "form": form,
            "has_assessment": has_assessment,
            # No dead end: with no completed assessment, the way to one.
            "draft_assessments": []
            if has_assessment
            else list(person.assessments.drafts().order_by("-assessment_date", "-id")),
            "may_assess": allows(request, "record_assessments"),
        },
    )


@require_GET
@require_rule("see_people")
def plan_detail(request, site_slug, code):
    return _plan_page(request, code)


def _plan_page(request, code, *, sign_off_form=None):
    """The plan page; after a refused sign-off, with the manager's note kept."""
    plan = selectors.plan_for_page(request.site, code)
    record_access(request, plan)
    context = selectors.plan_page_context(plan)
    context["risks"] = risks_of([plan.assessment_id, plan.carer_assessment_id])
    context["steps"] = steps = allowed_steps(plan)
    # What they wanted that could not be arranged (issue 9: the unmet-need register).
    context["unmet_wants"] = list(plan.unmet_wants.all())
    # The documents attached to this plan, where the work is (issue 12, item 8).
    context["documents"] = attached_to(request.site, plan_code=plan.code)
    context["may_edit"] = "edit" in steps and allows(request, "change_plans")
    context["may_sign_off"] = "sign_off" in steps and allows(request, "sign_off_plans")
    if context["may_sign_off"]:
        allowed, why = routing.may_sign_off(
            plan, request.user, weekly=context["costs"]["weekly"]
        )
        context["sign_off_allowed"], context["sign_off_refusal"] = allowed, why
        context["may_return"], context["return_refusal"] = routing.may_return(
            plan, request.user
        )
        context["sign_off_form"] = sign_off_form or SignOffForm()
        context["return_form"] = ReasonForm()
    elif sign_off_form is not None:
        # Someone else acted first: the note this manager wrote stays on the page.
        context["kept_note"] = sign_off_form.data.get("note", "")
    return render(request, "careplans/careplan_detail.html", context)


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("change_plans")
def plan_edit(request, site_slug, code):
    plan = get_for_site(
        CarePlan.objects.select_related("person"), request.site, code=code
    )
    if not plan.is_editable:
        messages.error(
            request, "Only a draft can be changed; make a new version instead."
        )
        return redirect("plan_detail", site_slug=site_slug, code=code)
    data = request.POST if request.method == "POST" else restore_input(request)
    form = PlanForm(data, instance=plan)
    edit = VersionedEdit.start(plan.version, data)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(
                plan,
                by=request.user,
                expected_version=edit.version,
                **form.cleaned_data,
            )
        except ValidationError as error:
            edit.refused(
                error, form=form, latest=lambda: CarePlan.objects.get(pk=plan.pk)
            )
        else:
            messages.success(request, "The plan has been saved.")
            return redirect("plan_detail", site_slug=site_slug, code=code)
    record_view(request, plan, action="Plan form")
    return render(
        request,
        "careplans/careplan_form.html",
        {
            "plan": plan,
            "person": plan.person,
            "form": form,
            "edit": edit,
            # The contingency answers the risks named in the assessment (issue 12).
            "risks": risks_of([plan.assessment_id, plan.carer_assessment_id]),
        },
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("change_plans")
def response_edit(request, site_slug, code, response_code=None):
    plan = get_for_site(
        CarePlan.objects.select_related("person"), request.site, code=code
    )
    response = None
    if response_code is not None:
        response = get_for_site(Response, request.site, code=response_code, plan=plan)
    if not plan.is_editable:
        messages.error(
            request, "Only a draft can be changed; make a new version instead."
        )
        return redirect("plan_detail", site_slug=site_slug, code=code)
    outcomes = services.plan_outcomes(plan).select_related("assessment__person")
    data = request.POST if request.method == "POST" else restore_input(request)
    form = ResponseForm(data, instance=response, plan=plan, outcomes=outcomes)
    # A new response has no version yet: only a change can be stale.
    edit = VersionedEdit.start(response.version, data) if response else None
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "outcomes"}
        try:
            services.save_response(
                plan,
                by=request.user,
                response=response,
                expected_version=edit.version if edit else None,
                outcomes=form.cleaned_data["outcomes"],
                **fields,
            )
        except ValidationError as error:
            if edit is None:
                add_service_errors(form, error)
            else:
                edit.refused(
                    error,
                    form=form,
                    latest=lambda: Response.objects.select_related("replaces").get(
                        pk=response.pk
                    ),
                )
        else:
            messages.success(request, "The response has been saved.")
            return redirect(_plan_url(site_slug, plan, "responses"))
    record_view(request, plan, action="Response form")
    return render(
        request,
        "careplans/response_form.html",
        {
            "plan": plan,
            "person": plan.person,
            "form": form,
            "response": response,
            "edit": edit,
        },
    )


@require_POST
@require_rule("change_plans")
def response_delete(request, site_slug, code, response_code):
    plan = get_for_site(CarePlan, request.site, code=code)
    response = get_for_site(Response, request.site, code=response_code, plan=plan)
    try:
        services.remove_response(
            plan,
            response,
            by=request.user,
            expected_version=posted_version(request.POST),
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "The response has been removed.")
    return redirect(_plan_url(site_slug, plan, "responses"))


@require_POST
@require_rule("change_plans")
def plan_submit(request, site_slug, code):
    plan = get_for_site(CarePlan, request.site, code=code)
    try:
        plan = services.submit_plan(plan, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, f"Submitted: the plan is now {plan.get_status_display().lower()}."
        )
    return redirect("plan_detail", site_slug=site_slug, code=code)


@require_POST
@require_rule("sign_off_plans")
def plan_sign_off(request, site_slug, code):
    plan = get_for_site(CarePlan, request.site, code=code)
    form = SignOffForm(request.POST)
    if not form.is_valid():
        # A note too long (or otherwise refused) is said so, never dropped.
        messages.error(request, "The plan is not signed off: " + _first_error(form))
        return _plan_page(request, code, sign_off_form=form)
    try:
        services.sign_off_plan(plan, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, error_text(error))
        if form.cleaned_data["note"]:
            # Keep what the manager wrote (e.g. someone else signed it off first).
            return _plan_page(request, code, sign_off_form=form)
    else:
        messages.success(request, "The plan is signed off and active.")
    return redirect("plan_detail", site_slug=site_slug, code=code)


def _first_error(form):
    return next(iter(form.errors.values()))[0]


def _with_reasons(request, site_slug, code, *, action, act, done):
    """A step that needs written reasons (return, close): form, service, redirect."""
    plan = get_for_site(
        CarePlan.objects.select_related("person"), request.site, code=code
    )
    data = request.POST if request.method == "POST" else restore_input(request)
    form = ReasonForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            act(plan, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, done)
            return redirect("plan_detail", site_slug=site_slug, code=code)
    record_view(request, plan, action=f"Plan {action} form")
    return render(
        request,
        "careplans/careplan_reason.html",
        {"plan": plan, "person": plan.person, "form": form, "action": action},
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("sign_off_plans")
def plan_return(request, site_slug, code):
    return _with_reasons(
        request,
        site_slug,
        code,
        action="return",
        act=services.return_plan,
        done="The plan has been returned to the officer.",
    )


@require_POST
@require_rule("change_plans")
def plan_revise(request, site_slug, code):
    plan = get_for_site(CarePlan, request.site, code=code)
    try:
        revision = services.revise_plan(plan, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("plan_detail", site_slug=site_slug, code=code)
    messages.success(
        request,
        f"Version {revision.version_number} is drafted. The approved version stays "
        "active until this one is approved.",
    )
    return redirect("plan_detail", site_slug=site_slug, code=revision.code)


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("change_plans")
def plan_close(request, site_slug, code):
    return _with_reasons(
        request,
        site_slug,
        code,
        action="close",
        act=services.close_plan,
        done="The plan is closed.",
    )


@require_GET
@require_rule("see_people")
def plan_pdf(request, site_slug, code):
    """The plan the person keeps: plain English, their words first, large type."""
    plan = plan_print.plan_for_pdf(request.site, code)
    context = plan_print.pdf_context(plan)
    context["printed_by"] = request.user
    pdf = render_pdf("pdf/careplan.html", context, request=request)
    record_access(request, plan, kind=AuditEvent.Kind.PRINT, action="Plan PDF")
    return pdf_response(pdf, f"care-plan-{plan.code}.pdf")


@require_GET
@require_rule("see_reviews_due")
def reviews_due(request, site_slug):
    """Reviews due: my people's for officers; the whole team's for managers."""
    may_see_team = allows(request, "see_team_reviews")
    # A manager who records no reviews of their own sees the team's by default.
    team = may_see_team and (
        request.GET.get("scope") == "team" or not allows(request, "record_reviews")
    )
    horizon = timezone.localdate() + selectors.REVIEW_HORIZON
    reviews = selectors.reviews_due(
        request.site, by=horizon, officer=None if team else request.user
    )
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "careplans/review_list.html",
        {
            "page": page,
            "team": team,
            "may_see_team": may_see_team,
            "today": timezone.localdate(),
            "horizon": horizon,
            "query": "scope=team" if team else "",
        },
    )


@require_POST
@require_rule("record_reviews")
def review_start(request, site_slug, code):
    review = get_for_site(
        Review.objects.select_related("plan"), request.site, code=code
    )
    try:
        services.start_review(review, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("plan_detail", site_slug=site_slug, code=review.plan.code)
    return redirect("review_record", site_slug=site_slug, code=code)


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("record_reviews")
def review_record(request, site_slug, code):
    review = get_for_site(
        Review.objects.select_related("plan__person", "completed_by"),
        request.site,
        code=code,
    )
    plan = review.plan
    if not (
        can_take(review, Review.WORKFLOW.complete)
        and can_take(plan, CarePlan.WORKFLOW.finish_review)
    ):
        if request.method == "POST" and review.completed_by is not None:
            # Someone recorded it first: say who and when, and keep this text.
            return _review_taken(request, review)
        messages.info(request, "This review is not open for recording.")
        return redirect("plan_detail", site_slug=site_slug, code=plan.code)
    outcomes = selectors.served_outcomes(plan)
    data = request.POST if request.method == "POST" else restore_input(request)
    form = ReviewForm(
        data,
        instance=review,
        prefix="review",
        policy_due=services.next_review_by_policy(request.site),
    )
    rating_forms = [
        OutcomeRatingForm(data, outcome=o, prefix=f"outcome-{o.pk}") for o in outcomes
    ]
    delivery_forms = [
        DeliveryForm(data, response=r, prefix=f"delivery-{r.pk}")
        for r in plan.responses.all()
    ]
    if (
        request.method == "POST"
        and form.is_valid()
        and all(f.is_valid() for f in rating_forms)
        and all(f.is_valid() for f in delivery_forms)
    ):
        ratings = {
            f.outcome: (f.cleaned_data["rating"], f.cleaned_data["person_view"])
            for f in rating_forms
        }
        try:
            _, revision = services.complete_review(
                review,
                by=request.user,
                ratings=ratings,
                result=form.cleaned_data["result"],
                person_view=form.cleaned_data["person_view"],
                notes=form.cleaned_data["notes"],
                deliveries={
                    f.response: (
                        f.cleaned_data["delivered"],
                        f.cleaned_data["barrier"],
                        f.cleaned_data["note"],
                    )
                    for f in delivery_forms
                    if f.cleaned_data["delivered"]
                },
                next_review_due=form.cleaned_data["next_review_due"],
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "The review has been recorded.")
            target = revision or plan
            return redirect("plan_detail", site_slug=site_slug, code=target.code)
    record_view(request, plan, action="Review form")
    return render(
        request,
        "careplans/review_form.html",
        {
            "review": review,
            "plan": plan,
            "person": plan.person,
            "form": form,
            "rating_forms": rating_forms,
            "delivery_forms": delivery_forms,
        },
    )


def _review_taken(request, review):
    """A second reviewer's post: told who recorded the review and when, their own
    words shown again (nothing is saved)."""
    plan = review.plan
    form = ReviewForm(
        request.POST,
        prefix="review",
        policy_due=services.next_review_by_policy(request.site),
    )
    rating_forms = [
        OutcomeRatingForm(request.POST, outcome=o, prefix=f"outcome-{o.pk}")
        for o in selectors.served_outcomes(plan)
    ]
    form.is_valid()
    when = timezone.localtime(review.completed_at)
    form.add_error(
        None,
        f"{review.completed_by.display_name} recorded this review on {when.day} "
        f"{when:%B %Y} at {when:%H:%M}. Yours was not saved; it is shown below.",
    )
    return render(
        request,
        "careplans/review_form.html",
        {
            "review": review,
            "plan": plan,
            "person": plan.person,
            "form": form,
            "rating_forms": rating_forms,
            "taken": True,
        },
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("see_delegated_limits", write="set_delegated_limits")
def limit_list(request, site_slug):
    """Delegated limits: who may sign off what, from which date, with history."""
    may_manage = allows(request, "set_delegated_limits")
    data = request.POST if request.method == "POST" else restore_input(request)
    form = DelegatedLimitForm(data) if may_manage else None
    if request.method == "POST" and form.is_valid():
        try:
            services.set_delegated_limit(
                site=request.site, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The new limit is recorded.")
            return redirect("limit_list", site_slug=site_slug)
    limits = DelegatedLimit.objects.filter(site=request.site).order_by(
        "role", "-effective_from"
    )
    today = timezone.localdate()
    in_force = routing.limits_in_force(request.site, today)
    return render(
        request,
        "careplans/delegatedlimit_list.html",
        {
            "limits": list(limits),
            "in_force": {limit.pk for limit in in_force.values()},
            "form": form,
            "today": today,
        },
    )


@require_POST
@require_rule("set_delegated_limits")
def limit_withdraw(request, site_slug):
    """Withdraw a limit that has not yet taken effect."""
    form = WithdrawLimitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the limit is withdrawn.")
        return redirect("limit_list", site_slug=site_slug)
    limit = get_for_site(DelegatedLimit, request.site, code=form.cleaned_data["limit"])
    try:
        services.withdraw_delegated_limit(
            limit, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "The limit is withdrawn; the one before it runs on.")
    return redirect("limit_list", site_slug=site_slug)
