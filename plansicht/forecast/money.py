"""Run the money engine on a programme's funding, with the schedule forecast's windows.

Only published milestones take part (their cost lines; drafts' cost lines wait until they are
published). Everything here is exact; amounts are rounded to cents once, when stored.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import cached_property

from plansicht.engine import money
from plansicht.engine.money import cents
from plansicht.funding.models import (
    BudgetLine,
    CostLine,
    Drawdown,
    DrawdownPlanEntry,
    Expenditure,
    Grant,
)
from plansicht.plan.models import PlanVersionEntry

from . import conditions


@dataclass
class MoneyResult:
    funding: money.FundingResult
    grant_codes: dict[int, str]
    at_risk: set  # milestone ids with at least a cent at risk
    measure_cost_at_risk: dict[int, Fraction]
    measure_grant_at_risk: dict[int, Fraction]
    # {measure id or None for the programme: {year: {"planned", "forecast", "actual"}}}
    by_year: dict = field(default_factory=dict)
    # {measure id: {year: {category: planned amount}}}: the cost and financing plan (KFP)
    kfp: dict = field(default_factory=dict)
    # {grant id: {year: {category: planned amount}}}: the same plan by grant (the proofs of use)
    kfp_by_grant: dict = field(default_factory=dict)
    drawdowns: dict = field(default_factory=dict)  # {grant id: {planned, requested, received}}
    # The grant's conditions, computed when first read (the stored forecast, forecast --json,
    # the reports) and not for every forecast a change computes before and after it, nor for
    # the what-ifs: a function of no arguments, see :attr:`conditions`.
    conditions_of: Callable = field(default=dict, repr=False)

    @cached_property
    def conditions(self) -> dict:
        """{grant id: conditions.GrantConditions}."""
        return self.conditions_of()


def ancestors(measure, parent_of):
    """The measure and every measure above it."""
    seen = []
    while measure is not None and measure not in seen:
        seen.append(measure)
        measure = parent_of.get(measure)
    return seen


@dataclass
class Inputs:
    """A programme's funding as rows, loaded once (see :func:`load`)."""

    grants: list  # (id, code, rate, eligible from, eligible until)
    # (id, grant id, milestone id, category, amount, closed on) of published milestones
    lines: list
    expenditures: list  # (cost line id, on, amount, eligible), by date
    budgets: list  # (grant id, year, own share)
    conditions: conditions.Inputs


def load(programme, measure_of: dict) -> Inputs | None:
    """The programme's funding, or None if it has no grant. ``measure_of``: published
    milestone id → measure id (only their cost lines take part)."""
    grants = list(
        Grant.objects.filter(programme=programme).values_list(
            "id", "code", "rate", "eligible_from", "eligible_until"
        )
    )
    if not grants:
        return None
    lines = [
        row
        for row in CostLine.objects.filter(programme=programme).values_list(
            "id", "grant_id", "milestone_id", "category", "amount", "closed_on"
        )
        if row[2] in measure_of
    ]
    expenditures = list(
        Expenditure.objects.filter(cost_line__programme=programme)
        .order_by("on", "id")
        .values_list("cost_line_id", "on", "amount", "eligible")
    )
    budgets = list(
        BudgetLine.objects.filter(grant__programme=programme).values_list(
            "grant_id", "year", "own_share"
        )
    )
    return Inputs(grants, lines, expenditures, budgets, conditions.load(programme))


def funding(inputs: Inputs, forecast) -> money.FundingResult:
    """The money engine on the funding with the windows of ``forecast`` (no database)."""
    windows = {}
    for _pk, _grant, milestone, *_rest in inputs.lines:
        if milestone not in windows:
            r = forecast.milestones[milestone]
            windows[milestone] = (r.start, r.finish)
    return money.funding(
        as_of=forecast.as_of,
        grants=[money.GrantIn(pk, rate, start, end) for pk, _c, rate, start, end in inputs.grants],
        lines=[
            money.CostLineIn(pk, g, m, amount, cat, closed)
            for pk, g, m, cat, amount, closed in inputs.lines
        ],
        expenditures=[money.ExpenditureIn(*row) for row in inputs.expenditures],
        budgets=[money.BudgetIn(*row) for row in inputs.budgets],
        windows=windows,
    )


def compute(
    programme, forecast, inputs: Inputs | None, *, measure_of: dict, parent_of: dict
) -> MoneyResult | None:
    """``inputs``: the programme's funding (:func:`load`); ``measure_of``: published
    milestone id → measure id; ``parent_of``: measure → parent."""
    if inputs is None:
        return None
    as_of = forecast.as_of
    grants, lines, expenditures = inputs.grants, inputs.lines, inputs.expenditures
    result = funding(inputs, forecast)

    def up(measure):
        return ancestors(measure, parent_of)

    cost_risk, grant_risk = defaultdict(Fraction), defaultdict(Fraction)
    for milestone, value in result.milestone_cost_at_risk.items():
        for m in up(measure_of[milestone]):
            cost_risk[m] += value
            grant_risk[m] += result.milestone_grant_at_risk[milestone]

    # Money by year, for each measure's subtree (key) and the programme (None).
    line_measure = {pk: measure_of[m] for pk, _g, m, *_rest in lines}
    falling = money.sum_numerators(
        result.falling, lambda k: [(m, k[1]) for m in up(measure_of[k[0]])] + [(None, k[1])]
    )
    actual = defaultdict(Fraction)
    for line, on, amount, _eligible in expenditures:
        if on <= as_of and line in line_measure:
            for m in [*up(line_measure[line]), None]:
                actual[m, on.year] += Fraction(amount)
    planned_num, kfp_num, grant_num = _planned(
        programme, forecast.current_version, lines, measure_of, up
    )
    planned = money.sum_numerators(planned_num, lambda k: [k[:2]])
    kfp = money.sum_numerators(kfp_num, lambda k: [k[:3]])
    by_grant = money.sum_numerators(grant_num, lambda k: [k[:3]])

    by_year: dict = defaultdict(dict)
    for m, year in set(falling) | set(actual) | set(planned):
        by_year[m][year] = {
            "planned": planned.get((m, year), Fraction(0)),
            "actual": actual.get((m, year), Fraction(0)),
            "forecast": actual.get((m, year), Fraction(0)) + falling.get((m, year), Fraction(0)),
        }
    kfp_table: dict = defaultdict(lambda: defaultdict(dict))
    for (m, year, category), amount in kfp.items():
        kfp_table[m][year][category] = amount
    grant_table: dict = defaultdict(lambda: defaultdict(dict))
    for (g, year, category), amount in by_grant.items():
        grant_table[g][year][category] = amount

    return MoneyResult(
        funding=result,
        grant_codes={pk: code for pk, code, *_rest in grants},
        at_risk=result.at_risk_milestones(),
        measure_cost_at_risk=dict(cost_risk),
        measure_grant_at_risk=dict(grant_risk),
        by_year={m: dict(sorted(years.items())) for m, years in by_year.items()},
        kfp={m: {y: dict(c) for y, c in sorted(years.items())} for m, years in kfp_table.items()},
        kfp_by_grant={
            g: {y: dict(c) for y, c in sorted(years.items())} for g, years in grant_table.items()
        },
        drawdowns=_drawdowns(programme, as_of),
        conditions_of=lambda: conditions.compute(inputs.conditions, inputs, result, as_of),
    )


def _planned(programme, current_version, lines, measure_of, up):
    """Planned cost by year from the baseline dates (those of ``current_version``, the plan
    version the schedule engine chose just now, else the milestone's own planned dates), as
    numerators: for subtrees, for the KFP table (by measure) and for the KFP by grant. Never
    from the stored forecast, which is the result of the previous run."""
    from plansicht.plan.models import Milestone

    version_dates = {}
    if current_version is not None:
        version_dates = {
            pk: (start, finish)
            for pk, start, finish in PlanVersionEntry.objects.filter(
                version__programme=programme,
                version__number=current_version,
            ).values_list("milestone_id", "start", "finish")
        }
    own = {
        pk: (start, duration)
        for pk, start, duration in Milestone.objects.filter(
            pk__in={m for _pk, _g, m, *_rest in lines}
        ).values_list("pk", "planned_start", "duration_days")
    }
    subtree, table, by_grant = defaultdict(int), defaultdict(int), defaultdict(int)
    for _pk, grant, milestone, category, amount, _closed in lines:
        if milestone in version_dates:
            start, finish = version_dates[milestone]
        else:
            start = own[milestone][0]
            finish = date.fromordinal(start.toordinal() + own[milestone][1])
        s, e = start.toordinal(), finish.toordinal()
        if e <= s:
            e = s + 1
        amount_cents = money.to_cents(amount)
        measure = measure_of[milestone]
        days = [
            (year, inside + outside) for year, inside, outside in money.spread_by_year(s, e, s, e)
        ]
        for year, n_days in days:
            for m in [*up(measure), None]:
                subtree[m, year, e - s] += amount_cents * n_days
        # The KFP holds whole cents per year that add up to the line: largest remainder.
        for year, cents_in_year in _whole_cents(amount_cents, days, e - s):
            table[measure, year, category, 1] += cents_in_year * 1
            by_grant[grant, year, category, 1] += cents_in_year * 1
    return subtree, table, by_grant


def _whole_cents(amount_cents: int, days: list, n: int):
    """Split a line's cents over years in proportion to its days, in whole cents that add up
    to the line exactly (largest remainder first; ties to the earlier year)."""
    shares = [(year, divmod(amount_cents * d, n)) for year, d in days]
    left = amount_cents - sum(q for _y, (q, _r) in shares)
    order = sorted(range(len(shares)), key=lambda i: (-shares[i][1][1], i))
    extra = set(order[:left])
    return [(year, q + (1 if i in extra else 0)) for i, (year, (q, _r)) in enumerate(shares)]


def _drawdowns(programme, as_of):
    out = {}
    for grant_id, amount in DrawdownPlanEntry.objects.filter(
        grant__programme=programme, on__lte=as_of
    ).values_list("grant_id", "amount"):
        out.setdefault(grant_id, _zero())["planned"] += Fraction(amount)
    for grant_id, req_on, requested, rec_on, received in Drawdown.objects.filter(
        grant__programme=programme
    ).values_list("grant_id", "requested_on", "amount_requested", "received_on", "amount_received"):
        figures = out.setdefault(grant_id, _zero())
        if req_on <= as_of:
            figures["requested"] += Fraction(requested)
        if rec_on is not None and rec_on <= as_of:
            figures["received"] += Fraction(received)
    return out


def _zero():
    return {"planned": Fraction(0), "requested": Fraction(0), "received": Fraction(0)}


def money_text(value) -> str:
    """An exact amount as the decimal string reports use: rounded once, two decimals."""
    return f"{cents(value):.2f}"
