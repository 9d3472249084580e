"""The calendar Plansicht accepts: every date a person enters lies in 1990–2100.

Pure: standard library only. Budget years use the same range. The office, the document
loader, the services and the commands all check entered dates with :func:`in_range`; dates
the engine computes from them (a long chain of durations) may lie later and are shown.
"""

from datetime import date

EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)


def in_range(value: date) -> bool:
    """True if ``value`` lies from EARLIEST to LATEST, both included."""
    return EARLIEST <= value <= LATEST
