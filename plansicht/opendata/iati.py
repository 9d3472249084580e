"""IATI activity XML 2.03 of a programme: the programme and each published measure as an
activity, reported by the city (organisation type 11, Local Government), with dates and status
from the stored forecast, budgets by year from the cost plan, eligible spending (transaction
type 4) and drawdowns received (type 1), and the indicators as results.

Public data only: the published measures and milestones, the stored forecast, the amounts and
dates of eligible spending (never who was paid, a note or a receipt number), the drawdowns
received and the indicators' values measured by the forecast's date."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from plansicht import clock
from plansicht.funding.models import Drawdown, Expenditure
from plansicht.indicators import reads as indicator_reads
from plansicht.plan.models import Milestone

from .spans import public_measures, spans

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LOCAL_GOVERNMENT = "11"  # OrganisationType
FUNDING, IMPLEMENTING = "1", "4"  # OrganisationRole
PIPELINE, IMPLEMENTATION, FINALISATION = "1", "2", "3"  # ActivityStatus
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"  # ActivityDateType
ORIGINAL, COMMITTED = "1", "2"  # BudgetType, BudgetStatus
INCOMING_FUNDS, EXPENDITURE = "1", "4"  # TransactionType
OUTCOME = "2"  # ResultType: what a measure is meant to change
UNIT = "1"  # IndicatorMeasure
PARENT, CHILD = "1", "2"  # RelatedActivityType
CURRENCY = "EUR"
_NOT_IN_IDENTIFIER = re.compile(r"[\s/&|?]+")


def org_ref(organisation) -> str:
    """The reporting organisation's identifier: the setting IATI_ORG_REF, else "DE-AGS-" and
    its municipality key, else a placeholder from its name (register a real one)."""
    if settings.IATI_ORG_REF:
        return settings.IATI_ORG_REF
    if organisation.ags:
        return f"DE-AGS-{organisation.ags}"
    return "XX-" + slugify(organisation.name).upper()


def identifier(programme, measure=None) -> str:
    """The activity's iati-identifier: the organisation's ref, the programme's slug and, for a
    measure, its code (characters IATI forbids in identifiers become hyphens)."""
    parts = [org_ref(programme.organisation), programme.slug]
    if measure is not None:
        parts.append(measure.code)
    return _NOT_IN_IDENTIFIER.sub("-", "-".join(parts))


def _sub(parent, tag, text=None, **attrs):
    el = ET.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _narrative(parent, tag, text, **attrs):
    el = _sub(parent, tag, **attrs)
    _sub(el, "narrative", text)
    return el


def _money(value) -> str:
    return f"{Decimal(str(value)):.2f}"


def _status(span) -> str:
    if span.milestones and span.finished == span.milestones:
        return FINALISATION
    return IMPLEMENTATION if span.started else PIPELINE


def _dates(activity, span, as_of):
    pairs = [
        (PLANNED_START, span.planned_start),
        (PLANNED_END, span.planned_finish),
        (ACTUAL_START, span.actual_start if span.started else None),
        (ACTUAL_END, span.actual_finish if span.milestones == span.finished else None),
    ]
    for kind, day in pairs:
        if day is not None and (kind in (PLANNED_START, PLANNED_END) or day <= as_of):
            _sub(activity, "activity-date", type=kind, iso_date=day.isoformat())


def _budgets(activity, money_by_year):
    for row in money_by_year or []:
        year, planned = int(row["year"]), Decimal(str(row["planned"]))
        if not planned:
            continue
        budget = _sub(activity, "budget", type=ORIGINAL, status=COMMITTED)
        _sub(budget, "period-start", iso_date=f"{year}-01-01")
        _sub(budget, "period-end", iso_date=f"{year}-12-31")
        _sub(budget, "value", _money(planned), currency=CURRENCY, value_date=f"{year}-01-01")


def _transaction(activity, kind, on, amount, provider=None):
    t = _sub(activity, "transaction")
    _sub(t, "transaction-type", code=kind)
    _sub(t, "transaction-date", iso_date=on.isoformat())
    _sub(t, "value", _money(amount), currency=CURRENCY, value_date=on.isoformat())
    if provider:
        _narrative(t, "provider-org", provider)


def _results(activity, indicators):
    if not indicators:
        return
    result = _sub(activity, "result", type=OUTCOME, aggregation_status="0")
    _narrative(result, "title", "Wirkungsindikatoren", **{XML_LANG: "de"})
    for i in indicators:
        ascending = "1" if Decimal(i.target_value) >= Decimal(i.baseline_value) else "0"
        ind = _sub(result, "indicator", measure=UNIT, ascending=ascending)
        _narrative(ind, "title", i.title)
        _narrative(ind, "description", f"{i.code}, Einheit: {i.unit}")
        _sub(
            ind,
            "baseline",
            year=i.baseline_on.year,
            iso_date=i.baseline_on.isoformat(),
            value=i.baseline_value,
        )
        period = _sub(ind, "period")
        _sub(period, "period-start", iso_date=i.baseline_on.isoformat())
        _sub(period, "period-end", iso_date=i.target_on.isoformat())
        _sub(period, "target", value=i.target_value)
        if i.latest is not None:
            _sub(period, "actual", value=i.latest.value)


def _spending(programme, as_of) -> dict:
    """{measure id: [(date, amount)]}: eligible spending by the forecast's date on the cost
    lines of published milestones, by the measure of the milestone (never the payee, note or
    receipt number: only the date and the amount are read)."""
    rows = (
        Expenditure.objects.counting()
        .filter(
            counts_eligible=True,
            on__lte=as_of,
            cost_line__milestone__in=Milestone.objects.filter(programme=programme).public(),
        )
        .order_by("on", "pk")
        .values_list("cost_line__milestone__measure_id", "on", "amount")
    )
    found = {}
    for measure_id, on, amount in rows:
        found.setdefault(measure_id, []).append((on, amount))
    return found


def _activity(root, programme, *, measure, span, stamp, as_of, funders):
    organisation = programme.organisation
    attrs = {
        "last-updated-datetime": stamp,
        XML_LANG: "de",
        "default-currency": CURRENCY,
        "hierarchy": str(1 if measure is None else _depth(measure) + 2),
    }
    activity = ET.SubElement(root, "iati-activity", attrs)
    _sub(activity, "iati-identifier", identifier(programme, measure))
    _narrative(
        activity,
        "reporting-org",
        organisation.name,
        ref=org_ref(organisation),
        type=LOCAL_GOVERNMENT,
    )
    subject = programme if measure is None else measure
    _narrative(activity, "title", subject.title)
    description = getattr(subject, "description", "") or subject.title
    _narrative(activity, "description", description, type="1")
    for funder in funders:
        _narrative(activity, "participating-org", funder, role=FUNDING)
    _narrative(
        activity,
        "participating-org",
        organisation.name,
        role=IMPLEMENTING,
        type=LOCAL_GOVERNMENT,
        ref=org_ref(organisation),
    )
    _sub(activity, "activity-status", code=_status(span))
    if span.planned_start is None:  # an activity needs a date: the plan has none yet
        _sub(activity, "activity-date", type=PLANNED_START, iso_date=as_of.isoformat())
    _dates(activity, span, as_of)
    return activity


def _depth(measure) -> int:
    depth, seen, m = 0, set(), measure
    while m.parent_id is not None and m.pk not in seen:
        seen.add(m.pk)
        depth += 1
        m = m.parent
    return depth


def make(programme) -> bytes:
    """The programme's IATI activity file (UTF-8 XML)."""
    forecast = getattr(programme, "forecast", None)
    as_of = forecast.as_of if forecast is not None else clock.today()
    stamp = (forecast.computed_at if forecast is not None else timezone.now()).isoformat(
        timespec="seconds"
    )
    measures = public_measures(programme)
    by_pk = {m.pk: m for m in measures}
    span_of = spans(programme, measures)
    spent = _spending(programme, as_of)
    indicators = indicator_reads.measured_by(
        indicator_reads.with_status(indicator_reads.public_of(programme), as_of), as_of
    )
    by_measure = {}
    for i in indicators:
        by_measure.setdefault(i.measure_id, []).append(i)
    grants = list(programme.grants.order_by("code", "pk"))
    funders = list(dict.fromkeys(g.funder for g in grants))

    root = ET.Element("iati-activities", {"version": VERSION, "generated-datetime": stamp})
    top = _activity(
        root,
        programme,
        measure=None,
        span=span_of[None],
        stamp=stamp,
        as_of=as_of,
        funders=funders,
    )
    _budgets(top, forecast.money_by_year if forecast is not None else [])
    received = (
        Drawdown.objects.filter(
            grant__programme=programme, received_on__isnull=False, received_on__lte=as_of
        )
        .select_related("grant")
        .order_by("received_on", "pk")
    )
    for d in received:
        if d.amount_received:
            _transaction(top, INCOMING_FUNDS, d.received_on, d.amount_received, d.grant.funder)
    for m in measures:
        if m.parent_id is None:
            _sub(top, "related-activity", ref=identifier(programme, m), type=CHILD)

    for m in measures:
        activity = _activity(
            root,
            programme,
            measure=m,
            span=span_of[m.pk],
            stamp=stamp,
            as_of=as_of,
            funders=funders,
        )
        _budgets(activity, getattr(getattr(m, "forecast", None), "money_by_year", []))
        for on, amount in spent.get(m.pk, []):
            _transaction(activity, EXPENDITURE, on, amount)
        parent = by_pk.get(m.parent_id)
        _sub(
            activity,
            "related-activity",
            ref=identifier(programme, parent) if parent else identifier(programme),
            type=PARENT,
        )
        for child in measures:
            if child.parent_id == m.pk:
                _sub(activity, "related-activity", ref=identifier(programme, child), type=CHILD)
        _results(activity, by_measure.get(m.pk, []))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
