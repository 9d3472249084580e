"""The ``today`` fixture freezes the whole clock: every way the app asks for the time agrees."""

from datetime import date

from django.utils import timezone

from plansicht import clock
from plansicht.forecast import run
from plansicht.history.models import Event

from .factories import load


def test_the_status_date_now_and_the_events_time_agree(db, today):
    load()
    assert run.today() == clock.today() == date.today() == today
    assert timezone.localtime(timezone.now()).isoformat() == "2025-06-01T12:00:00+02:00"
    event = Event.objects.get(action="programme.loaded")
    assert timezone.localtime(event.at).isoformat() == "2025-06-01T12:00:00+02:00"


def test_the_clock_stands_still_and_clock_at_still_overrides_it(today):
    first = timezone.now()
    assert timezone.now() == first
    with clock.at(date(2023, 3, 14)):
        assert run.today() == date(2023, 3, 14)
    assert run.today() == today
