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
from django.urls import reverse

from plansicht.participation.models import (
    Body,
    Participant,
    Submission,
)
from plansicht.plan.models import Measure
from plansicht.services import Actor
from plansicht.services import participation as service

from .factories import participation_document

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
