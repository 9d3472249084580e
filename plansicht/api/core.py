"""What every route of the API shares: the API object with its ETags, one error body for every
refusal, the page envelope of every list, and the machine formats (ISO dates, amounts as
decimal strings with a point and two decimals, null for a missing value).

The error body, whatever went wrong::

    {"detail": "what went wrong, in the request's language",
     "errors": [{"field": "the input it is about, or null", "message": "…"}]}

Every response carries an ``ETag`` (a hash of its body); a GET with a matching
``If-None-Match`` answers 304 without a body. A write names the representation it changes
with ``If-Match`` (the ETag of the object's GET); a stale one answers 412 and changes nothing.
"""

import hashlib
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import PlainSerializer, WithJsonSchema, create_model

from plansicht.services import ChangedMeanwhile, ServiceError

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50

# An amount of money: a decimal string with a point and two decimals, no currency sign.
Money = Annotated[
    Decimal,
    PlainSerializer(lambda v: f"{v:.2f}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["1234.50"]}),
]
# A percentage: a decimal string with a point and one decimal.
Percent = Annotated[
    Decimal,
    PlainSerializer(lambda v: f"{v:.1f}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d$", "examples": ["58.3"]}),
]


class FieldError(Schema):
    field: str | None = Field(description="The input the message is about, if any.")
    message: str


class Error(Schema):
    """The body of every refusal."""

    detail: str
    errors: list[FieldError] = []


def etag_of(content: bytes | str) -> str:
    if isinstance(content, str):
        content = content.encode()
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _matches(header: str, etag: str) -> bool:
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


class PlansichtAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        return with_etag(request, response)


def with_etag(request, response: HttpResponse) -> HttpResponse:
    """Give ``response`` its ETag; a GET whose ``If-None-Match`` holds it gets 304."""
    if response.streaming:
        return response
    etag = etag_of(response.content)
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and _matches(request.headers.get("If-None-Match", ""), etag)
    ):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    response["ETag"] = etag
    return response


def error(request, api, status: int, detail, errors=()) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": str(detail), "errors": [dict(e) for e in errors]},
        status=status,
    )


def install_error_handlers(api: NinjaAPI) -> None:
    """Every refusal as :class:`Error`, in the request's language."""

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        errors = []
        for e in exc.errors:
            loc = [str(part) for part in e.get("loc", ()) if part not in ("body", "query", "path")]
            errors.append({"field": ".".join(loc) or None, "message": e.get("msg", "")})
        return error(request, api, 422, _("The request has errors; see “errors”."), errors)

    @api.exception_handler(ServiceError)
    def refused(request, exc):
        status = 412 if isinstance(exc, ChangedMeanwhile) else 400
        return error(
            request, api, status, exc.message, [{"field": exc.field, "message": exc.message}]
        )

    @api.exception_handler(PermissionDenied)
    def denied(request, exc):
        return error(request, api, 403, str(exc) or _("Your token may not do this."))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = error(
            request,
            api,
            401,
            _(
                "Give a valid API token as “Authorization: Bearer …”; make one in the office "
                "(“API tokens”) or with manage.py api_token."
            ),
        )
        response["WWW-Authenticate"] = 'Bearer realm="plansicht"'
        return response

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error(request, api, 404, str(exc) or _("There is nothing at this address."))

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return error(request, api, exc.status_code, str(exc))


# -- pages ---------------------------------------------------------------------------------


class PageQuery(Schema):
    page: int = Field(1, ge=1, description="The page, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page, at most 100."
    )


_PAGES: dict = {}


def page_of(schema: type[Schema]) -> type[Schema]:
    """The envelope of a list of ``schema``: {"count", "next", "previous", "results"}."""
    page = _PAGES.get(schema)
    if page is None:
        page = _PAGES[schema] = create_model(
            f"{schema.__name__}Page",
            __base__=Schema,
            count=(int, Field(description="How many there are in all.")),
            next=(str | None, Field(description="The address of the next page, or null.")),
            previous=(str | None, Field(description="The previous page's address, or null.")),
            results=(list[schema], ...),
        )
    return page


def paginate(request, rows, paging: PageQuery, *, count: int | None = None) -> dict:
    """The page ``paging`` asks for of ``rows`` (a QuerySet in a stable order, or a list).
    A page after the last is refused with 404 (the first page always exists)."""
    total = count
    if total is None:
        total = len(rows) if isinstance(rows, list) else rows.count()
    size = paging.page_size
    last = max(1, -(-total // size))
    if paging.page > last:
        raise Http404(
            _("There is no page %(page)d; the last page is %(last)d.")
            % {"page": paging.page, "last": last}
        )
    start = (paging.page - 1) * size
    return {
        "count": total,
        "next": _page_url(request, paging.page + 1) if paging.page < last else None,
        "previous": _page_url(request, paging.page - 1) if paging.page > 1 else None,
        "results": list(rows[start : start + size]),
    }


def _page_url(request, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(request.path + "?" + query.urlencode())


def responses(ok: Any, *statuses: int, read: bool = True) -> dict:
    """The response map of a route: ``ok`` for 200 and :class:`Error` for every refusal it
    can answer (and 422 for a request that does not fit, which every route can); a read also
    answers 304, without a body, to an ``If-None-Match`` that holds its ETag."""
    out = {200: ok, 422: Error}
    if read:
        out[304] = None
    for status in statuses:
        out[status] = Error
    return out
