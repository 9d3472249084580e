"""The indicators of the measures (``measures[].indicators``): checked here for what the
schema cannot say (unique codes per measure, the order of the dates), and written out.
Values stay the text they were written as (``plansicht.engine.indicators``)."""

from plansicht.indicators.models import Indicator, IndicatorValue

from .check import as_code, as_date, as_text, objects
from .schema import known_keys


def parse(c, measure: dict, path: str) -> list:
    """The cleaned indicators of one raw measure at ``path`` (``measures[3]``)."""
    indicators = []
    for ipath, item, known in objects(measure, "indicators", "indicator", path):
        if item is None:
            indicators.append({})
            continue
        c.unknown(item, ipath, known)
        i = {"code": as_code(item, "code"), "title": as_text(item, "title")}
        i["unit"] = as_text(item, "unit")
        for key in ("baseline", "target"):
            point = item.get(key)
            point = point if isinstance(point, dict) else {}
            c.unknown(point, f"{ipath}.{key}", known_keys("indicator_point"))
            i[f"{key}_value"] = _value(point)
            i[f"{key}_on"] = as_date(point, "on")
        if i["baseline_on"] and i["target_on"] and i["target_on"] < i["baseline_on"]:
            c.problem(
                f"{ipath}.target.on",
                f"{i['target_on']} is before the baseline date {i['baseline_on']}; a target "
                "lies on or after its baseline",
            )
        i["actuals"] = []
        for apath, actual, aknown in objects(item, "actuals", "indicator_actual", ipath):
            if actual is None:
                continue
            c.unknown(actual, apath, aknown)
            i["actuals"].append(
                {
                    "on": as_date(actual, "on"),
                    "value": _value(actual),
                    "note": as_text(actual, "note"),
                }
            )
        indicators.append(i)
    c.unique(indicators, lambda j: f"{path}.indicators[{j}]", "indicator")
    return indicators


def _value(item):
    """The value as written (the schema has checked its shape)."""
    value = item.get("value")
    return value if isinstance(value, str) else None


def dump(programme) -> dict:
    """{measure id: [indicator, …]} in the document's shape, indicators by code, actuals by
    date (of one date in the order they were entered)."""
    values: dict[int, list] = {}
    for v in IndicatorValue.objects.filter(indicator__measure__programme=programme).order_by(
        "on", "pk"
    ):
        actual = {"on": v.on.isoformat(), "value": v.value}
        if v.note:
            actual["note"] = v.note
        values.setdefault(v.indicator_id, []).append(actual)
    out: dict[int, list] = {}
    for i in Indicator.objects.filter(measure__programme=programme).order_by("measure_id", "code"):
        out.setdefault(i.measure_id, []).append(
            {
                "code": i.code,
                "title": i.title,
                "unit": i.unit,
                "baseline": {"value": i.baseline_value, "on": i.baseline_on.isoformat()},
                "target": {"value": i.target_value, "on": i.target_on.isoformat()},
                "actuals": values.get(i.pk, []),
            }
        )
    return out
