"""What the three renderers share: their few fixed words, the walk over the sections, the
charts as PNG (for DOCX and ODT) and byte-stable ZIP packages.

No Django here: the renderers work without a request and without gettext, so the words they
add themselves (contents, page x of y) come from :data:`WORDS`, keyed by the report's language.
"""

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from xml.etree import ElementTree

import cairosvg

from ..content import Report, Section

WORDS = {
    "de": {"contents": "Inhalt", "page": "Seite", "of": "von", "figure": "Abbildung"},
    "en": {"contents": "Contents", "page": "Page", "of": "of", "figure": "Figure"},
}

SVG = "{http://www.w3.org/2000/svg}"
# Colours of the portal's ink (site.css): what an SVG without its own fill inherits there.
INK = "#1b1b1b"


def words(report: Report) -> dict[str, str]:
    return WORDS.get(report.language, WORDS["en"])


@dataclass(frozen=True)
class Entry:
    """A section in reading order: its depth (1 for a top section), its anchor and itself."""

    depth: int
    anchor: str
    section: Section


def outline(report: Report) -> Iterator[Entry]:
    """Every section of the report in reading order, depth first."""

    def walk(sections, depth, prefix):
        for i, section in enumerate(sections, start=1):
            anchor = f"{prefix}-{i}"
            yield Entry(depth, anchor, section)
            yield from walk(section.sections, depth + 1, anchor)

    yield from walk(report.sections, 1, "s")


def stamp(report: Report) -> date:
    """The one date a file carries as its creation and modification date: the issue date of
    an issued report, else its cut-off date -- never the clock, so two renders agree."""
    return report.issue_date or report.cut_off


def stamp_datetime(report: Report) -> datetime:
    day = stamp(report)
    return datetime(day.year, day.month, day.day)


def png_of(svg: str, *, width_px: int = 1200) -> bytes:
    """The chart as a PNG ``width_px`` wide on white, for word processors.

    The portal's charts carry their colours as attributes, but an SVG that leaves fill or
    stroke to the page (``currentColor``, a class) would come out black-on-transparent or
    invisible; the root gets the page's ink as its colour and fill, and the picture a white
    background, so every chart is legible on paper and in a dark-themed word processor.
    """
    ElementTree.register_namespace("", SVG[1:-1])
    root = ElementTree.fromstring(svg)
    root.set("color", root.get("color", INK))
    root.set("fill", root.get("fill", INK))
    # A width in percent means nothing outside a page: the viewBox gives the proportions.
    for dimension in ("width", "height"):
        if root.get(dimension, "").endswith("%"):
            del root.attrib[dimension]
    data = ElementTree.tostring(root, encoding="unicode")
    return cairosvg.svg2png(
        bytestring=data.encode(), output_width=width_px, background_color="white"
    )


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def stable_zip(data: bytes, day: date) -> bytes:
    """The same ZIP package with every entry dated ``day`` (in its order, each compressed as
    before -- an ODT's uncompressed ``mimetype`` stays first): the libraries stamp entries
    with the clock, which would make two renders of the same report differ in bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(
                info.filename, date_time=(day.year, day.month, day.day, 0, 0, 0)
            )
            entry.compress_type = info.compress_type
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
