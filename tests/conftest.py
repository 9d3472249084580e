"""Shared test set-up: a frozen clock and small programme documents built by plain functions."""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings

# ``staff_sso``: a real OpenID Connect provider for the single sign-on tests (tests/oidc/).
pytest_plugins = ["tests.oidc.fixtures"]

# The test run leaves the clone unchanged: no example database written into it.
settings.register_profile("plansicht", database=None)
settings.load_profile("plansicht")

TODAY = date(2025, 6, 1)
NOW = datetime(2025, 6, 1, 12, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture
def today(time_machine):
    """Freeze the whole clock at noon of 1 June 2025 (Europe/Berlin), standing still: the
    forecasts' status date, ``timezone.now()``, the events' time and ``date.today()`` agree.
    A test moves on with ``time_machine.move_to(...)``; ``clock.at()`` still overrides it."""
    time_machine.move_to(NOW, tick=False)
    return TODAY


@pytest.fixture
def persona_document():
    """The document the personas work on; a module overrides this fixture to give them more
    (``funded_document()``, ``staffed_document()``)."""
    from .factories import document

    return document()


@pytest.fixture
def personas(db, today, persona_document):
    """The test programme and one user per role, each with a unit (as healthchecks' alice and
    bob): ``outsider`` (a login, no role), ``viewer``, ``unit_editor`` (Stabsstelle
    Digitalisierung, the lead unit of M1 and below), ``other_unit_editor`` (Tiefbauamt),
    ``editor``, ``finance``, ``hr`` and ``admin`` (Programmbüro), ``moderator`` (a viewer with
    the moderator flag) and ``participant`` (a confirmed participant, no office role). Every
    test that needs a user takes one of these; the password of each is "pw-" + its username."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from plansicht.accounts.models import StaffRole, Unit
    from plansicht.participation.models import Participant

    from .factories import load

    programme = load(persona_document)
    organisation = programme.organisation
    lead = Unit.objects.get(organisation=organisation, name="Stabsstelle Digitalisierung")
    other = Unit.objects.create(organisation=organisation, name="Tiefbauamt")
    office = Unit.objects.get_or_create(organisation=organisation, name="Programmbüro")[0]
    User = get_user_model()

    def user(name, role=None, unit=office):
        u = User.objects.create_user(name, password="pw-" + name)
        if role:
            StaffRole.objects.create(user=u, organisation=organisation, role=role, unit=unit)
        return u

    p = SimpleNamespace()
    p.programme = programme
    p.office = office
    p.outsider = user("outsider")
    p.viewer = user("viewer", StaffRole.VIEWER)
    p.other_unit_editor = user("other", StaffRole.UNIT_EDITOR, other)
    p.unit_editor = user("uniteditor", StaffRole.UNIT_EDITOR, lead)
    p.editor = user("editor", StaffRole.EDITOR)
    p.admin = user("admin", StaffRole.ADMIN)
    p.finance = user("kaemmerei", StaffRole.FINANCE)
    p.hr = user("personalamt", StaffRole.HR)
    # A read-only viewer with the moderator flag: moderating is a flag on a staff role.
    p.moderator = user("moderation", StaffRole.VIEWER)
    StaffRole.objects.filter(user=p.moderator).update(moderator=True)
    # A participant: a confirmed address and a display name, no role in the office.
    p.participant = user("teilnehmerin")
    Participant.objects.create(user=p.participant, display_name="Tina T.")
    EmailAddress.objects.create(
        user=p.participant, email="tina@example.org", verified=True, primary=True
    )
    return p


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Password hashing is deliberately slow; tests don't need it to be safe."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1 at a free port, with Django's SMTP backend
    pointed at it, for the length of the test. Returns its ``tests.smtp.Mailbox``: the mails
    received (``.messages``, ``.to(address)``, ``.only(to=…)``) and helpers to read one
    (``.text(mail)``, ``.link(mail, pattern)``)."""
    from . import smtp

    controller, mailbox = smtp.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = mailbox.host
    settings.EMAIL_PORT = mailbox.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language (German): a page opened in English (/en/…)
    activates English for the thread, which would otherwise leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def host_map_per_test(monkeypatch):
    """Each test reads the portal's map of host names at its first portal request and keeps
    it to the end (``hosts.forget()`` reads it anew). A process keeps the map for a minute on
    the clock that does not stand still, so without this a test that counts the queries of two
    requests counted one more for the second whenever that minute ran out between them."""
    from plansicht.portal import hosts

    monkeypatch.setattr(hosts, "REFRESH", float("inf"))
    hosts.forget()
