"""The overview's measures by field of action: every measure in a small plan, the top ones of
each field in a large one, so that the page does not grow with every sub-measure."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from .factories import document, late_measures_document, load

pytestmark = pytest.mark.django_db


def field_tables(html):
    """{field title: [row headers]} of the overview's tables by field of action."""
    section = html.split('id="fields-heading"', 1)[1].split("</section>", 1)[0]
    tables = {}
    for caption, body in re.findall(r"<caption[^>]*>(.*?)</caption>(.*?)</table>", section, re.S):
        rows = re.findall(r'<th scope="row"[^>]*>\s*<a[^>]*>(.*?)</a>', body, re.S)
        tables[caption.strip()] = [" ".join(r.split()) for r in rows]
    return section, tables


def overview(client):
    return client.get(reverse("portal:overview", args=["testprogramm"])).content.decode()


def with_sub_measures(count):
    """The test document with ``count`` more sub-measures of M2 (field F2, "Mobilität") and one
    sub-measure of M1 in field F2, whose parent is in another field."""
    doc = document()
    doc["measures"] += [
        {"code": f"M2.{i:03d}", "title": f"Abschnitt {i}", "field_of_action": "F2", "parent": "M2"}
        for i in range(1, count + 1)
    ]
    doc["measures"].append(
        {"code": "M1.9", "title": "Parkleitsystem", "field_of_action": "F2", "parent": "M1"}
    )
    return doc


def test_a_small_plan_lists_every_published_measure_under_its_field(client, today):
    load()
    section, tables = field_tables(overview(client))
    assert tables == {
        "Verwaltung": ["M1 Datenplattform", "M1.1 Sensorik", "M1.1.1 Gateways"],
        "Mobilität": ["M2 Radverkehr"],  # the draft M9 stays out
    }
    assert "?field=" not in section


def test_a_large_plan_lists_the_top_measures_of_each_field_and_links_to_all(client, today):
    load(with_sub_measures(45))  # 50 published measures: more than 40
    section, tables = field_tables(overview(client))
    # M1.9 belongs to F2 while its parent M1 is in F1: in F2 it is a top measure.
    assert tables == {
        "Verwaltung": ["M1 Datenplattform"],
        "Mobilität": ["M1.9 Parkleitsystem", "M2 Radverkehr"],
    }
    note = "bei mehr die 10 mit dem größten Verzug; ihre Zahlen umfassen ihre Untermaßnahmen"
    assert note in section
    assert "Alle 3 Maßnahmen von Verwaltung" in section
    link = re.search(r'href="([^"]*\?field=F2)"[^>]*>([^<]*)<', section)
    assert link is not None and link.group(2) == "Alle 47 Maßnahmen von Mobilität"
    # The link leads to the field's whole list, sub-measures included.
    listed = client.get(link.group(1)).content.decode()
    assert "M2.045" in listed and "M2.001" in listed and "M1.1 Sensorik" not in listed


def test_the_overview_of_a_large_plan_keeps_its_size_as_sub_measures_are_added(client, today):
    load(with_sub_measures(45))
    fifty = len(overview(client))
    load(with_sub_measures(245), replace=True)
    two_hundred_fifty = overview(client)
    assert "M2.245" not in two_hundred_fifty
    # The counts in the links and the timeline's note change, not the number of rows.
    assert abs(len(two_hundred_fifty) - fifty) < 200


def test_a_field_of_many_top_measures_shows_the_ten_most_delayed(client, today):
    # 45 top-level measures in F1, measure Nk with one milestone expected to finish k days late.
    doc = late_measures_document(
        [(date(2025, 7, 31) + timedelta(days=k)).isoformat() for k in range(1, 46)]
    )
    load(doc)
    section, tables = field_tables(overview(client))
    # N36 … N45 are 36 … 45 days late: the ten most delayed, in plan order.
    assert tables == {"Verwaltung": [f"N{k:02d} Maßnahme {k}" for k in range(36, 46)]}
    assert "Alle 45 Maßnahmen von Verwaltung" in section
