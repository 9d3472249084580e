"""The programme office issues the council's information report with one click and a council
member finds it on the portal: the office's reports page and the portal's list are checked
with axe-core (WCAG 2.1 AA), have one h1 and never scroll sideways, on a phone and at a desk."""

import re

from django.utils import translation
from playwright.sync_api import expect

from plansicht.reports.models import IssuedReport

from .conftest import SLUG, VIEWPORTS, assert_sound, follow, log_in, url


def words(message):
    with translation.override("de"):
        return translation.gettext(message)


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
    expect(page.locator(".messages")).to_contain_text(words("The report was issued."))
    issued = IssuedReport.objects.get(programme=demo)
    assert issued.kind == "council" and issued.public
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
