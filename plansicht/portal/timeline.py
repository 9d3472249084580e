"""Turns a measure's milestones into the pure SVG timeline of ``plansicht.charts``."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plansicht.charts.timeline import Labels, Row, timeline_svg
from plansicht.forecast.run import today
from plansicht.forecast.templatetags.forecast import HEALTH_LABELS


def _date(value):
    return date_format(value, "SHORT_DATE_FORMAT")


def _summary(rows, first, last, late):
    if not rows:
        return _("No published milestones yet.")
    text = ngettext(
        "%(count)d milestone from %(first)s to %(last)s.",
        "%(count)d milestones from %(first)s to %(last)s.",
        rows,
    ) % {"count": rows, "first": first, "last": last}
    if late:
        text += " " + ngettext(
            "%(late)d of them is delayed; see the table below for every date.",
            "%(late)d of them are delayed; see the table below for every date.",
            late,
        ) % {"late": late}
    else:
        text += " " + _("None is delayed. The table below lists every date.")
    return text


def for_milestones(programme, milestones, baseline, measure) -> str:
    rows = []
    for m in milestones:
        f = getattr(m, "forecast", None)
        if f is None:
            continue
        actual = (m.actual_start, m.actual_finish if f.finished else None) if f.started else None
        rows.append(
            Row(
                label=f"{m.code} {m.title}",
                forecast=(f.start, f.finish),
                baseline=baseline.get(m.pk),
                actual=actual,
                health=f.health,
                href=None,
            )
        )
    as_of = programme.forecast.as_of if hasattr(programme, "forecast") else today()
    labels = Labels(
        title=_("Timeline of measure %(code)s") % {"code": measure.code},
        baseline=_("Plan (current version)"),
        forecast=_("Forecast"),
        actual=_("Actual"),
        today=_("Today"),
        summary=_summary,
        health={key: str(value) for key, value in HEALTH_LABELS.items() if key},
    )
    return timeline_svg(
        rows, today=as_of, labels=labels, format_date=_date, id_prefix=f"tl-{measure.pk}"
    )
