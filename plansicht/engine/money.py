"""Money at risk and the city's own share: what the forecast's delays cost, exactly.

The rules (published on the methodology page), for a status date ``as_of``:

- ``spent(line)`` is the sum of the line's eligible expenditures dated on or before ``as_of``;
  ``remaining(line) = max(amount - spent, 0)``.
- The remaining amount is spread evenly per day over the milestone's forecast window
  ``[max(forecast_start, as_of), forecast_finish)``; if that window is empty, all of it falls on
  the day ``max(forecast_finish, as_of)``.
- Days before the grant's ``eligible_from`` or after its ``eligible_until`` are outside
  eligibility: the remaining cost falling on them is ``cost_at_risk``, and
  ``grant_at_risk = rate * cost_at_risk``.
- Own share needed in year Y = ``(1 - rate) * (spent in Y + remaining falling in Y within
  eligibility) + remaining falling in Y outside eligibility``; the gap is what the budget lines
  of the year do not cover. Ineligible spending is reported on its own.

Amounts are exact fractions of a cent until they are reported; :func:`cents` rounds half up
once. The spread is arithmetic over the years and the eligibility edges, never day by day:
the numerators of all lines with the same window length are summed as integers and divided
once at the end.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

CENT = Decimal("0.01")


def cents(value: Fraction | Decimal | int) -> Decimal:
    """Round an exact amount half up (away from zero) to cents: the only rounding there is."""
    value = Fraction(value)
    hundredths = value * 100
    whole, rest = divmod(abs(hundredths.numerator), hundredths.denominator)
    if 2 * rest >= hundredths.denominator:
        whole += 1
    if hundredths < 0:
        whole = -whole
    return (Decimal(whole) / 100).quantize(CENT)


def to_cents(amount: Decimal) -> int:
    """An amount given in euros with at most two decimals, as whole cents."""
    scaled = Decimal(amount) * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than two decimals")
    return int(scaled)


@dataclass(frozen=True, slots=True)
class GrantIn:
    key: Hashable
    rate: Decimal
    eligible_from: date
    eligible_until: date


@dataclass(frozen=True, slots=True)
class CostLineIn:
    key: Hashable
    grant: Hashable
    milestone: Hashable
    amount: Decimal
    category: str = ""


@dataclass(frozen=True, slots=True)
class ExpenditureIn:
    line: Hashable
    on: date
    amount: Decimal
    eligible: bool = True


@dataclass(frozen=True, slots=True)
class BudgetIn:
    grant: Hashable
    year: int
    own_share: Decimal


@dataclass(slots=True)
class YearFigures:
    year: int
    spent: Fraction = Fraction(0)  # eligible expenditure dated in the year, by as_of
    falling_eligible: Fraction = Fraction(0)  # remaining cost falling in the year, eligible
    falling_at_risk: Fraction = Fraction(0)  # remaining cost falling in the year, outside
    own_share_needed: Fraction = Fraction(0)
    own_share_budgeted: Fraction = Fraction(0)
    own_share_gap: Fraction = Fraction(0)


@dataclass(slots=True)
class GrantResult:
    key: Hashable
    rate: Fraction
    spent: Fraction = Fraction(0)
    remaining: Fraction = Fraction(0)
    cost_at_risk: Fraction = Fraction(0)
    grant_at_risk: Fraction = Fraction(0)
    # Ineligible spending by year: reported on its own, in no other figure (and no year of
    # its own in ``years``, which lists the years anything eligible is spent, falls or is
    # budgeted).
    ineligible_by_year: dict[int, Fraction] = field(default_factory=dict)
    years: list[YearFigures] = field(default_factory=list)


@dataclass(slots=True)
class FundingResult:
    as_of: date
    grants: dict[Hashable, GrantResult]
    # Remaining cost falling outside eligibility, per milestone and per cost line: the causes.
    milestone_cost_at_risk: dict[Hashable, Fraction]
    milestone_grant_at_risk: dict[Hashable, Fraction]
    line_cost_at_risk: dict[Hashable, Fraction]
    line_spent: dict[Hashable, Fraction]
    line_remaining: dict[Hashable, Fraction]
    # Remaining cost falling per milestone and year, as integer numerators over window
    # lengths: {(milestone, year, n): cents * days}; see :func:`sum_numerators`.
    falling: dict[tuple, int] = field(default_factory=dict)

    def at_risk_milestones(self) -> set:
        """Milestones with at least one cent at risk once rounded: they turn red."""
        return {key for key, value in self.milestone_cost_at_risk.items() if cents(value) > 0}


_JAN1 = {}


def _jan1(year: int) -> int:
    ordinal = _JAN1.get(year)
    if ordinal is None:
        ordinal = _JAN1[year] = date(year, 1, 1).toordinal()
    return ordinal


def _overlap(start: int, end: int, lo: int, hi: int) -> int:
    """Days of [start, end) that lie in [lo, hi)."""
    a = start if start > lo else lo
    b = end if end < hi else hi
    return b - a if b > a else 0


def spread_by_year(start: int, end: int, lo: int, hi: int):
    """For the window [start, end) (ordinals, end > start), yield (year, days within
    [lo, hi), days outside it) for each year the window touches."""
    year = date.fromordinal(start).year
    while True:
        y0, y1 = _jan1(year), _jan1(year + 1)
        if y0 >= end:
            return
        a = start if start > y0 else y0
        b = end if end < y1 else y1
        if b > a:
            inside = _overlap(a, b, lo, hi)
            yield year, inside, (b - a) - inside
        year += 1


def funding(
    *,
    as_of: date,
    grants: Iterable[GrantIn],
    lines: Iterable[CostLineIn],
    expenditures: Iterable[ExpenditureIn],
    budgets: Iterable[BudgetIn],
    windows: Mapping[Hashable, tuple[date, date]],
) -> FundingResult:
    """Compute money at risk and own share by year. ``windows`` maps each milestone to its
    forecast (start, finish); lines of milestones without a window (drafts) are left out."""
    today = as_of.toordinal()
    grants = {g.key: g for g in grants}
    lines = [line for line in lines if line.milestone in windows and line.grant in grants]
    line_by_key = {line.key: line for line in lines}

    spent_cents: dict[Hashable, int] = defaultdict(int)
    spent_year: dict[tuple[Hashable, int], int] = defaultdict(int)
    ineligible: dict[tuple[Hashable, int], int] = defaultdict(int)
    for e in expenditures:
        line = line_by_key.get(e.line)
        if line is None or e.on > as_of:
            continue
        amount = to_cents(e.amount)
        if e.eligible:
            spent_cents[e.line] += amount
            spent_year[line.grant, e.on.year] += amount
        else:
            ineligible[line.grant, e.on.year] += amount

    # Remaining cents per (grant, milestone): lines on one milestone share its window.
    remaining: dict[tuple[Hashable, Hashable], int] = defaultdict(int)
    line_remaining = {}
    for line in lines:
        rest = to_cents(line.amount) - spent_cents.get(line.key, 0)
        rest = rest if rest > 0 else 0
        line_remaining[line.key] = rest
        if rest:
            remaining[line.grant, line.milestone] += rest

    # Numerators by (grant, year, window length): integers; divided once at the end.
    inside_num: dict[tuple, int] = defaultdict(int)
    outside_num: dict[tuple, int] = defaultdict(int)
    window_of = {}
    falling: dict[tuple, int] = defaultdict(int)
    milestone_risk: dict[Hashable, Fraction] = defaultdict(Fraction)
    milestone_grant_risk: dict[Hashable, Fraction] = defaultdict(Fraction)
    for (grant_key, milestone), rest in remaining.items():
        grant = grants[grant_key]
        window = window_of.get(milestone)
        if window is None:
            f_start, f_finish = windows[milestone]
            start = f_start.toordinal()
            start = start if start > today else today
            end = f_finish.toordinal()
            if end <= start:  # empty window: everything falls on one day
                start = end if end > today else today
                end = start + 1
            window = window_of[milestone] = (start, end)
        start, end = window
        n = end - start
        lo = grant.eligible_from.toordinal()
        hi = grant.eligible_until.toordinal() + 1  # eligible until and including that day
        outside_total = 0
        for year, inside, outside in spread_by_year(start, end, lo, hi):
            falling[milestone, year, n] += rest * (inside + outside)
            if inside:
                inside_num[grant_key, year, n] += rest * inside
            if outside:
                outside_num[grant_key, year, n] += rest * outside
                outside_total += outside
        if outside_total:
            risk = Fraction(rest * outside_total, n)
            milestone_risk[milestone] += risk
            milestone_grant_risk[milestone] += Fraction(grant.rate) * risk

    results = {}
    for key, grant in grants.items():
        rate = Fraction(grant.rate)
        years: dict[int, YearFigures] = {}

        def year_of(y, years=years):
            figures = years.get(y)
            if figures is None:
                figures = years[y] = YearFigures(y)
            return figures

        for (g, y), amount in spent_year.items():
            if g == key and amount:
                year_of(y).spent += Fraction(amount, 100)
        for (g, y, n), num in inside_num.items():
            if g == key:
                year_of(y).falling_eligible += Fraction(num, n * 100)
        for (g, y, n), num in outside_num.items():
            if g == key:
                year_of(y).falling_at_risk += Fraction(num, n * 100)
        result = GrantResult(key, rate)
        results[key] = result
        for (g, y), amount in sorted(ineligible.items(), key=lambda kv: kv[0][1]):
            if g == key and amount:
                result.ineligible_by_year[y] = Fraction(amount, 100)
        budgeted: dict[int, Fraction] = defaultdict(Fraction)
        for b in budgets:
            if b.grant == key:
                budgeted[b.year] += Fraction(b.own_share)
                year_of(b.year)
        for y in sorted(years):
            figures = years[y]
            figures.own_share_budgeted = budgeted.get(y, Fraction(0))
            figures.own_share_needed = (1 - rate) * (
                figures.spent + figures.falling_eligible
            ) + figures.falling_at_risk
            gap = figures.own_share_needed - figures.own_share_budgeted
            figures.own_share_gap = gap if gap > 0 else Fraction(0)
            result.spent += figures.spent
            result.remaining += figures.falling_eligible + figures.falling_at_risk
            result.cost_at_risk += figures.falling_at_risk
            result.years.append(figures)
        result.grant_at_risk = rate * result.cost_at_risk

    line_risk = {}
    for line in lines:
        rest = line_remaining[line.key]
        if not rest:
            continue
        grant = grants[line.grant]
        start, end = window_of[line.milestone]
        outside = (end - start) - _overlap(
            start, end, grant.eligible_from.toordinal(), grant.eligible_until.toordinal() + 1
        )
        if outside:
            line_risk[line.key] = Fraction(rest * outside, (end - start) * 100)

    return FundingResult(
        as_of=as_of,
        grants=results,
        milestone_cost_at_risk={k: v / 100 for k, v in milestone_risk.items()},
        milestone_grant_at_risk={k: v / 100 for k, v in milestone_grant_risk.items()},
        line_cost_at_risk=line_risk,
        line_spent={k: Fraction(v, 100) for k, v in spent_cents.items()},
        line_remaining={k: Fraction(v, 100) for k, v in line_remaining.items()},
        falling=dict(falling),
    )


def sum_numerators(numerators: Mapping[tuple, int], group) -> dict:
    """Sum {(..., n): cents * days} exactly into {target: euros} for every target that
    ``group(key)`` yields (a measure and its ancestors, say): integers are added per window
    length first, and each distinct length costs one division."""
    by_length: dict[tuple, int] = defaultdict(int)
    for key, num in numerators.items():
        for target in group(key):
            by_length[target, key[-1]] += num
    totals: dict = defaultdict(Fraction)
    for (target, n), num in by_length.items():
        totals[target] += Fraction(num, n * 100)
    return dict(totals)


def planned_by_year(amount: Decimal, start: date, finish: date) -> dict[int, Fraction]:
    """A planned amount spread evenly per day over [start, finish) by year; a point in time
    (finish <= start) puts it all in the start's year. Exact; sums to ``amount``."""
    s, e = start.toordinal(), finish.toordinal()
    if e <= s:
        return {start.year: Fraction(amount)}
    total = Fraction(amount)
    return {
        year: total * (inside + outside) / (e - s)
        for year, inside, outside in spread_by_year(s, e, s, e)
    }
