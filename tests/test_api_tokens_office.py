"""Personal API tokens made where people work: the office's "API tokens" page (each person's
own tokens, the secret shown once, revoking; administrators see and revoke everyone's) and the
``api_token`` command (make, list, revoke; bad input exits 1 and makes nothing). The tokens
are tried against the API: the role decides what they may write, a revoked one is refused."""

import hashlib
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from plansicht.accounts.models import ApiToken
from plansicht.history.models import Event
from plansicht.plan.models import Milestone
from plansicht.services import Actor
from plansicht.services import tokens as token_service

pytestmark = pytest.mark.django_db

SLUG = "testprogramm"
API = f"/api/v1/programmes/{SLUG}"


def url(name, *args):
    return reverse(f"office:{name}", args=[SLUG, *args])


def shown_secret(page: str) -> str | None:
    """The secret as the page shows it (None if it shows none)."""
    found = re.search(r'<code id="new-token-secret">([^<]*)</code>', page)
    return found[1] if found else None


def offered_roles(page: str) -> list[str]:
    select = re.search(r'<select name="role".*?</select>', page, re.S)[0]
    return re.findall(r'<option value="([^"]*)"', select)


def row_of(page: str, name: str) -> list[str]:
    """The cells of the token table's row for the token ``name``, as text."""
    row = re.search(rf'<tr><th scope="row">{re.escape(name)}</th>.*?</tr>', page, re.S)[0]
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", c).split()) for c in cells]


def make_in_office(client, role, name="Kassenimport", expires_on="30.08.2025"):
    return client.post(url("tokens"), {"name": name, "role": role, "expires_on": expires_on})


def reschedule_d(client, secret):
    """Move milestone D's planned start later through the API with the token ``secret``."""
    milestone = f"{API}/milestones/D"
    return client.post(
        milestone + "/schedule",
        {"planned_start": "2025-08-01", "reason": "Vergabe verzögert"},
        content_type="application/json",
        HTTP_IF_MATCH=client.get(milestone)["ETag"],
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def planned_start_of_d():
    return Milestone.objects.get(code="D").planned_start


def test_a_finance_officer_makes_a_token_sees_its_secret_once_and_revokes_it(client, personas):
    client.force_login(personas.finance)
    page = client.get(url("tokens")).content.decode()
    # A finance officer may give a token their own role or the viewer's, nothing higher.
    assert offered_roles(page) == ["", "finance", "viewer"]
    assert 'value="2025-08-30"' in page  # 90 days from 01.06.2025
    assert "Sie haben noch kein Token für dieses Programm." in page

    response = make_in_office(client, "finance")
    assert response.status_code == 302 and response["Location"] == url("tokens")
    token = ApiToken.objects.get()
    assert (token.user, token.role, token.name) == (personas.finance, "finance", "Kassenimport")
    assert (token.created_on, token.expires_on) == (date(2025, 6, 1), date(2025, 8, 30))

    shown = client.get(url("tokens"))
    assert "no-store" in shown["Cache-Control"]
    page = shown.content.decode()
    secret = shown_secret(page)
    assert secret and secret.startswith(token.prefix)
    assert "Kopieren Sie es jetzt; es wird nicht noch einmal angezeigt." in page
    # Only its hash is kept.
    assert token.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())

    # The next visit shows the token in the list by its beginning, never the secret again.
    again = client.get(url("tokens")).content.decode()
    assert shown_secret(again) is None and secret not in again
    assert f"<code>{token.prefix}…</code>" in again
    revoke = f"Widerrufen: Token „Kassenimport“ ({token.prefix}…)"
    assert row_of(again, "Kassenimport") == [
        "Kassenimport",
        f"{token.prefix}…",
        "Finanzen (Kämmerei)",
        "01.06.2025",
        "30.08.2025",
        "nie",
        "gültig",
        revoke,
    ]

    # The token carries the finance role: it may not reschedule a milestone.
    refused = reschedule_d(client, secret)
    assert refused.status_code == 403
    assert planned_start_of_d() == date(2025, 7, 1)
    assert ApiToken.objects.get(pk=token.pk).last_used_on == date(2025, 6, 1)
    # The list tells when it was last used.
    assert row_of(client.get(url("tokens")).content.decode(), "Kassenimport")[5] == "01.06.2025"

    # Revoked, the API no longer knows it: 401 instead of 403.
    ask = client.get(url("token_revoke", token.pk)).content.decode()
    assert "Token „Kassenimport“ widerrufen?" in ask
    assert f"{token.prefix}…" in ask
    response = client.post(url("token_revoke", token.pk), {"reason": ""})
    assert response.status_code == 302 and response["Location"] == url("tokens")
    assert ApiToken.objects.get(pk=token.pk).revoked_on == date(2025, 6, 1)
    event = Event.objects.latest("pk")
    assert (event.action, event.user, event.public) == ("token.revoked", personas.finance, False)
    assert reschedule_d(client, secret).status_code == 401
    page = client.get(url("tokens")).content.decode()
    assert f"Das Token „Kassenimport“ ({token.prefix}…) wurde widerrufen: Die API weist es ab." in (
        page
    )
    # A revoked token says since when, and offers no revoke link; its page says it is revoked.
    assert row_of(page, "Kassenimport")[6:] == ["widerrufen am 01.06.2025", "–"]
    assert "Dieses Token wurde am 01.06.2025 widerrufen." in (
        client.get(url("token_revoke", token.pk)).content.decode()
    )
    assert client.post(url("token_revoke", token.pk), {"reason": ""}).status_code == 400


def test_an_editors_token_reschedules_a_milestone_in_the_editors_name(client, personas):
    client.force_login(personas.editor)
    page = client.get(url("tokens")).content.decode()
    assert offered_roles(page) == ["", "editor", "viewer"]
    assert make_in_office(client, "editor", name="Terminabgleich").status_code == 302
    event = Event.objects.latest("pk")
    assert (event.action, event.user) == ("token.created", personas.editor)
    secret = shown_secret(client.get(url("tokens")).content.decode())

    response = reschedule_d(client, secret)
    assert response.status_code == 200, response.json()
    assert planned_start_of_d() == date(2025, 8, 1)
    event = Event.objects.latest("pk")
    assert (event.action, event.user, event.reason) == (
        "milestone.rescheduled",
        personas.editor,
        "Vergabe verzögert",
    )
    # Made a viewer, the editor's token no longer works, and the list says why.
    personas.editor.staff_roles.update(role="viewer")
    assert reschedule_d(client, secret).status_code == 401
    status = row_of(client.get(url("tokens")).content.decode(), "Terminabgleich")[6]
    assert status == (
        "nicht nutzbar: Die Rolle der Inhaberin oder des Inhabers lässt es nicht mehr zu"
    )


def test_a_viewer_cannot_give_a_token_the_editors_role(client, personas):
    client.force_login(personas.viewer)
    assert offered_roles(client.get(url("tokens")).content.decode()) == ["", "viewer"]
    response = make_in_office(client, "editor")
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["role"]
    assert "Ein Token kann Ihre eigene Rolle oder eine geringere tragen" in (
        response.content.decode()
    )
    assert not ApiToken.objects.exists()
    assert shown_secret(client.get(url("tokens")).content.decode()) is None


@pytest.mark.parametrize(
    "given, field, message",
    [
        ({"expires_on": "01.06.2025"}, "expires_on", "Ein Token gilt ab morgen bis zu einem"),
        ({"expires_on": "03.06.2026"}, "expires_on", "Geben Sie ein Datum bis 02.06.2026 an."),
        ({"expires_on": "31.02.2026"}, "expires_on", "gültiges Datum"),
        ({"name": "  "}, "name", "Geben Sie dem Token einen Namen, der sagt, wofür es dient."),
        ({"role": ""}, "role", "Wählen Sie die Rolle, mit der das Token handelt."),
    ],
)
def test_a_bad_token_request_is_refused_on_its_field_and_makes_nothing(
    client, personas, given, field, message
):
    client.force_login(personas.finance)
    data = {"name": "Kassenimport", "role": "finance", "expires_on": "30.08.2025", **given}
    response = client.post(url("tokens"), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert message in response.content.decode()
    assert not ApiToken.objects.exists() and not Event.objects.filter(action="token.created")


def test_an_administrator_sees_everyones_tokens_and_revokes_another_ones(client, personas):
    personas.finance.first_name, personas.finance.last_name = "Karla", "Kämmerer"
    personas.finance.email = "karla.kaemmerer@example.org"
    personas.finance.save()
    token, secret = token_service.create_token(
        personas.programme,
        actor=Actor.for_user(personas.finance, personas.programme),
        user=personas.finance,
        name="Kassenimport",
        role="finance",
    )
    # The owner's page has no list of everyone's tokens; another role may not revoke it.
    client.force_login(personas.finance)
    assert "Alle Tokens dieses Programms" not in client.get(url("tokens")).content.decode()
    client.force_login(personas.editor)
    page = client.get(url("tokens")).content.decode()
    assert "Kassenimport" not in page
    assert client.get(url("token_revoke", token.pk)).status_code == 403
    assert client.post(url("token_revoke", token.pk), {"reason": ""}).status_code == 403
    assert ApiToken.objects.get(pk=token.pk).revoked_on is None

    client.force_login(personas.admin)
    page = client.get(url("tokens")).content.decode()
    everyone = page.split("Alle Tokens dieses Programms", 1)[1]
    assert "Kassenimport" in everyone and "Karla Kämmerer" in everyone
    assert "karla.kaemmerer@example.org" not in page
    assert url("token_revoke", token.pk) in everyone
    # Their own list stays empty: the token is not theirs.
    assert "Sie haben noch kein Token für dieses Programm." in page

    response = client.post(
        url("token_revoke", token.pk), {"reason": "Frau Kämmerer hat das Amt gewechselt"}
    )
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_on == date(2025, 6, 1)
    event = Event.objects.latest("pk")
    assert (event.action, event.user, event.reason) == (
        "token.revoked",
        personas.admin,
        "Frau Kämmerer hat das Amt gewechselt",
    )
    assert reschedule_d(client, secret).status_code == 401


def test_a_token_of_another_programme_has_no_revoke_page_here(client, personas):
    from .factories import document, load

    other = load(document("andere"))
    token, _secret = token_service.create_token(
        other, actor=Actor.system("tests"), user=personas.admin, name="x", role="admin"
    )
    client.force_login(personas.admin)
    assert client.get(url("token_revoke", token.pk)).status_code == 404


# The command


def run_command(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("api_token", *args, stdout=out, stderr=err)
    except SystemExit as e:
        return e.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_command_makes_lists_and_revokes_a_token(client, personas):
    code, out, err = run_command(
        SLUG,
        "--user",
        "kaemmerei",
        "--role",
        "finance",
        "--name",
        "SAP-Import",
        "--valid-until",
        "2025-07-01",
    )
    assert (code, err) == (0, "")
    secret = out.splitlines()[-1]
    token = ApiToken.objects.get()
    assert token.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert (token.user, token.role, token.name) == (personas.finance, "finance", "SAP-Import")
    assert token.expires_on == date(2025, 7, 1)
    assert "not shown again" in out
    event = Event.objects.latest("pk")
    assert (event.action, event.user, event.actor) == (
        "token.created",
        None,
        "System (api_token command)",
    )
    # The token works: a finance token may not reschedule (403, not 401).
    assert reschedule_d(client, secret).status_code == 403

    code, out, _err = run_command(SLUG, "--list")
    assert code == 0 and secret not in out
    line = out.splitlines()[1].split("\t")
    assert line == [
        f"{token.prefix}…",
        "SAP-Import",
        "kaemmerei",
        "finance",
        "2025-06-01",
        "2025-07-01",
        "2025-06-01",
        "valid",
    ]

    code, out, _err = run_command(SLUG, "--revoke", f"{token.prefix}…", "--reason", "Test")
    assert code == 0 and "Revoked" in out
    assert ApiToken.objects.get().revoked_on == date(2025, 6, 1)
    assert Event.objects.latest("pk").reason == "Test"
    assert reschedule_d(client, secret).status_code == 401
    assert run_command(SLUG, "--list")[1].splitlines()[1].endswith("\trevoked 2025-06-01")
    code, _out, err = run_command(SLUG, "--revoke", token.prefix)
    assert code == 1 and "This token was revoked already." in err


MAKE = ["--user", "kaemmerei", "--role", "finance", "--name", "SAP-Import"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["nirgendwo", *MAKE], "nirgendwo: no programme has this short name"),
        ([SLUG, *MAKE[:4]], "--name: give it to make a token"),
        ([SLUG, "--user", "niemand", *MAKE[2:]], "--user: no user has the name 'niemand'"),
        ([SLUG, "--user", "outsider", *MAKE[2:]], "--user: outsider has no office role"),
        ([SLUG, *MAKE[:2], "--role", "boss", *MAKE[4:]], "--role: 'boss' is not a role"),
        ([SLUG, *MAKE[:2], "--role", "editor", *MAKE[4:]], "--role: A token may carry"),
        ([SLUG, *MAKE, "--valid-until", "2025-02-30"], "--valid-until: '2025-02-30' is not a"),
        ([SLUG, *MAKE, "--valid-until", "2026-06-03"], "--valid-until: A token is valid from"),
        ([SLUG, *MAKE, "--valid-until", "2025-06-01"], "--valid-until: A token is valid from"),
        ([SLUG, "--list", "--user", "kaemmerei"], "--user: give it only when making a token"),
        ([SLUG, "--revoke", "psk_nichts"], "--revoke: testprogramm has no token beginning"),
    ],
)
def test_bad_input_exits_1_and_makes_nothing(personas, args, message):
    code, out, err = run_command(*args)
    assert code == 1
    assert message in err
    assert "psk_" not in out
    assert not ApiToken.objects.exists()
    assert not Event.objects.filter(action__startswith="token.").exists()


def test_the_command_lists_an_empty_programme(personas):
    assert run_command(SLUG, "--list") == (0, "testprogramm: no API token yet\n", "")
