"""Erika signs up to take part, on her phone and at a desk: from the header's login link to
the sign-up form, a refused display name (her e-mail address), the mail with the link (through
a real SMTP server), the confirmation and the portal with her signed in, then her account page.
Later she logs in with a code from a mail, looks at her addresses and her password, and
deletes her account. Every page on the way is checked with axe-core, the refused form
included."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from playwright.sync_api import expect

from plansicht.participation.models import Participant
from plansicht.services import Actor
from plansicht.services.participation import register_participant

from .conftest import VIEWPORTS, assert_sound, follow, url

ERIKA = "erika@example.org"
PASSWORD = "Wiesenweg-17-Plansicht"


@pytest.fixture
def fresh_rate_limits():
    """allauth counts attempts in the cache, shared with the live server's threads."""
    cache.clear()
    yield
    cache.clear()


@VIEWPORTS
def test_erika_signs_up_confirms_her_address_and_is_signed_in(
    transactional_db, live_server, open_page, smtp_server, fresh_rate_limits, viewport
):
    page = open_page(viewport)
    page.goto(url("portal:index"))
    follow(page.locator(".site-nav").get_by_role("link", name="Anmelden"))
    expect(page).to_have_url(re.compile(re.escape(url("account_login")) + r"(\?|$)"))
    assert_sound(page, "login page")

    follow(page.locator("main").get_by_role("link", name="Registrieren"))
    expect(page.locator("h1")).to_have_text("Registrieren")
    assert_sound(page, "sign-up page")

    form = page.locator("main form")
    form.get_by_label("Anzeigename").fill(ERIKA)
    form.get_by_label("E-Mail-Adresse").fill(ERIKA)
    form.get_by_label("Passwort", exact=True).fill(PASSWORD)
    form.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
    follow(form.get_by_role("button", name="Registrieren"))
    # Refused: the summary at the top takes the focus and leads to the field.
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Geben Sie einen Namen ein, nicht Ihre E-Mail-Adresse.")
    expect(summary).to_be_focused()
    assert_sound(page, "sign-up page with an error")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Anzeigename")).to_be_focused()
    assert smtp_server.messages == []

    page.get_by_label("Anzeigename").fill("Erika M.")
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
    follow(page.locator("main form").get_by_role("button", name="Registrieren"))
    expect(page.locator("h1")).to_have_text("E-Mail-Adresse bestätigen")
    assert_sound(page, "the page that asks to confirm the address")

    mail = smtp_server.only(to=ERIKA)
    link = smtp_server.link(mail, r"/konto/confirm-email/")
    assert link.startswith(live_server.url)
    page.goto(link)
    expect(page.locator("main")).to_contain_text(f"Ist {ERIKA} Ihre E-Mail-Adresse?")
    assert_sound(page, "confirmation page")
    follow(page.locator("main form").get_by_role("button", name="Bestätigen"))

    expect(page).to_have_url(re.compile(re.escape(url("portal:index")) + "$"))
    expect(page.locator(".messages")).to_contain_text("Sie sind angemeldet als Erika M.")
    assert EmailAddress.objects.get(email=ERIKA).verified
    follow(page.locator(".site-nav").get_by_role("link", name="Mein Konto"))
    expect(page.locator("h1")).to_have_text("Mein Konto")
    expect(page.get_by_label("Anzeigename")).to_have_value("Erika M.")
    assert_sound(page, "account page")
    assert Participant.objects.get(user__email=ERIKA).display_name == "Erika M."


@VIEWPORTS
def test_erika_logs_in_with_a_code_looks_at_her_account_and_deletes_it(
    transactional_db, live_server, open_page, smtp_server, fresh_rate_limits, viewport
):
    user = get_user_model().objects.create_user("p-erika", email=ERIKA, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=ERIKA, verified=True, primary=True)
    register_participant(user, actor=Actor(user=user), display_name="Erika M.")
    page = open_page(viewport)
    page.goto(url("account_login"))
    follow(page.get_by_role("link", name="Anmeldecode zusenden"))
    expect(page.locator("h1")).to_have_text("Mit einem Code anmelden")
    assert_sound(page, "page asking for a login code")
    page.get_by_label("E-Mail-Adresse").fill(ERIKA)
    follow(page.locator("main form").get_by_role("button", name="Code senden"))
    expect(page.locator("h1")).to_have_text("Anmeldecode eingeben")
    assert_sound(page, "page for the login code")
    text = smtp_server.text(smtp_server.only(to=ERIKA))
    code = re.search(r"^([A-Z]{4}-[A-Z]{4})$", text, re.M).group(1)
    page.get_by_label("Anmeldecode").fill(code)
    follow(page.locator("main form").get_by_role("button", name="Anmelden"))
    expect(page.locator(".messages")).to_contain_text("Sie sind angemeldet als Erika M.")

    follow(page.locator(".site-nav").get_by_role("link", name="Mein Konto"))
    follow(page.locator("main").get_by_role("link", name="Ihre E-Mail-Adressen"))
    expect(page.locator("main")).to_contain_text(ERIKA)
    assert_sound(page, "e-mail addresses")
    follow(page.locator("main").get_by_role("link", name="Zurück zu Ihrem Konto"))
    follow(page.locator("main").get_by_role("link", name="Passwort ändern"))
    assert_sound(page, "password change")
    follow(page.locator("main").get_by_role("link", name="Zurück zu Ihrem Konto"))
    follow(page.locator("main").get_by_role("link", name="Konto löschen"))
    assert_sound(page, "deleting the account")
    follow(page.get_by_role("button", name="Mein Konto endgültig löschen"))
    expect(page).to_have_url(re.compile(re.escape(url("portal:index")) + "$"))
    expect(page.locator(".messages")).to_contain_text("Ihr Konto ist gelöscht.")
    expect(page.locator(".site-nav")).to_contain_text("Anmelden")
    assert not get_user_model().objects.filter(email=ERIKA).exists()
