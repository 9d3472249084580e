"""What every read of the API shares: each list answers in the same number of queries for a
small programme and for one with many more of everything, and an unknown programme is not
found, in the one error body, on every route. (Each area's figures: test_api_<area>.py.)"""

import copy
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plansicht.api.urls import api
from plansicht.funding.models import CostLine
from plansicht.participation.models import Submission
from plansicht.plan.models import Milestone
from plansicht.services import Actor, participation, staffing
from plansicht.services import funding as money
from plansicht.services import plan as svc
from plansicht.staffing.models import Position

from .factories import decisions_document, indicated_document, load

pytestmark = pytest.mark.django_db


def rich_document(slug, more):
    """The decisions document with the indicated document's indicators, and ``more`` of
    everything besides: measures with a milestone each (costing money at risk), grants with
    drawdowns, funded posts, questions with extensions, statements, bodies, decisions with an
    assignment of every kind, and indicators with values."""
    doc = decisions_document(slug)
    indicated = {m["code"]: m for m in indicated_document(slug)["measures"]}
    for m in doc["measures"]:
        if "indicators" in indicated[m["code"]]:
            m["indicators"] = copy.deepcopy(indicated[m["code"]]["indicators"])
    part = doc["participation"]
    part["proposals"] = [
        {
            "code": "V0",
            "about": "measure:M1",
            "received": "2025-05-02",
            "title": "Vorschlag",
            "text": "Vorschlag",
            "supports": ["2025-05-03"],
            "extensions": [{"on": "2025-05-10", "to": "2025-06-30", "reason": "Rückfrage"}],
            "decisions": [{"on": "2025-05-20", "status": "declined", "reason": "Nein"}],
        }
    ]
    for n in range(more):
        code = f"N{n:02d}"
        doc["measures"].append(
            {
                "code": code,
                "title": f"Maßnahme {n}",
                "field_of_action": "F2",
                "lead_unit": "Tiefbauamt",
                "indicators": [
                    {
                        "code": "I1",
                        "title": f"Kennzahl {n}",
                        "unit": "Stück",
                        "baseline": {"value": "0", "on": "2025-01-01"},
                        "target": {"value": "10", "on": "2025-12-31"},
                        "actuals": [{"on": "2025-03-01", "value": str(n % 10), "note": "x"}],
                    }
                ],
            }
        )
        doc["milestones"].append(
            {
                "code": f"{code}-a",
                "measure": code,
                "title": f"Meilenstein {n}",
                "planned_start": "2025-08-01",
                "duration_days": 60,
                "progress": 0,
                "requires_positions": [f"P{code}"],
            }
        )
        grant = {**copy.deepcopy(doc["grants"][0]), "code": f"G{code}"}
        doc["grants"].append(grant)
        doc["cost_plan"].append(
            {
                "code": f"K{code}",
                "grant": f"G{code}",
                "milestone": f"{code}-a",
                "category": "material",
                "amount": "1000.00",
            }
        )
        doc["drawdown_plan"].append({"grant": f"G{code}", "on": "2025-03-31", "amount": "500.00"})
        doc["drawdowns"].append(
            {
                "grant": f"G{code}",
                "requested_on": "2025-04-02",
                "amount_requested": "300.00",
                "received_on": "2025-04-20",
                "amount_received": "300.00",
            }
        )
        doc["positions"].append(
            {
                "code": f"P{code}",
                "title": f"Stelle {n}",
                "grant": "G1",
                "steps": [{"step": "advertised", "on": "2025-02-01"}],
            }
        )
        part["bodies"].append(
            {"code": f"B{code}", "name": f"Beirat {n}", "kind": "advisory_council"}
        )
        part["questions"].append(
            {
                "code": f"Q{code}",
                "about": f"measure:{code}" if n % 2 else f"milestone:{code}-a",
                "by": f"Person {n}",
                "received": "2025-05-20",
                "text": f"Frage {n}",
                "extensions": [{"on": "2025-05-25", "to": "2025-06-30", "reason": "Rückfrage"}],
            }
        )
        part["statements"].append(
            {
                "code": f"S{code}",
                "about": f"measure:{code}",
                "body": f"B{code}",
                "received": "2025-05-10",
                "text": f"Stellungnahme {n}",
                "answer": {"on": "2025-05-20", "text": "Danke."},
            }
        )
        part["proposals"].append(
            {
                "code": f"V{code}",
                "about": f"measure:{code}" if n % 2 else f"milestone:{code}-a",
                "by": f"Person {n}",
                "received": "2025-05-02",
                "title": f"Vorschlag {n}",
                "text": f"Vorschlag {n}",
                "supports": ["2025-05-03", "2025-05-04"],
                "extensions": [{"on": "2025-05-10", "to": "2025-06-30", "reason": "Rückfrage"}],
                "decisions": [
                    {
                        "on": "2025-05-20",
                        "status": "taken_into_plan",
                        "reason": "Ja",
                        "link": "measure:M1",
                    }
                ],
            }
        )
        doc["decisions"].append(
            {
                "number": f"DS {n:04d}/2025",
                "body": "RAT",
                "date": "2025-02-01",
                "title": f"Beschluss {n}",
                "result": "adopted",
                "links": {
                    "measures": [code, "M1"],
                    "positions": [f"P{code}"],
                    "grants": [f"G{code}"],
                    "plan_versions": [2],
                },
                "assignments": [
                    {
                        "code": "A1",
                        "title": "a",
                        "due": "2025-12-31",
                        "done_when": {"milestone": f"{code}-a"},
                    },
                    {
                        "code": "A2",
                        "title": "b",
                        "due": "2025-12-31",
                        "done_when": {"position": f"P{code}", "step": "filled"},
                    },
                    {
                        "code": "A3",
                        "title": "c",
                        "due": "2025-12-31",
                        "done_when": {"plan_version": 3},
                    },
                    {
                        "code": "A4",
                        "title": "d",
                        "due": "2025-12-31",
                        "done_when": {"recorded": "2025-05-01"},
                    },
                ],
            }
        )
    return doc


def changes(programme):
    """One public change of each kind whose subject the history looks up: a milestone's, a
    post's, a payment's and an answer."""
    actor = Actor.system("tests", name="Programmbüro")
    svc.set_progress(Milestone.objects.get(programme=programme, code="C"), 20, actor=actor)
    staffing.record_step(
        Position.objects.get(programme=programme, code="CDO"),
        "advertised",
        date(2025, 6, 1),
        actor=actor,
    )
    money.save_expenditure(
        CostLine.objects.get(programme=programme, code="K2"),
        actor=actor,
        on=date(2025, 6, 1),
        amount="10.00",
        eligible=True,
    )
    participation.answer(
        Submission.objects.get(programme=programme, code="F5"), actor=actor, text="Bald."
    )


LISTS = (
    "",
    "{slug}/measures/",
    "{slug}/milestones/",
    "{slug}/history/",
    "{slug}/history/?measure=M1&kind=plan",
    "{slug}/grants/",
    "{slug}/finance/",
    "{slug}/finance/M1",
    "{slug}/positions/",
    "{slug}/questions/",
    "{slug}/questions/?status=open&unit=Tiefbauamt&measure=M1",
    "{slug}/statements/",
    "{slug}/statements/?body=SB",
    "{slug}/bodies/",
    "{slug}/decisions/",
    "{slug}/decisions/?body=RAT&year=2024",
    "{slug}/indicators/",
    "{slug}/indicators/?measure=M1",
    "{slug}/proposals/",
    "{slug}/proposals/?deadline=answered&measure=M1",
    "{slug}/consultations/",
)


def consultations(programme, more):
    """A closed public consultation with questions and answers, and ``more`` besides."""
    from .proposals_data import add_consultations, at, consultation, questions

    add_consultations(programme)
    for n in range(more):
        c = consultation(programme, f"C{n:02d}", at("2025-05-01"), at("2025-05-20"))
        questions(c)


def queries(client, url):
    client.get(url)  # warm the per-process caches (content types) before counting
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_every_list_answers_in_as_many_queries_for_a_small_and_a_large_programme(client, today):
    small = load(rich_document("klein", 0))
    large = load(rich_document("gross", 40))
    for programme, more in ((small, 0), (large, 40)):
        changes(programme)
        consultations(programme, more)
    actor = Actor.system("tests")
    for milestone in Milestone.objects.filter(programme=large, code__startswith="N"):
        svc.set_progress(milestone, 10, actor=actor)  # a longer history
    assert Submission.objects.filter(programme=large).count() >= 40 + 9
    for route in LISTS:
        counted = {
            p.slug: queries(client, "/api/v1/programmes/" + route.format(slug=p.slug))
            for p in (small, large)
        }
        assert counted["klein"] == counted["gross"], (route, counted)
        assert counted["gross"] <= 16, (route, counted)


def test_the_large_programmes_lists_are_full(client, today):
    """The large programme of the query test shows what it holds: a full page of each."""
    large = load(rich_document("gross", 40))
    base = f"/api/v1/programmes/{large.slug}"
    assert client.get(f"{base}/grants/").json()["count"] == 41
    assert client.get(f"{base}/positions/").json()["count"] == 41
    assert client.get(f"{base}/questions/").json()["count"] == 47
    assert client.get(f"{base}/decisions/").json()["count"] == 43
    assert client.get(f"{base}/indicators/").json()["count"] == 43
    assert len(client.get(f"{base}/finance/").json()["at_risk"]) == 41


def get_routes():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return sorted(path for path, methods in schema["paths"].items() if "get" in methods)


@pytest.mark.parametrize("route", [r for r in get_routes() if "{slug}" in r])
def test_an_unknown_programme_is_not_found_on_every_route(client, today, route):
    url = re.sub(r"\{id\}", "1", route.replace("{slug}", "nirgendwo"))
    url = url.replace("{code}", "X")
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404, url
    assert response.json() == {"detail": "There is no programme “nirgendwo”.", "errors": []}
    assert response["ETag"]
