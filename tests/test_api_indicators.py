"""Indicators in the API as the measure pages show them as of the test clock (01.06.2025),
from ``indicated_document`` (its docstring gives every value)."""

import pytest

from .factories import indicated_document, load

pytestmark = pytest.mark.django_db

API = "/api/v1/programmes/testprogramm"


@pytest.fixture
def indicated(today):
    return load(indicated_document())


def test_the_indicators_of_the_published_measures_with_their_values(client, indicated):
    page = client.get(f"{API}/indicators/").json()
    # By measure, then code; the draft M9's indicator is not there.
    assert [(i["measure"], i["code"]) for i in page["results"]] == [
        ("M1", "I1"),
        ("M1", "I2"),
        ("M2", "I1"),
    ]
    i1, i2, radwege = page["results"]
    assert i1 == {
        "measure": "M1",
        "code": "I1",
        "title": "Bearbeitungsdauer Bauantrag",
        "unit": "Tage",
        "baseline": {"value": "30", "on": "2024-01-01"},
        "target": {"value": "10", "on": "2026-12-31"},
        # 12.50, measured on 30.06.2025, is not shown before that day
        "values": [
            {"on": "2024-12-31", "value": "24", "note": None, "latest": False},
            {"on": "2025-03-31", "value": "18", "note": "Stichprobe Q1", "latest": True},
        ],
        "latest": {"value": "18", "on": "2025-03-31"},
        "progress_percent": "60.0",  # from 30 down to 18 of the way to 10: 12 of 20
    }
    # Two values of one day: the one entered later counts; 70 of 120 is 58.33 %.
    assert [(v["value"], v["latest"]) for v in i2["values"]] == [("68", False), ("70", True)]
    assert (i2["latest"], i2["progress_percent"]) == ({"value": "70", "on": "2025-03-31"}, "58.3")
    assert (radwege["values"], radwege["latest"], radwege["progress_percent"]) == ([], None, None)
    assert radwege["baseline"] == {"value": "12.5", "on": "2025-01-01"}


def test_the_indicators_of_one_measure(client, indicated):
    def of(code):
        return [
            i["code"] for i in client.get(f"{API}/indicators/", {"measure": code}).json()["results"]
        ]

    assert of("M1") == ["I1", "I2"]
    assert of("M2") == ["I1"]
    assert of("M9") == []  # a draft
    assert "Geheim" not in client.get(f"{API}/indicators/").content.decode()


def test_the_values_measured_meanwhile_appear_on_their_day(client, indicated, time_machine):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    time_machine.move_to(datetime(2025, 6, 30, 12, tzinfo=ZoneInfo("Europe/Berlin")), tick=False)
    i1 = client.get(f"{API}/indicators/", {"measure": "M1"}).json()["results"][0]
    assert i1["latest"] == {"value": "12.50", "on": "2025-06-30"}
    assert i1["progress_percent"] == "87.5"  # 17.5 of 20
