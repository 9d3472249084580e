"""Whether a council decision's assignment (Auftrag) is done, and its status, as of a date.

The rules (published on the methodology page), for a status date ``as_of``:

- An assignment asks for one thing the data can check, or that the office records:

  - ``milestone``: a milestone finished — done on its actual finish;
  - ``position_step``: a post reached a hiring step — done on the earliest date on which a
    step at or after that one in the step list was entered (a post filled counts as having
    been advertised; a holder leaving later does not undo it);
  - ``plan_version``: a plan version approved — done on its approval date (a version that
    does not exist yet is simply not done);
  - ``recorded``: what the data cannot check — done on the date the office entered.

- A done date after ``as_of`` is ignored: as of then the assignment was not done.
- Status: ``done_in_time`` if done on or before the due date, ``done_late`` if done after it;
  not done: ``overdue`` once ``as_of`` is after the due date, else ``open``.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

MILESTONE = "milestone"
POSITION_STEP = "position_step"
PLAN_VERSION = "plan_version"
RECORDED = "recorded"
KINDS = (MILESTONE, POSITION_STEP, PLAN_VERSION, RECORDED)

OPEN = "open"
OVERDUE = "overdue"
DONE_IN_TIME = "done_in_time"
DONE_LATE = "done_late"
STATUSES = (OPEN, OVERDUE, DONE_IN_TIME, DONE_LATE)
DONE = (DONE_IN_TIME, DONE_LATE)


def _by(value: date | None, as_of: date) -> date | None:
    """``value`` if it lies on or before ``as_of``, else None (not done yet then)."""
    return value if value is not None and value <= as_of else None


def milestone_done_on(actual_finish: date | None, as_of: date) -> date | None:
    return _by(actual_finish, as_of)


def position_step_done_on(
    steps: Iterable[tuple[str, date]], step: str, order: Sequence[str], as_of: date
) -> date | None:
    """The earliest date on which a step at or after ``step`` in ``order`` (the step list,
    from first to last) was entered, if that lies on or before ``as_of``. Steps not in
    ``order`` take no part; an unknown ``step`` is never reached."""
    if step not in order:
        return None
    rank = {name: i for i, name in enumerate(order)}
    wanted = rank[step]
    reached = [on for name, on in steps if name in rank and rank[name] >= wanted]
    return _by(min(reached), as_of) if reached else None


def plan_version_done_on(approved_on: date | None, as_of: date) -> date | None:
    """``approved_on``: the approval date of the version named, None if it does not exist."""
    return _by(approved_on, as_of)


def recorded_done_on(recorded_on: date | None, as_of: date) -> date | None:
    return _by(recorded_on, as_of)


def status(due: date, done_on: date | None, as_of: date) -> str:
    """The status as of ``as_of`` of an assignment due on ``due`` and done on ``done_on``
    (None: not done; a date after ``as_of`` counts as not done)."""
    done_on = _by(done_on, as_of)
    if done_on is not None:
        return DONE_IN_TIME if done_on <= due else DONE_LATE
    return OVERDUE if as_of > due else OPEN


@dataclass(frozen=True, slots=True)
class AssignmentIn:
    """One assignment with the facts its kind reads; the others stay empty.

    ``finished``: the milestone's actual finish; ``steps`` (step, date entered), ``step`` and
    ``order``: the post's hiring steps, the step asked for and the step list; ``approved``:
    the approval date of the plan version named (None if it does not exist); ``recorded``:
    the date the office entered."""

    kind: str
    due: date
    finished: date | None = None
    steps: tuple[tuple[str, date], ...] = ()
    step: str | None = None
    order: tuple[str, ...] = ()
    approved: date | None = None
    recorded: date | None = None


@dataclass(frozen=True, slots=True)
class AssignmentOut:
    done_on: date | None
    status: str


def done_on(item: AssignmentIn, as_of: date) -> date | None:
    if item.kind == MILESTONE:
        return milestone_done_on(item.finished, as_of)
    if item.kind == POSITION_STEP:
        return position_step_done_on(item.steps, item.step or "", item.order, as_of)
    if item.kind == PLAN_VERSION:
        return plan_version_done_on(item.approved, as_of)
    if item.kind == RECORDED:
        return recorded_done_on(item.recorded, as_of)
    raise ValueError(f"unknown kind of assignment {item.kind!r}")


def evaluate(item: AssignmentIn, as_of: date) -> AssignmentOut:
    """The done date and the status of ``item`` as of ``as_of``."""
    done = done_on(item, as_of)
    return AssignmentOut(done, status(item.due, done, as_of))
