"""The issued public reports of a programme: the list and the frozen files. Internal reports
(funder reports, proofs of use, change requests issued as internal) are never listed or
served; the files have no address of their own under MEDIA_URL."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from plansicht.plan.models import Programme
from plansicht.reports.models import IssuedFile, IssuedReport
from plansicht.reports.render import MEDIA_TYPES

from .cache import public_page


def _programme(slug):
    return get_object_or_404(Programme.objects.select_related("organisation"), slug=slug)


@public_page
def reports(request, slug):
    programme = _programme(slug)
    issued = (
        IssuedReport.objects.public()
        .filter(programme=programme)
        .prefetch_related("files")
        .order_by("-issue_date", "kind", "-number")
    )
    return render(
        request,
        "portal/reports.html",
        {"programme": programme, "reports": issued, "nav": "reports"},
    )


def report_file(request, slug, pk, fmt):
    stored = (
        IssuedFile.objects.filter(
            report__programme__slug=slug, report__pk=pk, report__public=True, format=fmt
        )
        .select_related("report")
        .first()
    )
    if stored is None:
        raise Http404(_("There is no public report with this number and format."))
    try:
        handle = stored.file.open("rb")
    except OSError:
        raise Http404(_("There is no public report with this number and format.")) from None
    response = FileResponse(
        handle,
        content_type=MEDIA_TYPES[fmt],
        as_attachment=fmt != "pdf",
        filename=stored.file.name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
