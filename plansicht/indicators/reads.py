"""What the pages and the forecast command read of the indicators: each with its actual
values, the latest as of a date and the progress it makes (``plansicht.engine.indicators``).
A fixed number of queries, however many indicators there are."""

from plansicht.engine import indicators as rules

from .models import Indicator, IndicatorValue


def with_status(indicators, as_of) -> list[Indicator]:
    """The indicators, each with ``actuals`` (its values by date, of one date in the order
    entered), ``latest`` (the latest of them as of ``as_of``, or None) and ``progress`` (the
    percent as a Decimal with one decimal, or None). Two queries."""
    indicators = list(indicators)
    values: dict[int, list] = {}
    for v in IndicatorValue.objects.filter(indicator__in=[i.pk for i in indicators]).order_by(
        "on", "pk"
    ):
        values.setdefault(v.indicator_id, []).append(v)
    for i in indicators:
        i.actuals = values.get(i.pk, [])
    return _with_latest(indicators, as_of)


def of_measure(measure, as_of) -> list[Indicator]:
    """The measure's indicators by code, as ``with_status`` gives them, in one query (the
    values joined to their indicators)."""
    fields = [f.attname for f in Indicator._meta.concrete_fields]
    value_fields = [
        f.attname for f in IndicatorValue._meta.concrete_fields if f.attname != "indicator_id"
    ]
    rows = (
        Indicator.objects.filter(measure=measure)
        .order_by("code", "values__on", "values__id")
        .values_list(*fields, *(f"values__{name}" for name in value_fields))
    )
    indicators: dict[int, Indicator] = {}
    for row in rows:
        data = dict(zip(fields, row[: len(fields)], strict=True))
        indicator = indicators.get(data["id"])
        if indicator is None:
            indicator = indicators[data["id"]] = Indicator(**data)
            indicator.actuals = []
        value = dict(zip(value_fields, row[len(fields) :], strict=True))
        if value["id"] is not None:  # an indicator without values has one row of nothing
            indicator.actuals.append(IndicatorValue(indicator=indicator, **value))
    return _with_latest(list(indicators.values()), as_of)


def measured_by(indicators, as_of) -> list[Indicator]:
    """The indicators (read by :func:`with_status` or :func:`of_measure`) with ``actuals`` cut
    to the values measured by ``as_of``: a value dated later is not shown yet."""
    for i in indicators:
        i.actuals = [v for v in i.actuals if v.on <= as_of]
    return indicators


def public_of(programme):
    """The indicators of the published measures of ``programme``, by measure code, then code,
    with their measure."""
    return (
        Indicator.objects.filter(measure__programme=programme)
        .public()
        .select_related("measure")
        .order_by("measure__code", "code", "pk")
    )


def _with_latest(indicators, as_of) -> list[Indicator]:
    for i in indicators:
        at = rules.latest_index([v.on for v in i.actuals], as_of)
        i.latest = i.actuals[at] if at is not None else None
        i.progress = rules.progress_percent(
            i.baseline_value, i.target_value, i.latest.value if i.latest is not None else None
        )
    return indicators


def figures(programme, as_of) -> list[dict]:
    """[{"measure", "code", "latest", "progress_percent"}] of the indicators of the published
    measures, by measure code then code: ``latest`` the value as written (or None),
    ``progress_percent`` a decimal string with one decimal such as "58.3" (or None)."""
    rows = with_status(public_of(programme), as_of)
    return sorted(
        (
            {
                "measure": i.measure.code,
                "code": i.code,
                "latest": i.latest.value if i.latest is not None else None,
                "progress_percent": str(i.progress) if i.progress is not None else None,
            }
            for i in rows
        ),
        key=lambda row: (row["measure"], row["code"]),
    )
