"""The programme office imports measures and milestones from a spreadsheet: the dry run names
a row's error in German, a corrected file is checked and then applied with one click. The page
is checked with axe-core, has one h1 and never scrolls sideways, on a phone and at a desk."""

import io
import re
from datetime import date

from django.core.management import call_command
from openpyxl import Workbook
from playwright.sync_api import expect

from plansicht.plan.models import Milestone

from .conftest import SLUG, VIEWPORTS, assert_sound, follow, log_in, url

HEAD = ["Maßnahme", "Maßnahme (Titel)", "Handlungsfeld", "Meilenstein", "Titel"]
HEAD += ["Beginn (geplant)", "Dauer (Tage)", "Vorgänger"]
GOOD = [
    ["N9", "Schulnetz", "HF3", "N9-01", "Ausschreibung Schulnetz", date(2027, 1, 11), 30, None],
    ["N9", None, None, "N9-02", "Vergabe Schulnetz", "15.02.2027", 20, "N9-01 AA+5"],
]
BAD = [GOOD[0], [*GOOD[1][:5], "31.02.2027", *GOOD[1][6:]]]


def workbook(rows) -> dict:
    book = Workbook()
    sheet = book.active
    sheet.append(HEAD)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return {
        "name": "plan.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": out.getvalue(),
    }


@VIEWPORTS
def test_a_dry_run_names_the_row_error_and_the_corrected_file_is_applied(demo, open_page, viewport):
    page = open_page(viewport)
    page.goto(url("office:plan_import", SLUG))
    log_in(page, "buero")
    expect(page).to_have_url(re.compile(re.escape(url("office:plan_import", SLUG)) + "$"))
    assert_sound(page, "the office's import page")

    page.locator("#id_file").set_input_files(workbook(BAD))
    follow(page.locator("form[enctype] button[type=submit]"))
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("31.02.2027 ist kein Datum")
    expect(problems.locator("tbody tr").first.locator("td").first).to_have_text("3")
    expect(page.get_by_role("button", name="Übernehmen")).to_have_count(0)
    assert_sound(page, "the import page with a row error", status=400)
    assert not Milestone.objects.filter(programme=demo, code__startswith="N9").exists()

    page.locator("#id_file").set_input_files(workbook(GOOD))
    follow(page.locator("form[enctype] button[type=submit]"))
    expect(page.locator("#import-result")).to_have_attribute("data-ok", "yes")
    follow(page.get_by_role("button", name="Übernehmen"))
    expect(page.locator(".messages")).to_be_visible()
    assert set(
        Milestone.objects.filter(programme=demo, code__startswith="N9").values_list(
            "code", flat=True
        )
    ) == {"N9-01", "N9-02"}


@VIEWPORTS
def test_a_large_file_is_followed_while_the_task_worker_checks_and_imports_it(
    demo, open_page, viewport, settings
):
    settings.IMPORT_BACKGROUND_BYTES = 0  # every file counts as large here
    page = open_page(viewport)
    page.goto(url("office:plan_import", SLUG))
    log_in(page, "buero")
    page.locator("#id_file").set_input_files(workbook(GOOD))
    follow(page.locator("form[enctype] button[type=submit]"))
    status = page.locator("#job-status")
    expect(status).to_have_attribute("data-state", "waiting")
    expect(status.locator("progress")).to_have_count(1)
    assert_sound(page, "the page of a large file waiting for the task worker")
    # The worker checks it; the page sees the job done and loads the dry run's result.
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    expect(page.locator("#import-result")).to_have_attribute("data-ok", "yes", timeout=15_000)
    assert_sound(page, "the dry run of a large file")
    assert not Milestone.objects.filter(programme=demo, code__startswith="N9").exists()
    follow(page.get_by_role("button", name="Übernehmen"))
    expect(status).to_have_attribute("data-state", "waiting")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    expect(page.locator("#result-heading")).to_have_text(
        "Der Plan wurde importiert", timeout=15_000
    )
    assert set(
        Milestone.objects.filter(programme=demo, code__startswith="N9").values_list(
            "code", flat=True
        )
    ) == {"N9-01", "N9-02"}
