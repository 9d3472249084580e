"""The portal's public pages, cached for anonymous visitors and never stale.

A page's cache key carries what decides its content: the host, the path with its query, the
language, the programme's ``public_version`` (bumped in the database by every history event and
every stored forecast, so a change made by another worker process or by a command is seen at
once, with any cache backend, the per-process local memory cache included) and the local date
(what changes with the day alone -- a question overdue at midnight, "today" on a timeline --
expires at local midnight). The same key, hashed, is the page's ETag: a browser that has the
page gets 304 Not Modified after one small query, without the page being rendered.

Only what every anonymous visitor sees alike is kept: no signed-in user, no session or flash
message cookie, no page that set a cookie or used a CSRF token, only 200 answers. When a change
has just made a page's key new, the first request renders it while the others of the same
process wait briefly for its result instead of all rendering at once.

With a shared cache (Redis), each process also keeps the pages it served last in its own memory
(the ``near`` cache), in front of the shared one: a key names one version of one page and never
another, so the copy cannot be stale, and a hot page costs no round trip to Redis."""

import hashlib
import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connections, router
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from plansicht import __version__, clock
from plansicht.plan.models import Programme

log = logging.getLogger(__name__)
TIMEOUT = 24 * 60 * 60  # a key holds at most a day anyway: the date is part of it
WAIT = 3.0  # seconds a request waits for another that renders the same page
POLL = 0.05


def _anonymous(request) -> bool:
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
    )


def _key(request, version: int) -> str:
    parts = (
        __version__,
        request.get_host(),
        request.get_full_path(),
        get_language() or "",
        str(version),
        clock.today().isoformat(),
    )
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
    )


def _answer(etag: str, response):
    response["ETag"] = etag
    # Keep it, but ask every time: the ETag makes asking cheap.
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Cookie",))
    return response


def public_page(view):
    """Cache a portal view of one programme (``slug``) for anonymous visitors."""

    @wraps(view)
    def cached(request, *args, **kwargs):
        if not _anonymous(request):
            return view(request, *args, **kwargs)
        version = _version(kwargs.get("slug"))
        if version is None:
            return view(request, *args, **kwargs)  # its 404
        key = _key(request, version)
        etag = f'"{key[-32:]}"'
        if etag in request.headers.get("If-None-Match", ""):
            return _answer(etag, HttpResponseNotModified())
        stored = _get(key)
        if stored is None and not cache.add(key + ":rendering", 1, timeout=int(WAIT) + 1):
            stored = _wait_for(key)
        if stored is not None:
            body, content_type = stored
            return _answer(etag, HttpResponse(body, content_type=content_type))
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if _storable(request, response):
                _set(key, (response.content, response["Content-Type"]))
                log.info("page rendered for the cache: %s", request.path)
                return _answer(etag, response)
            return response
        finally:
            cache.delete(key + ":rendering")

    return cached


def _near():
    """This process's own copy of the pages, if the settings put one in front of a shared
    cache (``CACHES["near"]``), else None."""
    return caches["near"] if "near" in settings.CACHES else None


def _get(key):
    near = _near()
    stored = near.get(key) if near is not None else None
    if stored is None:
        stored = cache.get(key)
        if stored is not None and near is not None:
            near.set(key, stored, timeout=TIMEOUT)
    return stored


def _set(key, stored) -> None:
    cache.set(key, stored, timeout=TIMEOUT)
    near = _near()
    if near is not None:
        near.set(key, stored, timeout=TIMEOUT)


def _version(slug) -> int | None:
    """The programme's public version: one indexed row, asked on every cached request (the
    statement written out, not compiled by the ORM each time: it is most of a cached answer).

    Asked of the database the page is then read from (a read replica, if any, for anonymous
    visitors: plansicht/db_router.py says why), so a page is never older than its key."""
    with connections[router.db_for_read(Programme)].cursor() as cursor:
        cursor.execute(_VERSION_SQL, [slug])
        row = cursor.fetchone()
    return row[0] if row else None


_VERSION_SQL = f"SELECT public_version FROM {Programme._meta.db_table} WHERE slug = %s"  # noqa: S608


def _wait_for(key):
    """The page another request is rendering, once it is there (None after ``WAIT``)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        time.sleep(POLL)
        stored = _get(key)
        if stored is not None:
            return stored
    return None
