"""The office's import page: the first submit is a dry run that names every problem by row
and column; a file without problems is applied with a second click, all or nothing; the
current plan downloaded as a template imports back unchanged, into the same programme (no
event) and into an empty one (the same plan)."""

import hashlib
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from plansicht.history.models import Event
from plansicht.imports.plan_table import read_plan
from plansicht.imports.template import plan_template
from plansicht.plan.models import Dependency, Measure, Milestone
from plansicht.services.imports import import_plan

from .factories import SYSTEM, document, load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

SLUG = "testprogramm"
HEAD = ["Maßnahme", "Maßnahme (Titel)", "Handlungsfeld", "Meilenstein", "Titel"]
HEAD += ["Beginn (geplant)", "Dauer (Tage)", "Vorgänger"]


def xlsx(rows, head=HEAD) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    ["N1", "Schulen", "Verwaltung", "S1", "Ausschreibung", date(2026, 1, 5), 30, None],
    ["N1", None, None, "S2", "Vergabe", "04.02.2026", 20, "S1 AA+5"],
]
BAD = [GOOD[0], ["N1", None, None, "S2", "Vergabe", "31.02.2026", 20, "S1 AA+5"]]


def upload(data, name="plan.xlsx"):
    return SimpleUploadedFile(name, data, "application/octet-stream")


def page(slug=SLUG):
    return reverse("office:plan_import", args=[slug])


def check(client, data, reason=""):
    return client.post(page(), {"op": "check", "file": upload(data), "reason": reason})


def apply(client, data, reason=""):
    digest = hashlib.sha256(data).hexdigest()
    return client.post(page(), {"op": "apply", "digest": digest, "reason": reason})


def test_the_dry_run_names_a_row_error_in_german_and_stores_nothing(client, personas):
    client.force_login(personas.editor)
    events = Event.objects.count()
    response = check(client, xlsx(BAD))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Zeile 3, Spalte ‚Beginn (geplant)‘: 31.02.2026 ist kein Datum" in text
    assert 'id="import-problems"' in text
    assert 'name="op" value="apply"' not in text  # no Apply button
    assert not Milestone.objects.filter(code__in=["S1", "S2"]).exists()
    assert Event.objects.count() == events


def test_a_corrected_file_is_checked_then_applied_and_creates_the_items(client, personas):
    client.force_login(personas.editor)
    data = xlsx(GOOD)
    response = check(client, data, reason="Übernahme der Schulplanung")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="op" value="apply"' in text
    assert not Milestone.objects.filter(code="S1").exists()  # the dry run stored nothing
    events = Event.objects.count()
    response = apply(client, data, reason="Übernahme der Schulplanung")
    assert response.status_code == 302
    s1 = Milestone.objects.get(programme__slug=SLUG, code="S1")
    s2 = Milestone.objects.get(programme__slug=SLUG, code="S2")
    assert (s1.title, s1.planned_start, s1.duration_days) == ("Ausschreibung", date(2026, 1, 5), 30)
    assert (s2.planned_start, s2.duration_days) == (date(2026, 2, 4), 20)
    link = Dependency.objects.get(successor=s2)
    assert (link.predecessor.code, link.type, link.lag_days) == ("S1", "SS", 5)
    # one measure and two milestones: three events, each with the import's reason
    assert Event.objects.count() == events + 3
    assert set(Event.objects.order_by("-pk")[:3].values_list("reason", flat=True)) == {
        "Übernahme der Schulplanung"
    }
    shown = client.get(page()).content.decode()
    assert (
        "Der Plan wurde aus plan.xlsx importiert. Handlungsfelder: 0 neu; Maßnahmen: 1 neu, "
        "0 geändert; Meilensteine: 2 neu, 0 geändert; 3 Änderungen verzeichnet."
    ) in shown


def test_applying_without_a_checked_file_applies_nothing(client, personas):
    client.force_login(personas.editor)
    data = xlsx(GOOD)
    check(client, xlsx(GOOD[:1]))  # another file was checked meanwhile
    response = apply(client, data)
    assert response.status_code == 400
    assert "Laden Sie die Datei erneut hoch" in response.content.decode()
    assert not Milestone.objects.filter(code="S1").exists()


def test_a_file_over_ten_megabytes_is_refused_in_words(client, personas):
    client.force_login(personas.editor)
    big = b"Ma\xc3\x9fnahme;Titel\r\n" + b"x" * (10 * 1024 * 1024)
    response = check(client, big)
    assert response.status_code == 400
    assert "höchstens 10,0\xa0MB sind möglich" in response.content.decode()


def test_the_current_plan_imports_back_unchanged(client, personas):
    client.force_login(personas.editor)
    response = client.get(reverse("office:plan_import_current", args=[SLUG]))
    assert response.status_code == 200
    data = response.content
    events = Event.objects.count()
    assert check(client, data).status_code == 200
    assert apply(client, data).status_code == 302
    assert Event.objects.count() == events


def test_the_empty_template_has_the_headers_and_the_example_row(client, personas):
    client.force_login(personas.editor)
    response = client.get(reverse("office:plan_import_template", args=[SLUG]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Maßnahme",
        "Maßnahme (Titel)",
        "Übergeordnete Maßnahme",
        "Handlungsfeld",
        "Meilenstein",
        "Titel",
        "Beginn (geplant)",
        "Dauer (Tage)",
        "Ende (geplant)",
        "Verantwortlich",
        "Vorgänger",
        "Begründung",
    )
    assert rows[1][:6] == ("M1", "Datenplattform", None, "Verwaltung", "M1-01", "Ausschreibung")
    assert rows[1][7] == 30
    assert rows[1][6].date() == date(2026, 1, 5)
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert len(rows) == 2


def test_a_formula_like_title_is_neutralised_and_read_back():
    doc = document(
        measures=[{"code": "M1", "title": "=HYPERLINK(1)", "field_of_action": "F1"}],
        milestones=[
            {
                "code": "A",
                "measure": "M1",
                "title": "-Entwurf",
                "planned_start": "2025-01-01",
                "duration_days": 3,
                "progress": 0,
            }
        ],
        dependencies=[],
        plan_versions=[],
    )
    programme = load(doc)
    sheet = load_workbook(io.BytesIO(plan_template(programme))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "'=HYPERLINK(1)" and rows[1][5] == "'-Entwurf"
    result = import_plan(programme, read_plan(plan_template(programme)), actor=SYSTEM)
    assert result.ok and result.events == 0


def plan_of(programme):
    return {
        "measures": sorted(
            (
                m.code,
                m.title,
                m.field_of_action.title,
                m.parent.code if m.parent else None,
                m.lead_unit.name if m.lead_unit else None,
            )
            for m in Measure.objects.filter(programme=programme).public()
        ),
        "milestones": sorted(
            (m.code, m.measure.code, m.title, m.planned_start, m.duration_days)
            for m in Milestone.objects.filter(programme=programme).public()
        ),
        "dependencies": sorted(
            (d.predecessor.code, d.successor.code, d.type, d.lag_days)
            for d in Dependency.objects.filter(programme=programme)
        ),
    }


def test_round_trip_the_current_plan_into_an_empty_programme():
    # No published milestone waits for a draft here (a draft is not in the template).
    source = load(
        document(
            dependencies=[
                {"predecessor": "A", "successor": "B", "type": "FS", "lag_days": 0},
                {"predecessor": "B", "successor": "C", "type": "FS", "lag_days": 5},
                {"predecessor": "A", "successor": "D", "type": "SS", "lag_days": -3},
                {"predecessor": "C", "successor": "D", "type": "SS", "lag_days": 2},
            ]
        )
    )
    empty = load(
        document(
            slug="leer",
            fields_of_action=[{"code": "F9", "title": "Sonstiges"}],
            measures=[],
            milestones=[],
            dependencies=[],
            plan_versions=[],
        )
    )
    assert empty.organisation == source.organisation
    result = import_plan(empty, read_plan(plan_template(source)), actor=SYSTEM, source="plan.xlsx")
    assert result.ok, [str(p) for p in result.problems]
    assert result.created == {"fields_of_action": 2, "measures": 4, "milestones": 4}
    expected = {
        "measures": [
            ("M1", "Datenplattform", "Verwaltung", None, "Stabsstelle Digitalisierung"),
            ("M1.1", "Sensorik", "Verwaltung", "M1", None),
            ("M1.1.1", "Gateways", "Verwaltung", "M1.1", None),
            ("M2", "Radverkehr", "Mobilität", None, None),
        ],
        "milestones": [
            ("A", "M1", "Ausschreibung", date(2025, 1, 1), 30),
            ("B", "M1.1", "Beschaffung", date(2025, 2, 1), 60),
            ("C", "M1.1.1", "Inbetriebnahme", date(2025, 4, 1), 30),
            ("D", "M2", "Konzept", date(2025, 7, 1), 90),
        ],
        "dependencies": [
            ("A", "B", "FS", 0),
            ("A", "D", "SS", -3),
            ("B", "C", "FS", 5),
            ("C", "D", "SS", 2),
        ],
    }
    assert plan_of(source) == expected
    assert plan_of(empty) == expected
    # and the same file once more into the now filled programme: nothing changes
    again = import_plan(empty, read_plan(plan_template(source)), actor=SYSTEM)
    assert again.ok and again.events == 0


def test_a_draft_predecessor_is_kept_in_the_current_plan(client, personas):
    # D waits for the draft X: the template names X, so importing it back keeps the link.
    sheet = load_workbook(io.BytesIO(plan_template(personas.programme))).active
    rows = {r[4]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["D"][10] == "X"
    assert "X" not in rows and "Z" not in rows  # drafts and milestones of draft measures
    assert rows["C"][10] == "B EA+5"


def test_only_editors_of_the_plan_see_the_import_in_the_navigation(client, personas):
    link = f'href="{page()}"'
    client.force_login(personas.editor)
    assert link in client.get(reverse("office:dashboard", args=[SLUG])).content.decode()
    client.force_login(personas.finance)
    assert link not in client.get(reverse("office:dashboard", args=[SLUG])).content.decode()
