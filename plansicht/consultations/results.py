"""The results of a consultation as both faces show them: per question the rows of its table
(choice, count, share in words), its bar chart, the mean of a rating, the released free-text
answers; and the results as CSV (ISO, points as decimal marks). Who may see them when is the
faces' to check (the public after the close, the office at any time)."""

import csv
import io

from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from plansicht.charts.shares import Bar, bars_svg

from . import reads
from .models import Question

CSV_COLUMNS = ["question", "kind", "choice", "count", "share", "mean"]


def share_words(share) -> str:
    """A share as German pages write it: 12,5 %."""
    if share is None:
        return "–"
    return f"{number_format(share, decimal_pos=1)}\u00a0%"


def result_rows(consultation) -> list[dict]:
    """Per question: its rows (choice, count, share in words), its chart, the mean of a
    rating, the released free-text answers."""
    out = []
    for r in reads.results(consultation):
        q = r.question
        rows = [
            {"label": c.label, "count": c.count, "share": share_words(c.share)} for c in r.choices
        ]
        chart = None
        if rows:
            bars = [
                Bar(
                    c.label,
                    float(c.share or 0),
                    _("{count} ({share})").format(count=c.count, share=share_words(c.share)),
                )
                for c in r.choices
            ]
            chart = mark_safe(  # noqa: S308 - every text is escaped by charts.markup
                bars_svg(
                    bars,
                    title=q.text,
                    summary=_(
                        "Bar chart of the answers to question {n}: {respondents} respondents. "
                        "The table below gives the same figures."
                    ).format(n=q.number, respondents=r.respondents),
                    id_prefix=f"chart-q{q.number}",
                )
            )
        out.append(
            {
                "question": q,
                "respondents": r.respondents,
                "rows": rows,
                "chart": chart,
                "mean": number_format(r.mean, decimal_pos=1) if r.mean is not None else None,
                "texts": r.texts,
                "awaiting": r.awaiting_moderation,
            }
        )
    return out


def results_csv(consultation) -> str:
    """The results as CSV: ISO dates, points as decimal marks, one row per choice or rating
    (free text: one row with the number of answers)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in reads.results(consultation):
        q = r.question
        mean = str(r.mean) if r.mean is not None else ""
        if q.kind == Question.TEXT:
            writer.writerow([_csv_cell(q.text), q.kind, "", r.respondents, "", ""])
            continue
        for c in r.choices:
            share = str(c.share) if c.share is not None else ""
            writer.writerow([_csv_cell(q.text), q.kind, _csv_cell(c.label), c.count, share, mean])
    return out.getvalue()


def _csv_cell(value: str) -> str:
    """A text that a spreadsheet would take for a formula is kept as text."""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
