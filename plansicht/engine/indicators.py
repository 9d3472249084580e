"""Indicators of a measure: the latest actual value as of a date and the progress from the
baseline towards the target. The rules are published on the methodology page and implemented
here exactly:

- A value is a decimal written as text: an optional minus, digits, and optionally a point
  with one to four digits (``"70"``, ``"12.50"``, ``"-3.5"``). It is kept as written; only the
  arithmetic reads it as a number.
- The latest actual as of a date is the one dated latest on or before that date; of two on
  the same date, the later one in the given order (document order). An actual dated after
  the date is ignored.
- progress_percent = (latest − baseline) / (target − baseline) × 100, computed exactly and
  rounded once to one decimal, half up (away from zero on a tie, as ``ROUND_HALF_UP``). A
  falling target works the same way (processing time 30 → 10 days, actual 18: 60.0). The
  value may be below 0 (worse than the baseline) or above 100 (beyond the target). None
  without an actual, or when the target equals the baseline (no way to measure progress).

Pure: standard library only.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

# Digits before the point: at most 15, so that every value fits its column (21 characters).
VALUE_PATTERN = r"^-?\d{1,15}(\.\d{1,4})?$"
VALUE_LENGTH = 21
_VALUE = re.compile(VALUE_PATTERN, re.ASCII)


def is_value(text) -> bool:
    """Whether ``text`` is a value as written: ``"70"``, ``"12.50"``, ``"-0.5"``."""
    return isinstance(text, str) and _VALUE.fullmatch(text) is not None


def number(text: str) -> Fraction:
    """A value as an exact number; ValueError if it is not written as a value."""
    if not is_value(text):
        raise ValueError(f"{text!r} is not a value like 70 or 12.50")
    return Fraction(text)


@dataclass(frozen=True)
class Actual:
    on: date
    value: str  # as written


def latest_index(dates: Sequence[date], as_of: date) -> int | None:
    """The position of the date latest on or before ``as_of``; of equal dates the later."""
    latest = None
    for i, on in enumerate(dates):
        if on <= as_of and (latest is None or on >= dates[latest]):
            latest = i
    return latest


def latest_actual(actuals: Sequence[Actual], as_of: date) -> Actual | None:
    """The actual dated latest on or before ``as_of``; on the same date the later in order."""
    i = latest_index([a.on for a in actuals], as_of)
    return actuals[i] if i is not None else None


def progress_percent(baseline: str, target: str, latest: str | None) -> Decimal | None:
    """(latest − baseline) / (target − baseline) × 100, one decimal, half up; None without a
    latest value or when the target equals the baseline."""
    if latest is None:
        return None
    start, goal = number(baseline), number(target)
    if goal == start:
        return None
    exact = (number(latest) - start) * 100 / (goal - start)
    return round_half_up(exact)


def round_half_up(exact: Fraction) -> Decimal:
    """``exact`` to one decimal, a tie away from zero; the result has exactly one decimal."""
    tenths = abs(exact) * 10
    rounded = int(tenths + Fraction(1, 2))  # floor: tenths is not negative
    if exact < 0:
        rounded = -rounded
    return Decimal(rounded).scaleb(-1)


@dataclass(frozen=True)
class Status:
    latest: Actual | None
    progress_percent: Decimal | None


def status(baseline: str, target: str, actuals: Sequence[Actual], as_of: date) -> Status:
    """The latest actual as of ``as_of`` and the progress it makes."""
    latest = latest_actual(actuals, as_of)
    return Status(
        latest, progress_percent(baseline, target, latest.value if latest is not None else None)
    )
