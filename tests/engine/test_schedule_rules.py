"""Every forecast rule of the engine, on small hand-computed plans."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from plansicht.engine.health import Thresholds, health, percent
from plansicht.engine.hiring import PositionIn
from plansicht.engine.schedule import (
    CycleError,
    DependencyIn,
    MeasureIn,
    MilestoneIn,
    PlanVersionIn,
    cycle_members,
    forecast,
)

AS_OF = date(2025, 6, 1)


def d(s):
    return date.fromisoformat(s)


def ms(key, start, duration, **kw):
    return MilestoneIn(key=key, planned_start=d(start), duration_days=duration, **kw)


def run(milestones, deps=(), as_of=AS_OF, **kw):
    return forecast(milestones, deps, as_of=as_of, **kw)


def test_a_milestone_finishes_duration_days_after_its_start():
    r = run([ms("A", "2025-07-01", 30)]).milestones["A"]
    assert (r.start, r.finish) == (d("2025-07-01"), d("2025-07-31"))


def test_a_zero_duration_milestone_is_a_point_in_time():
    r = run([ms("A", "2025-07-01", 0)]).milestones["A"]
    assert r.start == r.finish == d("2025-07-01")


def test_a_not_started_milestone_cannot_start_before_the_status_date():
    r = run([ms("A", "2025-01-10", 10)]).milestones["A"]
    assert (r.start, r.finish) == (AS_OF, AS_OF + timedelta(days=10))


def test_finish_to_start_waits_for_the_predecessor_finish_plus_lag():
    f = run(
        [ms("A", "2025-07-01", 30), ms("B", "2025-07-01", 5)],
        [DependencyIn("A", "B", "FS", 3)],
    )
    assert f.milestones["B"].start == d("2025-08-03")
    assert f.milestones["B"].finish == d("2025-08-08")


def test_start_to_start_waits_for_the_predecessor_start_plus_lag():
    f = run(
        [ms("A", "2025-07-01", 30), ms("B", "2025-07-01", 5)],
        [DependencyIn("A", "B", "SS", 10)],
    )
    assert f.milestones["B"].start == d("2025-07-11")


def test_a_negative_lag_lets_the_successor_overlap():
    f = run(
        [ms("A", "2025-07-01", 30), ms("B", "2025-07-01", 5)],
        [DependencyIn("A", "B", "FS", -10)],
    )
    assert f.milestones["B"].start == d("2025-07-21")


def test_the_planned_start_wins_when_it_is_later_than_every_predecessor():
    f = run(
        [ms("A", "2025-07-01", 5), ms("B", "2025-09-01", 5)],
        [DependencyIn("A", "B")],
    )
    assert f.milestones["B"].start == d("2025-09-01")


def test_the_latest_of_several_predecessors_sets_the_start():
    f = run(
        [ms("A", "2025-07-01", 5), ms("B", "2025-07-01", 50), ms("C", "2025-07-01", 1)],
        [DependencyIn("A", "C"), DependencyIn("B", "C", "FS", 1)],
    )
    assert f.milestones["C"].start == d("2025-08-21")


def test_a_started_milestone_keeps_its_actual_start_whatever_its_predecessors_do():
    f = run(
        [
            ms("A", "2025-07-01", 30),
            ms("B", "2025-03-01", 200, actual_start=d("2025-03-05")),
        ],
        [DependencyIn("A", "B")],
    )
    assert f.milestones["B"].start == d("2025-03-05")
    assert f.milestones["B"].finish == d("2025-09-21")
    assert f.milestones["B"].started


def test_a_finished_milestone_finishes_on_its_actual_finish():
    r = run(
        [ms("A", "2025-01-01", 100, actual_start=d("2025-01-03"), actual_finish=d("2025-02-01"))]
    ).milestones["A"]
    assert (r.start, r.finish, r.finished) == (d("2025-01-03"), d("2025-02-01"), True)


def test_an_unfinished_started_milestone_cannot_finish_before_the_status_date():
    r = run([ms("A", "2025-01-01", 10, actual_start=d("2025-01-01"))]).milestones["A"]
    assert r.finish == AS_OF


def test_an_expected_finish_delays_the_forecast():
    r = run([ms("A", "2025-07-01", 10, expected_finish=d("2025-09-01"))]).milestones["A"]
    assert r.finish == d("2025-09-01")


def test_an_expected_finish_never_makes_the_forecast_earlier():
    r = run([ms("A", "2025-07-01", 60, expected_finish=d("2025-07-05"))]).milestones["A"]
    assert r.finish == d("2025-08-30")


def test_an_expected_finish_does_not_move_an_actual_finish():
    r = run(
        [
            ms(
                "A",
                "2025-01-01",
                10,
                actual_start=d("2025-01-01"),
                actual_finish=d("2025-01-20"),
                expected_finish=d("2025-12-31"),
            )
        ]
    ).milestones["A"]
    assert r.finish == d("2025-01-20")


def test_actual_dates_after_the_status_date_are_ignored():
    m = ms("A", "2025-01-01", 10, actual_start=d("2025-05-01"), actual_finish=d("2025-07-01"))
    # Known on 1 June: started, not finished.
    r = run([m]).milestones["A"]
    assert (r.start, r.finish, r.started, r.finished) == (
        d("2025-05-01"),
        d("2025-06-01"),
        True,
        False,
    )
    # Known on 1 April: not even started.
    r = run([m], as_of=d("2025-04-01")).milestones["A"]
    assert (r.start, r.finish, r.started) == (d("2025-04-01"), d("2025-04-11"), False)


def test_a_successor_waits_for_an_actual_finish():
    f = run(
        [
            ms("A", "2025-01-01", 10, actual_start=d("2025-01-01"), actual_finish=d("2025-08-01")),
            ms("B", "2025-01-01", 10),
        ],
        [DependencyIn("A", "B")],
        as_of=d("2025-09-01"),
    )
    assert f.milestones["B"].start == d("2025-09-01")  # as_of is later than A's finish
    f = run(
        [
            ms("A", "2025-01-01", 10, actual_start=d("2025-01-01"), actual_finish=d("2025-08-01")),
            ms("B", "2025-01-01", 10),
        ],
        [DependencyIn("A", "B", "FS", 60)],
        as_of=d("2025-09-01"),
    )
    assert f.milestones["B"].start == d("2025-09-30")


def test_a_delay_flows_down_a_chain():
    f = run(
        [
            ms("A", "2025-07-01", 10, expected_finish=d("2025-08-31")),
            ms("B", "2025-07-11", 10),
            ms("C", "2025-07-21", 10),
        ],
        [DependencyIn("A", "B"), DependencyIn("B", "C")],
    )
    assert f.milestones["C"].finish == d("2025-09-20")


def test_dependencies_on_unknown_milestones_such_as_drafts_are_ignored():
    f = run([ms("B", "2025-07-01", 5)], [DependencyIn("DRAFT", "B", "FS", 100)])
    assert f.milestones["B"].start == d("2025-07-01")


# -- slips against plan versions ---------------------------------------------------------


V1 = PlanVersionIn(1, d("2020-09-01"), {"A": d("2025-06-30"), "B": d("2025-07-31")})
V2 = PlanVersionIn(2, d("2022-06-30"), {"A": d("2025-07-20")})
V3_LATER = PlanVersionIn(3, d("2025-12-01"), {"A": d("2026-01-01"), "B": d("2026-01-01")})


def test_slip_is_measured_against_the_current_version_and_the_original_one():
    f = run(
        [ms("A", "2025-07-01", 30), ms("B", "2025-07-01", 40)],
        plan_versions=[V1, V2, V3_LATER],
    )
    a, b = f.milestones["A"], f.milestones["B"]
    assert f.current_version == 2 and f.original_version == 1
    assert (a.finish, a.baseline_finish, a.slip_days) == (d("2025-07-31"), d("2025-07-20"), 11)
    assert (a.original_finish, a.original_slip_days) == (d("2025-06-30"), 31)
    # B is not in the current version: no slip against it, but a slip against the original.
    assert b.slip_days is None and b.health is None
    assert b.original_slip_days == 10  # 10.08. against 31.07.


def test_a_version_approved_after_the_status_date_is_not_yet_current():
    f = run([ms("A", "2025-07-01", 30)], plan_versions=[V1, V2, V3_LATER])
    assert f.current_version == 2
    f = run([ms("A", "2025-07-01", 30)], plan_versions=[V1, V2, V3_LATER], as_of=d("2025-12-01"))
    assert f.current_version == 3


def test_without_an_approved_version_there_is_no_slip():
    f = run([ms("A", "2025-07-01", 30)], plan_versions=[V1], as_of=d("2020-01-01"))
    r = f.milestones["A"]
    assert f.current_version is None
    assert (r.slip_days, r.original_slip_days, r.health) == (None, None, None)
    assert f.programme.slip_days is None and f.programme.health is None


def test_a_milestone_ahead_of_plan_has_a_negative_slip_and_is_green():
    f = run([ms("A", "2025-06-01", 10)], plan_versions=[V1])
    assert f.milestones["A"].slip_days == -19
    assert f.milestones["A"].health == "green"


@pytest.mark.parametrize(
    ("slip", "expected"),
    [
        (-5, "green"),
        (0, "green"),
        (30, "green"),
        (31, "amber"),
        (90, "amber"),
        (91, "red"),
        (None, None),
    ],
)
def test_health_follows_the_thresholds(slip, expected):
    assert health(slip, Thresholds(30, 90)) == expected


def test_health_uses_the_programme_thresholds():
    assert health(10, Thresholds(5, 20)) == "amber"
    assert health(21, Thresholds(5, 20)) == "red"
    assert health(0, Thresholds(0, 0)) == "green"
    assert health(1, Thresholds(0, 0)) == "red"


# -- measures and the programme -------------------------------------------------------------


def test_a_measure_covers_its_whole_subtree():
    measures = [
        MeasureIn("M1"),
        MeasureIn("M1.1", "M1"),
        MeasureIn("M1.1.1", "M1.1"),
        MeasureIn("M2"),
    ]
    milestones = [
        ms("a", "2025-07-01", 10, measure="M1"),  # finish 07-11, plan 07-11
        ms("b", "2025-07-01", 100, measure="M1.1.1"),  # finish 10-09, plan 09-09
        ms("c", "2025-07-01", 200, measure="M2"),  # finish 2026-01-17, not in plan
    ]
    plan = PlanVersionIn(1, d("2020-01-01"), {"a": d("2025-07-11"), "b": d("2025-09-09")})
    f = run(milestones, measures=measures, plan_versions=[plan])
    m1, m11, m111, m2 = (f.measures[k] for k in ("M1", "M1.1", "M1.1.1", "M2"))
    assert m1.forecast_finish == d("2025-10-09") and m1.baseline_finish == d("2025-09-09")
    assert m1.slip_days == 30 and m1.health == "green"
    assert m1.milestone_count == 2
    assert m11.forecast_finish == m111.forecast_finish == d("2025-10-09")
    assert m11.slip_days == 30
    assert m2.slip_days is None and m2.health is None
    # The programme: latest finish of all against the latest planned finish of those planned.
    assert f.programme.forecast_finish == d("2026-01-17")
    assert f.programme.baseline_finish == d("2025-09-09")
    assert f.programme.slip_days == 130 and f.programme.health == "red"


def test_a_measure_slip_compares_its_latest_forecast_with_its_latest_planned_finish():
    # The late milestone is not the one that finishes last in the plan.
    measures = [MeasureIn("M")]
    milestones = [
        ms("early", "2025-07-01", 60, measure="M", expected_finish=d("2025-12-31")),
        ms("last", "2025-07-01", 120, measure="M"),
    ]
    plan = PlanVersionIn(1, d("2020-01-01"), {"early": d("2025-08-30"), "last": d("2025-10-29")})
    f = run(milestones, measures=measures, plan_versions=[plan])
    assert f.measures["M"].slip_days == (d("2025-12-31") - d("2025-10-29")).days == 63
    assert f.measures["M"].health == "amber"


def test_percent_complete_is_weighted_by_duration_with_finished_counting_100():
    measures = [MeasureIn("M")]
    milestones = [
        ms(
            "a",
            "2025-01-01",
            10,
            measure="M",
            actual_start=d("2025-01-01"),
            actual_finish=d("2025-01-11"),
            progress=40,
        ),  # finished: counts 100, weight 10
        ms("b", "2025-07-01", 30, measure="M", progress=50),  # weight 30
        ms("c", "2025-07-01", 0, measure="M", progress=0),  # weight 1 (max(0, 1))
    ]
    f = run(milestones, measures=measures)
    # (10*100 + 30*50 + 1*0) / 41 = 60.975... -> 61.0
    assert f.measures["M"].percent_complete == Decimal("61.0")
    assert f.programme.percent_complete == Decimal("61.0")


def test_a_finish_after_the_status_date_does_not_count_as_100_percent():
    milestones = [
        ms(
            "a",
            "2025-01-01",
            10,
            actual_start=d("2025-01-01"),
            actual_finish=d("2025-12-01"),
            progress=30,
        )
    ]
    assert run(milestones).programme.percent_complete == Decimal("30.0")


def test_percent_rounds_half_up_to_one_decimal():
    assert percent(1, 8) == Decimal("0.1")  # 0.125 -> 0.1
    assert percent(25, 200) == Decimal("0.1")  # 0.125 % is 0.125 -> 0.1
    assert percent(1, 16) == Decimal("0.1")  # 0.0625 -> 0.1
    assert percent(3, 80) == Decimal("0.0")  # 0.0375 -> 0.0
    assert percent(5, 100) == Decimal("0.1")  # 0.05 -> 0.1 (half up)
    assert percent(2, 3) == Decimal("0.7")
    assert percent(0, 0) is None


def test_a_measure_without_milestones_has_no_figures():
    f = run([], measures=[MeasureIn("M")])
    m = f.measures["M"]
    assert (m.forecast_finish, m.slip_days, m.health, m.percent_complete, m.milestone_count) == (
        None,
        None,
        None,
        None,
        0,
    )


# -- cycles ---------------------------------------------------------------------------------


def test_a_cycle_names_every_milestone_on_it_and_none_behind_it():
    milestones = [ms(k, "2025-07-01", 1) for k in "ABCDEF"]
    deps = [
        DependencyIn("A", "B"),
        DependencyIn("B", "C"),
        DependencyIn("C", "A"),  # cycle A-B-C
        DependencyIn("C", "D"),  # D is merely behind the cycle
        DependencyIn("E", "E"),  # E waits for itself
        DependencyIn("F", "A"),  # F is before the cycle
    ]
    with pytest.raises(CycleError) as e:
        run(milestones, deps)
    assert e.value.keys == ["A", "B", "C", "E"]


def test_two_separate_cycles_are_both_named():
    keys = ["A", "B", "C", "D", "X"]
    pairs = [("A", "B"), ("B", "A"), ("C", "D"), ("D", "C"), ("B", "X"), ("X", "C")]
    assert cycle_members(keys, pairs) == ["A", "B", "C", "D"]


def test_cycle_members_of_an_acyclic_graph_is_empty():
    assert cycle_members(["A", "B", "C"], [("A", "B"), ("A", "C"), ("B", "C")]) == []


def test_a_duplicate_milestone_key_is_an_error():
    with pytest.raises(ValueError, match="twice"):
        run([ms("A", "2025-07-01", 1), ms("A", "2025-07-01", 2)])


def test_a_start_pushed_by_a_predecessor_names_that_predecessor():
    f = run(
        [ms("A", "2025-07-01", 30), ms("B", "2025-07-01", 20), ms("C", "2025-07-05", 5)],
        [DependencyIn("A", "C", "FS", 0), DependencyIn("B", "C", "SS", 10)],
    )
    # A finishes 31.07., B starts 01.07. + 10 = 11.07.: A's finish binds C.
    assert (f.milestones["C"].start, f.milestones["C"].driver) == (d("2025-07-31"), "A")
    assert f.milestones["C"].driver_position is None


def test_a_start_to_start_predecessor_is_named_when_its_start_binds():
    f = run(
        [ms("A", "2025-07-01", 30), ms("B", "2025-07-01", 5)],
        [DependencyIn("A", "B", "SS", 10)],
    )
    assert (f.milestones["B"].start, f.milestones["B"].driver) == (d("2025-07-11"), "A")


def test_no_driver_when_the_own_dates_the_status_date_or_an_actual_start_set_the_start():
    f = run(
        [
            ms("A", "2025-07-01", 30),
            ms("B", "2025-09-01", 5),  # its planned start is later than A's finish
            ms("C", "2025-01-10", 10),  # as_of sets its start
            ms("D", "2025-07-01", 10, actual_start=d("2025-05-20")),
        ],
        [DependencyIn("A", "B"), DependencyIn("A", "D")],
    )
    assert [f.milestones[k].driver for k in "ABCD"] == [None] * 4


def test_no_driver_when_the_expected_finish_and_not_the_start_sets_the_finish():
    f = run(
        [ms("A", "2025-07-01", 30), ms("B", "2025-07-01", 5, expected_finish=d("2025-12-31"))],
        [DependencyIn("A", "B")],
    )
    assert f.milestones["B"].finish == d("2025-12-31")
    assert f.milestones["B"].driver is None


def test_a_start_held_up_by_a_vacant_post_names_the_post():
    f = run(
        [ms("A", "2025-06-15", 30, requires=("CDO",))],
        positions=[PositionIn("CDO", [("advertised", d("2025-05-01"))])],
    )
    a = f.milestones["A"]
    assert a.start > d("2025-06-15")
    assert (a.driver, a.driver_position) == (None, "CDO")


def test_a_predecessor_later_than_the_post_is_the_driver():
    f = run(
        [ms("P", "2025-06-01", 400), ms("A", "2025-06-15", 30, requires=("CDO",))],
        [DependencyIn("P", "A")],
        positions=[PositionIn("CDO", [("advertised", d("2025-05-01"))])],
    )
    assert (f.milestones["A"].driver, f.milestones["A"].driver_position) == ("P", None)
