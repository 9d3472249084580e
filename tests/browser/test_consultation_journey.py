"""A consultation from the office's editor to its published results, on a phone and at a desk:
the programme office creates a public consultation with a single-choice question, a rating and
an optional free-text question; Anna answers it in the portal while it is open (two more
participants answer through the service); nobody sees results before the close; after the
close (the frozen clock moved past it) the portal shows per question a chart and its table
with counts and shares, and the mean rating. axe-core checks the office's editor and results,
the open form and the results page."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.utils import translation
from playwright.sync_api import expect

from plansicht.consultations.models import Consultation, Response
from plansicht.services import Actor
from plansicht.services import consultations as service

from .conftest import DEMO_NOW, SLUG, VIEWPORTS, assert_sound, follow, log_in, url
from .test_proposal_journey import participant, sign_in

BERLIN = ZoneInfo("Europe/Berlin")
TITLE = "Leitlinien für die Beteiligungsplattform"
QUESTION_1 = "Sollen Sitzungen des Beirats live übertragen werden?"
QUESTION_2 = "Wie zufrieden sind Sie mit der Plattform?"
QUESTION_3 = "Was sollen wir noch wissen?"
OPENS = datetime(2026, 11, 20, 9, 0, tzinfo=BERLIN)
CLOSES = datetime(2026, 11, 30, 18, 0, tzinfo=BERLIN)


def de(message, **values) -> str:
    with translation.override("de"):
        text = translation.gettext(message)
    return text.format(**values) if values else text


def create_in_the_office(office):
    """The programme office writes the consultation in its editor; returns it."""
    office.goto(url("office:login"))
    log_in(office, "buero")
    office.goto(url("office:consultations", SLUG))
    assert_sound(office, "the office's consultations")
    new_url = url("office:consultation_new", SLUG)
    follow(office.locator(f"main a[href='{new_url}']").first)
    expect(office).to_have_url(re.compile(re.escape(new_url) + "$"))
    assert_sound(office, "the consultation editor")
    office.locator("#c-title").fill(TITLE)
    office.locator("#c-description").fill("Wie soll die **Plattform** weiterentwickelt werden?")
    office.locator("#c-opens").fill(OPENS.strftime("%Y-%m-%dT%H:%M"))
    office.locator("#c-closes").fill(CLOSES.strftime("%Y-%m-%dT%H:%M"))
    office.locator("#c-audience").select_option(Consultation.PUBLIC)
    rows = [
        ("single", QUESTION_1, True, "Ja\nNein"),
        ("rating", QUESTION_2, True, ""),
        ("text", QUESTION_3, False, ""),
    ]
    for n, (kind, text, required, choices) in enumerate(rows):
        office.locator(f"#id_questions-{n}-kind").select_option(kind)
        office.locator(f"#id_questions-{n}-text").fill(text)
        if required:
            office.locator(f"#id_questions-{n}-required").check()
        if choices:
            office.locator(f"#id_questions-{n}-choices").fill(choices)
    with translation.override("de"):
        save = translation.gettext("Save consultation")
    follow(office.get_by_role("button", name=save))
    item = Consultation.objects.get(programme__slug=SLUG, title=TITLE)
    item_url = url("office:consultation", SLUG, item.code)
    expect(office).to_have_url(re.compile(re.escape(item_url) + "$"))
    assert_sound(office, "the new consultation in the office")
    assert (item.opens, item.closes, item.audience) == (OPENS, CLOSES, Consultation.PUBLIC)
    assert [(q.kind, q.text, q.required, q.choices) for q in item.questions.order_by("number")] == [
        ("single", QUESTION_1, True, ["Ja", "Nein"]),
        ("rating", QUESTION_2, True, []),
        ("text", QUESTION_3, False, []),
    ]
    return item


@VIEWPORTS
def test_a_consultation_from_the_editor_to_its_results(
    demo, open_page, live_server, time_machine, viewport
):
    office = open_page(viewport)
    item = create_in_the_office(office)
    portal_url = url("portal:consultation", SLUG, item.code)

    # Anna answers while it is open; the page shows no results yet.
    anna = participant("anna", "Anna A.")
    page = open_page(viewport)
    sign_in(page, live_server, anna)
    page.goto(url("portal:consultations", SLUG))
    assert_sound(page, "the consultations")
    follow(page.locator(f"main a[href='{portal_url}']").first)
    assert_sound(page, "the open consultation with its form")
    main = page.locator("main")
    expect(main).to_contain_text(de("The results are published here after the close."))
    expect(main.locator("#results-heading")).to_have_count(0)
    form = page.locator("form.consultation-form")
    with translation.override("de"):
        send = translation.gettext("Send my answers")
        change = translation.gettext("Change my answers")
    # sent unanswered: the required questions are named, and nothing is stored
    follow(form.get_by_role("button", name=send))
    assert_sound(page, "the open consultation with its problems", status=400)
    expect(page.locator(".error-summary a[href='#answer-q1_0']")).to_be_visible()
    expect(page.locator("#answer-q2-error")).to_contain_text(de("Please answer this question."))
    assert not Response.objects.filter(consultation=item).exists()
    form.get_by_label("Ja", exact=True).check()
    form.get_by_label("4", exact=True).check()
    form.get_by_label(re.compile("^3\\. " + re.escape(QUESTION_3))).fill("Bitte mit Untertiteln.")
    follow(form.get_by_role("button", name=send))
    expect(page).to_have_url(re.compile(re.escape(portal_url) + "$"))
    assert_sound(page, "the open consultation, answered")
    expect(main.locator(".messages")).to_be_visible()
    expect(form.get_by_label("Ja", exact=True)).to_be_checked()
    expect(form.get_by_role("button", name=change)).to_be_visible()
    response = Response.objects.get(consultation=item, user=anna)
    answers = {a.question.number: a for a in response.answers.select_related("question")}
    assert (answers[1].choices, answers[2].rating, answers[3].text) == (
        [0],
        4,
        "Bitte mit Untertiteln.",
    )

    # Two more participants answer (through the service, as the form does).
    for name, choice, rating in (("bernd", 0, 5), ("clara", 1, 5)):
        user = participant(name, name.title())
        service.answer(
            item,
            actor=Actor.for_user(user, demo),
            user=user,
            answers={1: choice, 2: rating, 3: ""},
        )

    # After the close, anyone reads the results: a chart and its table per question.
    time_machine.move_to(DEMO_NOW + timedelta(days=5), tick=False)  # 01.12.2026, noon
    cache.clear()
    visitor = open_page(viewport)
    visitor.goto(portal_url)
    assert_sound(visitor, "the consultation's results")
    results = visitor.locator("section:has(#results-heading)")
    with translation.override("de"):
        answered = translation.ngettext(
            "%(counter)s participant answered.", "%(counter)s participants answered.", 3
        ) % {"counter": 3}
    expect(results).to_contain_text(answered)
    expect(visitor.locator("form.consultation-form")).to_have_count(0)

    first = results.locator("section:has(#result-q1)")
    chart = first.locator("figure svg")
    expect(chart).to_be_visible()
    table = first.locator("table")
    expect(table.locator("caption")).to_have_text("Antworten auf Frage 1: Anzahl und Anteil")
    expect(table.locator("tbody tr")).to_have_count(2)
    yes = table.locator("tbody tr").filter(has=visitor.locator("th", has_text="Ja"))
    expect(yes.locator("td")).to_have_text(["2", "66,7\u00a0%"])
    no = table.locator("tbody tr").filter(has=visitor.locator("th", has_text="Nein"))
    expect(no.locator("td")).to_have_text(["1", "33,3\u00a0%"])

    second = results.locator("section:has(#result-q2)")
    expect(second.locator("figure svg")).to_be_visible()
    expect(second).to_contain_text("4,7")  # (4 + 5 + 5) / 3, one decimal
    five = second.locator("tbody tr").filter(has=visitor.locator("th", has_text=re.compile("^5$")))
    expect(five.locator("td")).to_have_text(["2", "66,7\u00a0%"])

    # The free text waits for the moderation: nothing of it is public yet.
    third = results.locator("section:has(#result-q3)")
    expect(third).not_to_contain_text("Untertiteln")

    # The office's results after the close, too.
    office.goto(url("office:consultation", SLUG, item.code))
    assert_sound(office, "the consultation's results in the office")
