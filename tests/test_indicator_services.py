"""The indicator services: who may change a measure's indicators, what they refuse, the
optimistic lock, and one history event per change, public when the measure is."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from plansicht.history.models import Event
from plansicht.indicators.models import Indicator, IndicatorValue
from plansicht.plan.models import Measure
from plansicht.services import Actor, ChangedMeanwhile, ReasonRequired, ServiceError
from plansicht.services import indicators as svc

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests", name="Programmbüro")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def measure(code):
    return Measure.objects.get(programme__slug="testprogramm", code=code)


def add(where="M1", actor=SYSTEM, **changes):
    values = {
        "code": "I1",
        "title": "Bearbeitungsdauer Bauantrag",
        "unit": "Tage",
        "baseline_value": "30",
        "baseline_on": date(2024, 1, 1),
        "target_value": "10",
        "target_on": date(2026, 12, 31),
        **changes,
    }
    return svc.save_indicator(measure(where), actor=actor, **values)


def events():
    return list(Event.objects.exclude(action="programme.loaded").order_by("pk"))


def test_adding_an_indicator_and_a_value_writes_one_event_each(personas):
    indicator = add()
    value = svc.save_indicator_value(
        indicator, actor=SYSTEM, on=date(2025, 3, 31), value="18.50", note="Q1"
    )
    assert IndicatorValue.objects.get().value == "18.50"  # as written
    added, recorded = events()
    assert added.action == "indicator.added"
    assert added.subject_label == "I1 Bearbeitungsdauer Bauantrag"
    assert added.measure.code == "M1" and added.public
    assert added.changes["baseline_value"] == [None, "30"]
    assert added.changes["target_on"] == [None, "2026-12-31"]
    assert recorded.action == "indicator_value.recorded"
    assert recorded.changes == {
        "on": [None, "2025-03-31"],
        "value": [None, "18.50"],
        "note": [None, "Q1"],
    }
    assert value.version == 1


def test_an_event_about_an_indicator_of_a_draft_measure_stays_internal(personas):
    indicator = add(where="M9")
    svc.save_indicator_value(indicator, actor=SYSTEM, on=date(2025, 1, 1), value="25")
    assert [e.public for e in events()] == [False, False]
    assert not Event.objects.public().filter(action__startswith="indicator").exists()


def test_unit_editors_of_the_measure_editors_and_admins_may_change_indicators(personas):
    # M1.1 has no lead unit of its own: it belongs to M1's, the unit editor's unit
    for persona in ("unit_editor", "editor", "admin"):
        user = getattr(personas, persona)
        indicator = add("M1.1", Actor.for_user(user, personas.programme), code=f"I-{persona}")
        assert Event.objects.about(indicator).get().user == user
    for persona in ("other_unit_editor", "viewer", "finance", "hr", "moderator", "outsider"):
        user = getattr(personas, persona)
        with pytest.raises(PermissionDenied):
            add("M1.1", Actor.for_user(user, personas.programme), code="I-x")
    # a unit editor of another unit's measure may not: M2 has no lead unit
    with pytest.raises(PermissionDenied):
        add("M2", Actor.for_user(personas.unit_editor, personas.programme))
    assert not Indicator.objects.filter(code="I-x").exists()
    with pytest.raises(PermissionDenied):
        add(actor=Actor(name="nobody"))


def test_a_value_of_another_units_measure_is_refused(personas):
    indicator = add()
    other = Actor.for_user(personas.other_unit_editor, personas.programme)
    with pytest.raises(PermissionDenied):
        svc.save_indicator_value(indicator, actor=other, on=date(2025, 1, 1), value="20")
    with pytest.raises(PermissionDenied):
        svc.delete_indicator(indicator, actor=other, reason="x")
    assert IndicatorValue.objects.count() == 0 and Indicator.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("baseline_value", "12,5", "Enter a number such as 70 or 12.5: a point before"),
        ("baseline_value", "1.23456", "at most four decimal places"),
        ("target_value", "1e3", "Enter a number such as 70 or 12.5: a point before"),
        ("target_value", "", "Enter a number such as 70 or 12.5."),
        ("code", "  ", "This field is required."),
        ("unit", "x" * 51, "At most 50 characters."),
        ("title", "", "This field is required."),
        ("baseline_on", "2024-01-01", "Enter a date."),
        ("target_on", date(2101, 1, 1), "Enter a date from 1 Jan 1990 to 31 Dec 2100."),
        ("target_on", date(2023, 12, 31), "The target date (31 Dec 2023) is before the baseline"),
    ],
)
def test_an_indicator_with_a_bad_value_is_refused_saying_where(personas, field, value, message):
    with pytest.raises(ServiceError) as caught:
        add(**{field: value})
    assert caught.value.field == field
    assert message in caught.value.message
    assert not Indicator.objects.exists() and not events()


def test_codes_are_unique_per_measure_only(personas):
    add()
    with pytest.raises(ServiceError) as caught:
        add(title="Zweiter")
    assert caught.value.field == "code"
    assert "The code I1 is taken by another indicator of this measure." in caught.value.message
    add("M2")  # another measure may use I1
    assert Indicator.objects.filter(code="I1").count() == 2


def test_values_are_kept_as_written_and_not_in_the_future(personas):
    indicator = add()
    for text in ("70", "12.50", "-3.5", "0.0001"):
        svc.save_indicator_value(indicator, actor=SYSTEM, on=date(2025, 1, 1), value=text)
    assert list(IndicatorValue.objects.values_list("value", flat=True)) == [
        "70",
        "12.50",
        "-3.5",
        "0.0001",
    ]
    with pytest.raises(ServiceError) as caught:  # today is 01.06.2025
        svc.save_indicator_value(indicator, actor=SYSTEM, on=date(2025, 6, 2), value="17")
    assert caught.value.field == "on"
    assert "2 Jun 2025 lies in the future" in caught.value.message
    with pytest.raises(ServiceError) as caught:
        svc.save_indicator_value(indicator, actor=SYSTEM, on=date(2025, 6, 1), value="17 Tage")
    assert caught.value.field == "value"
    assert IndicatorValue.objects.count() == 4


def test_a_stale_form_is_refused_and_changes_nothing(personas):
    indicator = add()
    stale = Indicator.objects.get(pk=indicator.pk)
    svc.save_indicator(
        measure("M1"),
        actor=SYSTEM,
        indicator=indicator,
        expected_version=1,
        **{**_fields(indicator), "target_value": "12"},
    )
    with pytest.raises(ChangedMeanwhile) as caught:
        svc.save_indicator(
            measure("M1"),
            actor=SYSTEM,
            indicator=stale,
            expected_version=1,
            **{**_fields(stale), "title": "Anders"},
        )
    assert "Changed meanwhile by Programmbüro" in caught.value.message
    stored = Indicator.objects.get(pk=indicator.pk)
    assert (stored.title, stored.target_value, stored.version) == (
        "Bearbeitungsdauer Bauantrag",
        "12",
        2,
    )
    assert stale.version == 1  # the caller's object is not bumped


def test_a_stale_value_form_is_refused_too(personas):
    indicator = add()
    value = svc.save_indicator_value(indicator, actor=SYSTEM, on=date(2025, 1, 1), value="20")
    svc.save_indicator_value(
        indicator, actor=SYSTEM, on=date(2025, 1, 1), value="21", indicator_value=value
    )
    old = IndicatorValue.objects.get(pk=value.pk)
    old.version = 1
    with pytest.raises(ChangedMeanwhile):
        svc.delete_indicator_value(old, actor=SYSTEM, expected_version=1)
    assert IndicatorValue.objects.get(pk=value.pk).value == "21"


def test_correcting_and_removing_a_value_write_old_and_new(personas):
    indicator = add()
    value = svc.save_indicator_value(indicator, actor=SYSTEM, on=date(2025, 1, 1), value="20")
    svc.save_indicator_value(
        indicator,
        actor=SYSTEM,
        on=date(2025, 1, 1),
        value="19.5",
        indicator_value=value,
        reason="Tippfehler",
        expected_version=1,
    )
    svc.delete_indicator_value(value, actor=SYSTEM, reason="doppelt", expected_version=2)
    corrected, removed = events()[-2:]
    assert corrected.action == "indicator_value.corrected"
    assert corrected.changes == {"value": ["20", "19.5"]} and corrected.reason == "Tippfehler"
    assert removed.action == "indicator_value.removed"
    assert removed.changes == {"on": ["2025-01-01", None], "value": ["19.5", None]}
    assert not IndicatorValue.objects.exists()


def test_nothing_to_change_is_said_so(personas):
    indicator = add()
    with pytest.raises(ServiceError, match="Nothing to change"):
        svc.save_indicator(measure("M1"), actor=SYSTEM, indicator=indicator, **_fields(indicator))


def test_an_indicator_with_values_goes_only_with_a_reason_and_takes_them_along(personas):
    indicator = add()
    svc.save_indicator_value(indicator, actor=SYSTEM, on=date(2025, 1, 1), value="20")
    with pytest.raises(ReasonRequired):
        svc.delete_indicator(indicator, actor=SYSTEM)
    assert Indicator.objects.exists()
    svc.delete_indicator(indicator, actor=SYSTEM, reason="Kennzahl entfällt")
    assert not Indicator.objects.exists() and not IndicatorValue.objects.exists()
    removed = events()[-1]
    assert removed.action == "indicator.removed" and removed.reason == "Kennzahl entfällt"
    assert removed.subject_label == "I1 Bearbeitungsdauer Bauantrag"
    assert removed.changes["code"] == ["I1", None]


def test_an_indicator_without_values_goes_without_a_reason(personas):
    svc.delete_indicator(add(), actor=SYSTEM)
    assert not Indicator.objects.exists()


def _fields(indicator):
    return {key: getattr(indicator, key) for key in svc.INDICATOR_FIELDS}
