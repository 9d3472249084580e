"""How often questions and statements may be sent: at most a few an hour per account and per
client address, so that a script cannot flood a programme's page. No third-party service: the
times of the last submissions are kept in Django's cache, for one hour."""

import hashlib
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from plansicht.accounts.throttle import client_ip

WINDOW = timedelta(hours=1)
PER_ACCOUNT = 5
PER_ADDRESS = 20  # several people may share one address (an office, a school)


def _counters(request) -> list[tuple[str, int]]:
    counters = [(f"plansicht:submissions:user:{request.user.pk}", PER_ACCOUNT)]
    address = client_ip(request)
    if address:
        digest = hashlib.sha256(address.encode()).hexdigest()  # no address kept in the cache
        counters.append((f"plansicht:submissions:address:{digest}", PER_ADDRESS))
    return counters


def _recent(key, now) -> list[float]:
    start = (now - WINDOW).timestamp()
    return [t for t in cache.get(key, []) if t > start]


def free_at(request) -> datetime | None:
    """When this request's account and address may send again; None if they may now."""
    now = timezone.now()
    latest = None
    for key, limit in _counters(request):
        times = _recent(key, now)
        if len(times) >= limit:
            # free once enough of the hour's submissions have aged out
            free = datetime.fromtimestamp(times[-limit], tz=UTC) + WINDOW
            latest = free if latest is None or free > latest else latest
    return latest


def count(request):
    """Count a submission against this request's account and address."""
    now = timezone.now()
    for key, limit in _counters(request):
        times = [*_recent(key, now), now.timestamp()][-limit:]
        cache.set(key, times, int(WINDOW.total_seconds()))
