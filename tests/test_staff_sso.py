"""Staff single sign-on with OpenID Connect, against a real provider (oidc-provider from npm,
started by the test): the office's login page offers it only when it is configured; a first
login creates the user, recognised by the provider's subject, with the roles their groups
give; a later login leaves roles changed in Plansicht alone; a person whose groups give no
role is refused and nothing is created. Driven over HTTP as a browser would, with a cookie
jar, following the redirects (tests/browser/test_staff_sso.py walks it in Chromium)."""

import json

import lxml.html
import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from plansicht.accounts.models import Organisation, StaffRole, Unit
from plansicht.history.models import Event
from plansicht.participation.models import Participant
from plansicht.settings import content_security_policy, oidc_settings

from .oidc.fixtures import NAME, ORGANISATION, environment

pytestmark = pytest.mark.django_db(transaction=True)

BUTTON = f"Mit {NAME} anmelden"


@pytest.fixture
def organisation():
    """The organisation and the units OIDC_ROLE_MAP names (tests/oidc/fixtures.py)."""
    organisation = Organisation.objects.create(name=ORGANISATION)
    Unit.objects.create(organisation=organisation, name="Amt für Digitales")
    Unit.objects.create(organisation=organisation, name="Kämmerei")
    return organisation


def form(page: requests.Response, button_text: str):
    """The form with the button saying ``button_text``: (address it is sent to, its fields)."""
    document = lxml.html.fromstring(page.text, base_url=page.url)
    document.make_links_absolute()
    for found in document.forms:
        if any(button_text in b.text_content() for b in found.xpath(".//button")):
            return found.action, dict(found.form_values())
    raise AssertionError(f"no form with the button {button_text!r} on {page.url}:\n{page.text}")


def h1(page: requests.Response) -> str:
    return lxml.html.fromstring(page.text).xpath("string(//h1)").strip()


def sso_login(base_url: str, login: str) -> tuple[requests.Session, requests.Response]:
    """Log in as ``login`` by single sign-on the way a person does: the office's login page,
    its button, the provider's login form, its consent page, back to Plansicht."""
    session = requests.Session()
    page = session.get(f"{base_url}/office/login/")
    assert page.status_code == 200 and h1(page) == "Anmeldung zum Verwaltungsbereich", h1(page)
    action, fields = form(page, BUTTON)
    page = session.post(action, data=fields)
    # The provider's own (development) login form.
    assert page.status_code == 200 and "/interaction/" in page.url, page.url
    action, fields = form(page, "Sign-in")
    page = session.post(action, data={**fields, "login": login, "password": "any"})
    assert page.status_code == 200 and "/interaction/" in page.url, page.url
    action, fields = form(page, "Continue")  # the consent
    page = session.post(action, data=fields)
    return session, page


def test_without_configuration_there_is_no_button_and_forms_stay_on_the_site(client):
    page = client.get("/office/login/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/konto/oidc/" not in html and "Oder mit Benutzername und Passwort" not in html
    assert "form-action 'self';" in page["Content-Security-Policy"]
    # The provider's addresses answer nothing without the configuration.
    assert client.post("/konto/oidc/staff/login/").status_code == 404


def test_a_first_login_creates_the_user_with_the_roles_of_their_groups(
    staff_sso, live_server, organisation
):
    session, page = sso_login(live_server.url, "anna.schmidt")
    assert page.status_code == 200 and page.url == f"{live_server.url}/office/"
    assert h1(page) == "Ihre Programme"
    assert "Abmelden (anna.schmidt)" in page.text
    user = get_user_model().objects.get(username="anna.schmidt")
    assert (user.email, user.first_name, user.last_name) == (
        "anna.schmidt@musterstadt.example",
        "Anna",
        "Schmidt",
    )
    assert not user.has_usable_password()
    # "plansicht-redaktion" gives the editor's role in the Amt für Digitales;
    # "alle-beschaeftigten" is not in the map.
    roles = [
        (r.organisation.name, r.role, r.unit.name, r.moderator) for r in user.staff_roles.all()
    ]
    assert roles == [(ORGANISATION, "editor", "Amt für Digitales", False)]
    assert list(user.units.values_list("name", flat=True)) == ["Amt für Digitales"]
    event = Event.objects.get(action="sso.roles_granted")
    assert (event.subject_label, event.actor, event.public) == ("anna.schmidt", NAME, False)
    assert event.changes == {"roles": [None, f"{ORGANISATION}: editor (Amt für Digitales)"]}
    # The session is the office's: another office page opens.
    assert session.get(f"{live_server.url}/office/").status_code == 200


def test_a_later_login_keeps_the_roles_changed_in_plansicht(staff_sso, live_server, organisation):
    sso_login(live_server.url, "anna.schmidt")
    user = get_user_model().objects.get(username="anna.schmidt")
    # An administrator makes her a viewer in Plansicht; her groups at the provider still say
    # editor.
    StaffRole.objects.filter(user=user).update(role=StaffRole.VIEWER)
    session, page = sso_login(live_server.url, "anna.schmidt")
    assert page.status_code == 200 and h1(page) == "Ihre Programme"
    assert get_user_model().objects.filter(username__startswith="anna").count() == 1
    assert list(user.staff_roles.values_list("role", flat=True)) == [StaffRole.VIEWER]
    assert Event.objects.filter(action="sso.roles_granted").count() == 1
    # And with every role taken away, the single sign-on lets her in no more.
    StaffRole.objects.filter(user=user).delete()
    session, page = sso_login(live_server.url, "anna.schmidt")
    assert page.status_code == 403 and h1(page) == "Kein Zugang zum Verwaltungsbereich"
    assert "keine Rolle" in page.text
    assert session.get(f"{live_server.url}/office/", allow_redirects=False).status_code == 302


def test_a_person_whose_groups_give_no_role_is_refused_and_nothing_is_created(
    staff_sso, live_server, organisation
):
    session, page = sso_login(live_server.url, "bernd.keller")
    assert page.status_code == 403 and h1(page) == "Kein Zugang zum Verwaltungsbereich"
    assert (
        "Sie haben sich bei Stadt-Login angemeldet, aber Plansicht lässt Sie nicht in den "
        "Verwaltungsbereich. Keine Ihrer Gruppen gibt Ihnen eine Rolle in Plansicht."
    ) in " ".join(lxml.html.fromstring(page.text).xpath("string(//main)").split())
    assert not get_user_model().objects.filter(username__startswith="bernd").exists()
    assert not Event.objects.filter(action="sso.roles_granted").exists()
    answer = session.get(f"{live_server.url}/office/", allow_redirects=False)
    assert answer.status_code == 302 and "/office/login/" in answer.headers["Location"]


def test_a_role_map_naming_an_unknown_unit_refuses_with_the_reason(staff_sso, live_server):
    Organisation.objects.create(name=ORGANISATION)  # without the Amt für Digitales
    session, page = sso_login(live_server.url, "anna.schmidt")
    assert page.status_code == 403 and h1(page) == "Kein Zugang zum Verwaltungsbereich"
    assert "„Amt für Digitales“ von „Stadt Musterstadt“" in page.text
    assert not get_user_model().objects.filter(username="anna.schmidt").exists()


def test_the_sso_user_is_matched_by_subject_not_by_name_or_address(
    staff_sso, live_server, organisation
):
    # A password account has her user name and e-mail address already: it is another person
    # as far as Plansicht knows, and stays untouched.
    other = get_user_model().objects.create_user(
        "anna.schmidt", email="anna.schmidt@musterstadt.example", password="x" * 12
    )
    session, page = sso_login(live_server.url, "anna.schmidt")
    assert page.status_code == 200 and "Abmelden (anna.schmidt-2)" in page.text
    new = get_user_model().objects.get(username="anna.schmidt-2")
    assert new.email == "" and new.socialaccount_set.get().uid == "anna.schmidt"
    assert not other.staff_roles.exists() and other.has_usable_password()


def test_a_participant_cannot_connect_the_staff_login_to_their_account(
    staff_sso, live_server, organisation, client
):
    participant = get_user_model().objects.create_user("participant-1", password="x" * 12)
    Participant.objects.create(user=participant, display_name="Erika M.")
    client.force_login(participant)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    assert session.get(f"{live_server.url}/konto/3rdparty/").status_code == 404
    # Asking allauth to connect anyway: the provider's login, then the refusal.
    page = session.get(f"{live_server.url}/office/login/")
    _action, fields = form(page, BUTTON)
    page = session.post(f"{live_server.url}/konto/oidc/staff/login/?process=connect", data=fields)
    action, fields = form(page, "Sign-in")
    page = session.post(action, data={**fields, "login": "anna.schmidt", "password": "any"})
    action, fields = form(page, "Continue")
    page = session.post(action, data=fields)
    assert page.status_code == 403 and h1(page) == "Kein Zugang zum Verwaltungsbereich"
    assert "nicht mit einem bestehenden Konto verbunden werden" in page.text
    assert not participant.socialaccount_set.exists() and not participant.staff_roles.exists()


def test_with_sso_the_button_is_shown_and_the_password_login_still_works(
    staff_sso, client, organisation
):
    page = client.get("/office/login/")
    assert page.status_code == 200
    assert BUTTON in page.content.decode()
    policy = page["Content-Security-Policy"]
    assert f"form-action 'self' {staff_sso.issuer};" in policy
    # On the English page too the button leads to the address without a language prefix: the
    # provider sends people back to the one callback address registered there.
    english = client.get("/en/office/login/").content.decode()
    assert f"Log in with {NAME}" in english
    assert 'action="/konto/oidc/staff/login/?process=login"' in english
    user = get_user_model().objects.create_user("clara", password="ein-langes-passwort")
    StaffRole.objects.create(
        user=user, organisation=organisation, role="viewer", unit=organisation.units.first()
    )
    answer = client.post("/office/login/", {"username": "clara", "password": "ein-langes-passwort"})
    assert answer.status_code == 302 and answer["Location"] == "/office/"


def test_the_settings_say_what_is_wrong():
    good = environment("https://login.example.de/realms/stadt")
    assert oidc_settings({})["OIDC_ENABLED"] is False
    assert oidc_settings(good)["OIDC_ORIGIN"] == "https://login.example.de"
    assert "form-action 'self' https://login.example.de;" in content_security_policy(
        "https://login.example.de"
    )
    cases = {
        "OIDC_CLIENT_SECRET": ("", "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be"),
        "OIDC_ROLE_MAP": ("{not json", "OIDC_ROLE_MAP must be JSON"),
    }
    for key, (value, message) in cases.items():
        with pytest.raises(ImproperlyConfigured, match=message):
            oidc_settings({**good, key: value})
    wrong_role = json.dumps({"g": {"organisation": "O", "role": "boss", "unit": "U"}})
    with pytest.raises(ImproperlyConfigured, match="maps to the role 'boss'; the roles are admin"):
        oidc_settings({**good, "OIDC_ROLE_MAP": wrong_role})
    with pytest.raises(ImproperlyConfigured, match="must map at least one group"):
        oidc_settings({**good, "OIDC_ROLE_MAP": "{}"})


def test_the_role_names_the_settings_accept_are_the_staff_roles():
    from django.conf import settings

    assert list(settings.OIDC_ROLE_NAMES) == [role for role, _label in StaffRole.ROLES]
