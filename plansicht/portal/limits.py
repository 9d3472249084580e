"""How often participants may send texts and anyone may send reports: at most a few an hour
per account and per client address, so that a script cannot flood a programme's pages or its
moderation. No third-party service: the times of the last sendings are kept in Django's cache,
for one hour.

Three counters, each on its own: questions and statements (``SUBMISSIONS``), comments and
replies (``COMMENTS``, with the same limits: a participant who asked five questions may still
comment), and reports to the moderation (``REPORTS``, by address only, since visitors without
an account report too).
"""

import hashlib
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from plansicht.accounts.throttle import client_ip

WINDOW = timedelta(hours=1)
PER_ACCOUNT = 5
PER_ADDRESS = 20  # several people may share one address (an office, a school)
REPORTS_PER_ADDRESS = 10

SUBMISSIONS = "submissions"
COMMENTS = "comments"
REPORTS = "reports"


def _limits(what) -> tuple[int | None, int]:
    """(per account or None, per address) of a counter, read when used (tests lower them)."""
    if what == REPORTS:
        return None, REPORTS_PER_ADDRESS
    return PER_ACCOUNT, PER_ADDRESS


def _counters(request, what) -> list[tuple[str, int]]:
    per_account, per_address = _limits(what)
    counters = []
    if per_account is not None and request.user.is_authenticated:
        counters.append((f"plansicht:{what}:user:{request.user.pk}", per_account))
    address = client_ip(request)
    if address:
        digest = hashlib.sha256(address.encode()).hexdigest()  # no address kept in the cache
        counters.append((f"plansicht:{what}:address:{digest}", per_address))
    return counters


def _recent(key, now) -> list[float]:
    start = (now - WINDOW).timestamp()
    return [t for t in cache.get(key, []) if t > start]


def free_at(request, what=SUBMISSIONS) -> datetime | None:
    """When this request's account and address may send again; None if they may now."""
    now = timezone.now()
    latest = None
    for key, limit in _counters(request, what):
        times = _recent(key, now)
        if len(times) >= limit:
            # free once enough of the hour's sendings have aged out
            free = datetime.fromtimestamp(times[-limit], tz=UTC) + WINDOW
            latest = free if latest is None or free > latest else latest
    return latest


def count(request, what=SUBMISSIONS):
    """Count a sending against this request's account and address."""
    now = timezone.now()
    for key, limit in _counters(request, what):
        times = [*_recent(key, now), now.timestamp()][-limit:]
        cache.set(key, times, int(WINDOW.total_seconds()))
