"""The participation record through its interfaces: the programme document's participation
section (checked, stored, dumped back identically), the public holidays of the region, and
``manage.py participation`` with hand-computed statuses and figures."""

import copy
import json
from datetime import date

import pytest
from django.utils import translation

from plansicht.documents.programme import DocumentInvalid, dump, parse
from plansicht.participation import holidays
from plansicht.participation.models import Body, Submission

from .factories import load, participation_document
from .test_commands import command

pytestmark = pytest.mark.django_db


def report(as_of):
    code, out, err = command("participation", "testprogramm", "--as-of", as_of, "--json")
    assert code == 0, err
    return json.loads(out)


def test_the_region_gives_its_public_holidays():
    rp = holidays.calendar("DE-RP")
    for day in ("2025-04-18", "2025-04-21", "2025-05-29", "2025-06-09", "2025-06-19"):
        assert date.fromisoformat(day) in rp
    assert date(2025, 8, 15) not in rp
    # Mariä Himmelfahrt only with the Catholic category in Bavaria
    assert date(2025, 8, 15) not in holidays.calendar("DE-BY")
    assert date(2025, 8, 15) in holidays.calendar("DE-BY", ["catholic"])


def test_an_unknown_region_is_refused_with_what_is_known():
    assert "DE-RP" in holidays.problem("DE-XX", [])
    assert "ISO 3166-2" in holidays.problem("Rheinland-Pfalz", [])
    assert "catholic" in holidays.problem("DE-RP", ["catholik"])
    assert holidays.problem("DE-BY", ["catholic"]) is None


def test_the_statuses_and_figures_as_of_a_date(today):
    load(participation_document())
    data = report("2025-06-01")
    questions = {q["code"]: q for q in data["questions"]}
    assert questions["F1"] == {
        "code": "F1",
        "received": "2025-05-02",
        "due": "2025-05-23",
        "original_due": "2025-05-23",
        "answered": "2025-05-20",
        "status": "answered_in_time",
    }
    # the answer of 04.06. does not exist yet on 01.06.; the extension does
    assert questions["F2"]["answered"] is None
    assert (questions["F2"]["due"], questions["F2"]["original_due"]) == ("2025-06-06", "2025-05-22")
    assert questions["F2"]["status"] == "open"
    assert questions["F3"]["status"] == "answered_late"
    assert (questions["F4"]["due"], questions["F4"]["status"]) == ("2025-06-03", "open")
    assert (questions["F5"]["due"], questions["F5"]["status"]) == ("2025-05-27", "overdue")
    assert questions["F6"]["status"] == "withdrawn"
    assert data["figures"]["questions"] == {
        "open": 3,  # F2, F4 and F8 (awaiting release: its clock runs)
        "overdue": 1,
        "answered_in_time": 1,
        "answered_within_extension": 0,
        "answered_late": 1,
        "share_answered_in_time": "33.3",  # 1 of 3
        "median_days_to_answer": "20.5",  # 18 and 23 days
    }
    assert data["figures"]["statements"] == {
        "open": 0,
        "overdue": 0,
        "answered_in_time": 1,
        "answered_within_extension": 0,
        "answered_late": 0,
        "share_answered_in_time": "100.0",
        "median_days_to_answer": "29.0",
    }


def test_ten_days_later(today):
    load(participation_document())
    data = report("2025-06-10")
    status = {q["code"]: q["status"] for q in data["questions"]}
    assert status["F2"] == "answered_within_extension"
    assert status["F4"] == "overdue"  # due 03.06.
    due = {q["code"]: q["due"] for q in data["questions"]}
    assert due["F8"] == "2025-06-24"  # Whit Monday and Corpus Christi are no working days
    f = data["figures"]["questions"]
    assert (f["open"], f["overdue"], f["answered_in_time"]) == (1, 2, 1)
    assert (f["answered_within_extension"], f["answered_late"]) == (1, 1)
    assert f["share_answered_in_time"] == "20.0"
    assert f["median_days_to_answer"] == "23.0"  # 18, 23, 34


def test_items_received_after_the_as_of_date_do_not_exist_yet(today):
    load(participation_document())
    data = report("2025-05-04")
    assert [q["code"] for q in data["questions"]] == ["F1", "F2"]
    assert [s["code"] for s in data["statements"]] == ["S1"]
    assert data["figures"]["questions"]["share_answered_in_time"] is None


def test_the_command_refuses_a_bad_slug_or_date(today):
    load(participation_document())
    code, _out, err = command("participation", "nope")
    assert code == 1 and "nope: no programme" in err
    code, _out, err = command("participation", "testprogramm", "--as-of", "01.06.2025")
    assert code == 1 and "YYYY-MM-DD" in err


def test_the_summary_speaks_plainly(today):
    load(participation_document())
    code, out, _err = command("participation", "testprogramm", "--as-of", "2025-06-01")
    assert code == 0
    assert "Questions: 3 open, 1 overdue, 1 answered in time" in out
    assert "answered in time: 33.3 %" in out


def test_dump_load_dump_is_identical(today):
    programme = load(participation_document())
    first = dump(programme)
    assert first["programme"]["answer_period"] == {"kind": "working_days", "count": 15}
    assert first["programme"]["statement_period"] == {"kind": "months", "count": 1}
    assert first["programme"]["holiday_region"] == "DE-RP"
    assert first["programme"]["office_unit"] == "Programmbüro"
    questions = {q["code"]: q for q in first["participation"]["questions"]}
    assert questions["F4"]["unit"] == "Programmbüro"  # a post: the programme office answers
    assert questions["F2"]["unit"] == "Stabsstelle Digitalisierung"  # C's measure inherits M1's
    assert "unit" not in questions["F5"]  # M2 has no lead unit
    assert questions["F7"]["hidden"] == {"reason": "Beleidigend"}
    assert questions["F8"]["pending"] is True
    again = load(copy.deepcopy(first), replace=True)
    assert dump(again) == first
    assert "@" not in json.dumps(first["participation"])


def test_loading_again_keeps_each_item_and_drops_what_the_document_lacks(today):
    load(participation_document())
    f1 = Submission.objects.get(code="F1")
    doc = participation_document()
    doc["participation"]["questions"] = doc["participation"]["questions"][:1]
    doc["participation"]["questions"][0]["about"] = "milestone:D"
    load(doc, replace=True)
    assert list(Submission.objects.questions().values_list("pk", flat=True)) == [f1.pk]
    f1.refresh_from_db()
    assert (f1.milestone.code, f1.measure) == ("D", None)
    assert Body.objects.count() == 3


def problems(doc):
    with pytest.raises(DocumentInvalid) as caught:
        parse(doc)
    return dict(caught.value.problems)


def test_the_document_is_checked_item_by_item():
    doc = participation_document()
    part = doc["participation"]
    part["questions"][0]["about"] = "measure:NOPE"
    part["questions"][1]["extensions"][0]["to"] = "2025-05-21"  # before the due date 22.05.
    part["questions"][2]["answer"]["on"] = "2025-05-01"  # before received
    part["questions"][3]["withdrawn"] = {"on": "2025-05-13"}
    part["questions"][3]["answer"] = {"on": "2025-05-14", "text": "Ja."}
    part["statements"][0]["body"] = "XY"
    part["statements"].append({**part["statements"][0], "code": "S2", "about": "position:CDO"})
    found = problems(doc)
    assert "is not the code of a measure" in found["participation.questions[0].about"]
    assert (
        "not later than the due date in force, 2025-05-22"
        in (found["participation.questions[1].extensions[0].to"])
    )
    assert "before the received date" in found["participation.questions[2].answer.on"]
    assert "cannot be withdrawn" in found["participation.questions[3].withdrawn"]
    assert "not the code of a body" in found["participation.statements[0].body"]
    assert "not a post" in found["participation.statements[1].about"]
    doc = participation_document()
    doc["programme"]["holiday_region"] = "DE-XX"
    assert "DE-RP" in problems(doc)["programme.holiday_region"]


def test_periods_and_codes_are_checked_by_the_schema():
    doc = participation_document()
    doc["programme"]["answer_period"] = {"kind": "weeks", "count": 2}
    doc["participation"]["questions"][1]["code"] = "F1"
    doc["participation"]["questions"][2]["about"] = "everything"
    found = problems(doc)
    assert "programme.answer_period.kind" in found
    assert "used twice" in found["participation.questions[1].code"]
    assert "participation.questions[2].about" in found


def test_no_participation_section_is_written_when_there_is_none(today):
    from .factories import document

    programme = load(document())
    assert "participation" not in dump(programme)


def test_texts_in_the_document_are_checked_like_the_office_checks_them():
    doc = participation_document()
    doc["participation"]["questions"][0]["text"] = "Frage\u202egnirts"
    doc["participation"]["questions"][1]["answer"]["text"] = "<script>alert(1)</script>"
    with translation.override("en"):  # as load_programme runs: in English
        found = problems(doc)
    assert "writing direction" in found["participation.questions[0].text"]
    assert "participation.questions[1].answer.text" not in found  # markup is stored as given


def test_a_broken_item_does_not_shift_the_paths_of_the_ones_after_it():
    doc = participation_document()
    questions = doc["participation"]["questions"]
    questions.insert(0, "not an object")
    questions[2]["code"] = "F1"  # the second question repeats the first one's code
    found = problems(doc)
    assert "participation.questions[0]" in found
    assert (
        "used twice (first at participation.questions[1])"
        in (found["participation.questions[2].code"])
    )
