"""The money in the API: grants with their figures, drawdowns and conditions, and the spending
by year of the programme and of a measure, figured by hand from ``funded_document`` as of the
test clock (01.06.2025).

The document: grant G1 pays 90 % of eligible costs from 01.01.2021 to 31.08.2025 (at most
15,000.00); cost lines K1 9,000.00 staff on D (M2, 01.07.2025 for 90 days), K2 3,000.00
material on C (M1.1.1), K3 1,000.00 investment on A (M1), K9 777.00 on the draft X; spent on
K2 500.00 (15.05.2025, eligible), 200.00 (01.07.2025, not yet), 100.00 (01.03.2025, not
eligible), on K3 1,000.00 (20.02.2025); 1,000.00 own share budgeted for 2025; a drawdown plan of
2,000.00 by 31.03.2025; 1,350.00 requested on 02.04.2025 and received on 20.04.2025."""

import pytest

from plansicht.plan.models import Milestone
from plansicht.services import Actor
from plansicht.services import plan as svc

from .factories import funded_document, load

pytestmark = pytest.mark.django_db

API = "/api/v1/programmes/testprogramm"


@pytest.fixture
def funded(today):
    return load(funded_document())


def test_a_grant_with_its_money_from_the_stored_forecast(client, funded):
    page = client.get(f"{API}/grants/").json()
    assert page["count"] == 1
    g = page["results"][0]
    assert {k: g[k] for k in ("code", "funder", "reference", "phase", "rate", "max_amount")} == {
        "code": "G1",
        "funder": "KfW",
        "reference": "436-123",
        "phase": "Umsetzung",
        "rate": "0.9000",
        "max_amount": "15000.00",
    }
    assert (g["eligible_from"], g["eligible_until"]) == ("2021-01-01", "2025-08-31")
    # Spent and eligible by today: K2's 500.00 and K3's 1,000.00 (not the 100.00 marked not
    # eligible, not the 200.00 dated July).
    assert g["spent"] == "1500.00"
    # D runs 90 days from 01.07.; its 28 days after 31.08. put 9,000 * 28/90 at risk.
    assert (g["cost_at_risk"], g["grant_at_risk"]) == ("2800.00", "2520.00")
    # 2025: 10 % of the eligible 1,500 spent + 2,500 rest of K2 + 6,200 of K1 in the period,
    # plus all 2,800 outside it: 3,820.00 needed, 1,000.00 budgeted, 2,820.00 missing.
    assert g["own_share_by_year"] == [
        {
            "year": 2025,
            "own_share_needed": "3820.00",
            "own_share_budgeted": "1000.00",
            "own_share_gap": "2820.00",
        }
    ]


def test_a_grants_drawdowns_against_its_plan(client, funded):
    g = client.get(f"{API}/grants/G1").json()
    assert g["drawdowns"] == [
        {
            "on": "2025-03-31",
            "kind": "plan",
            "due": True,
            "planned": "2000.00",
            "requested": None,
            "received": None,
            "received_on": None,
        },
        {
            "on": "2025-04-02",
            "kind": "request",
            "due": True,
            "planned": None,
            "requested": "1350.00",
            "received": "1350.00",
            "received_on": "2025-04-20",
        },
    ]
    assert g["drawdown_totals"] == {
        "planned": "2000.00",
        "requested": "1350.00",
        "received": "1350.00",
        "lag": "650.00",
    }


def test_a_grants_conditions_are_the_public_figures_of_the_stored_forecast(client, funded):
    c = client.get(f"{API}/grants/G1").json()["conditions"]
    # The 1,350.00 received on 20.04. is to be spent within two months, by 20.06.: 90 % of
    # K3's 1,000.00 (20.02.) and of K2's 500.00 (15.05.) use it up in time.
    assert c["drawdowns"] == [
        {
            "received_on": "2025-04-20",
            "amount": "1350.00",
            "window_end": "2025-06-20",
            "used_in_time": "1350.00",
            "used_late": "0.00",
            "repaid": "0.00",
            "unused": "0.00",
            "interest": "0.00",
        }
    ]
    assert c["interest_exposure"] == "0.00"
    # The financing plan without the draft X's K9: forecast = plan, nothing over.
    assert [(k["category"], k["planned"], k["forecast"], k["flag"]) for k in c["categories"]] == [
        ("investment", "1000.00", "1000.00", "ok"),
        ("material", "3000.00", "3000.00", "ok"),
        ("staff", "9000.00", "9000.00", "ok"),
    ]
    assert c["total"] == {"planned": "13000.00", "forecast": "13000.00", "exceeded": False}
    # Interim proofs are due on 30.04. of the following year; only 2021's was sent (20.04.2022).
    # The final one: the last day of the sixth month after 31.08.2025.
    assert [(r["kind"], r["year"], r["due"], r["status"]) for r in c["reports"]] == [
        ("interim", 2021, "2022-04-30", "submitted_in_time"),
        ("interim", 2022, "2023-04-30", "overdue"),
        ("interim", 2023, "2024-04-30", "overdue"),
        ("interim", 2024, "2025-04-30", "overdue"),
        ("final", None, "2026-02-28", "open"),
    ]
    assert set(c) == {"interest_exposure", "drawdowns", "categories", "total", "reports"}


def test_no_spending_record_reaches_the_grant(client, funded):
    text = client.get(f"{API}/grants/G1").content.decode()
    assert "future-dated" not in text  # an expenditure's note
    assert "expenditure" not in text and "facts" not in text and "rate_missing" not in text


def test_the_programmes_spending_by_year_and_its_money_at_risk_with_the_reason(client, funded):
    svc.reschedule(
        Milestone.objects.get(code="D"),
        actor=Actor.system("tests", name="Programmbüro"),
        duration_days=91,
        reason="Vergabe musste wiederholt werden",
    )
    money = client.get(f"{API}/finance/").json()
    # 91 days from 01.07., 29 of them after 31.08.: 9,000 * 29/91 = 2,868.13, 90 % 2,581.32.
    assert (money["cost_at_risk"], money["grant_at_risk"]) == ("2868.13", "2581.32")
    assert money["as_of"] == "2025-06-01"
    # Planned: all three published lines in 2025; actual: the 1,600.00 paid by today (the
    # 100.00 not eligible too); forecast: that plus K1's 9,000.00 and K2's rest of 2,500.00.
    assert money["by_year"] == [
        {"year": 2025, "planned": "13000.00", "forecast": "13100.00", "actual": "1600.00"}
    ]
    assert money["at_risk"] == [
        {
            "milestone": "D",
            "title": "Konzept",
            "measure": "M2",
            "forecast_finish": "2025-09-30",
            "slip_days": 1,
            "cost_at_risk": "2868.13",
            "grant_at_risk": "2581.32",
            "reason": "Vergabe musste wiederholt werden",
            "late_because_of_milestone": None,
            "late_because_of_post": None,
        }
    ]


def test_a_measures_money_covers_its_published_subtree(client, funded):
    m1 = client.get(f"{API}/finance/M1").json()
    assert m1["measure"] == {"code": "M1", "title": "Datenplattform"}
    # K3 on A (M1) and K2 on C (M1.1.1, below it); K1 belongs to M2, K9 to the draft X.
    assert m1["cost_lines"] == [
        {
            "code": "K2",
            "milestone": "C",
            "category": "material",
            "grant": "G1",
            "amount": "3000.00",
        },
        {
            "code": "K3",
            "milestone": "A",
            "category": "investment",
            "grant": "G1",
            "amount": "1000.00",
        },
    ]
    assert m1["by_year"] == [
        {"year": 2025, "planned": "4000.00", "forecast": "4100.00", "actual": "1600.00"}
    ]
    assert (m1["cost_at_risk"], m1["at_risk"]) == ("0.00", [])
    m2 = client.get(f"{API}/finance/M2").json()
    assert [line["code"] for line in m2["cost_lines"]] == ["K1"]
    assert [m["milestone"] for m in m2["at_risk"]] == ["D"]


@pytest.mark.parametrize("path", ["grants/G9", "finance/M9", "finance/NOPE", "grants/"])
def test_unknown_grants_and_draft_measures_are_not_found(client, funded, path):
    url = f"/api/v1/programmes/nirgendwo/{path}" if path == "grants/" else f"{API}/{path}"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]


def test_without_grants_or_forecast_the_money_is_empty_not_absent(client, today):
    load()
    assert client.get(f"{API}/grants/").json()["results"] == []
    money = client.get(f"{API}/finance/").json()
    assert money["by_year"] == [] and money["at_risk"] == []
    assert money["cost_at_risk"] == "0.00"
