"""The programme office answers an overdue question (JOURNEYS.md): log in, open the questions
and statements from the office's menu, open the overdue one, answer it. The success is said,
the answer is dated today, the status changes, and the inbox no longer lists the question.
Every page on the way is checked with axe-core, on a phone and at a desk.
"""

import re

from django.utils import translation
from playwright.sync_api import expect

from plansicht.participation.models import Submission

from .conftest import DEMO_TODAY, SLUG, VIEWPORTS, assert_sound, follow, log_in, short_date, url

ANSWER = (
    "Bis heute sind rund 38 % der Fördermittel abgerufen. Kein Teil droht zu verfallen: "
    "der Mittelabrufplan ist mit dem Fördermittelgeber abgestimmt."
)


def status_de(words):
    """An item's status as the German pages show it (``participation.figures.STATUS_LABELS``)."""
    with translation.override("de"):
        return translation.pgettext("answer status", words)


@VIEWPORTS
def test_the_programme_office_answers_an_overdue_question(demo, open_page, viewport):
    # F4, about the programme (the Programmbüro answers), received Monday 02.11.2026: 15
    # working days in Rhineland-Palatinate (no holiday on a weekday in November 2026) end
    # on Monday 23.11.2026; on the demo's 26.11.2026 it is overdue.
    question = Submission.objects.get(programme=demo, kind="question", code="F4")
    assert question.due.isoformat() == "2026-11-23" and question.answered_on is None
    item_url = url("office:participation_item", SLUG, "question", "F4")
    inbox_url = url("office:participation", SLUG)
    page = open_page(viewport)

    page.goto(url("office:login"))
    log_in(page, "buero")
    page.goto(url("office:dashboard", SLUG))
    follow(page.locator(f".site-nav a[href='{inbox_url}']"))
    expect(page).to_have_url(re.compile(re.escape(inbox_url) + "$"))
    assert_sound(page, "questions and statements")
    row = page.locator("main table tbody tr").filter(has=page.locator(f"a[href='{item_url}']"))
    expect(row).to_contain_text(status_de("overdue"))
    expect(row).to_contain_text(short_date(question.due))

    follow(row.locator(f"a[href='{item_url}']"))
    assert_sound(page, "question F4")
    form = page.locator("form:has(input[name=op][value=answer])")
    form.locator("#id_answer-answer").fill(ANSWER)
    follow(form.locator("button[type=submit]"))

    expect(page).to_have_url(re.compile(re.escape(item_url) + "$"))
    assert_sound(page, "question F4 answered")
    with translation.override("de"):
        saved = translation.gettext("The answer was saved, dated %(date)s.") % {
            "date": short_date(DEMO_TODAY)
        }
    expect(page.locator("main .messages")).to_contain_text(saved)
    # Answered on 26.11., after the due date 23.11.: late.
    expect(page.locator("main dl")).to_contain_text(status_de("answered late"))
    expect(page.locator("main")).to_contain_text(ANSWER)
    question.refresh_from_db()
    assert question.answered_on == DEMO_TODAY and question.answer == ANSWER

    follow(page.locator(f"nav.breadcrumb a[href='{inbox_url}']"))
    assert_sound(page, "questions and statements after answering")
    expect(page.locator(f"main table a[href='{item_url}']")).to_have_count(0)
