"""Proposals through their interfaces: the programme document's ``participation.proposals``
and ``programme.proposal_threshold`` (checked, stored, dumped back identically) and
``manage.py participation --json`` with hand-computed thresholds, due dates, statuses and
figures.

The programme counts 15 working days in Rhineland-Palatinate (holidays in the period: Labour
Day 01.05.2025, Ascension Day 29.05.2025, Whit Monday 09.06.2025); the threshold is 3."""

import copy
import json

import pytest

from plansicht.documents.programme import DocumentInvalid, dump, parse
from plansicht.proposals.models import Proposal

from .factories import load, participation_document
from .test_commands import command

pytestmark = pytest.mark.django_db


def decision(on, status, reason="Begründung", link=None):
    out = {"on": on, "status": status, "reason": reason}
    if link:
        out["link"] = link
    return out


def proposal_document() -> dict:
    doc = participation_document()
    doc["programme"]["proposal_threshold"] = 3
    doc["participation"]["proposals"] = [
        {  # reached Wed 07.05., due 28.05.; taken into the plan 20.05.: in time, 13 days
            "code": "V1",
            "about": "measure:M1",
            "by": "Anna A.",
            "received": "2025-05-02",
            "title": "Offene Sensordaten",
            "text": "Die Sensordaten sollen als offene Daten erscheinen.",
            "supports": ["2025-05-05", "2025-05-06", "2025-05-07"],
            "decisions": [
                decision("2025-05-10", "under_review", "Wir prüfen das."),
                decision("2025-05-20", "taken_into_plan", "Wird Teil von M1.", "measure:M1"),
            ],
        },
        {  # reached 07.05., due 28.05., extended 27.05. to 13.06.; partly taken 05.06.: 29 days
            "code": "V2",
            "about": "measure:M2",
            "body": "SB",
            "by": "Seniorenbeirat",
            "received": "2025-05-02",
            "title": "Sitzbänke an Radwegen",
            "text": "Bänke alle 500 m.",
            "supports": ["2025-05-05", "2025-05-06", "2025-05-07"],
            "extensions": [
                {"on": "2025-05-27", "to": "2025-06-13", "reason": "Abstimmung mit dem Bauamt"}
            ],
            "decisions": [
                decision("2025-06-05", "partly_taken", "Teilweise, an Hauptrouten.", "milestone:D")
            ],
        },
        {  # reached Mon 12.05., due 03.06. (Ascension Day); declined 10.06.: late, 29 days
            "code": "V3",
            "received": "2025-05-02",
            "title": "Programmweite Sprechstunde",
            "text": "Eine monatliche Sprechstunde.",
            "supports": ["2025-05-12", "2025-05-05", "2025-05-07"],
            "decisions": [decision("2025-06-10", "declined", "Es gibt schon Bürgersprechstunden.")],
        },
        {  # one support, declined 06.05. without reaching the threshold: in time, no days
            "code": "V4",
            "received": "2025-05-03",
            "title": "Eigene App",
            "text": "Eine App für alles.",
            "supports": ["2025-05-05"],
            "decisions": [decision("2025-05-06", "declined", "Der Webauftritt genügt.")],
        },
        {  # two supports, nothing decided: below the threshold, not counted
            "code": "V5",
            "about": "milestone:C",
            "received": "2025-05-04",
            "title": "Früher in Betrieb",
            "text": "Bitte früher.",
            "supports": ["2025-05-05", "2025-05-06"],
        },
        {  # withdrawn by the proposer on 08.05.: not counted
            "code": "V6",
            "received": "2025-05-04",
            "title": "Zurückgezogen",
            "text": "Hat sich erledigt.",
            "supports": ["2025-05-05", "2025-05-06", "2025-05-07"],
            "decisions": [decision("2025-05-08", "withdrawn", "")],
        },
        {  # declined 10.05., before the threshold was reached on Tue 20.05. (due 12.06.,
            # Whit Monday): in time, no days
            "code": "V7",
            "received": "2025-05-02",
            "title": "Vor der Schwelle entschieden",
            "text": "Text.",
            "supports": ["2025-05-05", "2025-05-06", "2025-05-20"],
            "decisions": [decision("2025-05-10", "declined", "Nicht zuständig.")],
        },
    ]
    return doc


def report(as_of):
    code, out, err = command("participation", "testprogramm", "--as-of", as_of, "--json")
    assert code == 0, err
    return json.loads(out)


def test_thresholds_due_dates_and_statuses_as_of_a_date(today):
    load(proposal_document())
    found = {p["code"]: p for p in report("2025-06-20")["proposals"]}
    assert found["V1"] == {
        "code": "V1",
        "received": "2025-05-02",
        "supports": 3,
        "threshold_reached": "2025-05-07",
        "due": "2025-05-28",
        "original_due": "2025-05-28",
        "decided": "2025-05-20",
        "status": "answered_in_time",
    }
    assert (found["V2"]["due"], found["V2"]["original_due"]) == ("2025-06-13", "2025-05-28")
    assert found["V2"]["status"] == "answered_within_extension"
    assert found["V3"]["threshold_reached"] == "2025-05-12"  # the supports' order is by date
    assert (found["V3"]["due"], found["V3"]["status"]) == ("2025-06-03", "answered_late")
    assert found["V4"] == {
        "code": "V4",
        "received": "2025-05-03",
        "supports": 1,
        "threshold_reached": None,
        "due": None,
        "original_due": None,
        "decided": "2025-05-06",
        "status": "answered_in_time",
    }
    assert (found["V5"]["supports"], found["V5"]["status"]) == (2, "below_threshold")
    assert found["V5"]["due"] is None
    assert (found["V6"]["status"], found["V6"]["decided"]) == ("withdrawn", "2025-05-08")
    assert found["V7"]["threshold_reached"] == "2025-05-20"
    assert (found["V7"]["due"], found["V7"]["status"]) == ("2025-06-12", "answered_in_time")


def test_the_figures_count_neither_below_threshold_nor_withdrawn(today):
    load(proposal_document())
    # 20.06.: in time V1, V4, V7; within the extension V2; late V3 — 3 of 5; the median of
    # the days from the threshold to the decision, V1 13, V2 29, V3 29 (V4, V7 have none)
    assert report("2025-06-20")["figures"]["proposals"] == {
        "open": 0,
        "overdue": 0,
        "answered_in_time": 3,
        "answered_within_extension": 1,
        "answered_late": 1,
        "share_answered_in_time": "60.0",
        "median_days_to_answer": "29.0",
    }
    # 01.06.: V2 (extended to 13.06.) and V3 (due 03.06.) still open; only V1 has days
    assert report("2025-06-01")["figures"]["proposals"] == {
        "open": 2,
        "overdue": 0,
        "answered_in_time": 3,
        "answered_within_extension": 0,
        "answered_late": 0,
        "share_answered_in_time": "100.0",
        "median_days_to_answer": "13.0",
    }


def test_a_date_before_the_threshold_or_a_decision_sees_neither(today):
    load(proposal_document())
    found = {p["code"]: p for p in report("2025-05-06")["proposals"]}
    # V1 has two supports by 06.05.; its review (10.05.) lies ahead
    assert (found["V1"]["supports"], found["V1"]["threshold_reached"]) == (2, None)
    assert (found["V1"]["decided"], found["V1"]["status"]) == (None, "below_threshold")
    # V3 is overdue the day after its due date, and open on it
    assert {p["code"]: p for p in report("2025-06-03")["proposals"]}["V3"]["status"] == "open"
    assert {p["code"]: p for p in report("2025-06-04")["proposals"]}["V3"]["status"] == "overdue"
    # nothing received after the date is listed
    assert "V5" not in {p["code"] for p in report("2025-05-03")["proposals"]}


def test_the_threshold_follows_the_programme_setting(today):
    doc = proposal_document()
    doc["programme"]["proposal_threshold"] = 2
    load(doc)
    found = {p["code"]: p for p in report("2025-06-20")["proposals"]}
    # V5's two supports reach it on 06.05.: due 15 working days later, 27.05., overdue now
    assert (found["V5"]["threshold_reached"], found["V5"]["due"]) == ("2025-05-06", "2025-05-27")
    assert found["V5"]["status"] == "overdue"


def test_dump_load_dump_is_identical(today):
    doc = proposal_document()
    doc["programme"]["proposal_labels"] = {"declined": "nicht umsetzbar"}
    load(doc)
    first = dump_of()
    assert first["programme"]["proposal_threshold"] == 3
    assert first["programme"]["proposal_labels"] == {"declined": "nicht umsetzbar"}
    proposals = {p["code"]: p for p in first["participation"]["proposals"]}
    assert proposals["V3"]["supports"] == ["2025-05-05", "2025-05-07", "2025-05-12"]
    assert "about" not in proposals["V3"]
    assert proposals["V2"]["body"] == "SB"
    assert proposals["V1"]["decisions"][1] == {
        "on": "2025-05-20",
        "status": "taken_into_plan",
        "reason": "Wird Teil von M1.",
        "link": "measure:M1",
    }
    assert Proposal.objects.get(code="V6").status == "withdrawn"
    load(copy.deepcopy(first), replace=True)
    assert dump_of() == first


def test_the_threshold_defaults_to_fifty_and_is_always_written(today):
    doc = participation_document()
    load(doc)
    assert dump_of()["programme"]["proposal_threshold"] == 50
    assert "proposals" not in dump_of().get("participation", {})


def dump_of():
    from plansicht.plan.models import Programme

    return json.loads(json.dumps(dump(Programme.objects.get(slug="testprogramm"))))


def problems(doc) -> dict:
    with pytest.raises(DocumentInvalid) as caught:
        parse(doc)
    return dict(caught.value.problems)


def test_a_broken_proposal_is_refused_with_where_and_why(today):
    doc = proposal_document()
    items = doc["participation"]["proposals"]
    items[0]["about"] = "measure:NOPE"
    items[1]["decisions"][0]["link"] = "milestone:NOPE"
    items[2]["decisions"][0]["reason"] = " "
    items[3]["supports"] = ["2025-05-01"]
    items[4]["decisions"] = [
        decision("2025-05-20", "under_review"),
        decision("2025-05-10", "declined", "x"),
    ]
    items[5]["decisions"][0]["status"] = "maybe"
    items[6]["code"] = "V1"
    doc["programme"]["proposal_threshold"] = 0
    found = problems(doc)
    assert "not the code of a measure" in found["participation.proposals[0].about"]
    assert "not the code of a milestone" in found["participation.proposals[1].decisions[0].link"]
    assert "needs a public reason" in found["participation.proposals[2].decisions[0].reason"]
    assert "before the received date" in found["participation.proposals[3].supports[0]"]
    assert "date order" in found["participation.proposals[4].decisions[1].on"]
    assert "participation.proposals[5].decisions[0].status" in found
    assert any(path.startswith("participation.proposals[6]") for path in found)
    assert "programme.proposal_threshold" in found
