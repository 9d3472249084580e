"""The report renderers read back: the PDF through poppler (pdftotext, pdfinfo, pdffonts,
pdftoppm), the DOCX through python-docx, the ODT through odfdo. Each format must carry every
figure to the cent, every heading as a real heading and every table as a real table; the PDF
is tagged, its fonts embedded, its pages numbered and its first page not blank; and the same
report rendered twice gives the same file. No database: the reports are built by hand."""

import contextlib
import io
import re
import subprocess
import zlib
from datetime import date
from decimal import Decimal

import docx
import odfdo
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from PIL import Image

from plansicht.charts import timeline
from plansicht.charts.money import MoneyLabels, YearRow, money_by_year_svg
from plansicht.reports.content import (
    Bullets,
    Column,
    Figure,
    Paragraph,
    Report,
    Section,
    Table,
)
from plansicht.reports.render import EXTENSIONS, FORMATS, MEDIA_TYPES, render

REASON = (
    "Die Ausschreibung der Glasfaseranbindung musste wiederholt werden, weil für das "
    "Los „Schulzentrum Süd“ kein wirtschaftliches Angebot einging; die Maßnahme verzögert "
    "sich um vier Monate."
)
ESCAPED = "Prüfung <Vergabe> & Nachträge"  # markup-like text must come out as written
FIGURES = ("1.234.567,89 €", "987.654,32 €", "2.222.222,21 €", "12,5 %", "0,01 €")
HEADINGS = ("Maßnahmen", "M1 Glasfaser für Schulen", "Kosten nach Jahren", "Risiken", ESCAPED)


def money_chart(language="de"):
    words = {
        "de": ("Mittel je Jahr", "Plan", "Prognose", "Ist", "Ausgaben je Jahr."),
        "en": ("Money by year", "Plan", "Forecast", "Actual", "Spending by year."),
    }[language]
    return money_by_year_svg(
        [
            YearRow(2025, Decimal("1234567.89"), Decimal("1100000"), Decimal("987654.32")),
            YearRow(2026, Decimal("987654.32"), Decimal("1122222.21"), Decimal("0")),
        ],
        labels=MoneyLabels(*words),
        format_amount=lambda amount: f"{amount} €",
        id_prefix="money",
    )


def timeline_chart():
    labels = timeline.Labels(
        title="Zeitplan",
        baseline="Ursprünglicher Plan",
        forecast="Prognose",
        actual="Ist",
        today="Stichtag",
        summary=lambda rows, first, last, late: f"{rows} Meilensteine, {late} verspätet.",
        health={"green": "im Plan", "amber": "gefährdet", "red": "verspätet"},
    )
    rows = [
        timeline.Row(
            "Vergabe",
            forecast=(date(2025, 3, 1), date(2025, 10, 31)),
            baseline=(date(2025, 3, 1), date(2025, 6, 30)),
            actual=(date(2025, 3, 1), None),
            health="red",
        )
    ]
    return timeline.timeline_svg(
        rows, today=date(2025, 12, 31), labels=labels, format_date=lambda d: d.strftime("%d.%m.%Y")
    )


def sample(language="de", issue_date=None):
    """A small funder report: a nested section, bullets, a reason, a table with a footer total
    and two real charts of the portal."""
    cost = Table(
        caption="Kosten nach Jahren (Tabelle)",
        columns=(Column("Jahr"), Column("Plan", numeric=True), Column("Ist", numeric=True)),
        rows=(
            ("2025", "1.234.567,89 €", "987.654,32 €"),
            ("2026", "987.654,32 €", "0,01 €"),
        ),
        footer=(("Summe", "2.222.222,21 €", "987.654,33 €"),),
    )
    return Report(
        kind="funder",
        language=language,
        title="Sachstandsbericht Digitale Stadt" if language == "de" else "Status report",
        subtitle="Stand 31.12.2025",
        programme="digitale-stadt",
        cut_off=date(2025, 12, 31),
        issue_date=issue_date,
        internal=True,
        sections=(
            Section(
                "Maßnahmen",
                (Paragraph("Fertigstellungsgrad der Maßnahme: 12,5 %."),),
                sections=(
                    Section(
                        "M1 Glasfaser für Schulen",
                        (
                            Paragraph(REASON),
                            Bullets(("Neue Ausschreibung am 15.01.2026", "Bauzeit verkürzt")),
                        ),
                        sections=(
                            Section(
                                "Kosten nach Jahren",
                                (
                                    cost,
                                    Figure(
                                        "Mittel je Jahr (Abbildung)",
                                        money_chart(language),
                                        "Geplant 2025: 1.234.567,89 €, ausgegeben 987.654,32 €.",
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            Section(
                "Risiken",
                (
                    Figure("Zeitplan der Vergabe", timeline_chart(), "Die Vergabe ist verspätet."),
                    Paragraph("Keine weiteren Risiken."),
                ),
            ),
            Section(ESCAPED, (Paragraph("Geprüft."),)),
        ),
    )


def flat(text):
    return " ".join(text.split())


def run(*args, data=None):
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout


def pdf_text(pdf, *options):
    return run("pdftotext", *options, "-enc", "UTF-8", "-", "-", data=pdf).decode()


def inflated(pdf):
    """Every compressed stream of the PDF, inflated and joined: where the catalog lives."""
    out = []
    for match in re.finditer(rb"stream\r?\n", pdf):
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompressobj().decompress(pdf[match.end() :]))
    return b"".join(out)


def write(tmp_path, pdf):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return str(path)


def structure(path):
    """The PDF's structure tree as poppler reads it: (tag, depth, text underneath) for every
    element, in reading order."""
    lines = run("pdfinfo", "-struct-text", path).decode().splitlines()
    nodes, stack = [], []
    for line in lines:
        depth = len(line) - len(line.lstrip())
        body = line.strip()
        if body.startswith('"'):
            for node_depth, node in stack:
                if node_depth < depth:
                    node[2].append(body[1:-1])
        elif m := re.match(r"(\w+)", body):
            while stack and stack[-1][0] >= depth:
                stack.pop()
            node = [m.group(1), depth, []]
            nodes.append(node)
            stack.append((depth, node))
    return [(tag, depth, "".join(texts)) for tag, depth, texts in nodes]


def docx_of(data):
    return docx.Document(io.BytesIO(data))


def docx_text(document):
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


def odt_of(data):
    return odfdo.Document(io.BytesIO(data))


def odt_tables(document):
    return [
        [[cell.text_content for cell in row.get_cells()] for row in table.get_rows()]
        for table in document.body.get_tables()
    ]


@pytest.fixture(scope="module")
def files():
    report = sample()
    return {fmt: render(report, fmt) for fmt in FORMATS}


def test_the_formats_are_named_for_downloads():
    assert FORMATS == ("pdf", "docx", "odt")
    assert MEDIA_TYPES["pdf"] == "application/pdf"
    assert MEDIA_TYPES["odt"] == "application/vnd.oasis.opendocument.text"
    assert EXTENSIONS == {"pdf": ".pdf", "docx": ".docx", "odt": ".odt"}
    with pytest.raises(ValueError, match="unknown format"):
        render(sample(), "rtf")


# --- PDF ---------------------------------------------------------------------------------


def test_pdf_text_has_every_figure_heading_and_the_reason(files):
    text = flat(pdf_text(files["pdf"]))
    for expected in (*FIGURES, *HEADINGS, REASON, "Neue Ausschreibung am 15.01.2026"):
        assert expected in text
    # The table of contents comes first, with the page of each heading.
    contents = flat(pdf_text(files["pdf"], "-f", "1", "-l", "1"))
    assert contents.startswith("Sachstandsbericht Digitale Stadt Stand 31.12.2025 Inhalt")
    assert re.search(r"Risiken \.+ ?\d", contents)
    # The figures' titles and descriptions are text, not only pixels.
    assert "Mittel je Jahr (Abbildung)" in text
    assert "Geplant 2025: 1.234.567,89 €, ausgegeben 987.654,32 €." in text


def test_pdf_is_tagged_with_headings_and_tables_in_its_structure(files, tmp_path):
    path = write(tmp_path, files["pdf"])
    info = run("pdfinfo", "-isodates", path).decode()
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+Sachstandsbericht Digitale Stadt$", info, re.M)
    assert re.search(r"^Page size:.*\(A4\)$", info, re.M)
    # The creation date is the cut-off date (no issue date yet), not the clock.
    assert re.search(r"^CreationDate:\s+2025-12-31T00:00:00", info, re.M)
    # The catalog (in a compressed object stream) names the language and the structure.
    catalog = inflated(files["pdf"])
    assert b"/Lang (de)" in catalog
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked true", catalog)
    assert b"/StructTreeRoot" in catalog

    tree = structure(path)
    headings = [(tag, text) for tag, _, text in tree if tag in ("H1", "H2", "H3")]
    assert headings == [
        ("H1", "Inhalt"),
        ("H1", "Maßnahmen"),
        ("H2", "M1 Glasfaser für Schulen"),
        ("H3", "Kosten nach Jahren"),
        ("H1", "Risiken"),
        ("H1", ESCAPED),
    ]
    cells = [(tag, text) for tag, _, text in tree if tag in ("TH", "TD", "Caption")]
    assert ("Caption", "Kosten nach Jahren (Tabelle)") in cells
    assert ("TH", "Plan") in cells  # column header
    assert ("TH", "2025") in cells  # row header
    for figure in ("1.234.567,89 €", "987.654,32 €", "0,01 €", "2.222.222,21 €"):
        assert ("TD", figure) in cells
    assert [tag for tag, _, _ in tree].count("Figure") == 2


def test_pdf_numeric_columns_are_right_aligned(files):
    lines = pdf_text(files["pdf"], "-layout").splitlines()
    amount = re.compile(r"\d{1,3}(?:\.\d{3})*,\d{2} €")

    def ends(year):
        (line,) = [line for line in lines if line.strip().startswith(year + " ") and "€" in line]
        return [m.end() for m in amount.finditer(line)]

    # 1.234.567,89 € above 987.654,32 € (plan) and 987.654,32 € above 0,01 € (actual):
    # each column's figures end in the same place (within a character of pdftotext's grid),
    # while their starts differ by the width of the longer number.
    for row in ("2026", "Summe"):
        assert len(ends(row)) == 2
        for top, below in zip(ends("2025"), ends(row), strict=True):
            assert abs(top - below) <= 1


def test_pdf_fonts_are_embedded_and_pages_numbered(files, tmp_path):
    path = write(tmp_path, files["pdf"])
    fonts = run("pdffonts", path).decode().splitlines()[2:]
    assert fonts, "the PDF names its fonts"
    for font in fonts:
        assert font.split()[-5] == "yes", font  # the "emb" column
    pages = int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", path).decode(), re.M).group(1))
    text = flat(pdf_text(files["pdf"]))
    assert f"Seite 1 von {pages}" in text
    assert f"Seite {pages} von {pages}" in text


def test_pdf_first_page_is_not_blank(files, tmp_path):
    path = write(tmp_path, files["pdf"])
    run("pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", path, str(tmp_path / "page"))
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("L")
    assert image.size[0] < image.size[1]  # portrait
    colours = image.getcolors(maxcolors=256 * 256)
    assert len(colours) > 1
    dark = sum(count for value, count in colours if value < 128)
    assert dark > 100  # real text, not a stray pixel


def test_pdf_is_the_same_twice(files):
    again = render(sample(), "pdf")
    assert pdf_text(again) == pdf_text(files["pdf"])
    assert again == files["pdf"]


def test_archival_pdf_is_pdf_a_and_still_tagged(tmp_path):
    pdf = render(sample(issue_date=date(2026, 1, 15)), "pdf", archival=True)
    path = write(tmp_path, pdf)
    meta = run("pdfinfo", "-meta", path).decode()
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta
    assert "<xmp:CreateDate>2026-01-15</xmp:CreateDate>" in meta  # the issue date
    info = run("pdfinfo", path).decode()
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert "1.234.567,89 €" in pdf_text(pdf)
    assert [tag for tag, _, _ in structure(path)].count("H1") == 4


def test_english_pdf_has_english_words(tmp_path):
    pdf = render(sample("en"), "pdf")
    text = flat(pdf_text(pdf))
    assert "Contents" in text and "Inhalt" not in text
    assert re.search(r"Page 1 of \d", text) and "Seite" not in text
    assert b"/Lang (en)" in inflated(pdf)


# --- DOCX --------------------------------------------------------------------------------


def test_docx_has_every_figure_heading_and_the_reason(files):
    document = docx_of(files["docx"])
    text = "\n".join(docx_text(document))
    for expected in (*FIGURES, *HEADINGS, REASON, "Neue Ausschreibung am 15.01.2026"):
        assert expected in text
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings == [
        ("Heading 1", "Maßnahmen"),
        ("Heading 2", "M1 Glasfaser für Schulen"),
        ("Heading 3", "Kosten nach Jahren"),
        ("Heading 1", "Risiken"),
        ("Heading 1", ESCAPED),
    ]
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["Sachstandsbericht Digitale Stadt"] == "Title"
    assert styles["Inhalt"] == "TOC Heading"
    assert styles["Neue Ausschreibung am 15.01.2026"] == "List Bullet"
    # The contents list every heading before the first one.
    contents = [p.text for p in document.paragraphs if p.style.name.startswith("TOC ")][1:]
    assert contents == [
        "Maßnahmen",
        "M1 Glasfaser für Schulen",
        "Kosten nach Jahren",
        "Risiken",
        ESCAPED,
    ]
    assert 'TOC \\o "1-3"' in document.element.xml


def test_docx_table_is_a_real_table_with_a_repeated_header_row(files):
    document = docx_of(files["docx"])
    (table,) = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells == [
        ["Jahr", "Plan", "Ist"],
        ["2025", "1.234.567,89 €", "987.654,32 €"],
        ["2026", "987.654,32 €", "0,01 €"],
        ["Summe", "2.222.222,21 €", "987.654,33 €"],
    ]
    # The figures are in the table only, not repeated as loose text.
    assert not any("2.222.222,21 €" in p.text for p in document.paragraphs)
    header = table.rows[0]._tr
    assert header.trPr.xpath("./w:tblHeader")
    assert table.rows[1].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.rows[1].cells[0].paragraphs[0].alignment != WD_ALIGN_PARAGRAPH.RIGHT
    assert "Kosten nach Jahren (Tabelle)" in [p.text for p in document.paragraphs]


def test_docx_charts_are_pictures_with_title_and_description(files):
    document = docx_of(files["docx"])
    pictures = document.inline_shapes
    assert len(pictures) == 2
    described = document.element.body.xpath(".//wp:docPr/@descr")
    assert "Geplant 2025: 1.234.567,89 €, ausgegeben 987.654,32 €." in described
    width_cm = pictures[0].width.cm
    assert 14.5 < width_cm < 15.5
    blobs = [part.blob for part in document.part.package.parts if part.partname.endswith(".png")]
    assert len(blobs) == 2
    for blob in blobs:
        image = Image.open(io.BytesIO(blob)).convert("L")
        assert len(image.getcolors(maxcolors=256 * 256)) > 2  # drawn, not one flat colour
    paragraphs = [p.text for p in document.paragraphs]
    assert "Mittel je Jahr (Abbildung)" in paragraphs
    assert "Die Vergabe ist verspätet." in paragraphs


def test_docx_properties_footer_and_determinism(files):
    document = docx_of(files["docx"])
    props = document.core_properties
    assert props.title == "Sachstandsbericht Digitale Stadt"
    assert props.language == "de-DE"
    assert props.created.date() == date(2025, 12, 31) == props.modified.date()
    footer = document.sections[0].footer
    assert "Seite" in footer.paragraphs[0].text and "von" in footer.paragraphs[0].text
    assert "PAGE" in footer._element.xml and "NUMPAGES" in footer._element.xml
    assert round(document.sections[0].page_width.mm) == 210
    again = render(sample(), "docx")
    assert docx_text(docx_of(again)) == docx_text(document)
    assert again == files["docx"]


def test_english_docx_has_english_words():
    document = docx_of(render(sample("en"), "docx"))
    assert "Contents" in [p.text for p in document.paragraphs]
    assert document.sections[0].footer.paragraphs[0].text.startswith("Page")
    assert document.core_properties.language == "en-GB"


# --- ODT ---------------------------------------------------------------------------------


def test_odt_has_every_figure_heading_and_the_reason(files):
    document = odt_of(files["odt"])
    paragraphs = [p.text_recursive for p in document.body.get_paragraphs()]
    cells = [cell for table in odt_tables(document) for row in table for cell in row]
    text = "\n".join(paragraphs + cells)
    for expected in (*FIGURES, REASON):
        assert expected in text
    items = [i.text_recursive.strip() for i in document.body.get_elements("//text:list-item")]
    assert items == ["Neue Ausschreibung am 15.01.2026", "Bauzeit verkürzt"]
    headings = [(int(h.level), h.text) for h in document.body.get_headers()]
    assert headings == [
        (1, "Maßnahmen"),
        (2, "M1 Glasfaser für Schulen"),
        (3, "Kosten nach Jahren"),
        (1, "Risiken"),
        (1, ESCAPED),
    ]
    (toc,) = document.body.get_elements("//text:table-of-content")
    shown = [p.text_recursive for p in toc.get_elements(".//text:p")]
    assert shown == ["Inhalt", *(text for _, text in headings)]


def test_odt_table_is_a_real_table_with_header_rows(files):
    document = odt_of(files["odt"])
    (table,) = document.body.get_tables()
    assert odt_tables(document) == [
        [
            ["Jahr", "Plan", "Ist"],
            ["2025", "1.234.567,89 €", "987.654,32 €"],
            ["2026", "987.654,32 €", "0,01 €"],
            ["Summe", "2.222.222,21 €", "987.654,33 €"],
        ]
    ]
    (header,) = table.get_elements("table:table-header-rows")
    assert [c.text_content for c in header.get_elements(".//table:table-cell")] == [
        "Jahr",
        "Plan",
        "Ist",
    ]
    # The figure cells use a right-aligned paragraph style.
    figure_cell = table.get_elements(".//table:table-cell")[4]
    style = document.get_style("paragraph", figure_cell.get_element("text:p").style)
    assert 'fo:text-align="end"' in style.serialize()
    name_cell = table.get_elements(".//table:table-cell")[3]
    style = document.get_style("paragraph", name_cell.get_element("text:p").style)
    assert "text-align" not in style.serialize()
    loose = [
        p.text_recursive
        for p in document.body.get_paragraphs()
        if p.parent.tag != "table:table-cell"
    ]
    assert "2.222.222,21 €" not in loose


def test_odt_charts_meta_and_determinism(files):
    document = odt_of(files["odt"])
    frames = document.body.get_elements("//draw:frame")
    assert len(frames) == 2
    assert frames[0].svg_title == "Mittel je Jahr (Abbildung)"
    assert frames[1].svg_description == "Die Vergabe ist verspätet."
    for frame in frames:
        href = frame.get_element("draw:image").get_attribute("xlink:href")
        image = Image.open(io.BytesIO(document.get_part(href))).convert("L")
        assert len(image.getcolors(maxcolors=256 * 256)) > 2
    assert document.meta.get_title() == "Sachstandsbericht Digitale Stadt"
    assert document.meta.get_language() == "de-DE"
    assert document.meta.get_creation_date().date() == date(2025, 12, 31)
    footer = document.get_style("master-page", "Standard").serialize()
    assert "text:page-number" in footer and "text:page-count" in footer and "Seite" in footer
    again = render(sample(), "odt")
    assert [p.text_recursive for p in odt_of(again).body.get_paragraphs()] == [
        p.text_recursive for p in document.body.get_paragraphs()
    ]
    assert again == files["odt"]


def test_english_odt_has_english_words():
    document = odt_of(render(sample("en"), "odt"))
    (toc,) = document.body.get_elements("//text:table-of-content")
    assert toc.get_elements(".//text:p")[0].text_recursive == "Contents"
    assert "Page" in document.get_style("master-page", "Standard").serialize()
    assert document.meta.get_language() == "en-GB"


# --- all three ---------------------------------------------------------------------------


def test_the_three_formats_carry_the_same_figures(files):
    amounts = re.compile(r"\d{1,3}(?:\.\d{3})*,\d{2} €")
    pdf = set(amounts.findall(flat(pdf_text(files["pdf"]))))
    word = set(amounts.findall("\n".join(docx_text(docx_of(files["docx"])))))
    document = odt_of(files["odt"])
    odt = set(
        amounts.findall(
            "\n".join(
                [p.text_recursive for p in document.body.get_paragraphs()]
                + [c for t in odt_tables(document) for r in t for c in r]
            )
        )
    )
    expected = {"1.234.567,89 €", "987.654,32 €", "0,01 €", "2.222.222,21 €", "987.654,33 €"}
    assert pdf == word == odt == expected
