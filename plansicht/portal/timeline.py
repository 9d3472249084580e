"""Turns milestones, or measures, into the pure SVG timelines of ``plansicht.charts``.

Each chart is drawn twice: 720 units wide for a desk and 360 wide for a phone (``site.css``
shows the one that fits), so that on a phone the whole time range, today and the latest
forecast included, is on screen with text large enough to read.
"""

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plansicht.charts.timeline import Labels, Row, timeline_svg
from plansicht.forecast.run import today
from plansicht.forecast.templatetags.forecast import HEALTH_LABELS

PHONE_WIDTH = 360


def _date(value):
    return date_format(value, "SHORT_DATE_FORMAT")


def _late(text, late):
    if late:
        return (
            text
            + " "
            + ngettext(
                "%(late)d of them is delayed; see the table below for every date.",
                "%(late)d of them are delayed; see the table below for every date.",
                late,
            )
            % {"late": late}
        )
    return text + " " + _("None is delayed. The table below lists every date.")


def _summary(rows, first, last, late):
    if not rows:
        return _("No published milestones yet.")
    text = ngettext(
        "%(count)d milestone from %(first)s to %(last)s.",
        "%(count)d milestones from %(first)s to %(last)s.",
        rows,
    ) % {"count": rows, "first": first, "last": last}
    return _late(text, late)


def _measure_summary(rows, first, last, late):
    if not rows:
        return _("No published measures yet.")
    text = ngettext(
        "%(count)d measure from %(first)s to %(last)s.",
        "%(count)d measures from %(first)s to %(last)s.",
        rows,
    ) % {"count": rows, "first": first, "last": last}
    return _late(text, late)


def _labels(title, summary):
    return Labels(
        title=title,
        baseline=_("Approved plan"),
        forecast=_("Forecast"),
        actual=_("Actual"),
        today=_("Today"),
        summary=summary,
        health={key: str(value) for key, value in HEALTH_LABELS.items() if key},
    )


def _as_of(programme):
    return programme.forecast.as_of if hasattr(programme, "forecast") else today()


def _both(rows, programme, labels, id_prefix):
    """The desk and the phone drawing; CSS shows one of them (the other is display: none,
    so a screen reader meets the chart once)."""
    said = {}  # both drawings name the same dates: each is formatted once

    def format_date(value):
        if value not in said:
            said[value] = _date(value)
        return said[value]

    draw = {"today": _as_of(programme), "labels": labels, "format_date": format_date}
    return format_html(
        '<div class="timeline__wide">{}</div><div class="timeline__narrow">{}</div>',
        # timeline_svg escapes every text it draws
        mark_safe(timeline_svg(rows, id_prefix=id_prefix, **draw)),  # noqa: S308
        mark_safe(timeline_svg(rows, id_prefix=f"{id_prefix}-phone", width=PHONE_WIDTH, **draw)),  # noqa: S308
    )


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
    labels = _labels(_("Timeline of measure %(code)s") % {"code": measure.code}, _summary)
    return _both(rows, programme, labels, f"tl-{measure.pk}")


def measure_rows(measures):
    """The overview's rows: measures with ``first_forecast_start`` (earliest forecast start of
    the subtree) and ``first_plan_start`` (the same in the approved plan) set; a measure
    without a stored forecast finish is left out."""
    return [
        m
        for m in measures
        if hasattr(m, "forecast")
        and m.forecast.forecast_finish
        and m.first_forecast_start
        and m.first_forecast_start <= m.forecast.forecast_finish
    ]


def for_measures(programme, measures) -> str:
    """Approved plan against forecast, one lane per measure (``measure_rows`` first)."""
    rows = []
    for m in measures:
        f = m.forecast
        plan = None
        if m.first_plan_start and f.baseline_finish and m.first_plan_start <= f.baseline_finish:
            plan = (m.first_plan_start, f.baseline_finish)
        rows.append(
            Row(
                label=f"{m.code} {m.title}",
                forecast=(m.first_forecast_start, f.forecast_finish),
                baseline=plan,
                health=f.health,
            )
        )
    labels = _labels(_("Timeline of the measures"), _measure_summary)
    return _both(rows, programme, labels, "tl-measures")
