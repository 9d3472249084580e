"""``forecast SLUG --as-of D --json``: the indicators of the published measures (latest value
as written, progress with one decimal) and the milestones finished and accepted by the funder,
each as of the date; numbers worked out by hand from ``indicated_document``."""

import json

import pytest

from .factories import indicated_document, load
from .test_commands import command

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(today):
    doc = indicated_document()
    # Finished and accepted, but a draft (X) and in a draft measure (Z): never counted.
    for m in doc["milestones"]:
        if m["code"] in ("X", "Z"):
            m.update(
                actual_start="2025-01-01", actual_finish="2025-01-10", accepted_on="2025-01-20"
            )
    return load(doc)


def forecast(as_of):
    code, out, err = command("forecast", "testprogramm", "--json", "--as-of", as_of)
    assert code == 0, err
    return json.loads(out)


def test_indicators_as_of_the_test_date(programme):
    data = forecast("2025-06-01")
    assert data["indicators"] == [
        # 30 → 10 days; 12.50 of 30.06. is later: 18 of 31.03. counts, (18−30)/(10−30) = 60 %
        {"measure": "M1", "code": "I1", "latest": "18", "progress_percent": "60.0"},
        # 0 → 120; of the two of 31.03. the later (70) counts: 70/120 = 58.33… %
        {"measure": "M1", "code": "I2", "latest": "70", "progress_percent": "58.3"},
        # no actual yet (the draft measure M9's indicator is not listed)
        {"measure": "M2", "code": "I1", "latest": None, "progress_percent": None},
    ]


def test_indicators_as_of_other_dates(programme):
    later = {(i["measure"], i["code"]): i for i in forecast("2025-07-01")["indicators"]}
    # 12.50 as written; (12.5−30)/(10−30) = 87.5 %
    assert later["M1", "I1"] == {
        "measure": "M1",
        "code": "I1",
        "latest": "12.50",
        "progress_percent": "87.5",
    }
    earlier = {(i["measure"], i["code"]): i for i in forecast("2024-12-31")["indicators"]}
    # 24 on the day itself: (24−30)/(10−30) = 30 %
    assert (earlier["M1", "I1"]["latest"], earlier["M1", "I1"]["progress_percent"]) == (
        "24",
        "30.0",
    )
    assert (earlier["M1", "I2"]["latest"], earlier["M1", "I2"]["progress_percent"]) == (
        None,
        None,
    )


def test_finished_and_accepted_as_of_a_date(programme):
    # A finished on 10.02.2025 and was accepted on 03.03.2025; B, C and D are not finished.
    assert forecast("2025-06-01")["acceptance"] == {"finished": 1, "accepted": 1}
    assert forecast("2025-03-03")["acceptance"] == {"finished": 1, "accepted": 1}
    assert forecast("2025-03-02")["acceptance"] == {"finished": 1, "accepted": 0}
    assert forecast("2025-02-09")["acceptance"] == {"finished": 0, "accepted": 0}


def test_a_programme_without_indicators_lists_none(today):
    from .factories import document

    load(document())
    data = forecast("2025-06-01")
    assert data["indicators"] == []
    assert data["acceptance"] == {"finished": 1, "accepted": 0}


def test_the_demo_tells_its_indicators_and_one_acceptance(time_machine, client):
    from .test_commands import DEMO_NOW

    time_machine.move_to(DEMO_NOW, tick=False)
    assert command("seed_demo")[0] == 0
    code, out, _err = command("forecast", "musterstadt", "--json", "--as-of", "2026-11-26")
    data = json.loads(out)
    assert data["indicators"] == [
        # online services 4 → 120, now 70: 66/116 = 56.89… %
        {"measure": "M2", "code": "I1", "latest": "70", "progress_percent": "56.9"},
        # processing time 94 → 45 days, now 52: 42/49 = 85.71… %
        {"measure": "M2", "code": "I2", "latest": "52", "progress_percent": "85.7"},
        # street lighting 4210 → 1700 MWh, now 2390: 1820/2510 = 72.50… %
        {"measure": "M3", "code": "I1", "latest": "2390", "progress_percent": "72.5"},
    ]
    # 39 milestones finished in the document, 8 more by the replayed changes; M2-04 (the
    # digital building permit) accepted by the funder on 16.09.2024
    assert data["acceptance"] == {"finished": 47, "accepted": 1}
    page = client.get("/p/musterstadt/measures/M2/").content.decode()
    assert "Vom Zuwendungsgeber abgenommen: 16.09.2024 (Aktenzeichen ZB 2-04/2024)" in page
    assert "Letzter Wert: 52 Tage am 30.06.2026. Das sind 85,7 % des Wegs" in page
