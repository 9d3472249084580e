"""Proposals and consultations in the API: the proposals' supports, threshold, due dates,
decisions and statuses as the rules give them today; a hidden one without its title and
text; consultations for the public only, with their periods, and their results only after
the close, with the same numbers as ``consultations.reads.results``."""

import pytest

from plansicht.consultations import reads

from .factories import load, participation_document
from .proposals_data import SECRET, add_consultations, add_proposals

pytestmark = pytest.mark.django_db
API = "/api/v1/programmes/testprogramm"


@pytest.fixture
def programme(today):
    doc = participation_document()
    doc["measures"].append(
        {"code": "MD", "title": "Entwurf", "field_of_action": "F1", "draft": True}
    )
    programme = load(add_proposals(doc, draft_measure="MD"))
    programme.consultations_made = add_consultations(programme, draft_measure="MD")
    return programme


def test_the_proposals_list_shows_the_public_ones_newest_first(client, programme):
    page = client.get(f"{API}/proposals/").json()
    assert [p["code"] for p in page["results"]] == ["V3", "V2", "V4", "V1"]
    assert page["count"] == 4
    assert SECRET not in str(page)


def test_a_proposal_taken_into_the_plan(client, programme):
    v1 = client.get(f"{API}/proposals/V1", HTTP_ACCEPT_LANGUAGE="en").json()
    assert v1["about"] == {"kind": "measure", "code": "M1", "title": v1["about"]["title"]}
    assert (v1["by"], v1["body"], v1["received"]) == ("Anna A.", None, "2025-05-02")
    assert (v1["supports"], v1["threshold"], v1["threshold_reached"]) == (2, 2, "2025-05-05")
    assert (v1["original_due"], v1["due"], v1["decided"]) == (
        "2025-05-26",
        "2025-05-26",
        "2025-05-20",
    )
    assert (v1["status"], v1["deadline_status"]) == ("taken_into_plan", "answered_in_time")
    assert v1["status_label"] == "taken into the plan"
    assert v1["decisions"] == [
        {
            "on": "2025-05-20",
            "status": "taken_into_plan",
            "status_label": "taken into the plan",
            "reason": "Wird in M1 umgesetzt.",
            "link": "measure:M1",
        }
    ]
    assert v1["extensions"] == []
    assert v1["deadline_status_label"] == "decided in time"


def test_declined_overdue_and_hidden_proposals(client, programme):
    v2 = client.get(f"{API}/proposals/V2").json()
    assert (v2["by"], v2["body"], v2["status"]) == ("Seniorenbeirat", "SB", "declined")
    assert (v2["threshold_reached"], v2["due"], v2["deadline_status"]) == (
        None,
        None,
        "answered_in_time",  # decided without reaching the threshold
    )
    v4 = client.get(f"{API}/proposals/V4").json()
    assert (v4["status"], v4["deadline_status"], v4["due"]) == (
        "submitted",
        "overdue",
        "2025-05-27",
    )
    v3 = client.get(f"{API}/proposals/V3").json()
    assert (v3["hidden"], v3["hidden_reason"], v3["title"], v3["text"]) == (
        True,
        "Beleidigend",
        None,
        None,
    )
    assert client.get(f"{API}/proposals/V5").status_code == 404  # about a draft


def test_the_proposal_filters(client, programme):
    def codes(query):
        return [p["code"] for p in client.get(f"{API}/proposals/?{query}").json()["results"]]

    assert codes("status=declined") == ["V2"]
    assert codes("deadline=overdue") == ["V4"]
    assert codes("deadline=answered") == ["V2", "V1"]
    assert codes("measure=M1") == ["V1"]
    assert codes("measure=MD") == []  # a draft names nothing
    assert client.get(f"{API}/proposals/?status=nonsense").status_code == 422


def test_consultations_are_public_ones_only(client, programme):
    page = client.get(f"{API}/consultations/").json()
    assert [c["code"] for c in page["results"]] == ["K4", "K2", "K1"]
    assert SECRET not in str(page)
    for code in ("K3", "K5"):  # staff only, about a draft
        assert client.get(f"{API}/consultations/{code}").status_code == 404


def test_a_consultations_period_has_its_offset_and_results_come_after_the_close(client, programme):
    k2 = client.get(f"{API}/consultations/K2").json()
    assert (k2["opens"], k2["closes"]) == ("2025-05-25T09:00:00+02:00", "2025-06-15T18:00:00+02:00")
    assert (k2["phase"], k2["results"], k2["respondents"], k2["summary"]) == (
        "open",
        None,
        None,
        None,
    )
    assert [q["kind"] for q in k2["questions"]] == ["single", "rating", "text"]
    assert k2["questions"][0]["choices"] == ["Verkehr", "Bildung", "Verwaltung"]
    k1 = client.get(f"{API}/consultations/K1").json()
    assert (k1["phase"], k1["respondents"], k1["measure"]) == ("closed", 3, "M1")
    assert k1["summary"] == "Wir nehmen den Verkehr zuerst."
    single, rating, free = k1["results"]
    assert single["choices"] == [
        {"label": "Verkehr", "count": 2, "share": "66.7"},
        {"label": "Bildung", "count": 1, "share": "33.3"},
        {"label": "Verwaltung", "count": 0, "share": "0.0"},
    ]
    assert (rating["respondents"], rating["mean"]) == (3, "3.7")
    assert [c["count"] for c in rating["choices"]] == [0, 1, 0, 1, 1]
    assert (free["respondents"], free["texts"]) == (2, ["Freigegeben."])
    # the same numbers as the office's read
    expected = reads.results(programme.consultations_made["K1"])
    assert [str(c.share) for c in expected[0].choices] == [c["share"] for c in single["choices"]]
    # the list gives the period and the way to the results, not the results
    (listed,) = [
        c for c in client.get(f"{API}/consultations/").json()["results"] if c["code"] == "K1"
    ]
    assert "results" not in listed
    assert listed["api_url"].endswith("/api/v1/programmes/testprogramm/consultations/K1")


def test_an_upcoming_consultation(client, programme):
    k4 = client.get(f"{API}/consultations/K4").json()
    assert (k4["phase"], k4["results"]) == ("upcoming", None)
