"""Consultations: saving one, answering between the open and the close (once, changed the
second time), who sees a staff-only one, the results with shares half up, the moderation of
free text and the summary; hostile input in every field."""

import threading
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from plansicht.consultations import reads
from plansicht.consultations.models import Answer, Consultation, Response
from plansicht.history.models import Event
from plansicht.participation.models import Participant
from plansicht.services import Actor, ServiceError
from plansicht.services import consultations as service

BERLIN = ZoneInfo("Europe/Berlin")
QUESTIONS = [
    {"kind": "single", "text": "Welche Variante?", "required": True, "choices": ["A", "B", "C"]},
    {"kind": "multiple", "text": "Was ist wichtig?", "choices": ["Licht", "Bänke", "Bäume"]},
    {"kind": "rating", "text": "Wie gut ist der Entwurf?", "required": False},
    {"kind": "text", "text": "Was fehlt?"},
]


def make(personas, *, opens=datetime(2025, 5, 1, 9), closes=datetime(2025, 6, 30, 18), **kw):
    values = {
        "title": "Smart-City-Leitbild",
        "description": "Der Entwurf des Leitbilds.",
        "opens": opens,
        "closes": closes,
        "questions": QUESTIONS,
    }
    values.update(kw)
    return service.save_consultation(
        personas.programme, actor=Actor.for_user(personas.editor), **values
    )


def participant(name, email):
    user = get_user_model().objects.create_user(name)
    Participant.objects.create(user=user, display_name=name.title())
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def answer(consultation, user, answers):
    return service.answer(consultation, actor=Actor(user=user), user=user, answers=answers)


def test_saving_a_consultation_stores_local_times_its_questions_and_one_event(personas):
    before = Event.objects.count()
    c = make(personas)
    assert c.code == "U1"
    assert c.opens == datetime(2025, 5, 1, 9, tzinfo=BERLIN)
    assert c.closes == datetime(2025, 6, 30, 18, tzinfo=BERLIN)
    assert [q.kind for q in c.questions.all()] == ["single", "multiple", "rating", "text"]
    assert c.questions.get(number=1).required and not c.questions.get(number=2).required
    assert Event.objects.count() == before + 1
    event = Event.objects.latest("pk")
    assert event.action == "consultation.saved" and event.public
    assert service.moment_words(c.closes) == "30.06.2025, 18:00 Uhr"


def test_opens_before_closes_and_only_editors(personas):
    with pytest.raises(ServiceError) as error:
        make(personas, opens=datetime(2025, 7, 1), closes=datetime(2025, 6, 1))
    assert error.value.field == "closes"
    with pytest.raises(PermissionDenied):
        service.save_consultation(
            personas.programme,
            actor=Actor.for_user(personas.viewer),
            title="x",
            opens=datetime(2025, 5, 1),
            closes=datetime(2025, 6, 1),
            questions=QUESTIONS,
        )
    assert not Consultation.objects.exists()


def test_the_questions_cannot_change_once_someone_answered(personas):
    c = make(personas)
    answer(c, personas.participant, {1: 0})
    changed = [dict(QUESTIONS[0], text="Andere Frage?"), *QUESTIONS[1:]]
    with pytest.raises(ServiceError) as error:
        make(personas, consultation=c, questions=changed)
    assert error.value.field == "questions"
    assert "bereits geantwortet" in error.value.message
    # the title may change still
    make(personas, consultation=c, title="Leitbild 2030", expected_version=c.version)
    c.refresh_from_db()
    assert c.title == "Leitbild 2030" and c.questions.get(number=1).text == "Welche Variante?"


def test_a_stale_form_is_refused(personas):
    from plansicht.services import ChangedMeanwhile

    c = make(personas)
    old = c.version
    make(personas, consultation=c, title="Neu", expected_version=old)
    with pytest.raises(ChangedMeanwhile):
        make(
            personas, consultation=Consultation.objects.get(), title="Anders", expected_version=old
        )


def test_answered_before_the_open_is_refused(personas, time_machine):
    c = make(personas, opens=datetime(2025, 6, 2, 9))
    with pytest.raises(ServiceError) as error:
        answer(c, personas.participant, {1: 0})
    assert "02.06.2025, 09:00" in error.value.message
    assert not Response.objects.exists()


def test_answered_after_the_close_is_refused(personas, time_machine):
    c = make(personas, closes=datetime(2025, 6, 1, 12))  # the frozen clock's moment
    with pytest.raises(ServiceError) as error:
        answer(c, personas.participant, {1: 0})
    assert "endete am 01.06.2025, 12:00 Uhr" in error.value.message
    assert not Response.objects.exists()


def test_answering_twice_changes_the_one_response(personas):
    c = make(personas)
    answer(c, personas.participant, {1: 0, 2: [0, 2], 3: 4, 4: "Mehr Bäume"})
    Answer.objects.filter(question__number=4).update(released=True)
    events = Event.objects.count()
    answer(c, personas.participant, {1: 1, 3: 2, 4: "Mehr Bäume"})
    assert Response.objects.count() == 1
    response = Response.objects.get()
    got = {a.question.number: (a.text, a.choices, a.rating) for a in response.answers.all()}
    assert got == {1: ("", [1], None), 3: ("", [], 2), 4: ("Mehr Bäume", [], None)}
    assert Answer.objects.get(question__number=4).released  # unchanged text keeps its release
    answer(c, personas.participant, {1: 1, 4: "Mehr Licht"})
    assert not Answer.objects.get(question__number=4).released  # changed: moderated anew
    assert Event.objects.count() == events + 2
    event = Event.objects.latest("pk")
    assert event.action == "consultation.answered" and not event.public
    assert event.user is None and event.actor != "Tina T."
    assert "Mehr Licht" not in str(event.changes)


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one_response(personas):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the constraint is tested below")
    c = make(personas)
    errors = []

    def send(choice):
        try:
            answer(c, personas.participant, {1: choice})
        except Exception as e:  # pragma: no cover
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i % 3,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Response.objects.filter(consultation=c).count() == 1


def test_a_response_created_meanwhile_is_changed_not_doubled(personas, monkeypatch):
    """The second request's insert fails on the unique constraint: its answers change the
    response the first request created."""
    c = make(personas)
    answer(c, personas.participant, {1: 0})
    # as if this request had not seen the first one's response: it tries to create it
    answer(c, personas.participant, {1: 2})
    assert Response.objects.count() == 1
    assert Answer.objects.get(question__number=1).choices == [2]


def test_required_questions_and_valid_choices(personas):
    c = make(personas)
    p = personas.participant
    for answers, field in (
        ({2: [0]}, "q1"),  # the required one missing
        ({1: 3}, "q1"),  # no such choice
        ({1: -1}, "q1"),
        ({1: [0, 1]}, "q1"),  # single: exactly one
        ({1: "0; DROP TABLE"}, "q1"),
        ({1: 0, 2: [0, 7]}, "q2"),
        ({1: 0, 3: 6}, "q3"),
        ({1: 0, 3: 0}, "q3"),
        ({1: 0, 3: "3.5"}, "q3"),
        ({1: 0, 3: True}, "q3"),
        ({1: 0, 4: "x" * 5001}, "q4"),
        ({1: 0, 4: "bad\x00byte"}, "q4"),
        ({1: 0, 4: "rtl \u202e override"}, "q4"),
    ):
        with pytest.raises(ServiceError) as error:
            answer(c, p, answers)
        assert error.value.field == field, answers
    with pytest.raises(ServiceError):
        answer(c, p, {1: 0, 99: "x"})
    assert not Response.objects.exists()


def test_only_participants_answer_and_not_for_someone_else(personas):
    c = make(personas)
    with pytest.raises(ServiceError):
        answer(c, personas.outsider, {1: 0})
    with pytest.raises(PermissionDenied):
        service.answer(
            c, actor=Actor(user=personas.outsider), user=personas.participant, answers={1: 0}
        )
    assert not Response.objects.exists()


def test_staff_only_visibility(personas):
    from plansicht.accounts.models import Organisation

    organisation = personas.programme.organisation
    Organisation.objects.filter(pk=organisation.pk).update(staff_email_domains=["stadt.de"])
    organisation.refresh_from_db()
    c = make(personas, audience="staff")
    staff = participant("beamtin", "b@Stadt.de")
    outside = participant("buerger", "b@example.org")
    unverified = participant("halb", "h@example.org")
    EmailAddress.objects.create(user=unverified, email="h@stadt.de", verified=False)
    from django.contrib.auth.models import AnonymousUser

    c = Consultation.objects.select_related("programme__organisation").get(pk=c.pk)
    assert reads.may_see(c, personas.viewer)  # an office user
    assert reads.may_see(c, staff)
    assert not reads.may_see(c, outside)
    assert not reads.may_see(c, unverified)
    assert not reads.may_see(c, AnonymousUser())
    all_ = Consultation.objects.filter(programme=personas.programme)
    assert list(reads.visible(all_, outside, organisation)) == []
    assert list(reads.visible(all_, staff, organisation)) == [c]
    with pytest.raises(ServiceError):
        answer(c, outside, {1: 0})
    answer(c, staff, {1: 0})
    assert not Event.objects.filter(action="consultation.saved", public=True).exists()


def test_members_of_the_staff_group_at_sign_on_see_a_staff_only_consultation(personas):
    from allauth.socialaccount.models import SocialAccount

    c = make(personas, audience="staff")
    member = participant("mitglied", "m@example.org")
    other = participant("anderer", "a@example.org")
    SocialAccount.objects.create(
        user=member, provider="openid_connect", uid="1", extra_data={"id_token": {"groups": ["x"]}}
    )
    SocialAccount.objects.create(
        user=other, provider="openid_connect", uid="2", extra_data={"userinfo": {"groups": "y"}}
    )
    c = Consultation.objects.select_related("programme__organisation").get(pk=c.pk)
    assert not reads.may_see(c, member)  # no group is configured yet
    service.save_staff_audience(
        personas.programme, actor=Actor.for_user(personas.admin), domains=[], group="x"
    )
    c.programme.organisation.refresh_from_db()
    assert reads.may_see(c, member)
    assert not reads.may_see(c, other)


def test_only_an_administrator_says_who_counts_as_staff(personas):
    programme = personas.programme
    with pytest.raises(PermissionDenied):
        service.save_staff_audience(
            programme, actor=Actor.for_user(personas.editor), domains=["stadt.de"], group=""
        )
    with pytest.raises(ServiceError) as refused:
        service.save_staff_audience(
            programme,
            actor=Actor.for_user(personas.admin),
            domains=["stadt.de", "nicht eine domain"],
            group="",
        )
    assert refused.value.field == "domains"
    programme.organisation.refresh_from_db()
    assert programme.organisation.staff_email_domains == []  # nothing stored
    service.save_staff_audience(
        programme,
        actor=Actor.for_user(personas.admin),
        domains=["@Stadt.DE", "stadt.de", "kita.musterstadt.de"],
        group=" Beschäftigte ",
    )
    programme.organisation.refresh_from_db()
    assert programme.organisation.staff_email_domains == ["stadt.de", "kita.musterstadt.de"]
    assert programme.organisation.staff_group == "Beschäftigte"
    event = Event.objects.get(action="consultation.staff_audience")
    assert not event.public
    assert event.changes["staff_email_domains"] == [[], ["stadt.de", "kita.musterstadt.de"]]


def test_the_office_page_saves_who_counts_as_staff(client, personas):
    from django.urls import reverse

    client.force_login(personas.admin)
    url = reverse("office:consultation_staff", args=[personas.programme.slug])
    page = client.get(url)
    assert page.status_code == 200
    version = page.context["form"].initial["version"]
    response = client.post(
        url, {"domains": "stadt.de\nkita.stadt.de", "group": "", "version": version}
    )
    assert response.status_code == 302
    personas.programme.organisation.refresh_from_db()
    assert personas.programme.organisation.staff_email_domains == ["stadt.de", "kita.stadt.de"]
    refused = client.post(url, {"domains": "stadt de", "group": "", "version": version + 1})
    assert refused.status_code == 400
    assert "ist keine Domain" in refused.content.decode()


def shares(consultation):
    return {r.question.number: r for r in reads.results(consultation)}


def test_shares_half_up_and_the_rating_mean(personas):
    c = make(
        personas,
        questions=[
            {"kind": "single", "text": "Eins von acht", "choices": ["ja", "nein"]},
            {"kind": "single", "text": "Zwei von drei", "choices": ["ja", "nein"]},
            {"kind": "multiple", "text": "Eins von sechs", "choices": ["a", "b"]},
            {"kind": "rating", "text": "Note"},
        ],
    )
    people = [participant(f"p{i}", f"p{i}@example.org") for i in range(8)]
    for i, p in enumerate(people):
        answers = {1: 0 if i == 0 else 1}
        if i < 3:
            answers[2] = 0 if i < 2 else 1
        if i < 6:
            answers[3] = [0] if i == 0 else [1]
        answers[4] = [4, 4, 3, 5, 2, 4, 4, 4][i]  # 30 / 8 = 3.75 -> 3.8
        answer(c, p, answers)
    r = shares(c)
    assert [(x.count, x.share) for x in r[1].choices] == [
        (1, Decimal("12.5")),
        (7, Decimal("87.5")),
    ]
    assert [(x.count, x.share) for x in r[2].choices] == [
        (2, Decimal("66.7")),
        (1, Decimal("33.3")),
    ]
    assert r[3].respondents == 6
    assert [x.share for x in r[3].choices] == [Decimal("16.7"), Decimal("83.3")]
    assert r[4].mean == Decimal("3.8")
    assert [x.count for x in r[4].choices] == [0, 1, 1, 5, 1]


def test_free_text_is_published_only_once_released_and_not_hidden(personas):
    c = make(personas)
    answer(c, personas.participant, {1: 0, 4: "Mehr Bäume"})
    assert shares(c)[4].texts == [] and shares(c)[4].awaiting_moderation == 1
    a = Answer.objects.get(question__number=4)
    with pytest.raises(PermissionDenied):
        service.moderate_answer(a, actor=Actor.for_user(personas.editor), op="release")
    service.moderate_answer(a, actor=Actor.for_user(personas.moderator), op="release")
    assert shares(c)[4].texts == ["Mehr Bäume"]
    service.moderate_answer(a, actor=Actor.for_user(personas.moderator), op="hide")
    assert shares(c)[4].texts == []
    with pytest.raises(ServiceError):
        service.moderate_answer(a, actor=Actor.for_user(personas.moderator), op="delete")
    choice = Answer.objects.get(question__number=1)
    with pytest.raises(ServiceError):
        service.moderate_answer(choice, actor=Actor.for_user(personas.moderator), op="release")


def test_the_summary_after_the_close_is_a_public_event(personas, time_machine):
    c = make(personas)
    editor = Actor.for_user(personas.editor)
    with pytest.raises(ServiceError):
        service.publish_summary(c, actor=editor, summary="Wir bauen Variante A.")
    time_machine.move_to(datetime(2025, 7, 1, 9, tzinfo=BERLIN), tick=False)
    with pytest.raises(PermissionDenied):
        service.publish_summary(c, actor=Actor.for_user(personas.viewer), summary="x")
    with pytest.raises(ServiceError):
        service.publish_summary(c, actor=editor, summary="   ")
    service.publish_summary(c, actor=editor, summary="Wir bauen Variante A.")
    c.refresh_from_db()
    assert c.summary == "Wir bauen Variante A." and c.summary_on.isoformat() == "2025-07-01"
    event = Event.objects.latest("pk")
    assert event.action == "consultation.summary" and event.public


HOSTILE = ["", "   ", "x" * 10_001, "a\x00b", "\u202etxet", 17, ["list"], {"d": 1}]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_in_every_field_stores_nothing(personas, value):
    base = {
        "title": "Titel",
        "description": "",
        "opens": datetime(2025, 5, 1, 9),
        "closes": datetime(2025, 6, 30, 18),
        "questions": QUESTIONS,
        "audience": "public",
    }
    cases = [
        {"title": value},
        {"audience": value},
        {"opens": value},
        {"closes": value},
        {"questions": value},
        {"questions": [dict(QUESTIONS[0], kind=value)]},
        {"questions": [dict(QUESTIONS[0], text=value)]},
        {"questions": [dict(QUESTIONS[0], choices=value if value else ["nur eine"])]},
        {"questions": [dict(QUESTIONS[0], required=value)]},
        {"measure": value or 1},
        {"document": SimpleUploadedFile("x.pdf", b"<html>not a pdf")},
        {"opens": datetime(1900, 1, 1)},
    ]
    if isinstance(value, str) and value.strip() and len(value) < 300 and value.isprintable():
        cases = cases[1:]  # a printable line is a fine title
    for case in cases:
        if case.get("audience") in ("public",):
            continue
        with pytest.raises((ServiceError, PermissionDenied)):
            service.save_consultation(
                personas.programme, actor=Actor.for_user(personas.editor), **{**base, **case}
            )
    assert not Consultation.objects.exists()
    assert not Event.objects.filter(action="consultation.saved").exists()
