"""One clock for the whole app: what "now" and "today" are.

Normally the system clock in the site's time zone. ``at(moment)`` overrides both for the code
inside it (one thread or task: a context variable), so a past change can be replayed as of
its own date — the demo's history is written this way.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time

from django.utils import timezone

_moment: ContextVar[datetime | None] = ContextVar("plansicht_clock", default=None)


def now() -> datetime:
    """The current moment, time-zone aware."""
    moment = _moment.get()
    return moment if moment is not None else timezone.now()


def today() -> date:
    """Today in the site's time zone."""
    return timezone.localdate(now())


def overridden() -> bool:
    """True inside ``at()``."""
    return _moment.get() is not None


@contextmanager
def at(moment: date | datetime):
    """Make ``now()`` and ``today()`` answer ``moment`` inside the block. A date means noon
    of that day in the site's time zone; a naive datetime is taken in the site's time zone."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(12))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    token = _moment.set(moment)
    try:
        yield moment
    finally:
        _moment.reset(token)
