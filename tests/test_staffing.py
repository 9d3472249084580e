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

from plansicht.forecast.models import MilestoneForecast, PositionForecast
from plansicht.history.models import Event
from plansicht.services import Actor, ServiceError
from plansicht.services import staffing as svc
from plansicht.staffing.models import Position

from .factories import SYSTEM, load, staffed_document

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
    # Filled today, D could start on 1.7. (planned start; 1.6. + 30 days onboarding): of its
    # 90 days (100 € a day of K1) 62 fall within the eligibility (to 31.8.) and 28 after it:
    # 2800 at risk, 2520 grant. Filled on 1.7., D starts on 31.7.: 32 days within, 58 after:
    # 5800 at risk, 5220 grant. Vacancy cost 8100 - 2520, a month's delay 5220 - 2520.
    assert data["positions"] == [
        {
            "code": "CDO",
            "forecast_fill": "2025-10-07",
            "vacancy_cost": "5580.00",
            "month_cost": "2700.00",
        },
        {
            "code": "PL",
            "forecast_fill": "2023-05-01",
            "vacancy_cost": "0.00",
            "month_cost": "0.00",
        },
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
    # Never filled, no date it is needed from: the later of the grant notice (1.10.2020) and
    # the first step (planned, 1.1.2024); 1.1.2024 to 1.6.2025 is 517 days.
    assert (cdo.vacant_since, cdo.vacant_basis, cdo.days_vacant) == (
        date(2024, 1, 1),
        "first_step",
        517,
    )
    assert cdo.vacancy_cost == Decimal("5580.00")  # 8100 now - 2520 if filled today
    assert cdo.month_cost == Decimal("2700.00")  # 5220 if filled on 1.7. - 2520
    assert cdo.alerts == ["not_advertised", "stand_in_only"]
    pl = PositionForecast.objects.get(position__code="PL")
    assert (pl.vacant, pl.days_vacant, pl.vacancy_cost) == (False, None, Decimal("0.00"))
    assert (pl.vacant_since, pl.vacant_basis, pl.month_cost) == (None, "", Decimal("0.00"))
    assert pl.alerts == ["contract_ending"]  # ends 15.7.2025, no successor sought


def test_a_month_after_the_31st_is_the_last_day_of_a_shorter_month(today):
    from plansicht.forecast.run import refresh

    programme = load(staffed_document())
    refresh(programme, date(2025, 5, 31))
    cdo = PositionForecast.objects.get(position__code="CDO")
    # Filled on 31.5., D starts on its planned 1.7.: 2520 grant at risk (as above). One month
    # later is 30.6. (June has no 31st): D starts on 30.7., 33 of its 90 days within the
    # eligibility, 57 after it: 5700 at risk, 5130 grant; 5130 - 2520 = 2610.
    assert cdo.month_cost == Decimal("2610.00")
    assert cdo.days_vacant == 516  # 1.1.2024 to 31.5.2025


def test_a_post_only_a_draft_waits_for_costs_nothing(today):
    doc = staffed_document()
    del doc["milestones"][3]["requires_positions"]
    doc["milestones"][4]["requires_positions"] = ["CDO"]  # X, a draft
    load(doc)
    cdo = PositionForecast.objects.get(position__code="CDO")
    assert cdo.vacant
    assert (cdo.vacancy_cost, cdo.month_cost) == (Decimal("0.00"), Decimal("0.00"))


def test_without_grants_a_vacancy_costs_nothing(today):
    doc = staffed_document()
    for key in ("grants", "cost_plan", "expenditures", "budget_lines"):
        doc.pop(key)
    doc.pop("drawdown_plan")
    doc.pop("drawdowns")
    doc["positions"][0].pop("grant")
    load(doc)
    cdo = PositionForecast.objects.get(position__code="CDO")
    assert cdo.vacant
    assert (cdo.vacancy_cost, cdo.month_cost) == (Decimal("0.00"), Decimal("0.00"))
    assert (cdo.vacant_since, cdo.vacant_basis) == (date(2024, 1, 1), "first_step")


def test_a_post_is_vacant_from_the_date_hr_says_it_is_needed_from(today):
    doc = staffed_document()
    doc["positions"][0]["needed_from"] = "2024-07-01"
    load(doc)
    cdo = PositionForecast.objects.get(position__code="CDO")
    assert (cdo.vacant_since, cdo.vacant_basis, cdo.days_vacant) == (
        date(2024, 7, 1),
        "needed_from",
        335,  # 1.7.2024 to 1.6.2025
    )


def test_a_post_whose_holder_left_is_vacant_since_the_step_after_filled(today):
    doc = staffed_document()
    doc["positions"][1]["steps"].append({"step": "advertised", "on": "2025-03-15"})
    doc["positions"][1]["needed_from"] = "2023-01-01"  # only for a post never filled
    load(doc)
    pl = PositionForecast.objects.get(position__code="PL")
    assert (pl.vacant, pl.vacant_since, pl.vacant_basis, pl.days_vacant) == (
        True,
        date(2025, 3, 15),
        "holder_left",
        78,  # 15.3. to 1.6.2025
    )


def test_a_grant_notice_after_the_first_step_is_where_the_vacancy_starts(today):
    doc = staffed_document()
    doc["grants"][0]["commitment_date"] = "2024-03-01"
    load(doc)
    cdo = PositionForecast.objects.get(position__code="CDO")
    assert (cdo.vacant_since, cdo.vacant_basis, cdo.days_vacant) == (
        date(2024, 3, 1),
        "grant_notice",
        457,  # 1.3.2024 to 1.6.2025
    )


def test_positions_round_trip(today, tmp_path):
    doc = staffed_document()
    doc["positions"][0]["needed_from"] = "2024-07-01"
    load(doc)
    first = StringIO()
    call_command("dump_programme", "testprogramm", stdout=first)
    dumped = json.loads(first.getvalue())
    assert dumped["milestones"][3]["requires_positions"] == ["CDO"]
    assert dumped["programme"]["onboarding_days"] == 30
    cdo = dumped["positions"][0]
    assert cdo["needed_from"] == "2024-07-01"
    assert list(cdo).index("needed_from") == list(cdo).index("cover") + 1
    path = tmp_path / "doc.json"
    path.write_text(first.getvalue(), encoding="utf-8")
    call_command("load_programme", str(path), "--replace", stdout=StringIO(), stderr=StringIO())
    second = StringIO()
    call_command("dump_programme", "testprogramm", stdout=second)
    assert second.getvalue() == first.getvalue()


@pytest.fixture
def persona_document():
    return staffed_document()


def test_hr_records_a_step_and_the_forecast_follows(personas):
    hr = Actor.for_user(personas.hr, personas.programme)
    cdo = Position.objects.get(code="CDO")
    svc.record_step(cdo, "filled", date(2025, 5, 15), actor=hr, reason="Besetzt")
    assert PositionForecast.objects.get(position=cdo).vacant is False
    assert MilestoneForecast.objects.get(milestone__code="D").start == date(2025, 7, 1)
    event = Event.objects.get(action="position.step")
    assert event.changes == {"step": [None, "filled"], "on": [None, "2025-05-15"]}
    with pytest.raises(ServiceError, match="future"):
        svc.record_step(cdo, "advertised", date(2025, 7, 1), actor=hr)


def test_the_same_step_on_the_same_date_is_refused_and_nothing_is_stored(today):
    load(staffed_document())
    cdo = Position.objects.get(code="CDO")
    before = (cdo.steps.count(), Event.objects.count())
    with pytest.raises(ServiceError) as refused:
        svc.record_step(cdo, "in_establishment_plan", date(2025, 3, 1), actor=SYSTEM)
    assert refused.value.field == "step"
    assert "“in the establishment plan”" in refused.value.message
    assert "already entered" in refused.value.message
    assert (cdo.steps.count(), Event.objects.count()) == before
    # Another step on that date, or the same step on another date, is fine.
    svc.record_step(cdo, "advertised", date(2025, 3, 1), actor=SYSTEM)
    svc.record_step(cdo, "in_establishment_plan", date(2025, 3, 2), actor=SYSTEM, reason="x")
    assert cdo.steps.count() == before[0] + 2


def test_the_loader_names_a_step_entered_twice_and_the_earlier_one(tmp_path):
    from plansicht.plan.models import Programme

    doc = staffed_document()
    doc["positions"][0]["steps"].append({"step": "in_establishment_plan", "on": "2025-03-01"})
    file = tmp_path / "doc.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("load_programme", str(file), stdout=StringIO(), stderr=err)
    lines = [line for line in err.getvalue().splitlines() if line.startswith("positions[")]
    assert len(lines) == 1
    assert lines[0].startswith("positions[0].steps[2]: ")
    assert "positions[0].steps[1]" in lines[0] and "in_establishment_plan" in lines[0]
    assert not Programme.objects.exists()


def test_hr_may_edit_posts_but_not_plans_or_money(personas):
    from plansicht.funding.models import CostLine
    from plansicht.plan.models import Milestone
    from plansicht.services import funding as funding_svc
    from plansicht.services import plan as plan_svc

    programme = personas.programme
    hr = Actor.for_user(personas.hr, programme)
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
    with pytest.raises(PermissionDenied):
        svc.save_position(
            Position.objects.get(code="CDO"),
            actor=Actor.for_user(personas.editor, programme),
            cover="none",
        )


def test_a_private_holder_name_stays_out_of_the_public_history(today):
    load(staffed_document())
    svc.save_position(
        Position.objects.get(code="CDO"),
        actor=Actor.system("tests", name="Personalamt"),
        holder="Dr. Neu",
    )
    event = Event.objects.get(action="position.changed")
    assert "Dr. Neu" not in json.dumps(event.changes)


def test_a_name_that_was_private_stays_out_when_the_holder_becomes_public(today):
    load(staffed_document())
    svc.save_position(
        Position.objects.get(code="CDO"),
        actor=Actor.system("tests", name="Personalamt"),
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
