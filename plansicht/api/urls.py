"""The API at /api/v1/: the OpenAPI document at /api/v1/openapi.json and, beside it, a page
that reads it out (/api/v1/docs/). Each area adds its router here — one line."""

import re
from functools import wraps

from django.shortcuts import render
from django.urls import path, re_path
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from .core import PlansichtAPI, error, install_error_handlers, with_etag
from .decisions import router as decisions_router
from .funding import router as funding_router
from .history import router as history_router
from .indicators import router as indicators_router
from .participation import router as participation_router
from .plan import router as plan_router
from .proposals import router as proposals_router
from .staffing import router as staffing_router

api = PlansichtAPI(
    title="Plansicht API",
    version="1",
    description=(
        "Read without login everything the portal shows; write with a personal token "
        "(Authorization: Bearer …) through the same rules as the office. Lists are paged "
        "(?page=, ?page_size= up to 100) as {count, next, previous, results}; dates are ISO "
        "8601, amounts decimal strings with a point and two decimals; a missing value is "
        "null. Codes that contain “/” are percent-encoded in paths (%2F). Every response "
        "has an ETag: send If-None-Match to get 304, and If-Match with every write (412 when "
        "stale, 428 when missing). Every refusal is {detail, errors: [{field, message}]}."
    ),
    urls_namespace="api",
    docs_url=None,
)
install_error_handlers(api)
api.add_router("/", plan_router)
api.add_router("/", history_router)
api.add_router("/", funding_router)
api.add_router("/", staffing_router)
api.add_router("/", participation_router)
api.add_router("/", decisions_router)
api.add_router("/", indicators_router)
api.add_router("/", proposals_router)


def docs(request):
    """The API's routes, read from its OpenAPI document: one section per route with its
    parameters and every answer it can give."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    routes = []
    for route, methods in schema["paths"].items():
        for method, op in methods.items():
            routes.append(
                {
                    "method": method.upper(),
                    "path": route,
                    "summary": op.get("summary", ""),
                    "tag": (op.get("tags") or [""])[0],
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description")
                            or p.get("schema", {}).get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": bool(op.get("requestBody")),
                    "auth": bool(op.get("security")),
                    "responses": sorted(op.get("responses", {}).items()),
                    "anchor": re.sub(r"[^a-z0-9]+", "-", f"{method}{route}".lower()).strip("-"),
                }
            )
    return render(
        request,
        "api/docs.html",
        {"routes": routes, "description": schema["info"].get("description", "")},
    )


def _with_etag(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return with_etag(request, view(request, *args, **kwargs))

    return wrapped


def _in_the_requests_language(view):
    """The API answers in the language the request asks for (Accept-Language; German when
    it asks for none we have): its paths carry no language prefix as the pages' do."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        language = translation.get_language_from_request(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", language)
        return response

    return wrapped


ninja_urls = api.urls[0]
for pattern in ninja_urls:
    if pattern.name == "openapi-json":  # the OpenAPI document has its ETag too
        pattern.callback = _with_etag(pattern.callback)
    pattern.callback = _in_the_requests_language(pattern.callback)


@csrf_exempt  # a POST to no route gets the API's 404 too, not the CSRF page
def not_found(request, rest=""):
    """Any other address under /api/v1/: the API's 404, in its error body."""
    return error(request, api, 404, translation.gettext("There is nothing at this address."))


app_name = "api"
urlpatterns = [
    path("docs/", _in_the_requests_language(docs), name="docs"),
    *ninja_urls,
    # Last: every other address (a newline in it included) is the API's JSON 404.
    re_path(r"^(?P<rest>[\s\S]*)$", _in_the_requests_language(not_found)),
]
