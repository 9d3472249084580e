"""ODT through odfdo: headings with outline levels, a table of contents (an index the word
processor updates with page numbers, filled here with the headings), real tables with header
rows repeated on every page, right-aligned figures, lists, the charts as PNG with their title
and description, page numbers in the footer, and no clock anywhere in the file."""

import io

from odfdo import (
    TOC,
    Cell,
    Column,
    Document,
    Element,
    Frame,
    Header,
    HeaderRows,
    List,
    Paragraph,
    Row,
    Style,
)
from odfdo import Table as OdfTable

from ..content import Bullets, Figure, Report, Table
from ..content import Paragraph as TextParagraph
from .common import outline, png_of, png_size, stable_zip, stamp, stamp_datetime, words

LANGUAGE_TAGS = {"de": "de-DE", "en": "en-GB"}
END = {"fo:text-align": "end"}  # odfdo drops align= on paragraph styles
FIGURE_WIDTH_CM = 15.0

STYLES = (
    Style(
        "paragraph",
        "Report_20_Title",
        display_name="Report Title",
        parent_style="Heading",
        area="text",
        bold=True,
        size="22pt",
    ),
    Style(
        "paragraph",
        "Report_20_Subtitle",
        display_name="Report Subtitle",
        parent_style="Text_20_body",
        area="text",
        size="12pt",
    ),
    Style("paragraph", "Footer", parent_style="Standard", **END),
    Style(
        "paragraph",
        "Table_20_Heading",
        display_name="Table Heading",
        parent_style="Text_20_body",
        bold=True,
        area="text",
    ),
    Style(
        "paragraph", "Table_20_Contents", display_name="Table Contents", parent_style="Text_20_body"
    ),
)


def _styles(document) -> None:
    for style in STYLES:
        document.insert_style(style.clone)
    automatic = (
        Style("paragraph", "PNum", parent_style="Table_20_Contents", **END),
        Style("paragraph", "PNumBold", parent_style="Table_20_Heading", **END),
        Style("paragraph", "PBold", parent_style="Table_20_Heading"),
    )
    for style in automatic:
        document.insert_style(style, automatic=True)


def _footer(document, report: Report) -> None:
    w = words(report)
    master = document.get_style("master-page", "Standard")
    footer = Element.from_tag(
        '<style:footer><text:p text:style-name="Footer"></text:p></style:footer>'
    )
    paragraph = footer.get_element("text:p")
    paragraph.append(f"{w['page']} ")
    paragraph.append(
        Element.from_tag('<text:page-number text:select-page="current">1</text:page-number>')
    )
    paragraph.append(f" {w['of']} ")
    paragraph.append(Element.from_tag("<text:page-count>1</text:page-count>"))
    master.append(footer)


def _meta(document, report: Report) -> None:
    language = LANGUAGE_TAGS.get(report.language, report.language)
    document.language = language
    meta = document.meta
    meta.set_title(report.title)
    meta.set_subject(report.subtitle)
    meta.set_description(report.subtitle)
    meta.set_initial_creator("Plansicht")
    meta.set_creator("Plansicht")
    when = stamp_datetime(report)
    meta.set_creation_date(when)
    meta.set_modification_date(when)
    meta.set_editing_cycles(1)


def _table(table: Table, number: int) -> list:
    caption = Paragraph(table.caption, style="Caption")
    width = len(table.columns)
    grid = OdfTable(f"Table{number}")
    grid.append(Column(repeated=width) if width > 1 else Column())
    numeric = [c.numeric for c in table.columns]

    def row(cells, *, bold=False):
        out = Row()
        for i in range(width):
            text = cells[i] if i < len(cells) else ""
            if numeric[i]:
                style = "PNumBold" if bold else "PNum"
            else:
                style = "PBold" if bold else "Table_20_Contents"
            cell = Cell()
            cell.append(Paragraph(text, style=style))
            out.append(cell)
        return out

    header = HeaderRows()
    header.append(row([c.label for c in table.columns], bold=True))
    grid.append(header)
    for cells in table.rows:
        grid.append(row(cells))
    for cells in table.footer:
        grid.append(row(cells, bold=True))
    return [caption, grid]


def _figure(document, figure: Figure, number: int) -> list:
    png = png_of(figure.svg)
    width, height = png_size(png)
    url = document.add_file(io.BytesIO(png))
    size = (f"{FIGURE_WIDTH_CM}cm", f"{FIGURE_WIDTH_CM * height / width:.2f}cm")
    frame = Frame.image_frame(url, name=f"Figure{number}", size=size, anchor_type="as-char")
    frame.svg_title = figure.title
    frame.svg_description = figure.description
    holder = Paragraph(style="Text_20_body")
    holder.append(frame)
    return [
        holder,
        Paragraph(figure.title, style="Caption"),
        Paragraph(figure.description, style="Text_20_body"),
    ]


def render_odt(report: Report) -> bytes:
    document = Document("text")
    _styles(document)
    _footer(document, report)
    _meta(document, report)
    body = document.body
    body.clear()
    body.append(Paragraph(report.title, style="Report_20_Title"))
    body.append(Paragraph(report.subtitle, style="Report_20_Subtitle"))
    toc = None
    if report.sections:
        toc = TOC(words(report)["contents"], name="Inhalt", outline_level=3)
        body.append(toc)
    tables = figures = 0
    for entry in outline(report):
        level = min(entry.depth, 10)
        heading = Header(level, entry.section.heading)
        heading.set_attribute("text:style-name", f"Heading_20_{level}")  # odfdo ignores style=
        body.append(heading)
        for block in entry.section.blocks:
            if isinstance(block, TextParagraph):
                body.append(Paragraph(block.text, style="Text_20_body"))
            elif isinstance(block, Bullets):
                body.append(List(list(block.items), style="List_20_1"))
            elif isinstance(block, Table):
                tables += 1
                for element in _table(block, tables):
                    body.append(element)
            elif isinstance(block, Figure):
                figures += 1
                for element in _figure(document, block, figures):
                    body.append(element)
            else:
                raise TypeError(f"unknown block {block!r}")
    if toc is not None:
        # The index's shown text is the list of headings as they read (no numbers the
        # headings do not carry); the word processor adds page numbers when it updates it.
        for entry in outline(report):
            level = min(entry.depth, 10)
            toc.body.append(Paragraph(entry.section.heading, style=f"Contents_20_{level}"))
    # The template's thumbnail shows another document: drop it rather than mislead.
    document.container.del_part("Thumbnails/thumbnail.png")
    document.manifest.del_full_path("Thumbnails/thumbnail.png")
    out = io.BytesIO()
    document.save(out)
    return stable_zip(out.getvalue(), stamp(report))
