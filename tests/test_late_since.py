"""Why and since when an item is late, as stored with the forecast."""

from datetime import date

import pytest

from plansicht.forecast import run
from plansicht.forecast.models import MeasureForecast, MilestoneForecast
from plansicht.plan.models import Milestone
from plansicht.services import Actor
from plansicht.services import plan as svc

from .factories import load

pytestmark = pytest.mark.django_db
OFFICE = Actor(name="Programmbüro")


def stored(code):
    return MilestoneForecast.objects.get(milestone__code=code)


def measure(code):
    return MeasureForecast.objects.get(measure__code=code)


def test_a_milestone_held_up_by_its_predecessor_stores_that_predecessor(today):
    load()
    c = stored("C")  # B runs late; C waits for B's finish + 5 days
    assert c.driver_milestone.code == "B"
    assert c.driver_position is None
    assert stored("D").driver_milestone is None  # starts on its own planned start


def test_an_item_late_without_an_event_is_late_since_the_day_after_its_approved_finish(today):
    load()
    assert stored("B").late_since == date(2025, 4, 3)  # approved finish 02.04.2025
    assert stored("C").late_since == date(2025, 5, 11)  # approved finish 10.05.2025
    assert stored("A").late_since is None  # finished 10 days late: within the tolerance
    assert stored("D").late_since is None
    assert measure("M1").late_since == date(2025, 5, 11)
    assert measure("M2").late_since is None


def test_the_event_that_makes_an_item_late_dates_it(today):
    load()
    svc.reschedule(
        Milestone.objects.get(code="D"),
        actor=OFFICE,
        expected_finish=date(2026, 1, 31),
        reason="Vergabe wiederholt",
    )
    assert stored("D").late_since == today  # the reschedule's date, not the approved finish
    assert measure("M2").late_since == today


def test_time_passing_makes_an_item_late_since_the_day_after_its_approved_finish(today):
    load()
    assert stored("D").late_since is None
    run.refresh(Milestone.objects.get(code="D").programme, date(2025, 11, 15))
    assert stored("D").late_since == date(2025, 9, 30)  # approved finish 29.09.2025


def test_staying_late_keeps_the_first_date_and_becoming_on_time_clears_it(today, monkeypatch):
    load()
    d = Milestone.objects.get(code="D")
    svc.reschedule(d, actor=OFFICE, expected_finish=date(2026, 1, 31), reason="Vergabe")
    monkeypatch.setattr(run, "today", lambda: date(2025, 8, 1))
    svc.reschedule(d, actor=OFFICE, expected_finish=date(2026, 3, 31), reason="noch später")
    assert stored("D").late_since == date(2025, 6, 1)
    run.refresh(d.programme, date(2025, 9, 1))
    assert stored("D").late_since == date(2025, 6, 1)
    svc.reschedule(d, actor=OFFICE, expected_finish=None, duration_days=60)  # 30.09.: 1 day
    assert stored("D").late_since is None
    assert measure("M2").late_since is None
