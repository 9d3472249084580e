"""Council decisions in the API as the portal's register shows them as of the test clock
(01.06.2025), from ``decisions_document`` (its docstring gives each decision, its links and
its assignments with their statuses, figured by hand)."""

import pytest

from plansicht.decisions.models import Decision

from .factories import decisions_document, load

pytestmark = pytest.mark.django_db

API = "/api/v1/programmes/testprogramm"


@pytest.fixture
def decided(today):
    return load(decisions_document())


def numbers(client, **query):
    page = client.get(f"{API}/decisions/", query).json()
    assert page["count"] == len(page["results"])
    return [d["number"] for d in page["results"]]


def test_the_register_newest_first_with_the_portals_filters(client, decided):
    assert numbers(client) == ["DS 0200/2025", "DS 0100/2024", "DS 0050/2022"]
    assert numbers(client, body="RAT") == ["DS 0100/2024", "DS 0050/2022"]
    assert numbers(client, body="DA") == ["DS 0200/2025"]
    assert numbers(client, year=2024) == ["DS 0100/2024"]
    assert numbers(client, number="DS 0100/2024") == ["DS 0100/2024"]
    assert numbers(client, body="NOPE") == []


def test_a_decision_with_its_vote_links_and_assignments(client, decided):
    pk = Decision.objects.get(number="DS 0100/2024").pk
    d = client.get(f"{API}/decisions/{pk}").json()
    assert {k: d[k] for k in ("id", "number", "body", "body_name", "date", "result")} == {
        "id": pk,
        "number": "DS 0100/2024",
        "body": "RAT",
        "body_name": "Rat der Stadt Teststadt",
        "date": "2024-03-14",
        "result": "adopted",
    }
    assert d["votes"] == {"yes": 30, "no": 4, "abstain": 2}
    assert (d["text"], d["url"]) == (None, None)
    assert d["posts"] == [{"code": "CDO", "title": "Chief Digital Officer"}]
    assert d["grants"] == [{"code": "G1", "title": "Modellprojekte Smart Cities", "funder": "KfW"}]
    assert d["measures"] == [{"code": "M1", "title": "Datenplattform"}]
    assert d["plan_versions"] == []
    assert d["portal_url"] == f"http://testserver/p/testprogramm/beschluesse/{pk}/"
    # A1: the post filled by 31.12.2024 — it is only in the establishment plan: overdue.
    # A2: in the establishment plan by 30.06.2025 — since 01.03.2025: done in time.
    assert [
        (a["code"], a["done_when"], a["position"], a["step"], a["status"], a["done_on"])
        for a in d["assignments"]
    ] == [
        ("A1", "position_step", "CDO", "filled", "overdue", None),
        ("A2", "position_step", "CDO", "in_establishment_plan", "done_in_time", "2025-03-01"),
    ]
    assert d["assignments"][0]["position_title"] == "Chief Digital Officer"
    listed = client.get(f"{API}/decisions/", {"number": "DS 0100/2024"}).json()["results"]
    assert listed == [d]


def test_each_kind_of_assignment_and_its_status_today(client, decided):
    pk = Decision.objects.get(number="DS 0200/2025").pk
    d = client.get(f"{API}/decisions/{pk}").json()
    assert (d["result"], d["result_label"]) == (
        "adopted_with_changes",
        "mit Änderungen beschlossen",
    )
    assert d["url"] == "https://ratsinfo.example.org/vo0200"
    assert d["text"] == "Der Ausschuss beschließt die Ausschreibung **mit Änderungen**."
    assert [m["code"] for m in d["measures"]] == ["M1", "M1.1"]
    assert d["plan_versions"] == [
        {"number": 2, "label": "Änderungsplan 2022", "approved_on": "2022-06-30"}
    ]
    # A1: A finished on 10.02., due 01.02.; A2: plan version 3, none yet, due 30.09.; A3:
    # recorded 15.05., due 31.05.; A4: B not finished, due 01.05.
    assert [
        (a["code"], a["done_when"], a["milestone"], a["plan_version"], a["status"], a["done_on"])
        for a in d["assignments"]
    ] == [
        ("A1", "milestone", "A", None, "done_late", "2025-02-10"),
        ("A2", "plan_version", None, 3, "open", None),
        ("A3", "recorded", None, None, "done_in_time", "2025-05-15"),
        ("A4", "milestone", "B", None, "overdue", None),
    ]
    assert d["assignments"][3]["status_label"] == "überfällig"


def test_drafts_are_left_out_and_a_later_decision_is_not_there_yet(client, today):
    doc = decisions_document()
    later = doc["decisions"][1]
    later["links"]["measures"].append("M9")  # a draft measure
    later["assignments"].append(
        {
            "code": "A5",
            "title": "Entwurf fertig",
            "due": "2025-12-31",
            "done_when": {"milestone": "X"},
        }
    )
    doc["decisions"].append(
        {
            "number": "DS 0300/2025",
            "body": "RAT",
            "date": "2025-07-01",
            "title": "Noch nicht beschlossen",
            "result": "adopted",
        }
    )
    load(doc)
    d = client.get(f"{API}/decisions/", {"number": "DS 0200/2025"}).json()["results"][0]
    assert [m["code"] for m in d["measures"]] == ["M1", "M1.1"]
    assert d["assignments"][-1]["milestone"] is None  # a draft milestone is not named
    assert "Geheim" not in client.get(f"{API}/decisions/").content.decode()
    assert "DS 0300/2025" not in numbers(client)
    pk = Decision.objects.get(number="DS 0300/2025").pk
    response = client.get(f"{API}/decisions/{pk}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"This programme has no decision {pk} taken by today.",
        "errors": [],
    }


def test_a_decision_is_addressed_by_its_id(client, decided):
    assert client.get(f"{API}/decisions/999999").status_code == 404
    response = client.get(f"{API}/decisions/DS%200100")  # its number is no address
    assert response.status_code == 422
    assert set(response.json()) == {"detail", "errors"}
