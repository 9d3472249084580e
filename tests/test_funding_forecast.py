"""Money at risk and own share, through the loader, the stored forecast and the command."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from plansicht.forecast.models import (
    GrantForecast,
    MeasureForecast,
    MilestoneForecast,
    ProgrammeForecast,
)

from .factories import funded_document, load

pytestmark = pytest.mark.django_db


def forecast_json(*args):
    out = StringIO()
    call_command("forecast", "testprogramm", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_forecast_json_reports_money_at_risk_and_own_share_by_year(today):
    load(funded_document())
    data = forecast_json("--as-of", "2025-06-01")
    for grant in data["funding"]["grants"]:  # the conditions: tests/test_grant_conditions.py
        grant.pop("conditions")
    # K1 on D: 90 days from 1.7., 28 of them after 31.8. -> 9000 * 28 / 90 = 2800 at risk.
    # 2025: spent 1500 (K2 500, K3 1000), falling eligible 2500 + 6200, outside 2800:
    # 0.1 * (1500 + 8700) + 2800 = 3820 needed, 1000 budgeted, gap 2820.
    assert data["funding"] == {
        "grants": [
            {
                "code": "G1",
                "cost_at_risk": "2800.00",
                "grant_at_risk": "2520.00",
                "years": [
                    {
                        "year": 2025,
                        "own_share_needed": "3820.00",
                        "own_share_budgeted": "1000.00",
                        "own_share_gap": "2820.00",
                    }
                ],
            }
        ]
    }
    # Money at risk makes D, its measure and the programme red, whatever their slip.
    assert data["finish"]["health"] == "red"
    assert {m["code"]: m["health"] for m in data["measures"]}["M2"] == "red"
    assert {m["code"]: m["health"] for m in data["milestones"]}["D"] == "red"
    assert {m["code"]: m["health"] for m in data["milestones"]}["C"] == "amber"


def test_the_stored_forecast_keeps_the_money(today):
    programme = load(funded_document())
    g = GrantForecast.objects.get(grant__code="G1")
    assert (g.cost_at_risk, g.grant_at_risk, g.spent) == (
        Decimal("2800.00"),
        Decimal("2520.00"),
        Decimal("1500.00"),
    )
    assert g.ineligible_spent == Decimal("100.00")
    assert (g.drawdown_planned, g.drawdown_received) == (Decimal("2000.00"), Decimal("1350.00"))
    assert MilestoneForecast.objects.get(milestone__code="D").cost_at_risk == Decimal("2800.00")
    assert MeasureForecast.objects.get(measure__code="M2").health == "red"
    p = ProgrammeForecast.objects.get(programme=programme)
    assert p.health == "red" and p.cost_at_risk == Decimal("2800.00")
    # The draft X's cost line takes no part; the KFP is derived from the baseline dates.
    assert "M2" in p.kfp and p.kfp["M2"]["2025"] == {"staff": "9000.00"}
    assert p.kfp["M1"]["2025"] == {"investment": "1000.00"}


def test_before_the_eligibility_end_matters_nothing_is_at_risk(today):
    doc = funded_document()
    doc["grants"][0]["eligible_until"] = "2026-12-31"
    load(doc)
    data = forecast_json("--as-of", "2025-06-01")
    assert data["funding"]["grants"][0]["cost_at_risk"] == "0.00"
    assert {m["code"]: m["health"] for m in data["milestones"]}["D"] == "green"


def test_funding_round_trips_through_dump_and_load(today, tmp_path):
    load(funded_document())
    first = StringIO()
    call_command("dump_programme", "testprogramm", stdout=first)
    dumped = json.loads(first.getvalue())
    assert dumped["cost_plan"][1]["amount"] == "3000.00"  # a number in, a string out
    assert dumped["grants"][0]["rate"] == "0.90"
    path = tmp_path / "doc.json"
    path.write_text(first.getvalue(), encoding="utf-8")
    call_command("load_programme", str(path), "--replace", stdout=StringIO(), stderr=StringIO())
    second = StringIO()
    call_command("dump_programme", "testprogramm", stdout=second)
    assert second.getvalue() == first.getvalue()


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["grants"][0].update(rate="1.5"), "grants[0].rate"),
        (lambda d: d["grants"][0].update(rate="0,9"), "grants[0].rate"),
        (lambda d: d["grants"][0].update(eligible_until="2020-01-01"), "grants[0].eligible_until"),
        (lambda d: d["cost_plan"][0].update(amount="12.345"), "cost_plan[0].amount"),
        (lambda d: d["cost_plan"][0].update(milestone="NOPE"), "cost_plan[0].milestone"),
        (lambda d: d["cost_plan"][0].update(category="food"), "cost_plan[0].category"),
        (lambda d: d["cost_plan"][1].update(code="K1"), "cost_plan[1].code"),
        (lambda d: d["expenditures"][0].pop("eligible"), "expenditures[0].eligible"),
        (lambda d: d["expenditures"][0].update(cost_line="K7"), "expenditures[0].cost_line"),
        (lambda d: d["budget_lines"][0].update(grant="G9"), "budget_lines[0].grant"),
        (lambda d: d["drawdowns"][0].pop("amount_received"), "drawdowns[0].amount_received"),
    ],
)
def test_bad_funding_is_named_by_path_and_nothing_is_stored(tmp_path, change, path):
    from plansicht.plan.models import Programme

    doc = funded_document()
    change(doc)
    file = tmp_path / "doc.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    err = StringIO()
    with pytest.raises(SystemExit) as e:
        call_command("load_programme", str(file), stdout=StringIO(), stderr=err)
    assert e.value.code == 1
    assert f"\n{path}: " in "\n" + err.getvalue()
    assert not Programme.objects.exists()


def test_the_kfp_splits_a_line_into_whole_cents_that_add_up():
    from plansicht.forecast.money import _whole_cents

    assert _whole_cents(10000, [(2025, 1), (2026, 2)], 3) == [(2025, 3333), (2026, 6667)]
    assert _whole_cents(100, [(2025, 1), (2026, 1), (2027, 1)], 3) == [
        (2025, 34),
        (2026, 33),
        (2027, 33),
    ]


# -- spending outside the grant's eligibility period (G1: 1.1.2021 to 31.8.2025) ---------------


def outside_period_document():
    """The funded document with two payments marked eligible but dated outside G1's period:
    600 before it began and 250 after it ended (the latter after the status date, too)."""
    doc = funded_document()
    doc["expenditures"] += [
        {"cost_line": "K2", "on": "2020-11-20", "amount": "600.00", "eligible": True},
        {"cost_line": "K2", "on": "2026-11-20", "amount": "250.00", "eligible": True},
    ]
    return doc


def test_the_loader_warns_about_spending_outside_the_eligibility_period():
    from plansicht.documents.programme import parse

    doc = outside_period_document()
    doc["expenditures"].append(
        {"cost_line": "K2", "on": "2026-12-01", "amount": "5.00", "eligible": False}
    )
    _document, warnings = parse(doc)
    assert warnings == [
        (
            "expenditures[4].on",
            "2020-11-20 lies outside the eligibility period of grant G1 "
            "(2021-01-01 to 2025-08-31); it counts as not eligible",
        ),
        (
            "expenditures[5].on",
            "2026-11-20 lies outside the eligibility period of grant G1 "
            "(2021-01-01 to 2025-08-31); it counts as not eligible",
        ),
    ]  # the one marked not eligible already needs no warning


def test_the_load_command_prints_the_warning_and_stores_the_document(tmp_path, today):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(outside_period_document()), encoding="utf-8")
    err = StringIO()
    call_command("load_programme", str(path), stdout=StringIO(), stderr=err)
    assert (
        "expenditures[5].on: 2026-11-20 lies outside the eligibility period of grant G1 "
        "(2021-01-01 to 2025-08-31); it counts as not eligible"
    ) in err.getvalue()
    assert GrantForecast.objects.filter(grant__code="G1").exists()


def test_spending_outside_the_period_counts_as_not_eligible_in_the_stored_forecast(today):
    load(outside_period_document())
    g = GrantForecast.objects.get(grant__code="G1")
    # Unchanged from the funded document: the 600 of 20.11.2020 is not eligible (counted as
    # eligible it would have made spent 2100 and lowered the 2025 gap to 2760).
    assert g.spent == Decimal("1500.00")
    assert g.ineligible_spent == Decimal("700.00")  # 100 marked not eligible + 600 outside
    assert g.remaining == Decimal("11500.00")  # K1 9000 + K2 3000 - 500 + K3 1000 - 1000
    assert [(y["year"], y["own_share_gap"]) for y in g.years] == [(2025, "2820.00")]


def test_the_dump_keeps_the_eligible_flag_of_spending_outside_the_period(today):
    load(outside_period_document())
    out = StringIO()
    call_command("dump_programme", "testprogramm", stdout=out)
    expenditures = json.loads(out.getvalue())["expenditures"]
    assert {"cost_line": "K2", "on": "2020-11-20", "amount": "600.00", "eligible": True} in (
        expenditures
    )
    assert {"cost_line": "K2", "on": "2026-11-20", "amount": "250.00", "eligible": True} in (
        expenditures
    )


# -- the stored cost and financing plan follows the plan version the forecast uses -------------


def test_a_frozen_plan_version_moves_the_stored_kfp_at_once(today):
    from datetime import date

    from plansicht.plan.models import Milestone
    from plansicht.services import Actor
    from plansicht.services import plan as plan_service

    programme = load(funded_document())
    office = Actor.system("tests", name="Programmbüro")
    plan_service.reschedule(
        Milestone.objects.get(code="D"),
        actor=office,
        planned_start=date(2025, 12, 1),
        duration_days=62,
        reason="Vergabe verschoben",
    )
    # Still approved (version 2): D from 1.7. to 29.9.2025, so K1's 9000 all in 2025.
    assert ProgrammeForecast.objects.get(programme=programme).kfp["M2"] == {
        "2025": {"staff": "9000.00"}
    }
    plan_service.freeze_plan_version(
        programme,
        actor=office,
        label="Änderungsplan 2025",
        approved_on=today,
        decision_ref="Ratsbeschluss 3/2025",
    )
    # Version 3 holds D's forecast, 1.12.2025 to 1.2.2026: 31 of its 62 days in each year.
    stored = ProgrammeForecast.objects.get(programme=programme)
    assert stored.current_version == 3
    assert stored.kfp["M2"] == {"2025": {"staff": "4500.00"}, "2026": {"staff": "4500.00"}}
