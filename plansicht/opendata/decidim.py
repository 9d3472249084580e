"""Decidim accountability CSV (``;``-separated) of a programme's published measures, as a
Decidim "Accountability" component imports its results: ``id`` is the measure's stable
database id, ``parent/id`` its parent's; ``status/id`` maps the measure's health to the city's
own Decidim status ids (setting DECIDIM_STATUS_IDS); ``progress`` is the percent complete of
the stored forecast; titles in German and English (the same text until there is a
translation). Text cells are neutralised against formulas."""

import csv
import io

from django.conf import settings

from .cells import neutralise
from .spans import public_measures, spans

# The columns of Decidim's results CSV (decidim-accountability's ResultSerializer) for a
# German Decidim with English as second locale; category and scope are left empty.
COLUMNS = [
    "id",
    "category/id",
    "category/name/de",
    "category/name/en",
    "scope/id",
    "scope/name/de",
    "scope/name/en",
    "parent/id",
    "title/de",
    "title/en",
    "description/de",
    "description/en",
    "start_date",
    "end_date",
    "status/id",
    "status/key",
    "status/name/de",
    "status/name/en",
    "progress",
    "created_at",
    "url",
    "component/id",
    "proposal_urls",
]
STATUS_NAMES = {
    "green": ("im Plan", "on track"),
    "amber": ("verzögert", "delayed"),
    "red": ("stark verzögert", "seriously delayed"),
}


def status_id(health):
    """The city's Decidim status id for ``health`` (green, amber, red), or None."""
    return settings.DECIDIM_STATUS_IDS.get(health) if health else None


def rows(programme) -> list[dict]:
    measures = public_measures(programme)
    public = {m.pk for m in measures}
    span_of = spans(programme, measures)
    found = []
    for m in measures:
        forecast = getattr(m, "forecast", None)
        health = forecast.health if forecast is not None else None
        span = span_of[m.pk]
        progress = forecast.percent_complete if forecast is not None else None
        mapped = status_id(health)
        names = STATUS_NAMES.get(health, ("", "")) if mapped is not None else ("", "")
        description = m.description or m.title
        found.append(
            {
                "id": m.pk,
                "parent/id": m.parent_id if m.parent_id in public else None,
                "title/de": m.title,
                "title/en": m.title,
                "description/de": description,
                "description/en": description,
                "start_date": span.planned_start,
                "end_date": forecast.forecast_finish if forecast is not None else None,
                "status/id": mapped,
                "status/key": health if mapped is not None else None,
                "status/name/de": names[0],
                "status/name/en": names[1],
                "progress": f"{progress:.1f}" if progress is not None else None,
            }
        )
    return found


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return neutralise(value) if isinstance(value, str) else str(value)


def make(programme) -> bytes:
    """The results CSV (UTF-8, ``;``-separated, one header row)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for row in rows(programme):
        writer.writerow({c: _cell(row.get(c)) for c in COLUMNS})
    return out.getvalue().encode("utf-8")
