"""The money in the API, as the portal's money pages show it: each grant with its figures
from the stored forecast (spent, cost at risk, grant at risk, the city's own share by year),
its drawdowns against the drawdown plan and the public figures of its conditions; and the
spending by year of the programme and of each measure, with the milestones that put money at
risk and why.

Never the spending itself: no expenditure, no receipt, no internal note or reference, and
nothing of what the office told the funder. A finance officer's token records spending; the
answer repeats what was recorded, without its internal fields."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import PlainSerializer, WithJsonSchema

from plansicht.forecast import conditions, summaries
from plansicht.funding.models import CostLine, Grant
from plansicht.plan.models import Measure
from plansicht.services import ServiceError
from plansicht.services import funding as funding_service

from .core import Error, Money, PageQuery, Percent, page_of, paginate, responses
from .plan import get_programme
from .writes import scoped, token_auth

router = Router(tags=["money"])

# A funding rate: the share of eligible costs the funder pays, with four decimals.
Rate = Annotated[
    Decimal,
    PlainSerializer(lambda v: f"{v:.4f}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d\.\d{4}$", "examples": ["0.9000"]}),
]


class OwnShareYearOut(Schema):
    year: int
    own_share_needed: Money
    own_share_budgeted: Money = Field(description="In the municipal budget for the grant.")
    own_share_gap: Money = Field(description="Needed minus budgeted; 0.00 when covered.")


class DrawdownRowOut(Schema):
    on: date
    kind: str = Field(description="plan: an entry of the drawdown plan; request: a drawdown.")
    due: bool = Field(description="A plan entry dated by the forecast's date (a request: true).")
    planned: Money | None
    requested: Money | None
    received: Money | None
    received_on: date | None


class DrawdownTotalsOut(Schema):
    planned: Money = Field(description="Planned in the drawdown plan by the forecast's date.")
    requested: Money
    received: Money
    lag: Money = Field(description="Planned minus received: positive when behind the plan.")


class DrawnMoneyOut(Schema):
    received_on: date | None
    amount: Money
    window_end: date | None = Field(description="The day by which it is to be spent.")
    used_in_time: Money
    used_late: Money
    repaid: Money
    unused: Money
    interest: Money


class CategoryOut(Schema):
    category: str = Field(description="staff, material or investment.")
    planned: Money
    forecast: Money
    over_percent: Percent | None = Field(description="How far over the plan, or null.")
    flag: str = Field(description="ok, not_offset or needs_consent.")


class PlanTotalOut(Schema):
    planned: Money
    forecast: Money
    exceeded: bool


class ProofOut(Schema):
    kind: str = Field(description="interim or final.")
    year: int | None
    due: date | None
    submitted_on: date | None
    status: str = Field(description="open, overdue, submitted_in_time or submitted_late.")


class ConditionsOut(Schema):
    interest_exposure: Money = Field(
        description="Interest on drawn money not spent within its window (§ 49a (4) VwVfG)."
    )
    drawdowns: list[DrawnMoneyOut]
    categories: list[CategoryOut] = Field(description="The financing plan by category.")
    total: PlanTotalOut | None
    reports: list[ProofOut] = Field(description="The proofs of use with their due dates.")


class GrantOut(Schema):
    code: str
    title: str
    funder: str
    reference: str | None = Field(description="The funder's reference.")
    phase: str | None
    rate: Rate = Field(description="The share of eligible costs the funder pays (0.9000: 90 %).")
    eligible_from: date
    eligible_until: date
    max_amount: Money | None
    spent: Money | None = Field(description="Eligible spending so far; null until forecast.")
    cost_at_risk: Money | None
    grant_at_risk: Money | None
    own_share_by_year: list[OwnShareYearOut]
    drawdowns: list[DrawdownRowOut] = Field(
        description="The drawdown plan and the drawdowns, by date."
    )
    drawdown_totals: DrawdownTotalsOut | None = Field(
        description="To the forecast's date; null until forecast."
    )
    conditions: ConditionsOut | None = Field(description="Null until forecast.")


def _money(value) -> Decimal:
    return Decimal(str(value))


def grant_row(grant, table) -> dict:
    stored = getattr(grant, "forecast", None)
    shown = conditions.public(stored.conditions) if stored is not None else {}
    totals = table["totals"] if table else None
    return {
        "code": grant.code,
        "title": grant.title,
        "funder": grant.funder,
        "reference": grant.reference or None,
        "phase": grant.phase or None,
        "rate": grant.rate,
        "eligible_from": grant.eligible_from,
        "eligible_until": grant.eligible_until,
        "max_amount": grant.max_amount,
        "spent": stored.spent if stored else None,
        "cost_at_risk": stored.cost_at_risk if stored else None,
        "grant_at_risk": stored.grant_at_risk if stored else None,
        "own_share_by_year": [
            {
                "year": y["year"],
                **{
                    k: _money(y[k])
                    for k in ("own_share_needed", "own_share_budgeted", "own_share_gap")
                },
            }
            for y in (stored.years if stored else [])
        ],
        "drawdowns": table["rows"] if table else [],
        "drawdown_totals": {k: totals[k] for k in ("planned", "requested", "received", "lag")}
        if totals
        else None,
        "conditions": shown or None,
    }


def _grants(programme):
    return (
        Grant.objects.filter(programme=programme).select_related("forecast").order_by("code", "pk")
    )


def _tables(programme):
    forecast = getattr(programme, "forecast", None)
    return summaries.drawdown_tables(programme, forecast.as_of if forecast else None)


@router.get(
    "/programmes/{slug}/grants/",
    response=responses(page_of(GrantOut), 404),
    summary="Grants with their money and conditions, by code",
)
def grants(request, slug: str, paging: Query[PageQuery]):
    programme = get_programme(slug)
    page = paginate(request, _grants(programme), paging)
    tables = _tables(programme)
    page["results"] = [grant_row(g, tables.get(g.pk)) for g in page["results"]]
    return page


@router.get(
    "/programmes/{slug}/grants/{path:code}",
    response=responses(GrantOut, 404),
    summary="A grant (a code with “/” percent-encoded)",
)
def grant(request, slug: str, code: str):
    programme = get_programme(slug)
    found = _grants(programme).filter(code=code.rstrip("/")).first()
    if found is None:
        raise Http404(_("This programme has no grant %(code)s.") % {"code": code})
    return grant_row(found, _tables(programme).get(found.pk))


# -- spending by year and money at risk ------------------------------------------------------


class YearOut(Schema):
    year: int
    planned: Money = Field(description="The cost and financing plan by the approved dates.")
    forecast: Money = Field(description="Spent, plus the rest by the forecast dates.")
    actual: Money = Field(description="Spent by the forecast's date.")


class AtRiskOut(Schema):
    milestone: str = Field(description="Its code.")
    title: str
    measure: str
    forecast_finish: date
    slip_days: int | None
    cost_at_risk: Money
    grant_at_risk: Money
    reason: str | None = Field(description="The latest public reason recorded for it.")
    late_because_of_milestone: str | None
    late_because_of_post: str | None


class FinanceOut(Schema):
    as_of: date | None = Field(description="The date the stored forecast is as of.")
    cost_at_risk: Money | None = Field(description="Planned cost outside the grants' periods.")
    grant_at_risk: Money | None
    by_year: list[YearOut] = Field(description="Planned, forecast and actual spending by year.")
    at_risk: list[AtRiskOut] = Field(
        description="The published milestones with cost at risk, the largest first."
    )


class MeasureRefOut(Schema):
    code: str
    title: str


class CostLineOut(Schema):
    code: str
    milestone: str
    category: str = Field(description="staff, material or investment.")
    grant: str
    amount: Money = Field(description="The planned amount.")


class MeasureFinanceOut(FinanceOut):
    """A measure's money: over the measure and the published measures below it."""

    measure: MeasureRefOut
    cost_lines: list[CostLineOut] = Field(
        description="The cost plan's lines of the measure and the measures below it."
    )


def _years(rows) -> list[dict]:
    return [
        {"year": r["year"], **{k: _money(r[k]) for k in ("planned", "forecast", "actual")}}
        for r in rows
    ]


def _at_risk(milestones) -> list[dict]:
    return [
        {
            "milestone": m.code,
            "title": m.title,
            "measure": m.measure.code,
            "forecast_finish": m.forecast.finish,
            "slip_days": m.forecast.slip_days,
            "cost_at_risk": m.forecast.cost_at_risk,
            "grant_at_risk": m.forecast.grant_at_risk,
            "reason": m.reason or None,
            "late_because_of_milestone": m.forecast.driver_milestone.code
            if m.forecast.driver_milestone
            else None,
            "late_because_of_post": m.forecast.driver_position.code
            if m.forecast.driver_position
            else None,
        }
        for m in milestones
    ]


def _figures(forecast) -> dict:
    return {
        "cost_at_risk": forecast.cost_at_risk if forecast else None,
        "grant_at_risk": forecast.grant_at_risk if forecast else None,
        "by_year": _years(forecast.money_by_year if forecast else []),
    }


@router.get(
    "/programmes/{slug}/finance/",
    response=responses(FinanceOut, 404),
    summary="The programme's spending by year and its money at risk",
)
def finance(request, slug: str):
    programme = get_programme(slug)
    forecast = getattr(programme, "forecast", None)
    return {
        "as_of": forecast.as_of if forecast else None,
        **_figures(forecast),
        "at_risk": _at_risk(summaries.at_risk_with_reasons(programme)),
    }


@router.get(
    "/programmes/{slug}/finance/{path:code}",
    response=responses(MeasureFinanceOut, 404),
    summary="A measure's spending by year, money at risk and cost plan lines",
)
def measure_finance(request, slug: str, code: str):
    programme = get_programme(slug)
    public = Measure.objects.filter(programme=programme).public()
    measure = public.select_related("forecast").filter(code=code.rstrip("/")).first()
    if measure is None:
        raise Http404(_("This programme has no published measure %(code)s.") % {"code": code})
    subtree = public.subtree_ids(measure)
    forecast = getattr(programme, "forecast", None)
    return {
        "measure": {"code": measure.code, "title": measure.title},
        "as_of": forecast.as_of if forecast else None,
        **_figures(getattr(measure, "forecast", None)),
        "at_risk": _at_risk(summaries.at_risk_with_reasons(programme, subtree)),
        "cost_lines": [
            {
                "code": line.code,
                "milestone": line.milestone.code,
                "category": line.category,
                "grant": line.grant.code,
                "amount": line.amount,
            }
            for line in summaries.public_cost_lines(subtree)
        ],
    }


# -- recording spending (finance officers, with a token) ------------------------------------


class ExpenditureIn(Schema):
    cost_line: str = Field(description="The code of the cost line (KFP position).")
    on: date = Field(description="The day the money was paid.")
    amount: Decimal = Field(
        gt=0, max_digits=14, decimal_places=2, description="A decimal with a point: 1234.50."
    )
    eligible: bool = True
    payee: str = Field("", max_length=200, description="Internal: never published.")
    note: str = Field("", max_length=300, description="Internal: never published.")
    document_ref: str = Field("", max_length=100, description="Internal: the receipt number.")
    reason: str = Field("", max_length=2000)


class ExpenditureOut(Schema):
    """What was recorded, without its internal fields."""

    cost_line: str
    on: date
    amount: Money
    eligible: bool


@router.post(
    "/programmes/{slug}/expenditures/",
    response={201: ExpenditureOut, 400: Error, 401: Error, 403: Error, 404: Error, 422: Error},
    summary="Record spending on a cost line (finance officers)",
    auth=token_auth,
)
def record_expenditure(request, slug: str, body: ExpenditureIn):
    """A new expenditure names no earlier version: no If-Match."""
    programme = get_programme(slug)
    actor = scoped(request, programme)
    line = (
        CostLine.objects.select_related("programme", "milestone", "grant")
        .filter(programme=programme, code=body.cost_line)
        .first()
    )
    if line is None:
        raise ServiceError(
            _("This programme has no cost line %(code)s.") % {"code": body.cost_line},
            field="cost_line",
        )
    funding_service.save_expenditure(
        line,
        actor=actor,
        on=body.on,
        amount=body.amount,
        eligible=body.eligible,
        payee=body.payee,
        note=body.note,
        document_ref=body.document_ref,
        reason=body.reason,
    )
    return Status(
        201,
        {"cost_line": line.code, "on": body.on, "amount": body.amount, "eligible": body.eligible},
    )
