"""The programme office issues the council's information report with one click, the page tells
when the task worker has made it, and a council member finds it on the portal: the office's
pages and the portal's list are checked with axe-core (WCAG 2.1 AA), have one h1 and never
scroll sideways, on a phone and at a desk."""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from plansicht.reports.models import IssuedReport

from .conftest import SLUG, VIEWPORTS, assert_sound, follow, log_in, url


@VIEWPORTS
def test_the_office_issues_a_council_report_and_the_portal_lists_it(
    demo, open_page, viewport, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page = open_page(viewport)
    page.goto(url("office:reports", SLUG))
    log_in(page, "buero")
    expect(page).to_have_url(re.compile(re.escape(url("office:reports", SLUG)) + "$"))
    assert_sound(page, "the office's reports page")
    form = page.locator("main form")
    form.locator("#id_kind").select_option("council")
    follow(form.locator("button[type=submit]"))
    # The task worker makes it; the page follows the job and says when it is ready.
    status = page.locator("#job-status")
    expect(status).to_have_attribute("data-state", "waiting")
    assert_sound(page, "the page of a report being issued")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    expect(status).to_have_attribute("data-state", "ready", timeout=15_000)
    issued = IssuedReport.objects.get(programme=demo)
    assert issued.kind == "council" and issued.public
    expect(status).to_contain_text(issued.title)
    assert_sound(page, "the page of a report issued")
    follow(page.locator(f"main a[href='{url('office:reports', SLUG)}']"))
    expect(page.locator("main table tbody tr th").first).to_contain_text(issued.title)

    visitor = open_page(viewport)
    visitor.goto(url("portal:overview", SLUG))
    follow(visitor.locator(f".site-nav a[href='{url('portal:reports', SLUG)}']"))
    assert_sound(visitor, "the portal's reports")
    row = visitor.locator("main table tbody tr").first
    expect(row.locator("th")).to_contain_text(issued.title)
    link = row.locator(f"a[href='{url('portal:report_file', SLUG, issued.pk, 'pdf')}']")
    expect(link).to_have_count(1)
    response = visitor.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
