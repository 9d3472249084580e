"""Answer periods: when a question or a statement is due, its status as of a date, and the
figures of a set of them. The rules are published on the methodology page and implemented
here exactly:

- The period starts the day after the received date (BGB § 187 (1)).
- ``calendar_days``: due = received + N days. ``months``: due = the day of the N-th following
  month with the same number as the received day, or that month's last day if it has no such
  day (BGB § 188 (2), (3)). For both, a due date on a Saturday, a Sunday or a public holiday
  moves to the next working day (BGB § 193).
- ``working_days``: due = the N-th working day after the received date. Working days are
  Monday to Friday that are not public holidays.
- An extension is granted on a date (``on``) to a stated later date (``to``), taken as given.
  As of a date, the due date in force is the ``to`` of the last extension granted on or
  before that date, else the original due date.
- Status as of a date (an answer dated after it is ignored; an item received after it does
  not exist yet): ``withdrawn`` (withdrawn on or before it), ``open`` (no answer, due date in
  force not passed), ``overdue`` (no answer, the date is after the due date in force),
  ``answered_in_time`` (answered on or before the original due date),
  ``answered_within_extension`` (later, but on or before the extended due date),
  ``answered_late``.
- Figures leave out withdrawn items and items hidden by the moderation: counts per status;
  the share answered in time = answered in time ÷ every item that is not open, in percent
  with one decimal, rounded half up (none if nothing counts); the median of the calendar days
  from received to answer over the answered items, with one decimal (the mean of the two
  middle values for an even count; none if nothing is answered).

Pure: standard library only. Public holidays come in as a container of dates (the caller
builds it for the programme's region).
"""

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .calendar import add_months

CALENDAR_DAYS = "calendar_days"
WORKING_DAYS = "working_days"
MONTHS = "months"
KINDS = (CALENDAR_DAYS, WORKING_DAYS, MONTHS)

OPEN = "open"
OVERDUE = "overdue"
ANSWERED_IN_TIME = "answered_in_time"
ANSWERED_WITHIN_EXTENSION = "answered_within_extension"
ANSWERED_LATE = "answered_late"
WITHDRAWN = "withdrawn"
# The statuses counted in the figures, in the order they are shown.
COUNTED = (OPEN, OVERDUE, ANSWERED_IN_TIME, ANSWERED_WITHIN_EXTENSION, ANSWERED_LATE)
ANSWERED = (ANSWERED_IN_TIME, ANSWERED_WITHIN_EXTENSION, ANSWERED_LATE)

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Period:
    kind: str
    count: int

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind of period {self.kind!r}")
        if not 1 <= self.count <= 366:
            raise ValueError(f"a period counts 1 to 366, not {self.count}")


QUESTIONS_DEFAULT = Period(WORKING_DAYS, 15)
STATEMENTS_DEFAULT = Period(MONTHS, 1)


def is_working_day(day: date, holidays: Container[date]) -> bool:
    """Monday to Friday, and not a public holiday."""
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: date, holidays: Container[date]) -> date:
    """``day`` itself if it is a working day, else the next one (BGB § 193)."""
    while not is_working_day(day, holidays):
        day += ONE_DAY
    return day


def due_date(received: date, period: Period, holidays: Container[date]) -> date:
    """The original due date of an item received on ``received``."""
    if period.kind == WORKING_DAYS:
        day, left = received, period.count
        while left:
            day += ONE_DAY
            if is_working_day(day, holidays):
                left -= 1
        return day
    if period.kind == CALENDAR_DAYS:
        end = received + timedelta(days=period.count)
    else:
        end = add_months(received, period.count)
    return next_working_day(end, holidays)


@dataclass(frozen=True, slots=True)
class ItemIn:
    """One question or statement: when it came in, its original due date, its extensions as
    (granted on, extended to) in the order granted, when it was answered and withdrawn, and
    whether the moderation hid it."""

    received: date
    due: date
    extensions: Sequence[tuple[date, date]] = ()
    answered: date | None = None
    withdrawn: date | None = None
    hidden: bool = False


def due_in_force(item: ItemIn, as_of: date) -> date:
    """The due date as of ``as_of``: the last extension granted by then, else the original."""
    due = item.due
    for on, to in item.extensions:
        if on <= as_of:
            due = to
    return due


def status(item: ItemIn, as_of: date) -> str | None:
    """The item's status as of ``as_of``; None if it was received after that date."""
    if item.received > as_of:
        return None
    if item.withdrawn is not None and item.withdrawn <= as_of:
        return WITHDRAWN
    answered = item.answered if item.answered is not None and item.answered <= as_of else None
    due = due_in_force(item, as_of)
    if answered is None:
        return OVERDUE if as_of > due else OPEN
    if answered <= item.due:
        return ANSWERED_IN_TIME
    if answered <= due:
        return ANSWERED_WITHIN_EXTENSION
    return ANSWERED_LATE


@dataclass(frozen=True, slots=True)
class Figures:
    counts: dict  # status -> number of items, for every status in COUNTED
    share_answered_in_time: Decimal | None
    median_days_to_answer: Decimal | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def figures(items: Iterable[ItemIn], as_of: date) -> Figures:
    """The figures of ``items`` as of ``as_of`` (withdrawn and hidden ones left out)."""
    return tally(
        (state, (item.answered - item.received).days if state in ANSWERED else None)
        for item in items
        if not item.hidden and (state := status(item, as_of)) is not None
    )


def tally(rows: Iterable[tuple[str, int | None]]) -> Figures:
    """The figures of items given as (status, days to the answer or None): a status outside
    COUNTED takes no part; the median is over the days given."""
    counts = dict.fromkeys(COUNTED, 0)
    days = []
    for state, waited in rows:
        if state not in counts:
            continue
        counts[state] += 1
        if waited is not None:
            days.append(waited)
    decided = sum(counts.values()) - counts[OPEN]
    return Figures(
        counts,
        _one_decimal(Decimal(100 * counts[ANSWERED_IN_TIME]) / decided) if decided else None,
        _median(days),
    )


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    values = sorted(values)
    middle = len(values) // 2
    if len(values) % 2:
        return Decimal(values[middle]).quantize(Decimal("0.1"))
    return _one_decimal(Decimal(values[middle - 1] + values[middle]) / 2)
