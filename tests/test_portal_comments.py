"""The public side of taking part beyond asking: comments on a measure page (threaded one level
deep), reporting a question, statement or comment to the moderation (visitors without an
account too), the follow buttons, and a statement's PDF.

The test document (``participation_document()``) as of Sunday 01.06.2025 12:00: F1 is public
(about M1), F7 hidden ("Beleidigend"), F8 awaiting release; S1 a public statement of the
Seniorenbeirat; CDO a public post; M9 a draft measure.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.timezone import now

from plansicht.history.models import Event
from plansicht.participation.models import (
    Body,
    Comment,
    ContentReport,
    Follow,
    Participant,
    Submission,
)
from plansicht.plan.models import Measure
from plansicht.portal import limits
from plansicht.services import Actor
from plansicht.services import participation as service
from plansicht.staffing.models import Position

from .factories import participation_document
from .test_portal_participation import HOSTILE, Elements

pytestmark = pytest.mark.django_db
SLUG = "testprogramm"
THANKS = "Danke, die Moderation sieht sich das an."


@pytest.fixture
def persona_document():
    return participation_document()


@pytest.fixture(autouse=True)
def fresh_limits():
    """The rate limits count in the cache, which outlives a test: each starts afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def programme(personas):
    return personas.programme


def participant(name="petra", display="Petra P."):
    """A participant as ``tests/test_participation_moderation.py`` makes one: an account with a
    display name and a confirmed address."""
    user = get_user_model().objects.create_user(name, email=f"{name}@example.org", password="x")
    Participant.objects.create(user=user, display_name=display)
    EmailAddress.objects.create(user=user, email=f"{name}@example.org", verified=True, primary=True)
    return user


def measure_url(code="M1"):
    return reverse("portal:measure", args=[SLUG, code])


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    text = response.content.decode()
    assert "<h1" in text, url
    return text


def send_comment(client, text, parent=None, website="", code="M1"):
    return client.post(
        measure_url(code), {"text": text, "parent": parent or "", "website": website}
    )


def written(user, text, parent=None, measure="M1"):
    """A comment written through the service, as the page would."""
    return service.write_comment(
        Measure.objects.get(code=measure),
        actor=Actor.for_user(user),
        author=user,
        text=text,
        parent=parent,
    )


def replies_of(html, comment):
    """The ids of the replies shown under ``comment``, in their order."""
    found = re.search(
        rf'<li>\s*<article class="comment" id="comment-{comment.pk}">.*?</article>\s*'
        r'(?:<ol class="comments__replies">(.*?)</ol>)?\s*</li>',
        html,
        re.S,
    )
    assert found, f"comment {comment.pk} is not shown as a comment of its own"
    return [int(pk) for pk in re.findall(r'id="comment-(\d+)"', found.group(1) or "")]


# -- comments ---------------------------------------------------------------------------------


def test_a_comment_and_a_reply_are_shown_threaded(client, programme):
    petra, anna = participant(), participant("anna", "Anna A.")
    client.force_login(petra)
    response = send_comment(client, "Die *Datenplattform* ist überfällig.")
    first = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == measure_url() + f"#comment-{first.pk}"
    assert (first.author_name, first.parent, first.pending) == ("Petra P.", None, False)

    client.force_login(anna)
    form_page = page(client, measure_url() + f"?reply={first.pk}")
    assert "Auf den Kommentar von Petra P. antworten" in form_page
    assert f'name="parent" value="{first.pk}"' in form_page
    assert send_comment(client, "Sehe ich auch so.", parent=first.pk).status_code == 302
    second = send_comment(client, "Ein zweites Thema.")
    assert second.status_code == 302
    reply = Comment.objects.get(text="Sehe ich auch so.")
    other = Comment.objects.get(text="Ein zweites Thema.")
    assert reply.parent == first and other.parent is None

    client.logout()
    html = page(client, measure_url())
    assert replies_of(html, first) == [reply.pk]
    assert replies_of(html, other) == []
    assert html.index(f'id="comment-{first.pk}"') < html.index(f'id="comment-{other.pk}"')
    assert "Die <em>Datenplattform</em> ist überfällig." in html  # Markdown
    assert "Petra P." in html and "Anna A." in html
    assert "01.06.2025 12:00" in html  # written at the frozen noon
    assert "@example.org" not in html


def test_a_reply_to_a_reply_attaches_to_the_first_comment(client, programme):
    petra, anna = participant(), participant("anna", "Anna A.")
    first = written(petra, "Erster Kommentar")
    reply = written(anna, "Antwort darauf", parent=first)
    client.force_login(petra)
    html = page(client, measure_url() + f"?reply={reply.pk}")
    assert "Auf den Kommentar von Anna A. antworten" in html
    assert send_comment(client, "Antwort auf die Antwort", parent=reply.pk).status_code == 302
    deeper = Comment.objects.get(text="Antwort auf die Antwort")
    assert deeper.parent == first
    assert replies_of(page(client, measure_url()), first) == [reply.pk, deeper.pk]


def test_a_deleted_participants_comment_is_signed_as_former_participant(client, programme):
    petra = participant()
    written(petra, "Bleibt stehen.")
    service.delete_participant(petra, actor=Actor(user=petra))
    html = page(client, measure_url())
    assert "Bleibt stehen." in html and "Ehemals teilnehmende Person" in html
    assert "Petra P." not in html


def test_a_hidden_comment_shows_only_the_moderations_reason(client, personas):
    petra = participant()
    comment = written(petra, "Ein ganz unsäglicher Text")
    reply = written(participant("anna", "Anna A."), "Eine sachliche Antwort", parent=comment)
    service.hide(comment, actor=Actor.for_user(personas.admin), reason="Beleidigend")
    client.force_login(participant("berta", "Berta B."))
    html = page(client, measure_url())
    assert "Von der Moderation ausgeblendet: Beleidigend" in html
    assert "unsäglich" not in html
    assert replies_of(html, comment) == [reply.pk]  # the reply stays under it
    assert f"?reply={comment.pk}" not in html and f"?reply={reply.pk}" not in html
    # a reply to it through the address, or sent anyway, is not taken
    assert "Auf den Kommentar von" not in page(client, measure_url() + f"?reply={comment.pk}")
    refused = send_comment(client, "Trotzdem", parent=comment.pk)
    assert refused.status_code == 400
    assert "nicht mehr angezeigt" in refused.content.decode()
    assert "Trotzdem" in refused.content.decode()  # kept in the form
    # shown again as a comment of its own, to send as such
    assert f'name="parent" value="{comment.pk}"' not in refused.content.decode()
    assert 'for="comment-text">Ihr Kommentar<' in refused.content.decode()
    assert not Comment.objects.filter(text="Trotzdem").exists()


def test_with_premoderation_a_comment_waits_for_release(client, personas):
    programme = personas.programme
    programme.premoderation = True
    programme.save(update_fields=["premoderation"])
    client.force_login(participant())
    html = page(client, measure_url())
    assert "Die Moderation gibt jeden Kommentar frei, bevor er öffentlich angezeigt wird." in html
    response = send_comment(client, "Wartet noch")
    assert response.status_code == 302
    assert response["Location"] == measure_url() + "#comments"
    html = page(client, measure_url())
    assert (
        "Ihr Kommentar ist eingegangen. Er wird öffentlich angezeigt, sobald die Moderation ihn "
        "freigegeben hat." in html
    )
    assert "Wartet noch" not in html
    service.release(Comment.objects.get(), actor=Actor.for_user(personas.admin))
    client.logout()
    assert "Wartet noch" in page(client, measure_url())


def test_a_filled_trap_field_is_refused_quietly(client, programme):
    client.force_login(participant())
    response = send_comment(client, "Kaufen Sie jetzt!", website="https://spam.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ihr Text konnte nicht angenommen werden. Es wurde nichts gespeichert." in html
    assert "Kaufen Sie jetzt!" in html
    assert not Comment.objects.exists()


def test_an_empty_comment_is_explained_and_nothing_stored(client, programme):
    client.force_login(participant())
    response = send_comment(client, "   ")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#comment-text"' in html  # the summary leads there
    assert 'for="comment-text">Ihr Kommentar<' in html and "Einen Kommentar schreiben" in html
    first = written(participant("anna", "Anna A."), "Erster")
    reply = send_comment(client, "", parent=first.pk)
    assert reply.status_code == 400
    html = reply.content.decode()
    assert 'for="comment-text">Ihre Antwort<' in html
    assert "Auf den Kommentar von Anna A. antworten" in html
    assert f'name="parent" value="{first.pk}"' in html
    assert Comment.objects.count() == 1  # Anna's


def test_anonymous_visitors_are_asked_to_log_in_and_cannot_comment(client, programme):
    html = page(client, measure_url())
    assert "Um zu kommentieren," in html
    assert reverse("account_login") + "?next=" in html
    assert 'class="stack-form comment-form"' not in html
    assert send_comment(client, "Ohne Konto").status_code == 403
    unconfirmed = participant()
    EmailAddress.objects.filter(user=unconfirmed).update(verified=False)
    client.force_login(unconfirmed)
    assert 'class="stack-form comment-form"' not in page(client, measure_url())
    assert send_comment(client, "Unbestätigt").status_code == 403
    assert not Comment.objects.exists()


def test_no_comment_on_a_draft_measure(client, programme):
    client.force_login(participant())
    assert send_comment(client, "Zum Entwurf", code="M9").status_code == 404
    assert not Comment.objects.exists()


def test_five_comments_an_hour_counted_apart_from_questions(client, programme, time_machine):
    client.force_login(participant())
    for n in range(5):
        assert send_comment(client, f"Kommentar {n}").status_code == 302
    response = send_comment(client, "Der sechste")
    assert response.status_code == 429
    html = response.content.decode()
    # all five at 12:00: the first of them ages out at 13:00
    assert "kann der nächste ab 01.06.2025 13:00 gesendet werden" in html
    assert "Der sechste" in html
    assert Comment.objects.count() == 5
    # questions have their own count: the participant may still ask
    asked = client.post(
        reverse("portal:questions", args=[SLUG]),
        {"text": "Eine Frage", "about": "programme", "website": ""},
    )
    assert asked.status_code == 302
    time_machine.move_to("2025-06-01 13:00:01 +02:00", tick=False)
    assert send_comment(client, "Der sechste").status_code == 302


def test_hostile_comment_text_is_shown_as_text(client, programme):
    client.force_login(participant())
    assert send_comment(client, HOSTILE).status_code == 302
    client.logout()
    comment = Comment.objects.get()
    report_page = reverse("portal:report", args=[SLUG, "kommentar", comment.pk])
    for html in (page(client, measure_url()), page(client, report_page)):
        assert escape("<script>alert(1)</script>") in html
        found = Elements(html)
        assert not any("alert" in script for script in found.scripts)
        assert not any(tag == "img" for tag, _attrs in found.elements)
        assert not any("onerror" in attrs for _tag, attrs in found.elements)
        links = [a.get("href") or "" for tag, a in found.elements if tag == "a"]
        assert not any(href.strip().lower().startswith("javascript:") for href in links)


def queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_measure_pages_queries_do_not_grow_with_its_comments(client, programme):
    petra, anna = participant(), participant("anna", "Anna A.")
    first = written(petra, "Eins")
    written(anna, "Zwei", parent=first)
    small = [queries(client, measure_url())]
    client.force_login(anna)
    small.append(queries(client, measure_url()))
    client.logout()
    m1 = Measure.objects.get(code="M1")
    for n in range(30):
        top = Comment.objects.create(
            measure=m1, author=petra, author_name="Petra P.", text=f"K{n}", created=first.created
        )
        Comment.objects.bulk_create(
            Comment(
                measure=m1,
                parent=top,
                author=anna,
                author_name="Anna A.",
                text="R",
                created=first.created,
            )
            for _ in range(3)
        )
    large = [queries(client, measure_url())]
    client.force_login(anna)
    large.append(queries(client, measure_url()))
    assert large == small


# -- reporting --------------------------------------------------------------------------------


def test_a_visitor_reports_a_question_and_nothing_changes_publicly(client, programme):
    question_url = reverse("portal:question", args=[SLUG, "F1"])
    history_url = reverse("portal:history", args=[SLUG])
    before = page(client, question_url)
    assert "Diese Frage der Moderation melden" in before
    report_url = reverse("portal:report", args=[SLUG, "frage", "F1"])
    assert report_url in before
    html = page(client, report_url)
    assert "Frage F1 der Moderation melden" in html and "Wann kommt die Datenplattform?" in html
    response = client.post(report_url, {"reason": "Das ist Werbung.", "website": ""})
    assert response.status_code == 302 and response["Location"] == question_url
    assert THANKS in page(client, question_url)
    report = ContentReport.objects.get()
    assert (report.submission.code, report.comment, report.reason, report.closed) == (
        "F1",
        None,
        "Das ist Werbung.",
        None,
    )
    assert not Event.objects.get(action="content.reported").public
    after = page(client, question_url)
    assert after == before  # the message is gone, nothing else changed
    assert "Werbung" not in page(client, history_url)
    assert not Submission.objects.get(code="F1").hidden


def test_a_visitor_reports_a_comment_and_a_statement(client, programme):
    comment = written(participant(), "Unsinn")
    response = client.post(
        reverse("portal:report", args=[SLUG, "kommentar", comment.pk]),
        {"reason": "beleidigend", "website": ""},
    )
    assert response["Location"] == measure_url() + f"#comment-{comment.pk}"
    html = page(client, measure_url())
    assert THANKS in html and "Unsinn" in html
    assert reverse("portal:report", args=[SLUG, "kommentar", comment.pk]) in html
    statement = reverse("portal:report", args=[SLUG, "stellungnahme", "S1"])
    assert statement in page(client, reverse("portal:statement", args=[SLUG, "S1"]))
    client.post(statement, {"reason": "falsche Angaben", "website": ""})
    reports = ContentReport.objects.order_by("pk")
    assert [(r.comment, r.submission and r.submission.code) for r in reports] == [
        (comment, None),
        (None, "S1"),
    ]


def test_a_report_needs_a_reason_and_no_robot(client, programme):
    url = reverse("portal:report", args=[SLUG, "frage", "F1"])
    empty = client.post(url, {"reason": "  ", "website": ""})
    assert empty.status_code == 400
    html = empty.content.decode()
    assert 'href="#report-reason"' in html
    assert "Bitte sagen Sie, warum die Moderation es sich ansehen soll." in html
    robot = client.post(url, {"reason": "Kaufen!", "website": "x"})
    assert robot.status_code == 400
    assert "Es wurde nichts gespeichert." in robot.content.decode()
    assert not ContentReport.objects.exists()


def test_reports_are_limited_per_address(client, programme, monkeypatch):
    monkeypatch.setattr(limits, "REPORTS_PER_ADDRESS", 2)
    url = reverse("portal:report", args=[SLUG, "frage", "F1"])
    for n in range(2):
        assert client.post(url, {"reason": f"Grund {n}", "website": ""}).status_code == 302
    refused = client.post(url, {"reason": "Der dritte", "website": ""})
    assert refused.status_code == 429
    assert "Der dritte" in refused.content.decode()
    other = client.post(url, {"reason": "Von anderswo", "website": ""}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302
    assert ContentReport.objects.count() == 3


def test_what_is_hidden_or_not_public_cannot_be_reported(client, programme):
    hidden = reverse("portal:report", args=[SLUG, "frage", "F7"])
    html = page(client, hidden)
    assert "Von der Moderation ausgeblendet: Beleidigend" in html
    assert "nichts mehr zu melden" in html and 'name="reason"' not in html
    assert client.post(hidden, {"reason": "x", "website": ""}).status_code == 400
    assert "der Moderation melden" not in page(
        client, reverse("portal:question", args=[SLUG, "F7"])
    )
    # a comment awaiting release, and a reply under it, are not shown: nothing to report
    waiting = Comment.objects.create(
        measure=Measure.objects.get(code="M1"), text="Wartet", created=now(), pending=True
    )
    below = Comment.objects.create(
        measure=waiting.measure, parent=waiting, text="Darunter", created=now()
    )
    for kind, ref in (
        ("frage", "F8"),
        ("frage", "S1"),
        ("kommentar", str(waiting.pk)),
        ("kommentar", str(below.pk)),
        ("kommentar", "999"),
        ("x", "F1"),
    ):
        page(client, reverse("portal:report", args=[SLUG, kind, ref]), status=404)
    assert not ContentReport.objects.exists()


# -- following --------------------------------------------------------------------------------


def follow_post(client, what, action="follow"):
    return client.post(reverse("portal:follow", args=[SLUG]), {"what": what, "action": action})


@pytest.mark.parametrize(
    ("what", "url", "fields"),
    [
        ("programme", ("portal:overview", []), {}),
        ("measure:M1", ("portal:measure", ["M1"]), {"measure__code": "M1"}),
        ("frage:F1", ("portal:question", ["F1"]), {"submission__code": "F1"}),
        ("stellungnahme:S1", ("portal:statement", ["S1"]), {"submission__code": "S1"}),
        ("position:CDO", ("portal:positions", []), {"position__code": "CDO"}),
    ],
)
def test_the_follow_button_follows_and_stops(client, programme, what, url, fields):
    user = participant()
    client.force_login(user)
    address = reverse(url[0], args=[SLUG, *url[1]])
    html = page(client, address)
    assert f'name="what" value="{what}"' in html
    assert 'name="action" value="follow"' in html

    def rows():
        return Follow.objects.filter(
            user=user,
            programme=programme,
            measure__code=fields.get("measure__code"),
            submission__code=fields.get("submission__code"),
            position__code=fields.get("position__code"),
        )

    response = follow_post(client, what)
    assert response.status_code == 302 and response["Location"].startswith(address)
    assert rows().count() == 1
    html = page(client, address)
    assert "Sie folgen jetzt" in html  # the message
    assert 'name="action" value="unfollow"' in html and ">Nicht mehr folgen<" in html
    follow_post(client, what)  # twice changes nothing
    assert rows().count() == 1
    assert follow_post(client, what, "unfollow").status_code == 302
    assert not rows().exists()
    assert 'name="action" value="follow"' in page(client, address)


def test_the_asker_follows_their_question_from_the_start(client, programme):
    client.force_login(participant())
    client.post(
        reverse("portal:questions", args=[SLUG]),
        {"text": "Wann geht es los?", "about": "programme", "website": ""},
    )
    html = page(client, reverse("portal:question", args=[SLUG, "F9"]))
    assert ">Nicht mehr folgen<" in html


def test_visitors_see_a_login_link_and_cannot_follow(client, programme):
    for address in (
        reverse("portal:overview", args=[SLUG]),
        measure_url(),
        reverse("portal:question", args=[SLUG, "F1"]),
        reverse("portal:positions", args=[SLUG]),
    ):
        html = page(client, address)
        assert "Zum Folgen anmelden" in html and 'name="what"' not in html
    assert follow_post(client, "measure:M1").status_code == 403
    client.force_login(participant())
    assert follow_post(client, "measure:M9").status_code == 404  # a draft
    assert follow_post(client, "frage:F8").status_code == 404  # awaiting release
    assert not Follow.objects.exists()


def test_the_follow_page_explains_and_offers_the_button(client, programme):
    html = page(client, reverse("portal:follow", args=[SLUG]) + "?what=measure:M1")
    assert "bekommen dann eine Mail" in html and "Zum Folgen anmelden" in html
    client.force_login(participant())
    html = page(client, reverse("portal:follow", args=[SLUG]) + "?what=measure:M1")
    assert 'name="what" value="measure:M1"' in html
    html = page(client, reverse("portal:follow", args=[SLUG]) + "?what=measure:M9")
    assert 'name="what"' not in html  # a draft is not named


def test_a_post_shows_whether_this_participant_follows_it(client, programme):
    user = participant()
    cdo = Position.objects.get(code="CDO")  # the one public post: PL is neither funded nor awaited
    service.follow(user, cdo, actor=Actor(user=user))
    client.force_login(user)
    html = page(client, reverse("portal:positions", args=[SLUG]))
    assert 'aria-label="Nicht mehr folgen: ' + escape(cdo.title) + '"' in html
    client.force_login(participant("anna", "Anna A."))
    html = page(client, reverse("portal:positions", args=[SLUG]))
    assert 'aria-label="Folgen: ' + escape(cdo.title) + '"' in html
    assert ">Nicht mehr folgen<" not in html
    assert follow_post(client, "position:PL").status_code == 404  # not public
    assert not Follow.objects.filter(position__code="PL").exists()


# -- a statement's PDF ------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def speaker(programme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = participant("sprecherin", "Sprecherin JP")
    Body.objects.get(code="JP").speakers.add(user)
    return user


def submit_statement(client, upload):
    body = Body.objects.get(code="JP")
    return client.post(
        reverse("portal:questions", args=[SLUG]) + "?kind=statement",
        {
            "body": body.pk,
            "about": "measure:M2",
            "text": "Wir wünschen Radwege.",
            "website": "",
            "attachment": upload,
        },
    )


def test_a_speaker_attaches_a_pdf_which_the_statement_page_links(client, speaker, tmp_path):
    client.force_login(speaker)
    form = page(client, reverse("portal:questions", args=[SLUG]) + "?kind=statement")
    assert 'enctype="multipart/form-data"' in form
    assert 'type="file" name="attachment"' in form and 'accept="application/pdf' in form
    upload = SimpleUploadedFile("meine stellungnahme.pdf", PDF, content_type="application/pdf")
    assert submit_statement(client, upload).status_code == 302
    item = Submission.objects.get(kind=Submission.STATEMENT, code="S2")
    assert (tmp_path / item.attachment.name).read_bytes() == PDF
    client.logout()
    pdf_url = reverse("portal:statement_pdf", args=[SLUG, "S2"])
    assert pdf_url == "/p/testprogramm/stellungnahmen/S2/pdf/"
    html = page(client, reverse("portal:statement", args=[SLUG, "S2"]))
    assert f'href="{pdf_url}"' in html and "S2.pdf" in html
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="S2.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-cache"
    assert b"".join(response.streaming_content) == PDF
    # the stored file has no public address of its own
    assert client.get("/media/" + item.attachment.name).status_code == 404


def test_a_file_that_is_not_a_pdf_is_refused_on_the_field(client, speaker):
    client.force_login(speaker)
    upload = SimpleUploadedFile(
        "stellungnahme.pdf", b"<html>nope</html>", content_type="application/pdf"
    )
    response = submit_statement(client, upload)
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(r'<p class="kern-error" id="ask-attachment-error">([^<]*)</p>', html)
    assert error and "Die Datei ist keine PDF-Datei." in error.group(1)
    assert 'href="#ask-attachment"' in html  # the summary leads to the field
    assert "Wir wünschen Radwege." in html  # the text is kept
    assert not Submission.objects.filter(kind=Submission.STATEMENT, code="S2").exists()


def test_a_hidden_statements_pdf_is_not_served(client, speaker, personas):
    client.force_login(speaker)
    submit_statement(client, SimpleUploadedFile("s.pdf", PDF, content_type="application/pdf"))
    item = Submission.objects.get(kind=Submission.STATEMENT, code="S2")
    pdf_url = reverse("portal:statement_pdf", args=[SLUG, "S2"])
    assert client.get(pdf_url).status_code == 200
    service.hide(item, actor=Actor.for_user(personas.admin), reason="Persönliche Daten")
    assert client.get(pdf_url).status_code == 404
    html = page(client, reverse("portal:statement", args=[SLUG, "S2"]))
    assert pdf_url not in html
    # a statement without a PDF, and one that does not exist
    assert client.get(reverse("portal:statement_pdf", args=[SLUG, "S1"])).status_code == 404
    assert client.get(reverse("portal:statement_pdf", args=[SLUG, "S99"])).status_code == 404
