"""The senior manager's "Export the site" page (issue 13 item 3).

GET explains what the archive holds and lists the site's earlier exports; POST
starts the export as a background job (``sites.jobs``) and sends the manager to its
page, which shows progress and then the download. Restoring stays an operator
command (``manage.py import_site``): see docs/export-format.md, "Why restore is not
a web page".
"""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..decorators import require_rule
from ..jobs import job_url, start_job
from ..models import AuditEvent
from .jobs import EXPORT_ACTION, JOB_KIND, export_site_job


@require_http_methods(["GET", "POST"])
@require_rule("export_site")
def site_export(request, site_slug):
    if request.method == "POST":
        job = start_job(
            site=request.site,
            user=request.user,
            kind=JOB_KIND,
            title=f"Export of {request.site.name}",
            task=export_site_job,
        )
        return redirect(job_url(job))
    earlier = (
        AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, action=EXPORT_ACTION)
        .select_related("user")
        .order_by("-created_at")[:10]
    )
    return render(request, "sites/site_export.html", {"earlier": list(earlier)})
