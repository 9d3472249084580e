"""Calendar arithmetic the engine needs beyond days."""

from calendar import monthrange
from datetime import date


def add_months(d: date, n: int) -> date:
    """The same day number ``n`` months later (earlier for negative ``n``), or that month's
    last day if it has no such day: 31.01. + 1 → 28.02. (29.02. in a leap year),
    31.03. + 1 → 30.04., 15.12. + 1 → 15.01. of the next year."""
    months = d.year * 12 + (d.month - 1) + n
    year, month = divmod(months, 12)
    month += 1
    return date(year, month, min(d.day, monthrange(year, month)[1]))
