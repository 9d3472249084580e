"""The consultations' public pages: the list and the page a visitor may see, the form while
open, the results only after the close (page and CSV), the draft behind ``may_see``."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plansicht.accounts.models import Organisation
from plansicht.consultations.models import Answer, Response
from plansicht.participation.models import Participant
from plansicht.services import Actor
from plansicht.services import consultations as service

BERLIN = ZoneInfo("Europe/Berlin")
QUESTIONS = [
    {"kind": "single", "text": "Welche Variante?", "required": True, "choices": ["A", "B", "C"]},
    {"kind": "multiple", "text": "Was ist wichtig?", "choices": ["Licht", "Bänke"]},
    {"kind": "rating", "text": "Wie gut ist der Entwurf?"},
    {"kind": "text", "text": "Was fehlt?"},
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def make(personas, **kw):
    values = {
        "title": "Smart-City-Leitbild",
        "description": "Der Entwurf des Leitbilds.",
        "opens": datetime(2025, 5, 1, 9),
        "closes": datetime(2026, 12, 31, 18),
        "questions": QUESTIONS,
    }
    values.update(kw)
    return service.save_consultation(
        personas.programme, actor=Actor.for_user(personas.editor), **values
    )


def page(c):
    return reverse("portal:consultation", args=[c.programme.slug, c.code])


def csv_url(c):
    return reverse("portal:consultation_results_csv", args=[c.programme.slug, c.code])


def participant(name, email):
    user = get_user_model().objects.create_user(name)
    Participant.objects.create(user=user, display_name=name.title())
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_the_page_shows_the_period_in_german_and_the_form_while_open(client, personas):
    c = make(personas)
    html = client.get(page(c)).content.decode()
    assert "31.12.2026, 18:00 Uhr" in html and "01.05.2025, 09:00 Uhr" in html
    assert "Der Entwurf des Leitbilds." in html
    assert "melden Sie sich" in html or "log in" in html.lower() or "anmelden" in html.lower()
    client.force_login(personas.participant)
    html = client.get(page(c)).content.decode()
    assert "<legend" in html and "(Pflichtfrage)" in html and "(freiwillig)" in html
    assert 'name="q1"' in html and 'type="checkbox"' in html


def test_answering_through_the_page_and_changing_it(client, personas):
    c = make(personas)
    client.force_login(personas.participant)
    response = client.post(page(c), {"q1": "1", "q2": ["0", "1"], "q3": "4", "q4": "Bäume"})
    assert response.status_code == 302
    html = client.get(page(c)).content.decode()
    assert "Sie können Ihre Antworten bis 31.12.2026, 18:00 Uhr ändern" in html
    assert "checked" in html
    client.post(page(c), {"q1": "2"})
    assert Response.objects.count() == 1
    assert Answer.objects.get(question__number=1).choices == [2]


def test_errors_are_shown_per_field_and_nothing_is_stored(client, personas):
    c = make(personas)
    client.force_login(personas.participant)
    response = client.post(page(c), {"q1": "7", "q2": ["5"], "q3": "9", "q4": "x\x00"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#answer-q1_0"' in html and 'href="#answer-q2_0"' in html
    assert 'id="answer-q1-error"' in html or "answer-q1" in html
    assert "Es gibt ein Problem" in html or "problem" in html.lower()
    assert not Response.objects.exists()


def test_results_are_hidden_before_the_close_on_the_page_and_in_the_csv(client, personas):
    c = make(personas)
    service.answer(
        c, actor=Actor(user=personas.participant), user=personas.participant, answers={1: 0}
    )
    client.force_login(personas.admin)  # not even the office sees them here
    html = client.get(page(c)).content.decode()
    assert "Ergebnisse als CSV" not in html and "<svg" not in html
    assert client.get(csv_url(c)).status_code == 404


def test_results_after_the_close_with_chart_table_and_csv(client, personas, time_machine):
    c = make(personas, closes=datetime(2025, 6, 1, 15))
    people = [participant(f"p{i}", f"p{i}@example.org") for i in range(3)]
    for i, p in enumerate(people):
        service.answer(
            c,
            actor=Actor(user=p),
            user=p,
            answers={1: 0 if i < 2 else 1, 3: [4, 4, 3][i], 4: "Mehr <b>Licht</b>"},
        )
    Answer.objects.filter(question__number=4).update(released=True)
    Answer.objects.filter(question__number=4, response__user=people[2]).update(hidden=True)
    time_machine.move_to(datetime(2025, 6, 2, 9, tzinfo=BERLIN), tick=False)
    html = client.get(page(c)).content.decode()
    assert "<svg" in html and "<table" in html
    assert "66,7\u00a0%" in html and "33,3\u00a0%" in html
    assert "3,7" in html  # the mean of 4, 4, 3
    assert html.count("Mehr &lt;b&gt;Licht&lt;/b&gt;") >= 2 and "<b>Licht" not in html
    assert 'id="answer-q1"' not in html  # no form after the close
    response = client.get(csv_url(c))
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0] == "question,kind,choice,count,share,mean"
    assert "Welche Variante?,single,A,2,66.7," in lines
    assert "Wie gut ist der Entwurf?,rating,4,2,66.7,3.7" in lines


def test_answering_after_the_close_through_the_page_is_refused(client, personas, time_machine):
    c = make(personas, closes=datetime(2025, 6, 1, 15))
    time_machine.move_to(datetime(2025, 6, 1, 15, tzinfo=BERLIN), tick=False)
    client.force_login(personas.participant)
    response = client.post(page(c), {"q1": "0"}, follow=True)
    assert "01.06.2025, 15:00 Uhr" in response.content.decode()
    assert not Response.objects.exists()


def test_a_staff_only_consultation_is_invisible_to_anyone_not_staff(client, personas, media):
    Organisation.objects.filter(pk=personas.programme.organisation_id).update(
        staff_email_domains=["stadt.de"]
    )
    c = make(
        personas,
        audience="staff",
        title="Interne Umfrage",
        document=SimpleUploadedFile("d.pdf", b"%PDF-1.4 intern"),
    )
    listing = reverse("portal:consultations", args=[c.programme.slug])
    pdf = reverse("portal:consultation_pdf", args=[c.programme.slug, c.code])
    outside = participant("buerger", "b@example.org")
    staff = participant("beamtin", "b@stadt.de")
    for user in (None, outside):
        client.logout()
        if user:
            client.force_login(user)
        assert "Interne Umfrage" not in client.get(listing).content.decode()
        for url in (page(c), pdf, csv_url(c)):
            assert client.get(url).status_code == 404, (user, url)
    for user in (staff, personas.viewer):
        client.force_login(user)
        assert "Interne Umfrage" in client.get(listing).content.decode()
        assert client.get(page(c)).status_code == 200
        assert client.get(pdf).status_code == 200
    client.force_login(staff)
    assert client.post(page(c), {"q1": "0"}).status_code == 302
    assert Response.objects.get().user == staff


def test_the_draft_is_served_as_a_pdf_never_from_media(client, personas, media):
    c = make(personas, document=SimpleUploadedFile("d.pdf", b"%PDF-1.4 Entwurf"))
    pdf = reverse("portal:consultation_pdf", args=[c.programme.slug, c.code])
    response = client.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get("/media/" + c.document.name).status_code == 404
