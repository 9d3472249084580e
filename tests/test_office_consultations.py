"""The office's consultation pages: the editor with one question per row, the results at any
time (interim ones marked), the moderation of free-text answers and the summary."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from plansicht.consultations.models import Answer, Consultation
from plansicht.history.models import Event
from plansicht.services import Actor
from plansicht.services import consultations as service

BERLIN = ZoneInfo("Europe/Berlin")


def rows(*questions):
    data = {
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for i, q in enumerate(questions):
        for key, value in q.items():
            data[f"questions-{i}-{key}"] = value
    return data


def form(**changes):
    data = {
        "title": "Smart-City-Leitbild",
        "description": "Der Entwurf.",
        "opens": "01.05.2025 09:00",
        "closes": "2026-12-31T18:00",
        "audience": "public",
        **rows(
            {"kind": "single", "text": "Variante?", "required": "on", "choices": "A\nB\n"},
            {"kind": "text", "text": "Was fehlt?"},
            {"kind": "", "text": ""},  # an empty row is left out
        ),
    }
    data.update(changes)
    return data


@pytest.fixture
def editor(client, personas):
    client.force_login(personas.editor)
    return client


def url(name, programme, code=None):
    return reverse(f"office:{name}", args=[programme.slug] + ([code] if code else []))


def test_an_editor_creates_a_consultation_in_local_time(editor, personas):
    response = editor.post(url("consultation_new", personas.programme), form())
    assert response.status_code == 302
    c = Consultation.objects.get()
    assert c.closes == datetime(2026, 12, 31, 18, tzinfo=BERLIN)
    assert [(q.kind, q.required, q.choices) for q in c.questions.all()] == [
        ("single", True, ["A", "B"]),
        ("text", False, []),
    ]
    page = editor.get(url("consultation_edit", personas.programme, c.code)).content.decode()
    assert "Variante?" in page and 'name="questions-3-text"' in page  # stored + empty rows


def test_the_editor_shows_the_service_s_refusals_and_stores_nothing(editor, personas):
    for data in (
        form(closes="01.04.2025 09:00"),  # before the open
        form(**rows({"kind": "single", "text": "Nur eine?", "choices": "A"})),
        form(**rows({"kind": "", "text": ""})),  # no question
        form(title=""),
        form(title="x" * 201),
        form(opens="morgen"),
        form(audience="everyone"),
        form(title="a\x00b"),
        form(**rows({"kind": "rating", "text": "Note", "choices": "1\n2"})),
    ):
        response = editor.post(url("consultation_new", personas.programme), data)
        assert response.status_code == 400, data
        assert "kern-error" in response.content.decode() or "kern-alert" in (
            response.content.decode()
        )
    assert not Consultation.objects.exists()


def test_questions_are_locked_once_answered_with_a_clear_message(editor, personas):
    editor.post(url("consultation_new", personas.programme), form())
    c = Consultation.objects.get()
    service.answer(
        c, actor=Actor(user=personas.participant), user=personas.participant, answers={1: 0}
    )
    page = editor.get(url("consultation_edit", personas.programme, c.code)).content.decode()
    assert "Die Fragen können nicht mehr geändert werden" in page
    changed = form(version=str(c.version), **rows({"kind": "text", "text": "Neu?"}))
    response = editor.post(url("consultation_edit", personas.programme, c.code), changed)
    assert response.status_code == 400
    assert "bereits geantwortet" in response.content.decode()
    assert c.questions.count() == 2


def test_the_office_sees_interim_results_marked_as_such(client, personas):
    c = service.save_consultation(
        personas.programme,
        actor=Actor.system("tests"),
        title="Leitbild",
        opens=datetime(2025, 5, 1, 9),
        closes=datetime(2025, 6, 30, 18),
        questions=[{"kind": "single", "text": "Variante?", "choices": ["A", "B", "C"]}],
    )
    service.answer(
        c, actor=Actor(user=personas.participant), user=personas.participant, answers={1: 2}
    )
    client.force_login(personas.viewer)
    html = client.get(url("consultation", personas.programme, c.code)).content.decode()
    assert "Zwischenergebnisse" in html and "100,0\u00a0%" in html
    assert "Tina" not in html  # who answered is never shown
    # the summary waits for the close
    client.force_login(personas.editor)
    response = client.post(
        url("consultation_summary", personas.programme, c.code), {"summary": "Wir machen C."}
    )
    assert response.status_code == 400
    assert "nach dem Ende" in response.content.decode()


def test_moderators_release_free_text_without_seeing_who_wrote_it(client, personas):
    c = service.save_consultation(
        personas.programme,
        actor=Actor.system("tests"),
        title="Leitbild",
        opens=datetime(2025, 5, 1, 9),
        closes=datetime(2025, 6, 30, 18),
        questions=[{"kind": "text", "text": "Was fehlt?"}],
    )
    service.answer(
        c,
        actor=Actor(user=personas.participant),
        user=personas.participant,
        answers={1: "Mehr <script>Bäume</script>"},
    )
    client.force_login(personas.moderator)
    page = url("consultation_moderation", personas.programme, c.code)
    html = client.get(page).content.decode()
    assert "&lt;script&gt;" in html and "<script>Bäume" not in html and "Tina" not in html
    answer = Answer.objects.get()
    before = Event.objects.count()
    assert client.post(page, {"answer": answer.pk, "op": "release"}).status_code == 302
    answer.refresh_from_db()
    assert answer.released and Event.objects.count() == before + 1
    # hostile: an answer of another consultation, an unknown operation
    assert client.post(page, {"answer": "999999", "op": "hide"}).status_code == 403
    client.post(page, {"answer": answer.pk, "op": "delete"})
    assert Answer.objects.filter(pk=answer.pk, released=True, hidden=False).exists()
