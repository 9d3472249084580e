"""The grant's conditions through the programme document, the stored forecast and
``forecast --json``: drawdowns against their window with the interest exposure, the financing
plan's 20 % rule with a closed line, the proofs of use, and the duty to notify the funder.
The engine's rules one by one: tests/engine/test_grant_conditions.py."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from plansicht.documents.programme import DocumentInvalid, dump, parse
from plansicht.forecast import conditions
from plansicht.forecast.models import GrantForecast
from plansicht.funding.models import FunderNotification, Grant, ProofSubmission
from plansicht.history.models import Event
from plansicht.plan.models import Programme
from plansicht.services import ServiceError
from plansicht.services import funding as service

from .factories import SYSTEM, funded_document, load

pytestmark = pytest.mark.django_db


@pytest.fixture
def persona_document():
    """The personas work on the funded document: 2520,00 € of grant at risk on 01.06.2025."""
    return funded_document()


def forecast_json(as_of):
    out = StringIO()
    call_command("forecast", "testprogramm", "--json", "--as-of", as_of, stdout=out)
    return json.loads(out.getvalue())


def conditions_document():
    """The funded document (G1, 90 %, eligible 01.01.2021–31.08.2025) with a 42-day window,
    a second drawdown used late, a repayment, a closed line and one category overspent."""
    doc = funded_document()
    grant = doc["grants"][0]
    grant["drawdown_window"] = {"kind": "calendar_days", "count": 42}
    grant["reports_submitted"] = [
        {"kind": "interim", "year": 2021, "on": "2022-04-29"},
        {"kind": "interim", "year": 2022, "on": "2023-05-02"},
        {"kind": "interim", "year": 2024, "on": "2025-04-30"},
    ]
    grant["repayments"] = [{"on": "2025-07-15", "amount": "300.00"}]
    doc["drawdowns"].append(
        {
            "grant": "G1",
            "requested_on": "2025-05-01",
            "amount_requested": "1000.00",
            "received_on": "2025-05-10",
            "amount_received": "1000.00",
        }
    )
    doc["cost_plan"][1]["closed_on"] = "2025-07-20"  # K2, material, 3000 planned
    doc["expenditures"].append(
        {"cost_line": "K3", "on": "2025-07-10", "amount": "300.00", "eligible": True}
    )
    return doc


def test_forecast_json_gives_each_grant_its_conditions(today):
    load(conditions_document())
    grant = forecast_json("2025-08-01")["funding"]["grants"][0]
    # Uses (90 % of eligible spending of published lines, by date): 20.02. 900 (K3),
    # 15.05. 450 (K2), 01.07. 180 (K2), 10.07. 270 (K3); K2's 100 is not eligible.
    # Drawdown 1 (20.04., 1350, window 42 days → 01.06.) takes 900 + 450, all in time (the
    # 900 spent before it arrived is pre-financing refunded).
    # Drawdown 2 (10.05., 1000, window → 21.06.) takes 180 + 270 late; the repayment of 300
    # on 15.07. takes from what is left; 250 stay unused.
    # Interest, 5 points over the base rate (2.27 % from 01.01.2025, 1.27 % from 01.07.2025):
    #   180 late, 10.05.–01.07.: 52 days at 7.27 %         = 180 × 378.04 / 36500 = 1.86430…
    #   270 late, 10.05.–10.07.: 52 × 7.27 + 9 × 6.27      = 270 × 434.47 / 36500 = 3.21388…
    #   300 repaid after the window, 10.05.–15.07.: + 14 × 6.27 = 300 × 465.82 / 36500 = 3.82860…
    #   250 unused, 10.05.–01.08.: 52 × 7.27 + 31 × 6.27  = 250 × 572.41 / 36500 = 3.92061…
    #   together 12.82741… → 12.83
    assert grant["conditions"]["drawdowns"] == [
        {
            "received_on": "2025-04-20",
            "amount": "1350.00",
            "window_end": "2025-06-01",
            "used_in_time": "1350.00",
            "used_late": "0.00",
            "repaid": "0.00",
            "unused": "0.00",
            "interest": "0.00",
        },
        {
            "received_on": "2025-05-10",
            "amount": "1000.00",
            "window_end": "2025-06-21",
            "used_in_time": "0.00",
            "used_late": "450.00",
            "repaid": "300.00",
            "unused": "250.00",
            "interest": "12.83",
        },
    ]
    assert grant["conditions"]["interest_exposure"] == "12.83"
    # Investment (K3): 1000 planned, 1300 spent: 30 % over, more than the 20 % allowed.
    # Material (K2): closed on 20.07. with 700 spent (500 + 200): the rest is saved.
    # Staff (K1): open, nothing spent: its planned 9000.
    # Total 11000 against 13000 planned: not exceeded.
    assert grant["conditions"]["categories"] == [
        {
            "category": "investment",
            "planned": "1000.00",
            "forecast": "1300.00",
            "over_percent": "30.0",
            "flag": "needs_consent",
        },
        {
            "category": "material",
            "planned": "3000.00",
            "forecast": "700.00",
            "over_percent": "-76.7",
            "flag": "ok",
        },
        {
            "category": "staff",
            "planned": "9000.00",
            "forecast": "9000.00",
            "over_percent": "0.0",
            "flag": "ok",
        },
    ]
    assert grant["conditions"]["total"] == {
        "planned": "13000.00",
        "forecast": "11000.00",
        "exceeded": False,
    }
    # Interim proofs for 2021–2024, due 30 April of the next year; the final one six months
    # after August 2025: 28.02.2026.
    assert grant["conditions"]["reports"] == [
        {
            "kind": "interim",
            "year": 2021,
            "due": "2022-04-30",
            "submitted_on": "2022-04-29",
            "status": "submitted_in_time",
        },
        {
            "kind": "interim",
            "year": 2022,
            "due": "2023-04-30",
            "submitted_on": "2023-05-02",
            "status": "submitted_late",
        },
        {
            "kind": "interim",
            "year": 2023,
            "due": "2024-04-30",
            "submitted_on": None,
            "status": "overdue",
        },
        {
            "kind": "interim",
            "year": 2024,
            "due": "2025-04-30",
            "submitted_on": "2025-04-30",
            "status": "submitted_in_time",
        },
        {
            "kind": "final",
            "year": None,
            "due": "2026-02-28",
            "submitted_on": None,
            "status": "open",
        },
    ]


def test_facts_after_the_as_of_date_are_ignored(today):
    load(conditions_document())
    grant = forecast_json("2025-06-05")["funding"]["grants"][0]
    # By 05.06. drawdown 2 has no use yet and is still within its window (21.06.): unused,
    # without interest. The repayment of 15.07. and the late uses have not happened yet.
    second = grant["conditions"]["drawdowns"][1]
    assert (second["used_late"], second["repaid"], second["unused"], second["interest"]) == (
        "0.00",
        "0.00",
        "1000.00",
        "0.00",
    )
    # K2 is not closed yet: the larger of its plan and its spending.
    material = grant["conditions"]["categories"][1]
    assert (material["forecast"], material["flag"]) == ("3000.00", "ok")


def test_a_closed_line_has_nothing_left_at_risk(today):
    # K1 (9000, staff) on D: 2800 of it fall after the eligibility period by the forecast.
    doc = funded_document()
    doc["cost_plan"][0]["closed_on"] = "2025-05-01"
    load(doc)
    grant = forecast_json("2025-06-01")["funding"]["grants"][0]
    assert (grant["cost_at_risk"], grant["grant_at_risk"]) == ("0.00", "0.00")
    staff = grant["conditions"]["categories"][2]
    assert (staff["category"], staff["forecast"], staff["over_percent"]) == (
        "staff",
        "0.00",
        "-100.0",
    )


def test_the_conditions_keys_survive_dump_and_load(today):
    load(conditions_document())
    first = dump(Programme.objects.get(slug="testprogramm"))
    grant = first["grants"][0]
    assert grant["drawdown_window"] == {"kind": "calendar_days", "count": 42}
    assert grant["repayments"] == [{"on": "2025-07-15", "amount": "300.00"}]
    assert [r.get("year") for r in grant["reports_submitted"]] == [2021, 2022, 2024]
    assert "interim_report_months" not in grant and "final_report_due" not in grant
    assert first["cost_plan"][1]["closed_on"] == "2025-07-20"
    assert "closed_on" not in first["cost_plan"][0]
    load(first, replace=True)
    assert dump(Programme.objects.get(slug="testprogramm")) == first


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda g: g.update(reports_submitted=[{"kind": "interim", "on": "2022-04-29"}]),
            "grants[0].reports_submitted[0].year: an interim proof needs the year it covers",
        ),
        (
            lambda g: g.update(
                reports_submitted=[{"kind": "interim", "year": 2025, "on": "2026-01-05"}]
            ),
            "grants[0].reports_submitted[0].year: no interim proof is due for 2025: the grant's "
            "interim years are 2021 to 2024",
        ),
        (
            lambda g: g.update(
                reports_submitted=[
                    {"kind": "final", "on": "2025-12-01"},
                    {"kind": "final", "on": "2025-12-02"},
                ]
            ),
            "grants[0].reports_submitted[1]: this proof is listed twice (first at "
            "grants[0].reports_submitted[0])",
        ),
        (
            lambda g: g.update(final_report_due="2025-06-30"),
            "grants[0].final_report_due: 2025-06-30 is before the end of the eligibility period "
            "2025-08-31; the proof of use can only be due after it",
        ),
        (
            lambda g: g.update(drawdown_window={"kind": "weeks", "count": 6}),
            "grants[0].drawdown_window.kind",
        ),
    ],
)
def test_a_wrong_condition_is_named_by_its_path(change, message):
    doc = funded_document()
    change(doc["grants"][0])
    with pytest.raises(DocumentInvalid) as refused:
        parse(doc)
    lines = [f"{path}: {text}" for path, text in refused.value.problems]
    assert any(line.startswith(message) for line in lines), lines


# -- the duty to notify the funder ----------------------------------------------------------


def grant_conditions():
    programme = Programme.objects.get(slug="testprogramm")
    return {g["grant"].code: g for g in conditions.grant_conditions(programme)}


def test_money_at_risk_asks_the_office_to_notify_until_it_is_recorded(today):
    load(funded_document())  # 2520.00 of grant at risk as of 01.06.2025
    g = grant_conditions()["G1"]
    assert g["notify"] and g["grant_at_risk"] == Decimal("2520.00")
    grant = Grant.objects.get(code="G1")
    service.record_notification(grant, actor=SYSTEM, on=today, reference="Az. 12/2025")
    assert not grant_conditions()["G1"]["notify"]
    notification = FunderNotification.objects.get()
    assert notification.facts == {"grant_at_risk": "2520.00", "flags": [], "unused_late": "0.00"}
    event = Event.objects.get(action="notification.recorded")
    assert not event.public


def test_worse_figures_ask_again(today):
    load(funded_document())
    grant = Grant.objects.get(code="G1")
    service.record_notification(grant, actor=SYSTEM, on=today)
    # 200 more planned on K1 (D runs past the period): more grant at risk than when told.
    line = grant.cost_lines.get(code="K1")
    service.save_cost_line(
        grant.programme,
        actor=SYSTEM,
        code="K1",
        grant=grant,
        milestone=line.milestone,
        category="staff",
        amount="9200.00",
        reason="Tariferhöhung",
        line=line,
    )
    assert GrantForecast.objects.get(grant=grant).grant_at_risk > Decimal("2520.00")
    assert grant_conditions()["G1"]["notify"]


def test_without_anything_at_risk_nothing_is_to_be_notified(today):
    doc = funded_document()
    doc["grants"][0]["eligible_until"] = "2026-12-31"
    load(doc)
    assert not grant_conditions()["G1"]["notify"]


# -- services -------------------------------------------------------------------------------


def test_a_proof_is_recorded_once_and_only_for_an_interim_year(today):
    load(funded_document())
    grant = Grant.objects.get(code="G1")
    with pytest.raises(ServiceError) as refused:
        service.record_proof(grant, actor=SYSTEM, kind="interim", year=2025, on=today)
    assert refused.value.field == "year"
    with pytest.raises(ServiceError):  # 2021 is recorded in the document already
        service.record_proof(grant, actor=SYSTEM, kind="interim", year=2021, on=today)
    service.record_proof(grant, actor=SYSTEM, kind="interim", year=2023, on=today)
    assert ProofSubmission.objects.filter(grant=grant).count() == 2
    reports = GrantForecast.objects.get(grant=grant).conditions["reports"]
    assert [r["status"] for r in reports] == [
        "submitted_in_time",  # 2021, on 20.04.2022
        "overdue",  # 2022
        "submitted_late",  # 2023, due 30.04.2024, recorded today 01.06.2025
        "overdue",  # 2024, due 30.04.2025
        "open",  # the final proof, due 28.02.2026
    ]


def test_the_window_is_given_whole_or_not_at_all(today):
    load(funded_document())
    grant = Grant.objects.get(code="G1")
    with pytest.raises(ServiceError) as refused:
        service.save_grant_conditions(grant, actor=SYSTEM, drawdown_window_kind="months")
    assert refused.value.field == "drawdown_window_count"
    service.save_grant_conditions(
        grant, actor=SYSTEM, drawdown_window_kind="calendar_days", drawdown_window_count=42
    )
    event = Event.objects.get(action="grant.conditions_saved")
    assert event.changes["drawdown_window_count"] == [None, 42]
    stored = GrantForecast.objects.get(grant=grant).conditions["drawdowns"][0]
    assert stored["window_end"] == "2025-06-01"  # 20.04.2025 + 42 days


def test_spending_outside_the_grant_period_uses_no_drawn_money(today):
    doc = funded_document()
    doc["grants"][0]["repayments"] = []
    # Flagged eligible, but paid after the period ended (31.08.2025): never eligible.
    doc["expenditures"].append(
        {"cost_line": "K1", "on": "2025-09-15", "amount": "5000.00", "eligible": True}
    )
    doc["drawdowns"].append(
        {
            "grant": "G1",
            "requested_on": "2025-09-01",
            "amount_requested": "500.00",
            "received_on": "2025-09-10",
            "amount_received": "500.00",
        }
    )
    load(doc)
    grant = forecast_json("2025-12-01")["funding"]["grants"][0]
    # The uses are 900 (20.02.), 450 (15.05.) and 180 (200 on 01.07.): drawdown 1 (1350,
    # received 20.04.) takes 900 + 450; drawdown 2 (500, received 10.09.) takes the 180 of
    # 01.07. (refunded, in time). 320 of drawdown 2 stay unused past its
    # window (10.11.): interest from 10.09. to 01.12., 82 days at 1.27 + 5 = 6.27 %:
    # 320 × 6.27 × 82 / 36500 = 4.50752… → 4.51. The 4500 the late spending would use: none.
    second = grant["conditions"]["drawdowns"][1]
    assert second == {
        "received_on": "2025-09-10",
        "amount": "500.00",
        "window_end": "2025-11-10",
        "used_in_time": "180.00",
        "used_late": "0.00",
        "repaid": "0.00",
        "unused": "320.00",
        "interest": "4.51",
    }


# -- the pages ------------------------------------------------------------------------------


def test_the_office_is_asked_to_notify_and_records_it(client, personas):
    from django.urls import reverse

    client.force_login(personas.finance)
    overview = client.get(reverse("office:finance", args=["testprogramm"])).content.decode()
    assert "Fördermittelgeber der Förderung G1 informieren" in overview
    page = client.get(reverse("office:conditions", args=["testprogramm"])).content.decode()
    assert "Die Prognose gefährdet 2.520,00 € an Fördermitteln." in page
    notify = reverse("office:conditions_notify", args=["testprogramm", "G1"])
    assert notify in page
    response = client.post(notify, {"on": "30.05.2025", "reference": "Schreiben 12/2025"})
    assert response.status_code == 302
    page = client.get(reverse("office:conditions", args=["testprogramm"])).content.decode()
    assert "Fördermittelgeber informieren" not in page
    assert (
        "Der Fördermittelgeber wurde am 30.05.2025 informiert (Aktenzeichen Schreiben 12/2025)"
        in page
    )
    # A reader sees the conditions, without the form.
    client.force_login(personas.viewer)
    page = client.get(reverse("office:conditions", args=["testprogramm"])).content.decode()
    assert notify not in page


def test_the_public_money_page_shows_each_grants_conditions(client, today):
    from django.urls import reverse

    load(conditions_document())
    page = client.get(reverse("portal:finance", args=["testprogramm"])).content.decode()
    # As of the test clock, 01.06.2025: drawdown 2 (10.05.) still within its window.
    assert "Zinsrisiko: keines." in page
    assert "Zwischennachweis 2023" in page and "überfällig" in page
    assert "verspätet eingereicht" in page  # the interim proof of 2022
    assert "Finanzierungsplan nach Kostenart" in page
