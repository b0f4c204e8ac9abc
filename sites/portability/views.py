"""The senior manager's "Export the site" page (issue 13 item 3).

GET explains what the archive holds and lists the site's earlier exports; POST
exports the site (``start_export``: the one place that decides how the work runs).
Restoring stays an operator command (``manage.py import_site``): see
docs/export-format.md, "Why restore is not a web page".
"""

import tempfile

from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..audit import record_event
from ..decorators import require_rule
from ..models import AuditEvent
from .export import export_site

EXPORT_ACTION = "Site exported"


@require_http_methods(["GET", "POST"])
@require_rule("export_site")
def site_export(request, site_slug):
    if request.method == "POST":
        return start_export(request)
    earlier = (
        AuditEvent.objects.filter(
            kind=AuditEvent.Kind.EXPORT, action__startswith=EXPORT_ACTION
        )
        .select_related("user")
        .order_by("-created_at")[:10]
    )
    return render(request, "sites/site_export.html", {"earlier": list(earlier)})


def start_export(request):
    """Export the site now and send the archive (streamed from a temporary file)."""
    site = request.site
    archive = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 - FileResponse closes it
    summary = export_site(site, archive)
    record_event(
        kind=AuditEvent.Kind.EXPORT,
        user=request.user,
        site=site,
        action=EXPORT_ACTION,
        details={"rows": summary.rows},
        request=request,
    )
    archive.seek(0)
    return FileResponse(
        archive,
        as_attachment=True,
        filename=archive_name(site),
        content_type="application/zip",
    )


def archive_name(site):
    return f"carehub-{site.slug}-{timezone.localtime():%Y-%m-%d-%H%M}.zip"
