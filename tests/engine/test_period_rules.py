"""Every answer-period rule, on hand-computed dates. The holidays are written out here (those
of Rhineland-Palatinate in 2024 and 2025), so the engine is tested without the calendar
package; tests/test_participation_rules.py checks the same dates through the package."""

from datetime import date
from decimal import Decimal

import pytest

from plansicht.engine.periods import (
    ANSWERED_IN_TIME,
    ANSWERED_LATE,
    ANSWERED_WITHIN_EXTENSION,
    CALENDAR_DAYS,
    MONTHS,
    OPEN,
    OVERDUE,
    WITHDRAWN,
    WORKING_DAYS,
    ItemIn,
    Period,
    due_date,
    due_in_force,
    figures,
    status,
)


def d(s):
    return date.fromisoformat(s)


RP = {
    d(x)
    for x in [
        "2024-01-01",
        "2024-03-29",
        "2024-04-01",
        "2024-05-01",
        "2024-05-09",
        "2024-05-20",
        "2024-05-30",
        "2024-10-03",
        "2024-11-01",
        "2024-12-25",
        "2024-12-26",
        "2025-01-01",
        "2025-04-18",
        "2025-04-21",
        "2025-05-01",
        "2025-05-29",
        "2025-06-09",
        "2025-06-19",
        "2025-10-03",
        "2025-11-01",
        "2025-12-25",
        "2025-12-26",
    ]
}


@pytest.mark.parametrize(
    "received, period, due",
    [
        # months: the same day number, or the month's last day (BGB § 188 (2), (3))
        ("2025-01-31", Period(MONTHS, 1), "2025-02-28"),  # a Friday
        ("2024-01-31", Period(MONTHS, 1), "2024-02-29"),  # leap year, a Thursday
        ("2025-03-31", Period(MONTHS, 1), "2025-04-30"),  # a Wednesday
        ("2025-01-15", Period(MONTHS, 3), "2025-04-15"),
        # … moved off a weekend to Monday (BGB § 193)
        ("2025-03-31", Period(MONTHS, 2), "2025-06-02"),  # Saturday 31.05. → Monday
        ("2025-05-31", Period(MONTHS, 1), "2025-06-30"),  # June has no 31st: Monday 30.06.
        ("2024-12-29", Period(MONTHS, 2), "2025-02-28"),  # no 29.02.2025: Friday 28.02.
        # … and off a public holiday: 18.04.2025 Good Friday → Tuesday after Easter Monday
        ("2025-03-18", Period(MONTHS, 1), "2025-04-22"),
        # calendar days, plain and moved
        ("2025-03-03", Period(CALENDAR_DAYS, 10), "2025-03-13"),
        ("2025-03-01", Period(CALENDAR_DAYS, 14), "2025-03-17"),  # Sat 15.03. → Mon 17.03.
        ("2025-04-04", Period(CALENDAR_DAYS, 14), "2025-04-22"),  # Good Friday → Tue 22.04.
        ("2025-12-11", Period(CALENDAR_DAYS, 14), "2025-12-29"),  # Christmas Thu → Mon 29.12.
        # working days across Easter and 1 May: 15 working days from Thu 10.04.2025
        ("2025-04-10", Period(WORKING_DAYS, 15), "2025-05-06"),
        # across Whitsun and Corpus Christi (Whit Monday 09.06., Corpus Christi 19.06.)
        ("2025-06-06", Period(WORKING_DAYS, 5), "2025-06-16"),
        ("2025-06-06", Period(WORKING_DAYS, 10), "2025-06-24"),
        # received on a Saturday: the first working day is Monday
        ("2025-03-01", Period(WORKING_DAYS, 1), "2025-03-03"),
        ("2025-03-03", Period(WORKING_DAYS, 15), "2025-03-24"),
    ],
)
def test_due_date(received, period, due):
    assert due_date(d(received), period, RP) == d(due)


def test_a_period_without_holidays_counts_only_weekends():
    assert due_date(d("2025-04-10"), Period(WORKING_DAYS, 15), set()) == d("2025-05-01")


def test_a_period_must_be_usable():
    with pytest.raises(ValueError):
        Period("weeks", 2)
    with pytest.raises(ValueError):
        Period(WORKING_DAYS, 0)


# Received 02.06.2025, due 23.06.2025; extended on 18.06. to 30.06.2025.
EXTENDED = ((d("2025-06-18"), d("2025-06-30")),)


def item(answered=None, extensions=EXTENDED, **kw):
    return ItemIn(
        received=d("2025-06-02"),
        due=d("2025-06-23"),
        extensions=extensions,
        answered=d(answered) if answered else None,
        **kw,
    )


@pytest.mark.parametrize(
    "as_of, answered, extensions, expected",
    [
        ("2025-06-01", None, (), None),  # not received yet: it does not exist
        ("2025-06-23", None, (), OPEN),  # the due date itself is still in time
        ("2025-06-24", None, (), OVERDUE),
        ("2025-06-24", None, EXTENDED, OPEN),  # the extension is in force
        ("2025-06-17", None, EXTENDED, OPEN),
        ("2025-07-01", None, EXTENDED, OVERDUE),
        ("2025-07-01", "2025-06-23", EXTENDED, ANSWERED_IN_TIME),
        ("2025-07-01", "2025-06-27", EXTENDED, ANSWERED_WITHIN_EXTENSION),
        ("2025-07-01", "2025-06-30", EXTENDED, ANSWERED_WITHIN_EXTENSION),
        ("2025-07-15", "2025-07-01", EXTENDED, ANSWERED_LATE),
        ("2025-07-15", "2025-06-27", (), ANSWERED_LATE),
        # an answer dated after the as-of date is ignored
        ("2025-06-26", "2025-06-27", EXTENDED, OPEN),
        ("2025-06-26", "2025-06-27", (), OVERDUE),
    ],
)
def test_status(as_of, answered, extensions, expected):
    assert status(item(answered, extensions), d(as_of)) == expected


def test_an_extension_granted_after_the_as_of_date_does_not_exist_yet():
    late_grant = ((d("2025-06-25"), d("2025-07-10")),)
    assert due_in_force(item(extensions=late_grant), d("2025-06-24")) == d("2025-06-23")
    assert status(item(extensions=late_grant), d("2025-06-24")) == OVERDUE
    assert due_in_force(item(extensions=late_grant), d("2025-06-25")) == d("2025-07-10")
    assert status(item(extensions=late_grant), d("2025-06-25")) == OPEN


def test_the_last_extension_granted_is_in_force():
    twice = ((d("2025-06-18"), d("2025-06-30")), (d("2025-06-27"), d("2025-07-14")))
    assert due_in_force(item(extensions=twice), d("2025-06-26")) == d("2025-06-30")
    assert due_in_force(item(extensions=twice), d("2025-06-27")) == d("2025-07-14")
    assert status(item("2025-07-10", twice), d("2025-07-20")) == ANSWERED_WITHIN_EXTENSION


def test_withdrawn_is_a_status_of_its_own_from_its_date():
    withdrawn = item(withdrawn=d("2025-06-10"))
    assert status(withdrawn, d("2025-06-09")) == OPEN
    assert status(withdrawn, d("2025-06-10")) == WITHDRAWN


def received(on, due, answered=None, **kw):
    return ItemIn(d(on), d(due), answered=d(answered) if answered else None, **kw)


def test_figures_by_hand():
    as_of = d("2025-07-31")
    items = [
        received("2025-06-02", "2025-06-23", "2025-06-12"),  # in time, 10 days
        received("2025-06-02", "2025-06-23", "2025-06-16"),  # in time, 14 days
        received(  # within the extension, 25 days
            "2025-06-02",
            "2025-06-23",
            "2025-06-27",
            extensions=((d("2025-06-18"), d("2025-06-30")),),
        ),
        received("2025-06-02", "2025-06-23", "2025-07-03"),  # late, 31 days
        received("2025-06-02", "2025-06-23"),  # overdue
        received("2025-07-25", "2025-08-15"),  # open
        received("2025-06-02", "2025-06-23", withdrawn=d("2025-06-05")),  # left out
        received("2025-06-02", "2025-06-23", "2025-06-03", hidden=True),  # left out
        received("2025-08-01", "2025-08-22"),  # after the as-of date: left out
    ]
    f = figures(items, as_of)
    assert f.counts == {
        OPEN: 1,
        OVERDUE: 1,
        ANSWERED_IN_TIME: 2,
        ANSWERED_WITHIN_EXTENSION: 1,
        ANSWERED_LATE: 1,
    }
    assert f.share_answered_in_time == Decimal("40.0")  # 2 of 5 not open
    assert f.median_days_to_answer == Decimal("19.5")  # (14 + 25) / 2


def test_figures_round_half_up_and_take_the_middle_of_an_odd_count():
    as_of = d("2025-12-31")
    # 1 in time of 8 decided: 12.5 exactly; of 6: 16.666… → 16.7; median of 3 values
    in_time = received("2025-06-02", "2025-06-23", "2025-06-05")  # 3 days
    late = received("2025-06-02", "2025-06-23", "2025-07-02")  # 30 days
    eight = [in_time] + [received("2025-06-02", "2025-06-23")] * 7
    assert figures(eight, as_of).share_answered_in_time == Decimal("12.5")
    six = [in_time, late, late] + [received("2025-06-02", "2025-06-23")] * 3
    f = figures(six, as_of)
    assert f.share_answered_in_time == Decimal("16.7")
    assert f.median_days_to_answer == Decimal("30.0")  # 3, 30, 30
    assert str(f.median_days_to_answer) == "30.0"
    # 2 of 3: 66.666… → 66.7
    assert figures([in_time, in_time, late], as_of).share_answered_in_time == Decimal("66.7")


def test_no_figures_without_a_denominator():
    f = figures([received("2025-06-02", "2025-06-23")], d("2025-06-10"))
    assert f.counts[OPEN] == 1
    assert f.share_answered_in_time is None
    assert f.median_days_to_answer is None
