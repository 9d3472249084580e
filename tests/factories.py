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
