"""Login throttling: after 5 wrong passwords for one user name, or 5 from one address, logging
in with that name or from that address is refused for 15 minutes with a page that says what
happened, when to try again and that an administrator can unlock earlier. Office and admin
login alike; an administrator's reset unlocks."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

LOGIN = reverse("office:login")
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


@pytest.fixture
def accounts(db):
    User = get_user_model()
    User.objects.create_user("erika", password="richtig-erika")
    User.objects.create_user("max", password="richtig-max")
    User.objects.create_superuser("root", password="richtig-root")


def log_in(client, username, password, address=HOME, url=LOGIN, **extra):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def fail(client, username, times, address=HOME, url=LOGIN):
    return [log_in(client, username, "falsch", address, url).status_code for _ in range(times)]


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_refused(client, accounts):
    assert fail(client, "erika", 5) == [200, 200, 200, 200, 429]
    response = log_in(client, "erika", "richtig-erika")
    text = response.content.decode()
    assert response.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in text
    assert "5-mal falsch eingegeben" in text
    assert "für 15 Minuten gesperrt" in text
    assert "kann die Sperre früher aufheben" in text
    assert 'href="/office/"' in text  # the office layout
    assert not logged_in(client)


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, accounts):
    fail(client, "erika", 5)
    for password in ("falsch", "richtig-erika"):
        response = log_in(client, "erika", password)
        assert response.status_code == 429
        assert "Anmeldung vorübergehend gesperrt" in response.content.decode()
    assert not logged_in(client)


def test_after_the_cool_off_the_right_password_logs_in(client, accounts, time_machine):
    start = datetime(2025, 6, 1, 12, tzinfo=ZoneInfo("Europe/Berlin"))
    time_machine.move_to(start, tick=False)
    fail(client, "erika", 5)
    # The lock lasts 15 minutes from the failures: at 12:14 still locked, and the page says
    # 12:15; at 12:15:01 free.
    time_machine.move_to(start + timedelta(minutes=14), tick=False)
    response = log_in(client, "erika", "richtig-erika")
    assert response.status_code == 429
    assert "ab 12:15 Uhr wieder versuchen, in etwa 1 Minute" in response.content.decode()
    time_machine.move_to(start + timedelta(minutes=15, seconds=1), tick=False)
    response = log_in(client, "erika", "richtig-erika")
    assert response.status_code == 302
    assert logged_in(client)


def test_an_administrator_unlocks_in_the_admin(client, accounts):
    fail(Client(), "erika", 5)
    assert log_in(Client(), "erika", "richtig-erika", ELSEWHERE).status_code == 429
    client.force_login(get_user_model().objects.get(username="root"))
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    erika = Client()
    assert log_in(erika, "erika", "richtig-erika", ELSEWHERE).status_code == 302
    assert logged_in(erika)


def test_the_lockout_page_says_when_to_try_again(client, accounts):
    fail(client, "erika", 5)
    started = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    AccessAttempt.objects.update(attempt_time=started)
    response = log_in(client, "erika", "richtig-erika")
    free = timezone.localtime(started + timedelta(minutes=15)).strftime("%H:%M")
    assert f"ab {free} Uhr wieder versuchen, in etwa 10 Minuten" in response.content.decode()


def test_the_lockout_page_speaks_english_on_english_pages(client, accounts):
    english = reverse("office:login").replace("/office/", "/en/office/")
    fail(client, "erika", 5, url=english)
    response = log_in(client, "erika", "richtig-erika", url=english)
    text = response.content.decode()
    assert response.status_code == 429
    assert "Login blocked for a while" in text
    assert "An administrator can lift the block earlier." in text


def test_a_locked_user_name_stays_locked_from_another_address_but_others_log_in(client, accounts):
    fail(client, "erika", 5, address=HOME)
    assert log_in(Client(), "erika", "richtig-erika", ELSEWHERE).status_code == 429
    other = Client()
    response = log_in(other, "max", "richtig-max", ELSEWHERE)
    assert response.status_code == 302
    assert logged_in(other)


def test_five_failures_from_one_address_lock_that_address_for_every_name(client, accounts):
    for name in ("a", "b", "c", "d", "e"):
        log_in(client, name, "falsch", HOME)
    assert log_in(Client(), "max", "richtig-max", HOME).status_code == 429
    assert log_in(Client(), "max", "richtig-max", ELSEWHERE).status_code == 302


def test_a_successful_login_neither_counts_nor_resets_the_failures(client, accounts):
    assert fail(client, "erika", 4) == [200] * 4
    assert log_in(Client(), "erika", "richtig-erika").status_code == 302
    assert fail(client, "erika", 1) == [429]


def test_an_administrator_s_reset_unlocks_the_user_name(client, accounts):
    fail(client, "erika", 5, address=HOME)
    assert log_in(Client(), "erika", "richtig-erika", ELSEWHERE).status_code == 429
    call_command("axes_reset_username", "erika")
    assert log_in(Client(), "erika", "richtig-erika", ELSEWHERE).status_code == 302


def test_resetting_the_address_unlocks_it(client, accounts):
    for name in ("a", "b", "c", "d", "e"):
        log_in(client, name, "falsch", HOME)
    call_command("axes_reset_ip", HOME)
    assert log_in(Client(), "max", "richtig-max", HOME).status_code == 302


def test_the_admin_login_is_throttled_too(client, accounts):
    admin_login = reverse("admin:login")
    assert fail(client, "root", 5, url=admin_login)[-1] == 429
    response = log_in(client, "root", "richtig-root", url=admin_login)
    assert response.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in response.content.decode()
    assert not logged_in(client)


def test_the_admin_lists_the_failed_attempts(client, accounts):
    fail(Client(), "erika", 2)
    client.force_login(get_user_model().objects.get(username="root"))
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    assert "erika" in response.content.decode()


def test_the_lockout_page_is_not_kept_by_browsers(client, accounts):
    fail(client, "erika", 5)
    assert "no-store" in log_in(client, "erika", "richtig-erika")["Cache-Control"]


def test_behind_a_proxy_the_address_the_proxy_saw_counts(client, accounts, settings):
    settings.PROXY_COUNT = 1
    proxy = "127.0.0.1"
    for name in ("a", "b", "c", "d", "e"):  # the client's own entry before the proxy's is ignored
        log_in(client, name, "falsch", proxy, HTTP_X_FORWARDED_FOR=f"10.9.9.{name}, {HOME}")
    locked = log_in(Client(), "max", "richtig-max", proxy, HTTP_X_FORWARDED_FOR=HOME)
    other = log_in(Client(), "max", "richtig-max", proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert (locked.status_code, other.status_code) == (429, 302)
