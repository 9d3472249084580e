"""The site texts BITV 2.0 asks for: the accessibility statement after the EU's model, and the
pages in easy language and on sign language, linked from the footer of every portal page."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from plansicht.content.models import Page

pytestmark = pytest.mark.django_db

NEW = importlib.import_module("plansicht.content.migrations.0003_easy_and_sign_language")
OLD = importlib.import_module("plansicht.content.migrations.0002_default_pages")

# The headings of the model statement (Commission Implementing Decision (EU) 2018/1523), in
# the order it gives them, as the German and English statements name them.
MODEL_SECTIONS = {
    "de": [
        "Stand der Vereinbarkeit mit den Anforderungen",
        "Nicht barrierefreie Inhalte",
        "Erstellung dieser Erklärung zur Barrierefreiheit",
        "Feedback und Kontaktangaben",
        "Durchsetzungsverfahren",
    ],
    "en": [
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
        "Feedback and contact information",
        "Enforcement procedure",
    ],
}


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_accessibility_statement_has_the_sections_of_the_eu_model(client, language):
    prefix = "" if language == "de" else "/en"
    response = client.get(f"{prefix}/accessibility/")
    assert response.status_code == 200
    text = response.content.decode()
    places = [text.find(section) for section in MODEL_SECTIONS[language]]
    assert -1 not in places and places == sorted(places), places
    assert "teilweise" in text if language == "de" else "partially compliant" in text
    assert "§ 16 BGG" in text
    assert "barrierefreiheit@musterstadt.example" in text


def test_every_portal_page_links_to_easy_language_and_sign_language(client):
    start = client.get("/").content.decode()
    assert f'href="{reverse("portal:easy_language")}"' in start
    assert f'href="{reverse("portal:sign_language")}"' in start

    easy = client.get("/leichte-sprache/")
    assert easy.status_code == 200
    assert "<h1 " in easy.content.decode() and "Leichte Sprache</h1>" in easy.content.decode()
    assert "Ein Meilenstein ist ein wichtiger Schritt." in easy.content.decode()
    sign = client.get("/gebaerdensprache/").content.decode()
    assert "Deutscher Gebärdensprache</h1>" in sign
    assert "Das Video folgt." in sign


def test_the_easy_language_page_in_english_is_the_german_one_marked_as_german(client):
    page = client.get("/en/leichte-sprache/").content.decode()
    assert '<html lang="en">' in page
    assert '<div lang="de">\n<h1 class="kern-heading-large">Leichte Sprache</h1>' in page


def test_an_adapted_accessibility_statement_is_not_replaced_by_the_new_default():
    Page.objects.filter(key="accessibility").delete()
    title, body = OLD.PAGES[("accessibility", "de")]
    Page.objects.create(key="accessibility", language="de", title=title, body=body)
    Page.objects.create(key="accessibility", language="en", title="Ours", body="The city's own.")

    NEW.create(apps, schema_editor=None)

    assert Page.objects.get(key="accessibility", language="de").body == NEW.ACCESSIBILITY_DE[1]
    adapted = Page.objects.get(key="accessibility", language="en")
    assert (adapted.title, adapted.body) == ("Ours", "The city's own.")
