"""The public pages of the participation: the questions and statements of a programme as of
today, their figures, one item's page, asking, the spam guards, withdrawing, and hostile text.

The test document (``participation_document()``) as of Sunday 01.06.2025, worked out by hand
in ``tests/test_participation_record.py``: F1 answered in time, F2 open with an extension
(its answer of 04.06. does not exist yet), F3 answered late, F4 open, F5 overdue, F6
withdrawn, F7 hidden ("Beleidigend"), F8 awaiting release; S1 answered in time.
"""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from plansicht.accounts.models import Unit
from plansicht.participation.models import Body, Extension, Participant, Submission
from plansicht.plan.models import Measure
from plansicht.portal import limits

from .factories import participation_document

pytestmark = pytest.mark.django_db
SLUG = "testprogramm"


@pytest.fixture
def persona_document():
    return participation_document()


@pytest.fixture(autouse=True)
def fresh_limits():
    """The rate limit counts in the cache, which outlives a test: each starts afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def programme(personas):
    return personas.programme


def participant(name="petra", display="Petra P."):
    user = get_user_model().objects.create_user(name, password="pw-" + name)
    Participant.objects.create(user=user, display_name=display)
    EmailAddress.objects.create(user=user, email=f"{name}@example.org", verified=True, primary=True)
    return user


def list_url(query=""):
    return reverse("portal:questions", args=[SLUG]) + query


def question_url(code):
    return reverse("portal:question", args=[SLUG, code])


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    text = response.content.decode()
    assert "<h1" in text
    return text


def codes(html):
    """The codes of the items the list shows, in its order."""
    return re.findall(
        r'<th scope="row"><a class="kern-link" href="[^"]*/(?:fragen|stellungnahmen)/([^/"]+)/"',
        html,
    )


def row(html, code):
    """The table row of one item."""
    for tr in html.split("<tr>"):
        if re.search(rf'/(?:fragen|stellungnahmen)/{code}/"', tr):
            return tr.split("</tr>")[0]
    raise AssertionError(f"no row for {code}")


# -- the list ---------------------------------------------------------------------------------


def test_the_list_shows_the_published_questions_newest_first(client, programme):
    html = page(client, list_url())
    assert "<h1" in html and "Fragen und Stellungnahmen" in html
    # received 12.05.; 06.05. (F5, F6, F7: the one stored last first); 05.05.; 02.05.; 01.05.
    assert codes(html) == ["F4", "F7", "F6", "F5", "F3", "F1", "F2"]
    assert "F8" not in codes(html) and "Noch nicht freigegeben" not in html


def test_a_hidden_question_shows_only_the_moderations_reason(client, programme):
    html = page(client, list_url())
    assert "Von der Moderation ausgeblendet: Beleidigend" in row(html, "F7")
    assert "Beleidigung" not in html
    text = page(client, question_url("F7"))
    assert "Von der Moderation ausgeblendet: Beleidigend" in text
    assert "Beleidigung" not in text


def test_each_status_is_said_in_words(client, programme):
    html = page(client, list_url())
    assert "fristgerecht beantwortet" in row(html, "F1")
    assert ">offen<" in row(html, "F2") and "verlängert" in row(html, "F2")
    assert "06.06.2025" in row(html, "F2")  # the due date in force, not the original 22.05.
    assert "verspätet beantwortet" in row(html, "F3")
    assert ">offen<" in row(html, "F4") and "verlängert" not in row(html, "F4")
    assert "überfällig" in row(html, "F5")
    assert "zurückgezogen" in row(html, "F6")
    assert "28.05.2025" in row(html, "F3")  # answered on
    assert "Ehemals teilnehmende Person" in row(html, "F3")  # no name was given
    assert "Anna A." in row(html, "F1")


def test_the_figures_of_the_questions(client, programme):
    html = page(client, list_url())
    assert "33,3 %" in html  # F1 in time of F1, F3, F5 (not open)
    assert "20,5 Tage" in html  # F1 18 days, F3 23 days
    # F8 awaits release and is counted as open: F2, F4, F8
    assert re.search(r">Offen</dt><dd[^>]*>3<", html)
    assert "1 Eintrag, der auf Freigabe wartet, wird mitgezählt" in html


def test_the_figures_by_unit(client, programme):
    html = page(client, list_url())
    table = html.split('id="by-unit-caption"')[1].split("</table>")[0]
    office = table.split("Programmbüro")[1].split("</tr>")[0]
    # F3 answered late, F4 open (F7 hidden is not counted): 0 of 1 in time, 23 days
    cells = re.findall(r'<td class="num">([^<]*)</td>', office)
    assert cells == ["1", "0", "0", "0", "1", "0,0 %", "23,0 Tage"]


def test_the_statements_tab_with_its_figures_by_body(client, programme):
    html = page(client, list_url("?kind=statement"))
    assert codes(html) == ["S1"]
    assert "Seniorenbeirat" in row(html, "S1")
    assert "100,0 %" in html and "29,0 Tage" in html  # 14.04. to 13.05.
    assert 'id="by-body-caption"' in html


def test_filtering_by_status(client, programme):
    assert codes(page(client, list_url("?status=overdue"))) == ["F5"]
    assert codes(page(client, list_url("?status=open"))) == ["F4", "F2"]
    assert codes(page(client, list_url("?status=answered"))) == ["F3", "F1"]


def test_filtering_by_unit_measure_and_body(client, programme):
    office = Unit.objects.get(name="Programmbüro")
    # F3 (the programme), F4 (a post) and F7 (the programme, hidden)
    assert codes(page(client, list_url(f"?unit={office.pk}"))) == ["F4", "F7", "F3"]
    assert codes(page(client, list_url("?measure=M2"))) == ["F6", "F5"]
    # F2 is about milestone C of M1.1.1
    assert codes(page(client, list_url("?measure=M1.1.1"))) == ["F2"]
    body = Body.objects.get(code="SB")
    assert codes(page(client, list_url(f"?kind=statement&body={body.pk}"))) == ["S1"]
    other = Body.objects.get(code="JP")
    html = page(client, list_url(f"?kind=statement&body={other.pk}"))
    assert codes(html) == [] and "0 von 1" in html


def test_a_filter_not_understood_is_said_and_left_out(client, programme):
    html = page(client, list_url("?status=whatever"), status=400)
    assert "Ein Filter konnte nicht angewendet werden" in html
    assert len(codes(html)) == 7


def many(programme, count, start=100):
    """``count`` questions about the programme, received 01.03.–31.05.2025, every third one
    answered, every fifth extended."""
    office = Unit.objects.get(name="Programmbüro")
    items = Submission.objects.bulk_create(
        Submission(
            programme=programme,
            kind=Submission.QUESTION,
            code=f"F{start + i}",
            received=date(2025, 3, 1 + i % 28),
            due=date(2025, 4, 1 + i % 28),
            text=f"Frage Nummer {i}",
            author_name=f"Person {i}",
            unit=office,
            answered_on=date(2025, 4, 2) if i % 3 == 0 else None,
            answer="Antwort" if i % 3 == 0 else "",
        )
        for i in range(count)
    )
    Extension.objects.bulk_create(
        Extension(submission=s, on=date(2025, 3, 30), to=date(2025, 6, 30), reason="Prüfung")
        for s in items[::5]
    )


def test_pages_of_fifty(client, programme):
    many(programme, 120)
    first = page(client, list_url())
    assert len(codes(first)) == 50
    assert "Seite 1 von 3" in first  # 127 published
    last = page(client, list_url("?page=3"))
    assert len(codes(last)) == 27
    # 40 of them answered (every third), with F1 and F3: 42, one page
    answered = page(client, list_url("?status=answered"))
    assert len(codes(answered)) == 42 and "Seite 1 von" not in answered
    # overdue: neither answered nor extended (120 − 40 − 24 + 8 = 64), with F5: 65
    overdue = page(client, list_url("?status=overdue&page=2"))
    assert len(codes(overdue)) == 15 and "Seite 2 von 2" in overdue
    assert "status=overdue&amp;page=1" in overdue  # the filter stays on the way back


def test_the_list_pages_through_ten_thousand_questions(client, programme):
    many(programme, 10_000)
    first = page(client, list_url())
    assert "Seite 1 von 201" in first  # 10,007 published questions, 50 a page
    last = page(client, list_url("?page=201"))
    assert len(codes(last)) == 7
    assert "Seite 201 von 201" in last


def queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def list_queries(client):
    return [
        queries(client, list_url()),
        queries(client, list_url("?status=overdue&page=2")),
        queries(client, list_url("?kind=statement")),
        queries(client, reverse("portal:overview", args=[SLUG])),
        queries(client, reverse("portal:measure", args=[SLUG, "M1"])),
    ]


def test_the_number_of_queries_does_not_grow_with_the_questions(client, programme):
    many(programme, 10)
    small = list_queries(client)
    many(programme, 990, start=2000)
    assert Submission.objects.count() > 1000
    assert list_queries(client) == small


# -- one item's page --------------------------------------------------------------------------


def test_a_question_page_with_its_extension(client, programme):
    html = page(client, question_url("F2"))
    assert "Frage F2" in html
    assert "Warum verzögert sich die Inbetriebnahme?" in html
    assert "C Inbetriebnahme" in html  # what it is about, linked
    assert reverse("portal:milestone", args=[SLUG, "C"]) in html
    assert "Rückfrage beim Anbieter" in html  # the extension's public reason
    assert "20.05.2025" in html and "06.06.2025" in html  # granted on, extended to
    assert "22.05.2025" in html  # the original due date
    assert "Antwort bis spätestens 06.06.2025." in html
    assert "Lieferengpass" not in html  # answered on 04.06.: not yet as of 01.06.


def test_a_question_page_with_its_answer(client, programme):
    html = page(client, question_url("F1"))
    assert "Im Herbst." in html
    assert "Beantwortet am 20.05.2025 von Stabsstelle Digitalisierung" in html
    assert "fristgerecht beantwortet" in html
    assert "Anna A." in html


def test_a_statement_page(client, programme):
    html = page(client, reverse("portal:statement", args=[SLUG, "S1"]))
    assert "Stellungnahme S1" in html and "Seniorenbeirat" in html
    assert "Wir richten Sprechstunden ein." in html
    # a question's address does not show a statement
    page(client, question_url("S1"), status=404)


def test_pending_and_draft_items_have_no_public_page(client, programme):
    page(client, question_url("F8"), status=404)  # awaiting release
    page(client, question_url("F99"), status=404)
    Submission.objects.create(
        programme=programme,
        kind=Submission.QUESTION,
        code="F20",
        measure=Measure.objects.get(code="M9"),  # a draft
        received=date(2025, 5, 20),
        due=date(2025, 6, 11),
        text="Geheimes",
    )
    page(client, question_url("F20"), status=404)
    assert "F20" not in codes(page(client, list_url()))


# -- asking -----------------------------------------------------------------------------------


def ask(client, text="Wann ist die Plattform fertig?", about="programme", **more):
    return client.post(list_url(), {"text": text, "about": about, "website": "", **more})


def test_a_participant_asks_and_sees_the_due_date(client, programme):
    client.force_login(participant())
    response = ask(client)
    assert response.status_code == 302
    item = Submission.objects.get(code="F9")
    assert response["Location"] == question_url("F9")
    assert (item.author_name, item.received, item.due) == (
        "Petra P.",
        date(2025, 6, 1),
        date(2025, 6, 24),
    )
    html = page(client, question_url("F9"))
    # Sunday 01.06.: 15 working days without Whit Monday (09.06.) and Corpus Christi (19.06.)
    assert (
        "Ihre Frage F9 ist eingegangen. Sie ist bis spätestens 24.06.2025 zu beantworten." in html
    )
    assert "Antwort bis spätestens 24.06.2025." in html
    assert "Petra P." in html and "petra@example.org" not in html
    assert "F9" in codes(page(client, list_url()))


def test_a_question_about_a_post_or_a_milestone_of_the_measure(client, programme):
    client.force_login(participant())
    html = page(client, list_url())
    assert 'value="position:CDO"' in html  # a public post of the programme
    measure_page = page(client, reverse("portal:measure", args=[SLUG, "M1.1.1"]))
    assert 'value="measure:M1.1.1"' in measure_page and 'value="milestone:C"' in measure_page
    response = ask(client, about="milestone:C", context="M1.1.1")
    assert response.status_code == 302
    item = Submission.objects.get(code="F9")
    assert item.milestone.code == "C"
    assert item.unit.name == "Stabsstelle Digitalisierung"  # inherited from M1


def test_with_premoderation_the_question_waits_for_release(client, programme):
    programme.premoderation = True
    programme.save(update_fields=["premoderation"])
    client.force_login(participant())
    ask(client)
    html = page(client, question_url("F9"))
    assert "sobald die Moderation sie freigegeben hat" in html
    assert "Wartet auf Freigabe" in html
    client.logout()
    page(client, question_url("F9"), status=404)
    assert "F9" not in codes(page(client, list_url()))


def test_anonymous_visitors_are_asked_to_log_in_and_cannot_post(client, programme):
    html = page(client, list_url())
    assert "Um eine Frage zu stellen" in html and 'name="text"' not in html
    response = ask(client)
    assert response.status_code == 403
    assert not Submission.objects.filter(code="F9").exists()


def test_a_user_without_a_confirmed_address_cannot_ask(client, programme):
    user = participant()
    EmailAddress.objects.filter(user=user).update(verified=False)
    client.force_login(user)
    assert 'name="text"' not in page(client, list_url())
    assert ask(client).status_code == 403
    assert not Submission.objects.filter(code="F9").exists()


def test_a_filled_trap_field_is_refused_quietly(client, programme):
    client.force_login(participant())
    response = ask(client, website="https://spam.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ihr Text konnte nicht angenommen werden. Es wurde nichts gespeichert." in html
    assert "Wann ist die Plattform fertig?" in html  # kept for a person who filled it
    assert not Submission.objects.filter(code="F9").exists()


def test_an_empty_question_is_explained_and_nothing_stored(client, programme):
    client.force_login(participant())
    response = ask(client, text="   ")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#ask-text"' in html  # the summary leads to the field
    assert not Submission.objects.filter(code="F9").exists()


def test_five_questions_an_hour_per_account(client, programme, time_machine):
    client.force_login(participant())
    for n in range(5):
        assert ask(client, text=f"Frage {n}").status_code == 302
    response = ask(client, text="Die sechste")
    assert response.status_code == 429
    html = response.content.decode()
    # all five sent at 12:00: the first of them ages out at 13:00
    assert "kann der nächste ab 01.06.2025 13:00 gesendet werden" in html
    assert "Die sechste" in html  # kept in the form
    assert Submission.objects.filter(author__username="petra").count() == 5
    time_machine.move_to("2025-06-01 13:00:01 +02:00", tick=False)
    assert ask(client, text="Die sechste").status_code == 302


def test_twenty_questions_an_hour_per_address(client, programme, monkeypatch):
    monkeypatch.setattr(limits, "PER_ADDRESS", 3)  # three instead of twenty: fewer accounts
    first, second = participant("erste", "Erste"), participant("zweite", "Zweite")
    client.force_login(first)
    for n in range(3):
        assert ask(client, text=f"Frage {n}").status_code == 302
    client.force_login(second)  # another account, the same address
    assert ask(client, text="Von nebenan").status_code == 429
    other = client.post(
        list_url(),
        {"text": "Von anderswo", "about": "programme", "website": ""},
        REMOTE_ADDR="192.0.2.7",
    )
    assert other.status_code == 302


# -- withdrawing ------------------------------------------------------------------------------


def test_the_asker_withdraws_an_unanswered_question(client, programme):
    asker = participant()
    client.force_login(asker)
    ask(client)
    item = Submission.objects.get(code="F9")
    html = page(client, question_url("F9"))
    assert "Meine Frage zurückziehen" in html
    stranger = participant("fremd", "Fremd")
    client.force_login(stranger)
    assert "Meine Frage zurückziehen" not in page(client, question_url("F9"))
    refused = client.post(question_url("F9"), {"action": "withdraw", "version": item.version})
    assert refused.status_code == 403
    client.force_login(asker)
    response = client.post(question_url("F9"), {"action": "withdraw", "version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.withdrawn_on == date(2025, 6, 1)
    html = page(client, question_url("F9"))
    assert "zurückgezogen" in html and "Meine Frage zurückziehen" not in html


def test_a_withdrawal_after_a_change_meanwhile_is_refused_with_a_message(client, personas):
    from plansicht.services import Actor
    from plansicht.services import participation as service

    asker = participant()
    client.force_login(asker)
    ask(client)
    item = Submission.objects.get(code="F9")
    opened_at = item.version
    service.extend(  # the office extends it while the asker looks at the page
        item,
        actor=Actor.for_user(personas.editor, personas.programme),
        to=date(2025, 7, 1),
        reason="Abstimmung mit dem Land",
    )
    response = client.post(question_url("F9"), {"action": "withdraw", "version": opened_at})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.withdrawn_on is None
    html = page(client, question_url("F9"))
    assert "inzwischen geändert" in html and "Abstimmung mit dem Land" in html


# -- statements -------------------------------------------------------------------------------


def test_a_speaker_submits_a_statement_for_their_body(client, programme):
    speaker = participant("sprecherin", "Sprecherin JP")
    body = Body.objects.get(code="JP")
    body.speakers.add(speaker)
    client.force_login(speaker)
    html = page(client, list_url("?kind=statement"))
    assert 'name="body"' in html and "Jugendparlament" in html
    response = client.post(
        list_url("?kind=statement"),
        {"body": body.pk, "about": "measure:M2", "text": "Wir wünschen Radwege.", "website": ""},
    )
    assert response.status_code == 302
    item = Submission.objects.get(kind=Submission.STATEMENT, code="S2")
    assert (item.body, item.measure.code, item.due) == (body, "M2", date(2025, 7, 1))
    html = page(client, reverse("portal:statement", args=[SLUG, "S2"]))
    assert "Jugendparlament" in html and "01.07.2025" in html  # one month: 01.07.


def test_only_a_speaker_may_submit_a_statement(client, programme):
    client.force_login(participant())
    html = page(client, list_url("?kind=statement"))
    assert 'name="text"' not in html and "Sprecherinnen und Sprecher" in html
    body = Body.objects.get(code="JP")
    response = client.post(
        list_url("?kind=statement"),
        {"body": body.pk, "about": "programme", "text": "Unbefugt", "website": ""},
    )
    assert response.status_code == 403
    assert not Submission.objects.filter(kind=Submission.STATEMENT, code="S2").exists()


# -- hostile text -----------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))"


class Elements(HTMLParser):
    """Every element of a page with its attributes, and the text inside script elements."""

    def __init__(self, html):
        super().__init__()
        self.elements, self.scripts, self._in_script = [], [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def test_hostile_text_is_shown_as_text(client, programme):
    client.force_login(participant())
    assert ask(client, text=HOSTILE).status_code == 302
    client.logout()
    for html in (page(client, list_url()), page(client, question_url("F9"))):
        assert escape("<script>alert(1)</script>") in html  # shown as the text it is
        found = Elements(html)
        assert not any("alert" in script for script in found.scripts)
        assert not any(tag == "img" for tag, _attrs in found.elements)
        assert not any("onerror" in attrs for _tag, attrs in found.elements)
        links = [a.get("href") or "" for tag, a in found.elements if tag == "a"]
        assert not any(href.strip().lower().startswith("javascript:") for href in links)


def test_a_direction_override_is_refused(client, programme):
    client.force_login(participant())
    response = ask(client, text="Harmlos \u202eesolmraH")
    assert response.status_code == 400
    assert "Schreibrichtung" in response.content.decode()
    assert not Submission.objects.filter(code="F9").exists()


# -- other pages ------------------------------------------------------------------------------


def test_the_measure_page_lists_its_questions_and_statements(client, programme):
    html = page(client, reverse("portal:measure", args=[SLUG, "M1"]))
    assert question_url("F1") in html and reverse("portal:statement", args=[SLUG, "S1"]) in html
    assert question_url("F8") not in html
    assert "Eine Frage zu dieser Maßnahme stellen" in html
    # F2 is about milestone C of M1.1.1: shown there, with its due date in force
    html = page(client, reverse("portal:measure", args=[SLUG, "M1.1.1"]))
    assert question_url("F2") in html and "06.06.2025" in html


def test_the_overview_shows_the_share_answered_in_time(client, programme):
    html = page(client, reverse("portal:overview", args=[SLUG]))
    assert "Fragen fristgerecht beantwortet" in html
    assert f'href="{list_url()}">33,3 %</a>' in html
    assert f'href="{list_url("?kind=statement")}">100,0 %</a>' in html


def test_the_methodology_states_the_programmes_periods(client, programme):
    html = page(client, reverse("portal:methodology", args=[SLUG]))
    assert 'id="answer-periods"' in html
    assert "für Fragen 15 Arbeitstage, für Stellungnahmen eines Gremiums 1 Monat" in html
    assert "Feiertage: Rheinland-Pfalz" in html


def test_the_navigation_leads_to_the_questions(client, programme):
    html = page(client, reverse("portal:overview", args=[SLUG]))
    assert f'href="{list_url()}">Fragen</a>' in html
