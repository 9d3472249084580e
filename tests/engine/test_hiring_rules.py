"""Every hiring rule with dates: when a post is filled and what its delay does to the plan."""

from datetime import date, timedelta

from plansicht.engine.hiring import (
    HiringRules,
    PositionIn,
    fill_date,
    fill_dates,
    vacant_since,
)
from plansicht.engine.schedule import DependencyIn, MilestoneIn, forecast

D = date.fromisoformat
AS_OF = D("2025-06-01")
RULES = HiringRules(
    {"planned": 60, "in_establishment_plan": 90, "advertised": 42, "selection": 56, "offer": 30},
    onboarding_days=30,
)


def fill(*steps, expected=None, as_of=AS_OF):
    return fill_date(PositionIn("P", [(s, D(d)) for s, d in steps], expected), as_of, RULES)


def test_a_filled_post_is_filled_on_the_date_of_its_filled_step():
    r = fill(("planned", "2024-01-01"), ("filled", "2024-09-01"))
    assert (r.fill, r.vacant, r.current_step) == (D("2024-09-01"), False, "filled")


def test_a_post_in_progress_adds_the_typical_days_of_the_steps_to_come():
    # advertised on 1.5.: 1.5. + 42 = 12.6.; then selection 56 and offer 30 -> 6.9.2025
    r = fill(("planned", "2024-01-01"), ("advertised", "2025-05-01"))
    assert (r.fill, r.vacant, r.current_step) == (D("2025-09-06"), True, "advertised")


def test_an_overdue_step_counts_from_the_status_date():
    # in the establishment plan since 1.1.2024, 90 days long over: 1.6.2025 + 42 + 56 + 30
    r = fill(("in_establishment_plan", "2024-01-01"))
    assert r.fill == AS_OF + timedelta(days=128)


def test_a_step_not_yet_known_counts_as_planned_from_the_status_date():
    r = fill(("planned", "2025-07-01"))  # dated after as_of: ignored
    assert r.current_step is None
    assert r.fill == AS_OF + timedelta(days=60 + 90 + 42 + 56 + 30)


def test_steps_after_the_status_date_are_ignored():
    r = fill(("offer", "2025-05-20"), ("filled", "2025-07-01"))
    assert (r.vacant, r.current_step) == (True, "offer")
    assert r.fill == D("2025-06-19")  # 20.5. + 30


def test_on_the_same_date_the_later_step_is_current():
    r = fill(("in_establishment_plan", "2025-05-01"), ("planned", "2025-05-01"))
    assert r.current_step == "in_establishment_plan"


def test_an_expected_fill_can_delay_but_never_bring_forward():
    later = fill(("advertised", "2025-05-01"), expected=D("2025-12-01"))
    assert later.fill == D("2025-12-01")
    earlier = fill(("advertised", "2025-05-01"), expected=D("2025-07-01"))
    assert earlier.fill == D("2025-09-06")


def test_a_holder_leaving_makes_the_post_vacant_again():
    r = fill(("filled", "2022-01-01"), ("advertised", "2025-04-01"))
    assert r.vacant and r.current_step == "advertised"
    assert r.fill == AS_OF + timedelta(days=56 + 30)  # 1.4. + 42 lies before as_of
    steps = [
        ("planned", D("2021-01-01")),
        ("filled", D("2022-01-01")),
        ("advertised", D("2025-04-01")),
    ]
    assert vacant_since(steps, AS_OF, commitment=D("2020-10-01")) == (
        D("2025-04-01"),
        "holder_left",
    )


def test_a_holder_leaving_counts_from_the_step_after_the_last_filled_step():
    steps = [
        ("filled", D("2021-01-01")),
        ("planned", D("2022-03-01")),
        ("filled", D("2023-01-01")),
        ("advertised", D("2024-02-01")),
        ("selection", D("2024-04-01")),
    ]
    # The date HR entered only concerns a post never filled: the departure wins.
    assert vacant_since(steps, AS_OF, needed_from=D("2020-01-01")) == (
        D("2024-02-01"),
        "holder_left",
    )


def test_a_filled_post_is_not_vacant_since_any_date():
    assert vacant_since([("filled", D("2024-01-01"))], AS_OF, commitment=None) is None
    steps = [("planned", D("2023-01-01")), ("filled", D("2024-01-01"))]
    assert vacant_since(steps, AS_OF, needed_from=D("2023-01-01")) is None


def test_a_post_never_filled_is_vacant_from_the_date_it_is_needed_from():
    steps = [("planned", D("2024-01-01"))]
    assert vacant_since(steps, AS_OF, needed_from=D("2024-07-01"), commitment=D("2020-10-01")) == (
        D("2024-07-01"),
        "needed_from",
    )


def test_without_a_needed_from_date_the_later_of_grant_notice_and_first_step_counts():
    steps = [("planned", D("2024-01-01")), ("in_establishment_plan", D("2025-03-01"))]
    # The grant notice of 2020 lies before the first step: the post has been vacant since
    # it was first planned, not for the 1704 days since the notice.
    assert vacant_since(steps, AS_OF, commitment=D("2020-10-01")) == (
        D("2024-01-01"),
        "first_step",
    )
    assert vacant_since(steps, AS_OF, commitment=D("2024-05-15")) == (
        D("2024-05-15"),
        "grant_notice",
    )
    assert vacant_since(steps, AS_OF) == (D("2024-01-01"), "first_step")


def test_steps_after_the_status_date_do_not_count_for_the_vacancy():
    steps = [("filled", D("2024-01-01")), ("advertised", D("2025-07-01"))]
    assert vacant_since(steps, AS_OF) is None  # still filled as of 1.6.2025
    later = [("planned", D("2025-06-02"))]
    assert vacant_since(later, AS_OF, commitment=D("2025-01-10")) == (
        D("2025-01-10"),
        "grant_notice",
    )
    assert vacant_since(later, AS_OF) is None  # nothing known yet


def test_a_milestone_waits_for_its_post_plus_onboarding_and_the_delay_flows_on():
    milestones = [
        MilestoneIn("M1", D("2025-06-15"), 30, requires=("CDO",)),
        MilestoneIn("M2", D("2025-06-15"), 10),
    ]
    cdo = PositionIn("CDO", [("advertised", D("2025-05-01"))])
    f = forecast(
        milestones, [DependencyIn("M1", "M2")], as_of=AS_OF, positions=[cdo], hiring_rules=RULES
    )
    assert f.positions["CDO"].fill == D("2025-09-06")
    assert f.milestones["M1"].start == D("2025-10-06")  # 6.9. + 30 days onboarding
    assert f.milestones["M2"].start == D("2025-11-05")


def test_a_filled_post_does_not_hold_a_milestone_back():
    milestones = [MilestoneIn("M1", D("2025-06-15"), 30, requires=("CDO",))]
    cdo = PositionIn("CDO", [("filled", D("2024-01-01"))])
    f = forecast(milestones, [], as_of=AS_OF, positions=[cdo], hiring_rules=RULES)
    assert f.milestones["M1"].start == D("2025-06-15")


def test_the_what_if_fills_a_post_on_a_given_date():
    milestones = [MilestoneIn("M1", D("2025-06-15"), 30, requires=("CDO",))]
    cdo = PositionIn("CDO", [("planned", D("2025-01-01"))])
    f = forecast(
        milestones,
        [],
        as_of=AS_OF,
        positions=[cdo],
        hiring_rules=RULES,
        assume={"CDO": D("2025-07-01")},
    )
    assert f.positions["CDO"].assumed and f.positions["CDO"].fill == D("2025-07-01")
    assert f.milestones["M1"].start == D("2025-07-31")
    plain = fill_dates([cdo], AS_OF, RULES)
    assert plain["CDO"].fill > D("2025-07-01")
