"""Every rule of a council decision's assignment, on hand-computed dates: each kind of
condition, a done date after the status date, and the four statuses at their edges."""

from datetime import date

import pytest

from plansicht.engine.assignments import (
    DONE_IN_TIME,
    DONE_LATE,
    MILESTONE,
    OPEN,
    OVERDUE,
    PLAN_VERSION,
    POSITION_STEP,
    RECORDED,
    AssignmentIn,
    AssignmentOut,
    evaluate,
    milestone_done_on,
    plan_version_done_on,
    position_step_done_on,
    recorded_done_on,
    status,
)


def d(s):
    return date.fromisoformat(s)


# The step list as the staffing app passes it in (its order, first to last).
ORDER = ("planned", "in_establishment_plan", "advertised", "selection", "offer", "filled")
DUE = d("2022-12-31")


# -- the status ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("done_on", "as_of", "expected"),
    [
        (None, d("2022-12-30"), OPEN),
        (None, d("2022-12-31"), OPEN),  # on the due date itself: still open
        (None, d("2023-01-01"), OVERDUE),  # the day after: overdue
        (d("2022-12-31"), d("2023-06-01"), DONE_IN_TIME),  # done on the due date: in time
        (d("2022-06-15"), d("2022-06-15"), DONE_IN_TIME),
        (d("2023-01-01"), d("2023-01-01"), DONE_LATE),  # one day late
        (d("2023-01-01"), d("2022-12-31"), OPEN),  # done after as_of: not done yet then
        (d("2023-02-01"), d("2023-01-15"), OVERDUE),  # done later, overdue as of then
    ],
)
def test_the_status_as_of_a_date(done_on, as_of, expected):
    assert status(DUE, done_on, as_of) == expected


# -- milestone finished ----------------------------------------------------------------------


def test_a_milestone_is_done_on_its_actual_finish():
    assert milestone_done_on(d("2024-03-15"), d("2024-03-15")) == d("2024-03-15")
    assert milestone_done_on(d("2024-03-15"), d("2024-03-14")) is None
    assert milestone_done_on(None, d("2030-01-01")) is None


def test_a_milestone_finished_after_the_due_date_is_done_late():
    item = AssignmentIn(MILESTONE, due=d("2024-03-01"), finished=d("2024-03-15"))
    assert evaluate(item, d("2024-06-01")) == AssignmentOut(d("2024-03-15"), DONE_LATE)
    assert evaluate(item, d("2024-03-10")) == AssignmentOut(None, OVERDUE)
    assert evaluate(item, d("2024-02-10")) == AssignmentOut(None, OPEN)


# -- a post reaching a hiring step -----------------------------------------------------------


def test_a_post_reaches_a_step_on_the_first_day_of_it_or_a_later_one():
    steps = [
        ("planned", d("2021-02-01")),
        ("advertised", d("2021-05-10")),
        ("selection", d("2021-07-01")),
    ]
    # in_establishment_plan was never entered: advertised (later in the list) reaches it
    assert position_step_done_on(steps, "in_establishment_plan", ORDER, d("2022-01-01")) == d(
        "2021-05-10"
    )
    assert position_step_done_on(steps, "advertised", ORDER, d("2022-01-01")) == d("2021-05-10")
    assert position_step_done_on(steps, "selection", ORDER, d("2022-01-01")) == d("2021-07-01")
    assert position_step_done_on(steps, "filled", ORDER, d("2022-01-01")) is None
    # the step counts from the day it was entered, not before
    assert position_step_done_on(steps, "advertised", ORDER, d("2021-05-09")) is None


def test_the_earliest_date_counts_and_a_step_back_does_not_undo_it():
    steps = [  # filled, the holder leaves, advertised again and filled again (in any order)
        ("filled", d("2023-04-01")),
        ("planned", d("2022-01-10")),
        ("advertised", d("2024-02-01")),
        ("filled", d("2022-11-01")),
    ]
    assert position_step_done_on(steps, "filled", ORDER, d("2025-01-01")) == d("2022-11-01")
    assert position_step_done_on(steps, "advertised", ORDER, d("2025-01-01")) == d("2022-11-01")


def test_the_step_list_is_passed_in():
    steps = [("b", d("2021-03-01")), ("a", d("2021-01-01")), ("x", d("2020-01-01"))]
    assert position_step_done_on(steps, "a", ("a", "b"), d("2021-12-31")) == d("2021-01-01")
    # with the order turned round, a comes after b: entering a reaches b, entering b not a
    assert position_step_done_on(steps, "b", ("b", "a"), d("2021-12-31")) == d("2021-01-01")
    assert position_step_done_on(steps, "a", ("b", "a"), d("2021-12-31")) == d("2021-01-01")
    assert position_step_done_on(steps[:1], "a", ("b", "a"), d("2021-12-31")) is None
    assert position_step_done_on(steps, "b", ("a", "b"), d("2021-12-31")) == d("2021-03-01")
    # a step not in the list is never reached; a step outside it ("x") takes no part
    assert position_step_done_on(steps, "z", ("a", "b"), d("2021-12-31")) is None


def test_a_post_filled_in_time_late_or_not_at_all():
    steps = (("planned", d("2021-04-01")), ("filled", d("2022-10-01")))
    in_time = AssignmentIn(
        POSITION_STEP, due=d("2022-12-31"), steps=steps, step="filled", order=ORDER
    )
    assert evaluate(in_time, d("2026-11-26")) == AssignmentOut(d("2022-10-01"), DONE_IN_TIME)
    late = AssignmentIn(POSITION_STEP, due=d("2022-09-30"), steps=steps, step="filled", order=ORDER)
    assert evaluate(late, d("2026-11-26")) == AssignmentOut(d("2022-10-01"), DONE_LATE)
    never = AssignmentIn(
        POSITION_STEP, due=d("2022-12-31"), steps=steps[:1], step="filled", order=ORDER
    )
    assert evaluate(never, d("2026-11-26")) == AssignmentOut(None, OVERDUE)


# -- a plan version approved -----------------------------------------------------------------


def test_a_plan_version_is_done_on_its_approval_date():
    assert plan_version_done_on(d("2022-06-30"), d("2022-07-01")) == d("2022-06-30")
    assert plan_version_done_on(d("2022-06-30"), d("2022-06-29")) is None
    # a version that does not exist yet
    assert plan_version_done_on(None, d("2030-01-01")) is None
    item = AssignmentIn(PLAN_VERSION, due=d("2022-06-30"), approved=d("2022-06-30"))
    assert evaluate(item, d("2022-06-30")) == AssignmentOut(d("2022-06-30"), DONE_IN_TIME)
    missing = AssignmentIn(PLAN_VERSION, due=d("2022-06-30"))
    assert evaluate(missing, d("2022-07-01")) == AssignmentOut(None, OVERDUE)


# -- recorded by the office ------------------------------------------------------------------


def test_a_recorded_assignment_is_done_on_the_date_entered():
    assert recorded_done_on(d("2023-05-05"), d("2023-05-05")) == d("2023-05-05")
    assert recorded_done_on(d("2023-05-05"), d("2023-05-04")) is None
    assert recorded_done_on(None, d("2023-05-05")) is None
    item = AssignmentIn(RECORDED, due=d("2023-05-04"), recorded=d("2023-05-05"))
    assert evaluate(item, d("2023-12-31")) == AssignmentOut(d("2023-05-05"), DONE_LATE)
    assert evaluate(item, d("2023-05-04")) == AssignmentOut(None, OPEN)


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        evaluate(AssignmentIn("vote", due=DUE), DUE)
