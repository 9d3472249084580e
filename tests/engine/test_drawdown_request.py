"""The drawdown request (Mittelabruf): the grant's share of the eligible spending expected from
the request date to the end of the drawdown window, less drawn money still unused, never
below 0. Every expected figure is computed by hand in the comment beside it."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from plansicht.engine.conditions import (
    CALENDAR_DAYS,
    MONTHS,
    NeedLineIn,
    Window,
    drawdown_need,
)

TWO_MONTHS = Window(MONTHS, 2)


def need(lines, *, on, rate="0.90", window=TWO_MONTHS, unused=0, until=date(2030, 12, 31)):
    return drawdown_need(
        requested_on=on,
        window=window,
        rate=Decimal(rate),
        eligible_from=date(2020, 1, 1),
        eligible_until=until,
        lines=lines,
        unused=Fraction(unused),
    )


def test_the_share_of_the_spending_expected_until_the_window_ends():
    # 1.000,00 € left, spread over [01.02.2025, 02.05.2025): 28 + 31 + 30 + 1 = 90 days.
    # Requested on 31.01.: the window ends 31.03. (two months); of its days 01.02.–31.03. are
    # in the spread, 28 + 31 = 59: 59/90 × 1.000 = 655,555…; 90 % of it = 590,00 exactly
    # (rounded once, at the end).
    result = need(
        [NeedLineIn("K1", 100_000, date(2025, 2, 1), date(2025, 5, 2))], on=date(2025, 1, 31)
    )
    assert result.window_end == date(2025, 3, 31)
    assert result.months == [(2025, 1), (2025, 2), (2025, 3)]
    assert result.lines[0].by_month == {
        (2025, 1): 0,
        (2025, 2): Fraction(28_000, 90),
        (2025, 3): Fraction(31_000, 90),
    }
    assert result.expected == Fraction(5900, 9)
    assert result.amount == Decimal("590.00")


def test_a_running_milestone_spreads_its_rest_from_the_request_date():
    # Forecast window 01.01.–01.04.2025, requested on 31.01.: the rest is spread over
    # [31.01., 01.04.), 60 days, all within the window (to 31.03.): 1.000 × 90 % = 900,00.
    result = need(
        [NeedLineIn("K1", 100_000, date(2025, 1, 1), date(2025, 4, 1))], on=date(2025, 1, 31)
    )
    assert result.expected == 1000
    assert result.amount == Decimal("900.00")


def test_days_after_the_eligibility_period_do_not_count():
    # As in the first case, the grant eligible until 28.02.: 28 days of 90:
    # 28/90 × 1.000 × 0,9 = 280,00.
    result = need(
        [NeedLineIn("K1", 100_000, date(2025, 2, 1), date(2025, 5, 2))],
        on=date(2025, 1, 31),
        until=date(2025, 2, 28),
    )
    assert result.amount == Decimal("280.00")
    assert result.lines[0].by_month[2025, 3] == 0


def test_drawn_money_still_unused_is_deducted_and_the_amount_never_goes_below_zero():
    line = NeedLineIn("K1", 100_000, date(2025, 2, 1), date(2025, 5, 2))
    # 590,00 − 123,45 unused = 466,55.
    assert need([line], on=date(2025, 1, 31), unused="123.45").amount == Decimal("466.55")
    # 590,00 − 700,00: nothing to request.
    result = need([line], on=date(2025, 1, 31), unused=700)
    assert result.amount == Decimal("0.00")
    assert result.share == Fraction(590)


def test_a_milestone_past_its_forecast_finish_brings_all_its_rest_onto_the_request_date():
    # Forecast window 01.01.–01.02.2024, long past on 31.01.2025: the 500,00 € left fall on
    # the request date; 80 % = 400,00.
    result = need(
        [NeedLineIn("K1", 50_000, date(2024, 1, 1), date(2024, 2, 1))],
        on=date(2025, 1, 31),
        rate="0.80",
    )
    assert result.amount == Decimal("400.00")
    assert result.lines[0].by_month == {
        (2025, 1): Fraction(500),
        (2025, 2): 0,
        (2025, 3): 0,
    }


def test_a_window_of_calendar_days():
    # 42 days from 01.03.2025: to 12.04. The line spreads 900,00 € over [01.03., 30.05.):
    # 31 + 30 + 29 = 90 days, 10 € a day; 01.03.–12.04. = 43 days = 430,00; 75 % = 322,50.
    result = need(
        [NeedLineIn("K1", 90_000, date(2025, 3, 1), date(2025, 5, 30))],
        on=date(2025, 3, 1),
        rate="0.75",
        window=Window(CALENDAR_DAYS, 42),
    )
    assert result.window_end == date(2025, 4, 12)
    assert result.lines[0].by_month == {(2025, 3): Fraction(310), (2025, 4): Fraction(120)}
    assert result.amount == Decimal("322.50")


def test_lines_without_spending_in_the_window_are_not_listed():
    result = need(
        [
            NeedLineIn("later", 100_000, date(2025, 6, 1), date(2025, 7, 1)),  # after 31.03.
            NeedLineIn("closed", 0, date(2025, 1, 1), date(2025, 4, 1)),  # nothing left
            NeedLineIn("now", 3_000, date(2025, 2, 1), date(2025, 2, 4)),  # 30,00 in February
        ],
        on=date(2025, 1, 31),
    )
    assert [line.key for line in result.lines] == ["now"]
    assert result.amount == Decimal("27.00")


def test_half_a_cent_is_rounded_up_once_on_the_total():
    # Two lines of 0,01 € each, 50 %: 0,005 + 0,005 = 0,01 (not 0,01 + 0,01 rounded apart,
    # nor 0,00 + 0,00).
    lines = [
        NeedLineIn("a", 1, date(2025, 2, 1), date(2025, 2, 2)),
        NeedLineIn("b", 1, date(2025, 2, 1), date(2025, 2, 2)),
    ]
    assert need(lines, on=date(2025, 1, 31), rate="0.5").amount == Decimal("0.01")
    assert need(lines[:1], on=date(2025, 1, 31), rate="0.5").amount == Decimal("0.01")
