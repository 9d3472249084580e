"""/healthz: whether this web node can serve, for load balancers and monitoring.

200 while the database and the cache answer, 503 when either fails; the body names each
check. The task worker's state is reported but never makes the answer 503: the load balancer
asks whether *this web node* can serve pages, and a stopped worker only delays mails,
reports and large imports, which every web node would share alike — taking all of them out
of rotation for it would turn a late mail into an outage. Monitoring alerts on
``"worker": "stale"`` or ``"absent"`` instead.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from plansicht import __version__

from .heartbeat import worker_state


def database_answers() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def cache_answers() -> bool:
    """Write and read back a random value: a cache that only accepts writes (or drops them)
    fails too."""
    key = "plansicht:healthz"
    value = secrets.token_hex(8)
    try:
        cache = caches["default"]
        cache.set(key, value, timeout=30)
        return cache.get(key) == value
    except Exception:
        return False


@never_cache
@require_safe
def healthz(request):
    database = database_answers()
    cache = cache_answers()
    body = {
        "status": "ok" if database and cache else "fail",
        "database": "ok" if database else "fail",
        "cache": "ok" if cache else "fail",
        "worker": "unknown",  # the heartbeat is in the database
        "worker_last_beat": None,
        "version": __version__,
    }
    if database:
        stale_after = timedelta(minutes=settings.HEALTHZ_WORKER_STALE_MINUTES)
        try:
            body["worker"], newest = worker_state(stale_after)
        except Exception:  # e.g. the table is missing before `migrate`
            newest = None
        if newest is not None:
            body["worker_last_beat"] = newest.last_beat.isoformat()
    response = JsonResponse(body, status=200 if database and cache else 503)
    return response
