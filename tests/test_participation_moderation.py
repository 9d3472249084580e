"""Comments on measures, reports to the moderation, and what the moderation decides: nothing
is deleted, every decision is a public event with its reason, the reports are closed."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from plansicht.history.models import Event
from plansicht.participation.models import Comment, ContentReport, Participant, Submission
from plansicht.participation.people import may_take_part
from plansicht.plan.models import Measure
from plansicht.services import Actor, ChangedMeanwhile, ServiceError
from plansicht.services import participation as service

from .factories import participation_document


@pytest.fixture
def persona_document():
    return participation_document()


@pytest.fixture
def anna(personas):
    user = get_user_model().objects.create_user("anna", email="anna@example.org", password="x")
    Participant.objects.create(user=user, display_name="Anna A.")
    EmailAddress.objects.create(user=user, email="anna@example.org", verified=True, primary=True)
    return user


def test_a_participant_is_a_user_with_a_confirmed_address_and_a_name(anna):
    assert may_take_part(anna)
    EmailAddress.objects.filter(user=anna).update(verified=False)
    assert not may_take_part(anna)


def test_comments_are_threaded_one_level_deep(personas, anna):
    m1 = Measure.objects.get(code="M1")
    first = service.write_comment(m1, actor=Actor.for_user(anna), author=anna, text="Gut so.")
    reply = service.write_comment(
        m1, actor=Actor.for_user(anna), author=anna, text="Noch etwas.", parent=first
    )
    deeper = service.write_comment(
        m1, actor=Actor.for_user(anna), author=anna, text="Und noch.", parent=reply
    )
    assert (reply.parent, deeper.parent) == (first, first)
    assert first.author_name == "Anna A."
    assert Event.objects.filter(action="comment.written", public=True).count() == 3


def test_nobody_comments_in_someone_elses_name_or_on_a_draft(personas, anna):
    m1, m9 = Measure.objects.get(code="M1"), Measure.objects.get(code="M9")
    with pytest.raises(PermissionDenied):
        service.write_comment(m1, actor=Actor.for_user(personas.editor), author=anna, text="x")
    with pytest.raises(ServiceError):
        service.write_comment(m9, actor=Actor.for_user(anna), author=anna, text="x")
    assert not Comment.objects.exists()


def test_a_report_reaches_the_moderation_which_hides_with_a_reason(personas, anna):
    p = personas
    m1 = Measure.objects.get(code="M1")
    comment = service.write_comment(m1, actor=Actor.for_user(anna), author=anna, text="Unsinn!")
    service.report(comment, actor=Actor(), reason="beleidigend")  # a visitor without account
    report = ContentReport.objects.get()
    assert (report.comment, report.closed) == (comment, None)
    assert not Event.objects.get(action="content.reported").public
    with pytest.raises(PermissionDenied):
        service.hide(comment, actor=Actor.for_user(p.editor), reason="Beleidigung")
    service.hide(comment, actor=Actor.for_user(p.admin), reason="Beleidigung")
    comment.refresh_from_db()
    report.refresh_from_db()
    assert (comment.hidden, comment.hidden_reason, comment.text) == (True, "Beleidigung", "Unsinn!")
    assert report.closed is not None
    event = Event.objects.get(action="comment.hidden")
    assert (event.public, event.reason) == (True, "Beleidigung")


def test_the_history_does_not_name_who_reported(personas, anna):
    """Neither a participant nor staff: the report's event names no one (it keeps the account
    for the case of abuse)."""
    question = Submission.objects.get(code="F1")
    service.report(question, actor=Actor.for_user(anna), reason="falsch")
    service.report(question, actor=Actor.for_user(personas.editor), reason="doppelt")
    events = Event.objects.filter(action="content.reported").order_by("pk")
    anonymous = gettext("anonymous")  # in the language active when it was written
    assert anonymous in ("anonymous", "anonym")
    assert [(e.actor, e.unit, e.user) for e in events] == [
        (anonymous, None, anna),
        (anonymous, None, personas.editor),
    ]


def test_a_report_can_be_decided_by_keeping_the_item(personas, anna):
    p = personas
    question = Submission.objects.get(code="F1")
    service.report(question, actor=Actor.for_user(anna), reason="falsch")
    service.release(question, actor=Actor.for_user(p.admin), reason="Sachliche Frage")
    assert ContentReport.objects.get().closed is not None
    assert not Submission.objects.get(code="F1").hidden
    with pytest.raises(ServiceError):  # nothing left to decide
        service.release(question, actor=Actor.for_user(p.admin))


def test_a_moderator_deciding_from_an_old_page_is_told_someone_decided_meanwhile(personas, anna):
    admin = Actor.for_user(personas.admin)
    m1 = Measure.objects.get(code="M1")
    comment = service.write_comment(m1, actor=Actor.for_user(anna), author=anna, text="Unsinn!")
    opened_at = comment.version  # both moderators open the page
    service.hide(comment, actor=admin, reason="Beleidigung", expected_version=opened_at)
    for decide in (service.hide, service.release):
        with pytest.raises(ChangedMeanwhile):
            decide(
                Comment.objects.get(pk=comment.pk),
                actor=admin,
                reason="Werbung",
                expected_version=opened_at,
            )
    comment.refresh_from_db()
    assert (comment.hidden, comment.hidden_reason) == (True, "Beleidigung")
    assert Event.objects.filter(action__startswith="comment.").count() == 2  # written, hidden


def test_premoderation_holds_comments_until_released(personas, anna):
    p = personas
    p.programme.premoderation = True
    p.programme.save()
    m1 = Measure.objects.get(code="M1")
    comment = service.write_comment(m1, actor=Actor.for_user(anna), author=anna, text="Hallo")
    assert comment.pending
    assert not Comment.objects.public().exists()
    service.release(comment, actor=Actor.for_user(p.admin))
    assert list(Comment.objects.public()) == [comment]


def test_the_history_names_a_participant_by_their_display_name_only(personas):
    """Not the account's username, full name or e-mail address: the name they chose."""
    user = get_user_model().objects.create_user(
        "berta.schulz", email="berta@example.org", first_name="Berta", last_name="Schulz"
    )
    Participant.objects.create(user=user, display_name="B. aus der Altstadt")
    EmailAddress.objects.create(user=user, email="berta@example.org", verified=True, primary=True)
    m1 = Measure.objects.get(code="M1")
    service.write_comment(m1, actor=Actor.for_user(user), author=user, text="Gut.")
    service.submit(
        personas.programme, actor=Actor.for_user(user), kind="question", text="Wann?", author=user
    )
    events = Event.objects.filter(user=user).order_by("pk")
    assert [(e.action, e.actor) for e in events] == [
        ("comment.written", "B. aus der Altstadt"),
        ("question.received", "B. aus der Altstadt"),
    ]
    # Staff are still named as before: the editor persona by their username (no full name).
    assert Actor.for_user(personas.editor).name == "editor"
