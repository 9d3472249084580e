"""Every money rule, with amounts to the cent, on hand-computed cases (issue: funding)."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from plansicht.engine.money import (
    BudgetIn,
    CostLineIn,
    ExpenditureIn,
    GrantIn,
    cents,
    funding,
)

D = date.fromisoformat
GRANT = GrantIn("G", Decimal("0.90"), D("2021-01-01"), D("2025-12-31"))
AS_OF = D("2025-06-01")


def run(lines, windows, *, expenditures=(), budgets=(), as_of=AS_OF, grants=(GRANT,)):
    return funding(
        as_of=as_of,
        grants=grants,
        lines=lines,
        expenditures=expenditures,
        budgets=budgets,
        windows=windows,
    )


def years(result, grant="G"):
    return {y.year: y for y in result.grants[grant].years}


def test_a_window_inside_eligibility_puts_nothing_at_risk():
    r = run(
        [CostLineIn("L", "G", "M", Decimal("1000.00"))], {"M": (D("2025-12-02"), D("2026-01-01"))}
    )
    g = r.grants["G"]
    assert cents(g.cost_at_risk) == Decimal("0.00")
    y = years(r)
    assert list(y) == [2025]
    assert cents(y[2025].falling_eligible) == Decimal("1000.00")
    assert cents(y[2025].own_share_needed) == Decimal("100.00")


def test_a_window_crossing_new_year_and_the_eligibility_end():
    # 30 days: 17.–31.12.2025 eligible (15), 1.–15.1.2026 outside (15); the end day excluded.
    r = run(
        [CostLineIn("L", "G", "M", Decimal("1000.00"))], {"M": (D("2025-12-17"), D("2026-01-16"))}
    )
    g = r.grants["G"]
    assert cents(g.cost_at_risk) == Decimal("500.00")
    assert cents(g.grant_at_risk) == Decimal("450.00")
    y = years(r)
    assert cents(y[2025].own_share_needed) == Decimal("50.00")  # 10 % of 500
    assert cents(y[2026].own_share_needed) == Decimal("500.00")  # the city pays all of it
    assert r.at_risk_milestones() == {"M"}


def test_the_window_starts_no_earlier_than_the_status_date():
    # Forecast start lies in the past and the milestone is still open: spread from as_of.
    r = run(
        [CostLineIn("L", "G", "M", Decimal("300.00"))], {"M": (D("2025-01-01"), D("2025-06-04"))}
    )
    y = years(r)
    assert cents(y[2025].falling_eligible) == Decimal("300.00")
    assert list(y) == [2025]


def test_an_empty_window_puts_everything_on_one_day():
    # A zero-length milestone after the eligibility end: all of it at risk, on its day.
    r = run(
        [CostLineIn("L", "G", "M", Decimal("250.00"))], {"M": (D("2026-02-01"), D("2026-02-01"))}
    )
    assert cents(r.grants["G"].cost_at_risk) == Decimal("250.00")
    assert list(years(r)) == [2026]
    # A finished milestone (finish before as_of) with money still to pay: it falls on as_of.
    r = run(
        [CostLineIn("L", "G", "M", Decimal("250.00"))], {"M": (D("2024-01-01"), D("2024-03-01"))}
    )
    assert cents(years(r)[2025].falling_eligible) == Decimal("250.00")


def test_spent_counts_only_eligible_expenditure_dated_by_the_status_date():
    lines = [CostLineIn("L", "G", "M", Decimal("1000.00"))]
    expenditures = [
        ExpenditureIn("L", D("2024-05-01"), Decimal("200.00")),  # counts
        ExpenditureIn("L", D("2025-07-01"), Decimal("300.00")),  # future-dated: ignored
        ExpenditureIn("L", D("2025-02-01"), Decimal("50.00"), eligible=False),  # separate
    ]
    r = run(lines, {"M": (D("2025-12-02"), D("2026-01-01"))}, expenditures=expenditures)
    g = r.grants["G"]
    assert cents(g.spent) == Decimal("200.00")
    assert cents(g.remaining) == Decimal("800.00")
    assert g.ineligible_by_year == {2025: Fraction(50)}
    y = years(r)
    assert list(y) == [2024, 2025]
    assert cents(y[2024].own_share_needed) == Decimal("20.00")  # 10 % of 200 spent
    assert cents(y[2025].own_share_needed) == Decimal("80.00")  # 10 % of 800 remaining


def test_remaining_is_never_negative():
    r = run(
        [CostLineIn("L", "G", "M", Decimal("100.00"))],
        {"M": (D("2025-12-02"), D("2026-01-01"))},
        expenditures=[ExpenditureIn("L", D("2025-01-01"), Decimal("150.00"))],
    )
    assert r.grants["G"].remaining == 0
    assert cents(years(r)[2025].own_share_needed) == Decimal("15.00")


def test_budget_lines_close_the_gap_and_add_their_years():
    r = run(
        [CostLineIn("L", "G", "M", Decimal("1000.00"))],
        {"M": (D("2025-12-17"), D("2026-01-16"))},
        budgets=[
            BudgetIn("G", 2025, Decimal("30.00")),
            BudgetIn("G", 2025, Decimal("10.00")),
            BudgetIn("G", 2027, Decimal("5.00")),
        ],
    )
    y = years(r)
    assert list(y) == [2025, 2026, 2027]
    assert cents(y[2025].own_share_budgeted) == Decimal("40.00")
    assert cents(y[2025].own_share_gap) == Decimal("10.00")
    assert cents(y[2026].own_share_gap) == Decimal("500.00")
    assert cents(y[2027].own_share_gap) == Decimal("0.00")  # more budgeted than needed


def test_figures_are_exact_and_rounded_once():
    # 100.00 over 3 days, one of them outside eligibility: 33.333... at risk.
    r = run(
        [CostLineIn("L", "G", "M", Decimal("100.00"))], {"M": (D("2025-12-30"), D("2026-01-02"))}
    )
    g = r.grants["G"]
    assert g.cost_at_risk == Fraction(100, 3)
    assert cents(g.cost_at_risk) == Decimal("33.33")
    assert cents(g.grant_at_risk) == Decimal("30.00")  # 0.9 * 33.333... = 30 exactly
    y = years(r)
    assert y[2025].falling_eligible + y[2026].falling_at_risk == 100


def test_days_before_eligible_from_are_at_risk_too():
    late_grant = GrantIn("G", Decimal("0.65"), D("2025-07-01"), D("2027-12-31"))
    r = run(
        [CostLineIn("L", "G", "M", Decimal("610.00"))],
        {"M": (D("2025-06-01"), D("2025-07-02"))},
        grants=[late_grant],
    )
    # 31 days, 30 in June before eligibility starts, 1 on 1 July.
    assert cents(r.grants["G"].cost_at_risk) == Decimal("590.32")
    assert cents(r.grants["G"].grant_at_risk) == Decimal("383.71")


def test_cents_rounds_half_up():
    assert cents(Fraction(1, 200)) == Decimal("0.01")
    assert cents(Fraction(1, 300)) == Decimal("0.00")
    assert cents(Fraction(-1, 200)) == Decimal("-0.01")
    assert cents(Decimal("2.345")) == Decimal("2.35")


@settings(max_examples=200, deadline=None)
@given(
    amount=st.integers(1, 10_000_000),
    start=st.integers(0, 2000),
    length=st.integers(0, 800),
    shift=st.integers(1, 400),
)
def test_the_exact_spread_sums_to_the_remaining_amount_and_later_never_lowers_risk(
    amount, start, length, shift
):
    as_of = D("2024-01-01")
    grant = GrantIn("G", Decimal("0.65"), D("2023-01-01"), D("2026-06-30"))
    base = as_of.toordinal() + start
    line = [CostLineIn("L", "G", "M", Decimal(amount) / 100)]

    def compute(offset):
        window = (date.fromordinal(base + offset), date.fromordinal(base + offset + length))
        return run(line, {"M": window}, as_of=as_of, grants=[grant])

    before, after = compute(0), compute(shift)
    total = sum(y.falling_eligible + y.falling_at_risk for y in before.grants["G"].years)
    assert total == Fraction(amount, 100)
    # eligible_from lies before as_of, where every window starts: later means more at risk.
    assert after.grants["G"].cost_at_risk >= before.grants["G"].cost_at_risk


# -- spending outside the grant's eligibility period ------------------------------------------

ENDED = GrantIn("G", Decimal("0.90"), D("2021-01-01"), D("2022-06-30"))
LATE = D("2026-12-01")


def outside_period(flag):
    """A line of 5000 on a grant that ended on 30.6.2022; two payments on the period's first and
    last day, two after its end, all with the flag ``flag`` but the first two."""
    return run(
        [CostLineIn("L", "G", "M", Decimal("5000.00"))],
        {"M": (D("2026-12-01"), D("2026-12-11"))},
        expenditures=[
            ExpenditureIn("L", D("2021-01-01"), Decimal("500.00")),  # first day: eligible
            ExpenditureIn("L", D("2022-06-30"), Decimal("1000.00")),  # last day: eligible
            ExpenditureIn("L", D("2022-07-01"), Decimal("300.00"), eligible=flag),
            ExpenditureIn("L", D("2026-11-20"), Decimal("2000.00"), eligible=flag),
        ],
        as_of=LATE,
        grants=[ENDED],
    )


def test_spending_after_the_eligibility_period_is_never_eligible_whatever_its_flag():
    r = outside_period(True)
    g = r.grants["G"]
    # Spent: 500 + 1000 within the period; 300 + 2000 outside it count as not eligible.
    assert cents(g.spent) == Decimal("1500.00")
    assert g.ineligible_by_year == {2022: Fraction(300), 2026: Fraction(2000)}
    # Remaining 5000 - 1500 = 3500 falls in December 2026, after the grant's end: all at risk.
    assert cents(g.remaining) == Decimal("3500.00")
    assert cents(g.cost_at_risk) == Decimal("3500.00")
    assert cents(g.grant_at_risk) == Decimal("3150.00")
    y = years(r)
    assert list(y) == [2021, 2022, 2026]
    assert cents(y[2021].own_share_needed) == Decimal("50.00")  # 10 % of 500
    assert cents(y[2022].own_share_needed) == Decimal("100.00")  # 10 % of 1000
    # 2026: nothing eligible spent, 3500 falling outside the period: the city pays it all
    # (counted as eligible, the 2000 would have made it 0.1 * 2000 + 1200 = 1400).
    assert cents(y[2026].spent) == Decimal("0.00")
    assert cents(y[2026].own_share_needed) == Decimal("3500.00")


def test_spending_outside_the_period_counts_exactly_as_spending_marked_not_eligible():
    assert outside_period(True) == outside_period(False)


def test_spending_before_the_eligibility_period_is_not_eligible_either():
    r = run(
        [CostLineIn("L", "G", "M", Decimal("1000.00"))],
        {"M": (D("2025-12-02"), D("2026-01-01"))},
        expenditures=[ExpenditureIn("L", D("2020-12-31"), Decimal("400.00"))],
    )
    g = r.grants["G"]
    assert cents(g.spent) == Decimal("0.00")
    assert g.ineligible_by_year == {2020: Fraction(400)}
    assert cents(g.remaining) == Decimal("1000.00")
