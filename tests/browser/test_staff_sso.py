"""Staff single sign-on in Chromium, against a real OpenID Connect provider (oidc-provider,
started by the test): the office's login button leads to the provider's login form and its
consent page and back into the office, with the role the person's group gives, and the
Content Security Policy blocks nothing on the way. Without the provider's origin in
form-action, Chromium refuses the button's redirect: the policy's addition is needed."""

import pytest
from django.contrib.auth import get_user_model

from plansicht.accounts.models import Organisation, Unit
from plansicht.settings import content_security_policy
from tests.oidc.fixtures import NAME, ORGANISATION

from .conftest import DESKTOP, assert_sound, csp_violations, follow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def organisation():
    organisation = Organisation.objects.create(name=ORGANISATION)
    Unit.objects.create(organisation=organisation, name="Amt für Digitales")
    Unit.objects.create(organisation=organisation, name="Kämmerei")
    return organisation


def test_a_clerk_logs_in_by_single_sign_on(staff_sso, organisation, open_page, live_server):
    page = open_page(DESKTOP)
    page.goto("/office/login/")
    assert_sound(page, "office login with single sign-on")
    follow(page.get_by_role("button", name=f"Mit {NAME} anmelden"))
    # The provider's development login form, then its consent page.
    assert page.url.startswith(f"{staff_sso.issuer}/interaction/"), page.url
    page.locator("input[name=login]").fill("anna.schmidt")
    page.locator("input[name=password]").fill("irgendein-passwort")
    follow(page.get_by_role("button", name="Sign-in"))
    follow(page.get_by_role("button", name="Continue"))
    assert page.url == f"{live_server.url}/office/"
    assert_sound(page, "office start page after single sign-on")
    assert page.locator("h1").inner_text() == "Ihre Programme"
    assert page.get_by_role("button", name="Abmelden (anna.schmidt)").is_visible()
    assert csp_violations(page) == []
    user = get_user_model().objects.get(username="anna.schmidt")
    assert list(user.staff_roles.values_list("role", "unit__name")) == [
        ("editor", "Amt für Digitales")
    ]


def test_a_person_without_a_mapped_group_sees_the_refusal(staff_sso, organisation, open_page):
    page = open_page(DESKTOP)
    page.goto("/office/login/")
    follow(page.get_by_role("button", name=f"Mit {NAME} anmelden"))
    page.locator("input[name=login]").fill("bernd.keller")
    page.locator("input[name=password]").fill("irgendein-passwort")
    follow(page.get_by_role("button", name="Sign-in"))
    follow(page.get_by_role("button", name="Continue"))
    assert_sound(page, "single sign-on refused", status=403)
    assert page.locator("h1").inner_text() == "Kein Zugang zum Verwaltungsbereich"
    assert "Keine Ihrer Gruppen gibt Ihnen eine Rolle in Plansicht." in page.inner_text("main")
    assert not get_user_model().objects.filter(username="bernd.keller").exists()


def test_without_the_provider_in_form_action_chromium_blocks_the_button(
    staff_sso, organisation, browser, live_server, settings
):
    settings.CONTENT_SECURITY_POLICY = content_security_policy("")
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    try:
        page = context.new_page()
        page.goto("/office/login/")
        with page.expect_console_message(
            lambda message: "Content Security Policy" in message.text
        ) as blocked:
            page.get_by_role("button", name=f"Mit {NAME} anmelden").click()
        assert "form-action" in blocked.value.text, blocked.value.text
        assert not page.url.startswith(staff_sso.issuer), page.url
    finally:
        context.close()
