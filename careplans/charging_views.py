"""What the person pays (issue 12 item 7): recording their financial assessment from
their plan, whose budget the contribution is checked against."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sites.audit import record_view
from sites.decorators import require_rule
from sites.forms import add_service_errors
from sites.preserve import preserves_input, restore_input

from . import selectors
from .charging_forms import FinancialAssessmentForm
from .charging_services import record_financial_assessment


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("record_what_people_pay")
def plan_financial_assessment(request, site_slug, code):
    plan = selectors.plan_for_page(request.site, code)
    context = selectors.plan_page_context(plan)
    pay = context["pay"]
    back = reverse("plan_detail", kwargs={"site_slug": site_slug, "code": code})
    if not pay.charged:
        messages.info(
            request,
            "Support for carers is not charged: there is nothing to assess for a "
            "carer's support plan.",
        )
        return redirect(f"{back}#pay")
    data = request.POST if request.method == "POST" else restore_input(request)
    form = FinancialAssessmentForm(data, budget=pay.budget)
    if request.method == "POST" and form.is_valid():
        try:
            record_financial_assessment(
                person=plan.person,
                by=request.user,
                budget=pay.budget,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The financial assessment has been recorded.")
            return redirect(f"{back}#pay")
    record_view(request, plan, action="Financial assessment form")
    context["form"] = form
    return render(request, "careplans/financial_assessment_form.html", context)
