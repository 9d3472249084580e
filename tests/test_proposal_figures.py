"""The proposals' figures beside the questions' — on the programme's overview and in the
council's information report — and the report's closed consultations with the office's
summaries (never a staff-only one), in each of its formats."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from plansicht.reports.build import build
from plansicht.reports.content import Table, text_of
from plansicht.reports.render import render

from .factories import load, participation_document
from .proposals_data import SECRET, add_consultations, add_proposals
from .test_report_render import docx_of, docx_text, flat, odt_of, odt_tables, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(today):
    programme = load(add_proposals(participation_document()))
    add_consultations(programme)
    cache.clear()
    return programme


def test_the_overview_shows_the_proposals_figures_beside_the_questions(client, programme):
    html = client.get(reverse("portal:overview", args=[programme.slug])).content.decode()
    start = html.index('id="participation-figures-caption"')
    table = html[start : html.index("</table>", start)]
    assert "Anfragen (beantwortet)" in table and "Vorschläge (entschieden)" in table
    # V1 and V2 decided in time, V4 overdue: 2 of 3 in time; median: V1 15 days.
    row = table[table.index("Vorschläge (entschieden)") :]
    cells = [c.split("<")[0] for c in row.split('<td class="num">')[1:8]]
    assert cells == ["0", "1", "2", "0", "0", "66,7 %", "15,0 Tage"]
    assert "Ein Vorschlag, den 2 Personen unterstützen" in html


def test_the_overview_without_proposals_shows_none(client, today):
    programme = load(participation_document())
    cache.clear()
    html = client.get(reverse("portal:overview", args=[programme.slug])).content.decode()
    assert "Anfragen (beantwortet)" in html and "Vorschläge (entschieden)" not in html


def tables(report):
    found = {}

    def walk(section):
        for block in section.blocks:
            if isinstance(block, Table):
                found[block.caption] = block
        for sub in section.sections:
            walk(sub)

    for section in report.sections:
        walk(section)
    return found


def test_the_council_report_has_the_proposals_figures_and_the_consultations(programme):
    report = build(programme, "council", as_of=date(2025, 6, 1))
    table = tables(report)["Fristgerecht beantwortet oder entschieden, Stand 01.06.2025"]
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["Vorschläge (entschieden)"] == ("0", "1", "2", "0", "0", "66,7 %", "15,0 Tage")
    assert rows["Anfragen (beantwortet)"][5] == "33,3 %"  # as the report said before
    text = text_of(report)
    assert (
        "Smart-City-Leitbild (01.05.2025 bis 20.05.2025): 3 Teilnehmende. Was die Stadt mit "
        "den Ergebnissen macht: Wir nehmen den Verkehr zuerst."
    ) in text
    assert "Befragung K2" not in text  # still open
    assert SECRET not in text  # the staff-only consultation


def test_a_cut_off_before_the_close_or_the_summary(programme):
    text = text_of(build(programme, "council", as_of=date(2025, 5, 19)))
    assert "Noch keine Befragung ist beendet." in text
    text = text_of(build(programme, "council", as_of=date(2025, 5, 22)))
    assert "Smart-City-Leitbild" in text and "Wir nehmen den Verkehr zuerst." not in text


def test_the_three_formats_carry_the_figures_and_the_summary(programme):
    report = build(programme, "council", as_of=date(2025, 6, 1))
    pdf = flat(pdf_text(render(report, "pdf")))
    word = flat(" ".join(docx_text(docx_of(render(report, "docx")))))
    document = odt_of(render(report, "odt"))
    odt = flat(
        " ".join(
            [p.text_recursive for p in document.body.get_paragraphs()]
            + [c for t in odt_tables(document) for r in t for c in r]
        )
    )
    for text in (pdf, word, odt):
        assert "Vorschläge (entschieden)" in text
        assert "66,7 %" in text
        assert "Wir nehmen den Verkehr zuerst." in text
