"""One clock for the app: clock.at() sets now and today for the code inside it."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from plansicht import clock
from plansicht.forecast import run
from plansicht.history.models import record


def test_at_sets_today_and_now_inside_and_the_real_clock_returns_after():
    real = timezone.localdate()
    with clock.at(date(2023, 3, 14)):
        assert clock.today() == date(2023, 3, 14)
        assert run.today() == date(2023, 3, 14)
        assert timezone.localtime(clock.now()).date() == date(2023, 3, 14)
        assert clock.overridden()
        with clock.at(datetime(2024, 1, 2, 9, 30)):
            assert clock.today() == date(2024, 1, 2)
        assert clock.today() == date(2023, 3, 14)
    assert not clock.overridden()
    assert clock.today() == real
    assert abs((clock.now() - timezone.now()).total_seconds()) < 5


def test_a_late_evening_moment_is_that_day_in_berlin():
    with clock.at(datetime(2024, 12, 31, 23, 30)):  # naive: taken in Europe/Berlin
        assert clock.today() == date(2024, 12, 31)


@pytest.mark.django_db
def test_an_event_is_dated_by_the_clock():
    with clock.at(date(2022, 6, 30)):
        event = record(action="programme.loaded")
    assert timezone.localtime(event.at).date() == date(2022, 6, 30)
