"""A council member's walk through the register of council decisions, on a phone and at a
desk: from the programme's navigation to the register, filtered with its form (no JavaScript
needed) to the council's decisions of 2021, and on to the decision on the CDO and CUO posts,
whose assignments to fill both posts by the end of 2022 are overdue. Every page is checked
with axe-core (WCAG 2.1 AA), has one h1 and never scrolls sideways.

The expected statuses come from the demo's data as seeded (the posts' hiring steps), worked
out here by hand: neither post has reached "filled", so both assignments due 31.12.2022 are
overdue as of the demo's date, 26.11.2026.
"""

import re
from datetime import date

from django.utils import translation
from playwright.sync_api import expect

from plansicht.decisions.models import Decision
from plansicht.staffing.models import HiringStep

from .conftest import SLUG, VIEWPORTS, assert_sound, follow, short_date, url

NUMBER = "DS 0311/2021"


def words(message, context=None):
    with translation.override("de"):
        if context:
            return translation.pgettext(context, message)
        return translation.gettext(message)


@VIEWPORTS
def test_a_council_member_finds_the_overdue_assignments_of_the_posts_decision(
    demo, open_page, viewport
):
    decision = Decision.objects.get(programme=demo, number=NUMBER)
    # the facts the statuses rest on: neither post has been filled
    assert not HiringStep.objects.filter(
        position__programme=demo, position__code__in=["CDO", "CUO"], step="filled"
    ).exists()
    page = open_page(viewport)
    page.goto(url("portal:overview", SLUG))
    follow(page.locator(f".site-nav a[href='{url('portal:decisions', SLUG)}']"))
    expect(page).to_have_url(re.compile(re.escape(url("portal:decisions", SLUG)) + "$"))
    assert_sound(page, "register of council decisions")
    expect(page.locator("h1")).to_have_text(words("Council decisions"))
    rows = page.locator("main table tbody tr")
    expect(rows.locator("th a")).to_have_text(["DS 0456/2022", NUMBER])  # newest first

    # Only the council's decisions of 2021, chosen with the form itself
    page.locator("#filter-body").select_option("RAT")
    page.locator("#filter-year").select_option("2021")
    follow(page.locator("form[role=search] button[type=submit]"))
    expect(page).to_have_url(re.compile(r"[?&]body=RAT&year=2021\b"))
    assert_sound(page, "register filtered to the council in 2021")
    expect(rows.locator("th a")).to_have_text([NUMBER])
    overdue = words("overdue", "assignment status")
    expect(rows.first).to_contain_text(f"2 {overdue}")

    follow(rows.first.locator("th a"))
    expect(page).to_have_url(re.compile(re.escape(url("portal:decision", SLUG, decision.pk))))
    assert_sound(page, f"decision {NUMBER}")
    expect(page.locator("h1")).to_have_text(decision.title)
    lines = page.locator("main table.assignments-table tbody tr")
    expect(lines).to_have_count(3)
    due = short_date(date(2022, 12, 31))
    for code in ("A2", "A3"):  # the CDO and the CUO filled by 31.12.2022
        line = lines.filter(has=page.locator("th", has_text=re.compile(rf"^{code}\b")))
        expect(line).to_contain_text(due)
        expect(line.locator(".kern-badge")).to_have_text(overdue)
    # the CDO entered the establishment plan on 13.10.2026, long after 31.03.2022: late
    first = lines.filter(has=page.locator("th", has_text=re.compile(r"^A1\b")))
    expect(first.locator(".kern-badge")).to_have_text(words("done late", "assignment status"))
    expect(first).to_contain_text(short_date(date(2026, 10, 13)))
