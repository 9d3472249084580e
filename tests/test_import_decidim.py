"""Importing Decidim's accountability results CSV as the plan: Decidim's own fixtures (the
valid file makes four results, the invalid one three row errors, as Decidim's importer spec
expects), again without a change, changed, and our own export brought back."""

import csv
import io
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plansicht.history.models import Event
from plansicht.imports.plan_table import read_plan
from plansicht.opendata import decidim
from plansicht.plan.models import FieldOfAction, Measure, Milestone
from plansicht.services.imports import import_plan

from .factories import SYSTEM, document, load
from .test_import_plan import empty_programme
from .test_opendata_standards import STANDARDS, needs_standards

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today"), needs_standards]

# Decidim's own fixtures (AGPL-3.0) stay in the shared standards folder, not in this repository.
FIXTURES = STANDARDS / "decidim-accountability" if STANDARDS else Path("/nonexistent")
VALID = (FIXTURES / "valid_result.csv").read_bytes() if STANDARDS else b""
INVALID = (FIXTURES / "invalid_result.csv").read_bytes() if STANDARDS else b""


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def imported(programme, data, **options):
    return import_plan(programme, read_plan(data), actor=SYSTEM, source="results.csv", **options)


def test_decidims_valid_fixture_makes_four_measures_and_three_milestones():
    programme = empty_programme()
    result = imported(programme, VALID)
    assert result.ok, [str(p) for p in result.problems]
    assert result.created["measures"] == 4 and result.created["milestones"] == 3
    measures = {m.code: m for m in Measure.objects.filter(programme=programme)}
    assert sorted(measures) == ["D69", "D70", "D71", "D72"]
    # No German title in the file: the English one; the description's HTML becomes text.
    assert measures["D70"].title == "test en 70"
    assert measures["D70"].description == (
        "Incidunt ut soluta. Perferendis suscipit ut. Eum inventore rerum."
    )
    assert measures["D69"].parent is None
    assert {measures[c].parent.code for c in ("D70", "D71", "D72")} == {"D69"}
    # The category of D69 is the field of action of all four (the children have none).
    field = FieldOfAction.objects.get(
        programme=programme, title="Et sunt nesciunt atque repudiandae."
    )
    assert {m.field_of_action for m in measures.values()} == {field}
    assert all(not m.draft for m in measures.values())
    # Only the results without children are milestones: 26.05.2020 to 05.06.2020 = 10 days.
    milestones = {m.code: m for m in Milestone.objects.filter(programme=programme)}
    assert sorted(milestones) == ["D70-1", "D71-1", "D72-1"]
    assert [
        (milestones[c].measure.code, milestones[c].planned_start, milestones[c].duration_days)
        for c in sorted(milestones)
    ] == [(f"D{n}", date(2020, 5, 26), 10) for n in (70, 71, 72)]
    assert [milestones[c].progress for c in sorted(milestones)] == [96, 31, 27]
    assert not milestones["D70-1"].draft
    # Status, scope, URL and the rest are named as ignored.
    (notice,) = result.notices
    assert "‚status/id‘" in notice and "‚proposal_urls‘" in notice and "‚url‘" in notice
    assert "‚title/en‘" not in notice and "‚progress‘" not in notice


def test_the_same_file_again_changes_nothing_and_writes_no_event():
    programme = empty_programme()
    imported(programme, VALID)
    events = Event.objects.count()
    again = imported(programme, VALID)
    assert again.ok and again.events == 0
    assert again.unchanged["measures"] == 4 and again.unchanged["milestones"] == 3
    assert Event.objects.count() == events


def test_a_changed_file_updates_the_same_measures_and_milestones():
    programme = empty_programme()
    imported(programme, VALID)
    changed = VALID.replace(b"test en 71;", b"Neuer Titel 71;").replace(b";31.0;", b";45.5;")
    result = imported(programme, changed, reason="Stand aus Decidim")
    assert result.ok, [str(p) for p in result.problems]
    assert result.updated == {"fields_of_action": 0, "measures": 1, "milestones": 1}
    assert Measure.objects.get(code="D71").title == "Neuer Titel 71"
    milestone = Milestone.objects.get(code="D71-1")
    assert (milestone.title, milestone.progress) == ("Neuer Titel 71", 46)  # 45,5 half up
    event = Event.objects.filter(action="milestone.changed").latest("pk")
    assert event.changes["progress"] == [31, 46]
    assert event.reason == "Stand aus Decidim"


def test_decidims_invalid_fixture_gives_three_row_errors_and_stores_nothing():
    programme = empty_programme()
    result = imported(programme, INVALID)
    assert [str(p) for p in result.problems] == [
        f"Zeile {row}, Spalte ‚title/en‘: ist leer; ein Ergebnis braucht einen Titel"
        for row in (2, 3, 4)
    ]
    assert not Measure.objects.filter(programme=programme).exists()


def rows_of(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def as_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_bad_cells_are_named_by_row_and_decidim_column():
    rows = rows_of(VALID)
    rows[0]["start_date"] = "2020-02-30"
    rows[1]["progress"] = "120"
    rows[2]["id"] = "70"  # as in row 2
    rows[3]["parent/id"] = "999"
    result = imported(empty_programme(), as_csv(rows))
    assert [str(p) for p in result.problems] == [
        "Zeile 2, Spalte ‚start_date‘: 2020-02-30 ist kein Datum; Decidim schreibt es als "
        "2025-12-31",
        "Zeile 3, Spalte ‚progress‘: 120 ist kein Prozentsatz von 0 bis 100",
        "Zeile 4, Spalte ‚id‘: 70 steht schon in Zeile 2; jedes Ergebnis hat eine Zeile",
        "Zeile 5, Spalte ‚parent/id‘: 999 ist kein Ergebnis dieser Datei; exportieren Sie das "
        "übergeordnete Ergebnis mit",
    ]
    assert not Measure.objects.exists()


def test_our_own_decidim_export_comes_back_as_the_same_tree():
    """The results CSV of the test programme, imported into an empty one: a measure for each
    published measure, under the same parent, with the same title."""
    exported = decidim.make(load(document(slug="quelle")))
    empty = empty_programme()
    result = imported(empty, exported)
    assert result.ok, [str(p) for p in result.problems]
    rows = rows_of(exported)
    tree = {
        f"D{r['id']}": (r["title/de"], f"D{r['parent/id']}" if r["parent/id"] else None)
        for r in rows
    }
    back = {
        m.code: (m.title, m.parent.code if m.parent_id else None)
        for m in Measure.objects.filter(programme=empty)
    }
    assert back == tree and len(back) == len(rows) > 1


def test_the_command_reads_a_decidim_file(tmp_path):
    programme = empty_programme()
    path = tmp_path / "results.csv"
    path.write_bytes(VALID)
    out = StringIO()
    call_command("import_plan", str(path), "--programme", programme.slug, stdout=out)
    assert Measure.objects.filter(programme=programme).count() == 4
    assert "4" in out.getvalue()


DECIDIM_CELL = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["69", "70", "-1", "x", "2020-05-26", "2020-02-30", "96.0", "101", "<p>a</p>"]),
)
FUZZED = ["id", "parent/id", "title/de", "title/en", "start_date", "end_date", "progress"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(DECIDIM_CELL, min_size=7, max_size=7), min_size=1, max_size=4))
def test_fuzz_random_results_never_crash_nor_write_in_part(rows):
    from plansicht.plan.models import Programme

    programme = Programme.objects.filter(slug="testprogramm").first() or empty_programme()
    before = sorted(Measure.objects.filter(programme=programme).values_list("code", "title"))
    events = Event.objects.count()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(FUZZED)
    writer.writerows([["" if c is None else c.replace("\x00", "") for c in r] for r in rows])
    result = imported(programme, out.getvalue().encode(), reason="Fuzz")
    if result.problems:
        after = sorted(Measure.objects.filter(programme=programme).values_list("code", "title"))
        assert after == before and Event.objects.count() == events
    else:
        assert Event.objects.count() - events == result.events
