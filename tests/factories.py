"""Plain functions that build programme documents and load them through the service."""

import copy

from plansicht.documents.programme import FORMAT, parse
from plansicht.services import Actor
from plansicht.services.programme import load_programme

SYSTEM = Actor.system("tests")


def document(slug="testprogramm", **overrides) -> dict:
    """A small valid document: two fields, a measure tree three deep, a draft measure,
    five milestones (one draft), dependencies and two plan versions."""
    doc = {
        "format": FORMAT,
        "programme": {
            "slug": slug,
            "title": "Testprogramm",
            "organisation": "Stadt Teststadt",
            "thresholds": {"amber_days": 30, "red_days": 90},
        },
        "fields_of_action": [
            {"code": "F1", "title": "Verwaltung"},
            {"code": "F2", "title": "Mobilität"},
        ],
        "measures": [
            {
                "code": "M1",
                "title": "Datenplattform",
                "field_of_action": "F1",
                "lead_unit": "Stabsstelle Digitalisierung",
            },
            {"code": "M1.1", "title": "Sensorik", "field_of_action": "F1", "parent": "M1"},
            {"code": "M1.1.1", "title": "Gateways", "field_of_action": "F1", "parent": "M1.1"},
            {"code": "M2", "title": "Radverkehr", "field_of_action": "F2"},
            {
                "code": "M9",
                "title": "Geheimprojekt",
                "field_of_action": "F2",
                "draft": True,
                "internal_note": "noch nicht abgestimmt",
            },
        ],
        "milestones": [
            {
                "code": "A",
                "measure": "M1",
                "title": "Ausschreibung",
                "planned_start": "2025-01-01",
                "duration_days": 30,
                "actual_start": "2025-01-05",
                "actual_finish": "2025-02-10",
                "progress": 100,
            },
            {
                "code": "B",
                "measure": "M1.1",
                "title": "Beschaffung",
                "planned_start": "2025-02-01",
                "duration_days": 60,
                "actual_start": "2025-02-15",
                "progress": 40,
            },
            {
                "code": "C",
                "measure": "M1.1.1",
                "title": "Inbetriebnahme",
                "planned_start": "2025-04-01",
                "duration_days": 30,
                "progress": 0,
            },
            {
                "code": "D",
                "measure": "M2",
                "title": "Konzept",
                "planned_start": "2025-07-01",
                "duration_days": 90,
                "progress": 0,
            },
            {
                "code": "X",
                "measure": "M2",
                "title": "Entwurf",
                "draft": True,
                "planned_start": "2025-07-01",
                "duration_days": 400,
                "progress": 0,
            },
            {
                "code": "Z",
                "measure": "M9",
                "title": "Geheim",
                "planned_start": "2025-07-01",
                "duration_days": 900,
                "progress": 0,
            },
        ],
        "dependencies": [
            {"predecessor": "A", "successor": "B", "type": "FS", "lag_days": 0},
            {"predecessor": "B", "successor": "C", "type": "FS", "lag_days": 5},
            {"predecessor": "X", "successor": "D", "type": "FS", "lag_days": 0},
        ],
        "plan_versions": [
            {
                "number": 1,
                "label": "Umsetzungsplan 2020",
                "approved_on": "2020-09-15",
                "decision_ref": "Ratsbeschluss 1/2020",
                "milestones": [
                    {"code": "A", "start": "2025-01-01", "finish": "2025-01-31"},
                    {"code": "B", "start": "2025-02-01", "finish": "2025-04-02"},
                    {"code": "C", "start": "2025-04-01", "finish": "2025-05-01"},
                ],
            },
            {
                "number": 2,
                "label": "Änderungsplan 2022",
                "approved_on": "2022-06-30",
                "decision_ref": "Ratsbeschluss 2/2022",
                "milestones": [
                    {"code": "A", "start": "2025-01-01", "finish": "2025-01-31"},
                    {"code": "B", "start": "2025-02-01", "finish": "2025-04-02"},
                    {"code": "C", "start": "2025-04-10", "finish": "2025-05-10"},
                    {"code": "D", "start": "2025-07-01", "finish": "2025-09-29"},
                ],
            },
        ],
    }
    doc = copy.deepcopy(doc)
    doc.update(overrides)
    return doc


def load(doc=None, *, replace=False, reason=""):
    parsed, _warnings = parse(doc if doc is not None else document())
    return load_programme(parsed, actor=SYSTEM, replace=replace, reason=reason)


def late_measures_document(expected_finishes: list[str]) -> dict:
    """The small document with its plan replaced: one top-level measure per expected finish
    (N01, N02 … "Maßnahme k", field F1), each with one milestone Zk planned from 01.07.2025
    to 31.07.2025 (so approved in plan version 1) and expected to finish on that date."""
    doc = document()
    numbers = range(1, len(expected_finishes) + 1)
    doc["measures"] = [
        {"code": f"N{k:02d}", "title": f"Maßnahme {k}", "field_of_action": "F1"} for k in numbers
    ]
    doc["milestones"] = [
        {
            "code": f"Z{k:02d}",
            "measure": f"N{k:02d}",
            "title": f"Meilenstein {k}",
            "planned_start": "2025-07-01",
            "duration_days": 30,
            "expected_finish": finish,
        }
        for k, finish in zip(numbers, expected_finishes, strict=True)
    ]
    doc["dependencies"] = []
    doc["plan_versions"] = [
        {
            "number": 1,
            "label": "Umsetzungsplan",
            "approved_on": "2025-01-15",
            "decision_ref": "Ratsbeschluss 1/2025",
            "milestones": [
                {"code": f"Z{k:02d}", "start": "2025-07-01", "finish": "2025-07-31"}
                for k in numbers
            ],
        }
    ]
    return doc


def funded_document(slug="testprogramm") -> dict:
    """The small document with a grant whose eligibility ends while D is still running."""
    doc = document(slug)
    doc["grants"] = [
        {
            "code": "G1",
            "funder": "KfW",
            "title": "Modellprojekte Smart Cities",
            "reference": "436-123",
            "rate": "0.90",
            "commitment_date": "2020-10-01",
            "eligible_from": "2021-01-01",
            "eligible_until": "2025-08-31",
            "max_amount": "15000.00",
            "phase": "Umsetzung",
            "reports_submitted": [{"kind": "interim", "year": 2021, "on": "2022-04-20"}],
            "repayments": [{"on": "2025-05-20", "amount": "50.00"}],
        },
    ]
    doc["cost_plan"] = [
        {"code": "K1", "grant": "G1", "milestone": "D", "category": "staff", "amount": "9000.00"},
        {"code": "K2", "grant": "G1", "milestone": "C", "category": "material", "amount": 3000},
        {
            "code": "K3",
            "grant": "G1",
            "milestone": "A",
            "category": "investment",
            "amount": "1000.00",
        },
        {"code": "K9", "grant": "G1", "milestone": "X", "category": "staff", "amount": "777.00"},
    ]
    doc["expenditures"] = [
        {"cost_line": "K2", "on": "2025-05-15", "amount": "500.00", "eligible": True},
        {
            "cost_line": "K2",
            "on": "2025-07-01",
            "amount": "200.00",
            "eligible": True,
            "note": "future-dated",
        },
        {"cost_line": "K2", "on": "2025-03-01", "amount": "100.00", "eligible": False},
        {"cost_line": "K3", "on": "2025-02-20", "amount": "1000.00", "eligible": True},
    ]
    doc["budget_lines"] = [
        {
            "grant": "G1",
            "year": 2025,
            "product": "1.11.01",
            "title": "Smart City Eigenanteil",
            "own_share": "1000.00",
        },
    ]
    doc["drawdown_plan"] = [{"grant": "G1", "on": "2025-03-31", "amount": "2000.00"}]
    doc["drawdowns"] = [
        {
            "grant": "G1",
            "requested_on": "2025-04-02",
            "amount_requested": "1350.00",
            "received_on": "2025-04-20",
            "amount_received": "1350.00",
        },
    ]
    return doc


def staffed_document(slug="testprogramm") -> dict:
    """The funded document with a vacant, funded CDO post that milestone D waits for, and a
    filled project lead whose contract ends soon."""
    doc = funded_document(slug)
    doc["programme"]["hiring_days"] = {
        "planned": 60,
        "in_establishment_plan": 90,
        "advertised": 42,
        "selection": 56,
        "offer": 30,
    }
    doc["programme"]["onboarding_days"] = 30
    doc["positions"] = [
        {
            "code": "CDO",
            "title": "Chief Digital Officer",
            "unit": "Stabsstelle Digitalisierung",
            "fte": "1.00",
            "grant": "G1",
            "cover": "honorary",
            "holder": "Erika Muster",
            "steps": [
                {"step": "planned", "on": "2024-01-01"},
                {"step": "in_establishment_plan", "on": "2025-03-01"},
            ],
        },
        {
            "code": "PL",
            "title": "Projektleitung Datenplattform",
            "fte": "0.50",
            "holder": "Max Beispiel",
            "holder_public": True,
            "contract_end": "2025-07-15",
            "steps": [
                {"step": "advertised", "on": "2023-02-01"},
                {"step": "filled", "on": "2023-05-01"},
            ],
        },
    ]
    doc["milestones"][3]["requires_positions"] = ["CDO"]  # D
    return doc


def hiring_settings_form(**changes) -> dict:
    """The office's hiring-settings form as the staffed document fills it, with ``changes``."""
    return {
        "days_planned": 60,
        "days_in_establishment_plan": 90,
        "days_advertised": 42,
        "days_selection": 56,
        "days_offer": 30,
        "onboarding_days": 30,
        "alert_not_in_establishment_plan": 90,
        "alert_not_advertised": 180,
        "alert_contract_ending": 90,
        "reason": "",
        **changes,
    }


def participation_document(slug="testprogramm") -> dict:
    """The staffed document with the programme office, three bodies, and questions and
    statements in every state: answered in time, within an extension and late, open, overdue,
    withdrawn, hidden and awaiting release. Received dates lie in May 2025 (Rhineland-
    Palatinate: Ascension Day 29.05.); the test clock stands on 01.06.2025."""
    doc = staffed_document(slug)
    doc["programme"]["office_unit"] = "Programmbüro"
    doc["participation"] = {
        "bodies": [
            {"code": "SB", "name": "Seniorenbeirat", "kind": "advisory_council"},
            {"code": "JP", "name": "Jugendparlament", "kind": "youth_body"},
            {"code": "PR", "name": "Personalrat", "kind": "staff_council"},
        ],
        "questions": [
            {  # due 15 working days after Friday 02.05.: 23.05. — answered in time on 20.05.
                "code": "F1",
                "about": "measure:M1",
                "by": "Anna A.",
                "received": "2025-05-02",
                "text": "Wann kommt die Datenplattform?",
                "answer": {
                    "on": "2025-05-20",
                    "unit": "Stabsstelle Digitalisierung",
                    "text": "Im Herbst.",
                },
            },
            {  # due 22.05. (15 working days after 01.05.), extended to 06.06., answered 04.06.
                "code": "F2",
                "about": "milestone:C",
                "by": "Bernd B.",
                "received": "2025-05-01",
                "text": "Warum verzögert sich die Inbetriebnahme?",
                "extensions": [
                    {"on": "2025-05-20", "to": "2025-06-06", "reason": "Rückfrage beim Anbieter"}
                ],
                "answer": {"on": "2025-06-04", "text": "Lieferengpass."},
            },
            {  # received 05.05., due 26.05.: answered late on 28.05.
                "code": "F3",
                "about": "programme",
                "received": "2025-05-05",
                "text": "Wer leitet das Programm?",
                "answer": {"on": "2025-05-28", "unit": "Programmbüro", "text": "Das Programmbüro."},
            },
            {  # received 12.05., due 03.06. (Ascension Day 29.05. is no working day)
                "code": "F4",
                "about": "position:CDO",
                "by": "Clara C.",
                "received": "2025-05-12",
                "text": "Ist die Stelle ausgeschrieben?",
            },
            {  # received 06.05., due 27.05.: overdue on 01.06.
                "code": "F5",
                "about": "measure:M2",
                "received": "2025-05-06",
                "text": "Gibt es schon Radwege?",
            },
            {
                "code": "F6",
                "about": "measure:M2",
                "received": "2025-05-06",
                "text": "Zurückgezogen.",
                "withdrawn": {"on": "2025-05-07"},
            },
            {
                "code": "F7",
                "about": "programme",
                "received": "2025-05-06",
                "text": "Beleidigung",
                "hidden": {"reason": "Beleidigend"},
            },
            {
                "code": "F8",
                "about": "measure:M1",
                "by": "Dora D.",
                "received": "2025-05-30",
                "text": "Noch nicht freigegeben.",
                "pending": True,
            },
        ],
        "statements": [
            {  # one month: 14.04. → 14.05., answered 13.05.: in time
                "code": "S1",
                "about": "measure:M1",
                "body": "SB",
                "received": "2025-04-14",
                "text": "Der Seniorenbeirat bittet um Sprechstunden vor Ort.",
                "answer": {"on": "2025-05-13", "text": "Wir richten Sprechstunden ein."},
            },
        ],
    }
    return doc


def indicated_document(slug="testprogramm") -> dict:
    """The small document with indicators and a funder's acceptance. M1 has two indicators:
    I1 processing time, falling from 30 days (01.01.2024) to 10 (31.12.2026), measured 24
    (31.12.2024), 18 (31.03.2025) and 12.50 (30.06.2025, after the test clock's 01.06.2025);
    I2 online services, 0 → 120, measured twice on 31.03.2025 (68, then 70). M2 has one
    without actuals; draft M9 one with an actual. Milestone A (finished 10.02.2025) was
    accepted by the funder on 03.03.2025 under "ZB-2025/17"."""
    doc = document(slug)
    measures = {m["code"]: m for m in doc["measures"]}
    measures["M1"]["indicators"] = [
        {
            "code": "I1",
            "title": "Bearbeitungsdauer Bauantrag",
            "unit": "Tage",
            "baseline": {"value": "30", "on": "2024-01-01"},
            "target": {"value": "10", "on": "2026-12-31"},
            "actuals": [
                {"on": "2024-12-31", "value": "24"},
                {"on": "2025-03-31", "value": "18", "note": "Stichprobe Q1"},
                {"on": "2025-06-30", "value": "12.50"},
            ],
        },
        {
            "code": "I2",
            "title": "Online-Dienste verfügbar",
            "unit": "Dienste",
            "baseline": {"value": "0", "on": "2024-01-01"},
            "target": {"value": "120", "on": "2026-12-31"},
            "actuals": [
                {"on": "2025-03-31", "value": "68"},
                {"on": "2025-03-31", "value": "70", "note": "nachgezählt"},
            ],
        },
    ]
    measures["M2"]["indicators"] = [
        {
            "code": "I1",
            "title": "Radwege",
            "unit": "km",
            "baseline": {"value": "12.5", "on": "2025-01-01"},
            "target": {"value": "20", "on": "2027-12-31"},
            "actuals": [],
        }
    ]
    measures["M9"]["indicators"] = [
        {
            "code": "G1",
            "title": "Geheime Kennzahl",
            "unit": "Stück",
            "baseline": {"value": "0", "on": "2025-01-01"},
            "target": {"value": "5", "on": "2025-12-31"},
            "actuals": [{"on": "2025-02-01", "value": "4"}],
        }
    ]
    milestones = {m["code"]: m for m in doc["milestones"]}
    milestones["A"]["accepted_on"] = "2025-03-03"
    milestones["A"]["acceptance_ref"] = "ZB-2025/17"
    return doc


def decisions_document(slug="testprogramm") -> dict:
    """The participation document with the city council and a committee, and three council
    decisions with assignments of every kind; as of the test clock (01.06.2025):

    - DS 0050/2022 (council, 01.05.2022, about plan version 2): A1 plan version 2, due
      30.06.2022, approved 30.06.2022 — done in time;
    - DS 0100/2024 (council, 14.03.2024, about the CDO post, grant G1 and measure M1): A1 the
      CDO post filled by 31.12.2024 — overdue (it is in the establishment plan only); A2 the
      post in the establishment plan by 30.06.2025 — done in time on 01.03.2025;
    - DS 0200/2025 (committee, 20.01.2025, about M1 and M1.1 and plan version 2): A1 milestone
      A finished by 01.02.2025 — done late on 10.02.2025; A2 plan version 3 (none yet) by
      30.09.2025 — open; A3 recorded done on 15.05.2025, due 31.05.2025 — done in time; A4
      milestone B finished by 01.05.2025 — overdue."""
    doc = participation_document(slug)
    doc["participation"]["bodies"] += [
        {"code": "RAT", "name": "Rat der Stadt Teststadt", "kind": "council"},
        {"code": "DA", "name": "Ausschuss für Digitales", "kind": "committee"},
    ]
    doc["decisions"] = [
        {
            "number": "DS 0100/2024",
            "body": "RAT",
            "date": "2024-03-14",
            "title": "Einrichtung der Stelle Chief Digital Officer",
            "result": "adopted",
            "votes": {"yes": 30, "no": 4, "abstain": 2},
            "links": {"positions": ["CDO"], "grants": ["G1"], "measures": ["M1"]},
            "assignments": [
                {
                    "code": "A1",
                    "title": "Die Stelle ist besetzt.",
                    "due": "2024-12-31",
                    "done_when": {"position": "CDO", "step": "filled"},
                },
                {
                    "code": "A2",
                    "title": "Die Stelle steht im Stellenplan.",
                    "due": "2025-06-30",
                    "done_when": {"position": "CDO", "step": "in_establishment_plan"},
                },
            ],
        },
        {
            "number": "DS 0200/2025",
            "body": "DA",
            "date": "2025-01-20",
            "title": "Datenplattform: Ausschreibung und Beschaffung",
            "result": "adopted_with_changes",
            "text": "Der Ausschuss beschließt die Ausschreibung **mit Änderungen**.",
            "url": "https://ratsinfo.example.org/vo0200",
            "links": {"measures": ["M1.1", "M1"], "plan_versions": [2]},
            "assignments": [
                {
                    "code": "A1",
                    "title": "Die Ausschreibung ist abgeschlossen.",
                    "due": "2025-02-01",
                    "done_when": {"milestone": "A"},
                },
                {
                    "code": "A2",
                    "title": "Ein Änderungsplan liegt vor.",
                    "due": "2025-09-30",
                    "done_when": {"plan_version": 3},
                },
                {
                    "code": "A3",
                    "title": "Der Ausschuss ist unterrichtet.",
                    "due": "2025-05-31",
                    "done_when": {"recorded": "2025-05-15"},
                },
                {
                    "code": "A4",
                    "title": "Die Beschaffung ist abgeschlossen.",
                    "due": "2025-05-01",
                    "done_when": {"milestone": "B"},
                },
            ],
        },
        {
            "number": "DS 0050/2022",
            "body": "RAT",
            "date": "2022-05-01",
            "title": "Änderungsplan 2022",
            "result": "adopted",
            "links": {"plan_versions": [2]},
            "assignments": [
                {
                    "code": "A1",
                    "title": "Der Änderungsplan ist beschlossen.",
                    "due": "2022-06-30",
                    "done_when": {"plan_version": 2},
                },
            ],
        },
    ]
    return doc


def risks_document(slug="testprogramm") -> dict:
    """The decisions document with a risk register: R1 about M1, public, owned by the
    Stabsstelle Digitalisierung, likelihood 3, impact 4 (score 12), review on 01.07.2025; R2
    about the programme, internal, being mitigated, likelihood 2, impact 2, owned by a unit the
    document names first here (Rechtsamt); R3 closed, with the fewest keys."""
    doc = decisions_document(slug)
    doc["risks"] = [
        {
            "code": "R1",
            "title": "Lieferverzug der Sensoren",
            "measure": "M1",
            "owner_unit": "Stabsstelle Digitalisierung",
            "likelihood": 3,
            "impact": 4,
            "mitigation": "Zweiter Lieferant ist angefragt.",
            "status": "open",
            "next_review": "2025-07-01",
            "public": True,
        },
        {
            "code": "R2",
            "title": "Vergaberüge eines Bieters",
            "owner_unit": "Rechtsamt",
            "likelihood": 2,
            "impact": 2,
            "mitigation": "Vergabeunterlagen werden extern geprüft.",
            "status": "mitigating",
            "public": False,
        },
        {
            "code": "R3",
            "title": "Serverausfall",
            "likelihood": 1,
            "impact": 3,
            "status": "closed",
            "public": False,
        },
    ]
    return doc


def change_request_document(slug="antrag") -> dict:
    """A programme over two years for the change request, with plan version 1 (approved
    15.12.2024) and grant G1 (80 %, eligible 01.12.2024–28.02.2026):

    - A Ausschreibung (M1), 01.01.–31.01.2025 as approved, finished then; cost line K1
      (investment, 1.000,00 €), spent on 31.01.2025.
    - B Umsetzung (M1), approved 01.11.2025–09.02.2026 (100 days: 61 in 2025, 39 in 2026);
      cost line K2 (staff, 9.999,99 €), nothing spent. A test moves it to start 01.12.2025.
    - C Schulung (M2), planned 15.03.–14.04.2026, not in plan version 1; no cost line.
    """
    doc = document(slug)
    doc["programme"]["title"] = "Antragsprogramm"
    doc["measures"] = [
        {"code": "M1", "title": "Fachverfahren", "field_of_action": "F1"},
        {"code": "M2", "title": "Qualifizierung", "field_of_action": "F2"},
    ]
    doc["milestones"] = [
        {
            "code": "A",
            "measure": "M1",
            "title": "Ausschreibung",
            "planned_start": "2025-01-01",
            "duration_days": 30,
            "actual_start": "2025-01-01",
            "actual_finish": "2025-01-31",
            "progress": 100,
        },
        {
            "code": "B",
            "measure": "M1",
            "title": "Umsetzung",
            "planned_start": "2025-11-01",
            "duration_days": 100,
            "progress": 0,
        },
        {
            "code": "C",
            "measure": "M2",
            "title": "Schulung",
            "planned_start": "2026-03-15",
            "duration_days": 30,
            "progress": 0,
        },
    ]
    doc["dependencies"] = []
    doc["plan_versions"] = [
        {
            "number": 1,
            "label": "Umsetzungsplan 2024",
            "approved_on": "2024-12-15",
            "decision_ref": "Zuwendungsbescheid vom 20.11.2024",
            "milestones": [
                {"code": "A", "start": "2025-01-01", "finish": "2025-01-31"},
                {"code": "B", "start": "2025-11-01", "finish": "2026-02-09"},
            ],
        },
    ]
    doc["grants"] = [
        {
            "code": "G1",
            "funder": "Bund",
            "title": "Digitale Verwaltung",
            "reference": "FKZ 01-2024-17",
            "rate": "0.80",
            "commitment_date": "2024-11-20",
            "eligible_from": "2024-12-01",
            "eligible_until": "2026-02-28",
            "max_amount": "12000.00",
        },
    ]
    doc["cost_plan"] = [
        {"code": "K1", "grant": "G1", "milestone": "A", "category": "investment", "amount": "1000"},
        {"code": "K2", "grant": "G1", "milestone": "B", "category": "staff", "amount": "9999.99"},
    ]
    doc["expenditures"] = [
        {"cost_line": "K1", "on": "2025-01-31", "amount": "1000.00", "eligible": True},
    ]
    return doc
