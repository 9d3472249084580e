"""One content model per report, rendered to every format (PDF, DOCX, ODT), so the formats
cannot disagree. Pure data: every text is already in the report's language and every number
and date already formatted (``1.234,50 €``, ``31.12.2025`` in German); the renderers only lay
it out. A report serialises to plain JSON (:func:`as_data`) — the frozen copy of an issued
report keeps that, beside its files.
"""

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "paragraph"  # the JSON tag of the block


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    kind: str = "bullets"


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False  # right-aligned figures


@dataclass(frozen=True)
class Table:
    """A table with a caption (its accessible name), header cells, rows of text cells and
    optional footer rows (totals). The first cell of each row is its row header."""

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    footer: tuple[tuple[str, ...], ...] = ()
    kind: str = "table"


@dataclass(frozen=True)
class Figure:
    """A chart: its SVG (as the portal draws it), a title and a text alternative."""

    title: str
    svg: str
    description: str
    kind: str = "figure"


Block = Paragraph | Bullets | Table | Figure


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...] = ()
    sections: tuple["Section", ...] = ()  # one level down


@dataclass(frozen=True)
class Report:
    kind: str  # funder, proof, council, change-request, drawdown, public
    language: str  # de or en
    title: str
    subtitle: str  # e.g. the programme and the cut-off date in words
    programme: str  # the programme's slug
    cut_off: date
    issue_date: date | None
    internal: bool  # internal reports are never on the portal
    sections: tuple[Section, ...] = field(default_factory=tuple)


def as_data(report: Report) -> dict:
    """The report as JSON-ready data (ISO dates)."""
    data = asdict(report)
    data["cut_off"] = report.cut_off.isoformat()
    data["issue_date"] = report.issue_date.isoformat() if report.issue_date else None
    return data


def text_of(report: Report) -> str:
    """Every text of the report in reading order, one line per paragraph, item or row: what a
    reader of any format finds (the tests compare the formats against it)."""
    lines = [report.title, report.subtitle]

    def walk(section, depth):
        lines.append(section.heading)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Bullets):
                lines.extend(block.items)
            elif isinstance(block, Table):
                lines.append(block.caption)
                lines.append(" | ".join(c.label for c in block.columns))
                lines.extend(" | ".join(row) for row in (*block.rows, *block.footer))
            elif isinstance(block, Figure):
                lines.extend((block.title, block.description))
        for sub in section.sections:
            walk(sub, depth + 1)

    for section in report.sections:
        walk(section, 1)
    return "\n".join(lines)
