"""Questions, statements and bodies in the API as the portal shows them as of the test clock
(01.06.2025), from ``participation_document`` (its docstring gives each item's dates):

F1 about M1 by Anna A., due 23.05., answered in time on 20.05. by the Stabsstelle; F2 about
milestone C, due 22.05., extended on 20.05. to 06.06. and answered only on 04.06. (after
today); F3 about the programme, due 26.05., answered late on 28.05. by the Programmbüro; F4
about the CDO post, due 03.06.; F5 about M2, due 27.05., overdue; F6 withdrawn on 07.05.; F7
hidden ("Beleidigend"); F8 awaiting release. Statement S1 of the Seniorenbeirat about M1,
due 14.05., answered in time on 13.05. M1 (and below it C) is led by the Stabsstelle
Digitalisierung; M2 has no lead unit; the programme and its posts are answered by the
Programmbüro."""

import pytest
from django.contrib.auth import get_user_model

from plansicht.participation.models import Submission

from .factories import load, participation_document

pytestmark = pytest.mark.django_db

API = "/api/v1/programmes/testprogramm"


@pytest.fixture
def participation(today):
    return load(participation_document())


def codes(client, url, **query):
    page = client.get(url, query).json()
    assert page["count"] == len(page["results"])
    return [item["code"] for item in page["results"]]


def test_the_public_questions_newest_first_without_the_one_awaiting_release(client, participation):
    # By date received, newest first; F5, F6 and F7 came on the same day (the latest first).
    assert codes(client, f"{API}/questions/") == ["F4", "F7", "F6", "F5", "F3", "F1", "F2"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "open"}, ["F4", "F2"]),  # F2: its extension runs until 06.06.
        ({"status": "overdue"}, ["F5"]),
        ({"status": "answered"}, ["F3", "F1"]),  # F2's answer of 04.06. is not given yet
        ({"unit": "Programmbüro"}, ["F4", "F7", "F3"]),
        ({"unit": "Stabsstelle Digitalisierung"}, ["F1", "F2"]),
        ({"unit": "Tiefbauamt"}, []),
        ({"measure": "M1"}, ["F1"]),  # about M1 itself or one of its own milestones
        ({"measure": "M1.1.1"}, ["F2"]),  # C's measure
        ({"measure": "M2"}, ["F6", "F5"]),
        ({"measure": "M9"}, []),  # a draft: nothing
        ({"status": "open", "unit": "Programmbüro"}, ["F4"]),
    ],
)
def test_the_questions_filters_are_the_portals(client, participation, query, expected):
    assert codes(client, f"{API}/questions/", **query) == expected


def test_a_question_answered_in_time_with_its_answer(client, participation):
    f1 = client.get(f"{API}/questions/F1").json()
    assert f1 == {
        "code": "F1",
        "about": {"kind": "measure", "code": "M1", "title": "Datenplattform"},
        "asked_by": "Anna A.",
        "body": None,
        "body_name": None,
        "received": "2025-05-02",
        "due": "2025-05-23",
        "due_in_force": "2025-05-23",
        "extended": False,
        "status": "answered_in_time",
        "status_label": "fristgerecht beantwortet",
        "hidden_reason": None,
        "text": "Wann kommt die Datenplattform?",
        "responsible_unit": "Stabsstelle Digitalisierung",
        "answer": "Im Herbst.",
        "answered_on": "2025-05-20",
        "answered_by": "Stabsstelle Digitalisierung",
        "withdrawn_on": None,
        "extensions": [],
        "pdf_url": None,
        "portal_url": "http://testserver/p/testprogramm/fragen/F1/",
    }
    listed = client.get(f"{API}/questions/").json()["results"]
    assert next(item for item in listed if item["code"] == "F1") == f1


def test_an_extended_question_answered_after_today_is_open_as_of_today(client, participation):
    f2 = client.get(f"{API}/questions/F2").json()
    assert f2["about"] == {"kind": "milestone", "code": "C", "title": "Inbetriebnahme"}
    assert (f2["due"], f2["due_in_force"], f2["extended"]) == ("2025-05-22", "2025-06-06", True)
    assert f2["extensions"] == [
        {"on": "2025-05-20", "to": "2025-06-06", "reason": "Rückfrage beim Anbieter"}
    ]
    assert (f2["status"], f2["answer"], f2["answered_on"]) == ("open", None, None)


def test_late_withdrawn_and_post_questions(client, participation):
    f3 = client.get(f"{API}/questions/F3").json()
    assert (f3["status"], f3["answered_on"], f3["answered_by"]) == (
        "answered_late",
        "2025-05-28",
        "Programmbüro",
    )
    assert f3["about"] == {"kind": "programme", "code": None, "title": "Testprogramm"}
    f6 = client.get(f"{API}/questions/F6").json()
    assert (f6["status"], f6["withdrawn_on"], f6["responsible_unit"]) == (
        "withdrawn",
        "2025-05-07",
        None,
    )
    f4 = client.get(f"{API}/questions/F4").json()
    assert f4["about"] == {"kind": "position", "code": "CDO", "title": "Chief Digital Officer"}
    assert (f4["status"], f4["due"]) == ("open", "2025-06-03")


def test_a_hidden_question_shows_its_reason_never_its_text(client, participation):
    f7 = client.get(f"{API}/questions/F7").json()
    assert (f7["status"], f7["status_label"], f7["hidden_reason"]) == (
        "hidden",
        "von der Moderation ausgeblendet",
        "Beleidigend",
    )
    assert f7["text"] is None and f7["answer"] is None
    assert "Beleidigung" not in client.get(f"{API}/questions/").content.decode()


def test_no_askers_address_and_nothing_awaiting_release(client, participation):
    asker = get_user_model().objects.create_user("anna", email="anna@example.org")
    Submission.objects.filter(code="F1").update(author=asker)
    for url in (f"{API}/questions/", f"{API}/questions/F1"):
        text = client.get(url).content.decode()
        assert "anna@example.org" not in text and "@" not in text
    assert "Noch nicht freigegeben" not in client.get(f"{API}/questions/").content.decode()
    for path in ("questions/F8", "questions/NOPE", "questions/S1", "statements/F1"):
        response = client.get(f"{API}/{path}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404, path
        assert response.json() == {
            "detail": "There is no public question or statement with this code.",
            "errors": [],
        }


def test_statements_with_their_body_and_filters(client, participation):
    s1 = client.get(f"{API}/statements/S1").json()
    assert (s1["body"], s1["body_name"], s1["asked_by"]) == ("SB", "Seniorenbeirat", None)
    assert (s1["due"], s1["status"], s1["answer"], s1["answered_on"]) == (
        "2025-05-14",
        "answered_in_time",
        "Wir richten Sprechstunden ein.",
        "2025-05-13",
    )
    assert s1["portal_url"] == "http://testserver/p/testprogramm/stellungnahmen/S1/"
    assert codes(client, f"{API}/statements/") == ["S1"]
    assert codes(client, f"{API}/statements/", body="SB") == ["S1"]
    assert codes(client, f"{API}/statements/", body="JP") == []
    assert codes(client, f"{API}/statements/", status="open") == []


def test_a_code_with_a_slash_is_percent_encoded(client, today):
    doc = participation_document()
    doc["participation"]["questions"][0]["code"] = "F/1"
    load(doc)
    assert client.get(f"{API}/questions/F%2F1").json()["code"] == "F/1"


def test_the_bodies_by_code(client, participation):
    page = client.get(f"{API}/bodies/").json()
    assert page["results"] == [
        {"code": "JP", "name": "Jugendparlament", "kind": "youth_body"},
        {"code": "PR", "name": "Personalrat", "kind": "staff_council"},
        {"code": "SB", "name": "Seniorenbeirat", "kind": "advisory_council"},
    ]


def test_a_bad_status_filter_is_refused_in_the_one_error_body(client, participation):
    response = client.get(f"{API}/questions/", {"status": "late"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["status"]
