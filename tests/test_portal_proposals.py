"""The public pages of proposals: the list with its filters and orders (its queries do not grow
with the number of proposals), a proposal's page with the decisions and their public reasons,
supporting, the proposer's withdrawal, following, comments, the form for a new proposal with
its errors on the fields, and the image or PDF served only while the proposal is public and
shown.

The test document (``participation_document()``) as of Sunday 01.06.2025 12:00; the threshold
is set to 3; M9 is a draft measure.
"""

import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from plansicht.participation.models import Body, Comment, Follow, Participant
from plansicht.plan.models import Measure, Programme
from plansicht.proposals.models import Decision, Proposal, Support
from plansicht.services import Actor
from plansicht.services import proposals as service

from .factories import participation_document
from .test_portal_participation import HOSTILE, Elements

pytestmark = pytest.mark.django_db
SLUG = "testprogramm"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def persona_document():
    return participation_document()


@pytest.fixture(autouse=True)
def fresh_cache():
    """The rate limits and the cached pages live in the cache: each test starts afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def programme(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    Programme.objects.filter(pk=personas.programme.pk).update(
        proposal_threshold=3, proposal_labels={"declined": "nicht umsetzbar"}
    )
    personas.programme.refresh_from_db()
    return personas.programme


def participant(name, display=None):
    user = get_user_model().objects.create_user(name, email=f"{name}@example.org", password="x")
    Participant.objects.create(user=user, display_name=display or name.capitalize())
    EmailAddress.objects.create(user=user, email=f"{name}@example.org", verified=True, primary=True)
    return user


def on(time_machine, day):
    time_machine.move_to(datetime(day.year, day.month, day.day, 12, tzinfo=BERLIN), tick=False)


def list_url(query=""):
    return reverse("portal:proposals", args=[SLUG]) + query


def url(code="V1"):
    return reverse("portal:proposal", args=[SLUG, code])


def file_url(code="V1"):
    return reverse("portal:proposal_file", args=[SLUG, code])


def new_url():
    return reverse("portal:proposal_new", args=[SLUG])


def page(client, address, status=200):
    response = client.get(address)
    assert response.status_code == status, address
    text = response.content.decode()
    assert "<h1" in text, address
    return text


def propose(programme, user, **fields):
    values = {"title": "Mehr Bänke", "text": "Am Marktplatz fehlen *Bänke*."} | fields
    return service.submit(programme, actor=Actor.for_user(user, programme), author=user, **values)


def supports(proposal, users):
    for user in users:
        service.support(proposal, actor=Actor.for_user(user, proposal.programme), user=user)


def codes(html):
    return re.findall(r'<th scope="row"><a class="kern-link" href="[^"]+">(V\d+)</a>', html)


@pytest.fixture
def three(programme, personas, time_machine):
    """V1 (02.05., about M1, three supports: threshold reached 12.05., due 03.06.), V2 (05.05.,
    about the programme, one support, declined 20.05. with a reason), V3 (10.05., by the
    Seniorenbeirat, no support)."""
    anna, bernd, clara = participant("anna"), participant("bernd"), participant("clara")
    m1 = Measure.objects.get(programme=programme, code="M1")
    on(time_machine, date(2025, 5, 2))
    v1 = propose(programme, anna, title="Bänke am Markt", about=m1)
    on(time_machine, date(2025, 5, 5))
    v2 = propose(programme, bernd, title="Ein Freibad")
    supports(v2, [anna])
    on(time_machine, date(2025, 5, 10))
    seniors = Body.objects.get(code="SB")
    seniors.speakers.add(clara)
    v3 = propose(programme, clara, title="Sprechstunden", body=seniors)
    for day, user in (
        (date(2025, 5, 5), bernd),
        (date(2025, 5, 6), clara),
        (date(2025, 5, 12), anna),
    ):
        on(time_machine, day)
        supports(v1, [user])
    on(time_machine, date(2025, 5, 20))
    service.decide(
        v2,
        actor=Actor.for_user(personas.editor, programme),
        status="declined",
        reason="Kein Geld im Haushalt.",
    )
    on(time_machine, date(2025, 6, 1))
    return v1, v2, v3


# -- the list ---------------------------------------------------------------------------------


def test_the_list_shows_code_title_author_status_supports_and_due_date(client, three):
    html = page(client, list_url())
    assert codes(html) == ["V3", "V2", "V1"]  # newest first
    assert "Bänke am Markt" in html and "Seniorenbeirat" in html and "Bernd" in html
    assert "nicht umsetzbar" in html  # the programme's own word for declined
    assert "3 von 3" in html and "1 von 3" in html and "0 von 3" in html
    assert "03.06.2025" in html  # V1's due date, the threshold reached
    assert "@example.org" not in html
    assert 'href="/p/testprogramm/vorschlaege/"' in html  # in the navigation


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=declined", ["V2"]),
        ("?status=submitted", ["V3", "V1"]),
        ("?measure=M1", ["V1"]),
        ("?supports=reached", ["V1"]),
        ("?supports=below", ["V3", "V2"]),
        ("?sort=supports", ["V1", "V2", "V3"]),
        ("?sort=due", ["V1", "V3", "V2"]),
        ("?sort=newest", ["V3", "V2", "V1"]),
    ],
)
def test_the_filters_and_orders(client, three, query, expected):
    assert codes(page(client, list_url(query))) == expected


def test_a_filter_that_cannot_be_used_is_left_out(client, three):
    response = client.get(list_url("?status=nonsense&measure=M9"))
    assert response.status_code == 400
    assert codes(response.content.decode()) == ["V3", "V2", "V1"]


def list_queries(client, programme, count):
    users = [participant(f"p{count}x{i}") for i in range(3)]
    m1 = Measure.objects.get(programme=programme, code="M1")
    for i in range(count):
        item = propose(programme, users[i % 3], title=f"Vorschlag {i}", about=m1 if i % 2 else None)
        supports(item, users[: i % 4])
    cache.clear()
    client.get(list_url("?sort=supports"))  # warm the per-process caches
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(list_url("?sort=supports"))
    assert response.status_code == 200
    return len(captured)


def test_the_list_queries_do_not_grow_with_the_proposals(client, programme):
    few = list_queries(client, programme, 3)
    Proposal.objects.all().delete()
    many = list_queries(client, programme, 40)
    assert few == many


# -- a proposal's page ----------------------------------------------------------------------


def test_the_page_shows_the_text_the_threshold_and_the_due_date(client, three):
    html = page(client, url("V1"))
    assert "Bänke am Markt" in html and "<em>Bänke</em>" in html  # the markdown filter
    assert 'href="/p/testprogramm/measures/M1/"' in html  # what it concerns
    assert "12.05.2025" in html and "03.06.2025" in html
    assert 'max="3" value="3"' in html
    assert "eingereicht" in html  # the status


def test_a_decision_shows_its_date_reason_and_what_took_it_up(
    client, three, personas, time_machine
):
    v1 = three[0]
    on(time_machine, date(2025, 6, 2))
    service.decide(
        v1,
        actor=Actor.for_user(personas.editor, v1.programme),
        status="partly_taken",
        reason="Zwei Bänke kommen.",
        link="measure:M2",
    )
    html = page(client, url("V1"))
    assert "02.06.2025" in html and "Zwei Bänke kommen." in html
    assert 'href="/p/testprogramm/measures/M2/"' in html
    assert "Unterstützen" not in html  # decided: no more supports
    declined = page(client, url("V2"))
    assert "nicht umsetzbar" in declined and "Kein Geld im Haushalt." in declined


def test_a_participant_supports_and_withdraws_the_support(client, three):
    v3 = three[2]
    dora = participant("dora")
    client.force_login(dora)
    assert "Diesen Vorschlag unterstützen" in page(client, url("V3"))
    response = client.post(url("V3"), {"action": "support"})
    assert response.status_code == 302 and response["Location"] == url("V3")
    assert Support.objects.filter(proposal=v3, user=dora).count() == 1
    html = page(client, url("V3"))
    assert "Meine Unterstützung zurückziehen" in html and "1 von 3" in html
    client.post(url("V3"), {"action": "support"})  # a second time: refused, one support
    assert Support.objects.filter(proposal=v3, user=dora).count() == 1
    client.post(url("V3"), {"action": "unsupport"})
    assert not Support.objects.filter(proposal=v3, user=dora).exists()


def test_a_visitor_cannot_support(client, three):
    html = page(client, url("V3"))
    assert "anmelden" in html.lower() or "melden Sie sich" in html
    assert client.post(url("V3"), {"action": "support"}).status_code == 403
    assert not Support.objects.filter(proposal=three[2]).exists()


def test_the_proposer_withdraws_with_a_reason(client, three):
    v1 = three[0]
    client.force_login(v1.author)
    assert "Meinen Vorschlag zurückziehen" in page(client, url("V1"))
    response = client.post(url("V1"), {"action": "withdraw", "reason": "Erledigt."})
    assert response.status_code == 302
    v1.refresh_from_db()
    assert v1.status == "withdrawn"
    assert Decision.objects.get(proposal=v1, status="withdrawn").reason == "Erledigt."
    client.logout()
    html = page(client, url("V1"))
    assert "zurückgezogen" in html and "Erledigt." in html


def test_someone_else_cannot_withdraw(client, three):
    client.force_login(participant("eve"))
    assert "Meinen Vorschlag zurückziehen" not in page(client, url("V1"))
    assert client.post(url("V1"), {"action": "withdraw"}).status_code == 403
    three[0].refresh_from_db()
    assert three[0].status == "submitted"


def test_follow_and_unfollow(client, three):
    dora = participant("dora")
    client.force_login(dora)
    follow = reverse("portal:follow", args=[SLUG])
    assert 'value="vorschlag:V1"' in page(client, url("V1"))
    response = client.post(follow, {"what": "vorschlag:V1", "action": "follow"})
    assert response.status_code == 302 and response["Location"] == url("V1")
    assert Follow.objects.filter(user=dora, proposal=three[0]).exists()
    client.post(follow, {"what": "vorschlag:V1", "action": "unfollow"})
    assert not Follow.objects.filter(user=dora, proposal=three[0]).exists()


def test_comments_on_a_proposal_one_level_deep(client, three):
    dora = participant("dora")
    client.force_login(dora)
    response = client.post(url("V1"), {"text": "Gute Idee!", "parent": "", "website": ""})
    first = Comment.objects.get()
    assert response["Location"] == url("V1") + f"#comment-{first.pk}"
    assert (first.proposal, first.measure) == (three[0], None)
    client.post(url("V1"), {"text": "Finde ich auch.", "parent": first.pk, "website": ""})
    reply = Comment.objects.exclude(pk=first.pk).get()
    assert reply.parent == first
    client.logout()
    html = page(client, url("V1"))
    assert "Gute Idee!" in html and "Finde ich auch." in html
    assert f"/melden/kommentar/{first.pk}/" in html
    report = page(client, reverse("portal:report", args=[SLUG, "kommentar", first.pk]))
    assert url("V1") in report


# -- hidden, drafts, hostile input ----------------------------------------------------------


def image_upload(name="bild.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 90, 200)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_an_image_is_shown_through_the_view_and_not_once_hidden(client, programme, personas):
    item = propose(programme, participant("anna"), attachment=image_upload())
    html = page(client, url("V1"))
    assert f'<img src="{file_url()}"' in html
    response = client.get(file_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get("/media/" + item.attachment.name).status_code == 404
    service.hide(item, actor=Actor.for_user(personas.moderator, programme), reason="Werbung")
    assert client.get(file_url()).status_code == 404
    html = page(client, url("V1"))
    assert file_url() not in html
    assert "Werbung" in html
    assert "Mehr Bänke" not in html and "Marktplatz" not in html  # title and text not shown


def test_a_pdf_is_linked(client, programme):
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    propose(programme, participant("anna"), attachment=pdf)
    assert f'href="{file_url()}"' in page(client, url("V1"))
    response = client.get(file_url())
    assert response["Content-Type"] == "application/pdf"


def test_a_proposal_about_a_draft_has_no_page_and_no_file(client, programme):
    item = propose(programme, participant("anna"), attachment=image_upload())
    Proposal.objects.filter(pk=item.pk).update(
        measure=Measure.objects.get(programme=programme, code="M9")
    )
    assert client.get(url("V1")).status_code == 404
    assert client.get(file_url()).status_code == 404
    assert "V1" not in codes(page(client, list_url()))


def test_hostile_text_is_shown_as_text(client, programme):
    anna = participant("anna")
    client.force_login(anna)
    response = client.post(
        new_url(), {"title": HOSTILE[:150], "text": HOSTILE, "about": "programme", "website": ""}
    )
    assert response.status_code == 302
    client.logout()
    for html in (page(client, list_url()), page(client, url("V1"))):
        assert escape("<script>alert(1)</script>") in html
        found = Elements(html)
        assert not any("alert" in script for script in found.scripts)
        assert not any("onerror" in attrs for _tag, attrs in found.elements)
        links = [a.get("href") or "" for tag, a in found.elements if tag == "a"]
        assert not any(href.strip().lower().startswith("javascript:") for href in links)


# -- the form for a new proposal ------------------------------------------------------------


def test_a_participant_proposes_and_lands_on_the_page(client, programme):
    anna = participant("anna")
    client.force_login(anna)
    form = page(client, new_url())
    assert 'enctype="multipart/form-data"' in form and 'name="attachment"' in form
    assert 'name="body"' not in form  # Anna speaks for no body
    assert "measure:M9" not in form  # no draft to choose
    response = client.post(
        new_url(),
        {
            "title": "Bänke",
            "text": "Mehr Bänke.",
            "about": "measure:M1",
            "attachment": image_upload(),
            "website": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("V1")
    item = Proposal.objects.get()
    assert (item.author, item.measure.code, item.attachment.name.endswith(".jpg")) == (
        anna,
        "M1",
        True,
    )


def test_a_speaker_proposes_for_the_body(client, programme):
    clara = participant("clara")
    Body.objects.get(code="JP").speakers.add(clara)
    client.force_login(clara)
    form = page(client, new_url())
    assert "Jugendparlament" in form and "In meinem eigenen Namen" in form
    body = Body.objects.get(code="JP")
    client.post(
        new_url(),
        {"title": "Skatepark", "text": "Bitte.", "about": "programme", "body": body.pk},
    )
    assert Proposal.objects.get().body == body


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"text": "x" * 10_001}, "text", "10.000"),
        ({"title": "x" * 201}, "title", "200"),
        ({"text": "Bitte\x00"}, "text", ""),
        ({"title": ""}, "title", ""),
        ({"about": "measure:M9"}, "about", ""),
    ],
)
def test_errors_are_shown_on_the_field_in_german(client, programme, data, field, words):
    client.force_login(participant("anna"))
    values = {"title": "Bänke", "text": "Mehr Bänke.", "about": "programme", "website": ""}
    response = client.post(new_url(), values | data)
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(rf'<p class="kern-error" id="propose-{field}-error">([^<]*)</p>', html)
    assert error, html[:500]
    assert words in error.group(1)
    assert not Proposal.objects.exists()


def test_a_file_that_is_no_image_is_refused_on_the_field(client, programme):
    client.force_login(participant("anna"))
    fake = SimpleUploadedFile("bild.jpg", b"MZ\x90 not an image", content_type="image/jpeg")
    response = client.post(
        new_url(),
        {"title": "Bänke", "text": "Mehr Bänke.", "about": "programme", "attachment": fake},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'<p class="kern-error" id="propose-attachment-error">[^<]*Bild', html)
    assert "Mehr Bänke." in html  # kept
    assert not Proposal.objects.exists()


def test_only_participants_propose(client, programme, personas):
    html = page(client, new_url())
    assert 'id="propose-title"' not in html and "melden Sie sich an" in html
    data = {"title": "x", "text": "y", "about": "programme"}
    assert client.post(new_url(), data).status_code == 403
    client.force_login(personas.outsider)
    assert 'id="propose-title"' not in page(client, new_url())
    assert client.post(new_url(), data).status_code == 403
    assert not Proposal.objects.exists()


def test_a_hidden_proposal_takes_no_comment(client, programme, personas):
    item = propose(programme, participant("anna"))
    service.hide(item, actor=Actor.for_user(personas.moderator, programme), reason="Werbung")
    client.force_login(participant("dora"))
    assert client.post(url("V1"), {"text": "Hallo", "website": ""}).status_code == 403
    assert not Comment.objects.exists()


def test_the_proposers_account_lists_the_proposal_followed(client, programme):
    anna = participant("anna")
    propose(programme, anna)
    client.force_login(anna)
    html = page(client, reverse("portal:account"))
    assert "Vorschlag V1" in html and f'href="{url("V1")}"' in html
