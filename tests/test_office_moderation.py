"""The office's moderation page with comments and reports: a reported question, statement or
comment is listed with the reports' reasons and dates (never who reported), and is hidden with
a public reason or kept shown by rejecting the reports; comments wait for release beside the
questions; a decision made from an out-of-date page is told, and what was typed stays. The
dashboard counts the open reports and what waits, for moderators; the item page shows a
question's open reports to them. (Who may open the page: test_office_permissions.py.)"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from plansicht.accounts.models import StaffRole
from plansicht.history.models import Event
from plansicht.participation.models import Comment, ContentReport, Participant, Submission
from plansicht.plan.models import Measure
from plansicht.services import Actor
from plansicht.services import participation as service

from .factories import participation_document

SLUG = "testprogramm"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def persona_document():
    return participation_document()


def participant(username, name):
    user = get_user_model().objects.create_user(username, email=f"{username}@example.org")
    Participant.objects.create(user=user, display_name=name)
    EmailAddress.objects.create(
        user=user, email=f"{username}@example.org", verified=True, primary=True
    )
    return user


@pytest.fixture
def anna(personas):
    return participant("anna", "Anna A.")


@pytest.fixture
def berta(personas):
    return participant("berta", "Berta B.")


def de(message, **values) -> str:
    """A message as the German pages show it, filled in and escaped."""
    with translation.override("de"):
        text = translation.gettext(message)
    return escape(text % values if values else text)


def de_count(singular, plural, count) -> str:
    """A ``blocktranslate count`` as the German pages show it."""
    with translation.override("de"):
        return escape(translation.ngettext(singular, plural, count) % {"counter": count})


def comment_label(comment) -> str:
    return de("Comment %(number)s", number=comment.pk)


def url(name, *args):
    return reverse(f"office:{name}", args=[SLUG, *args])


def h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert match, "no h1 on the page"
    return re.sub(r"\s+", " ", match.group(1)).strip()


def section(response, name) -> str:
    """The HTML of one section of the page (``reported``, ``waiting``, ``hidden``, ``kept``)."""
    body = response.content.decode()
    start = body.index(f'aria-labelledby="{name}-heading"')
    return body[start : body.index("</section>", start)]


def f(code) -> Submission:
    return Submission.objects.get(code=code)


def decide(client, kind, item, op, reason="", version=None):
    prefix = f"item{item.pk}" if kind == "submission" else f"comment{item.pk}"
    data = {"kind": kind, "item": str(item.pk), "op": op, f"{prefix}-reason": reason}
    data[f"{prefix}-version"] = str(item.version if version is None else version)
    return client.post(url("moderation"), data, follow=True)


@pytest.fixture
def reported(personas, anna, berta, time_machine):
    """Anna's comment on M1, reported by Berta on 01.06. (twice: once by a visitor), and
    question F1 reported on 02.06."""
    m1 = Measure.objects.get(code="M1")
    comment = service.write_comment(
        m1, actor=Actor.for_user(anna), author=anna, text="Das ist **Unsinn**!"
    )
    service.report(comment, actor=Actor.for_user(berta), reason="Beleidigend gegen das Amt")
    service.report(comment, actor=Actor(), reason="Unsachlich")
    time_machine.move_to(datetime(2025, 6, 2, 9, tzinfo=BERLIN), tick=False)
    service.report(f("F1"), actor=Actor.for_user(berta), reason="Schon beantwortet, doppelt")
    return Comment.objects.get(pk=comment.pk)


# -- the reported -----------------------------------------------------------------------------


def test_a_reported_comment_is_listed_with_the_reasons_and_dates_not_the_reporter(
    client, personas, reported
):
    client.force_login(personas.admin)
    page = client.get(url("moderation"))
    assert page.status_code == 200
    assert h1(page) == de("Moderation")
    listed = section(page, "reported")
    assert de_count("Reported: %(counter)s item", "Reported: %(counter)s items", 2) in listed
    # The comment's first report (01.06.) is older than F1's (02.06.): the comment comes first.
    assert listed.index(comment_label(reported)) < listed.index(
        'href="' + url("participation_item", "question", "F1")
    )
    assert de("Reported on %(date)s:", date="01.06.2025") + " Beleidigend gegen das Amt" in listed
    assert de("Reported on %(date)s:", date="01.06.2025") + " Unsachlich" in listed
    assert de("Reported on %(date)s:", date="02.06.2025") + " Schon beantwortet, doppelt" in listed
    assert de_count("%(counter)s open report", "%(counter)s open reports", 2) in listed
    # What was written, by whom, on which measure (linked to its public page), as Markdown.
    assert "Das ist <strong>Unsinn</strong>!" in listed
    assert "Anna A." in listed
    assert f'href="{reverse("portal:measure", args=[SLUG, "M1"])}"' in listed
    assert de("written %(date)s", date="01.06.2025") in listed
    # Who reported is nowhere: Berta's name, her address, her account.
    body = page.content.decode()
    assert "Berta" not in body and "berta" not in body
    assert de("No report is open.") not in body


def test_a_reported_comment_is_hidden_with_a_public_reason_and_the_reports_closed(
    client, personas, reported
):
    client.force_login(personas.admin)
    refused = decide(client, "comment", reported, "hide", reason="")
    assert refused.status_code == 400
    assert f'id="id_comment{reported.pk}-reason-error"' in refused.content.decode()
    assert not Comment.objects.get(pk=reported.pk).hidden
    assert ContentReport.objects.filter(comment=reported, closed=None).count() == 2

    response = decide(client, "comment", reported, "hide", reason="Beleidigung")
    assert response.status_code == 200
    assert (
        de(
            "%(code)s is hidden. The measure's page shows your reason instead of the text.",
            code=comment_label(reported),
        )
        in response.content.decode()
    )
    comment = Comment.objects.get(pk=reported.pk)
    assert (comment.hidden, comment.hidden_reason, comment.text) == (
        True,
        "Beleidigung",
        "Das ist **Unsinn**!",
    )
    assert ContentReport.objects.filter(comment=comment, closed=None).count() == 0
    event = Event.objects.get(action="comment.hidden")
    assert (event.public, event.reason, event.actor) == (True, "Beleidigung", "admin")
    # Now among the hidden, with its reason; F1's report still waits.
    assert de("Hidden by the moderation: %(reason)s", reason="Beleidigung") in section(
        response, "hidden"
    )
    reported_now = section(response, "reported")
    assert comment_label(comment) not in reported_now
    assert "Schon beantwortet, doppelt" in reported_now
    assert not f("F1").hidden


def test_rejecting_the_reports_keeps_the_item_shown_and_closes_them(client, personas, reported):
    client.force_login(personas.admin)
    f1 = f("F1")
    response = decide(client, "submission", f1, "release", reason="Eine sachliche Frage")
    assert (
        de("The reports on %(code)s are rejected: it stays shown.", code="F1")
        in response.content.decode()
    )
    f1 = f("F1")
    assert (f1.hidden, f1.pending) == (False, False)
    assert ContentReport.objects.get(submission=f1).closed is not None
    event = Event.objects.get(action="submission.released")
    assert (event.public, event.reason) == (True, "Eine sachliche Frage")
    # The comment's, without a reason (it is optional when rejecting).
    response = decide(client, "comment", reported, "release")
    assert (
        de("The reports on %(code)s are rejected: it stays shown.", code=comment_label(reported))
        in response.content.decode()
    )
    assert not Comment.objects.get(pk=reported.pk).hidden
    assert not ContentReport.objects.filter(closed=None).exists()
    assert de("No report is open.") in section(response, "reported")


def test_an_editor_who_is_no_moderator_is_refused_and_nothing_changes(client, personas, reported):
    client.force_login(personas.editor)
    assert client.get(url("moderation")).status_code == 403
    response = client.post(
        url("moderation"),
        {
            "kind": "comment",
            "item": str(reported.pk),
            "op": "hide",
            f"comment{reported.pk}-reason": "Beleidigung",
        },
    )
    assert response.status_code == 403
    assert not Comment.objects.get(pk=reported.pk).hidden
    assert ContentReport.objects.filter(closed=None).count() == 3
    assert not Event.objects.filter(action="comment.hidden").exists()


# -- comments awaiting release ----------------------------------------------------------------


@pytest.fixture
def waiting_comment(personas, anna):
    personas.programme.premoderation = True
    personas.programme.save()
    m1 = Measure.objects.get(code="M1")
    return service.write_comment(m1, actor=Actor.for_user(anna), author=anna, text="Wann _genau_?")


def test_a_comment_awaiting_release_is_listed_and_released(client, personas, waiting_comment):
    client.force_login(personas.admin)
    page = client.get(url("moderation"))
    waiting = section(page, "waiting")
    assert (
        de_count("%(counter)s item awaiting release", "%(counter)s items awaiting release", 2)
        in waiting
    )
    # F8 came in on 30.05., the comment on 01.06.: the oldest first.
    assert waiting.index("Noch nicht freigegeben.") < waiting.index("Wann <em>genau</em>?")
    assert comment_label(waiting_comment) in waiting
    assert not Comment.objects.public().exists()

    response = decide(client, "comment", waiting_comment, "release")
    assert (
        de("%(code)s is released and shown publicly.", code=comment_label(waiting_comment))
        in response.content.decode()
    )
    assert list(Comment.objects.public()) == [waiting_comment]
    assert "Wann <em>genau</em>?" not in section(response, "waiting")
    assert f("F8").pending  # the question with the same form beside it is untouched


def test_a_decision_from_an_out_of_date_page_is_told_and_the_reason_typed_stays(
    client, personas, waiting_comment
):
    client.force_login(personas.admin)
    opened_at = waiting_comment.version  # the page is opened …
    other = get_user_model().objects.create_user("mod", first_name="Moni", last_name="Moderat")
    StaffRole.objects.create(
        user=other,
        organisation=personas.programme.organisation,
        role=StaffRole.VIEWER,
        unit=personas.office,
        moderator=True,
    )
    service.release(waiting_comment, actor=Actor.for_user(other, personas.programme))  # … meanwhile
    response = decide(
        client,
        "comment",
        waiting_comment,
        "hide",
        reason="Werbung für eine Firma",
        version=opened_at,
    )
    assert response.status_code == 400
    kept = section(response, "kept")
    assert "Moni Moderat" in kept  # who decided meanwhile
    assert "Werbung für eine Firma</textarea>" in kept
    comment = Comment.objects.get(pk=waiting_comment.pk)
    assert (comment.pending, comment.hidden) == (False, False)
    assert not Event.objects.filter(action="comment.hidden").exists()


# -- the dashboard and the item page ----------------------------------------------------------


def test_the_dashboard_counts_open_reports_and_what_awaits_release_for_moderators(
    client, personas, reported, anna
):
    personas.programme.premoderation = True
    personas.programme.save()
    m1 = Measure.objects.get(code="M1")
    service.write_comment(m1, actor=Actor.for_user(anna), author=anna, text="Noch eine Frage.")
    decided = service.write_comment(m1, actor=Actor.for_user(anna), author=anna, text="Werbung")
    service.report(decided, actor=Actor(), reason="Spam")
    service.hide(decided, actor=Actor.for_user(personas.admin), reason="Werbung")
    # Open reports: two on the comment, one on F1 (the one on the hidden comment is decided).
    # Awaiting release: F8 and the new comment (the hidden one waits no more).
    expected = (
        de_count("%(counter)s report open", "%(counter)s reports open", 3)
        + ", "
        + de_count("%(counter)s awaiting release", "%(counter)s awaiting release", 2)
    )
    link = f'<a class="kern-link" href="{url("moderation")}">{expected}</a>'
    client.force_login(personas.admin)
    assert link in client.get(url("dashboard")).content.decode()
    client.force_login(personas.editor)  # answers, but does not moderate
    body = client.get(url("dashboard")).content.decode()
    assert 'id="moderation-heading"' not in body
    assert url("moderation") not in body


def test_the_item_page_shows_a_questions_open_reports_to_moderators_only(
    client, personas, reported
):
    address = url("participation_item", "question", "F1")
    client.force_login(personas.admin)
    page = client.get(address)
    assert page.status_code == 200
    assert h1(page) == de("Question %(code)s", code="F1")
    body = page.content.decode()
    assert de_count("%(counter)s open report", "%(counter)s open reports", 1) in body
    assert de("Reported on %(date)s:", date="02.06.2025") + " Schon beantwortet, doppelt" in body
    assert 'id="reports-heading"' in body
    # The editor reads the item (its history lists the report as an internal event), but
    # gets no list of open reports to decide.
    client.force_login(personas.editor)
    assert 'id="reports-heading"' not in client.get(address).content.decode()
