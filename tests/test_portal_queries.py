"""The number of SQL queries of the public pages does not grow with the programme."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plansicht.demo import synthetic
from plansicht.plan.models import Measure, Milestone

from .factories import load

pytestmark = pytest.mark.django_db


def queries(client, url):
    client.get(url)  # warm the per-process caches (content types) before counting
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def page_queries(client, size):
    programme = load(synthetic.document(size))
    slug = programme.slug
    # The measure and milestone with the most neighbours, so that the large one is truly large.
    measure = max(Measure.objects.filter(programme=programme), key=lambda m: m.milestones.count())
    milestone = Milestone.objects.filter(programme=programme, actual_start__isnull=True).last()
    return {
        "overview": queries(client, reverse("portal:overview", args=[slug])),
        "list": queries(client, reverse("portal:measures", args=[slug])),
        "list filtered": queries(
            client, reverse("portal:measures", args=[slug]) + "?health=red&q=Ma&field=F1"
        ),
        "measure": queries(client, reverse("portal:measure", args=[slug, measure.code])),
        "milestone": queries(client, reverse("portal:milestone", args=[slug, milestone.code])),
        "history": queries(client, reverse("portal:history", args=[slug])),
    }


def test_page_queries_do_not_grow_with_the_programme(client, today):
    small = page_queries(client, 50)
    large = page_queries(client, 1000)
    assert small == large
    # The measure page counts its subtree's finished and accepted milestones in a query of its
    # own (11): counting them for every measure inside the query that loads the measures cost
    # more time than the rest of that query.
    assert max(large.values()) <= 11
