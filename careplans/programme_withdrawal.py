"""Taking a programme case out of the programme (issue 9): withdrawn (the person, or
the site, took them out) or not included after all, with a reason, who and when.

The case stays at its site, marked as such; it leaves the programme's figures (which
count included cases only) and its shared case studies leave the programme's lists
and meeting packs (their snapshots are marked withdrawn).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from assessments.forms import LimitTextMixin
from sites import workflow
from sites.audit import record_view
from sites.decorators import require_rule
from sites.forms import error_text
from sites.preserve import preserves_input, restore_input
from sites.shortcuts import get_for_site

from .figures import forget_programme_figures
from .programme import CaseStudy, ProgrammeCase, PublishedCaseStudy

Status = ProgrammeCase.Status

OUT_OF_PROGRAMME = [
    (Status.WITHDRAWN, "Withdrawn: they, or the site, took them out of the programme"),
    (Status.DECLINED, "Not included: they should not have been a programme case"),
]
MIN_REASON = 10


class WithdrawForm(LimitTextMixin, forms.Form):
    status = forms.ChoiceField(
        choices=OUT_OF_PROGRAMME,
        widget=forms.RadioSelect,
        label="What happened?",
        error_messages={"required": "Choose withdrawn or not included."},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why",
        help_text="A sentence for the record, kept at this site. No other site and "
        "nobody at programme level reads it.",
        error_messages={"required": "Say why, in a sentence."},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < MIN_REASON:
            raise ValidationError("Say why, in a sentence.")
        return reason


@transaction.atomic
def withdraw_case(case, *, status, reason, by):
    """Take ``case`` out of the programme; its shared case studies are withdrawn."""
    if status not in {Status.WITHDRAWN, Status.DECLINED}:
        raise ValidationError("Choose withdrawn or not included.", code="status")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError("Say why, in a sentence.", code="reason")
    step = {
        Status.WITHDRAWN: ProgrammeCase.WORKFLOW.withdraw,
        Status.DECLINED: ProgrammeCase.WORKFLOW.decline,
    }[status]
    locked = workflow.lock(case, step)
    snapshots = list(
        PublishedCaseStudy.objects.filter(
            pk__in=CaseStudy.objects.filter(
                site=locked.site_id, programme_case=locked, published__isnull=False
            ).values("published_id")
        ).exclude(status=PublishedCaseStudy.Status.WITHDRAWN)
    )
    for snapshot in snapshots:
        workflow.transition(snapshot, PublishedCaseStudy.WORKFLOW.withdraw, by=by)
    workflow.apply(
        locked,
        step,
        by=by,
        details={"status": status, "shared_case_studies_withdrawn": len(snapshots)},
        status_reason=reason,
        version=locked.version + 1,
    )
    # A deliberate change to who counts: the kept cross-site figures are worked out
    # again on their next reading rather than up to five minutes later.
    programme = locked.programme
    transaction.on_commit(lambda: forget_programme_figures(programme))
    return locked


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("make_programme_cases")
def programme_case_withdraw(request, site_slug, code):
    """Mark a programme case withdrawn or not included, with the reason."""
    case = get_for_site(
        ProgrammeCase.objects.select_related("programme", "person", "withdrawn_by"),
        request.site,
        code=code,
    )
    data = request.POST if request.method == "POST" else restore_input(request)
    form = WithdrawForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_case(
                case,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request,
                "Taken out of the programme: it no longer counts in the programme's "
                "figures, and its shared case studies are withdrawn.",
            )
            return redirect("programme_case_detail", site_slug=site_slug, code=code)
    record_view(request, case, action="Withdrawal form")
    return render(
        request,
        "careplans/programme/case_withdraw.html",
        {"case": case, "form": form},
    )
