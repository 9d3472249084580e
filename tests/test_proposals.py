"""The services of proposals (``plansicht.services.proposals``): the threshold and the due date
with dates worked out by hand, one support per participant (also when two requests arrive at
once), the proposer's withdrawal, comments on a proposal and hostile input in every field.

The test document (``participation_document()``): Rhineland-Palatinate, questions answered
within 15 working days; Ascension Day 29.05.2025 and Whit Monday 09.06.2025 are holidays.
The threshold is set to 3 here. Counting: the due date is the 15th working day after the
day the threshold was reached (as for a question received that day: F4, received Monday
12.05., is due Tuesday 03.06.).
"""

import io
import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from plansicht.history.models import Event
from plansicht.participation.models import Comment, Follow, Participant
from plansicht.plan.models import Measure, Programme
from plansicht.proposals import reads
from plansicht.proposals.models import Decision, Proposal, Support
from plansicht.services import Actor, ServiceError
from plansicht.services import participation as participation_service
from plansicht.services import proposals as service

from .factories import participation_document

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def persona_document():
    return participation_document()


@pytest.fixture
def programme(personas):
    Programme.objects.filter(pk=personas.programme.pk).update(proposal_threshold=3)
    personas.programme.refresh_from_db()
    return personas.programme


def participant(name):
    user = get_user_model().objects.create_user(name, email=f"{name}@example.org", password="x")
    Participant.objects.create(user=user, display_name=name.capitalize())
    EmailAddress.objects.create(user=user, email=f"{name}@example.org", verified=True, primary=True)
    return user


def on(time_machine, day: date):
    """Move the frozen clock to noon of ``day``."""
    time_machine.move_to(datetime(day.year, day.month, day.day, 12, tzinfo=BERLIN), tick=False)


def propose(programme, user, **fields):
    values = {"title": "Mehr Bänke", "text": "Am Marktplatz fehlen Bänke."} | fields
    return service.submit(programme, actor=Actor.for_user(user, programme), author=user, **values)


def support(proposal, user):
    return service.support(proposal, actor=Actor.for_user(user, proposal.programme), user=user)


def unsupport(proposal, user):
    service.withdraw_support(proposal, actor=Actor.for_user(user, proposal.programme), user=user)


def decide(proposal, editor, status, reason="Geprüft.", link=""):
    proposal.refresh_from_db()
    return service.decide(
        proposal,
        actor=Actor.for_user(editor, proposal.programme),
        status=status,
        reason=reason,
        link=link,
    )


def state(proposal, day):
    proposal.refresh_from_db()
    return reads.state_of(proposal, day)


@pytest.fixture
def people(programme):
    return [participant(n) for n in ("anna", "bernd", "clara", "dora")]


@pytest.fixture
def proposed(programme, people, time_machine):
    """Proposal V1 by Anna, received Friday 02.05.2025."""
    on(time_machine, date(2025, 5, 2))
    return propose(programme, people[0])


def supported_on(time_machine, proposal, people, days):
    for user, day in zip(people, days, strict=False):
        on(time_machine, day)
        support(proposal, user)


# -- the threshold and its deadline ------------------------------------------------------------


def test_the_third_support_reaches_the_threshold_and_starts_the_period(
    proposed, people, time_machine
):
    days = [date(2025, 5, 5), date(2025, 5, 6), date(2025, 5, 12)]
    supported_on(time_machine, proposed, people, days)
    before = state(proposed, date(2025, 5, 11))
    assert (before.supports, before.threshold_reached, before.due) == (2, None, None)
    assert before.status == reads.BELOW_THRESHOLD
    now = state(proposed, date(2025, 6, 1))
    assert now.supports == 3
    assert now.threshold_reached == date(2025, 5, 12)
    # 15 working days after Monday 12.05.: Ascension Day 29.05. does not count -> 03.06.
    assert now.original_due == now.due == date(2025, 6, 3)
    assert now.status == "open"
    assert state(proposed, date(2025, 6, 3)).status == "open"
    assert state(proposed, date(2025, 6, 4)).status == "overdue"


def test_a_withdrawn_support_moves_the_day_the_threshold_was_reached_later(
    proposed, people, time_machine
):
    days = [date(2025, 5, 5), date(2025, 5, 6), date(2025, 5, 12), date(2025, 5, 20)]
    supported_on(time_machine, proposed, people, days)
    assert state(proposed, date(2025, 5, 21)).threshold_reached == date(2025, 5, 12)
    on(time_machine, date(2025, 5, 21))
    unsupport(proposed, people[1])  # Bernd's support of 06.05. goes
    now = state(proposed, date(2025, 5, 21))
    assert now.supports == 3
    assert now.threshold_reached == date(2025, 5, 20)
    # 15 working days after Tuesday 20.05.: 29.05. (Ascension) and 09.06. (Whit Monday) do
    # not count: 21-23 (3), 26-28 (6), 30 (7), 02.-06.06. (12), 10.-12.06. (15).
    assert now.due == date(2025, 6, 12)
    event = Event.objects.filter(action="proposal.support_withdrawn").get()
    assert event.changes == {
        "supports": [4, 3],
        "threshold_reached": ["2025-05-12", "2025-05-20"],
    }


def test_a_withdrawn_support_can_undo_the_threshold(proposed, people, time_machine):
    supported_on(
        time_machine, proposed, people, [date(2025, 5, 5), date(2025, 5, 6), date(2025, 5, 7)]
    )
    assert state(proposed, date(2025, 5, 8)).status == "open"
    on(time_machine, date(2025, 5, 8))
    unsupport(proposed, people[2])
    now = state(proposed, date(2025, 6, 1))
    assert (now.supports, now.threshold_reached, now.due) == (2, None, None)
    assert now.status == reads.BELOW_THRESHOLD
    assert Support.objects.filter(proposal=proposed).count() == 2


def test_decided_within_the_period_is_in_time_and_after_it_late(
    programme, proposed, people, personas, time_machine
):
    supported_on(
        time_machine, proposed, people, [date(2025, 5, 5), date(2025, 5, 6), date(2025, 5, 12)]
    )
    on(time_machine, date(2025, 6, 3))  # the due date itself
    decide(proposed, personas.editor, "declined", "Kein Geld im Haushalt.")
    assert state(proposed, date(2025, 6, 3)).status == "answered_in_time"
    assert state(proposed, date(2025, 6, 3)).decided == date(2025, 6, 3)

    on(time_machine, date(2025, 5, 2))
    late = propose(programme, people[1], title="Mehr Licht")
    supported_on(
        time_machine, late, people, [date(2025, 5, 5), date(2025, 5, 6), date(2025, 5, 12)]
    )
    on(time_machine, date(2025, 6, 4))  # one day after 03.06.
    decide(late, personas.editor, "under_review", "Wird geprüft.")
    assert state(late, date(2025, 6, 4)).status == "overdue"  # under review decides nothing
    on(time_machine, date(2025, 6, 5))
    decide(late, personas.editor, "declined", "Zu teuer.")
    assert state(late, date(2025, 6, 5)).status == "answered_late"
    assert state(late, date(2025, 6, 5)).decided == date(2025, 6, 5)


def test_an_extension_moves_the_due_date_and_its_decision_counts_within_it(
    proposed, people, personas, time_machine
):
    supported_on(
        time_machine, proposed, people, [date(2025, 5, 5), date(2025, 5, 6), date(2025, 5, 12)]
    )
    on(time_machine, date(2025, 5, 30))
    service.extend(
        proposed,
        actor=Actor.for_user(personas.editor, proposed.programme),
        to=date(2025, 6, 10),
        reason="Abstimmung mit dem Bauamt",
    )
    now = state(proposed, date(2025, 6, 5))
    assert (now.original_due, now.due, now.status) == (date(2025, 6, 3), date(2025, 6, 10), "open")
    on(time_machine, date(2025, 6, 6))
    decide(proposed, personas.editor, "partly_taken", "Zum Teil übernommen.", "measure:M1")
    assert state(proposed, date(2025, 6, 6)).status == "answered_within_extension"


def test_decided_before_the_threshold_counts_as_in_time(proposed, people, personas, time_machine):
    supported_on(time_machine, proposed, people, [date(2025, 5, 5)])
    on(time_machine, date(2025, 5, 20))
    decide(proposed, personas.editor, "taken_into_plan", "Übernommen.", "measure:M1")
    now = state(proposed, date(2025, 6, 1))
    assert (now.supports, now.threshold_reached, now.decided) == (1, None, date(2025, 5, 20))
    assert now.status == "answered_in_time"
    figures = reads.figures(proposed.programme, date(2025, 6, 1))
    assert figures.counts.get("answered_in_time") == 1


def test_a_below_threshold_proposal_takes_no_part_in_the_figures(proposed, people, time_machine):
    supported_on(time_machine, proposed, people, [date(2025, 5, 5)])
    figures = reads.figures(proposed.programme, date(2025, 6, 1))
    assert sum(figures.counts.values()) == 0


# -- one support per participant ---------------------------------------------------------------


def test_one_support_per_participant(proposed, people, time_machine):
    on(time_machine, date(2025, 5, 5))
    support(proposed, people[1])
    with pytest.raises(ServiceError, match="unterstützen diesen Vorschlag bereits|already"):
        support(proposed, people[1])
    assert Support.objects.filter(proposal=proposed).count() == 1
    assert Event.objects.filter(action="proposal.supported").count() == 1


def test_only_participants_support_and_not_for_someone_else(
    proposed, people, personas, time_machine
):
    on(time_machine, date(2025, 5, 5))
    with pytest.raises(ServiceError):
        support(proposed, personas.outsider)  # no confirmed address, no profile
    with pytest.raises(PermissionDenied):
        service.support(
            proposed, actor=Actor.for_user(people[1], proposed.programme), user=people[2]
        )
    assert not Support.objects.exists()


def test_a_decided_proposal_takes_no_support_and_keeps_its_supports(
    proposed, people, personas, time_machine
):
    on(time_machine, date(2025, 5, 5))
    support(proposed, people[1])
    decide(proposed, personas.editor, "declined", "Nicht zuständig.")
    proposed.refresh_from_db()
    with pytest.raises(ServiceError):
        support(proposed, people[2])
    with pytest.raises(ServiceError):
        unsupport(proposed, people[1])
    assert Support.objects.filter(proposal=proposed).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_supports_of_one_participant_at_once_store_one(today):
    """Two requests of the same participant at the same moment: the unique constraint lets
    one through; the other is refused with the service's message, nothing half-stored."""
    from .factories import load

    if connection.vendor == "sqlite":
        pytest.skip(
            "the test database of SQLite is in memory and shared by the threads' connections "
            "with table locks, which fail at once instead of waiting; PostgreSQL shows the race"
        )
    programme = load(participation_document())
    author, fan = participant("autorin"), participant("fan")
    item = propose(programme, author)
    results, start = [], threading.Barrier(2)

    def go():
        from django.db import connections

        try:
            start.wait(timeout=10)
            support(Proposal.objects.get(pk=item.pk), fan)
            results.append("stored")
        except ServiceError as error:
            results.append(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results)[-1] == "stored" and results.count("stored") == 1, results
    assert Support.objects.filter(proposal=item, user=fan).count() == 1
    assert Event.objects.filter(action="proposal.supported").count() == 1


# -- the proposer withdraws ---------------------------------------------------------------------


def test_the_proposer_withdraws_with_a_reason(proposed, people, time_machine):
    on(time_machine, date(2025, 5, 6))
    support(proposed, people[1])
    service.withdraw(
        proposed,
        actor=Actor.for_user(people[0], proposed.programme),
        user=people[0],
        reason="Hat sich erledigt.",
    )
    proposed.refresh_from_db()
    assert proposed.status == "withdrawn" and not proposed.is_open
    (decision,) = Decision.objects.filter(proposal=proposed)
    assert (decision.on, decision.status, decision.reason) == (
        date(2025, 5, 6),
        "withdrawn",
        "Hat sich erledigt.",
    )
    assert state(proposed, date(2025, 6, 1)).status == "withdrawn"
    assert sum(reads.figures(proposed.programme, date(2025, 6, 1)).counts.values()) == 0
    with pytest.raises(ServiceError):
        support(proposed, people[2])


def test_only_the_proposer_withdraws(proposed, people, time_machine):
    with pytest.raises(PermissionDenied):
        service.withdraw(
            proposed, actor=Actor.for_user(people[1], proposed.programme), user=people[1]
        )
    proposed.refresh_from_db()
    assert proposed.status == "submitted"


# -- submitting, and hostile input ---------------------------------------------------------------


def test_a_proposal_is_received_today_and_followed_by_its_proposer(proposed, people):
    assert (proposed.code, proposed.received, proposed.status) == (
        "V1",
        date(2025, 5, 2),
        "submitted",
    )
    assert proposed.author_name == "Anna"
    assert Follow.objects.filter(user=people[0], proposal=proposed).exists()
    assert Event.objects.filter(action="proposal.received").count() == 1


def test_a_speaker_proposes_for_a_body_others_may_not(programme, people, time_machine):
    from plansicht.participation.models import Body

    seniors = Body.objects.get(code="SB")
    seniors.speakers.add(people[0])
    item = propose(programme, people[0], body=seniors)
    assert item.shown_author == "Seniorenbeirat"
    with pytest.raises(ServiceError) as refused:
        propose(programme, people[1], body=seniors)
    assert refused.value.field == "body"


def test_a_proposal_about_a_draft_measure_is_refused(programme, people):
    draft = Measure.objects.get(programme=programme, code="M9")
    with pytest.raises(ServiceError) as refused:
        propose(programme, people[0], about=draft)
    assert refused.value.field == "about"
    assert not Proposal.objects.exists()


HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)>"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": "x" * 10_001}, "text"),
        ({"title": "x" * 201}, "title"),
        ({"text": "Bitte\x00 melden"}, "text"),
        ({"title": "Titel\x07"}, "title"),
        ({"text": "   "}, "text"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_stores_nothing(programme, people, fields, field):
    with pytest.raises(ServiceError) as refused:
        propose(programme, people[0], **fields)
    assert refused.value.field == field
    assert not Proposal.objects.exists() and not Event.objects.filter(action__startswith="proposal")


def test_an_email_address_typed_in_is_the_proposers_text_the_account_address_is_never_named(
    programme, people
):
    item = propose(programme, people[0], text="Fragen an buero@example.org")
    assert item.text == "Fragen an buero@example.org"
    assert item.shown_author == "Anna" and "@" not in item.author_name


def test_markup_is_kept_as_text(programme, people):
    item = propose(programme, people[0], title=HOSTILE, text=HOSTILE)
    assert item.title == HOSTILE and item.text == HOSTILE  # escaped where it is shown


def image_bytes(kind="JPEG", gps=False):
    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "Kamera GmbH"  # Make
        exif[0x8825] = {1: "N", 2: (50.0, 21.0, 0.0), 3: "E", 4: (7.0, 35.0, 0.0)}  # GPS
    image.save(out, format=kind, exif=exif.tobytes() if gps else b"")
    return out.getvalue()


def test_an_image_is_stored_without_its_exif_and_gps(programme, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    raw = image_bytes(gps=True)
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif().get_ifd(0x8825)  # the upload carries a position
    upload = SimpleUploadedFile("urlaub.jpg", raw, content_type="image/jpeg")
    item = propose(programme, people[0], attachment=upload)
    assert item.attachment.name.endswith("V1.jpg")
    with item.attachment.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG" and image.size == (40, 30)
        assert not image.getexif() and "exif" not in image.info
    with item.attachment.open("rb") as stored:
        content = stored.read()
    assert b"Kamera GmbH" not in content and b"Exif" not in content


def test_a_pdf_is_stored_as_given(programme, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    item = propose(programme, people[0], attachment=upload)
    assert item.attachment_is_pdf


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bild.jpg", b"MZ\x90\x00 not an image at all"),
        ("bild.jpg", b"<html><script>alert(1)</script></html>"),
        ("bild.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
)
def test_a_file_that_is_no_image_is_refused(programme, people, settings, tmp_path, name, content):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ServiceError) as refused:
        propose(programme, people[0], attachment=SimpleUploadedFile(name, content))
    assert refused.value.field == "attachment"
    assert not Proposal.objects.exists()
    assert not list(tmp_path.rglob("*"))


# -- comments on a proposal (the comment service of measures, one implementation) ----------------


def test_comments_on_a_proposal_one_level_deep(proposed, people):
    actor = Actor.for_user(people[1], proposed.programme)
    first = participation_service.write_comment(
        proposed, actor=actor, author=people[1], text="Gute Idee."
    )
    reply = participation_service.write_comment(
        proposed, actor=actor, author=people[1], text="Ja.", parent=first
    )
    deeper = participation_service.write_comment(
        proposed, actor=actor, author=people[1], text="Noch tiefer.", parent=reply
    )
    assert (first.proposal, first.measure) == (proposed, None)
    assert reply.parent == first and deeper.parent == first
    assert list(Comment.objects.public().filter(proposal=proposed)) == [first, reply, deeper]
    m1 = Measure.objects.get(programme=proposed.programme, code="M1")
    on_measure = participation_service.write_comment(m1, actor=actor, author=people[1], text="M")
    with pytest.raises(ServiceError) as refused:
        participation_service.write_comment(
            proposed, actor=actor, author=people[1], text="x", parent=on_measure
        )
    assert refused.value.field == "parent"


def test_a_comment_on_a_proposal_is_moderated_like_one_on_a_measure(proposed, people, personas):
    actor = Actor.for_user(people[1], proposed.programme)
    comment = participation_service.write_comment(
        proposed, actor=actor, author=people[1], text="Unsinn!"
    )
    participation_service.hide(
        comment, actor=Actor.for_user(personas.moderator, proposed.programme), reason="Unsachlich"
    )
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_reason == "Unsachlich"
    event = Event.objects.filter(action="comment.hidden").get()
    assert event.programme_id == proposed.programme_id


def test_a_hidden_proposal_takes_no_comments_or_supports(proposed, people, personas):
    service.hide(
        proposed, actor=Actor.for_user(personas.moderator, proposed.programme), reason="Werbung"
    )
    proposed.refresh_from_db()
    with pytest.raises(ServiceError):
        participation_service.write_comment(
            proposed,
            actor=Actor.for_user(people[1], proposed.programme),
            author=people[1],
            text="x",
        )
    with pytest.raises(ServiceError):
        support(proposed, people[1])


def test_a_comment_on_a_proposal_is_in_the_office_moderation_queue(
    client, proposed, people, personas
):
    from django.urls import reverse

    comment = participation_service.write_comment(
        proposed,
        actor=Actor.for_user(people[1], proposed.programme),
        author=people[1],
        text="Bitte prüfen.",
    )
    participation_service.report(comment, actor=Actor(), reason="Werbung?")
    client.force_login(personas.moderator)
    html = client.get(reverse("office:moderation", args=[proposed.programme.slug]))
    text = html.content.decode()
    assert "Bitte prüfen." in text and "/vorschlaege/V1/" in text
