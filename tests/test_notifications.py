"""Mails to participants, through a real SMTP server and the real task worker: the receipt
with the due date, the answer, the extension, a new statement, a worse forecast, the daily
digest, and the one-click unsubscribe of every mail (RFC 8058)."""

from datetime import date
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from plansicht.notify.models import Notice
from plansicht.participation.models import Body, Follow, Participant, Submission
from plansicht.plan.models import Measure, Milestone
from plansicht.services import Actor
from plansicht.services import participation as service
from plansicht.services import plan as plan_service

from .factories import participation_document

# Each change commits, as in the running site: the mails are enqueued on commit, and the task
# worker (which closes database connections between tasks, as a long-running process must)
# runs outside any test transaction.
pytestmark = pytest.mark.django_db(transaction=True)
ANNA = "anna@example.org"


@pytest.fixture
def persona_document():
    return participation_document()


def participant(name, address, mode=Participant.SINGLE, verified=True):
    user = get_user_model().objects.create_user(f"p-{name}", password="x")
    Participant.objects.create(user=user, display_name=name, mail_mode=mode)
    EmailAddress.objects.create(user=user, email=address, verified=verified, primary=True)
    return user


def work():
    """Run the task worker until the queue is empty, as ``manage.py db_worker`` does."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.fixture
def asked(personas, smtp_server, django_capture_on_commit_callbacks):
    """Anna asks about M1 on Sunday 01.06.2025 and the worker sends her receipt."""
    anna = participant("Anna A.", ANNA)
    with django_capture_on_commit_callbacks(execute=True):
        question = service.submit(
            personas.programme,
            actor=Actor.for_user(anna),
            kind=Submission.QUESTION,
            text="Wann kommt die Datenplattform?",
            about=Measure.objects.get(code="M1"),
            author=anna,
            author_name="Anna A.",
        )
    work()
    return anna, question


def test_the_asker_gets_a_receipt_with_the_due_date(asked, smtp_server):
    _anna, question = asked
    mail = smtp_server.only(to=ANNA)
    assert mail["Subject"] == f"Ihre Frage {question.code} ist eingegangen – Testprogramm"
    text = smtp_server.text(mail)
    # 15 working days after Sunday 01.06.2025 in Rhineland-Palatinate: Whit Monday 09.06. and
    # Corpus Christi 19.06. do not count, so the last day is Tuesday 24.06.2025.
    assert "fällig bis spätestens 24.06.2025" in text
    assert "Zuständig für die Antwort: Stabsstelle Digitalisierung." in text
    assert f"http://127.0.0.1:8000/p/testprogramm/fragen/{question.code}/" in text


def test_every_mail_can_be_ended_with_one_click_without_login(
    asked, smtp_server, personas, django_capture_on_commit_callbacks
):
    _anna, question = asked
    mail = smtp_server.only(to=ANNA)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stop = mail["List-Unsubscribe"].strip().strip("<>")
    assert stop in smtp_server.text(mail)  # the same link in the text, for people
    path = urlsplit(stop).path
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path)  # opening the link (a link checker, say) changes nothing
    assert page.status_code == 200 and Follow.objects.filter(submission=question).exists()
    assert browser.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Follow.objects.filter(submission=question).exists()
    smtp_server.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service.answer(question, actor=Actor.for_user(personas.editor), text="Im Herbst.")
    work()
    assert smtp_server.to(ANNA) == []  # she stopped the messages about it


def test_a_forged_unsubscribe_link_does_nothing(asked, client):
    response = client.post("/abmelden/not-a-token/")
    assert response.status_code == 404
    assert Follow.objects.count() == 1


def test_the_asker_hears_of_the_answer(
    asked, smtp_server, personas, django_capture_on_commit_callbacks
):
    _anna, question = asked
    smtp_server.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service.answer(question, actor=Actor.for_user(personas.editor), text="Im Herbst.")
    work()
    mail = smtp_server.only(to=ANNA)
    assert mail["Subject"] == f"Antwort auf {question.code} – Testprogramm"
    text = smtp_server.text(mail)
    assert "wurde am 01.06.2025 beantwortet" in text
    assert f"/p/testprogramm/fragen/{question.code}/" in text
    assert "Im Herbst." not in text  # the answer is read on its public page


def test_the_asker_hears_of_an_extension_with_its_reason(
    asked, smtp_server, personas, django_capture_on_commit_callbacks
):
    _anna, question = asked
    smtp_server.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service.extend(
            question,
            actor=Actor.for_user(personas.editor),
            to=date(2025, 7, 8),
            reason="Wir warten auf Zahlen des Anbieters.",
        )
    work()
    mail = smtp_server.only(to=ANNA)
    assert "verlängert bis 08.07.2025" in mail["Subject"]
    assert "Begründung: Wir warten auf Zahlen des Anbieters." in smtp_server.text(mail)


def test_followers_of_a_measure_hear_of_a_new_statement_there(
    personas, smtp_server, django_capture_on_commit_callbacks
):
    bernd = participant("Bernd B.", "bernd@example.org")
    m1 = Measure.objects.get(code="M1")
    service.follow(bernd, m1, actor=Actor.for_user(bernd))
    with django_capture_on_commit_callbacks(execute=True):
        service.submit(
            personas.programme,
            actor=Actor.for_user(personas.editor),
            kind=Submission.STATEMENT,
            text="Der Seniorenbeirat begrüßt die Plattform.",
            about=m1,
            body=Body.objects.get(code="SB"),
            author_name="Seniorenbeirat",
            received=date(2025, 5, 30),
        )
    work()
    mail = smtp_server.only(to="bernd@example.org")
    assert mail["Subject"] == "Neue Stellungnahme S2 – Testprogramm"


def test_followers_of_a_measure_hear_when_its_forecast_gets_worse(
    personas, smtp_server, django_capture_on_commit_callbacks
):
    bernd = participant("Bernd B.", "bernd@example.org")
    service.follow(bernd, Measure.objects.get(code="M2"), actor=Actor.for_user(bernd))
    d = Milestone.objects.get(code="D")
    with django_capture_on_commit_callbacks(execute=True):
        plan_service.reschedule(
            d,
            actor=Actor.for_user(personas.editor),
            duration_days=d.duration_days + 60,
            reason="Mehr Aufwand",
        )
    work()
    mail = smtp_server.only(to="bernd@example.org")
    assert mail["Subject"] == "Prognose verschlechtert: M2 Radverkehr"
    assert "Voraussichtliches Ende:" in smtp_server.text(mail)


def test_a_shorter_plan_tells_nobody(personas, smtp_server, django_capture_on_commit_callbacks):
    bernd = participant("Bernd B.", "bernd@example.org")
    service.follow(bernd, Measure.objects.get(code="M2"), actor=Actor.for_user(bernd))
    d = Milestone.objects.get(code="D")
    with django_capture_on_commit_callbacks(execute=True):
        plan_service.reschedule(d, actor=Actor.for_user(personas.editor), duration_days=30)
    work()
    assert smtp_server.messages == []


def test_the_digest_collects_the_day_in_one_mail(
    personas, smtp_server, django_capture_on_commit_callbacks
):
    clara = participant("Clara C.", "clara@example.org", mode=Participant.DIGEST)
    service.follow(clara, personas.programme, actor=Actor.for_user(clara))
    f5 = Submission.objects.get(code="F5")
    with django_capture_on_commit_callbacks(execute=True):
        service.answer(f5, actor=Actor.for_user(personas.editor), text="Ja, ab Juli.")
        service.answer(
            Submission.objects.get(code="F4"), actor=Actor.for_user(personas.editor), text="Ja."
        )
    work()
    assert smtp_server.messages == []  # nothing single: she chose the digest
    assert Notice.objects.filter(user=clara, sent=None).count() == 2
    call_command("send_digests", verbosity=0)
    work()
    mail = smtp_server.only(to="clara@example.org")
    assert mail["Subject"] == "Plansicht: 2 Neuigkeiten"
    text = smtp_server.text(mail)
    assert "Antwort auf F5 – Testprogramm" in text and "Antwort auf F4 – Testprogramm" in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notice.objects.filter(sent=None).exists()
    call_command("send_digests", verbosity=0)
    work()
    assert len(smtp_server.messages) == 1  # nothing twice


def test_only_a_confirmed_address_gets_mail(
    personas, smtp_server, django_capture_on_commit_callbacks
):
    dora = participant("Dora D.", "dora@example.org", verified=False)
    service.follow(dora, personas.programme, actor=Actor.for_user(dora))
    with django_capture_on_commit_callbacks(execute=True):
        service.answer(
            Submission.objects.get(code="F5"), actor=Actor.for_user(personas.editor), text="Ja."
        )
    work()
    assert smtp_server.messages == []


def test_a_change_that_is_not_saved_sends_nothing(personas, smtp_server):
    anna = participant("Anna A.", ANNA)
    service.follow(anna, personas.programme, actor=Actor.for_user(anna))
    with pytest.raises(RuntimeError), transaction.atomic():
        service.answer(
            Submission.objects.get(code="F5"), actor=Actor.for_user(personas.editor), text="Ja."
        )
        raise RuntimeError("the request fails after the answer: all of it is rolled back")
    work()
    assert smtp_server.messages == []
    assert Submission.objects.get(code="F5").answered_on is None
