"""Participants' accounts (django-allauth) as a person meets them: signing up with a display
name, confirming the address by the link in the mail (through a real SMTP server), logging in
with the password or a code by mail, the throttle on wrong passwords, "Mein Konto", the data
download and deleting the account; staff keep the office's login."""

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from plansicht.history.models import Event
from plansicht.participation.models import Body, Follow, Participant, Submission
from plansicht.participation.people import may_take_part
from plansicht.plan.models import Measure
from plansicht.services import Actor
from plansicht.services import participation as service

from .factories import load, participation_document

pytestmark = pytest.mark.django_db
PASSWORD = "Wiesenweg-17-Plansicht"
ERIKA = "erika@example.org"
BERND = "bernd@example.org"


@pytest.fixture(autouse=True)
def fresh_start():
    """allauth counts attempts in the cache: every test starts with none, and in German (a
    request leaves its language active, and addresses are reversed in it)."""
    cache.clear()
    with translation.override("de"):
        yield
    cache.clear()


@pytest.fixture
def programme(today):
    return load(participation_document())


def participant(name, email, password=PASSWORD):
    """A participant who signed up and confirmed the address."""
    user = get_user_model().objects.create_user(
        username=f"p-{email.split('@')[0]}", email=email, password=password
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    service.register_participant(user, actor=Actor(user=user), display_name=name)
    return user


def main(response) -> str:
    text = response.content.decode()
    return text[text.index("<main") : text.index("</main>")]


def h1(response) -> str:
    found = re.findall(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert len(found) == 1, found
    return found[0].strip()


def sign_up(client, **changes):
    data = {
        "display_name": "Erika M.",
        "email": ERIKA,
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | changes
    return client.post(reverse("account_signup"), data)


def log_in(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def signed_in(client):
    return client.session.get("_auth_user_id")


def test_the_sign_up_page_asks_for_a_name_an_address_and_a_password_in_german(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert h1(response) == "Registrieren"
    labels = re.findall(r'<label class="kern-label" for="([^"]+)">([^<]+)', main(response))
    assert labels == [
        ("id_display_name", "Anzeigename"),
        ("id_email", "E-Mail-Adresse"),
        ("id_password1", "Passwort"),
        ("id_password2", "Passwort (Wiederholung)"),
    ]
    english = client.get("/en" + reverse("account_signup"))
    assert h1(english) == "Sign up"


def test_signing_up_sends_the_link_and_confirming_it_lets_the_person_take_part(client, smtp_server):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email=ERIKA)
    assert Participant.objects.get(user=user).display_name == "Erika M."
    assert ERIKA not in user.username and "erika" not in user.username  # says nothing of her
    assert not may_take_part(user)

    mail = smtp_server.only(to=ERIKA)
    assert mail["Subject"] == "[Plansicht] E-Mail-Adresse bestätigen"
    text = smtp_server.text(mail)
    assert text.startswith("Hallo,\n\njemand – wahrscheinlich Sie – hat diese E-Mail-Adresse")
    link = smtp_server.link(mail, r"/konto/confirm-email/")

    page = client.get(link)
    assert page.status_code == 200
    assert h1(page) == "E-Mail-Adresse bestätigen"
    assert f"Ist {ERIKA} Ihre E-Mail-Adresse?" in main(page)
    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("portal:index")  # the portal, signed in
    user.refresh_from_db()
    assert may_take_part(user)
    assert signed_in(client) == str(user.pk)
    start = client.get(reverse("portal:index"))
    assert 'href="/konto/uebersicht/"' in start.content.decode()
    assert "Sie sind angemeldet als Erika M." in start.content.decode()


def test_the_link_opened_in_another_browser_confirms_without_logging_in(client, smtp_server):
    sign_up(client)
    link = smtp_server.link(smtp_server.only(to=ERIKA), r"/konto/confirm-email/")
    elsewhere = Client()
    elsewhere.post(link)
    assert EmailAddress.objects.get(email=ERIKA).verified
    assert not signed_in(elsewhere)


def test_a_display_name_with_an_at_sign_is_refused_on_the_field(client, smtp_server):
    response = sign_up(client, display_name="erika@example.org")
    assert response.status_code == 200
    page = main(response)
    message = (
        "Der Name wird öffentlich mit Ihren Fragen und Kommentaren gezeigt: Geben Sie einen "
        "Namen ein, nicht Ihre E-Mail-Adresse."
    )
    error = re.search(r'<p class="kern-error" id="id_display_name-error">([^<]*)</p>', page)
    assert error and error.group(1).strip() == message
    field = re.search(r'<input [^>]*id="id_display_name"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and "id_display_name-error" in field
    assert f'href="#id_display_name">Anzeigename: {message}</a>' in page  # the error summary
    assert 'value="erika@example.org"' in page  # what was typed is kept
    assert not get_user_model().objects.exists()
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("E" * 201, "höchstens 200 Zeichen"),
        ("Erika\u202eM.", "Schreibrichtung"),
        ("Erika\x07", "Steuerzeichen"),
        ("   ", "Geben Sie den Namen ein"),
    ],
)
def test_a_display_name_too_long_or_with_hidden_characters_is_refused(client, name, problem):
    response = sign_up(client, display_name=name)
    assert response.status_code == 200
    error = re.search(r'id="id_display_name-error">([^<]*)<', main(response))
    assert error and problem in error.group(1)
    assert not get_user_model().objects.exists()


def test_a_participant_logs_in_with_the_password_and_lands_where_they_came_from(client):
    erika = participant("Erika M.", ERIKA)
    wrong = log_in(client, ERIKA, "falsch")
    assert wrong.status_code == 200
    assert "Die E-Mail-Adresse oder das Passwort ist falsch." in main(wrong)
    assert not signed_in(client)

    response = log_in(client, ERIKA, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:index")
    assert signed_in(client) == str(erika.pk)

    back = Client()
    came_from = reverse("portal:imprint")
    response = back.post(
        reverse("account_login") + f"?next={came_from}", {"login": ERIKA, "password": PASSWORD}
    )
    assert response["Location"] == came_from


def test_a_participant_is_never_sent_into_the_office(client):
    participant("Erika M.", ERIKA)
    for target in ("/office/", "/en/office/", "/admin/"):
        response = Client().post(
            reverse("account_login") + f"?next={target}", {"login": ERIKA, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:index"), target


def test_a_participant_logs_in_with_a_code_from_the_mail(client, smtp_server):
    erika = participant("Erika M.", ERIKA)
    response = client.post(reverse("account_request_login_code"), {"email": ERIKA})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    mail = smtp_server.only(to=ERIKA)
    assert mail["Subject"] == "[Plansicht] Ihr Anmeldecode"
    code = re.search(r"^([A-Z]{4}-[A-Z]{4})$", smtp_server.text(mail), re.M).group(1)

    page = client.get(reverse("account_confirm_login_code"))
    assert h1(page) == "Anmeldecode eingeben"
    assert '<label class="kern-label" for="id_code">Anmeldecode</label>' in main(page)
    wrong = client.post(reverse("account_confirm_login_code"), {"code": "ZZZZ-ZZZZ"})
    assert "Der Code ist falsch." in main(wrong)
    assert not signed_in(client)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:index")
    assert signed_in(client) == str(erika.pk)


def test_five_wrong_passwords_pause_logging_in_with_that_address(client):
    """allauth's throttle, set as the office's: 5 failed logins per e-mail address within 15
    minutes (and 10 a minute per network address); the sixth attempt is refused even with the
    right password."""
    erika = participant("Erika M.", ERIKA)
    bernd = participant("Bernd B.", BERND)
    for _ in range(5):
        response = log_in(client, ERIKA, "falsch")
        assert "Die E-Mail-Adresse oder das Passwort ist falsch." in main(response)
    refused = log_in(client, ERIKA, PASSWORD)
    assert refused.status_code == 200
    assert (
        "Zu viele Anmeldeversuche mit dieser Adresse. Zu Ihrem Schutz ist die Anmeldung damit "
        "für bis zu 15 Minuten angehalten; bitte versuchen Sie es dann noch einmal."
    ) in main(refused)
    assert not signed_in(client)
    # Another participant at the same network address is not hindered ...
    other = Client()
    assert log_in(other, BERND, PASSWORD).status_code == 302
    assert signed_in(other) == str(bernd.pk)
    # ... nor is the office's login: axes, which throttles that one, counted none of these.
    assert AccessAttempt.objects.count() == 0
    assert erika.is_active


def test_after_fifteen_minutes_the_right_password_logs_in_again(client, time_machine):
    start = datetime(2025, 6, 1, 12, tzinfo=ZoneInfo("Europe/Berlin"))
    time_machine.move_to(start, tick=False)
    erika = participant("Erika M.", ERIKA)
    for _ in range(5):
        log_in(client, ERIKA, "falsch")
    # The five failures count for 15 minutes from the first (900 s of allauth's window).
    time_machine.move_to(start + timedelta(minutes=14, seconds=59), tick=False)
    assert "Zu viele Anmeldeversuche" in main(log_in(client, ERIKA, PASSWORD))
    time_machine.move_to(start + timedelta(minutes=15, seconds=1), tick=False)
    response = log_in(client, ERIKA, PASSWORD)
    assert response.status_code == 302
    assert signed_in(client) == str(erika.pk)


def test_a_fourth_code_within_a_minute_is_refused(client, smtp_server):
    """allauth's default: 3 codes a minute per e-mail address."""
    participant("Erika M.", ERIKA)
    for _ in range(3):
        sent = Client().post(reverse("account_request_login_code"), {"email": ERIKA})
        assert sent.status_code == 302
    refused = client.post(reverse("account_request_login_code"), {"email": ERIKA})
    assert refused.status_code == 200
    assert "Zu viele Anmeldeversuche mit dieser Adresse" in main(refused)
    assert len(smtp_server.to(ERIKA)) == 3


def test_staff_keep_the_office_login_and_are_turned_away_from_the_participants_one(
    client, smtp_server
):
    User = get_user_model()
    User.objects.create_user("sachbearbeitung", email="amt@example.org", password=PASSWORD)
    response = client.post(
        reverse("office:login"), {"username": "sachbearbeitung", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("office:index")
    assert client.get(reverse("office:index")).status_code == 200

    # The participants' login never tries a staff account's password: it cannot tell whether
    # the password is right ...
    elsewhere = Client()
    refused = log_in(elsewhere, "amt@example.org", PASSWORD)
    assert refused.status_code == 200
    assert "Die E-Mail-Adresse oder das Passwort ist falsch." in main(refused)
    assert not signed_in(elsewhere)
    # ... a participant's address does not open the office's login ...
    participant("Erika M.", ERIKA)
    office = Client().post(reverse("office:login"), {"username": ERIKA, "password": PASSWORD})
    assert office.status_code == 200 and "_auth_user_id" not in office.wsgi_request.session
    # ... and a login code sent to a staff address leads to the office's login, not in.
    elsewhere.post(reverse("account_request_login_code"), {"email": "amt@example.org"})
    code = re.search(r"^([A-Z]{4}-[A-Z]{4})$", smtp_server.text(smtp_server.only()), re.M)
    refused = elsewhere.post(
        reverse("account_confirm_login_code"), {"code": code.group(1)}, follow=True
    )
    assert not signed_in(elsewhere)
    assert refused.redirect_chain[-1][0] == reverse("office:login")
    assert "Diese Anmeldung ist für Teilnehmende." in refused.content.decode()


def test_the_header_offers_the_login_or_the_account(client):
    start = client.get(reverse("portal:imprint")).content.decode()
    assert '<a class="kern-link" href="/konto/login/?next=/imprint/">Anmelden</a>' in start
    client.force_login(participant("Erika M.", ERIKA))
    start = client.get(reverse("portal:imprint")).content.decode()
    assert '<a class="kern-link" href="/konto/uebersicht/">Mein Konto</a>' in start


def test_the_account_pages_send_visitors_to_the_participants_login_and_refuse_staff(client):
    for name in ("portal:account", "portal:account_export", "portal:account_delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == reverse("account_login") + f"?next={reverse(name)}"
    # allauth's own pages for signed-in users too (Django's login page is the office's).
    response = client.get(reverse("account_email"))
    assert response["Location"].startswith(reverse("account_login"))
    staff = get_user_model().objects.create_user("sachbearbeitung", password=PASSWORD)
    client.force_login(staff)
    assert client.get(reverse("portal:account")).status_code == 403


def test_my_account_changes_the_name_everywhere_and_the_notifications(client, programme):
    erika = participant("Erika M.", ERIKA)
    bernd = participant("Bernd B.", BERND)
    mine = service.submit(
        programme,
        actor=Actor(user=erika),
        kind=Submission.QUESTION,
        text="Wann kommt die Datenplattform?",
        author=erika,
        author_name="Erika M.",
    )
    theirs = service.submit(
        programme,
        actor=Actor(user=bernd),
        kind=Submission.QUESTION,
        text="Und der Radweg?",
        author=bernd,
        author_name="Bernd B.",
    )
    client.force_login(erika)
    page = client.get(reverse("portal:account"))
    assert page.status_code == 200
    assert h1(page) == "Mein Konto"
    assert mine.code in main(page) and theirs.code not in main(page)
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]

    refused = client.post(
        reverse("portal:account"), {"display_name": "erika@example.org", "mail_mode": "digest"}
    )
    assert refused.status_code == 200
    assert 'id="id_display_name-error"' in main(refused)
    assert Participant.objects.get(user=erika).mail_mode == "single"

    saved = client.post(
        reverse("portal:account"), {"display_name": "  Erika  Musterfrau ", "mail_mode": "digest"}
    )
    assert saved.status_code == 302
    profile = Participant.objects.get(user=erika)
    assert (profile.display_name, profile.mail_mode) == ("Erika Musterfrau", "digest")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.author_name, theirs.author_name) == ("Erika Musterfrau", "Bernd B.")


def test_unfollowing_removes_only_ones_own_follow(client, programme):
    erika = participant("Erika M.", ERIKA)
    bernd = participant("Bernd B.", BERND)
    m1 = Measure.objects.get(code="M1")
    own = Follow.objects.create(user=erika, programme=programme, measure=m1)
    draft = Follow.objects.create(
        user=erika, programme=programme, measure=Measure.objects.get(code="M9")
    )
    other = Follow.objects.create(user=bernd, programme=programme, measure=m1)
    client.force_login(erika)
    page = main(client.get(reverse("portal:account")))
    assert "M1 Datenplattform" in page
    # A draft is never named (as a word: a random CSRF token may hold the letters "M9").
    assert "Geheimprojekt" not in page and not re.search(r"\bM9\b", page)
    assert "Etwas, das zurzeit nicht öffentlich ist" in page
    client.post(reverse("portal:account"), {"unfollow": other.pk})
    client.post(reverse("portal:account"), {"unfollow": own.pk})
    assert set(Follow.objects.values_list("pk", flat=True)) == {draft.pk, other.pk}


def test_the_download_holds_the_participants_own_data_and_nobody_elses(client, programme):
    erika = participant("Erika M.", ERIKA)
    bernd = participant("Bernd B.", BERND)
    body = Body.objects.get(code="JP")
    body.speakers.add(erika)
    service.submit(
        programme,
        actor=Actor(user=erika),
        kind=Submission.QUESTION,
        text="Wann kommt die Datenplattform?",
        about=Measure.objects.get(code="M1"),
        author=erika,
        author_name="Erika M.",
    )
    service.submit(
        programme,
        actor=Actor(user=bernd),
        kind=Submission.QUESTION,
        text="Bernds geheime Frage zum Radweg",
        author=bernd,
        author_name="Bernd B.",
    )
    Follow.objects.create(user=erika, programme=programme, measure=Measure.objects.get(code="M1"))
    Follow.objects.create(user=bernd, programme=programme)
    client.force_login(erika)
    response = client.get(reverse("portal:account_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="plansicht-meine-daten-2025-06-01.json"'
    )
    raw = response.content.decode()
    for stranger in ("Bernd", BERND, "Radweg", "Programmbüro", "Stabsstelle"):
        assert stranger not in raw, stranger
    data = json.loads(raw)
    assert data["display_name"] == "Erika M."
    assert data["mail_mode"] == "single"
    assert data["email_addresses"] == [{"email": ERIKA, "verified": True, "primary": True}]
    assert data["speaker_for"] == ["Jugendparlament"]
    assert [(f["programme"], f["what"]) for f in data["follows"]] == [
        (programme.title, "Frage F9"),  # an asker follows their own question
        (programme.title, "M1 Datenplattform"),
    ]
    [question] = data["questions_and_statements"]
    # Received today, Sunday 01.06.2025: 15 working days in Rhineland-Palatinate (Whit Monday
    # 09.06. and Corpus Christi 19.06. are holidays) end on Tuesday 24.06.2025.
    assert question | {"code": None} == question | {
        "code": None,
        "kind": "question",
        "about": "M1 Datenplattform",
        "shown_name": "Erika M.",
        "received": "2025-06-01",
        "text": "Wann kommt die Datenplattform?",
        "status": "open",
        "answer": None,
        "extensions": [],
    }


def test_deleting_the_account_keeps_the_question_as_a_former_participants(client, programme):
    erika = participant("Erika M.", ERIKA)
    bernd = participant("Bernd B.", BERND)
    question = service.submit(
        programme,
        actor=Actor.for_user(erika, programme),
        kind=Submission.QUESTION,
        text="Wann kommt die Datenplattform?",
        author=erika,
        author_name="Erika M.",
    )
    kept = service.submit(
        programme,
        actor=Actor(user=bernd),
        kind=Submission.QUESTION,
        text="Und der Radweg?",
        author=bernd,
        author_name="Bernd B.",
    )
    assert Follow.objects.filter(user=erika, submission=question).exists()  # the asker's own
    Body.objects.get(code="JP").speakers.add(erika)
    events = Event.objects.count()
    client.force_login(erika)
    page = client.get(reverse("portal:account_delete"))
    assert h1(page) == "Konto löschen"
    assert "„Ehemals teilnehmende Person“" in main(page)

    response = client.post(reverse("portal:account_delete"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:index")
    assert not signed_in(client)
    assert not get_user_model().objects.filter(pk=erika.pk).exists()
    assert not EmailAddress.objects.filter(email=ERIKA).exists()
    assert list(Follow.objects.values_list("user", flat=True)) == [bernd.pk]  # his own question
    assert not Body.objects.get(code="JP").speakers.exists()
    question.refresh_from_db()
    assert (question.author_id, question.author_name) == (None, "")
    assert question.text == "Wann kommt die Datenplattform?"
    with translation.override("de"):
        assert question.shown_author == "Ehemals teilnehmende Person"
    with translation.override("en"):
        assert question.shown_author == "Former participant"
    kept.refresh_from_db()
    assert kept.shown_author == "Bernd B."
    # No event about the deletion, and the question's own event no longer names her.
    assert Event.objects.count() == events
    received = Event.objects.about(question).get()
    assert (received.user_id, received.actor) == (None, "")


def test_only_the_participant_or_a_system_process_deletes_an_account(programme):
    from django.core.exceptions import PermissionDenied

    erika = participant("Erika M.", ERIKA)
    bernd = participant("Bernd B.", BERND)
    with pytest.raises(PermissionDenied):
        service.delete_participant(erika, actor=Actor(user=bernd))
    assert get_user_model().objects.filter(pk=erika.pk).exists()
    service.delete_participant(erika, actor=Actor.system("deletion request"))
    assert not get_user_model().objects.filter(pk=erika.pk).exists()


def test_the_admin_confirms_speakers_among_participants_and_only_shows_submissions(
    client, programme
):
    erika = participant("Erika M.", ERIKA)
    get_user_model().objects.create_user("sachbearbeitung", password=PASSWORD)
    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    body = Body.objects.get(code="JP")
    page = client.get(reverse("admin:participation_body_change", args=[body.pk]))
    assert page.status_code == 200
    options = re.findall(
        r'<option value="(\d+)"[^>]*>([^<]*)</option>',
        page.content.decode().split('name="speakers"')[1].split("</select>")[0],
    )
    assert options == [(str(erika.pk), f"Erika M. &lt;{ERIKA}&gt;")]

    item = Submission.objects.first()
    assert client.get(reverse("admin:participation_submission_changelist")).status_code == 200
    assert client.get(reverse("admin:participation_submission_add")).status_code == 403
    change = client.get(reverse("admin:participation_submission_change", args=[item.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()


ENTRANCE = {
    "account_login": "Anmelden zum Mitmachen",
    "account_signup": "Registrieren",
    "account_request_login_code": "Mit einem Code anmelden",
    "account_reset_password": "Passwort vergessen?",
    "account_reset_password_done": "Sehen Sie in Ihr Postfach",
    "account_email_verification_sent": "E-Mail-Adresse bestätigen",
}
SIGNED_IN = {
    "account_email": "Ihre E-Mail-Adressen",
    "account_change_password": "Passwort ändern",
    "account_logout": "Abmelden",
    "portal:account": "Mein Konto",
    "portal:account_delete": "Konto löschen",
}


def test_every_account_page_reads_like_the_portal_in_german_and_english(client):
    for name, heading in ENTRANCE.items():
        response = client.get(reverse(name))
        assert (response.status_code, h1(response)) == (200, heading), name
        assert 'class="site-header"' in response.content.decode()  # the portal's layout
    expired = client.get(reverse("account_confirm_email", args=["nicht-gueltig"]))
    assert "Dieser Link ist abgelaufen oder ungültig." in main(expired)
    client.force_login(participant("Erika M.", ERIKA))
    for name, heading in SIGNED_IN.items():
        response = client.get(reverse(name))
        assert (response.status_code, h1(response)) == (200, heading), name
    assert h1(client.get("/en/konto/uebersicht/")) == "My account"
    assert h1(client.get("/en/konto/email/")) == "Your e-mail addresses"


def test_the_download_holds_ones_proposals_supports_and_consultation_answers(client, programme):
    from plansicht import clock
    from plansicht.services import consultations, proposals

    erika = participant("Erika M.", ERIKA)
    bernd = participant("Bernd B.", BERND)
    own = proposals.submit(
        programme, actor=Actor(user=erika), author=erika, title="Bänke", text="Am Radweg."
    )
    other = proposals.submit(
        programme, actor=Actor(user=bernd), author=bernd, title="Bernds Idee", text="Geheim."
    )
    proposals.support(other, actor=Actor(user=erika), user=erika)
    proposals.support(own, actor=Actor(user=bernd), user=bernd)
    consultation = consultations.save_consultation(
        programme,
        actor=Actor.system("tests"),
        title="Leitbild",
        opens=datetime(2025, 5, 1, 9),
        closes=datetime(2025, 6, 30, 18),
        questions=[
            {"kind": "single", "text": "Variante?", "choices": ["Eins", "Zwei"]},
            {"kind": "rating", "text": "Verständlich?"},
        ],
    )
    with clock.at(datetime(2025, 6, 1, 10)):
        consultations.answer(
            consultation, actor=Actor(user=erika), user=erika, answers={1: 1, 2: 4}
        )
        consultations.answer(
            consultation, actor=Actor(user=bernd), user=bernd, answers={1: 0, 2: 2}
        )
    client.force_login(erika)
    data = json.loads(client.get(reverse("portal:account_export")).content)
    assert [(p["code"], p["title"], p["text"]) for p in data["proposals"]] == [
        (own.code, "Bänke", "Am Radweg.")
    ]
    assert data["supports"] == [
        {"programme": programme.title, "proposal": other.code, "on": "2025-06-01"}
    ]
    [response] = data["consultation_answers"]
    assert response["consultation"] == "Leitbild"
    assert [(a["question"], a["chosen"], a["rating"]) for a in response["answers"]] == [
        ("Variante?", ["Zwei"], None),
        ("Verständlich?", [], 4),
    ]
    assert "Geheim" not in json.dumps(data)


def test_deleting_the_account_keeps_proposals_and_supports_without_the_person(client, programme):
    from plansicht.proposals.models import Support
    from plansicht.services import proposals

    erika = participant("Erika M.", ERIKA)
    bernd = participant("Bernd B.", BERND)
    own = proposals.submit(
        programme, actor=Actor(user=erika), author=erika, title="Bänke", text="Am Radweg."
    )
    other = proposals.submit(
        programme, actor=Actor(user=bernd), author=bernd, title="Idee", text="Text."
    )
    proposals.support(other, actor=Actor(user=erika), user=erika)
    service.delete_participant(erika, actor=Actor(user=erika))
    own.refresh_from_db()
    assert (own.author_id, own.author_name) == (None, "")
    assert own.shown_author == "Ehemals teilnehmende Person"
    # her support still counts, but names nobody
    assert list(Support.objects.filter(proposal=other).values_list("user", flat=True)) == [None]
