"""The public posts page: where hiring stands, who stands in, what waits and what it costs."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from .factories import load, staffed_document

pytestmark = pytest.mark.django_db


def test_the_posts_page_shows_the_vacancy_its_cost_and_the_waiting_milestone(client, today):
    programme = load(staffed_document())
    page = client.get(reverse("portal:positions", args=[programme.slug])).content.decode()
    assert "Chief Digital Officer" in page
    assert "5.580,00 €" in page  # what filling the CDO post today would save
    assert "07.10.2025" in page  # its forecast fill date
    assert "D Konzept" in page  # the milestone waiting for it
    assert "ehrenamtlich" in page or "honorary" in page


def test_the_posts_page_says_since_when_a_post_is_vacant_and_what_a_month_costs(client, today):
    programme = load(staffed_document())
    page = client.get(reverse("portal:positions", args=[programme.slug])).content.decode()
    with translation.override("de"):
        since = translation.gettext("vacant since %(date)s, since the first hiring step") % {
            "date": "01.01.2024"
        }
        month = translation.gettext("Each month of delay costs")
        amount = translation.gettext("%(amount)s grant money") % {"amount": "2.700,00 €"}
    assert escape(since) in page  # not 1704 days since the grant notice of 2020
    assert "517" in page  # days from 1.1.2024 to 1.6.2025
    assert f"{escape(month)}</dt>" in page and f">{escape(amount)}</dd>" in page


def test_a_holder_is_named_only_where_entered_as_public(client, today):
    doc = staffed_document()
    doc["positions"][1]["grant"] = "G1"  # a funded, filled post whose holder is public
    programme = load(doc)
    page = client.get(reverse("portal:positions", args=[programme.slug])).content.decode()
    assert "Max Beispiel" in page
    assert "Erika Muster" not in page  # entered, but not as public
    doc["positions"][1]["holder_public"] = False
    load(doc, replace=True)
    page = client.get(reverse("portal:positions", args=[programme.slug])).content.decode()
    assert "Max Beispiel" not in page


def test_the_measure_page_names_the_posts_it_waits_for(client, today):
    programme = load(staffed_document())
    page = client.get(reverse("portal:measure", args=[programme.slug, "M2"])).content.decode()
    assert "Chief Digital Officer" in page


def test_the_methodology_page_states_the_hiring_rules_and_thresholds(client, today):
    programme = load(staffed_document())
    page = client.get(reverse("portal:methodology", args=[programme.slug])).content.decode()
    assert 'id="hiring"' in page and ">120<" not in page and ">90<" in page
