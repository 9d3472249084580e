"""The calendar Plansicht accepts, and calendar arithmetic the engine needs beyond days.

Every date a person enters lies in 1990–2100. Pure: standard library only. Budget years use
the same range. The office, the document loader, the services and the commands all check
entered dates with :func:`in_range`; dates the engine computes from them (a long chain of
durations) may lie later and are shown.
"""

from calendar import monthrange
from datetime import date

EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)


def in_range(value: date) -> bool:
    """True if ``value`` lies from EARLIEST to LATEST, both included."""
    return EARLIEST <= value <= LATEST


def add_months(d: date, n: int) -> date:
    """The same day number ``n`` months later (earlier for negative ``n``), or that month's
    last day if it has no such day: 31.01. + 1 → 28.02. (29.02. in a leap year),
    31.03. + 1 → 30.04., 15.12. + 1 → 15.01. of the next year."""
    months = d.year * 12 + (d.month - 1) + n
    year, month = divmod(months, 12)
    month += 1
    return date(year, month, min(d.day, monthrange(year, month)[1]))
