"""Anna reads the questions of the demo programme, on her phone and at a desk: she filters
them down to the overdue ones with the form and opens one, then a question whose due date
was extended. Every page must be accessible (axe-core, WCAG 2.1 AA), have one h1 and never
scroll sideways on a phone.

The demo as of 26.11.2026: F4 (received Monday 02.11.2026, due 15 working days later on
23.11.) is the one overdue question; F3's due date was extended to 13.11.2026.
"""

import re

from playwright.sync_api import expect

from .conftest import SLUG, VIEWPORTS, assert_sound, follow, url


@VIEWPORTS
def test_anna_filters_the_questions_and_reads_one(demo, open_page, viewport):
    page = open_page(viewport)
    page.goto(url("portal:overview", SLUG))
    follow(page.locator(f".site-nav a[href='{url('portal:questions', SLUG)}']"))
    assert_sound(page, "questions")
    rows = page.locator("main table.questions-table tbody tr")
    expect(rows).to_have_count(6)  # F1–F6
    expect(page.locator("main")).to_contain_text("fristgerecht beantwortet")

    page.get_by_label("Status", exact=True).select_option("overdue")
    follow(page.locator("form[role=search] button[type=submit]"))
    expect(page).to_have_url(re.compile(r"[?&]status=overdue\b"))
    assert_sound(page, "questions filtered to the overdue ones")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("th a")).to_have_text("F4")
    expect(rows.first).to_contain_text("überfällig")
    expect(rows.first).to_contain_text("23.11.2026")

    follow(rows.first.locator("th a"))
    expect(page).to_have_url(re.compile(re.escape(url("portal:question", SLUG, "F4")) + "$"))
    assert_sound(page, "question F4")
    expect(page.locator("h1")).to_have_text("Frage F4")
    expect(page.locator("main")).to_contain_text("Fördermittel")
    expect(page.locator("main")).to_contain_text("Antwort bis spätestens 23.11.2026.")

    page.goto(url("portal:question", SLUG, "F3"))
    assert_sound(page, "question F3 with an extension")
    expect(page.locator("main")).to_contain_text("Angaben des Netzbetreibers")
    expect(page.locator("main")).to_contain_text("13.11.2026")
    expect(page.locator("main")).to_contain_text("innerhalb der Verlängerung beantwortet")


def signed_in(page, live_server):
    """Petra, a participant with a confirmed address, signed in in this browser."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from plansicht.participation.models import Participant

    user = get_user_model().objects.create_user("petra", password="pw-petra")
    Participant.objects.create(user=user, display_name="Petra P.")
    EmailAddress.objects.create(user=user, email="petra@example.org", verified=True, primary=True)
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


@VIEWPORTS
def test_petra_asks_a_question_about_a_measure(demo, open_page, live_server, viewport):
    page = open_page(viewport)
    signed_in(page, live_server)
    page.goto(url("portal:measure", SLUG, "M6"))
    assert_sound(page, "measure M6 with the form to ask")
    form = page.locator("form.ask-form")
    # sent empty: the problem is named and leads to the field
    follow(form.locator("button[type=submit]"))
    assert_sound(page, "the questions page with the problem", status=400)
    expect(page.locator(".error-summary a[href='#ask-text']")).to_be_visible()
    page.get_by_label("Ihre Frage").fill("Gibt es die Plattform auch in leichter Sprache?")
    follow(page.locator("form.ask-form button[type=submit]"))
    expect(page).to_have_url(re.compile(re.escape(url("portal:question", SLUG, "F7")) + "$"))
    assert_sound(page, "the new question F7")
    # Thursday 26.11.2026 + 15 working days (no holiday in Rhineland-Palatinate): 17.12.2026
    expect(page.locator("main")).to_contain_text("Antwort bis spätestens 17.12.2026.")
    expect(page.locator("main")).to_contain_text("M6")
