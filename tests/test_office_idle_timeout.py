"""Office sessions end after 30 minutes without an office page (OFFICE_SESSION_IDLE_MINUTES):
the next office page sends the user to the login, saying why, and after logging in again
back to the page they asked for. Every office page starts the 30 minutes anew."""

from datetime import timedelta

import pytest
from django.urls import reverse

from .conftest import NOW

SLUG = "testprogramm"
PASSWORD = "ein-langes-passwort"
MESSAGE = (
    "Sie wurden abgemeldet, weil der Verwaltungsbereich 30 Minuten lang nicht benutzt wurde. "
    "Bitte melden Sie sich erneut an."
)


@pytest.fixture
def editor(personas):
    user = personas.editor
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client, user):
    response = client.post(
        reverse("office:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return response


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_minutes_of_use_keep_the_session(client, editor, time_machine):
    log_in(client, editor)
    dashboard = reverse("office:dashboard", args=[SLUG])
    for minutes in (29, 58, 87):  # each page within 30 minutes of the one before
        time_machine.move_to(NOW + timedelta(minutes=minutes), tick=False)
        assert client.get(dashboard).status_code == 200
    assert logged_in(client)


def test_after_thirty_minutes_idle_the_office_asks_to_log_in_again(client, editor, time_machine):
    log_in(client, editor)
    time_machine.move_to(NOW + timedelta(minutes=30, seconds=1), tick=False)
    dashboard = reverse("office:dashboard", args=[SLUG])
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('office:login')}?next={dashboard}"
    assert not logged_in(client)

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Anmeldung zum Verwaltungsbereich</h1>" in page.content.decode()
    assert MESSAGE in page.content.decode()

    again = client.post(
        response["Location"],
        {"username": editor.username, "password": PASSWORD, "next": dashboard},
    )
    assert again["Location"] == dashboard
    assert client.get(dashboard).status_code == 200


def test_exactly_thirty_minutes_idle_is_still_in_time(client, editor, time_machine):
    log_in(client, editor)
    time_machine.move_to(NOW + timedelta(minutes=30), tick=False)
    assert client.get(reverse("office:index")).status_code == 200


def test_the_portal_neither_counts_as_office_use_nor_is_logged_out(client, editor, time_machine):
    log_in(client, editor)
    time_machine.move_to(NOW + timedelta(minutes=20), tick=False)
    assert client.get(reverse("portal:overview", args=[SLUG])).status_code == 200
    time_machine.move_to(NOW + timedelta(minutes=40), tick=False)
    assert client.get(reverse("portal:overview", args=[SLUG])).status_code == 200
    assert logged_in(client)  # the portal does not end the session ...
    assert client.get(reverse("office:index")).status_code == 302  # ... the office does
    assert not logged_in(client)


def test_the_idle_time_is_configurable(client, editor, time_machine, settings):
    settings.OFFICE_SESSION_IDLE_MINUTES = 5
    log_in(client, editor)
    time_machine.move_to(NOW + timedelta(minutes=6), tick=False)
    response = client.get(reverse("office:index"), follow=True)
    assert (
        "Sie wurden abgemeldet, weil der Verwaltungsbereich 5 Minuten lang nicht benutzt wurde."
        in response.content.decode()
    )
    assert not logged_in(client)
