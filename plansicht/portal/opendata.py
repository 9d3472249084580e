"""The programme's open data: a download page listing every file, a stable address for each
file (``/p/<slug>/daten/<name>``) and a calendar per measure. The files are built on the
first request after the forecast was stored (or the day changed) and kept (OpenDataFile)."""

import hashlib

from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from plansicht.opendata import files, ical
from plansicht.plan.models import Measure, Programme

from .cache import public_page


def _programme(slug):
    return get_object_or_404(
        Programme.objects.select_related("organisation", "forecast"), slug=slug
    )


@public_page
def download(request, slug):
    programme = _programme(slug)
    stored = files.current(programme)
    rows = [
        {"file": f, "size": len(stored[f.name].data), "built_at": stored[f.name].built_at}
        for f in files.FILES
        if f.name in stored
    ]
    return render(
        request,
        "portal/opendata.html",
        {
            "programme": programme,
            "nav": "opendata",
            "rows": rows,
            "measures": Measure.objects.filter(programme=programme).public().order_by("code"),
        },
    )


def _answer(request, data: bytes, sha: str, media_type: str, name: str) -> HttpResponse:
    etag = f'"{sha[:32]}"'
    if etag in [
        t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")
    ]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(bytes(data), content_type=media_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["ETag"] = etag
    return response


def file(request, slug, name):
    programme = _programme(slug)
    known = files.find(name)
    if known is None:
        raise Http404(_("There is no open data file of this name."))
    stored = files.current(programme)[name]
    return _answer(request, stored.data, stored.sha256, known.media_type, name)


def measure_calendar(request, slug, code):
    programme = _programme(slug)
    measure = Measure.objects.filter(programme=programme, code=code).public().first()
    if measure is None:
        raise Http404(_("This programme has no published measure %(code)s.") % {"code": code})
    data = ical.calendar(programme, measure)
    name = "massnahme-" + "".join(c if c.isalnum() or c in ".-_" else "_" for c in code) + ".ics"
    return _answer(request, data, hashlib.sha256(data).hexdigest(), ical.MEDIA_TYPE, name)
