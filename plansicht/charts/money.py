"""Money by year as grouped bars: planned (approved plan), forecast and actual spending, for
every year from the first to the last (a year without money shows as zeros, not skipped).

Pure: standard library only. The page shows the same figures in a table next to the chart;
the SVG carries a title and a one-sentence summary for screen readers.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from plansicht.engine.calendar import EARLIEST, LATEST

from .markup import text as escape

WIDTH = 720
BAR_AREA = 240
TOP = 48
LEFT = 12
COLOURS = {"planned": "#6e7597", "forecast": "#2044aa", "actual": "#131525"}


@dataclass(frozen=True)
class YearRow:
    year: int
    planned: Decimal
    forecast: Decimal
    actual: Decimal


@dataclass(frozen=True)
class MoneyLabels:
    title: str
    planned: str
    forecast: str
    actual: str
    summary: str  # one sentence: what the chart shows


def every_year(rows: Sequence[YearRow]) -> list[YearRow]:
    """The rows in year order with every year from the first to the last: a year without
    money gets a row of zeros instead of being skipped. Gaps are filled only within the years
    a person can enter (1990–2100): a stray year far outside stays a single row."""
    by_year = {row.year: row for row in rows}
    if not by_year:
        return []
    zero = Decimal(0)
    enterable = [year for year in by_year if EARLIEST.year <= year <= LATEST.year]
    filled = range(min(enterable), max(enterable) + 1) if enterable else ()
    years = sorted(set(by_year) | set(filled))
    return [by_year.get(year) or YearRow(year, zero, zero, zero) for year in years]


def money_by_year_svg(
    rows: Sequence[YearRow],
    *,
    labels: MoneyLabels,
    format_amount: Callable[[Decimal], str],
    id_prefix: str = "mb",
) -> str:
    if not id_prefix.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"bad id prefix {id_prefix!r}")
    rows = every_year(rows)
    height = TOP + BAR_AREA + 40
    biggest = max([max(r.planned, r.forecast, r.actual) for r in rows] + [Decimal(1)])
    kinds = ("planned", "forecast", "actual")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" font-family="sans-serif">',
        f'<title id="{id_prefix}-title">{escape(labels.title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(labels.summary)}</desc>',
    ]
    # Legend: colour swatch and word for each kind of bar.
    x = LEFT
    for kind in kinds:
        word = getattr(labels, kind)
        parts.append(f'<rect x="{x}" y="12" width="16" height="16" fill="{COLOURS[kind]}"/>')
        parts.append(
            f'<text x="{x + 22}" y="26" font-size="16" fill="#131525">{escape(word)}</text>'
        )
        x += 34 + 9 * len(word)
    base = TOP + BAR_AREA
    parts.append(
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - LEFT}" y2="{base}" '
        'stroke="#6e7597" stroke-width="1"/>'
    )
    if rows:
        slot = (WIDTH - 2 * LEFT) / len(rows)
        bar = max(4.0, min(40.0, slot / 4))
        every = -(-len(rows) // 12)  # at most a dozen year labels, so they never overlap
        for i, row in enumerate(rows):
            x0 = LEFT + i * slot + (slot - 3 * bar) / 2
            for j, kind in enumerate(kinds):
                value = getattr(row, kind)
                h = float(value / biggest) * BAR_AREA
                tip = f"{row.year}, {getattr(labels, kind)}: {format_amount(value)}"
                parts.append(
                    f'<rect x="{x0 + j * bar:.1f}" y="{base - h:.1f}" width="{bar:.1f}" '
                    f'height="{h:.1f}" fill="{COLOURS[kind]}"><title>{escape(tip)}</title></rect>'
                )
            if i % every == 0:
                parts.append(
                    f'<text x="{LEFT + i * slot + slot / 2:.1f}" y="{base + 24}" '
                    f'font-size="16" text-anchor="middle" fill="#131525">{row.year}</text>'
                )
    parts.append("</svg>")
    return "".join(parts)
