"""One indicator over time as a small line chart: the way from the baseline to the target as a
dashed line (a square at the baseline, a diamond at the target) and the actual values as a
solid line with a dot at each value.

Kinds are told apart by shape and line style, not by colour alone. The picture is one
``role="img"``: its name is ``labels.title``, its description ``labels.summary`` (one
sentence: from where to where, and the latest value); each dot's ``<title>`` (a tooltip)
spells the value out. The page shows every value in a table next to it.

Pure: standard library only.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from plansicht.engine.calendar import EARLIEST, LATEST

from . import markup

WIDTH, HEIGHT = 720, 330
LEFT, RIGHT, TOP, BOTTOM = 96, 24, 84, 282  # the plot area; the legend above, labels outside
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'
SIZE = 16
TEXT, GRID, PATH, ACTUAL = "#1b1b1b", "#dddddd", "#5f6b76", "#1a4d8f"  # >= 4.5:1 on white


@dataclass(frozen=True)
class Point:
    on: date
    value: Decimal
    label: str  # the tooltip, in words: "31.03.2025: 70 services"


@dataclass(frozen=True)
class IndicatorLabels:
    title: str
    summary: str  # one sentence: from where to where, the latest value
    actual: str  # the legend's words
    path: str
    baseline: str
    target: str


def _clamp(d: date) -> date:
    return EARLIEST if d < EARLIEST else LATEST if d > LATEST else d


def indicator_svg(
    baseline: Point,
    target: Point,
    actuals: Sequence[Point],
    *,
    labels: IndicatorLabels,
    format_value: Callable[[Decimal], str],
    format_date: Callable[[date], str],
    id_prefix: str = "ind",
) -> str:
    if not id_prefix.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"bad id prefix {id_prefix!r}")
    points = [baseline, target, *actuals]
    first = min(_clamp(p.on) for p in points).toordinal()
    last = max(_clamp(p.on) for p in points).toordinal()
    span = max(last - first, 1)
    low = min(p.value for p in points)
    high = max(p.value for p in points)
    if low == high:  # a flat line sits in the middle
        low, high = low - 1, high + 1
    margin = (high - low) / 10
    low, high = low - margin, high + margin

    def x(d: date) -> float:
        return LEFT + (_clamp(d).toordinal() - first) / span * (WIDTH - LEFT - RIGHT)

    def y(v: Decimal) -> float:
        return BOTTOM - float((v - low) / (high - low)) * (BOTTOM - TOP)

    text = markup.text
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" {FONT}>',
        f'<title id="{id_prefix}-title">{text(labels.title)}</title>',
        f'<desc id="{id_prefix}-desc">{text(labels.summary)}</desc>',
    ]
    out += _legend(labels)
    # A grid line with its value at the baseline's and at the target's height.
    for p in sorted({baseline.value, target.value}):
        out.append(
            f'<line x1="{LEFT}" y1="{y(p):.1f}" x2="{WIDTH - RIGHT}" y2="{y(p):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 8}" y="{y(p) + 5:.1f}" font-size="{SIZE}" text-anchor="end" '
            f'fill="{TEXT}">{text(format_value(p))}</text>'
        )
    out.append(
        f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{WIDTH - RIGHT}" y2="{BOTTOM}" '
        f'stroke="{PATH}" stroke-width="1"/>'
    )
    # The first and the last date under the axis.
    for on, anchor in ((date.fromordinal(first), "start"), (date.fromordinal(last), "end")):
        out.append(
            f'<text x="{x(on):.1f}" y="{BOTTOM + 24}" font-size="{SIZE}" '
            f'text-anchor="{anchor}" fill="{TEXT}">{text(format_date(on))}</text>'
        )
    # The way from the baseline to the target.
    out.append(
        f'<line x1="{x(baseline.on):.1f}" y1="{y(baseline.value):.1f}" '
        f'x2="{x(target.on):.1f}" y2="{y(target.value):.1f}" stroke="{PATH}" '
        'stroke-width="2" stroke-dasharray="8 5"/>'
    )
    out.append(_square(x(baseline.on), y(baseline.value), baseline.label))
    out.append(_diamond(x(target.on), y(target.value), target.label))
    # The actual values, in date order (of one date in the order given).
    ordered = sorted(actuals, key=lambda p: p.on)
    if len(ordered) > 1:
        line = " ".join(f"{x(p.on):.1f},{y(p.value):.1f}" for p in ordered)
        out.append(
            f'<polyline points="{line}" fill="none" stroke="{ACTUAL}" stroke-width="3" '
            'stroke-linejoin="round"/>'
        )
    for p in ordered:
        out.append(
            f'<circle cx="{x(p.on):.1f}" cy="{y(p.value):.1f}" r="6" fill="{ACTUAL}" '
            f'stroke="#ffffff" stroke-width="2"><title>{text(p.label)}</title></circle>'
        )
    out.append("</svg>")
    return "".join(out)


def _legend(labels: IndicatorLabels) -> list[str]:
    """Two rows: the actual values and the way; the baseline and the target."""
    text = markup.text
    out = []
    for row, items in enumerate(
        (
            (("actual", labels.actual), ("path", labels.path)),
            (("baseline", labels.baseline), ("target", labels.target)),
        )
    ):
        cy, x = 20 + row * 28, 8
        for kind, word in items:
            if kind in ("actual", "path"):
                colour, width = (ACTUAL, 3) if kind == "actual" else (PATH, 2)
                dash = ' stroke-dasharray="8 5"' if kind == "path" else ""
                out.append(
                    f'<line x1="{x}" y1="{cy}" x2="{x + 28}" y2="{cy}" stroke="{colour}" '
                    f'stroke-width="{width}"{dash}/>'
                )
                if kind == "actual":
                    out.append(f'<circle cx="{x + 14}" cy="{cy}" r="5" fill="{ACTUAL}"/>')
                x += 36
            else:
                out.append((_square if kind == "baseline" else _diamond)(x + 7, cy, None))
                x += 20
            out.append(
                f'<text x="{x}" y="{cy + 6}" font-size="{SIZE}" fill="{TEXT}">{text(word)}</text>'
            )
            x += 24 + int(len(word) * SIZE * 0.58)
    return out


def _square(cx, cy, label) -> str:
    tip = f"<title>{markup.text(label)}</title>" if label else ""
    return (
        f'<rect x="{cx - 6:.1f}" y="{cy - 6:.1f}" width="12" height="12" fill="{TEXT}">{tip}</rect>'
    )


def _diamond(cx, cy, label) -> str:
    tip = f"<title>{markup.text(label)}</title>" if label else ""
    points = (
        f"{cx:.1f},{cy - 8:.1f} {cx + 8:.1f},{cy:.1f} {cx:.1f},{cy + 8:.1f} {cx - 8:.1f},{cy:.1f}"
    )
    return f'<polygon points="{points}" fill="{TEXT}">{tip}</polygon>'
