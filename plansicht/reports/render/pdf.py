"""PDF through WeasyPrint: HTML built from the content model, A4, page numbers, a table of
contents with page numbers, tagged (PDF/UA-1) -- or, for the issued copy, PDF/A-3b with the
same tags.

WeasyPrint writes one conformance identification per file (``pdf_variant``), so the archival
copy claims PDF/A-3b only; it is still tagged (``pdf_tags``), with its language, title and
structure tree, exactly as the PDF/UA-1 rendering.
"""

import re
from html import escape
from xml.etree import ElementTree

from weasyprint import HTML

from ..content import Bullets, Figure, Paragraph, Report, Table
from . import metrics
from .common import SVG, outline, stamp, words

FONT = '"DejaVu Sans", "Liberation Sans", sans-serif'


def _css_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _stylesheet(report: Report) -> str:
    w = words(report)
    footer = (
        f"{_css_string(w['page'] + ' ')} counter(page) "
        f"{_css_string(' ' + w['of'] + ' ')} counter(pages)"
    )
    return f"""
@page {{
  size: A4;
  margin: 22mm 20mm 25mm 22mm;
  @bottom-right {{ content: {footer}; font: 9pt {FONT}; color: #444; }}
  @bottom-left {{ content: {_css_string(report.title)}; font: 9pt {FONT}; color: #444; }}
}}
html {{ font-family: {FONT}; font-size: 10.5pt; line-height: 1.4; color: #1b1b1b; }}
.doc-title {{ font-size: 22pt; font-weight: bold; margin: 0 0 4mm; line-height: 1.2; }}
.doc-subtitle {{ font-size: 12pt; margin: 0 0 10mm; color: #333; }}
h1 {{ font-size: 16pt; margin: 10mm 0 3mm; }}
h2 {{ font-size: 13pt; margin: 7mm 0 2mm; }}
h3 {{ font-size: 11.5pt; margin: 5mm 0 2mm; }}
h1, h2, h3 {{ break-after: avoid; line-height: 1.2; }}
nav.toc {{ break-after: page; }}
nav.toc ol {{ list-style: none; margin: 0; padding: 0; }}
nav.toc li {{ margin: 1mm 0; }}
nav.toc li.depth-2 {{ padding-left: 6mm; }}
nav.toc li.depth-3 {{ padding-left: 12mm; }}
nav.toc a {{ color: inherit; text-decoration: none; }}
nav.toc a::after {{ content: leader(".") target-counter(attr(href), page); }}
table {{ border-collapse: collapse; width: 100%; margin: 3mm 0 5mm; font-size: 9.5pt;
  table-layout: fixed; }}
caption {{ caption-side: top; text-align: left; font-weight: bold; padding-bottom: 1.5mm; }}
th, td {{ border-bottom: 0.5pt solid #888; padding: 1.2mm 1.5mm; text-align: left;
  vertical-align: top; overflow-wrap: break-word; }}
thead th {{ border-bottom: 1pt solid #1b1b1b; }}
tbody th {{ font-weight: normal; }}
tfoot {{ display: table-row-group; }}
tfoot th, tfoot td {{ font-weight: bold; border-top: 1pt solid #1b1b1b; }}
.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
thead .num {{ white-space: normal; }}  /* a header may wrap, a figure never */
tr {{ break-inside: avoid; }}
/* Tables of many columns (drawdowns, months) keep every figure on the page: smaller type. */
table.wide {{ font-size: 7.5pt; }}
table.wide th, table.wide td {{ padding: 1mm 0.8mm; }}
table.wider {{ font-size: 6.5pt; }}
table.wider th, table.wider td {{ padding: 0.8mm 0.5mm; }}
figure {{ margin: 4mm 0 6mm; break-inside: avoid; }}
figure svg {{ width: 100%; height: auto; }}
figcaption {{ font-size: 9.5pt; margin-top: 2mm; }}
figcaption .figure-title {{ font-weight: bold; }}
ul {{ margin: 2mm 0 3mm; padding-left: 6mm; }}
"""


def _svg(figure: Figure) -> str:
    """The chart's SVG, checked to be well-formed, named by the figure's title for assistive
    technology (role=img and aria-label; WeasyPrint takes the tag's alternative text from
    the SVG's own <title>, which the figure's title replaces if it is missing)."""
    ElementTree.register_namespace("", SVG[1:-1])
    root = ElementTree.fromstring(figure.svg)
    if root.tag != f"{SVG}svg":
        raise ValueError("a figure's drawing must be an <svg> element")
    root.set("role", "img")
    root.set("aria-label", figure.title)
    title = root.find(f"{SVG}title")
    if title is None or not (title.text or "").strip():
        title = title if title is not None else ElementTree.Element(f"{SVG}title")
        title.text = figure.title
        if title not in list(root):
            root.insert(0, title)
    return ElementTree.tostring(root, encoding="unicode")


# Column widths. WeasyPrint's automatic table layout measures every cell twice (its narrowest
# and its widest width) and costs about a third of a long report's rendering time; the tables
# are therefore laid out with fixed widths that this module computes the way the automatic
# layout does (CSS 2.1, 17.5.2.2, as WeasyPrint implements it), from the font's glyph widths.
_CONTENT_MM = 210 - 22 - 20 - 2 * 8 * 25.4 / 96  # A4 less the page's and the body's margins
_PT_MM = 25.4 / 72


def _em(text: str, bold: bool = False) -> float:
    widths = metrics.BOLD_WIDTHS if bold else metrics.WIDTHS
    return sum(widths.get(c, metrics.DEFAULT) for c in text) / metrics.UNITS_PER_EM


def _words(text: str) -> list[str]:
    """The pieces a line may break between: at spaces, and after a hyphen before a letter
    (never inside a number or a code such as ``RE-2024-0107``: Unicode line breaking, LB25)."""
    return re.sub(r"-(?=[^\W\d])", "- ", text).split()


def _widths(table: Table, font_pt: float, padding_mm: float) -> list[float]:
    """Each column's share of the table's width in percent: every column at least as wide as
    its longest word (a figure, a date: its whole text), the room left shared in proportion to
    how much wider each column would like to be."""
    em_mm = font_pt * _PT_MM
    pad = 2 * padding_mm / em_mm + 0.25  # the cell's padding and some air
    cells = [(row, False) for row in table.rows] + [(row, True) for row in table.footer]
    narrowest, widest = [], []
    for i, column in enumerate(table.columns):
        texts = [(row[i], bold) for row, bold in cells if i < len(row)]
        whole = max((_em(t, bold) for t, bold in texts), default=0)
        if column.numeric:
            word = whole  # a figure never wraps
        else:
            word = max((_em(w, bold) for t, bold in texts for w in _words(t)), default=0)
        head = max((_em(w, bold=True) for w in _words(column.label)), default=0)
        narrowest.append(max(head, word) + pad)
        widest.append(max(_em(column.label, bold=True), whole, word) + pad)
    room = _CONTENT_MM / em_mm
    if sum(widest) <= room:
        base, grow = widest, widest
    else:
        base, grow = narrowest, [w - n for w, n in zip(widest, narrowest, strict=True)]
    spare = max(room - sum(base), 0)
    total_grow = sum(grow) or 1
    widths = [b + spare * g / total_grow for b, g in zip(base, grow, strict=True)]
    total = sum(widths)
    return [100 * w / total for w in widths]


def _table(table: Table) -> str:
    numeric = [c.numeric for c in table.columns]

    def cls(i):
        return ' class="num"' if i < len(numeric) and numeric[i] else ""

    def row(cells):
        out = []
        for i, cell in enumerate(cells):
            tag = "th" if i == 0 else "td"
            scope = ' scope="row"' if i == 0 else ""
            out.append(f"<{tag}{scope}{cls(i)}>{escape(cell)}</{tag}>")
        return "<tr>" + "".join(out) + "</tr>"

    head = "".join(
        f'<th scope="col"{cls(i)}>{escape(c.label)}</th>' for i, c in enumerate(table.columns)
    )
    width = len(table.columns)
    size, font_pt, padding_mm = (
        (' class="wider"', 6.5, 0.5)
        if width >= 9
        else (' class="wide"', 7.5, 0.8)
        if width >= 7
        else ("", 9.5, 1.5)
    )
    cols = "".join(f'<col style="width: {w:.2f}%">' for w in _widths(table, font_pt, padding_mm))
    parts = [
        f"<table{size}>",
        f"<caption>{escape(table.caption)}</caption>",
        f"<colgroup>{cols}</colgroup>",
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
        *(row(r) for r in table.rows),
        "</tbody>",
    ]
    if table.footer:
        parts += ["<tfoot>", *(row(r) for r in table.footer), "</tfoot>"]
    parts.append("</table>")
    return "".join(parts)


def _block(block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        return (
            f"<figure>{_svg(block)}<figcaption>"
            f'<span class="figure-title">{escape(block.title)}</span><br>'
            f"{escape(block.description)}</figcaption></figure>"
        )
    raise TypeError(f"unknown block {block!r}")


def html_of(report: Report) -> str:
    """The report as one HTML document (every text escaped)."""
    w = words(report)
    day = stamp(report).isoformat()
    entries = list(outline(report))
    toc = "".join(
        f'<li class="depth-{min(e.depth, 3)}"><a href="#{e.anchor}">'
        f"{escape(e.section.heading)}</a></li>"
        for e in entries
    )
    body = []
    depth_open = []
    for e in entries:
        while depth_open and depth_open[-1] >= e.depth:
            body.append("</section>")
            depth_open.pop()
        level = min(e.depth, 3)
        body.append(f'<section><h{level} id="{e.anchor}">{escape(e.section.heading)}</h{level}>')
        body.extend(_block(b) for b in e.section.blocks)
        depth_open.append(e.depth)
    body.extend("</section>" for _ in depth_open)
    return (
        f'<!DOCTYPE html><html lang="{escape(report.language)}"><head><meta charset="utf-8">'
        f"<title>{escape(report.title)}</title>"
        f'<meta name="description" content="{escape(report.subtitle)}">'
        f'<meta name="generator" content="Plansicht">'
        f'<meta name="dcterms.created" content="{day}">'
        f'<meta name="dcterms.modified" content="{day}">'
        f"<style>{_stylesheet(report)}</style></head><body>"
        f'<header><p class="doc-title">{escape(report.title)}</p>'
        f'<p class="doc-subtitle">{escape(report.subtitle)}</p></header>'
        f'<nav class="toc"><h1>{escape(w["contents"])}</h1><ol>{toc}</ol></nav>'
        f"<main>{''.join(body)}</main></body></html>"
    )


def _no_fetching(url, *args, **kwargs):
    # Everything the document needs is inline; a report never reaches out to a URL or file.
    raise ValueError(f"a report fetches nothing ({url})")


def render_pdf(report: Report, *, archival: bool = False) -> bytes:
    html = HTML(string=html_of(report), url_fetcher=_no_fetching, base_url=None)
    if archival:
        return html.write_pdf(pdf_variant="pdf/a-3b", pdf_tags=True)
    return html.write_pdf(pdf_variant="pdf/ua-1")
