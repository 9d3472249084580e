"""The indicator rules on hand-computed cases: the latest actual as of a date, and progress
from the baseline towards the target, one decimal, half up, exactly."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plansicht.engine.indicators import (
    Actual,
    is_value,
    latest_actual,
    progress_percent,
    status,
)


def d(s):
    return date.fromisoformat(s)


def test_a_falling_target_counts_progress_downwards():
    # processing time 30 → 10 days, now 18: 12 of 20 days saved = 60 %
    assert progress_percent("30", "10", "18") == Decimal("60.0")


def test_a_rising_target_and_an_actual_of_seventy():
    # online services 0 → 120, now 70: 70/120 = 58.333… % → 58.3
    assert progress_percent("0", "120", "70") == Decimal("58.3")


def test_one_decimal_half_up_on_the_exact_value():
    # 0 → 8, now 1: 12.5 % exactly (no rounding needed)
    assert progress_percent("0", "8", "1") == Decimal("12.5")
    # 0 → 16, now 1: 6.25 % → 6.3 (a tie goes up)
    assert progress_percent("0", "16", "1") == Decimal("6.3")
    # 0 → 3, now 2: 66.666… % → 66.7
    assert progress_percent("0", "3", "2") == Decimal("66.7")
    # 0 → 6, now 1: 16.666… → 16.7; 0 → 6, now 5: 83.333… → 83.3
    assert progress_percent("0", "6", "1") == Decimal("16.7")
    assert progress_percent("0", "6", "5") == Decimal("83.3")


def test_decimals_as_written_are_exact():
    # 12.50 → 13.30 (a rise of 0.80), now 12.9 (0.40 of it): 50.0 %
    assert progress_percent("12.50", "13.30", "12.9") == Decimal("50.0")
    # 0.0001 → 0.0004, now 0.0002: a third of the way, 33.333… → 33.3
    assert progress_percent("0.0001", "0.0004", "0.0002") == Decimal("33.3")


def test_worse_than_the_baseline_is_negative_and_a_tie_goes_away_from_zero():
    # 30 → 10 days, now 31: −1/20 = −5.0 %
    assert progress_percent("30", "10", "31") == Decimal("-5.0")
    # 0 → 16, now −1: −6.25 % → −6.3 (half up means away from zero)
    assert progress_percent("0", "16", "-1") == Decimal("-6.3")
    # 0 → 3, now −1: −33.333… → −33.3
    assert progress_percent("0", "3", "-1") == Decimal("-33.3")


def test_beyond_the_target_is_more_than_a_hundred():
    # 30 → 10 days, now 8: 22/20 = 110.0 %
    assert progress_percent("30", "10", "8") == Decimal("110.0")
    assert progress_percent("0", "120", "120") == Decimal("100.0")
    assert progress_percent("0", "120", "0") == Decimal("0.0")


def test_no_progress_without_an_actual_or_when_target_equals_baseline():
    assert progress_percent("0", "120", None) is None
    assert progress_percent("5", "5", "7") is None
    assert progress_percent("5.0", "5.00", "7") is None  # equal as numbers


def test_the_result_is_written_with_one_decimal():
    assert str(progress_percent("0", "120", "70")) == "58.3"
    assert str(progress_percent("0", "120", "0")) == "0.0"
    assert str(progress_percent("30", "10", "18")) == "60.0"


ACTUALS = [
    Actual(d("2024-03-31"), "40"),
    Actual(d("2024-12-31"), "70"),
    Actual(d("2025-06-30"), "95"),
]


def test_the_latest_actual_is_dated_on_or_before_the_as_of_date():
    assert latest_actual(ACTUALS, d("2025-01-15")).value == "70"
    assert latest_actual(ACTUALS, d("2024-12-31")).value == "70"  # on the day counts
    assert latest_actual(ACTUALS, d("2024-12-30")).value == "40"
    assert latest_actual(ACTUALS, d("2024-03-30")) is None  # none yet


def test_an_actual_after_the_as_of_date_is_ignored():
    # as of 15.01.2025 the 95 of 30.06.2025 does not exist yet: 70/120 → 58.3
    result = status("0", "120", ACTUALS, d("2025-01-15"))
    assert result.latest == Actual(d("2024-12-31"), "70")
    assert result.progress_percent == Decimal("58.3")


def test_actuals_in_any_order_and_the_later_of_one_date_wins():
    shuffled = [ACTUALS[2], Actual(d("2024-12-31"), "68"), ACTUALS[0], ACTUALS[1]]
    # two on 31.12.2024: 68 first, then 70 — the later in order counts
    assert latest_actual(shuffled, d("2025-01-01")).value == "70"
    assert latest_actual(list(reversed(shuffled)), d("2025-01-01")).value == "68"


def test_without_actuals_there_is_no_latest_and_no_progress():
    result = status("30", "10", [], d("2025-01-01"))
    assert result.latest is None and result.progress_percent is None


def test_the_latest_value_stays_as_written():
    result = status("0", "100", [Actual(d("2024-01-01"), "12.50")], d("2025-01-01"))
    assert result.latest.value == "12.50"
    assert result.progress_percent == Decimal("12.5")


@pytest.mark.parametrize("text", ["70", "12.50", "-3.5", "0", "0.0001", "-0", "007"])
def test_values_as_written(text):
    assert is_value(text)


@pytest.mark.parametrize(
    "text", ["", "12,5", "1.23456", "1e3", "+5", ".5", "5.", " 5", "5\n", "١٢", None, 5]
)
def test_not_values(text):
    assert not is_value(text)


@given(
    st.integers(-(10**6), 10**6),
    st.integers(-(10**6), 10**6),
    st.integers(-(10**6), 10**6),
)
def test_progress_is_within_a_twentieth_of_a_percent_of_the_exact_value(b, t, a):
    if b == t:
        return
    result = progress_percent(str(b), str(t), str(a))
    exact = Decimal(a - b) * 100 / Decimal(t - b)
    assert abs(result - exact) <= Decimal("0.05") + Decimal("1e-20")
