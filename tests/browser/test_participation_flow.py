"""The whole way of a question, on a phone and at a desk: Jonas signs up, opens the link from
the mail (a real SMTP server), asks about a measure and gets a receipt; the unit responsible
answers in the office; the task worker sends him the answer; the public page shows it and the
share answered in time moves. axe-core checks every page on the way."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect

from plansicht.participation.models import Submission

from .conftest import SLUG, VIEWPORTS, assert_sound, follow, log_in, url

JONAS = "jonas@example.org"
PASSWORD = "Lindenallee-8-Plansicht"
QUESTION = "Wann gibt es die Beteiligungsplattform in leichter Sprache?"
ANSWER = "Im ersten Quartal 2027, zusammen mit der neuen Startseite."


def work():
    """The task worker, as ``manage.py db_worker`` runs it, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.fixture
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@VIEWPORTS
def test_a_question_from_sign_up_to_the_published_answer(
    demo, open_page, live_server, smtp_server, settings, fresh_rate_limits, viewport
):
    settings.SITE_URL = live_server.url  # the links in the mails lead to this server
    page = open_page(viewport)

    # The share answered in time before: 2 of the 5 questions that are not open (40,0 %).
    page.goto(url("portal:questions", SLUG))
    expect(page.locator("main")).to_contain_text("40,0 %")

    # Sign up and confirm the address with the link from the mail.
    page.goto(url("account_signup"))
    form = page.locator("main form")
    form.get_by_label("Anzeigename").fill("Jonas K.")
    form.get_by_label("E-Mail-Adresse").fill(JONAS)
    form.get_by_label("Passwort", exact=True).fill(PASSWORD)
    form.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
    follow(form.get_by_role("button", name="Registrieren"))
    link = smtp_server.link(smtp_server.only(to=JONAS), r"/konto/confirm-email/")
    page.goto(link)
    assert_sound(page, "confirmation page")
    follow(page.locator("main form").get_by_role("button", name="Bestätigen"))
    smtp_server.clear()

    # Ask about measure M6; the receipt names the due date.
    page.goto(url("portal:measure", SLUG, "M6"))
    assert_sound(page, "measure M6, signed in")
    page.get_by_label("Ihre Frage").fill(QUESTION)
    follow(page.locator("form.ask-form button[type=submit]"))
    question = Submission.objects.get(programme=demo, text=QUESTION)
    expect(page).to_have_url(re.compile(re.escape(url("portal:question", SLUG, question.code))))
    assert_sound(page, "the new question")
    # Thursday 26.11.2026 + 15 working days (no holiday in Rhineland-Palatinate): 17.12.2026
    expect(page.locator("main")).to_contain_text("17.12.2026")
    work()
    receipt = smtp_server.only(to=JONAS)
    assert "fällig bis spätestens 17.12.2026" in smtp_server.text(receipt)
    smtp_server.clear()

    # The office answers it (M6's lead unit; the programme office may answer everything).
    office = open_page(viewport)
    office.goto(url("office:login"))
    log_in(office, "buero")
    office.goto(url("office:participation_item", SLUG, "question", question.code))
    assert_sound(office, "the question in the office")
    answer_form = office.locator("form:has(input[name=op][value=answer])")
    answer_form.locator("#id_answer-answer").fill(ANSWER)
    follow(answer_form.locator("button[type=submit]"))
    expect(office.locator("main")).to_contain_text(ANSWER)

    # The worker tells Jonas; the link in the mail shows the published answer.
    work()
    mail = smtp_server.only(to=JONAS)
    assert mail["Subject"].strip() == f"Antwort auf {question.code} – {demo.title}"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page.goto(smtp_server.link(mail, r"/fragen/"))
    expect(page.locator("main")).to_contain_text(ANSWER)
    expect(page.locator("main")).to_contain_text("fristgerecht beantwortet")
    assert_sound(page, "the answered question")

    # Answered on the day it came in: 3 of 6 in time now (50,0 %).
    page.goto(url("portal:questions", SLUG))
    expect(page.locator("main")).to_contain_text("50,0 %")
    assert_sound(page, "the questions with the new share")
