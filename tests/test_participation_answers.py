"""Receiving, answering, extending, passing on and moderating questions and statements
through the service: who may, which dates they get, and the one history event each."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from plansicht.history.models import Event
from plansicht.participation.models import Body, Submission
from plansicht.plan.models import Measure
from plansicht.services import Actor, ChangedMeanwhile, ServiceError
from plansicht.services import participation as service

from .factories import participation_document


@pytest.fixture
def persona_document():
    return participation_document()


def actor(p, user):
    return Actor.for_user(user, p.programme)


def question(code):
    return Submission.objects.get(kind=Submission.QUESTION, code=code)


def test_the_office_enters_a_paper_statement_received_in_the_past(personas):
    p = personas
    body = Body.objects.get(code="PR")
    item = service.submit(
        p.programme,
        actor=actor(p, p.editor),
        kind=Submission.STATEMENT,
        text="Der Personalrat stimmt zu.",
        about=Measure.objects.get(code="M1.1"),
        author_name="Personalrat (Brief)",
        body=body,
        received=date(2025, 4, 30),
    )
    assert item.code == "S2"
    assert item.due == date(2025, 5, 30)  # 30.04. + one month: Friday 30.05.
    assert item.unit.name == "Stabsstelle Digitalisierung"  # inherited from M1
    event = Event.objects.about(item).get()
    assert event.action == "statement.received" and event.public


def test_a_received_date_in_the_future_is_refused(personas):
    p = personas
    with pytest.raises(ServiceError) as caught:
        service.submit(
            p.programme,
            actor=actor(p, p.editor),
            kind=Submission.QUESTION,
            text="Frage per Telefon",
            received=date(2025, 6, 2),
        )
    assert caught.value.field == "received"
    assert not Submission.objects.filter(code="F9").exists()


def test_an_answer_is_dated_today_and_a_correction_keeps_that_date(personas, time_machine):
    p = personas
    item = question("F4")  # about the CDO post: the programme office answers
    service.answer(item, actor=actor(p, p.editor), text="Die Stelle ist ausgeschrieben.")
    item.refresh_from_db()
    assert item.answered_on == date(2025, 6, 1)
    assert item.answer_unit.name == "Programmbüro"
    assert item.status(date(2025, 6, 1)) == "answered_in_time"
    time_machine.move_to("2025-06-05 10:00 +02:00", tick=False)
    service.answer(item, actor=actor(p, p.editor), text="Die Stelle ist seit Mai ausgeschrieben.")
    item.refresh_from_db()
    assert item.answered_on == date(2025, 6, 1)
    assert item.answer == "Die Stelle ist seit Mai ausgeschrieben."
    assert list(Event.objects.about(item).values_list("action", flat=True)) == [
        "submission.answer_corrected",
        "submission.answered",
    ]


def test_only_the_responsible_unit_or_the_programme_editors_answer(personas):
    p = personas
    f1 = question("F5")  # M2 has no lead unit
    f2 = question("F2")  # milestone C: Stabsstelle Digitalisierung
    for user in (p.unit_editor, p.other_unit_editor, p.viewer, p.finance, p.outsider):
        with pytest.raises(PermissionDenied):
            service.answer(f1, actor=actor(p, user), text="Antwort")
    with pytest.raises(PermissionDenied):
        service.answer(f2, actor=actor(p, p.other_unit_editor), text="Antwort")
    service.answer(f2, actor=actor(p, p.unit_editor), text="Antwort der Stabsstelle")
    assert question("F2").answer == "Antwort der Stabsstelle"


def test_an_extension_is_granted_today_to_a_later_date_and_never_after_the_answer(personas):
    p = personas
    item = question("F4")  # due 03.06.2025
    with pytest.raises(ServiceError) as caught:
        service.extend(item, actor=actor(p, p.editor), to=date(2025, 6, 3), reason="Rückfrage")
    assert "03.06.2025" in caught.value.message
    with pytest.raises(ServiceError):
        service.extend(item, actor=actor(p, p.editor), to=date(2025, 6, 20), reason="")
    service.extend(item, actor=actor(p, p.editor), to=date(2025, 6, 20), reason="Rückfrage")
    extension = item.extensions.get()
    assert (extension.on, extension.to) == (date(2025, 6, 1), date(2025, 6, 20))
    item.refresh_from_db()
    assert item.due == date(2025, 6, 3)  # the original is kept
    assert item.due_in_force(date(2025, 6, 4)) == date(2025, 6, 20)
    event = Event.objects.about(item).get()
    assert (event.action, event.reason) == ("submission.extended", "Rückfrage")
    service.answer(item, actor=actor(p, p.editor), text="Ja.")
    with pytest.raises(ServiceError):
        service.extend(item, actor=actor(p, p.editor), to=date(2025, 7, 1), reason="Noch mal")


def test_passing_an_item_on_is_a_history_event(personas):
    p = personas
    item = question("F5")
    service.forward(item, actor=actor(p, p.editor), unit=p.office, reason="Zuständigkeit")
    item.refresh_from_db()
    assert item.unit == p.office
    event = Event.objects.about(item).get()
    assert event.changes == {"unit": [None, "Programmbüro"]}


def test_the_moderation_hides_with_a_public_reason_and_releases(personas):
    p = personas
    item = question("F5")
    with pytest.raises(PermissionDenied):
        service.hide(item, actor=actor(p, p.editor), reason="Spam")
    service.hide(item, actor=actor(p, p.admin), reason="Werbung")
    item.refresh_from_db()
    assert (item.hidden, item.hidden_reason) == (True, "Werbung")
    pending = question("F8")
    service.release(pending, actor=actor(p, p.admin))
    pending.refresh_from_db()
    assert not pending.pending
    actions = Event.objects.filter(action__startswith="submission.").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["submission.hidden", "submission.released"]


def test_only_the_asker_withdraws_an_unanswered_question(personas):
    p = personas
    asker = get_user_model().objects.create_user("asker", password="pw-asker")
    item = service.submit(
        p.programme,
        actor=Actor.for_user(asker),
        kind=Submission.QUESTION,
        text="Eine Frage",
        author=asker,
        author_name="Asker",
    )
    assert item.received == date(2025, 6, 1)
    assert item.due == date(2025, 6, 24)  # Whit Monday and Corpus Christi skipped
    with pytest.raises(PermissionDenied):
        service.withdraw(item, actor=actor(p, p.editor))
    service.withdraw(item, actor=Actor.for_user(asker))
    item.refresh_from_db()
    assert item.withdrawn_on == date(2025, 6, 1)
    assert item.status(date(2025, 6, 2)) == "withdrawn"


def test_a_second_answer_on_a_stale_form_is_told_and_loses_nothing(personas):
    p = personas
    item = question("F5")
    version = item.version
    service.answer(item, actor=actor(p, p.editor), text="Erste Antwort")
    stale = question("F5")
    with pytest.raises(ChangedMeanwhile):
        service.answer(
            stale, actor=actor(p, p.admin), text="Zweite Antwort", expected_version=version
        )
    assert question("F5").answer == "Erste Antwort"


@pytest.mark.parametrize(
    "text, stored",
    [
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ('<img src=x onerror="alert(1)">', '<img src=x onerror="alert(1)">'),
        ("[klick](javascript:alert(1))", "[klick](javascript:alert(1))"),
        ("Zeile 1\r\nZeile 2", "Zeile 1\nZeile 2"),
    ],
)
def test_hostile_text_is_stored_as_given(personas, text, stored):
    p = personas
    item = service.submit(
        p.programme, actor=actor(p, p.editor), kind=Submission.QUESTION, text=text,
        received=date(2025, 5, 30),
    )  # fmt: skip
    assert Submission.objects.get(pk=item.pk).text == stored


@pytest.mark.parametrize(
    "text, says",
    [
        ("a" * 10_001, "ist zu lang: 10.001 zeichen"),
        ("Frage\x00", "steuerzeichen"),
        ("Frage\x1b[31m", "steuerzeichen"),
        ("abc\u202etxt.exe", "schreibrichtung"),
        ("   ", "bitte einen text eingeben"),
    ],
)
def test_bad_text_is_refused_with_a_clear_message(personas, text, says):
    p = personas
    with pytest.raises(ServiceError) as caught:
        service.submit(
            p.programme, actor=actor(p, p.editor), kind=Submission.QUESTION, text=text,
            received=date(2025, 5, 30),
        )  # fmt: skip
    assert says in caught.value.message.lower()
    assert Submission.objects.count() == 9  # the document's 8 questions and 1 statement


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_statement_may_carry_one_pdf_of_at_most_10_mb(personas, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = personas
    body = Body.objects.get(code="SB")

    def statement(upload):
        return service.submit(
            p.programme, actor=actor(p, p.editor), kind=Submission.STATEMENT, text="Anlage",
            body=body, received=date(2025, 5, 30), attachment=upload,
        )  # fmt: skip

    item = statement(SimpleUploadedFile("s.pdf", b"%PDF-1.7\n...", "application/pdf"))
    assert item.attachment.name.endswith(".pdf")
    assert (media / item.attachment.name).read_bytes().startswith(b"%PDF-")
    with pytest.raises(ServiceError) as caught:
        statement(SimpleUploadedFile("fake.pdf", b"<html>", "application/pdf"))
    assert caught.value.field == "attachment" and "PDF" in caught.value.message
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf")
    with pytest.raises(ServiceError) as caught:
        statement(big)
    assert caught.value.field == "attachment"
    assert Submission.objects.statements().count() == 2  # S1 and the first one only
