"""The results of one consultation question as horizontal bars: one bar per choice (or
rating), its length the share of the question's respondents, labelled with the choice and
with the count and share in text, so nothing is said by colour alone.

Pure: standard library only. The page shows the same figures in a table below the chart.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from .markup import attr
from .markup import text as escape

WIDTH = 640
LABEL = 220  # the choices' column
BAR = 300  # the length of a 100 % bar
ROW = 30
LABEL_CHARS = 32


@dataclass(frozen=True)
class Bar:
    label: str
    percent: float  # 0 to 100
    value: str  # the count and share in words, e.g. "3 (12,5 %)"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bars_svg(bars: Sequence[Bar], *, title: str, summary: str, id_prefix: str) -> str:
    """An SVG of ``bars``, with ``title`` and ``summary`` for screen readers."""
    height = ROW * len(bars) + 8
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="share-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(summary)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = 4 + i * ROW
        length = max(0.0, min(100.0, bar.percent)) * BAR / 100
        parts.append(
            f'<text x="0" y="{y + 19}" font-size="14" fill="#131525">'
            f"<title>{escape(bar.label)}</title>{escape(_short(bar.label))}</text>"
        )
        parts.append(
            f'<rect x="{LABEL}" y="{y + 4}" width="{length:.1f}" height="20" fill="#2044aa"/>'
        )
        parts.append(
            f'<rect x="{LABEL}" y="{y + 4}" width="{BAR}" height="20" fill="none" '
            f'stroke="#6e7597" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LABEL + BAR + 8}" y="{y + 19}" font-size="14" fill="#131525" '
            f"data-value={attr(bar.value)}>{escape(bar.value)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
