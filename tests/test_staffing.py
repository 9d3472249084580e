"""Posts and hiring through the loader, the stored forecast, the command and the services:
how a late hire becomes a late programme and lost money."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plansicht.accounts.models import StaffRole, Unit
from plansicht.forecast.models import MilestoneForecast, PositionForecast
from plansicht.history.models import Event
from plansicht.services import Actor, ServiceError
from plansicht.services import staffing as svc
from plansicht.staffing.models import Position

from .factories import load, staffed_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English; the German ones are translations of them."""
    from django.utils import translation

    with translation.override("en"):
        yield


def forecast_json(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command(
            "forecast",
            "testprogramm",
            "--json",
            "--as-of",
            "2025-06-01",
            *args,
            stdout=out,
            stderr=err,
        )
    except SystemExit as e:
        return e.code, err.getvalue()
    return 0, json.loads(out.getvalue())


def test_a_late_hire_delays_the_milestone_and_puts_money_at_risk(today):
    load(staffed_document())
    code, data = forecast_json()
    # CDO: in the establishment plan since 1.3. (+90 = 30.5., before 1.6.): 1.6. + 42 + 56 + 30
    assert data["positions"] == [
        {"code": "CDO", "forecast_fill": "2025-10-07"},
        {"code": "PL", "forecast_fill": "2023-05-01"},
    ]
    d = {m["code"]: m for m in data["milestones"]}["D"]
    assert (d["forecast_start"], d["forecast_finish"]) == ("2025-11-06", "2026-02-04")
    # All of K1 (9000) now falls after the eligibility end (31.8.2025).
    assert data["funding"]["grants"][0]["cost_at_risk"] == "9000.00"
    assert data["funding"]["grants"][0]["grant_at_risk"] == "8100.00"
    assert data["assumptions"] == []


def test_the_what_if_fills_a_post_and_stores_nothing(today):
    load(staffed_document())
    before = (Event.objects.count(), list(MilestoneForecast.objects.values_list("finish")))
    code, data = forecast_json("--assume", "CDO=2025-06-01")
    assert data["assumptions"] == [{"code": "CDO", "filled_on": "2025-06-01"}]
    d = {m["code"]: m for m in data["milestones"]}["D"]
    assert d["forecast_start"] == "2025-07-01"
    assert data["funding"]["grants"][0]["grant_at_risk"] == "2520.00"
    with CaptureQueriesContext(connection) as queries:
        forecast_json("--assume", "CDO=2025-06-01")
    assert not [
        q for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert (Event.objects.count(), list(MilestoneForecast.objects.values_list("finish"))) == before


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("NOPE=2025-06-01", "is not a position of testprogramm"),
        ("CDO=2025-13-01", "is not a date"),
        ("CDO", "must look like CODE=YYYY-MM-DD"),
    ],
)
def test_a_bad_assumption_exits_1_and_says_why(today, arg, message):
    load(staffed_document())
    code, err = forecast_json("--assume", arg)
    assert code == 1 and message in err


def test_the_stored_forecast_keeps_fill_dates_vacancy_cost_and_alerts(today):
    load(staffed_document())
    cdo = PositionForecast.objects.get(position__code="CDO")
    assert (cdo.fill, cdo.vacant, cdo.current_step) == (
        date(2025, 10, 7),
        True,
        "in_establishment_plan",
    )
    assert cdo.days_vacant == (date(2025, 6, 1) - date(2020, 10, 1)).days  # since the notice
    assert cdo.vacancy_cost == Decimal("5580.00")  # 8100 now - 2520 if filled today
    assert cdo.alerts == ["not_advertised", "stand_in_only"]
    pl = PositionForecast.objects.get(position__code="PL")
    assert (pl.vacant, pl.days_vacant, pl.vacancy_cost) == (False, None, Decimal("0.00"))
    assert pl.alerts == ["contract_ending"]  # ends 15.7.2025, no successor sought


def test_positions_round_trip(today, tmp_path):
    load(staffed_document())
    first = StringIO()
    call_command("dump_programme", "testprogramm", stdout=first)
    dumped = json.loads(first.getvalue())
    assert dumped["milestones"][3]["requires_positions"] == ["CDO"]
    assert dumped["programme"]["onboarding_days"] == 30
    path = tmp_path / "doc.json"
    path.write_text(first.getvalue(), encoding="utf-8")
    call_command("load_programme", str(path), "--replace", stdout=StringIO(), stderr=StringIO())
    second = StringIO()
    call_command("dump_programme", "testprogramm", stdout=second)
    assert second.getvalue() == first.getvalue()


def personalamt():
    organisation = Position.objects.get(code="CDO").programme.organisation
    return Unit.objects.get_or_create(organisation=organisation, name="Personalamt")[0]


def test_hr_records_a_step_and_the_forecast_follows(today, django_user_model):
    programme = load(staffed_document())
    user = django_user_model.objects.create_user("hr")
    StaffRole.objects.create(
        user=user, organisation=programme.organisation, role=StaffRole.HR, unit=personalamt()
    )
    hr = Actor.for_user(user, programme)
    cdo = Position.objects.get(code="CDO")
    svc.record_step(cdo, "filled", date(2025, 5, 15), actor=hr, reason="Besetzt")
    assert PositionForecast.objects.get(position=cdo).vacant is False
    assert MilestoneForecast.objects.get(milestone__code="D").start == date(2025, 7, 1)
    event = Event.objects.get(action="position.step")
    assert event.changes == {"step": [None, "filled"], "on": [None, "2025-05-15"]}
    with pytest.raises(ServiceError, match="future"):
        svc.record_step(cdo, "advertised", date(2025, 7, 1), actor=hr)


def test_hr_may_edit_posts_but_not_plans_or_money(today, django_user_model):
    from plansicht.funding.models import CostLine
    from plansicht.plan.models import Milestone
    from plansicht.services import funding as funding_svc
    from plansicht.services import plan as plan_svc

    programme = load(staffed_document())
    user = django_user_model.objects.create_user("hr")
    StaffRole.objects.create(
        user=user, organisation=programme.organisation, role=StaffRole.HR, unit=personalamt()
    )
    hr = Actor.for_user(user, programme)
    svc.save_position(Position.objects.get(code="CDO"), actor=hr, cover="interim")
    with pytest.raises(PermissionDenied):
        plan_svc.set_progress(Milestone.objects.get(code="D"), 5, actor=hr)
    with pytest.raises(PermissionDenied):
        funding_svc.save_expenditure(
            CostLine.objects.get(code="K1"),
            actor=hr,
            on=date(2025, 5, 1),
            amount="1.00",
            eligible=True,
        )
    editor = django_user_model.objects.create_user("editor")
    StaffRole.objects.create(
        user=editor, organisation=programme.organisation, role=StaffRole.EDITOR, unit=personalamt()
    )
    with pytest.raises(PermissionDenied):
        svc.save_position(
            Position.objects.get(code="CDO"),
            actor=Actor.for_user(editor, programme),
            cover="none",
        )


def test_a_private_holder_name_stays_out_of_the_public_history(today):
    load(staffed_document())
    svc.save_position(
        Position.objects.get(code="CDO"), actor=Actor(name="Personalamt"), holder="Dr. Neu"
    )
    event = Event.objects.get(action="position.changed")
    assert "Dr. Neu" not in json.dumps(event.changes)


def test_a_name_that_was_private_stays_out_when_the_holder_becomes_public(today):
    load(staffed_document())
    svc.save_position(
        Position.objects.get(code="CDO"),
        actor=Actor(name="Personalamt"),
        holder="Dr. Neu",
        holder_public=True,
    )
    event = Event.objects.get(action="position.changed")
    assert event.changes["holder"] == ["…", "Dr. Neu"]
    assert "Erika Muster" not in json.dumps(event.changes)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["positions"][0].update(steps=[]), "positions[0].steps"),
        (
            lambda d: d["positions"][0]["steps"][0].update(step="hired"),
            "positions[0].steps[0].step",
        ),
        (lambda d: d["positions"][0].update(fte="0.00"), "positions[0].fte"),
        (lambda d: d["positions"][0].update(cover="friend"), "positions[0].cover"),
        (lambda d: d["positions"][1].update(code="CDO"), "positions[1].code"),
        (
            lambda d: d["milestones"][3].update(requires_positions=["CTO"]),
            "milestones[3].requires_positions",
        ),
        (lambda d: d["programme"]["hiring_days"].update(offer=-1), "programme.hiring_days.offer"),
    ],
)
def test_bad_positions_are_named_by_path_and_nothing_is_stored(tmp_path, change, path):
    from plansicht.plan.models import Programme

    doc = staffed_document()
    change(doc)
    file = tmp_path / "doc.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("load_programme", str(file), stdout=StringIO(), stderr=err)
    assert f"\n{path}: " in "\n" + err.getvalue()
    assert not Programme.objects.exists()
