"""Two people on the same milestone, and someone guessing passwords (in Chromium).

Jonas (buero) and the administrator open the same milestone; Jonas saves first. The
administrator's save is refused with who changed it and when, his input stays in the form
beside the value saved now, and saving again overwrites deliberately. Five wrong passwords
lead to the lockout page. Both pages are checked with axe-core, on a phone and at a desk.
"""

import re

from playwright.sync_api import expect

from plansicht.plan.models import Milestone

from .conftest import SLUG, VIEWPORTS, assert_sound, follow, log_in, url


def an_unfinished_milestone(programme):
    return (
        Milestone.objects.filter(programme=programme, actual_finish__isnull=True)
        .public()
        .order_by("code")
        .first()
    )


def save_duration(page, days, reason):
    dates = page.locator("form:has(input[name=op][value=dates])")
    dates.locator("#id_dates-duration_days").fill(str(days))
    dates.locator("#id_dates-reason").fill(reason)
    follow(dates.locator("button[type=submit]"))
    return dates


@VIEWPORTS
def test_a_save_over_a_change_made_meanwhile_is_refused_and_nothing_typed_is_lost(
    demo, open_page, viewport
):
    milestone = an_unfinished_milestone(demo)
    days = milestone.duration_days
    edit_url = url("office:milestone", SLUG, milestone.code)
    jonas, admin = open_page(viewport), open_page(viewport)
    for page, user in ((jonas, "buero"), (admin, "admin")):
        page.goto(url("office:login"))
        log_in(page, user)
        page.goto(edit_url)

    save_duration(jonas, days + 10, "Lieferverzug beim Auftragnehmer")
    dates = save_duration(admin, days + 20, "Zusätzliche Abnahme nötig")

    assert_sound(admin, "milestone edit page, changed meanwhile", status=400)
    expect(dates.locator(".kern-alert")).to_contain_text("Inzwischen geändert von buero")
    expect(dates.locator("#id_dates-duration_days")).to_have_value(str(days + 20))
    expect(dates.locator("#id_dates-reason")).to_have_value("Zusätzliche Abnahme nötig")
    row = dates.locator("table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"{days + 20}")
    expect(row).to_contain_text(f"{days + 10}")
    milestone.refresh_from_db()
    assert milestone.duration_days == days + 10

    follow(dates.locator("button[type=submit]"))
    expect(admin).to_have_url(re.compile(re.escape(edit_url) + "$"))
    milestone.refresh_from_db()
    assert milestone.duration_days == days + 20


@VIEWPORTS
def test_five_wrong_passwords_lead_to_the_lockout_page(demo, open_page, viewport):
    page = open_page(viewport)
    page.goto(url("office:login"))
    for _attempt in range(5):
        log_in(page, "buero", "falsch")
    assert_sound(page, "lockout page", status=429)
    expect(page.locator("main")).to_contain_text("für 15 Minuten gesperrt")
