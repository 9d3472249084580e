"""The open data files of a programme: CSV with a Table Schema that frictionless validates,
XLSX with real dates and numbers, JSON without anything internal, iCalendar as RFC 5545 writes
it; the command and the portal's download page and stable addresses."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from plansicht.opendata import files, ical
from plansicht.opendata.models import OpenDataFile
from plansicht.plan.models import Measure, Milestone

from .factories import funded_document, load

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(today):
    doc = funded_document()
    doc["milestones"][0]["title"] = "=SUMME(A1) Ausschreibung; Teil 1, \\ mit Umbruch\nzwei"
    return load(doc)


@pytest.fixture
def built(programme):
    return files.build_all(programme)


def rows(built, name):
    return list(csv.DictReader(io.StringIO(built[name].decode("utf-8"))))


def test_every_file_is_built(built):
    assert {
        "massnahmen.csv",
        "meilensteine.csv",
        "abhaengigkeiten.csv",
        "kostenplan.csv",
        "geld_nach_jahr.csv",
        "stellen.csv",
        "fragen_und_stellungnahmen.csv",
        "beschluesse.csv",
        "auftraege.csv",
        "indikatoren.csv",
        "indikatorwerte.csv",
        "datapackage.json",
        "README.md",
        "plansicht.xlsx",
        "programm.json",
        "plansicht.ics",
    } <= set(built)


def test_the_csv_holds_the_public_plan_in_machine_formats(built):
    measures = {r["code"]: r for r in rows(built, "massnahmen.csv")}
    assert set(measures) == {"M1", "M1.1", "M1.1.1", "M2"}  # M9 is a draft
    assert measures["M1.1"]["parent"] == "M1"
    assert measures["M1"]["lead_unit"] == "Stabsstelle Digitalisierung"
    milestones = {r["code"]: r for r in rows(built, "meilensteine.csv")}
    assert set(milestones) == {"A", "B", "C", "D"}  # X and Z are drafts
    a = milestones["A"]
    assert (a["planned_start"], a["duration_days"], a["actual_finish"]) == (
        "2025-01-01",
        "30",
        "2025-02-10",
    )
    assert a["finished"] == "true" and a["progress"] == "100"
    assert a["title"].startswith("'=SUMME(A1)")  # neutralised
    deps = [
        (r["predecessor"], r["successor"], r["type"], r["lag_days"])
        for r in rows(built, "abhaengigkeiten.csv")
    ]
    assert deps == [("A", "B", "FS", "0"), ("B", "C", "FS", "5")]  # X → D: X is a draft
    cost = rows(built, "kostenplan.csv")
    # K3 on A (M1), K2 on C (M1.1.1), K1 on D (M2), all in 2025; K9 on the draft X is left out.
    assert [(r["measure"], r["year"], r["category"], r["amount"]) for r in cost] == [
        ("M1", "2025", "investment", "1000.00"),
        ("M1.1.1", "2025", "material", "3000.00"),
        ("M2", "2025", "staff", "9000.00"),
    ]
    assert all("€" not in r["amount"] and "," not in r["amount"] for r in cost)


def test_the_datapackage_validates_with_frictionless(built, tmp_path):
    from frictionless import Package

    for name, data in built.items():
        (tmp_path / name).write_bytes(data)
    package = Package(str(tmp_path / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    names = [r.name for r in package.resources]
    assert "meilensteine" in names and len(names) == 14
    readme = built["README.md"].decode()
    for resource in json.loads(built["datapackage.json"])["resources"]:
        assert f"`{resource['path']}`" in readme
        for field in resource["schema"]["fields"]:
            assert f"`{field['name']}`" in readme


def test_the_xlsx_has_german_headers_dates_numbers_and_no_formulas(built):
    book = load_workbook(io.BytesIO(built["plansicht.xlsx"]))
    sheet = book["Meilensteine"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Meilenstein", "Titel", "Beschreibung", "Maßnahme", "Beginn (geplant)"]
    a = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "A")
    assert a[4].is_date and a[4].value.date() == date(2025, 1, 1)
    assert a[1].data_type == "s" and a[1].value.startswith("'=SUMME")
    cost = book["Kosten- und Finanzierungsplan"]
    amounts = sorted(r[3].value for r in cost.iter_rows(min_row=2))
    assert amounts == [1000, 3000, 9000]
    assert all(isinstance(v, int | float) for v in amounts)


def test_the_json_has_the_public_programme_and_nothing_internal(built):
    text = built["programme.json".replace("programme", "programm")].decode()
    doc = json.loads(text)
    assert [m["code"] for m in doc["measures"]] == ["M1", "M1.1", "M1.1.1", "M2"]
    assert "Geheimprojekt" not in text and "noch nicht abgestimmt" not in text
    assert "internal_note" not in text and "payee" not in text and "future-dated" not in text
    assert doc["programme"]["as_of"] == "2025-06-01"


def parse_ical(data: bytes) -> list[list[str]]:
    """A strict reading of RFC 5545's framing: CRLF only, no physical line over 75 octets,
    folded lines joined; BEGIN/END balanced. The components as lists of their lines."""
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    for line in physical:
        assert b"\n" not in line and b"\r" not in line
        assert len(line) <= 75, line
    logical = []
    for line in physical:
        if line.startswith(b" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    lines = [line.decode("utf-8") for line in logical]
    stack, components = [], []
    for line in lines:
        if line.startswith("BEGIN:"):
            stack.append(line[6:])
            components.append([line])
        elif line.startswith("END:"):
            assert stack.pop() == line[4:]
        else:
            components[-1].append(line)
    assert not stack
    return components


def test_the_calendar_is_rfc_5545(built, programme):
    components = parse_ical(built["plansicht.ics"])
    assert components[0][:3] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Plansicht//Open data//DE",
    ]
    todos = {c[1]: c for c in components if c[0] == "BEGIN:VTODO"}
    assert len(todos) == 4  # A, B, C, D: the published milestones
    a = todos["UID:milestone-A.testprogramm@plansicht"]
    assert "STATUS:COMPLETED" in a and "PERCENT-COMPLETE:100" in a
    assert "SUMMARY:A =SUMME(A1) Ausschreibung\\; Teil 1\\, \\\\ mit Umbruch\\nzwei" in a
    b = todos["UID:milestone-B.testprogramm@plansicht"]
    assert "STATUS:IN-PROCESS" in b and "PERCENT-COMPLETE:40" in b
    assert any(line.startswith("DUE;VALUE=DATE:2025") for line in b)
    for todo in todos.values():
        assert sum(line.startswith("DTSTAMP:") for line in todo) == 1
    # Deterministic: the same stored forecast gives the same file.
    assert files.build_all(programme)["plansicht.ics"] == built["plansicht.ics"]
    # A measure's calendar holds its subtree's milestones only.
    m1 = Measure.objects.get(programme=programme, code="M1.1")
    sub = parse_ical(ical.calendar(programme, m1))
    assert sorted(c[1] for c in sub if c[0] == "BEGIN:VTODO") == [
        "UID:milestone-B.testprogramm@plansicht",  # of M1.1
        "UID:milestone-C.testprogramm@plansicht",  # of M1.1.1, below it
    ]


def test_long_lines_fold_between_characters():
    folded = ical.fold("SUMMARY:" + "ä" * 80)
    for line in folded[:-2].split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")


def test_the_command_writes_every_file(programme, tmp_path, built):
    out = tmp_path / "daten"
    call_command("export_opendata", "testprogramm", "--output", str(out), stdout=io.StringIO())
    assert {p.name for p in out.iterdir()} == set(built)
    assert (out / "meilensteine.csv").read_bytes() == built["meilensteine.csv"]


def test_the_command_refuses_a_bad_slug_and_an_unwritable_place(programme, tmp_path):
    with pytest.raises(CommandError, match="no programme"):
        call_command("export_opendata", "nix", "--output", str(tmp_path / "a"))
    assert not (tmp_path / "a").exists()
    blocker = tmp_path / "datei"
    blocker.write_text("x")
    with pytest.raises(CommandError, match="not a directory"):
        call_command("export_opendata", "testprogramm", "--output", str(blocker))
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_opendata", "testprogramm", "--output", str(blocker / "sub" / "x"))
    assert list(tmp_path.iterdir()) == [blocker]


def test_the_portal_lists_and_serves_the_files(client, programme):
    page = client.get(reverse("portal:opendata", args=["testprogramm"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "/p/testprogramm/daten/meilensteine.csv" in html
    assert "/p/testprogramm/daten/massnahme/M1.ics" in html
    response = client.get("/p/testprogramm/daten/meilensteine.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="meilensteine.csv"'
    etag = response["ETag"]
    again = client.get("/p/testprogramm/daten/meilensteine.csv", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert client.get("/p/testprogramm/daten/nix.csv").status_code == 404
    ics = client.get("/p/testprogramm/daten/massnahme/M1.ics")
    assert ics.status_code == 200 and ics["Content-Type"] == "text/calendar; charset=utf-8"
    assert client.get("/p/testprogramm/daten/massnahme/M9.ics").status_code == 404  # draft


def test_the_files_are_rebuilt_after_the_forecast_is_stored(client, programme):
    from plansicht.services import Actor
    from plansicht.services import plan as svc

    client.get("/p/testprogramm/daten/meilensteine.csv")
    before = OpenDataFile.objects.get(programme=programme, name="meilensteine.csv").sha256
    svc.set_progress(
        Milestone.objects.get(programme=programme, code="B"),
        70,
        actor=Actor.system("tests"),
        reason="",
    )
    text = client.get("/p/testprogramm/daten/meilensteine.csv").content.decode()
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["code"] == "B")
    assert row["progress"] == "70"
    after = OpenDataFile.objects.get(programme=programme, name="meilensteine.csv").sha256
    assert after != before


def test_the_documentation_lists_every_column_of_every_table():
    """docs/opendata.md names each table's columns with their types, as opendata/columns.csv
    defines them: the two cannot drift apart."""
    import re
    from pathlib import Path

    from plansicht.opendata.tables import TABLES

    text = (Path(__file__).resolve().parent.parent / "docs" / "opendata.md").read_text()
    documented, current = {}, None
    for line in text.splitlines():
        heading = re.match(r"### `(\w+)\.csv`", line)
        if heading:
            current = documented.setdefault(heading.group(1), [])
        elif line.startswith("## "):
            current = None
        elif current is not None and (cell := re.match(r"\| `(\w+)` \| (\w+) \|", line)):
            current.append(cell.groups())
    assert documented == {t.name: [(c.name, c.type) for c in t.columns] for t in TABLES}
