"""The plan's service functions: one event each, reasons for later finishes, stored forecast,
and nothing stored when a change is refused."""

from datetime import date

import pytest

from plansicht.forecast.models import MilestoneForecast, ProgrammeForecast
from plansicht.history.models import Event
from plansicht.plan.models import Dependency, Milestone, PlanVersion
from plansicht.services import Actor, ReasonRequired, ServiceError
from plansicht.services import plan as svc

from .factories import load

pytestmark = pytest.mark.django_db
OFFICE = Actor.system("tests", name="Programmbüro")


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English; the German ones are translations of them."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def programme(today):
    return load()


def ms(code):
    return Milestone.objects.get(code=code)


def finish_of(code):
    return MilestoneForecast.objects.get(milestone__code=code).finish


def events():
    return Event.objects.exclude(action="programme.loaded")


def test_reschedule_writes_one_event_with_old_new_and_reason_and_stores_the_forecast(programme):
    svc.reschedule(ms("D"), actor=OFFICE, duration_days=120, reason="Vergabe wiederholt")
    (event,) = events()
    assert event.action == "milestone.rescheduled"
    assert event.subject_label == "D" and event.measure.code == "M2"
    assert event.changes == {
        "duration_days": [90, 120],
        "forecast_finish": ["2025-09-29", "2025-10-29"],
    }
    assert event.reason == "Vergabe wiederholt" and event.actor == "Programmbüro"
    assert event.public is True
    assert finish_of("D") == date(2025, 10, 29)
    assert ProgrammeForecast.objects.get(programme=programme).slip_days == 30


def test_a_later_finish_without_a_reason_is_refused_and_nothing_is_stored(programme):
    d = ms("D")
    with pytest.raises(ReasonRequired, match=r"D from 29 Sep 2025 to 29 Oct 2025"):
        svc.reschedule(d, actor=OFFICE, duration_days=120, reason="  ")
    assert d.duration_days == 90  # the caller's object is not left half-changed
    assert ms("D").duration_days == 90
    assert finish_of("D") == date(2025, 9, 29)
    assert not events().exists()


def test_a_change_that_delays_only_successors_still_needs_a_reason(programme):
    # B is running; its expected finish delays C (its successor) as well.
    with pytest.raises(ReasonRequired, match="also moves the finish of 1 other"):
        svc.reschedule(ms("B"), actor=OFFICE, expected_finish=date(2025, 7, 1))
    svc.reschedule(ms("B"), actor=OFFICE, expected_finish=date(2025, 7, 1), reason="Lieferverzug")
    assert finish_of("C") == date(2025, 8, 5)


def test_a_planned_finish_moved_later_needs_a_reason_even_if_the_forecast_stays(programme):
    # C's forecast is held by its predecessor B; a longer planned duration within that slack
    # does not move the forecast, but it is still a later finish of the plan.
    b = ms("B")
    svc.reschedule(b, actor=OFFICE, expected_finish=date(2025, 9, 1), reason="Lieferverzug")
    c = ms("C")
    with pytest.raises(ReasonRequired):
        svc.reschedule(c, actor=OFFICE, planned_start=date(2025, 4, 20))


def test_an_earlier_finish_needs_no_reason(programme):
    svc.reschedule(ms("D"), actor=OFFICE, duration_days=60)
    assert finish_of("D") == date(2025, 8, 30)
    assert events().count() == 1


def test_nothing_to_change_is_refused(programme):
    with pytest.raises(ServiceError, match="Nothing to change"):
        svc.reschedule(ms("D"), actor=OFFICE, duration_days=90)
    assert not events().exists()


def test_bad_input_is_refused_with_the_field_named(programme):
    with pytest.raises(ServiceError) as e:
        svc.reschedule(ms("D"), actor=OFFICE, duration_days=-1)
    assert e.value.field == "duration_days"
    with pytest.raises(ServiceError) as e:
        svc.set_progress(ms("D"), 101, actor=OFFICE)
    assert e.value.field == "progress"


def test_record_actual_start_and_finish(programme, today):
    c = ms("C")
    svc.record_actual(c, actor=OFFICE, actual_start=date(2025, 5, 20), reason="früher begonnen")
    assert MilestoneForecast.objects.get(milestone=c).started
    svc.record_actual(c, actor=OFFICE, actual_finish=today)
    c.refresh_from_db()
    assert c.progress == 100
    f = MilestoneForecast.objects.get(milestone=c)
    assert f.finished and f.finish == today
    assert [e.action for e in events().order_by("at", "id")] == [
        "milestone.started",
        "milestone.finished",
    ]


def test_record_actual_refuses_impossible_dates(programme):
    with pytest.raises(ServiceError, match="future"):
        svc.record_actual(ms("C"), actor=OFFICE, actual_start=date(2025, 6, 2))
    with pytest.raises(ServiceError, match="needs an actual start"):
        svc.record_actual(ms("C"), actor=OFFICE, actual_finish=date(2025, 5, 2))
    with pytest.raises(ServiceError, match="before the actual start"):
        svc.record_actual(ms("B"), actor=OFFICE, actual_finish=date(2025, 2, 1))
    assert not events().exists()


def test_set_progress(programme):
    svc.set_progress(ms("D"), 25, actor=OFFICE)
    (event,) = events()
    assert event.changes == {"progress": [0, 25]}
    assert ProgrammeForecast.objects.get().percent_complete is not None


def test_add_dependency_delays_the_successor_and_a_cycle_is_refused(programme):
    with pytest.raises(ReasonRequired):
        svc.add_dependency(ms("C"), ms("D"), actor=OFFICE, lag_days=30)
    svc.add_dependency(ms("C"), ms("D"), actor=OFFICE, lag_days=30, reason="D braucht C")
    assert MilestoneForecast.objects.get(milestone__code="D").start == date(2025, 8, 5)
    with pytest.raises(ServiceError, match="cycle through A, B, C, D"):
        svc.add_dependency(ms("D"), ms("A"), actor=OFFICE)
    with pytest.raises(ServiceError, match="already depends"):
        svc.add_dependency(ms("C"), ms("D"), actor=OFFICE)
    assert Dependency.objects.count() == 4
    assert events().count() == 1


def test_remove_dependency(programme):
    dep = Dependency.objects.get(predecessor__code="B", successor__code="C")
    svc.remove_dependency(dep, actor=OFFICE, reason="entkoppelt")
    assert finish_of("C") == date(2025, 7, 1)  # now only as_of holds it: 1 June + 30
    (event,) = events()
    assert event.action == "dependency.removed"
    assert event.changes["predecessor"] == ["B", None]


def test_an_event_about_a_draft_is_internal(programme):
    svc.set_progress(ms("X"), 10, actor=OFFICE)
    svc.set_progress(ms("Z"), 10, actor=OFFICE)  # public flag, but its measure is a draft
    assert [e.public for e in events()] == [False, False]
    assert not MilestoneForecast.objects.filter(milestone__code__in=["X", "Z"]).exists()


def test_freeze_plan_version_records_every_published_forecast(programme, today):
    event = svc.freeze_plan_version(
        programme,
        actor=OFFICE,
        label="Änderungsplan 2025",
        approved_on=today,
        decision_ref="Ratsbeschluss 3/2025",
    )
    version = PlanVersion.objects.get(number=3)
    entries = {
        e.milestone.code: (e.start, e.finish) for e in version.entries.select_related("milestone")
    }
    assert set(entries) == {"A", "B", "C", "D"}
    assert entries["C"] == (date(2025, 6, 6), date(2025, 7, 6))
    assert event.action == "plan_version.frozen" and event.subject_id == version.pk
    p = ProgrammeForecast.objects.get()
    assert (p.current_version, p.original_version, p.slip_days) == (3, 1, 0)
    assert MilestoneForecast.objects.get(milestone__code="C").slip_days == 0


def test_freeze_needs_a_label_and_a_decision(programme, today):
    with pytest.raises(ServiceError) as e:
        svc.freeze_plan_version(
            programme, actor=OFFICE, label="", approved_on=today, decision_ref="x"
        )
    assert e.value.field == "label"
    with pytest.raises(ServiceError) as e:
        svc.freeze_plan_version(
            programme, actor=OFFICE, label="x", approved_on=today, decision_ref=" "
        )
    assert e.value.field == "decision_ref"
    assert PlanVersion.objects.count() == 2
