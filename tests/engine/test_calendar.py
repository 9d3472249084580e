"""Adding months to a date: the same day number, or the month's last day if it has none."""

from datetime import date

import pytest

from plansicht.engine.calendar import add_months

D = date.fromisoformat


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2025-06-01", 1, "2025-07-01"),
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),  # leap year
        ("2025-03-31", 1, "2025-04-30"),
        ("2025-12-15", 1, "2026-01-15"),
        ("2025-12-31", 2, "2026-02-28"),
        ("2025-05-31", 12, "2026-05-31"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2025-03-31", -1, "2025-02-28"),
        ("2026-01-15", -1, "2025-12-15"),
        ("2025-06-01", 0, "2025-06-01"),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last_day(start, months, expected):
    assert add_months(D(start), months) == D(expected)
