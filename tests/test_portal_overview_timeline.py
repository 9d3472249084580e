"""The overview's picture after the numbers: approved plan against forecast for each measure."""

import re

import pytest
from django.urls import reverse

from .factories import document, late_measures_document, load

pytestmark = pytest.mark.django_db


def timeline_rows(client, slug="testprogramm"):
    """{row header: [cell texts]} of the table that goes with the overview's timeline."""
    html = client.get(reverse("portal:overview", args=[slug])).content.decode()
    table = html.split('id="timeline-caption"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        cells = [
            re.sub(r"<[^>]+>|\s+", " ", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return html, rows


def test_the_overview_draws_each_published_measure_from_its_first_to_its_last_date(client, today):
    load()
    html, rows = timeline_rows(client)
    # Drafts (M9, and the draft milestone X that would start M2 earlier) stay out.
    assert list(rows) == [
        "M1 Datenplattform",
        "M1.1 Sensorik",
        "M1.1.1 Gateways",
        "M2 Radverkehr",
    ]
    # M1 starts with its own milestone A (started 05.01.2025, planned 01.01.2025), a measure
    # above covers its sub-measures' milestones: M1.1's B started on 15.02.2025.
    assert rows["M1 Datenplattform"][0].startswith("05.01.2025 – ")
    assert rows["M1 Datenplattform"][1].startswith("01.01.2025 – ")
    assert rows["M1.1 Sensorik"][0].startswith("15.02.2025 – ")
    assert rows["M1.1 Sensorik"][1].startswith("01.02.2025 – ")
    assert rows["M2 Radverkehr"][1] == "01.07.2025 – 29.09.2025"
    # The picture comes after the figures, with a today line in both drawings.
    assert html.index('id="status-heading"') < html.index('id="timeline-heading"')
    assert 'class="tl-measures-today"' in html and 'class="tl-measures-phone-today"' in html


def test_the_approved_plan_column_reads_the_current_plan_version_only(client, today):
    doc = document()
    # The first version planned A two months earlier; the current (second) one does not.
    doc["plan_versions"][0]["milestones"][0]["start"] = "2024-11-01"
    load(doc)
    _html, rows = timeline_rows(client)
    assert rows["M1 Datenplattform"][1].startswith("01.01.2025 – ")
    assert rows["M2 Radverkehr"][1] == "01.07.2025 – 29.09.2025"


def test_without_an_approved_plan_the_overview_says_so(client, today):
    load(document(slug="ohneplan", plan_versions=[]))
    _html, rows = timeline_rows(client, "ohneplan")
    assert rows["M1 Datenplattform"][0].startswith("05.01.2025 – ")
    assert rows["M1 Datenplattform"][1] == "nicht im genehmigten Plan"


def test_with_many_measures_the_overview_draws_only_the_top_ones(client, today):
    doc = document()
    doc["measures"] += [
        {"code": f"M2.{i}", "title": f"Teil {i}", "field_of_action": "F2", "parent": "M2"}
        for i in range(1, 10)
    ]
    load(doc)
    _html, rows = timeline_rows(client)
    assert list(rows) == ["M1 Datenplattform", "M2 Radverkehr"]


def test_a_programme_of_many_measures_shows_the_twelve_most_delayed(client, today):
    # Twenty top-level measures, measure Nk with one milestone expected to finish later with k.
    doc = late_measures_document(
        [f"2025-{8 + k // 5:02d}-{1 + (k % 5) * 5:02d}" for k in range(1, 21)]
    )
    load(doc)
    html, rows = timeline_rows(client)
    # The expected finishes grow with k: N09 … N20 are the twelve most delayed, in plan order.
    assert list(rows) == [f"N{k:02d} Maßnahme {k}" for k in range(9, 21)]
    assert "Die 12 von 20 Maßnahmen mit dem größten Verzug." in html
