"""The office's pages for questions and statements: the inbox by due date, answering,
extending and passing an item on through its page (with the service's refusals on the field
and a stale form told, not saved), entering one received on paper, the moderation queue, the
participation settings and the dashboard's overdue list. (Who may open and post each page:
test_office_permissions.py.)"""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from plansicht.history.models import Event
from plansicht.participation.models import Submission
from plansicht.plan.models import Programme
from plansicht.services import Actor
from plansicht.services import participation as service

from .factories import participation_document

SLUG = "testprogramm"


@pytest.fixture
def persona_document():
    return participation_document()


def de(message, **values) -> str:
    """A message as the German pages show it, filled in and escaped."""
    with translation.override("de"):
        text = translation.gettext(message)
    return escape(text % values if values else text)


def status_de(words) -> str:
    """An item's status as the German pages show it (``participation.figures.STATUS_LABELS``)."""
    with translation.override("de"):
        return escape(translation.pgettext("answer status", words))


def url(name, *args):
    return reverse(f"office:{name}", args=[SLUG, *args])


def item(code) -> Submission:
    kind = Submission.QUESTION if code.startswith("F") else Submission.STATEMENT
    return Submission.objects.get(kind=kind, code=code)


def item_url(code):
    i = item(code)
    return url("participation_item", i.kind, i.code)


def h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert match, "no h1 on the page"
    return re.sub(r"\s+", " ", match.group(1)).strip()


def codes_in_table(response) -> list[str]:
    """The item codes of the table rows, in order (the row headers link to the items)."""
    return re.findall(
        r'<th class="kern-table__cell" scope="row"><a class="kern-link" '
        r'href="/office/testprogramm/participation/\w+/([^/]+)/"',
        response.content.decode(),
    )


# -- the inbox --------------------------------------------------------------------------------


def test_the_inbox_lists_the_unanswered_overdue_first_then_by_due_date(client, personas):
    client.force_login(personas.editor)
    response = client.get(url("participation"))
    assert response.status_code == 200
    assert h1(response) == de("Questions and statements")
    # F5 overdue since 27.05.; F4 due 03.06.; F2 due 22.05., extended to 06.06. (its answer
    # is dated 04.06., after today); F8 (awaiting release) due 24.06. (15 working days after
    # Friday 30.05., skipping Whit Monday 09.06. and Corpus Christi 19.06.).
    # F6 is withdrawn, F7 hidden, F1, F3 and S1 answered.
    assert codes_in_table(response) == ["F5", "F4", "F2", "F8"]
    body = response.content.decode()
    for due in ("27.05.2025", "03.06.2025", "06.06.2025", "24.06.2025"):
        assert due in body
    assert de("extended (originally %(date)s)", date="22.05.2025") in body
    assert status_de("overdue") in body


def test_the_inbox_filters_by_status_kind_and_unit(client, personas):
    client.force_login(personas.editor)
    answered = client.get(url("participation"), {"filtered": "1", "status": "answered"})
    # S1 due 14.05.; F1 due 23.05.; F3 due 26.05. (F2's answer is dated after today)
    assert codes_in_table(answered) == ["S1", "F1", "F3"]
    statements = client.get(
        url("participation"), {"filtered": "1", "status": "all", "kind": "statement"}
    )
    assert codes_in_table(statements) == ["S1"]
    office = client.get(
        url("participation"), {"filtered": "1", "status": "all", "unit": personas.office.pk}
    )
    # The post and the programme: F4 open; F3 answered, F7 hidden (no answer expected)
    assert codes_in_table(office) == ["F4", "F3", "F7"]


def test_a_unit_editor_sees_the_items_of_their_unit_first(client, personas):
    client.force_login(personas.unit_editor)
    response = client.get(url("participation"))
    assert response.status_code == 200
    # Milestone C and M1: Stabsstelle Digitalisierung
    assert codes_in_table(response) == ["F2", "F8"]


def test_the_inbox_shows_the_name_a_participant_gave_and_nothing_else(client, personas):
    p = personas
    anna = get_user_model().objects.create_user(
        "anna.online", email="anna@example.org", password="pw-anna"
    )
    service.submit(
        p.programme,
        actor=Actor.for_user(anna, p.programme),
        kind=Submission.QUESTION,
        text="Online gestellt",
        author=anna,
        author_name="Anna O.",
    )
    client.force_login(p.viewer)
    response = client.get(url("participation"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "F9" in codes_in_table(response) and "Anna O." in body
    assert "anna@example.org" not in body and "anna.online" not in body
    page = client.get(item_url("F9")).content.decode()
    assert "Anna O." in page and "anna@example.org" not in page and "anna.online" not in page


# -- answering, extending, passing on ---------------------------------------------------------


def test_an_editor_answers_an_overdue_question_dated_today(client, personas):
    client.force_login(personas.editor)
    page = client.get(item_url("F5"))
    assert page.status_code == 200
    assert h1(page) == de("Question %(code)s", code="F5")
    assert status_de("overdue") in page.content.decode()
    response = client.post(
        item_url("F5"),
        {"op": "answer", "answer-answer": "Die Radwege kommen **2026**.", "answer-version": "1"},
        follow=True,
    )
    assert response.redirect_chain == [(item_url("F5"), 302)]
    body = response.content.decode()
    assert de("The answer was saved, dated %(date)s.", date="01.06.2025") in body
    # Due 27.05., answered 01.06.: late.
    assert status_de("answered late") in body
    assert "Die Radwege kommen <strong>2026</strong>." in body
    f5 = item("F5")
    assert (f5.answered_on, f5.answer_unit.name) == (date(2025, 6, 1), "Programmbüro")
    assert Event.objects.about(f5).get().action == "submission.answered"


def test_correcting_an_answer_says_that_the_first_date_stays(client, personas):
    client.force_login(personas.unit_editor)
    f1 = item("F1")  # answered 20.05.2025 by the Stabsstelle
    page = client.get(item_url("F1")).content.decode()
    assert de("Correct the answer") in page
    response = client.post(
        item_url("F1"),
        {"op": "answer", "answer-answer": "Im Oktober.", "answer-version": str(f1.version)},
        follow=True,
    )
    assert (
        de(
            "The answer was corrected. It stays dated %(date)s, the day of the first answer.",
            date="20.05.2025",
        )
        in response.content.decode()
    )
    f1.refresh_from_db()
    assert (f1.answer, f1.answered_on) == ("Im Oktober.", date(2025, 5, 20))


def test_a_unit_editor_of_another_unit_reads_the_item_but_may_not_post(client, personas):
    client.force_login(personas.other_unit_editor)
    page = client.get(item_url("F8"))  # M1: the Stabsstelle answers, not the Tiefbauamt
    assert page.status_code == 200
    assert 'name="op"' not in page.content.decode()
    assert de("You may read this item; your role does not allow answering it.") in (
        page.content.decode()
    )
    for data in (
        {"op": "answer", "answer-answer": "Nicht zuständig"},
        {"op": "extend", "extend-to": "2025-07-01", "extend-reason": "x"},
        {"op": "forward", "forward-unit": str(personas.office.pk)},
    ):
        assert client.post(item_url("F8"), data).status_code == 403
    f8 = item("F8")
    assert (f8.answer, f8.unit.name, f8.extensions.count()) == (
        "",
        "Stabsstelle Digitalisierung",
        0,
    )
    assert not Event.objects.about(f8).exists()


def test_an_extension_must_be_later_than_the_due_date_in_force(client, personas):
    client.force_login(personas.editor)
    response = client.post(
        item_url("F4"),  # due 03.06.2025
        {
            "op": "extend",
            "extend-to": "03.06.2025",
            "extend-reason": "Rückfrage",
            "extend-version": "1",
        },
    )
    assert response.status_code == 400
    errors = response.context["forms"]["extend"].errors
    assert list(errors) == ["to"]
    assert "03.06.2025" in errors["to"][0]
    body = response.content.decode()
    assert 'id="id_extend-to-error"' in body and 'href="#id_extend-to"' in body
    assert "Rückfrage</textarea>" in body  # what was typed stays
    assert not item("F4").extensions.exists()


def test_an_extension_without_a_reason_is_refused_at_the_reason(client, personas):
    client.force_login(personas.editor)
    response = client.post(
        item_url("F4"),
        {"op": "extend", "extend-to": "2025-06-20", "extend-reason": "", "extend-version": "1"},
    )
    assert response.status_code == 400
    assert list(response.context["forms"]["extend"].errors) == ["reason"]
    assert not item("F4").extensions.exists()


def test_an_extension_is_granted_with_its_public_reason(client, personas):
    client.force_login(personas.editor)
    response = client.post(
        item_url("F4"),
        {
            "op": "extend",
            "extend-to": "20.06.2025",
            "extend-reason": "Rückfrage beim Personalamt",
            "extend-version": "1",
        },
        follow=True,
    )
    body = response.content.decode()
    assert de("The due date was extended to %(date)s.", date="20.06.2025") in body
    assert "Rückfrage beim Personalamt" in body
    f4 = item("F4")
    assert f4.due == date(2025, 6, 3)
    assert [(e.on, e.to) for e in f4.extensions.all()] == [(date(2025, 6, 1), date(2025, 6, 20))]


def test_an_item_is_passed_on_to_another_unit(client, personas):
    client.force_login(personas.editor)
    tiefbau = personas.other_unit_editor.staff_roles.get().unit
    response = client.post(
        item_url("F5"),
        {
            "op": "forward",
            "forward-unit": str(tiefbau.pk),
            "forward-reason": "Radwege",
            "forward-version": "1",
        },
        follow=True,
    )
    assert de("%(code)s was passed on to %(unit)s.", code="F5", unit="Tiefbauamt") in (
        response.content.decode()
    )
    assert item("F5").unit == tiefbau
    # Now the Tiefbauamt's unit editor may answer it.
    client.force_login(personas.other_unit_editor)
    assert 'value="answer"' in client.get(item_url("F5")).content.decode()


def test_a_stale_answer_form_is_told_and_the_typed_answer_is_kept(client, personas):
    p = personas
    client.force_login(p.editor)
    opened = client.get(item_url("F4"))
    assert 'name="answer-version" value="1"' in opened.content.decode()
    # Meanwhile the administrator answers.
    service.answer(item("F4"), actor=Actor.for_user(p.admin, p.programme), text="Ja, seit Mai.")
    response = client.post(
        item_url("F4"),
        {"op": "answer", "answer-answer": "Die Stelle ist ausgeschrieben.", "answer-version": "1"},
    )
    assert response.status_code == 400
    form = response.context["forms"]["answer"]
    assert "admin (Programmbüro)" in form.non_field_errors()[0]
    body = response.content.decode()
    assert "Die Stelle ist ausgeschrieben.</textarea>" in body
    assert 'name="answer-version" value="2"' in body
    assert item("F4").answer == "Ja, seit Mai."
    # Saving again, on purpose, replaces the other answer; the first answer's date stays.
    client.post(
        item_url("F4"),
        {"op": "answer", "answer-answer": "Die Stelle ist ausgeschrieben.", "answer-version": "2"},
    )
    f4 = item("F4")
    assert (f4.answer, f4.answered_on) == ("Die Stelle ist ausgeschrieben.", date(2025, 6, 1))


# -- entering an item received on paper -------------------------------------------------------


def paper(**changes):
    data = {
        "kind": "statement",
        "about": "measure:M1.1",
        "body": "",
        "author_name": "Personalrat (Brief)",
        "received": "30.04.2025",
        "text": "Der Personalrat stimmt der Sensorik zu.",
    }
    data.update(changes)
    return data


def test_a_statement_received_by_letter_gets_the_due_date_from_its_received_date(client, personas):
    from plansicht.participation.models import Body

    client.force_login(personas.editor)
    assert client.get(url("participation_new")).status_code == 200
    response = client.post(
        url("participation_new"), paper(body=str(Body.objects.get(code="PR").pk)), follow=True
    )
    assert response.redirect_chain == [(url("participation_item", "statement", "S2"), 302)]
    # Received Wednesday 30.04.2025, one month: Friday 30.05.2025 (no holiday in RP).
    s2 = item("S2")
    assert (s2.received, s2.due) == (date(2025, 4, 30), date(2025, 5, 30))
    assert s2.unit.name == "Stabsstelle Digitalisierung"  # M1.1 inherits M1's lead unit
    body = response.content.decode()
    assert (
        de(
            "Statement %(code)s was entered. It is due on %(due)s; %(unit)s answers.",
            code="S2",
            due="30.05.2025",
            unit="Stabsstelle Digitalisierung",
        )
        in body
    )
    # By 01.06. the due date has passed: overdue.
    assert status_de("overdue") in body


def test_a_paper_entry_with_problems_is_refused_at_the_fields(client, personas):
    client.force_login(personas.unit_editor)
    response = client.post(url("participation_new"), paper())  # no body chosen
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["body"]
    response = client.post(url("participation_new"), paper(kind="question", received="02.06.2025"))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["received"]
    assert 'value="Personalrat (Brief)"' in response.content.decode()
    assert not Submission.objects.filter(code="S2").exists()
    assert not Submission.objects.filter(code="F9").exists()


# -- the moderation ---------------------------------------------------------------------------


def test_a_moderator_releases_what_waits_and_hides_with_a_reason(client, personas):
    client.force_login(personas.admin)
    page = client.get(url("moderation"))
    assert page.status_code == 200
    assert h1(page) == de("Moderation")
    body = page.content.decode()
    assert "Noch nicht freigegeben." in body  # F8 waits
    assert de("Hidden by the moderation: %(reason)s", reason="Beleidigend") in body  # F7
    f8 = item("F8")
    response = client.post(
        url("moderation"),
        {"item": f8.pk, "op": "release", f"item{f8.pk}-version": f8.version},
        follow=True,
    )
    assert de("%(code)s is released and shown publicly.", code="F8") in response.content.decode()
    assert not item("F8").pending
    assert de("Nothing waits for release.") in response.content.decode()


def test_hiding_needs_a_reason_and_then_stores_it(client, personas):
    client.force_login(personas.admin)
    f8 = item("F8")
    refused = client.post(
        url("moderation"), {"item": f8.pk, "op": "hide", f"item{f8.pk}-reason": ""}
    )
    assert refused.status_code == 400
    assert f'id="id_item{f8.pk}-reason-error"' in refused.content.decode()
    assert not item("F8").hidden
    client.post(url("moderation"), {"item": f8.pk, "op": "hide", f"item{f8.pk}-reason": "Werbung"})
    f8 = item("F8")
    assert (f8.hidden, f8.hidden_reason) == (True, "Werbung")
    assert Event.objects.about(f8).get().action == "submission.hidden"


def test_a_hidden_item_is_shown_again(client, personas):
    client.force_login(personas.admin)
    f7 = item("F7")
    response = client.post(url("moderation"), {"item": f7.pk, "op": "release"}, follow=True)
    assert de("%(code)s is shown again.", code="F7") in response.content.decode()
    assert not item("F7").hidden


# -- the settings -----------------------------------------------------------------------------


def settings_form(p, **changes):
    data = {
        "answer_period_kind": "working_days",
        "answer_period_count": "15",
        "statement_period_kind": "months",
        "statement_period_count": "1",
        "holiday_region": "DE-RP",
        "holiday_categories": "",
        "office_unit": str(p.office.pk),
        "reason": "",
        "version": str(Programme.objects.get(pk=p.programme.pk).version),
    }
    data.update(changes)
    return data


def test_a_region_the_calendar_does_not_know_is_shown_at_its_field_and_nothing_is_stored(
    client, personas
):
    client.force_login(personas.editor)
    before = Programme.objects.get(pk=personas.programme.pk)
    response = client.post(
        url("participation_settings"),
        settings_form(personas, holiday_region="DE-XX", answer_period_count="10"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["holiday_region"]
    assert "DE-XX" in errors["holiday_region"][0]
    assert 'id="id_holiday_region-error"' in response.content.decode()
    after = Programme.objects.get(pk=personas.programme.pk)
    assert (after.holiday_region, after.answer_period, after.version) == (
        "DE-RP",
        {"kind": "working_days", "count": 15},
        before.version,
    )
    assert not Event.objects.filter(action="programme.participation_settings").exists()


def test_an_editor_changes_the_settings_and_the_page_says_they_count_from_now_on(client, personas):
    client.force_login(personas.editor)
    page = client.get(url("participation_settings")).content.decode()
    assert (
        de(
            "Changed periods, holidays or programme office count for items received from now on. "
            "The due dates and units of items already received stay as stored; an extension is "
            "the way to give one of them more time."
        )
        in page
    )
    response = client.post(
        url("participation_settings"),
        settings_form(
            personas,
            statement_period_kind="calendar_days",
            statement_period_count="30",
            holiday_region="DE-BY",
            holiday_categories="catholic",
            premoderation="on",
        ),
    )
    assert response.status_code == 302
    programme = Programme.objects.get(pk=personas.programme.pk)
    assert programme.statement_period == {"kind": "calendar_days", "count": 30}
    assert (programme.holiday_region, programme.holiday_categories) == ("DE-BY", ["catholic"])
    assert programme.premoderation
    assert item("S1").due == date(2025, 5, 14)  # stays


def test_a_viewer_reads_the_settings_in_words(client, personas):
    client.force_login(personas.viewer)
    response = client.get(url("participation_settings"))
    assert response.status_code == 200
    body = response.content.decode()
    with translation.override("de"):
        assert (
            escape(
                translation.ngettext("%(count)d working day", "%(count)d working days", 15)
                % {"count": 15}
            )
            in body
        )
    assert "holiday_region" not in body  # no form


# -- the dashboard ----------------------------------------------------------------------------


def test_the_dashboard_lists_what_is_overdue_and_due_this_week(client, personas):
    client.force_login(personas.editor)
    response = client.get(reverse("office:dashboard", args=[SLUG]))
    assert response.status_code == 200
    body = response.content.decode()
    section = body[body.index('id="participation-heading"') :]
    section = section[: section.index("</section>")]
    assert f'href="{item_url("F5")}"' in section  # overdue since 27.05.
    assert f'href="{item_url("F4")}"' in section  # due 03.06., within 01.06.–08.06.
    assert f'href="{item_url("F8")}"' not in section  # due 24.06.
    overdue, due_soon = section.split('class="kern-heading-small"')[1:3]
    assert "F5" in overdue and "F4" not in overdue
    assert "F4" in due_soon


def test_a_unit_editors_dashboard_lists_only_their_units_items(client, personas):
    client.force_login(personas.unit_editor)
    body = client.get(reverse("office:dashboard", args=[SLUG])).content.decode()
    section = body[body.index('id="participation-heading"') :]
    section = section[: section.index("</section>")]
    assert "F5" not in section and "F4" not in section
    assert de("Nothing is overdue.") in section
    assert f'href="{item_url("F2")}"' in section  # milestone C, due 06.06.


def test_roles_that_do_not_answer_see_no_participation_lists(client, personas):
    client.force_login(personas.finance)
    body = client.get(reverse("office:dashboard", args=[SLUG])).content.decode()
    assert 'id="participation-heading"' not in body
