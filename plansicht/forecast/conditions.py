"""The grant's conditions (Nebenbestimmungen) of a programme as of a date, from the data the
forecast has already loaded: drawn money and its window with the interest exposure, the lines
of the financing plan, the proofs of use and what the funder must be told. The rules are the
engine's (``engine.conditions``); here they get their inputs and their machine form.

Only published milestones take part: lines of draft milestones and their spending are left
out of every condition, as they are out of the money at risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from plansicht.engine import conditions
from plansicht.funding.models import (
    BaseRate,
    Drawdown,
    FunderNotification,
    Grant,
    ProofSubmission,
    Repayment,
)

ZERO = Decimal("0.00")


@dataclass
class Inputs:
    """The conditions' own records of a programme, loaded once (see :func:`load`)."""

    grants: dict  # {grant id: (window, interim months, final due)}
    drawdowns: dict  # {grant id: [DrawdownIn]} in (received, requested, document) order
    repayments: dict  # {grant id: [RepaymentIn]}
    proofs: dict  # {grant id: [SubmittedIn]}
    base_rates: tuple


@dataclass
class GrantConditions:
    drawdowns: conditions.DrawdownsResult
    categories: list  # [conditions.CategoryResult]
    total: conditions.PlanTotal
    proofs: list  # [conditions.ProofResult]
    rate_missing: bool  # the as-of date's half-year has no base rate yet


def load(programme) -> Inputs:
    grants, drawdowns, repayments, proofs = {}, {}, {}, {}
    for grant in Grant.objects.filter(programme=programme):
        grants[grant.pk] = (grant.drawdown_window, grant.interim_months, grant.final_due)
        drawdowns[grant.pk], repayments[grant.pk], proofs[grant.pk] = [], [], []
    for grant, received_on, requested_on, amount in (
        Drawdown.objects.filter(grant__programme=programme)
        .order_by("received_on", "requested_on", "id")
        .values_list("grant_id", "received_on", "requested_on", "amount_received")
    ):
        drawdowns[grant].append(conditions.DrawdownIn(received_on, requested_on, amount))
    for grant, on, amount in (
        Repayment.objects.filter(grant__programme=programme)
        .order_by("on", "id")
        .values_list("grant_id", "on", "amount")
    ):
        repayments[grant].append(conditions.RepaymentIn(on, amount))
    for grant, kind, year, on in ProofSubmission.objects.filter(
        grant__programme=programme
    ).values_list("grant_id", "kind", "year", "on"):
        proofs[grant].append(conditions.SubmittedIn(kind, year, on))
    return Inputs(grants, drawdowns, repayments, proofs, BaseRate.table())


def compute(inputs: Inputs, money_inputs, result, as_of: date) -> dict:
    """{grant id: GrantConditions}. ``money_inputs``: the money's rows (``money.Inputs``) of
    the published milestones; ``result``: the money engine's result on them (its eligible
    spending per line)."""
    grants = {pk: (rate, start, end) for pk, _code, rate, start, end in money_inputs.grants}
    line_grant = {}
    lines_of = {pk: [] for pk in grants}
    for pk, grant, _milestone, category, amount, closed_on in money_inputs.lines:
        line_grant[pk] = grant
        spent = Decimal(result.line_spent_cents.get(pk, 0)) / 100
        closed = closed_on is not None and closed_on <= as_of
        lines_of[grant].append(conditions.LineIn(category, amount, spent, closed))
    uses = {pk: [] for pk in grants}
    for line, on, amount, eligible in money_inputs.expenditures:
        grant = line_grant.get(line)
        if grant is None or not eligible or amount <= 0:
            continue
        rate, start, end = grants[grant]
        if start <= on <= end:
            uses[grant].append(conditions.UseIn(on, Fraction(rate) * Fraction(amount)))
    out = {}
    for pk, (_rate, start, end) in grants.items():
        window, interim_months, final_due = inputs.grants[pk]
        categories, total = conditions.financing_plan(lines_of[pk])
        out[pk] = GrantConditions(
            drawdowns=conditions.drawdowns(
                as_of=as_of,
                drawdowns=inputs.drawdowns[pk],
                uses=uses[pk],
                repayments=inputs.repayments[pk],
                window=window,
                base_rates=inputs.base_rates,
            ),
            categories=categories,
            total=total,
            proofs=conditions.proofs(
                as_of=as_of,
                eligible_from=start,
                eligible_until=end,
                interim_report_months=interim_months,
                final_report_due=final_due,
                submitted=inputs.proofs[pk],
            ),
            rate_missing=conditions.rate_missing_for(as_of, inputs.base_rates),
        )
    return out


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _iso(value):
    return value.isoformat() if value is not None else None


def as_json(c: GrantConditions) -> dict:
    """The machine form (``forecast --json``, the stored forecast, later the API): ISO dates,
    amounts as decimal strings with two decimals, percents with one."""
    return {
        "drawdowns": [
            {
                "received_on": _iso(d.received_on),
                "amount": _money(d.amount),
                "window_end": _iso(d.window_end),
                "used_in_time": _money(d.used_in_time),
                "used_late": _money(d.used_late),
                "repaid": _money(d.repaid),
                "unused": _money(d.unused),
                "interest": _money(d.interest),
            }
            for d in c.drawdowns.drawdowns
        ],
        "interest_exposure": _money(c.drawdowns.interest_exposure),
        "categories": [
            {
                "category": k.category,
                "planned": _money(k.planned),
                "forecast": _money(k.forecast),
                "over_percent": f"{k.over_percent:.1f}" if k.over_percent is not None else None,
                "flag": k.flag,
            }
            for k in c.categories
        ],
        "total": {
            "planned": _money(c.total.planned),
            "forecast": _money(c.total.forecast),
            "exceeded": c.total.exceeded,
        },
        "reports": [
            {
                "kind": p.kind,
                "year": p.year,
                "due": _iso(p.due),
                "submitted_on": _iso(p.submitted_on),
                "status": p.status,
            }
            for p in c.proofs
        ],
    }


def stored(c: GrantConditions, as_of: date) -> dict:
    """What the stored forecast keeps: the machine form, the facts the duty to notify compares
    and the gaps in the base rates the office is warned of."""
    missing = c.drawdowns.days_without_rate
    return {
        **as_json(c),
        "facts": facts(c, as_of),
        "days_without_rate": [_iso(missing[0]), _iso(missing[1])] if missing else None,
        "rate_missing": c.rate_missing,
    }


def facts(c: GrantConditions, as_of: date) -> dict:
    """What makes the funder's notification due (ANBest Nr. 5): the categories that need
    consent or are not offset, and drawn money still unused after its window."""
    unused_late = sum(
        (d.unused for d in c.drawdowns.drawdowns if as_of > d.window_end and d.unused > 0), ZERO
    )
    return {
        "flags": sorted(f"{k.category}:{k.flag}" for k in c.categories if k.flag != "ok"),
        "unused_late": _money(unused_late),
    }


def notify_due(current: dict, grant_at_risk: Decimal, last: FunderNotification | None) -> bool:
    """Whether the office must tell the funder: money at risk, a flag or money unused past its
    window, and — if it told the funder before — the figures are worse than then: more grant at
    risk, a new flag, or more money unused past its window."""
    unused = Decimal(current.get("unused_late", "0"))
    flags = set(current.get("flags", []))
    if not (grant_at_risk > 0 or flags or unused > 0):
        return False
    if last is None:
        return True
    then = last.facts or {}
    return (
        grant_at_risk > Decimal(then.get("grant_at_risk", "0"))
        or not flags <= set(then.get("flags", []))
        or unused > Decimal(then.get("unused_late", "0"))
    )


def last_notifications(programme) -> dict:
    """{grant id: the latest notification of the funder}."""
    latest = {}
    for n in FunderNotification.objects.filter(grant__programme=programme).order_by("on", "id"):
        latest[n.grant_id] = n
    return latest


# -- reads of the stored conditions, for the pages ---------------------------------------------


def _day(value):
    return date.fromisoformat(value) if value else None


def _amount(value):
    return Decimal(value) if value is not None else None


def readable(stored: dict) -> dict:
    """The stored conditions with dates as dates and amounts as Decimals, for templates."""
    if not stored:
        return {}
    return {
        "drawdowns": [
            {
                **{k: _amount(d[k]) for k in AMOUNTS},
                "received_on": _day(d["received_on"]),
                "window_end": _day(d["window_end"]),
            }
            for d in stored.get("drawdowns", [])
        ],
        "interest_exposure": _amount(stored.get("interest_exposure", "0")),
        "categories": [
            {
                "category": k["category"],
                "planned": _amount(k["planned"]),
                "forecast": _amount(k["forecast"]),
                "over_percent": _amount(k["over_percent"]),
                "flag": k["flag"],
            }
            for k in stored.get("categories", [])
        ],
        "total": {
            "planned": _amount(stored["total"]["planned"]),
            "forecast": _amount(stored["total"]["forecast"]),
            "exceeded": stored["total"]["exceeded"],
        }
        if "total" in stored
        else None,
        "reports": [
            {
                "kind": r["kind"],
                "year": r["year"],
                "due": _day(r["due"]),
                "submitted_on": _day(r["submitted_on"]),
                "status": r["status"],
            }
            for r in stored.get("reports", [])
        ],
        "days_without_rate": [_day(d) for d in stored["days_without_rate"]]
        if stored.get("days_without_rate")
        else None,
        "rate_missing": stored.get("rate_missing", False),
        "facts": stored.get("facts", {}),
    }


AMOUNTS = ("amount", "used_in_time", "used_late", "repaid", "unused", "interest")

# What the public sees of a grant's conditions: the office's warnings (the facts the duty to
# notify compares, the base rates missing) are its own.
PUBLIC = ("drawdowns", "interest_exposure", "categories", "total", "reports")


def public(stored: dict) -> dict:
    """The stored conditions' public figures, read as :func:`readable` reads them ({} when
    none are stored). Whether and when the funder was told is internal, and never stored
    here."""
    shown = readable(stored)
    return {key: shown[key] for key in PUBLIC if key in shown}


def grant_conditions(programme) -> list[dict]:
    """Each grant of ``programme`` with its stored conditions (:func:`readable`), whether the
    funder must be told now, and the last notification: [{"grant", "conditions", "notify",
    "last", "overdue_proofs"}]."""
    last = last_notifications(programme)
    out = []
    for grant in Grant.objects.filter(programme=programme).select_related("forecast"):
        stored = getattr(grant, "forecast", None)
        c = readable(stored.conditions if stored is not None else {})
        facts = c.get("facts", {})
        at_risk = stored.grant_at_risk if stored is not None else ZERO
        out.append(
            {
                "grant": grant,
                "conditions": c,
                "grant_at_risk": at_risk,
                "notify": bool(c) and notify_due(facts, at_risk, last.get(grant.pk)),
                "last": last.get(grant.pk),
                "overdue_proofs": [r for r in c.get("reports", []) if r["status"] == "overdue"],
                "flags": [k for k in c.get("categories", []) if k["flag"] != "ok"],
            }
        )
    return out
