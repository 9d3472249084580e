"""Money at risk and the city's own share: what the forecast's delays cost, exactly.

The rules (published on the methodology page), for a status date ``as_of``:

- ``spent(line)`` is the sum of the line's eligible expenditures dated on or before ``as_of``;
  ``remaining(line) = max(amount - spent, 0)``, and 0 once the line is closed (``closed_on`` on
  or before ``as_of``: the final invoice is in, the rest is saved, so nothing of it is at
  risk). An expenditure dated before the grant's ``eligible_from`` or after its
  ``eligible_until`` is never eligible, whatever its flag: it counts exactly as one marked not
  eligible.
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

import math
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
    scaled = amount * 100
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
    closed_on: date | None = None


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


class ExactAmounts(Mapping):
    """{key: exact euros}, kept as integer numerators over a per-key length and turned into a
    Fraction on access: normalising thousands of fractions nobody reads would cost more than
    the spread itself."""

    __slots__ = ("_nums", "_lengths", "_scale")

    def __init__(self, nums: dict, lengths: dict, scale: int):
        self._nums, self._lengths, self._scale = nums, lengths, scale

    def __getitem__(self, key) -> Fraction:
        return Fraction(self._nums[key], self._lengths[key] * self._scale)

    def __iter__(self):
        return iter(self._nums)

    def __len__(self):
        return len(self._nums)

    def at_least_a_cent(self) -> set:
        """Keys whose amount rounds (half up) to at least one cent: amount >= 0.005 euros."""
        return {
            key for key, num in self._nums.items() if 200 * num >= self._lengths[key] * self._scale
        }


@dataclass(slots=True)
class FundingResult:
    as_of: date
    grants: dict[Hashable, GrantResult]
    # Remaining cost falling outside eligibility per milestone (and the grant on it): causes.
    milestone_cost_at_risk: ExactAmounts
    milestone_grant_at_risk: ExactAmounts
    line_spent_cents: dict[Hashable, int]
    line_remaining_cents: dict[Hashable, int]
    # Remaining cost falling per milestone and year, as integer numerators over window
    # lengths: {(milestone, year, n): cents * days}; see :func:`sum_numerators`.
    falling: dict[tuple, int] = field(default_factory=dict)

    def at_risk_milestones(self) -> set:
        """Milestones with at least one cent at risk once rounded: they turn red."""
        return self.milestone_cost_at_risk.at_least_a_cent()


_JAN1 = {}


def _jan1(year: int) -> int:
    ordinal = _JAN1.get(year)
    if ordinal is None:
        # 1 January 10000 does not fit in a date, but its ordinal is the day after date.max.
        ordinal = _JAN1[year] = (
            date(year, 1, 1).toordinal() if year <= date.max.year else date.max.toordinal() + 1
        )
    return ordinal


def _overlap(start: int, end: int, lo: int, hi: int) -> int:
    """Days of [start, end) that lie in [lo, hi)."""
    a = start if start > lo else lo
    b = end if end < hi else hi
    return b - a if b > a else 0


def _year_segments(start: int, end: int) -> list[tuple[int, int, int]]:
    """The window [start, end) cut at each 1 January: [(year, from, to)]."""
    year = date.fromordinal(start).year
    segments = []
    while True:
        y1 = _jan1(year + 1)
        if end <= y1:
            segments.append((year, start, end))
            return segments
        segments.append((year, start, y1))
        start = y1
        year += 1


def spread_window(forecast_start: date, forecast_finish: date, today: int) -> tuple[int, int]:
    """The days [start, end) (ordinals) over which a line's remaining amount is spread, for
    the milestone's forecast window and the status date ``today`` (an ordinal):
    ``[max(forecast_start, as_of), forecast_finish)``, or the one day
    ``max(forecast_finish, as_of)`` when that is empty."""
    start = forecast_start.toordinal()
    start = start if start > today else today
    end = forecast_finish.toordinal()
    if end <= start:  # empty window: everything falls on one day
        start = end if end > today else today
        end = start + 1
    return start, end


def spread_by_year(start: int, end: int, lo: int, hi: int):
    """For the window [start, end) (ordinals, end > start), yield (year, days within
    [lo, hi), days outside it) for each year the window touches."""
    for year, a, b in _year_segments(start, end):
        inside = _overlap(a, b, lo, hi)
        yield year, inside, (b - a) - inside


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
        grant = grants[line.grant]
        # Outside the grant's eligibility period (both days included) nothing is eligible,
        # whatever the stored flag says.
        if e.eligible and grant.eligible_from <= e.on <= grant.eligible_until:
            spent_cents[e.line] += amount
            spent_year[line.grant, e.on.year] += amount
        else:
            ineligible[line.grant, e.on.year] += amount

    # Remaining cents per milestone and grant: the lines of a milestone share its window.
    remaining: dict[Hashable, dict[Hashable, int]] = {}
    line_remaining = {}
    spent_of = spent_cents.get
    for line in lines:
        rest = to_cents(line.amount) - spent_of(line.key, 0)
        if rest <= 0 or (line.closed_on is not None and line.closed_on <= as_of):
            line_remaining[line.key] = 0
            continue
        line_remaining[line.key] = rest
        by_grant = remaining.get(line.milestone)
        if by_grant is None:
            remaining[line.milestone] = {line.grant: rest}
        else:
            by_grant[line.grant] = by_grant.get(line.grant, 0) + rest

    # Numerators by (grant, year, window length): integers; divided once at the end.
    inside_num: dict[tuple, int] = defaultdict(int)
    outside_num: dict[tuple, int] = defaultdict(int)
    falling: dict[tuple, int] = defaultdict(int)
    lengths = {}
    # Per milestone, over its window length n: cents * days at risk, and the same times the
    # rate in ten-thousandths (rates have at most four decimals).
    risk_num: dict[Hashable, int] = {}
    grant_risk_num: dict[Hashable, int] = {}
    bounds = {
        key: (g.eligible_from.toordinal(), g.eligible_until.toordinal() + 1, _rate_units(g.rate))
        for key, g in grants.items()
    }
    for milestone, by_grant in remaining.items():
        f_start, f_finish = windows[milestone]
        start, end = spread_window(f_start, f_finish, today)
        n = lengths[milestone] = end - start
        segments = _year_segments(start, end)
        total = sum(by_grant.values())
        for year, a, b in segments:
            falling[milestone, year, n] += total * (b - a)
        risk = grant_risk = 0
        for grant_key, rest in by_grant.items():
            lo, hi, rate_units = bounds[grant_key]  # eligible until and including the end day
            if lo <= start and end <= hi:  # the usual case: all of it within eligibility
                for year, a, b in segments:
                    inside_num[grant_key, year, n] += rest * (b - a)
                continue
            outside_total = 0
            for year, a, b in segments:
                inside = _overlap(a, b, lo, hi)
                if inside:
                    inside_num[grant_key, year, n] += rest * inside
                if inside < b - a:
                    outside_num[grant_key, year, n] += rest * (b - a - inside)
                    outside_total += b - a - inside
            risk += rest * outside_total
            grant_risk += rate_units * rest * outside_total
        if risk:
            risk_num[milestone] = risk
            grant_risk_num[milestone] = grant_risk

    # Exact sums per (grant, year): {n: numerator} collected in one pass, divided once.
    spread: dict[tuple, list[dict[int, int]]] = {}
    for store, which in ((inside_num, 0), (outside_num, 1)):
        for (grant_key, year, n), num in store.items():
            parts = spread.get((grant_key, year))
            if parts is None:
                parts = spread[grant_key, year] = [{}, {}]
            parts[which][n] = parts[which].get(n, 0) + num

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
        for (g, y), (inside, outside) in spread.items():
            if g == key:
                figures = year_of(y)
                figures.falling_eligible += exact_sum(inside)
                figures.falling_at_risk += exact_sum(outside)
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

    return FundingResult(
        as_of=as_of,
        grants=results,
        milestone_cost_at_risk=ExactAmounts(risk_num, lengths, 100),
        milestone_grant_at_risk=ExactAmounts(grant_risk_num, lengths, 100 * RATE_UNITS),
        line_spent_cents=dict(spent_cents),
        line_remaining_cents=line_remaining,
        falling=dict(falling),
    )


RATE_UNITS = 10_000


def _rate_units(rate: Decimal) -> int:
    """A funding rate in ten-thousandths: exact, since rates have at most four decimals."""
    units = Decimal(rate) * RATE_UNITS
    if units != units.to_integral_value():
        raise ValueError(f"rate {rate} has more than four decimals")
    return int(units)


def exact_sum(parts: Mapping[int, int]) -> Fraction:
    """Σ num / (n * 100) over {n: num} in cents, exactly: integers over the least common
    multiple of the window lengths, and a single division at the end."""
    if not parts:
        return Fraction(0)
    common = math.lcm(*parts)
    return Fraction(sum(num * (common // n) for n, num in parts.items()), common * 100)


def sum_numerators(numerators: Mapping[tuple, int], group) -> dict:
    """Sum {(..., n): cents * days} exactly into {target: euros} for every target that
    ``group(key)`` yields (a measure and its ancestors, say): integers are added per window
    length first, and each distinct length costs one division."""
    by_target: dict = defaultdict(dict)
    for key, num in numerators.items():
        n = key[-1]
        for target in group(key):
            parts = by_target[target]
            parts[n] = parts.get(n, 0) + num
    return {target: exact_sum(parts) for target, parts in by_target.items()}
