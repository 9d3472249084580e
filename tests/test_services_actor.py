"""No implicit rights: every service refuses an actor that is neither a signed-in user nor an
explicit system actor, and a system actor (a command, the importer, a task) may act."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from plansicht.documents.programme import parse
from plansicht.funding.models import CostLine
from plansicht.history.models import Event
from plansicht.plan.models import Milestone
from plansicht.services import Actor
from plansicht.services import funding as money_svc
from plansicht.services import plan as plan_svc
from plansicht.services import staffing as staffing_svc
from plansicht.services.programme import load_programme
from plansicht.staffing.models import Position

from .factories import load, staffed_document

pytestmark = pytest.mark.django_db
NOBODY = Actor(name="Programmbüro")  # a name only: no user, not a system actor


@pytest.fixture
def programme(today):
    return load(staffed_document())


def writes(programme):
    milestone = Milestone.objects.get(code="D")
    return {
        "progress": lambda actor: plan_svc.set_progress(milestone, 50, actor=actor),
        "dependency": lambda actor: plan_svc.add_dependency(
            Milestone.objects.get(code="A"), milestone, actor=actor
        ),
        "expenditure": lambda actor: money_svc.save_expenditure(
            CostLine.objects.get(code="K1"),
            actor=actor,
            on=date(2025, 5, 2),
            amount="10.00",
            eligible=True,
        ),
        "position": lambda actor: staffing_svc.save_position(
            Position.objects.get(code="CDO"), actor=actor, title="CDO (neu)"
        ),
        "load": lambda actor: load_programme(
            parse(staffed_document())[0], actor=actor, replace=True
        ),
    }


@pytest.mark.parametrize("write", ["progress", "dependency", "expenditure", "position", "load"])
def test_an_actor_without_user_or_system_flag_is_refused_and_nothing_is_stored(programme, write):
    before = Event.objects.count()
    with pytest.raises(PermissionDenied, match="named system process|benannter Systemprozess"):
        writes(programme)[write](NOBODY)
    assert Event.objects.count() == before
    assert Milestone.objects.get(code="D").progress == 0
    assert Position.objects.get(code="CDO").title == "Chief Digital Officer"


@pytest.mark.parametrize("write", ["progress", "dependency", "expenditure", "position", "load"])
def test_a_system_actor_may_make_the_change_under_its_name_and_unit(programme, write):
    unit = Position.objects.get(code="CDO").unit
    actor = Actor.system("tests", unit=unit, name="Programmbüro (Demo)")
    writes(programme)[write](actor)
    event = Event.objects.latest("id")
    assert event.actor == "Programmbüro (Demo)" and event.unit == unit and event.user is None


def test_a_system_actor_is_named_after_what_it_is_by_default():
    assert Actor.system("load_programme").name == "System (load_programme)"
    assert Actor.system("load_programme").is_system and not NOBODY.is_system
