"""The public pages: a measure's indicators (progress in words, the chart, the table of values
with baseline and target), and the two kinds of done shown apart: reported complete and
accepted by the funder, with the counts on the overview and the measure page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from .factories import indicated_document, load

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(today):
    return load(indicated_document())


def page(client, name, *args, lang="en"):
    with translation.override("de"):  # the address without a language prefix
        url = reverse(f"portal:{name}", args=["testprogramm", *args])
    response = client.get(f"/{lang}{url}" if lang == "en" else url)
    assert response.status_code == 200
    return response.content.decode()


def section(html, start, end="</section>"):
    """The part of the page from ``start`` to the next ``end``."""
    at = html.index(start)
    return html[at : html.index(end, at)]


def test_the_measure_page_says_where_each_indicator_stands(client, programme):
    html = page(client, "measure", "M1")
    # as of 01.06.2025: 18 of 31.03.2025 counts (12.50 of 30.06. is not measured yet)
    assert (
        "From 30 Tage (1 Jan 2024) to 10 Tage by 31 Dec 2026. Latest value: 18 Tage on "
        "31 Mar 2025. That is 60.0 % of the way from the baseline to the target."
    ) in html
    # of the two values of 31.03.2025 the later counts: 70 of 120
    assert "Latest value: 70 Dienste on 31 Mar 2025. That is 58.3 % of the way" in html
    assert "12.50" not in html


def test_the_values_table_has_baseline_values_and_target_with_a_caption(client, programme):
    html = page(client, "measure", "M1")
    table = section(html, "Bearbeitungsdauer Bauantrag: baseline, measured values", "</table>")
    rows = [r.split("</tr>")[0] for r in table.split("<tr")[2:]]
    cells = [[c.split(">", 1)[1].split("</")[0] for c in r.split("<t")[1:]] for r in rows]
    assert cells == [
        ["1 Jan 2024", "30", "Baseline"],
        ["31 Dec 2024", "24", ""],
        ["31 Mar 2025", "18", "latest value: Stichprobe Q1"],
        ["31 Dec 2026", "10", "Target"],
    ]
    assert 'scope="row">31 Mar 2025' in table


def test_the_chart_is_an_image_named_and_described(client, programme):
    html = page(client, "measure", "M1")
    chart = section(html, '<figure class="indicator-chart">', "</figure>")
    assert 'role="img"' in chart
    assert "<title" in chart and "I1 Bearbeitungsdauer Bauantrag</title>" in chart
    assert escape("That is 60.0 % of the way") in chart
    assert chart.count("<circle") == 2 + 1  # two values measured, one in the legend


def test_an_indicator_without_values_says_so(client, programme):
    html = page(client, "measure", "M2")
    assert "From 12.5 km (1 Jan 2025) to 20 km by 31 Dec 2027. No value has been measured" in html


def test_german_pages_write_values_with_a_comma(client, programme):
    html = page(client, "measure", "M2", lang="de")
    assert ">12,5<" in html  # the baseline in the table, as written with a comma


def test_a_measure_without_indicators_has_no_indicator_section(client, programme):
    assert 'id="indicators"' not in page(client, "measure", "M1.1")


def test_a_draft_measures_indicator_is_never_shown(client, programme):
    for name, args in (("measure", ["M1"]), ("overview", []), ("history", [])):
        assert "Geheime Kennzahl" not in page(client, name, *args)


def test_milestone_rows_show_reported_complete_and_accepted_apart(client, programme):
    html = page(client, "measure", "M1")
    row = section(html, ">A Ausschreibung</a></th>", "</tr>")
    assert "Reported complete: 10 Feb 2025" in row
    assert "Accepted by the funder: 3 Mar 2025 (reference ZB-2025/17)" in row
    detail = page(client, "milestone", "A")
    assert "Reported complete" in detail and "10 Feb 2025" in detail
    assert "3 Mar 2025 (reference ZB-2025/17)" in detail


def test_a_finished_milestone_not_yet_accepted_says_so(client, today):
    doc = indicated_document()
    del doc["milestones"][0]["accepted_on"], doc["milestones"][0]["acceptance_ref"]
    load(doc)
    row = section(page(client, "measure", "M1"), ">A Ausschreibung</a></th>", "</tr>")
    assert "Reported complete: 10 Feb 2025" in row
    assert "Accepted by the funder: not yet" in row
    assert "1 milestone finished, of them 0 accepted by the funder" in page(client, "overview")


def test_the_counts_of_finished_and_accepted_milestones(client, programme):
    assert "1 milestone finished, of them 1 accepted by the funder" in page(client, "overview")
    # M1 with its sub-measures: A is its own
    assert (
        "1 milestone finished, of them 1 accepted by the funder (this measure and its "
        "sub-measures)." in page(client, "measure", "M1")
    )
    # M1.1.1 has neither sub-measures nor a finished milestone
    assert "0 milestones finished, of them 0 accepted by the funder." in page(
        client, "measure", "M1.1.1"
    )


def test_the_measure_page_needs_no_more_queries_for_more_indicators_and_values(client, programme):
    from datetime import date

    from plansicht.services import Actor
    from plansicht.services import indicators as svc

    url = reverse("portal:measure", args=["testprogramm", "M1"])

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = count()
    system = Actor.system("tests")
    indicator = svc.save_indicator(
        programme.measures.get(code="M1"),
        actor=system,
        code="I3",
        title="Nutzerkonten",
        unit="Konten",
        baseline_value="0",
        baseline_on=date(2024, 1, 1),
        target_value="5000",
        target_on=date(2026, 12, 31),
    )
    for month in range(1, 6):
        svc.save_indicator_value(
            indicator, actor=system, on=date(2025, month, 1), value=str(month * 100)
        )
    assert count() == before
