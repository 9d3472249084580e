"""The programme's participation settings through the service: who may change them, how a
bad region or category is refused, and the one event that tells the change in words."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from plansicht.history import registry
from plansicht.history.models import Event
from plansicht.participation.models import Submission
from plansicht.plan.models import Programme
from plansicht.services import Actor, ServiceError
from plansicht.services import participation as service

from .factories import participation_document


@pytest.fixture
def persona_document():
    return participation_document()


def settings(p, **changes):
    """The stored settings of the test programme (15 working days, one month, DE-RP, the
    Programmbüro, no pre-moderation) with ``changes``."""
    values = {
        "answer_period": {"kind": "working_days", "count": 15},
        "statement_period": {"kind": "months", "count": 1},
        "holiday_region": "DE-RP",
        "holiday_categories": [],
        "office_unit": p.office,
        "premoderation": False,
    }
    values.update(changes)
    return values


def save(p, user, **changes):
    service.save_participation_settings(
        p.programme, actor=Actor.for_user(user, p.programme), **settings(p, **changes)
    )


def test_an_editor_changes_the_periods_and_the_event_tells_it_in_words(personas):
    p = personas
    save(
        p,
        p.editor,
        answer_period={"kind": "calendar_days", "count": 30},
        holiday_region="de-by",
        holiday_categories=["catholic"],
        premoderation=True,
    )
    programme = Programme.objects.get(pk=p.programme.pk)
    assert programme.answer_period == {"kind": "calendar_days", "count": 30}
    assert (programme.holiday_region, programme.holiday_categories) == ("DE-BY", ["catholic"])
    assert programme.premoderation
    event = Event.objects.get(action="programme.participation_settings")
    assert event.user == p.editor
    with translation.override("en"):
        rows = {
            str(what): (old, new)
            for what, old, new in registry.describe(event.action, event.changes)
        }
    assert rows == {
        "answer period for questions": ("15 working days", "30 calendar days"),
        "region of the public holidays": ("DE-RP", "DE-BY"),
        "further holiday categories": ("–", "catholic"),
        "questions and comments wait for release": ("no", "yes"),
    }


def test_stored_due_dates_stay_and_new_items_take_the_new_period(personas):
    p = personas
    save(p, p.admin, answer_period={"kind": "calendar_days", "count": 10})
    assert Submission.objects.get(kind="question", code="F4").due == date(2025, 6, 3)
    item = service.submit(
        p.programme,
        actor=Actor.for_user(p.editor, p.programme),
        kind="question",
        text="Per Telefon",
        received=date(2025, 5, 30),
    )
    # 30.05. + 10 days = Monday 09.06. (Whit Monday, a holiday in DE-RP) → Tuesday 10.06.
    assert item.due == date(2025, 6, 10)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"holiday_region": "DE-XX"}, "holiday_region"),
        ({"holiday_region": "Rheinland-Pfalz"}, "holiday_region"),
        ({"holiday_region": ""}, "holiday_region"),
        ({"holiday_categories": ["pagan"]}, "holiday_categories"),
        ({"answer_period": {"kind": "weeks", "count": 2}}, "answer_period.kind"),
        ({"statement_period": {"kind": "months", "count": 0}}, "statement_period.count"),
        ({"statement_period": {"kind": "months", "count": 367}}, "statement_period.count"),
    ],
)
def test_bad_settings_are_refused_at_their_field_and_nothing_is_stored(personas, changes, field):
    p = personas
    with pytest.raises(ServiceError) as caught:
        save(p, p.editor, **changes)
    assert caught.value.field == field
    programme = Programme.objects.get(pk=p.programme.pk)
    assert programme.holiday_region == "DE-RP"
    assert programme.version == p.programme.version
    assert not Event.objects.filter(action="programme.participation_settings").exists()


def test_only_editors_and_administrators_change_the_settings(personas):
    p = personas
    for user in (p.viewer, p.unit_editor, p.finance, p.hr, p.outsider):
        with pytest.raises(PermissionDenied):
            save(p, user, premoderation=True)
    assert not Programme.objects.get(pk=p.programme.pk).premoderation


def test_saving_the_same_values_says_there_is_nothing_to_change(personas):
    with pytest.raises(ServiceError):
        save(personas, personas.editor)
