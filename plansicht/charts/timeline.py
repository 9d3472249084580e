"""A milestone timeline (plan, forecast, actual per row) as an accessible, script-free SVG string.

Layout, in viewBox units of a 720-wide drawing that the browser scales to its container: a legend,
a top axis with a tick at each 1 January, then one lane per row -- the label (and the health word)
on a full-width line above three thin strips: plan (outlined), forecast (coloured by health) and
actual (dark) -- and a dashed "today" line behind all lanes, labelled below them.

The picture is one ``role="img"``: its name is ``labels.title``, its description the sentence from
``labels.summary``; each lane's ``<title>`` (a tooltip) spells the row out in words. The page shows
the full data as a table next to it, so the SVG carries no more than that.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from plansicht.engine.calendar import EARLIEST, LATEST

from . import markup

WIDTH = 720
MARGIN = 8  # keeps strokes and the diamonds of end dates inside the viewBox
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'
LABEL_SIZE, SMALL_SIZE = 18, 15  # >= 12 asked; at 360 px the drawing is halved, so go bigger
LANE_HEIGHT = 56
# Strip (y offset within a lane, height): plan above forecast above actual, close but not hidden.
PLAN, FORECAST, ACTUAL = (25, 7), (34, 10), (46, 5)
TEXT, GRID, AXIS, LINK = "#1b1b1b", "#dddddd", "#6b6b6b", "#1a4d8f"
PLAN_STROKE, ACTUAL_FILL = "#5f6b76", "#1b1b1b"
TODAY_STYLE = f'stroke="{TEXT}" stroke-width="2" stroke-dasharray="6 3"'
HALO = 'stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'
# Every colour below is >= 4.5:1 on white, so it serves as bar (3:1 needed) and as text.
HEALTH_COLOURS = {"green": "#0a6b2d", "amber": "#b35c00", "red": "#a4161a", None: "#4a5a6a"}
LATE = {"amber", "red"}
_ID = re.compile(r"[A-Za-z][\w-]*")


@dataclass(frozen=True)
class Row:
    label: str
    forecast: tuple[date, date]
    baseline: tuple[date, date] | None = None
    actual: tuple[date, date | None] | None = None  # finish None: still running
    health: str | None = None  # "green" | "amber" | "red" | None
    href: str | None = None


@dataclass(frozen=True)
class Labels:
    title: str
    baseline: str
    forecast: str
    actual: str
    today: str
    summary: Callable[[int, str, str, int], str]  # (rows, first date, last date, late) -> text
    health: Mapping[str, str]


_text, _attr = markup.text, markup.attr


def _clamp(d: date) -> date:
    """The axis spans at most the dates Plansicht accepts: a date outside (a stray year 1 kept in
    an old plan version, a chain of durations reaching 2300) is drawn at the edge."""
    return EARLIEST if d < EARLIEST else LATEST if d > LATEST else d


def _width(s: str, size: int) -> float:
    # No font metrics on the server: 0.58 em per character is generous for sans-serif text.
    return len(s) * size * 0.58


def _fit(s: str, size: int, room: float) -> str:
    """Shorten s with an ellipsis so it fits room; the lane's tooltip keeps the full label."""
    if _width(s, size) <= room:
        return s
    return s[: max(1, int(room / (size * 0.58)) - 1)].rstrip() + "…"


def _svg(
    id_prefix: str, height: float, labels: Labels, desc: str, body: list[str], width: int = WIDTH
) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
            f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" viewBox="0 0 {width} '
            f'{height:g}" width="100%" preserveAspectRatio="xMinYMin meet" {FONT} '
            f'font-size="{SMALL_SIZE}" fill="{TEXT}">',
            f'<title id="{id_prefix}-title">{_text(labels.title)}</title>',
            f'<desc id="{id_prefix}-desc">{_text(desc)}</desc>',
            *body,
            "</svg>",
        ]
    )


def _bar(x0: float, x1: float, y: float, h: float, style: str) -> str:
    """A strip from x0 to x1, or a diamond for a point in time (a zero-width rect would vanish)."""
    if x1 - x0 < 0.01:
        cy, r = y + h / 2, h / 2 + 3
        corners = [(x0, cy - r), (x0 + r, cy), (x0, cy + r), (x0 - r, cy)]
        points = " ".join(f"{px:.1f},{py:.1f}" for px, py in corners)
        return f'<polygon points="{points}" {style}/>'
    # A one-day bar over several years would be a hair: keep it visible.
    return f'<rect x="{x0:.1f}" y="{y:g}" width="{max(x1 - x0, 2):.1f}" height="{h:g}" {style}/>'


def timeline_svg(
    rows: Sequence[Row],
    *,
    today: date,
    labels: Labels,
    format_date: Callable[[date], str],
    id_prefix: str = "tl",
    width: int = WIDTH,
) -> str:
    """Draw rows as a timeline SVG (a string of markup, every text escaped).

    The time range runs from the earliest to the latest date of any bar or today, padded by 2 %.
    ``labels.summary`` gets the number of rows, the earliest and latest bar date (today left out)
    as ``format_date`` text, and the number of late rows (health amber or red). IDs are
    ``{id_prefix}-title`` and ``{id_prefix}-desc``: give each chart on a page its own prefix.
    A running actual (finish None) is drawn up to today. Links other than http(s) or relative
    ones are dropped.

    ``width`` is the drawing's width in viewBox units: the browser scales it to its container,
    so a narrow drawing (say 360) keeps the text readable on a phone where the 720 one would be
    shrunk to half; the time range is the same, from the first date (or today) to the last
    date (or today), whatever the width. The legend shows only the kinds of strip drawn.

    With no rows the result is still a (small) SVG: the title, and ``labels.summary(0, "", "", 0)``
    as description and as its only visible text, so a template needs no special case.
    """
    if not _ID.fullmatch(id_prefix):
        raise ValueError(f"id_prefix must be a valid XML id, not {id_prefix!r}")
    if not rows:
        desc = labels.summary(0, "", "", 0)
        line = f'<text x="{MARGIN}" y="22">{_text(desc)}</text>'
        return _svg(id_prefix, 32, labels, desc, [line], width)

    def actual_span(row: Row) -> tuple[date, date] | None:
        if row.actual is None:
            return None
        start, finish = row.actual
        return (start, finish if finish is not None else max(start, today))

    spans = []
    for row in rows:
        if row.health not in HEALTH_COLOURS:
            raise ValueError(f"unknown health {row.health!r} for {row.label!r}")
        for span in (row.baseline, row.forecast, actual_span(row)):
            if span is not None:
                if span[1] < span[0]:
                    raise ValueError(f"{row.label!r}: finish {span[1]} before start {span[0]}")
                spans.append(span)
    first, last = min(s for s, _ in spans), max(f for _, f in spans)
    late = sum(row.health in LATE for row in rows)
    desc = labels.summary(len(rows), format_date(first), format_date(last), late)

    lo, hi = _clamp(min(first, today)).toordinal(), _clamp(max(last, today)).toordinal()
    pad = max(hi - lo, 30) * 0.02  # a one-day range still gets some room around it
    lo, hi = lo - pad, hi + pad
    plot = width - 2 * MARGIN

    def x(d: date) -> float:
        return MARGIN + (_clamp(d).toordinal() - lo) / (hi - lo) * plot

    body: list[str] = []
    # Legend: swatches and words, wrapped onto a new line when a translation runs long.
    y, lx = 4, MARGIN
    swatches = [
        (labels.baseline, _bar(0, 26, 5, 7, f'fill="#ffffff" stroke="{PLAN_STROKE}"'))
        if any(row.baseline for row in rows)
        else None,
        (labels.forecast, _bar(0, 26, 3, 10, f'fill="{HEALTH_COLOURS[None]}"')),
        (labels.actual, _bar(0, 26, 5, 5, f'fill="{ACTUAL_FILL}"'))
        if any(row.actual for row in rows)
        else None,
        (labels.today, f'<line x1="13" y1="0" x2="13" y2="16" {TODAY_STYLE}/>'),
    ]
    swatches = [s for s in swatches if s is not None]
    for word, mark in swatches:
        item = 34 + _width(word, SMALL_SIZE)
        if lx > MARGIN and lx + item > width - MARGIN:
            y, lx = y + 24, MARGIN
        body.append(f'<g transform="translate({lx:.1f},{y})">{mark}')
        body.append(f'<text x="32" y="13">{_text(word)}</text></g>')
        lx += item + 18
    top = y + 30  # the axis line

    lanes_top = top + 26
    bottom = lanes_top + len(rows) * LANE_HEIGHT
    # Year ticks: a short line and the year on the axis, a faint grid line down through the lanes.
    first_year, last_year = date.fromordinal(int(lo)).year, date.fromordinal(int(hi)).year
    years = [date(yr, 1, 1) for yr in range(first_year, last_year + 1)]
    years = [d for d in years if lo <= d.toordinal() <= hi]
    most = max(2, width // 60)  # at most a dozen labelled years in the 720 drawing, fewer if narrow
    years = years[:: max(1, -(-len(years) // most))]
    body.append(
        f'<line x1="{MARGIN}" y1="{top}" x2="{width - MARGIN}" y2="{top}" stroke="{AXIS}"/>'
    )
    year_width = _width("0000", SMALL_SIZE)
    free = MARGIN  # where the axis has room for the next year label
    # Name the year the chart opens in too, unless its first tick is too close to the edge.
    if not years or x(years[0]) > MARGIN + year_width + 12:
        body.append(f'<text x="{MARGIN + 4}" y="{top + 20}" {HALO}>{first_year}</text>')
        free = MARGIN + 4 + year_width
    for jan1 in years:
        tx = x(jan1)
        body.append(
            f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{bottom}" stroke="{GRID}"/>'
            f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{top + 8}" stroke="{AXIS}"/>'
        )
        # The year stands right of its tick; at the right edge left of it, if that is free.
        if tx + 4 + year_width <= width:
            label_x, anchor, free = tx + 4, "start", tx + 4 + year_width
        elif tx - 4 - year_width >= free + 4:
            label_x, anchor, free = tx - 4, "end", tx - 4
        else:
            continue
        body.append(
            f'<text x="{label_x:.1f}" y="{top + 20}" text-anchor="{anchor}" {HALO}>'
            f"{jan1.year}</text>"
        )

    # Today goes under the lanes, so the white halo of each label cuts the line where they cross.
    tx = x(today)
    body.append(
        f'<line class="{id_prefix}-today" x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" '
        f'y2="{bottom + 4}" {TODAY_STYLE}/>'
    )
    half = _width(labels.today, SMALL_SIZE) / 2
    label_x = min(max(tx, MARGIN + half), width - MARGIN - half)
    body.append(
        f'<text x="{label_x:.1f}" y="{bottom + 22}" text-anchor="middle">'
        f"{_text(labels.today)}</text>"
    )

    def said(caption: str, span: tuple[date, date | None]) -> str:
        start, finish = span
        if finish == start:
            return f"{caption}: {format_date(start)}"
        return f"{caption}: {format_date(start)} – {format_date(finish) if finish else '…'}"

    for i, row in enumerate(rows):
        lane = lanes_top + i * LANE_HEIGHT
        colour = HEALTH_COLOURS[row.health]
        word = labels.health[row.health] if row.health else ""
        tip = [row.label]
        tip += [said(labels.baseline, row.baseline)] if row.baseline else []
        tip += [said(labels.forecast, row.forecast)]
        tip += [said(labels.actual, row.actual)] if row.actual else []
        tip += [word] if word else []
        body.append(f'<g class="{id_prefix}-row"><title>{_text("; ".join(tip))}</title>')
        # The health word, right-aligned, says in words what the colour says (WCAG 1.4.1).
        room = plot - (_width(word, SMALL_SIZE) + 12 if word else 0)
        label = _text(_fit(row.label, LABEL_SIZE, room))
        href = row.href if row.href and urlsplit(row.href).scheme in ("", "http", "https") else None
        if href:
            label = (
                f'<a href={_attr(href)}><tspan fill="{LINK}" text-decoration="underline">'
                f"{label}</tspan></a>"
            )
        body.append(
            f'<text x="{MARGIN}" y="{lane + 18}" font-size="{LABEL_SIZE}" {HALO}>{label}</text>'
        )
        if word:
            body.append(
                f'<text x="{width - MARGIN}" y="{lane + 18}" text-anchor="end" fill="{colour}" '
                f'font-weight="bold" {HALO}>{_text(word)}</text>'
            )
        strips = [
            (row.baseline, PLAN, f'fill="#ffffff" stroke="{PLAN_STROKE}" stroke-width="1.5"'),
            (row.forecast, FORECAST, f'fill="{colour}"'),
            (actual_span(row), ACTUAL, f'fill="{ACTUAL_FILL}"'),
        ]
        for span, (dy, h), style in strips:
            if span is not None:
                body.append(_bar(x(span[0]), x(span[1]), lane + dy, h, style))
        body.append("</g>")
    return _svg(id_prefix, bottom + 30, labels, desc, body, width)
