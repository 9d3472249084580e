"""The management commands: stable interfaces that other tools call."""

import json
import subprocess
import sys
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from plansicht.accounts.models import Organisation, StaffRole, Unit
from plansicht.history.models import Event
from plansicht.plan.models import Measure, Milestone, Programme

from .factories import document, load

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
DEMO_NOW = datetime(2026, 11, 26, 12, tzinfo=ZoneInfo("Europe/Berlin"))  # the demo's "now"


def write(tmp_path, doc, name="doc.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(path)


def command(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as e:
        code = e.code
    return code, out.getvalue(), err.getvalue()


def empty_database():
    Event.objects.all().delete()
    Milestone.objects.all().delete()
    Measure.objects.update(parent=None)
    Measure.objects.all().delete()
    Programme.objects.all().delete()
    Unit.objects.all().delete()
    Organisation.objects.all().delete()


def problems(err):
    return [
        line
        for line in err.splitlines()
        if line not in ("Checking the document …", "Nothing was stored.")
    ]


def test_load_and_dump_round_trip_is_identical(tmp_path, today):
    code, _out, _err = command("load_programme", write(tmp_path, document()))
    assert code == 0
    first = command("dump_programme", "testprogramm")[1]
    empty_database()
    path = tmp_path / "dump.json"
    path.write_text(first, encoding="utf-8")
    assert command("load_programme", str(path))[0] == 0
    second = command("dump_programme", "testprogramm")[1]
    assert second == first
    dumped = json.loads(first)
    assert [m["code"] for m in dumped["milestones"]] == ["A", "B", "C", "D", "X", "Z"]
    assert "parent" not in dumped["measures"][0] and dumped["measures"][1]["parent"] == "M1"
    assert first.startswith('{\n  "format": "plansicht.programme/1",')
    assert "Änderungsplan" in first  # UTF-8, not escaped


def test_an_invalid_document_names_every_problem_by_path_and_stores_nothing(tmp_path):
    doc = document()
    doc["milestones"][1]["planned_start"] = "2025-02-30"
    doc["milestones"][2]["duration_days"] = -3
    doc["milestones"][3]["measure"] = "NOPE"
    doc["milestones"][4]["progress"] = 120
    doc["milestones"][5]["code"] = "D"
    doc["measures"][1]["field_of_action"] = "F7"
    doc["dependencies"][0]["type"] = "XX"
    doc["dependencies"][1]["successor"] = "Q"
    doc["plan_versions"][0]["milestones"][0]["finish"] = "2024-12-01"
    doc["programme"]["slug"] = "Test Programm"
    del doc["milestones"][5]["title"]
    code, _out, err = command("load_programme", write(tmp_path, doc))
    assert code == 1
    paths = [line.split(": ", 1)[0] for line in problems(err)]
    assert sorted(paths) == sorted(
        [
            "programme.slug",
            "measures[1].field_of_action",
            "milestones[1].planned_start",
            "milestones[2].duration_days",
            "milestones[3].measure",
            "milestones[4].progress",
            "milestones[5].title",
            "milestones[5].code",
            "dependencies[0].type",
            "dependencies[1].successor",
            "plan_versions[0].milestones[0].finish",
        ]
    )
    assert 'milestones[1].planned_start: "2025-02-30" is not a date; write it as YYYY-MM-DD' in err
    assert not Programme.objects.exists() and not Milestone.objects.exists()
    assert not Organisation.objects.exists()


def test_a_cycle_is_named_and_nothing_is_stored(tmp_path):
    doc = document()
    doc["dependencies"].append({"predecessor": "C", "successor": "A"})
    doc["dependencies"].append({"predecessor": "C", "successor": "D"})
    code, _out, err = command("load_programme", write(tmp_path, doc))
    assert code == 1
    assert problems(err) == [
        "dependencies: the dependencies form a cycle through milestones A, B, C; a milestone "
        "cannot wait for itself, so remove or turn round one of them"
    ]
    assert not Programme.objects.exists()


def test_actual_finish_needs_actual_start(tmp_path):
    doc = document()
    del doc["milestones"][0]["actual_start"]
    code, _out, err = command("load_programme", write(tmp_path, doc))
    assert code == 1
    assert problems(err) == [
        "milestones[0].actual_finish: an actual finish needs an actual start; add actual_start"
    ]


def test_a_measure_tree_that_loops_is_refused(tmp_path):
    doc = document()
    doc["measures"][0]["parent"] = "M1.1.1"
    code, _out, err = command("load_programme", write(tmp_path, doc))
    assert code == 1
    assert "measures[0].parent: the measure tree loops: M1 → M1.1.1 → M1.1 → M1" in err


def test_unknown_keys_are_ignored_with_a_warning(tmp_path):
    doc = document()
    doc["questions"] = []
    doc["milestones"][0]["accepted_by_funder"] = True
    code, _out, err = command("load_programme", write(tmp_path, doc))
    assert code == 0
    assert "questions: unknown key, ignored" in err
    assert "milestones[0].accepted_by_funder: unknown key, ignored" in err
    assert Programme.objects.filter(slug="testprogramm").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '{"format": "plansicht.programme/2", "programme": {}}',
            'format: "plansicht.programme/2" is not a format this version of Plansicht reads; '
            "it reads plansicht.programme/1",
        ),
        ('{"programme": {}}', "format: is missing"),
        ("[1, 2]", "(document): must be an object"),
        ('{"format": ', "is not valid JSON"),
    ],
)
def test_documents_that_are_not_programme_documents_are_refused(tmp_path, content, expected):
    path = tmp_path / "doc.json"
    path.write_text(content, encoding="utf-8")
    code, _out, err = command("load_programme", str(path))
    assert code == 1
    assert expected in err
    assert not Programme.objects.exists()


def test_a_missing_file_is_refused(tmp_path):
    code, _out, err = command("load_programme", str(tmp_path / "nope.json"))
    assert code == 1 and "cannot be read" in err


def test_an_existing_slug_is_refused_unless_replace(tmp_path, today):
    load()
    doc = document()
    doc["milestones"][3]["duration_days"] = 120
    doc["milestones"][3]["title"] = "Konzept, erweitert"
    del doc["milestones"][2]  # C goes
    doc["dependencies"] = [d for d in doc["dependencies"] if "C" not in d.values()]
    for v in doc["plan_versions"]:
        v["milestones"] = [e for e in v["milestones"] if e["code"] != "C"]
    path = write(tmp_path, doc)
    code, _out, err = command("load_programme", path)
    assert code == 1 and "exists already" in err and "--replace" in err
    assert Milestone.objects.get(code="D").duration_days == 90

    d_before = Milestone.objects.get(code="D").pk
    code, _out, _err = command("load_programme", path, "--replace", "--reason", "Neuplanung")
    assert code == 0
    d = Milestone.objects.get(code="D")
    assert (d.pk, d.duration_days, d.title) == (d_before, 120, "Konzept, erweitert")
    assert not Milestone.objects.filter(code="C").exists()
    assert [e.action for e in Event.objects.order_by("at", "id")] == [
        "programme.loaded",
        "programme.replaced",
    ]
    replaced = Event.objects.get(action="programme.replaced")
    assert replaced.reason == "Neuplanung"
    assert replaced.changes == {"milestones": [4, 3]}


def test_replace_can_reshape_the_measure_tree(tmp_path, today):
    load()
    doc = document()
    # M1.1 goes; its child moves up under M1; milestone B moves to M1.
    doc["measures"] = [m for m in doc["measures"] if m["code"] != "M1.1"]
    doc["measures"][1]["parent"] = "M1"
    doc["milestones"][1]["measure"] = "M1"
    doc["fields_of_action"][1]["title"] = "Mobilität und Umwelt"
    code, _out, err = command("load_programme", write(tmp_path, doc), "--replace")
    assert code == 0, err
    assert Measure.objects.get(code="M1.1.1").parent.code == "M1"
    assert not Measure.objects.filter(code="M1.1").exists()
    assert Milestone.objects.get(code="B").measure.code == "M1"


def test_dump_of_an_unknown_slug_exits_1(today):
    load()
    code, out, err = command("dump_programme", "nirgendwo")
    assert code == 1 and out == ""
    assert "nirgendwo: no programme has this short name; known programmes: testprogramm" in err


def test_forecast_json(today):
    load()
    code, out, _err = command("forecast", "testprogramm", "--json", "--as-of", "2025-06-01")
    assert code == 0
    data = json.loads(out)
    assert data["programme"] == "testprogramm" and data["as_of"] == "2025-06-01"
    assert data["finish"] == {
        "forecast": "2025-09-29",
        "baseline": "2025-09-29",
        "slip_days": 0,
        "health": "green",
    }
    assert data["measures"][0] == {
        "code": "M1",
        "forecast_finish": "2025-07-06",
        "slip_days": 57,
        "health": "amber",
        "percent_complete": 45.0,
    }
    assert [m["code"] for m in data["measures"]] == ["M1", "M1.1", "M1.1.1", "M2"]
    assert [m["code"] for m in data["milestones"]] == ["A", "B", "C", "D"]
    assert data["milestones"][2] == {
        "code": "C",
        "forecast_start": "2025-06-06",
        "forecast_finish": "2025-07-06",
        "slip_days": 57,
        "original_slip_days": 66,
        "health": "amber",
    }
    assert data["milestones"][3]["original_slip_days"] is None


def test_forecast_as_of_an_earlier_date_ignores_later_facts_and_stores_nothing(today):
    load()
    events = Event.objects.count()
    code, out, _err = command("forecast", "testprogramm", "--json", "--as-of", "2020-01-01")
    data = json.loads(out)
    # No plan version approved yet on 1.1.2020, and no actual dates known.
    assert data["finish"]["baseline"] is None and data["finish"]["health"] is None
    assert data["milestones"][0]["forecast_start"] == "2025-01-01"
    assert Event.objects.count() == events
    from plansicht.forecast.models import ProgrammeForecast

    assert ProgrammeForecast.objects.get().as_of == today


def test_forecast_summary_is_readable(today):
    load()
    code, out, _err = command("forecast", "testprogramm", "--as-of", "2025-06-01")
    assert code == 0
    assert "Testprogramm (testprogramm), as of 01.06.2025" in out
    assert "Current plan (v2)" in out and "M1.1.1" in out


@pytest.mark.parametrize("args", [("nirgendwo",), ("testprogramm", "--as-of", "2025-13-01")])
def test_forecast_refuses_bad_input(today, args):
    load()
    code, _out, err = command("forecast", *args)
    assert code == 1 and err.strip()


def test_refresh_forecasts_stores_every_programme(today):
    load()
    load(document(slug="zweites"))
    code, out, _err = command("refresh_forecasts")
    assert code == 0 and "Refreshed 2 programme(s)" in out


def test_seed_demo_twice_does_not_duplicate(time_machine):
    # The demo's "now"; the replay of its history sets the clock to each change's date.
    time_machine.move_to(DEMO_NOW, tick=False)
    assert command("seed_demo", "--size", "60")[0] == 0
    counts = (Programme.objects.count(), Milestone.objects.count(), Event.objects.count())
    assert command("seed_demo", "--size", "60")[0] == 0
    assert (Programme.objects.count(), Milestone.objects.count(), Event.objects.count()) == counts
    assert set(Programme.objects.values_list("slug", flat=True)) == {"musterstadt", "synthetic-60"}
    demo = Programme.objects.get(slug="musterstadt")
    assert demo.measures.count() >= 8
    assert Event.objects.filter(programme=demo).exclude(reason="").count() >= 5
    assert dict(StaffRole.objects.values_list("user__username", "unit__name")) == {
        "admin": "Programmbüro",
        "buero": "Programmbüro",
        "tiefbau": "Tiefbauamt",
        "kaemmerei": "Kämmerei",
        "personal": "Personalamt",
        "rat": "Ratsbüro",
    }
    changed = (
        Event.objects.filter(programme=demo).exclude(reason="").exclude(action="programme.loaded")
    )
    assert {e.unit.name for e in changed} == {"Programmbüro"}


def test_commands_exit_with_status_1_as_a_process(tmp_path):
    """The real process: exit status and standard error, as another tool sees them."""
    doc = document()
    doc["milestones"][0]["planned_start"] = "soon"
    path = write(tmp_path, doc)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "load_programme", path],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**__import__("os").environ, "DATABASE_URL": "sqlite:///" + str(tmp_path / "x.db")},
    )
    assert proc.returncode == 1
    assert 'milestones[0].planned_start: "soon" is not a date' in proc.stderr
    assert proc.stdout == ""


def test_the_demo_replays_its_history_at_the_dates_it_happened(time_machine, client):
    from plansicht.forecast.models import MilestoneForecast, ProgrammeForecast

    time_machine.move_to(DEMO_NOW, tick=False)
    assert command("seed_demo")[0] == 0
    demo = Programme.objects.get(slug="musterstadt")
    events = list(Event.objects.filter(programme=demo).order_by("at", "id"))
    # The plan is loaded on the day the first plan was approved, the last change is "today".
    assert (events[0].action, events[0].at.date()) == ("programme.loaded", date(2020, 9, 15))
    assert events[-1].at.date() == date(2026, 11, 26)
    assert {e.at.year for e in events} == {2020, 2023, 2024, 2025, 2026}
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert "Demo data" not in {e.reason for e in events}
    assert ProgrammeForecast.objects.get(programme=demo).as_of == date(2026, 11, 26)
    # Late since the reschedule that pushed it beyond the tolerance on 14.09.2026 …
    late = MilestoneForecast.objects.get(milestone__code="M8.1-05")
    assert late.late_since == date(2026, 9, 14)
    # … and since the day after its approved finish (28.12.2023) for one that ran late.
    assert MilestoneForecast.objects.get(milestone__code="M1-03").late_since == date(2023, 12, 29)
    page = client.get(reverse("portal:milestone", args=["musterstadt", "M8.1-05"]))
    assert "Verspätet seit 14.09.2026" in page.content.decode()
