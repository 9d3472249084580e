"""OParl 1.1 at /oparl/v1/: the council decision register, read only, for council information
systems and meine-stadt-transparent (``docs/oparl.md``). Plain function views answering JSON
(UTF-8) with ``Access-Control-Allow-Origin: *``, an error as JSON with its status.

Lists are paged (``?page=``, at most ``PAGE_SIZE`` objects, fewer with ``?elementsPerPage=``)
and filtered by ``created_since``, ``created_until``, ``modified_since`` and ``modified_until``
as the standard requires; each list page reads the data in a fixed number of queries."""

import json
import math
import re
from datetime import datetime
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from plansicht import clock
from plansicht.accounts.models import Organisation
from plansicht.participation.models import Body
from plansicht.plan.models import Programme

from . import objects
from .register import (
    EPOCH,
    Entry,
    Register,
    Stamp,
    body_facts,
    load_stamps,
    public_organisations,
)

PAGE_SIZE = 100
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
METHODS = "GET, HEAD, OPTIONS"


def _cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


def answer(data, status=200):
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
        status=status,
    )
    response["Content-Language"] = settings.LANGUAGE_CODE
    return _cors(response)


def error(status, detail):
    return answer({"status": status, "detail": detail}, status=status)


def endpoint(view):
    """Read only, in the site's language; a missing object or a bad parameter answered as
    JSON. Exempt from the CSRF check (it changes nothing), so that a POST gets the JSON 405."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            if request.method == "OPTIONS":
                response = _cors(HttpResponse(status=204))
                response["Allow"] = METHODS
                response["Access-Control-Allow-Methods"] = METHODS
                return response
            if request.method not in ("GET", "HEAD"):
                response = error(405, _("The OParl interface is read only."))
                response["Allow"] = METHODS
                return response
            try:
                return answer(view(request, *args, **kwargs))
            except Http404:
                return error(404, _("There is no such object."))
            except BadRequest as problem:
                return error(400, str(problem))

    return wrapper


# -- lists ----------------------------------------------------------------------------------------


def _moment(name, value) -> datetime:
    # A "+" left unencoded in the query string arrives as a space.
    value = re.sub(r" (\d\d:?\d\d)$", r"+\1", value.strip())
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest(
            _(
                "%(name)s must be a date and time such as 2025-01-31T00:00:00+01:00 (with "
                "the + written %%2B)."
            )
            % {"name": name}
        ) from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _filtered(request, entries):
    bounds = {name: _moment(name, request.GET[name]) for name in FILTERS if request.GET.get(name)}

    def keep(stamp):
        return (
            ("created_since" not in bounds or stamp.created >= bounds["created_since"])
            and ("created_until" not in bounds or stamp.created <= bounds["created_until"])
            and ("modified_since" not in bounds or stamp.modified >= bounds["modified_since"])
            and ("modified_until" not in bounds or stamp.modified <= bounds["modified_until"])
        )

    return [e for e in entries if keep(e.stamp)]


def _size(request) -> int:
    """The page size: ``PAGE_SIZE``, or less if the client asks (more is not given)."""
    try:
        asked = int(request.GET.get("elementsPerPage", PAGE_SIZE))
    except ValueError:
        return PAGE_SIZE
    return min(max(asked, 1), PAGE_SIZE)


def paged(request, entries: list[Entry], render) -> dict:
    """One page of ``entries`` (in their stable order) as an OParl list: ``render`` turns the
    page's entries into objects. The links keep the filters and the page size."""
    entries = _filtered(request, entries)
    size = _size(request)
    total = len(entries)
    pages = max(1, math.ceil(total / size))
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        raise BadRequest(_("page must be a whole number from 1.")) from None
    if not 1 <= page <= pages:
        raise Http404
    kept = {
        name: request.GET[name] for name in (*FILTERS, "elementsPerPage") if name in request.GET
    }

    def link(number):
        return objects.absolute(request.path) + "?" + urlencode({**kept, "page": number})

    links = {"first": link(1)}
    if page > 1:
        links["prev"] = link(page - 1)
    if page < pages:
        links["next"] = link(page + 1)
    links["last"] = link(pages)
    links["self"] = link(page)
    return {
        "data": render(entries[(page - 1) * size : page * size]),
        "pagination": {
            "totalElements": total,
            "elementsPerPage": size,
            "currentPage": page,
            "totalPages": pages,
        },
        "links": links,
    }


def _empty(entries):
    return []


# -- rendering entries ----------------------------------------------------------------------------


def _papers(entries):
    found = objects.load_decisions([e.ref for e in entries if not e.deleted], links=True)
    return [
        objects.tombstone("Paper", objects.paper_url(*e.ref), e.stamp)
        if e.deleted
        else objects.paper(found[e.ref], e.stamp)
        for e in entries
    ]


def _consultations(entries):
    found = objects.load_decisions([e.ref for e in entries], links=False)
    return [objects.consultation(found[e.ref], e.stamp) for e in entries]


def _agenda_items(register):
    order = {
        row.pk: place
        for rows in register.meeting_items().values()
        for place, row in enumerate(rows, start=1)
    }

    def render(entries):
        found = objects.load_decisions([e.ref for e in entries], links=False)
        return [objects.agenda_item(found[e.ref], e.stamp, order[e.ref]) for e in entries]

    return render


def _meetings(register):
    items = register.meeting_items()

    def render(entries):
        pks = [row.pk for e in entries if not e.deleted for row in items[e.ref]]
        found = objects.load_decisions(pks, links=False)
        out = []
        for e in entries:
            body, iso_day = e.ref
            if e.deleted:
                out.append(
                    objects.tombstone("Meeting", objects.meeting_url(body, iso_day), e.stamp)
                )
                continue
            agenda = [(found[row.pk], row.stamp) for row in items[e.ref]]
            out.append(objects.meeting(register.bodies[body], iso_day, agenda, e.stamp))
        return out

    return render


# -- the system and the bodies --------------------------------------------------------------------


@endpoint
def system(request):
    ids = list(public_organisations().values_list("pk", flat=True))
    stamps = [stamp for stamp, _years in body_facts(ids, clock.today()).values()]
    stamp = (
        Stamp(min(s.created for s in stamps), max(s.modified for s in stamps))
        if stamps
        else Stamp(EPOCH, EPOCH)
    )
    return objects.system(stamp)


def _bodies(organisations):
    """[Body object] of the organisations, in a fixed number of queries."""
    ids = [o.pk for o in organisations]
    today = clock.today()
    facts = body_facts(ids, today)
    programmes = {}
    for p in Programme.objects.filter(organisation_id__in=ids).order_by("slug"):
        programmes.setdefault(p.organisation_id, []).append(p)
    return [objects.body(o, *facts[o.pk], programmes.get(o.pk, []), today) for o in organisations]


@endpoint
def bodies(request):
    organisations = list(public_organisations())
    facts = body_facts([o.pk for o in organisations], clock.today())
    entries = [Entry((o.pk,), o, facts[o.pk][0]) for o in organisations]
    return paged(request, entries, lambda chunk: _bodies([e.ref for e in chunk]))


def _organisation(pk) -> Organisation:
    return get_object_or_404(public_organisations(), pk=pk)


@endpoint
def body(request, pk):
    return _bodies([_organisation(pk)])[0]


@endpoint
def legislative_term(request, pk):
    organisation = _organisation(pk)
    today = clock.today()
    return objects.legislative_term(organisation, *body_facts([pk], today)[pk], today)


@endpoint
def body_list(request, pk, part):
    if part not in objects.BODY_LISTS:
        raise Http404
    organisation = _organisation(pk)
    if part in ("person", "file", "location", "membership"):
        return paged(request, [], _empty)
    if part == "legislativeterm":
        today = clock.today()
        stamp, years = body_facts([pk], today)[pk]
        term = objects.legislative_term(organisation, stamp, years, today)
        return paged(request, [Entry((pk,), term, stamp)], lambda chunk: [e.ref for e in chunk])
    if part == "organization":
        stamp = load_stamps([pk])[pk]
        entries = [
            Entry((b.pk,), b, stamp)
            for b in Body.objects.filter(organisation=organisation).order_by("pk")
        ]
        return paged(
            request, entries, lambda chunk: [objects.organization(e.ref, e.stamp) for e in chunk]
        )
    register = Register(organisation, clock.today())
    if part == "paper":
        return paged(request, register.papers(), _papers)
    if part == "meeting":
        return paged(request, register.meetings(), _meetings(register))
    if part == "agendaitem":
        return paged(request, register.decisions(), _agenda_items(register))
    return paged(request, register.decisions(), _consultations)


# -- the organisations (councils, committees, advisory councils) ----------------------------------


def _body_of_public(pk) -> Body:
    found = get_object_or_404(Body.objects.select_related("organisation"), pk=pk)
    _organisation(found.organisation_id)
    return found


@endpoint
def organization(request, pk):
    found = _body_of_public(pk)
    return objects.organization(found, load_stamps([found.organisation_id])[found.organisation_id])


@endpoint
def organization_list(request, pk, part):
    found = _body_of_public(pk)
    register = Register(found.organisation, clock.today())
    if part == "meeting":
        entries = [e for e in register.meetings() if e.ref[0] == found.pk]
        return paged(request, entries, _meetings(register))
    if part == "consultation":
        return paged(request, register.decisions(body=found.pk), _consultations)
    raise Http404


# -- papers, consultations, agenda items, meetings ------------------------------------------------


def _register_of(slug) -> Register:
    programme = get_object_or_404(Programme.objects.select_related("organisation"), slug=slug)
    return Register(programme.organisation, clock.today())


@endpoint
def paper(request, slug, number):
    register = _register_of(slug)
    row = register.row(slug, number)
    if row is not None:
        return objects.paper(objects.load_decisions([row.pk], links=True)[row.pk], row.stamp)
    gone = register.paper_tombstone(slug, number)
    if gone is None:
        raise Http404
    return objects.tombstone("Paper", objects.paper_url(slug, number), gone.stamp)


@endpoint
def consultation(request, slug, number):
    row = _register_of(slug).row(slug, number)
    if row is None:
        raise Http404
    return _consultations([Entry((), row.pk, row.stamp)])[0]


@endpoint
def agenda_item(request, slug, number):
    register = _register_of(slug)
    row = register.row(slug, number)
    if row is None:
        raise Http404
    return _agenda_items(register)([Entry((), row.pk, row.stamp)])[0]


@endpoint
def meeting(request, body, day):
    found = _body_of_public(body)
    register = Register(found.organisation, clock.today())
    entry = next((e for e in register.meetings() if e.ref == (found.pk, day)), None)
    if entry is None:
        raise Http404
    return _meetings(register)([entry])[0]


@csrf_exempt
def not_found(request, rest=""):
    """Anything else under /oparl/v1/: an address without its final slash is sent to the one
    with it (as Django does for the pages); the rest is a 404 in JSON."""
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            to = request.get_full_path(force_append_slash=True)
            return _cors(HttpResponsePermanentRedirect(to))
    return _not_found(request)


@endpoint
def _not_found(request):
    raise Http404
