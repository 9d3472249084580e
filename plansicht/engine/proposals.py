"""Proposals: when one reaches its threshold of supports, when it must be decided, and its
status as of a date. The rules are the answer periods' (``periods``), counted from the day
the threshold was reached:

- Only current supports count (a withdrawn support is gone): as of a date, the supports
  dated on or before it; the threshold is reached on the date of the support that made the
  count reach it (the N-th date in date order), else not.
- Reached: the original due date is the answer period counted from that day
  (``periods.due_date``); extensions move it as for questions. Below the threshold a proposal
  has no due date.
- Decided: the first decision on or before the date whose status is neither ``submitted``
  nor ``under_review``.
- Status as of a date: ``withdrawn`` once the proposer withdrew it (it takes no part in the
  figures); ``below_threshold`` while the threshold is not reached and nothing was decided
  (no part in the figures either); a proposal decided before it reached the threshold, or
  without reaching it, ``answered_in_time``; otherwise the statuses of questions: ``open``,
  ``overdue``, ``answered_in_time``, ``answered_within_extension``, ``answered_late``, with
  the decision as the answer.
- Figures as for questions; the median counts the days from reaching the threshold to the
  decision, over the proposals decided on or after the day they reached it.

Pure: standard library only."""

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from . import periods

SUBMITTED = "submitted"
UNDER_REVIEW = "under_review"
TAKEN_INTO_PLAN = "taken_into_plan"
PARTLY_TAKEN = "partly_taken"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
STATUSES = (SUBMITTED, UNDER_REVIEW, TAKEN_INTO_PLAN, PARTLY_TAKEN, DECLINED, WITHDRAWN)
UNDECIDED = (SUBMITTED, UNDER_REVIEW)
# The statuses that take a proposal up: the office names what took it up.
TAKEN = (TAKEN_INTO_PLAN, PARTLY_TAKEN)

BELOW_THRESHOLD = "below_threshold"


@dataclass(frozen=True, slots=True)
class ProposalIn:
    """One proposal: when it came in, the dates of its current supports, its decisions as
    (on, status) in date order, its extensions as (granted on, extended to) in the order
    granted, and whether the moderation hid it."""

    received: date
    supports: Sequence[date] = ()
    decisions: Sequence[tuple[date, str]] = ()
    extensions: Sequence[tuple[date, date]] = ()
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class State:
    supports: int
    threshold_reached: date | None
    original_due: date | None
    due: date | None
    decided: date | None
    status: str


def threshold_reached(supports: Iterable[date], threshold: int, as_of: date) -> date | None:
    """The date of the support that made the count of supports dated by ``as_of`` reach
    ``threshold``; None if they are fewer."""
    days = sorted(day for day in supports if day <= as_of)
    return days[threshold - 1] if len(days) >= threshold >= 1 else None


def state(
    item: ProposalIn,
    threshold: int,
    period: periods.Period,
    holidays: Container[date],
    as_of: date,
) -> State | None:
    """The proposal as of ``as_of``; None if it was received after that date."""
    if item.received > as_of:
        return None
    supports = sum(1 for day in item.supports if day <= as_of)
    reached = threshold_reached(item.supports, threshold, as_of)
    original_due = due = None
    engine_item = None
    if reached is not None:
        original_due = periods.due_date(reached, period, holidays)
        engine_item = periods.ItemIn(
            received=reached, due=original_due, extensions=tuple(item.extensions)
        )
        due = periods.due_in_force(engine_item, as_of)
    decided = None
    withdrawn = False
    for on, status in item.decisions:
        if on > as_of:
            continue
        if status == WITHDRAWN:
            withdrawn = True
        if decided is None and status not in UNDECIDED:
            decided = on
    if withdrawn:
        status = periods.WITHDRAWN
    elif decided is None:
        if reached is None:
            status = BELOW_THRESHOLD
        else:
            status = periods.OVERDUE if as_of > due else periods.OPEN
    elif reached is None or decided < reached:
        status = periods.ANSWERED_IN_TIME
    else:
        answered = periods.ItemIn(
            received=reached, due=original_due, extensions=tuple(item.extensions), answered=decided
        )
        status = periods.status(answered, as_of)
    return State(supports, reached, original_due, due, decided, status)


def days_to_decision(current: State) -> int | None:
    """The calendar days from reaching the threshold to the decision, for a proposal decided
    on or after the day it reached it; None otherwise."""
    if current.status not in periods.ANSWERED or current.threshold_reached is None:
        return None
    if current.decided is None or current.decided < current.threshold_reached:
        return None
    return (current.decided - current.threshold_reached).days


def figures(states: Iterable[tuple[State, bool]]) -> periods.Figures:
    """The figures of proposals given as (state, hidden): as for questions, hidden,
    withdrawn and below-threshold ones left out."""
    return periods.tally(
        (current.status, days_to_decision(current))
        for current, hidden in states
        if current is not None and not hidden
    )
