"""DOCX through python-docx: real headings (Heading 1-3), a table of contents (a field Word
fills in with page numbers when it updates fields, its text already the list of headings), real
tables with a repeated header row and right-aligned figures, the charts as PNG with their title
and description, page numbers in the footer, and no clock anywhere in the file."""

import io

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from ..content import Bullets, Figure, Paragraph, Report, Table
from .common import outline, png_of, stable_zip, stamp, stamp_datetime, words

LANGUAGE_TAGS = {"de": "de-DE", "en": "en-GB"}
FIGURE_WIDTH = Cm(15)


def _field_run(paragraph, instruction: str, shown: str = ""):
    """A field (PAGE, NUMPAGES, TOC ...) as begin/instruction/separate/result/end runs."""

    def char(kind, dirty=False):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if dirty:
            element.set(qn("w:dirty"), "true")
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _setup(document, report: Report) -> None:
    language = LANGUAGE_TAGS.get(report.language, report.language)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin, section.right_margin = Mm(22), Mm(20)
        section.top_margin, section.bottom_margin = Mm(22), Mm(25)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        w = words(report)
        footer.add_run(f"{w['page']} ")
        _field_run(footer, "PAGE", "1")
        footer.add_run(f" {w['of']} ")
        _field_run(footer, "NUMPAGES", "1")
    styles = document.styles
    for level in (1, 2, 3):
        name = f"TOC {level}"
        if name not in [s.name for s in styles]:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
            style.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            style.paragraph_format.space_after = Pt(2)
    props = document.core_properties
    props.title = report.title
    props.subject = report.subtitle
    props.language = language
    props.author = "Plansicht"
    props.last_modified_by = "Plansicht"
    props.comments = ""
    props.keywords = report.kind
    props.revision = 1
    props.created = props.modified = stamp_datetime(report)
    props.last_printed = stamp_datetime(report)


def _contents(document, report: Report) -> None:
    """The contents: its heading, then a TOC field whose shown result is the heading list
    (Word asks to update it on opening and adds the page numbers)."""
    entries = list(outline(report))
    document.add_paragraph(words(report)["contents"], style="TOC Heading")
    for i, entry in enumerate(entries):
        paragraph = document.add_paragraph(style=f"TOC {min(entry.depth, 3)}")
        if i == 0:
            run = paragraph.add_run()
            begin = OxmlElement("w:fldChar")
            begin.set(qn("w:fldCharType"), "begin")
            begin.set(qn("w:dirty"), "true")
            run._r.append(begin)
            run = paragraph.add_run()
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = ' TOC \\o "1-3" \\h \\z \\u '
            run._r.append(instr)
            run = paragraph.add_run()
            separate = OxmlElement("w:fldChar")
            separate.set(qn("w:fldCharType"), "separate")
            run._r.append(separate)
        paragraph.add_run(entry.section.heading)
        if i == len(entries) - 1:
            run = paragraph.add_run()
            end = OxmlElement("w:fldChar")
            end.set(qn("w:fldCharType"), "end")
            run._r.append(end)


def _table(document, table: Table) -> None:
    document.add_paragraph(table.caption, style="Caption").paragraph_format.keep_with_next = True
    width = len(table.columns)
    grid = document.add_table(rows=0, cols=width)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    properties = grid._tbl.tblPr
    caption = OxmlElement("w:tblCaption")  # the table's accessible name
    caption.set(qn("w:val"), table.caption)
    properties.append(caption)
    numeric = [c.numeric for c in table.columns]

    def add(cells, *, header=False, bold=False):
        row = grid.add_row()
        if header:
            flag = OxmlElement("w:tblHeader")  # repeated at the top of every page
            flag.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(flag)
        cant_split = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(cant_split)
        for i in range(width):
            cell = row.cells[i]
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(cells[i] if i < len(cells) else "")
            run.bold = header or bold
            if numeric[i]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    add([c.label for c in table.columns], header=True)
    for cells in table.rows:
        add(cells)
    for cells in table.footer:
        add(cells, bold=True)
    document.add_paragraph()


def _figure(document, figure: Figure) -> None:
    png = png_of(figure.svg)
    document.add_picture(io.BytesIO(png), width=FIGURE_WIDTH)
    picture = document.paragraphs[-1]
    picture.paragraph_format.keep_with_next = True
    for doc_pr in picture._p.iter(qn("wp:docPr")):  # the image's alternative text
        doc_pr.set("title", figure.title)
        doc_pr.set("descr", figure.description)
    document.add_paragraph(figure.title, style="Caption").paragraph_format.keep_with_next = True
    document.add_paragraph(figure.description)


def render_docx(report: Report) -> bytes:
    document = Document()
    _setup(document, report)
    document.add_paragraph(report.title, style="Title")
    document.add_paragraph(report.subtitle, style="Subtitle")
    if report.sections:
        _contents(document, report)
    for entry in outline(report):
        document.add_heading(entry.section.heading, level=min(entry.depth, 3))
        for block in entry.section.blocks:
            if isinstance(block, Paragraph):
                document.add_paragraph(block.text)
            elif isinstance(block, Bullets):
                for item in block.items:
                    document.add_paragraph(item, style="List Bullet")
            elif isinstance(block, Table):
                _table(document, block)
            elif isinstance(block, Figure):
                _figure(document, block)
            else:
                raise TypeError(f"unknown block {block!r}")
    out = io.BytesIO()
    document.save(out)
    return stable_zip(out.getvalue(), stamp(report))
