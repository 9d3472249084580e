"""Reads of the stored money forecast, assembled for the pages that show it (office, portal,
later the API and reports): plain functions taking a programme or a grant and returning plain
dicts. Nothing is computed here that the engine computes; the figures come from the stored
forecast, the cost plan and the drawdown records.
"""

import re
from decimal import Decimal

from plansicht.funding.models import CostLine, Drawdown, DrawdownPlanEntry, Grant
from plansicht.history.models import Event
from plansicht.plan.models import Dependency, Measure, Milestone, PlanVersion

from .models import MilestoneForecast

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _decimal(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


def _natural(code: str):
    """M2 before M10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]


def milestones_at_risk(programme) -> list:
    """The milestones' stored forecasts with cost at risk, largest first."""
    return list(
        MilestoneForecast.objects.filter(milestone__programme=programme, cost_at_risk__gt=0)
        .select_related("milestone", "milestone__measure", "milestone__programme")
        .order_by("-cost_at_risk", "milestone__code")
    )


def grant_summaries(programme, at_risk: list | None = None) -> list[dict]:
    """What the finance overview says about each grant of ``programme`` (see
    :func:`grant_summary`); ``at_risk`` defaults to :func:`milestones_at_risk`."""
    if at_risk is None:
        at_risk = milestones_at_risk(programme)
    public = Milestone.objects.filter(programme=programme).public_ids()
    lines = list(
        CostLine.objects.filter(programme=programme).values_list(
            "grant_id", "milestone_id", "amount"
        )
    )
    return [
        grant_summary(grant, lines, public, at_risk)
        for grant in Grant.objects.filter(programme=programme).select_related("forecast")
    ]


def grant_summary(grant, lines, public, at_risk) -> dict:
    """One grant, from its stored forecast and its cost plan: the cost plan total (and how much
    of it lies on drafts), the grant it would need against the maximum, the own share by year
    with its gaps, the milestones putting money at risk and the drawdowns against the plan.
    ``lines``: (grant id, milestone id, amount) of the programme's cost lines; ``public``: ids
    of the published milestones."""
    mine = [(milestone, amount) for g, milestone, amount in lines if g == grant.pk]
    total = sum((amount for _m, amount in mine), ZERO)
    draft_total = sum((amount for m, amount in mine if m not in public), ZERO)
    requested = (grant.rate * total).quantize(CENT)
    excess = None
    if grant.max_amount is not None and requested > grant.max_amount:
        excess = requested - grant.max_amount
    stored = getattr(grant, "forecast", None)
    years = []
    for row in stored.years if stored else []:
        figures = {key: _decimal(value) for key, value in row.items() if key != "year"}
        years.append({"year": row["year"], **figures})
    milestones = {m for m, _amount in mine}
    summary = {
        "grant": grant,
        "rate_percent": grant.rate * 100,
        "forecast": stored,
        "cost_plan_total": total,
        "draft_total": draft_total,
        "requested": requested,
        "excess": excess,
        "years": years,
        "gap_years": [row for row in years if row.get("own_share_gap", ZERO) > 0],
        "at_risk": [row for row in at_risk if row.milestone_id in milestones],
    }
    if stored is not None:
        summary.update(drawdown_totals(stored))
    return summary


def drawdown_totals(stored) -> dict:
    """A grant's drawdowns to date from its stored forecast: planned, requested, received,
    ``lag`` (planned minus received; ``lead`` is its opposite) and ``outstanding``
    (requested but not yet received)."""
    lag = stored.drawdown_planned - stored.drawdown_received
    return {
        "planned": stored.drawdown_planned,
        "requested": stored.drawdown_requested,
        "received": stored.drawdown_received,
        "lag": lag,
        "lead": -lag,
        "outstanding": stored.drawdown_requested - stored.drawdown_received,
    }


def drawdown_tables(programme, as_of) -> dict:
    """{grant id: {"rows", "totals"}}: the drawdown plan and the drawdowns of each grant in
    one list by date. A row is {"on", "kind" ("plan" or "request"), "due" (a plan entry dated
    by ``as_of``), "planned", "requested", "received", "received_on"} with None where a row
    has no such amount; ``totals`` (from the stored forecast, as of its date) as in
    :func:`drawdown_totals`, or None when no forecast is stored."""
    tables = {}
    for grant in Grant.objects.filter(programme=programme).select_related("forecast"):
        stored = getattr(grant, "forecast", None)
        tables[grant.pk] = {
            "rows": [],
            "totals": drawdown_totals(stored) if stored is not None else None,
        }
    for entry in DrawdownPlanEntry.objects.filter(grant__programme=programme):
        tables[entry.grant_id]["rows"].append(
            {
                "on": entry.on,
                "kind": "plan",
                "due": as_of is not None and entry.on <= as_of,
                "planned": entry.amount,
                "requested": None,
                "received": None,
                "received_on": None,
            }
        )
    for drawdown in Drawdown.objects.filter(grant__programme=programme):
        tables[drawdown.grant_id]["rows"].append(
            {
                "on": drawdown.requested_on,
                "kind": "request",
                "due": True,
                "planned": None,
                "requested": drawdown.amount_requested,
                "received": drawdown.amount_received,
                "received_on": drawdown.received_on,
            }
        )
    for table in tables.values():
        table["rows"].sort(key=lambda row: (row["on"], row["kind"] != "plan"))
    return tables


def kfp_table(programme) -> dict:
    """The stored cost and financing plan (KFP) of ``programme`` as a table: by measure (in
    code order), year and category, with totals per measure, per year and per category, and
    the plan version its dates come from."""
    forecast = getattr(programme, "forecast", None)
    stored = forecast.kfp if forecast else {}
    categories = [key for key, _label in CostLine.CATEGORIES]
    titles = dict(
        Measure.objects.filter(programme=programme, code__in=list(stored)).values_list(
            "code", "title"
        )
    )
    years = sorted({int(year) for by_year in stored.values() for year in by_year})
    by_category = dict.fromkeys(categories, ZERO)
    by_year = {year: dict.fromkeys(categories, ZERO) for year in years}
    measures = []
    for code in sorted(stored, key=_natural):
        measure_totals = dict.fromkeys(categories, ZERO)
        rows = []
        for year in sorted(stored[code], key=int):
            cells = stored[code][year]
            amounts = [_decimal(cells[c]) if c in cells else None for c in categories]
            for category, amount in zip(categories, amounts, strict=True):
                if amount is not None:
                    measure_totals[category] += amount
                    by_year[int(year)][category] += amount
                    by_category[category] += amount
            rows.append(
                {"year": int(year), "amounts": amounts, "total": sum(filter(None, amounts), ZERO)}
            )
        measures.append(
            {
                "code": code,
                "title": titles.get(code, ""),
                "rows": rows,
                "totals": [measure_totals[c] for c in categories],
                "total": sum(measure_totals.values(), ZERO),
            }
        )
    version = None
    if forecast is not None and forecast.current_version is not None:
        version = PlanVersion.objects.filter(
            programme=programme, number=forecast.current_version
        ).first()
    return {
        "forecast": forecast,
        "version": version,
        "categories": categories,
        "measures": measures,
        "year_totals": [
            {
                "year": year,
                "amounts": [by_year[year][c] for c in categories],
                "total": sum(by_year[year].values(), ZERO),
            }
            for year in years
        ],
        "totals": [by_category[c] for c in categories],
        "total": sum(by_category.values(), ZERO),
    }


def at_risk_with_reasons(programme, measure_ids=None):
    """Published milestones with money at risk, each with its latest public reason."""
    milestones = (
        Milestone.objects.filter(programme=programme)
        .public()
        .filter(forecast__cost_at_risk__gt=0)
        .select_related(
            "forecast", "measure", "forecast__driver_milestone", "forecast__driver_position"
        )
        .order_by("-forecast__cost_at_risk", "code")
    )
    if measure_ids is not None:
        milestones = milestones.filter(measure_id__in=measure_ids)
    milestones = list(milestones)
    reasons = Event.objects.public().latest_reasons(Milestone, [m.pk for m in milestones])
    for m in milestones:
        m.reason = reasons.get(m.pk, "")
    explain_drivers(programme, milestones)
    return milestones


def explain_drivers(programme, milestones):
    """Mark each milestone whose start another milestone holds back: whether through that
    one's start (SS) and whether that one is public, for "late because …"."""
    held = {m.pk: m.forecast.driver_milestone_id for m in milestones if hasattr(m, "forecast")}
    drivers = {d for d in held.values() if d is not None}
    public, starts = set(), set()
    if drivers:
        public = set(
            Milestone.objects.filter(programme=programme, pk__in=drivers)
            .public()
            .values_list("pk", flat=True)
        )
        starts = set(
            Dependency.objects.filter(
                predecessor__in=drivers, successor__in=list(held), type="SS"
            ).values_list("predecessor_id", "successor_id")
        )
    for m in milestones:
        m.driver_public = held.get(m.pk) in public
        m.driver_starts = (held.get(m.pk), m.pk) in starts


def public_cost_lines(measure_ids):
    """The cost plan's lines of the published milestones of the measures ``measure_ids`` (a
    public subtree, as ``Measure.objects.public().subtree_ids`` gives it), by code, with their
    milestone and grant: the lines of a measure's money page. A line of a draft milestone is
    left out."""
    return (
        CostLine.objects.filter(
            milestone__in=Milestone.objects.filter(measure_id__in=measure_ids).public()
        )
        .select_related("milestone", "grant")
        .order_by("code", "pk")
    )
