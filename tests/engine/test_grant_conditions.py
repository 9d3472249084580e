"""The grant's conditions on hand-computed cases (issue 11, section 1): drawdown windows,
first-in-first-out matching, interest across base-rate changes, the financing plan's 20 %
rule and the proofs of use; then properties on generated drawdowns (hypothesis).

Interest is amount × Σ_days (base + 5) / 100 / 365; the arithmetic is written beside each
case. Base rates + 5 used below: 2024-01-01 3.62 → 8.62; 2024-07-01 3.37 → 8.37;
2025-01-01 2.27 → 7.27; 2025-07-01 1.27 → 6.27.
"""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from plansicht.engine.conditions import (
    BASE_RATES,
    DEFAULT_WINDOW,
    BaseRate,
    DrawdownIn,
    LineIn,
    RepaymentIn,
    SubmittedIn,
    UseIn,
    Window,
    default_final_due,
    drawdowns,
    financing_plan,
    proofs,
    rate_missing_for,
    window_end,
)

D = date.fromisoformat
E = Decimal
TWO_MONTHS = Window("months", 2)
SIX_WEEKS = Window("calendar_days", 42)


def drawdown(received, amount, requested=None):
    return DrawdownIn(D(received), D(requested or received), E(amount))


def use(on, amount):
    return UseIn(D(on), Fraction(E(amount)))


def run(as_of, draws, uses=(), repayments=(), window=TWO_MONTHS, **kwargs):
    return drawdowns(
        as_of=D(as_of),
        drawdowns=draws,
        uses=uses,
        repayments=repayments,
        window=window,
        **kwargs,
    )


def parts(result):
    return [(r.used_in_time, r.used_late, r.repaid, r.unused) for r in result.drawdowns]


# -- the window ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "window", "expected"),
    [
        ("2025-01-31", Window("months", 1), "2025-02-28"),  # February has no 31st
        ("2024-01-31", Window("months", 1), "2024-02-29"),  # leap year
        ("2025-08-31", Window("months", 2), "2025-10-31"),  # October has a 31st
        ("2025-03-10", Window("months", 2), "2025-05-10"),
        ("2025-03-31", Window("months", 2), "2025-05-31"),  # a Saturday: no weekend shift
        ("2025-01-31", SIX_WEEKS, "2025-03-14"),  # 28 days to 28.02., 14 more
        ("2025-02-01", SIX_WEEKS, "2025-03-15"),  # a Saturday: no weekend shift
        ("2024-06-01", SIX_WEEKS, "2024-07-13"),  # 29 days to 30.06., 13 more
    ],
)
def test_window_end_by_months_or_calendar_days(received, window, expected):
    assert window_end(D(received), window) == D(expected)


def test_the_default_window_is_two_months_and_odd_windows_are_refused():
    assert (DEFAULT_WINDOW.kind, DEFAULT_WINDOW.count) == ("months", 2)
    with pytest.raises(ValueError):
        Window("working_days", 10)
    with pytest.raises(ValueError):
        Window("months", 0)


# -- matching and interest -------------------------------------------------------------------


def test_a_use_on_the_window_end_is_in_time_and_one_a_day_later_is_late():
    # Received 10.03.2025, two months: window end 10.05.2025.
    r = run(
        "2025-06-30",
        [drawdown("2025-03-10", "1000.00")],
        [use("2025-05-11", "400.00"), use("2025-05-10", "600.00")],
    )
    (d,) = r.drawdowns
    assert d.received_on == D("2025-03-10")
    assert d.window_end == D("2025-05-10")
    assert d.amount == E("1000.00")
    assert parts(r) == [(E("600.00"), E("400.00"), E("0.00"), E("0.00"))]
    # Late piece 400 from 10.03. to 11.05.2025: 21 + 30 + 11 = 62 days at 7.27 %:
    # 62 × 7.27 = 450.74; 400 × 450.74 / 36 500 = 180 296 / 36 500 = 4.93961… → 4.94.
    assert d.interest_exact == Fraction(180296, 36500)
    assert d.interest == E("4.94")
    assert r.interest_exposure == E("4.94")
    assert r.days_without_rate is None


def test_pre_financing_is_refunded_by_a_later_drawdown_oldest_use_first():
    # Six weeks: 01.04.2025 → 13.05.2025; 01.05.2025 → 12.06.2025.
    r = run(
        "2025-12-31",
        [drawdown("2025-05-01", "300.00"), drawdown("2025-04-01", "500.00")],
        [use("2025-05-20", "100.00"), use("2025-03-20", "200.00"), use("2025-02-15", "300.00")],
        window=SIX_WEEKS,
    )
    first, second = r.drawdowns
    # The April drawdown refunds the uses of 15.02. (300) and 20.03. (200): both before its
    # window end, so in time; nothing is left, so no interest however late the as-of date.
    assert first.received_on == D("2025-04-01")
    assert (first.used_in_time, first.used_late, first.unused) == (E("500.00"), 0, 0)
    assert first.interest == E("0.00")
    # The May drawdown gets the use of 20.05. (100) and leaves 200 unused past 12.06.:
    # 01.05.–30.06. 61 days at 7.27 = 443.47; 01.07.–30.12. 183 days at 6.27 = 1 147.41;
    # 200 × 1 590.88 / 36 500 = 318 176 / 36 500 = 8.71715… → 8.72.
    assert (second.used_in_time, second.used_late, second.unused) == (E("100.00"), 0, E("200.00"))
    assert second.interest_exact == Fraction(318176, 36500)
    assert second.interest == E("8.72")
    assert r.interest_exposure == E("8.72")


def test_a_drawdown_still_within_its_window_owes_no_interest_on_the_unused_rest():
    draws = [drawdown("2025-06-01", "1000.00")]  # window end 01.08.2025
    uses = [use("2025-06-20", "250.00")]
    for as_of in ("2025-07-15", "2025-08-01"):  # before and on the window end
        r = run(as_of, draws, uses)
        assert parts(r) == [(E("250.00"), 0, 0, E("750.00"))]
        assert r.drawdowns[0].interest_exact == 0
        assert r.interest_exposure == E("0.00")
    # One day after the window end, 750 unused from 01.06. to 02.08.2025:
    # 30 days at 7.27 = 218.10; 32 days at 6.27 = 200.64; 750 × 418.74 / 36 500
    # = 314 055 / 36 500 = 8.60424… → 8.60.
    r = run("2025-08-02", draws, uses)
    assert r.drawdowns[0].interest_exact == Fraction(314055, 36500)
    assert r.drawdowns[0].interest == E("8.60")


def test_interest_across_a_base_rate_change():
    # 10 000 received 01.06.2024, six weeks (window end 13.07.2024), unused on 01.08.2024:
    # 01.06.–30.06. 30 days at 8.62 = 258.60; 01.07.–31.07. 31 days at 8.37 = 259.47;
    # 10 000 × 518.07 / 36 500 = 5 180 700 / 36 500 = 141.93698… → 141.94.
    r = run("2024-08-01", [drawdown("2024-06-01", "10000.00")], window=SIX_WEEKS)
    (d,) = r.drawdowns
    assert d.unused == E("10000.00")
    assert d.interest_exact == Fraction(5180700, 36500)
    assert d.interest == E("141.94")
    assert r.interest_exposure == E("141.94")


def test_a_repayment_within_the_window_costs_nothing_one_after_it_costs_interest():
    # 5 000 received 01.03.2024, window end 01.05.2024; 1 000 used 15.03. (in time);
    # 1 000 repaid 30.04. (within), 2 000 repaid 30.06. (after); 1 000 unused on 31.07.
    r = run(
        "2024-07-31",
        [drawdown("2024-03-01", "5000.00")],
        [use("2024-03-15", "1000.00")],
        [RepaymentIn(D("2024-06-30"), E("2000.00")), RepaymentIn(D("2024-04-30"), E("1000.00"))],
    )
    (d,) = r.drawdowns
    assert parts(r) == [(E("1000.00"), 0, E("3000.00"), E("1000.00"))]
    # Repaid late: 2 000 from 01.03. to 30.06.: 31 + 30 + 31 + 29 = 121 days at 8.62
    # = 1 043.02 → 2 086 040. Unused: 1 000 from 01.03. to 31.07.: 122 days at 8.62
    # = 1 051.64 plus 30 days at 8.37 = 251.10 → 1 302 740.
    # (2 086 040 + 1 302 740) / 36 500 = 3 388 780 / 36 500 = 92.84328… → 92.84.
    assert d.interest_exact == Fraction(3388780, 36500)
    assert d.interest == E("92.84")


def test_repayments_and_uses_take_from_the_oldest_drawdown_first():
    # Two drawdowns received the same day: the one requested earlier comes first.
    r = run(
        "2025-03-01",
        [
            drawdown("2025-02-01", "100.00", requested="2025-01-20"),
            drawdown("2025-02-01", "100.00", requested="2025-01-10"),
            drawdown("2025-02-01", "50.00", requested="2025-01-10"),  # document order
            drawdown("2025-03-02", "999.00"),  # received after the as-of date: not listed
            DrawdownIn(None, D("2025-01-05"), None),  # requested, not received
        ],
        [use("2025-02-10", "150.00"), use("2025-03-05", "50.00")],  # the second: after as-of
        [RepaymentIn(D("2025-02-20"), E("70.00")), RepaymentIn(D("2025-03-02"), E("5.00"))],
    )
    assert [d.amount for d in r.drawdowns] == [E("100.00"), E("50.00"), E("100.00")]
    # The use of 150 fills the first (100) and the second (50); the repayment of 70 takes
    # from the third; 30 stay unused, within the window (01.04.), so no interest.
    assert parts(r) == [
        (E("100.00"), 0, 0, 0),
        (E("50.00"), 0, 0, 0),
        (0, 0, E("70.00"), E("30.00")),
    ]
    assert r.interest_exposure == 0


def test_uses_are_split_and_rounded_half_up_per_part():
    # 90 % of 11.11 = 9.999 and 90 % of 0.05 = 0.045: the drawdown of 10.00 takes 9.999 in
    # time (→ 10.00) and 0.001 of the second use late (→ 0.00); unused 10.00 − 10.00 = 0.00.
    r = run(
        "2025-06-01",
        [drawdown("2025-01-01", "10.00")],
        [
            UseIn(D("2025-01-10"), Fraction(9, 10) * Fraction(E("11.11"))),
            UseIn(D("2025-05-01"), Fraction(9, 10) * Fraction(E("0.05"))),
        ],
    )
    assert parts(r) == [(E("10.00"), E("0.00"), E("0.00"), E("0.00"))]


def test_the_literal_rounding_rule_can_leave_unused_a_cent_below_zero():
    # The rule: each of the three parts rounded half up, unused = amount − them.
    # 50 % of 9.99 = 4.995 in time (→ 5.00), the other 5.005 of a later use late (→ 5.01):
    # 10.00 − 5.00 − 5.01 = −0.01. Kept as the rule says (module docstring).
    r = run(
        "2025-06-01",
        [drawdown("2025-01-01", "10.00")],
        [
            UseIn(D("2025-01-10"), Fraction(1, 2) * Fraction(E("9.99"))),
            UseIn(D("2025-05-01"), Fraction(1, 2) * Fraction(E("20.00"))),
        ],
    )
    assert parts(r) == [(E("5.00"), E("5.01"), E("0.00"), E("-0.01"))]


def test_days_before_the_first_base_rate_bear_no_interest_and_are_named():
    # Rates only from 01.01.2024 (8.62). 1 000 received 01.12.2023, window end 12.01.2024,
    # unused on 01.02.2024: December (31 days) has no rate; January 31 days × 8.62 = 267.22;
    # 1 000 × 267.22 / 36 500 = 267 220 / 36 500 = 7.32109… → 7.32.
    rates = [BaseRate(D("2024-01-01"), E("3.62"))]
    r = run("2024-02-01", [drawdown("2023-12-01", "1000.00")], window=SIX_WEEKS, base_rates=rates)
    assert r.drawdowns[0].interest_exact == Fraction(267220, 36500)
    assert r.drawdowns[0].interest == E("7.32")
    assert r.days_without_rate == (D("2023-12-01"), D("2023-12-31"))
    # Nothing due (used in time): no missing period either.
    r = run(
        "2024-02-01",
        [drawdown("2023-12-01", "1000.00")],
        [use("2023-12-05", "1000.00")],
        window=SIX_WEEKS,
        base_rates=rates,
    )
    assert r.days_without_rate is None


def test_after_the_last_rate_it_goes_on_applying_and_the_half_year_is_flagged():
    # 1 000 received 01.01.2027, window end 01.03.2027, unused on 01.04.2027: 90 days at
    # 6.27 (the rate of 01.01.2026 still applies) = 564.30; 1 000 × 564.30 / 36 500
    # = 564 300 / 36 500 = 15.46027… → 15.46.
    r = run("2027-04-01", [drawdown("2027-01-01", "1000.00")])
    assert r.drawdowns[0].interest_exact == Fraction(564300, 36500)
    assert r.drawdowns[0].interest == E("15.46")
    assert r.days_without_rate is None
    assert rate_missing_for(D("2026-06-30"), BASE_RATES) is False  # 01.01.2026 starts in it
    assert rate_missing_for(D("2026-07-01"), BASE_RATES) is True
    assert rate_missing_for(D("2025-12-31"), BASE_RATES) is False  # a later rate is known
    assert rate_missing_for(D("2025-01-01"), []) is True


def test_the_shipped_base_rates():
    assert [(r.since.isoformat(), str(r.percent)) for r in BASE_RATES] == [
        ("2016-07-01", "-0.88"),
        ("2023-01-01", "1.62"),
        ("2023-07-01", "3.12"),
        ("2024-01-01", "3.62"),
        ("2024-07-01", "3.37"),
        ("2025-01-01", "2.27"),
        ("2025-07-01", "1.27"),
        ("2026-01-01", "1.27"),
    ]


# -- the financing plan ----------------------------------------------------------------------


def line(category, planned, spent, closed=False):
    return LineIn(category, E(planned), E(spent), closed)


def flags(categories):
    return {c.category: (c.planned, c.forecast, c.over_percent, c.flag) for c in categories}


def test_categories_over_twenty_percent_over_but_offset_and_not_offset():
    # Not offset: total 1 000 + 1 000 + 0 planned, 1 250 + 1 100 + 50 forecast: exceeded.
    categories, total = financing_plan(
        [
            line("personnel", "1000.00", "1250.00"),  # 250 / 1 000 = 25.0 % > 20 %
            line("equipment", "1000.00", "1100.00"),  # 10.0 %, total exceeded
            line("services", "0.00", "50.00"),  # planned 0, forecast 50
        ]
    )
    assert [c.category for c in categories] == ["equipment", "personnel", "services"]
    assert flags(categories) == {
        "equipment": (E("1000.00"), E("1100.00"), E("10.0"), "not_offset"),
        "personnel": (E("1000.00"), E("1250.00"), E("25.0"), "needs_consent"),
        "services": (E("0.00"), E("50.00"), None, "needs_consent"),
    }
    assert (total.planned, total.forecast, total.exceeded) == (E("2000"), E("2400"), True)


def test_a_closed_line_below_plan_saves_the_rest_and_offsets_another():
    # equipment: 1 150 of 1 000 = 15.0 %; personnel closed at 1 500 of 2 000 saves 500:
    # −500 / 2 000 = −25.0 %. Total 3 000 planned, 2 650 forecast: not exceeded, offset.
    categories, total = financing_plan(
        [
            line("equipment", "1000.00", "1150.00"),
            line("personnel", "2000.00", "1500.00", closed=True),
        ]
    )
    assert flags(categories) == {
        "equipment": (E("1000.00"), E("1150.00"), E("15.0"), "ok"),
        "personnel": (E("2000.00"), E("1500.00"), E("-25.0"), "ok"),
    }
    assert (total.planned, total.forecast, total.exceeded) == (E("3000"), E("2650"), False)
    # The same line open: it still needs its plan, 2 000, so the total is 3 150 > 3 000.
    categories, total = financing_plan(
        [line("equipment", "1000.00", "1150.00"), line("personnel", "2000.00", "1500.00")]
    )
    assert flags(categories)["equipment"][3] == "not_offset"
    assert total.forecast == E("3150.00") and total.exceeded


def test_exactly_twenty_percent_over_does_not_need_consent():
    # Two open lines: 700 (over its 500) + 500 (its plan; 100 spent) = 1 200 of 1 000:
    # exactly 1.2 × planned, 20.0 %; the open line's rest is not netted against the other.
    categories, total = financing_plan(
        [line("equipment", "500.00", "700.00"), line("equipment", "500.00", "100.00")]
    )
    assert flags(categories) == {
        "equipment": (E("1000.00"), E("1200.00"), E("20.0"), "not_offset"),
    }
    # One cent more is over 20 %: 1 200.01 > 1 200.
    categories, _ = financing_plan([line("equipment", "1000.00", "1200.01")])
    assert flags(categories)["equipment"][2:] == (E("20.0"), "needs_consent")


def test_over_percent_rounds_half_away_from_zero():
    # 49 / 400 × 100 = 12.25 → 12.3; −49 / 400 × 100 = −12.25 → −12.3.
    categories, _ = financing_plan(
        [line("a", "400.00", "449.00"), line("b", "400.00", "351.00", closed=True)]
    )
    assert [c.over_percent for c in categories] == [E("12.3"), E("-12.3")]


def test_planned_zero_and_nothing_spent_is_ok():
    categories, total = financing_plan([line("other", "0.00", "0.00")])
    assert flags(categories) == {"other": (E("0.00"), E("0.00"), None, "ok")}
    assert total.exceeded is False
    assert financing_plan([])[0] == []


# -- proofs of use ---------------------------------------------------------------------------

GRANT_PERIOD = {"eligible_from": D("2023-03-01"), "eligible_until": D("2025-08-31")}


def statuses(result):
    return [(p.kind, p.year, p.due, p.submitted_on, p.status) for p in result]


def test_interims_per_year_and_the_final_with_a_proof_due_on_the_as_of_date():
    # Interims for 2023 and 2024, due 31.12. + 4 months = 30.04.; final: August 2025 + 6
    # months = 28.02.2026. As of 30.04.2025 the 2024 interim is due that day: open.
    result = proofs(
        as_of=D("2025-04-30"),
        **GRANT_PERIOD,
        submitted=[SubmittedIn("interim", 2023, D("2024-05-02"))],
    )
    assert statuses(result) == [
        ("interim", 2023, D("2024-04-30"), D("2024-05-02"), "submitted_late"),
        ("interim", 2024, D("2025-04-30"), None, "open"),
        ("final", None, D("2026-02-28"), None, "open"),
    ]


def test_overdue_in_time_and_submissions_after_the_as_of_date():
    submitted = [
        SubmittedIn("interim", 2023, D("2024-04-30")),  # on the due date: in time
        SubmittedIn("interim", 2024, D("2025-05-10")),  # after the as-of date: not yet
        SubmittedIn("final", None, D("2025-05-03")),
        SubmittedIn("interim", 2023, D("2024-03-01")),  # an earlier one: the latest counts
    ]
    result = proofs(as_of=D("2025-05-05"), **GRANT_PERIOD, submitted=submitted)
    assert statuses(result) == [
        ("interim", 2023, D("2024-04-30"), D("2024-04-30"), "submitted_in_time"),
        ("interim", 2024, D("2025-04-30"), None, "overdue"),
        ("final", None, D("2026-02-28"), D("2025-05-03"), "submitted_in_time"),
    ]
    result = proofs(as_of=D("2025-05-10"), **GRANT_PERIOD, submitted=submitted)
    assert statuses(result)[1][3:] == (D("2025-05-10"), "submitted_late")


def test_other_report_months_and_a_final_due_set():
    # 31.12.2023 + 6 months = 30.06.2024; the final on the date set, overdue the day after.
    result = proofs(
        as_of=D("2025-10-01"),
        eligible_from=D("2023-01-01"),
        eligible_until=D("2024-12-31"),
        interim_report_months=6,
        final_report_due=D("2025-09-30"),
    )
    assert statuses(result) == [
        ("interim", 2023, D("2024-06-30"), None, "overdue"),
        ("final", None, D("2025-09-30"), None, "overdue"),
    ]
    # A grant within one year has only the final proof.
    result = proofs(
        as_of=D("2025-01-01"), eligible_from=D("2025-01-01"), eligible_until=D("2025-12-31")
    )
    assert [(p.kind, p.due) for p in result] == [("final", D("2026-06-30"))]


@pytest.mark.parametrize(
    ("until", "due"),
    [
        ("2026-08-31", "2027-02-28"),  # August + 6 = February
        ("2025-12-15", "2026-06-30"),  # December + 6 = June, its last day
        ("2027-08-01", "2028-02-29"),  # leap year
        ("2025-06-30", "2025-12-31"),
    ],
)
def test_default_final_due(until, due):
    assert default_final_due(D(until)) == D(due)


# -- properties ------------------------------------------------------------------------------

START = date(2022, 1, 1)
AS_OF = date(2025, 6, 1)
# Funding rates have at most four decimals.
RATES = [Fraction(E(rate)) for rate in ("1", "0.9", "0.75", "0.6667", "0.7", "0.5")]


def days(draw, low=0, high=(AS_OF - START).days + 60):
    return START + timedelta(days=draw(st.integers(low, high)))


def money(draw, high=500_000):
    return E(draw(st.integers(0, high))) / 100


@st.composite
def cases(draw, whole_cents=False):
    draws = [DrawdownIn(days(draw), START, money(draw)) for _ in range(draw(st.integers(0, 6)))]
    rate = Fraction(1) if whole_cents else draw(st.sampled_from(RATES))
    uses = [
        UseIn(days(draw), rate * Fraction(money(draw, 300_000) + E("0.01")))
        for _ in range(draw(st.integers(0, 10)))
    ]
    repayments = [
        RepaymentIn(days(draw), money(draw, 200_000) + E("0.01"))
        for _ in range(draw(st.integers(0, 3)))
    ]
    window = draw(st.sampled_from([TWO_MONTHS, SIX_WEEKS, Window("months", 1)]))
    return draws, uses, repayments, window


def compute(draws, uses, repayments, window):
    return drawdowns(as_of=AS_OF, drawdowns=draws, uses=uses, repayments=repayments, window=window)


@settings(max_examples=300, deadline=None)
@given(cases(whole_cents=True))
def test_with_whole_cents_the_parts_add_up_and_none_is_negative(case):
    result = compute(*case)
    listed = [d for d in case[0] if d.received_on <= AS_OF]
    assert len(result.drawdowns) == len(listed)
    for d in result.drawdowns:
        assert d.used_in_time + d.used_late + d.repaid + d.unused == d.amount
        assert min(d.used_in_time, d.used_late, d.repaid, d.unused) >= 0
        assert d.interest >= 0
    assert result.interest_exposure == sum(d.interest for d in result.drawdowns)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_with_fractions_of_a_cent_the_parts_add_up_exactly(case):
    for d in compute(*case).drawdowns:
        assert d.used_in_time + d.used_late + d.repaid + d.unused == d.amount
        assert min(d.used_in_time, d.used_late, d.repaid) >= 0
        # Three parts each rounded half up can overshoot by at most 1.5 cents, so the unused
        # rest, a whole number of cents, is at worst a cent below zero.
        assert d.unused >= E("-0.01")


@settings(max_examples=300, deadline=None)
@given(cases(), st.data())
def test_moving_a_use_later_never_lowers_the_exact_interest(case, data):
    draws, uses, repayments, window = case
    assume(uses)
    i = data.draw(st.integers(0, len(uses) - 1))
    assume(uses[i].on < AS_OF)  # moved later, but still by the as-of date
    moved = uses[i].on + timedelta(days=data.draw(st.integers(1, (AS_OF - uses[i].on).days)))
    later = list(uses)
    later[i] = UseIn(moved, uses[i].amount)
    before = sum(d.interest_exact for d in compute(draws, uses, repayments, window).drawdowns)
    after = sum(d.interest_exact for d in compute(draws, later, repayments, window).drawdowns)
    assert after >= before
