"""The indicators and the funder's acceptance on the public pages: a measure's indicators with
their chart, values and progress in words, and the milestones finished and accepted by the
funder. Read as of today; values dated later are not shown yet."""

from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plansicht import clock
from plansicht.charts.indicator import IndicatorLabels, Point, indicator_svg
from plansicht.indicators import reads
from plansicht.indicators.models import Indicator
from plansicht.indicators.words import progress_words, with_unit
from plansicht.plan.models import Milestone


def acceptance(milestones) -> dict:
    """{"finished", "accepted"} of these published milestones as of today."""
    return milestones.public().acceptance(clock.today())


def annotate(measures):
    """The public measures as the measure page reads them: each with whether it has any
    indicator, in the one query that loads them. (The acceptance counts are read for the
    measure's subtree alone, in :func:`for_measure`: counting them for every measure of the
    programme in this query cost more than the rest of it.)"""
    return measures.annotate(
        has_indicators=Exists(Indicator.objects.filter(measure=OuterRef("pk")))
    )


def for_measure(measure, public) -> dict:
    """The measure page's part: its indicators (each with ``chart`` and ``words``), and the
    milestones finished and accepted over the measure and its published sub-measures.
    ``public``: every public measure of the programme, read through :func:`annotate`."""
    today = clock.today()
    children: dict = {}
    for m in public:
        children.setdefault(m.parent_id, []).append(m)
    subtree, todo = [], [measure]
    while todo:
        m = todo.pop()
        if m in subtree:  # a bad tree must not loop
            continue
        subtree.append(m)
        todo.extend(children.get(m.pk, ()))
    indicators = reads.of_measure(measure, today) if measure.has_indicators else []
    for i in reads.measured_by(indicators, today):
        i.words = progress_words(i)
        i.chart = chart(i)
    return {
        "indicators": indicators,
        # the published milestones of the measure and its published sub-measures
        "acceptance": Milestone.objects.filter(
            measure_id__in=[m.pk for m in subtree], draft=False
        ).acceptance(today),
        "acceptance_below": len(subtree) > 1,
    }


def _date(d) -> str:
    return date_format(d, "SHORT_DATE_FORMAT")


def chart(i) -> str:
    def point(on, value):
        return Point(on, Decimal(value), f"{_date(on)}: {with_unit(value, i.unit)}")

    return indicator_svg(
        point(i.baseline_on, i.baseline_value),
        point(i.target_on, i.target_value),
        [point(v.on, v.value) for v in i.actuals],
        labels=IndicatorLabels(
            title=f"{i.code} {i.title}",
            summary=i.words,
            actual=_("Measured values"),
            path=_("Way from baseline to target"),
            baseline=_("Baseline"),
            target=_("Target"),
        ),
        format_value=lambda v: with_unit(str(v), i.unit),
        format_date=_date,
        id_prefix=f"indicator-{i.pk}",
    )
