"""The public history in the API: the events the portal's history page lists, newest first,
with their words, the changes from old to new, the reason and the unit; filtered as the page
filters them."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from plansicht.funding.models import CostLine
from plansicht.plan.models import Milestone
from plansicht.services import Actor, staffing
from plansicht.services import funding as money
from plansicht.services import plan as svc
from plansicht.staffing.models import Position

from .factories import load, staffed_document

pytestmark = pytest.mark.django_db

API = "/api/v1/programmes/testprogramm"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def changed(today, time_machine):
    """The staffed programme, loaded on 01.06.2025, then a change a day at 9:00: D's start
    moved with a reason (02.06.), C's progress (03.06.), the draft X's progress (04.06.), a
    hiring step of the CDO post (05.06.) and a payment on K2 with an internal note (06.06.)."""
    programme = load(staffed_document())
    actor = Actor.system("tests", name="Programmbüro")

    def on(day):
        time_machine.move_to(datetime(2025, 6, day, 9, tzinfo=BERLIN), tick=False)

    on(2)
    svc.reschedule(
        Milestone.objects.get(code="D"),
        actor=actor,
        planned_start=date(2025, 8, 1),
        reason="Vergabe verzögert",
    )
    on(3)
    svc.set_progress(Milestone.objects.get(code="C"), 20, actor=actor)
    on(4)
    svc.set_progress(Milestone.objects.get(code="X"), 10, actor=actor, reason="Entwurf")
    on(5)
    staffing.record_step(
        Position.objects.get(code="CDO"), "advertised", date(2025, 6, 5), actor=actor
    )
    on(6)
    money.save_expenditure(
        CostLine.objects.get(code="K2"),
        actor=actor,
        on=date(2025, 6, 6),
        amount=Decimal("250.00"),
        eligible=True,
        note="Rechnung 4711 von Firma Müller",
        document_ref="RE-2025-4711",
    )
    return programme


def actions(client, **query):
    page = client.get(f"{API}/history/", query).json()
    assert page["count"] == len(page["results"])
    return [e["action"] for e in page["results"]]


def test_the_public_changes_newest_first_without_the_drafts(client, changed):
    assert actions(client) == [
        "expenditure.saved",
        "position.step",
        "milestone.progress",  # C's; the draft X's is not public
        "milestone.rescheduled",
        "programme.loaded",
    ]


def test_a_change_with_its_words_old_and_new_and_its_reason(client, changed):
    events = client.get(f"{API}/history/").json()["results"]
    d = events[3]
    assert {k: d[k] for k in d if k not in ("id", "changes")} == {
        "at": "2025-06-02T09:00:00+02:00",
        "action": "milestone.rescheduled",
        "action_label": "Termine geändert",
        "kind": "plan",
        "subject": "D Konzept",
        "subject_code": "D",
        "subject_page": "milestone",
        "by": "Programmbüro",
        "reason": "Vergabe verzögert",
    }
    assert d["changes"] == [
        {
            "field": "planned_start",
            "label": "geplanter Beginn",
            "old": "2025-07-01",
            "new": "2025-08-01",
            "old_text": "01.07.2025",
            "new_text": "01.08.2025",
        }
    ]
    c = events[2]
    assert (c["subject"], c["reason"]) == ("C Inbetriebnahme", None)
    assert c["changes"] == [
        {
            "field": "progress",
            "label": "Fortschritt in Prozent",
            "old": 0,
            "new": 20,
            "old_text": "0",
            "new_text": "20",
        }
    ]


def test_a_hiring_step_and_a_payment_as_the_portal_tells_them(client, changed):
    payment, step = client.get(f"{API}/history/").json()["results"][:2]
    assert (step["kind"], step["subject"], step["subject_page"], step["subject_code"]) == (
        "posts",
        "CDO Chief Digital Officer",
        "positions",
        "CDO",
    )
    assert [(c["field"], c["old"], c["new"], c["new_text"]) for c in step["changes"]] == [
        ("on", None, "2025-06-05", "05.06.2025"),
        ("step", None, "advertised", "ausgeschrieben"),
    ]
    assert (payment["kind"], payment["subject"], payment["subject_page"]) == (
        "money",
        "K2 – C Inbetriebnahme",
        "milestone",
    )
    amount = next(c for c in payment["changes"] if c["field"] == "amount")
    assert (amount["old"], amount["new"]) == (None, "250.00")
    # The payment's internal note and invoice number are the office's.
    assert {c["field"] for c in payment["changes"]} == {"cost_line", "on", "amount", "eligible"}
    text = client.get(f"{API}/history/").content.decode()
    assert "4711" not in text and "Müller" not in text and "Entwurf" not in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "plan"}, ["milestone.progress", "milestone.rescheduled", "programme.loaded"]),
        ({"kind": "money"}, ["expenditure.saved"]),
        ({"kind": "posts"}, ["position.step"]),
        ({"kind": "participation"}, []),
        # C lies in M1.1.1, below M1.1 and M1; the payment is about C's cost line.
        ({"measure": "M1"}, ["expenditure.saved", "milestone.progress"]),
        ({"measure": "M1.1.1"}, ["expenditure.saved", "milestone.progress"]),
        ({"measure": "M2"}, ["milestone.rescheduled"]),
        ({"measure": "M9"}, []),  # a draft
        ({"measure": "NOPE"}, []),
        (
            {"date_from": "2025-06-03", "date_until": "2025-06-05"},
            ["position.step", "milestone.progress"],
        ),
        ({"date_until": "2025-06-01"}, ["programme.loaded"]),
        ({"kind": "plan", "measure": "M1", "date_from": "2025-06-03"}, ["milestone.progress"]),
    ],
)
def test_the_history_filters_are_the_portals(client, changed, query, expected):
    assert actions(client, **query) == expected


def test_an_end_before_the_start_is_refused_in_the_one_error_body(client, changed):
    response = client.get(
        f"{API}/history/",
        {"date_from": "2025-06-05", "date_until": "2025-06-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "date_until", "message": "The end date lies before the start date."}
    ]
    bad = client.get(f"{API}/history/", {"kind": "secret"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"


def test_an_unknown_programme_has_no_history(client, changed):
    response = client.get("/api/v1/programmes/nirgendwo/history/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}
