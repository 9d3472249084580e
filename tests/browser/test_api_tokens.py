"""A finance officer makes a personal API token in the office: the page shows its secret once,
in a box that fits a phone, and afterwards only its beginning in the list; revoking it asks
first. Every page is checked with axe-core (WCAG 2.1 AA), has one h1 and never scrolls
sideways, on a phone and at a desk."""

import hashlib
import re
from datetime import timedelta

from playwright.sync_api import expect

from plansicht.accounts.models import ApiToken

from .conftest import (
    DEMO_TODAY,
    SLUG,
    VIEWPORTS,
    assert_sound,
    follow,
    log_in,
    short_date,
    url,
)


@VIEWPORTS
def test_a_finance_officer_makes_a_token_and_sees_its_secret_once(demo, open_page, viewport):
    page = open_page(viewport)
    page.goto(url("office:tokens", SLUG))
    log_in(page, "kaemmerei")
    expect(page).to_have_url(re.compile(re.escape(url("office:tokens", SLUG)) + "$"))
    expect(page.locator(".site-nav [aria-current=page]")).to_have_text("API-Tokens")
    assert_sound(page, "the office's API tokens page")

    form = page.locator("main form")
    # 90 days ahead unless changed
    expect(form.locator("#id_expires_on")).to_have_value("2027-02-24")
    form.locator("#id_name").fill("Kassenimport aus SAP")
    form.locator("#id_role").select_option("finance")
    follow(form.locator("button[type=submit]"))

    secret = page.locator("#new-token-secret")
    expect(secret).to_have_text(re.compile(r"^psk_\S{43}$"))
    expect(page.locator(".new-token")).to_contain_text(
        "Kopieren Sie es jetzt; es wird nicht noch einmal angezeigt."
    )
    token = ApiToken.objects.get(programme=demo)
    assert token.expires_on == DEMO_TODAY + timedelta(days=90)
    assert hashlib.sha256(secret.inner_text().encode()).hexdigest() == token.secret_sha256
    # The whole secret is on screen, wrapped if need be, never cut off.
    box = secret.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    assert_sound(page, "the page with the new token's secret")

    # Shown once: the next visit lists the token by its beginning only.
    page.reload()
    expect(page.locator("#new-token-secret")).to_have_count(0)
    row = page.locator("#my-tokens tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("th")).to_have_text("Kassenimport aus SAP")
    expect(row).to_contain_text(f"{token.prefix}…")
    expect(row).to_contain_text("gültig")
    assert_sound(page, "the API tokens page with a token")

    follow(row.locator("a"))
    expect(page.locator("h1")).to_have_text("Token „Kassenimport aus SAP“ widerrufen?")
    assert_sound(page, "the page that asks before revoking a token")
    follow(page.locator("main form button[type=submit]"))
    expect(page.locator("#my-tokens tbody tr")).to_contain_text(
        f"widerrufen am {short_date(DEMO_TODAY)}"
    )
    assert ApiToken.objects.get(pk=token.pk).revoked_on == DEMO_TODAY
    assert_sound(page, "the API tokens page with a revoked token")
