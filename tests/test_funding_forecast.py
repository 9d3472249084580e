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
