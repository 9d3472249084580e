"""The grant's conditions (ANBest): drawn money used in time, interest on the rest, the
financing plan's lines and the proofs of use, checked exactly as of a date.

The rules (published on the methodology page), for a status date ``as_of``; facts dated
after it are ignored:

- **Drawdown window** (ANBest-P Nr. 1.4: 6 weeks, i.e. 42 calendar days; most Länder's
  ANBest-Gk: 2 months, the default). A drawdown received on ``r`` must be used by
  ``window_end = r + window``: for months the same day number N months later, or that month's
  last day if it has no such day; for calendar days ``r + N``. No weekend shift.
- **Matching, first in first out.** The drawdowns received by ``as_of`` (one without a
  received date or amount, or received later, is not listed), in the order of ``received_on``,
  then ``requested_on``, then document order, each take from the oldest uses not yet taken
  (by date, then document order; uses of any date by ``as_of``, earlier than the drawdown
  too: that is pre-financing refunded) until the drawdown's amount is used up or no use is
  left; a use may be split. A use is ``rate × eligible expenditure`` on the expenditure's
  date (the caller passes the positive, eligible ones within the grant period). A piece whose
  use date is on or before ``window_end`` is used in time, a later one is used late.
- **Repayments** (money returned to the funder, dated by ``as_of``), in date order, then
  document order, take from what the uses left of the drawdowns, oldest drawdown first (in
  the order above). A repayment larger than what is left takes what is left.
- ``used_in_time``, ``used_late`` and ``repaid`` are each rounded half up to the cent;
  ``unused = amount − those three rounded figures``. (When two parts both carry half a cent
  or more, 4.995 in time and 5.005 late of 10.00, say, the rounded parts exceed the amount and
  ``unused`` is −0.01: the rule as issue 11 states it.)
- **Interest** (§ 49a (4) VwVfG: 5 percentage points a year above the base rate of § 247
  BGB): for each late piece from ``r`` to its use date; for each repaid piece repaid after
  ``window_end`` from ``r`` to its repayment date; for the exact unused amount, once
  ``as_of > window_end``, from ``r`` to ``as_of``. Over ``[start, end)``:
  ``Σ_t amount × (base(t) + 5) / 100 / 365``, ``base(t)`` the rate of the last base rate
  whose ``since`` is on or before ``t`` (after the last rate the last one goes on applying).
  A day before the first rate bears no interest; the first and last of such days on which
  interest would be due are reported. Exact, per stretch of constant rate (days × rate),
  rounded half up to the cent once per drawdown; the exposure is the sum of the rounded
  figures.
- **Financing plan** (ANBest-P Nr. 1.2: a single line may be exceeded by up to 20 % if
  savings elsewhere offset it; the total is binding). Per cost category: ``planned`` = Σ the
  planned amounts of its lines; ``forecast`` = Σ per line: its eligible spending if the line
  is closed by ``as_of`` (the rest is saved), else the larger of its planned amount and its
  spending. ``over_percent = (forecast − planned) / planned × 100`` with one decimal, rounded
  half away from zero (none if planned is 0). The flag, compared exactly before rounding:
  ``needs_consent`` if ``forecast > 1.2 × planned`` (also when planned is 0 and forecast
  > 0); else ``not_offset`` if ``forecast > planned`` and the grant's total forecast exceeds
  its total planned; else ``ok``. The total is exceeded when its forecast exceeds its plan.
- **Drawdown request** (Mittelabruf) on the request date ``d``: the window's end
  ``w = window_end(d)``; the eligible spending the forecast expects in ``[d, w]`` (both days
  included) is, per cost line, its remaining amount (as the money engine has it) spread
  evenly per day over its milestone's spread window (see ``money.spread_window``), counting
  only the days of ``[d, w]`` within the grant's eligibility period; the amount to request is
  ``max(rate × that spending − drawn money still unused, 0)``, the unused money exact (what
  the uses and repayments left of the drawdowns received by ``d``), rounded half up once.
  The same spending is shown per calendar month the window touches (the request form's need
  for the next months).
- **Proofs of use** (ANBest-P Nr. 6): an interim proof for each calendar year from the year
  of ``eligible_from`` to the year before ``eligible_until``, due ``interim_report_months``
  (default 4) months after that year's 31 December (31.12. + 4 months = 30.04.); the final
  proof due on ``final_report_due``, by default the last day of the sixth month after the
  month of ``eligible_until`` (ANBest-P Nr. 6.1). No weekend shift. A submission dated after
  ``as_of`` does not count; of several, the latest counts. Status: ``submitted_in_time``
  (on or before due), ``submitted_late``, ``overdue`` (not submitted, ``as_of`` after due),
  else ``open``.

Pure: standard library only.
"""

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from .calendar import add_months
from .money import cents, spread_window
from .periods import CALENDAR_DAYS, MONTHS

ONE_DAY = timedelta(days=1)
# § 49a (4) VwVfG: five percentage points above the base rate, per year of 365 days.
SURCHARGE = Fraction(5)
DAYS_PER_YEAR = 365


# -- the drawdown window ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Window:
    kind: str  # "months" | "calendar_days"
    count: int

    def __post_init__(self):
        if self.kind not in (MONTHS, CALENDAR_DAYS):
            raise ValueError(f"unknown kind of drawdown window {self.kind!r}")
        if self.count < 1:
            raise ValueError(f"a drawdown window counts at least 1, not {self.count}")


DEFAULT_WINDOW = Window(MONTHS, 2)


def window_end(received: date, window: Window) -> date:
    """The last day on which money received on ``received`` counts as used in time."""
    if window.kind == CALENDAR_DAYS:
        return received + timedelta(days=window.count)
    return add_months(received, window.count)


# -- the drawdown request ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NeedLineIn:
    key: Hashable
    remaining_cents: int  # the line's remaining amount (money engine), 0 when closed
    forecast_start: date  # its milestone's forecast window
    forecast_finish: date


@dataclass(slots=True)
class NeedLine:
    key: Hashable
    expected: Fraction  # eligible spending expected in the request's window
    by_month: dict  # {(year, month): Fraction}, the months of ``DrawdownNeed.months``


@dataclass(slots=True)
class DrawdownNeed:
    requested_on: date
    window_end: date
    months: list  # [(year, month)] the window touches, in order
    lines: list  # [NeedLine] with spending expected in the window, in the order given
    expected: Fraction  # Σ of the lines
    share: Fraction  # rate × expected
    unused: Fraction  # drawn money still unused
    amount: Decimal  # to request: max(share − unused, 0), rounded half up


def _months(first: date, last: date) -> list[tuple[int, int, int, int]]:
    """[(year, month, first ordinal, ordinal after the last day)] of the calendar months
    touching [first, last]."""
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        start = date(year, month, 1).toordinal()
        following = (year + 1, 1) if month == 12 else (year, month + 1)
        end = (
            date(*following, 1).toordinal()
            if following[0] <= date.max.year
            else date.max.toordinal() + 1
        )
        out.append((year, month, start, end))
        year, month = following
    return out


def drawdown_need(
    *,
    requested_on: date,
    window: Window,
    rate: Decimal,
    eligible_from: date,
    eligible_until: date,
    lines: Sequence[NeedLineIn],
    unused: Fraction,
) -> DrawdownNeed:
    """The drawdown to request on ``requested_on`` (rules in the module's docstring)."""
    end_day = window_end(requested_on, window)
    today = requested_on.toordinal()
    lo = max(today, eligible_from.toordinal())
    hi = min(end_day.toordinal(), eligible_until.toordinal()) + 1  # after the last day
    months = _months(requested_on, end_day)
    out = []
    total = Fraction(0)
    for line in lines:
        if line.remaining_cents <= 0 or hi <= lo:
            continue
        start, end = spread_window(line.forecast_start, line.forecast_finish, today)
        n = end - start
        by_month = {}
        expected = Fraction(0)
        for year, month, a, b in months:
            days = max(0, min(end, b, hi) - max(start, a, lo))
            amount = Fraction(line.remaining_cents * days, 100 * n)
            by_month[year, month] = amount
            expected += amount
        if expected:
            out.append(NeedLine(line.key, expected, by_month))
            total += expected
    share = Fraction(rate) * total
    need = share - unused
    return DrawdownNeed(
        requested_on=requested_on,
        window_end=end_day,
        months=[(year, month) for year, month, _a, _b in months],
        lines=out,
        expected=total,
        share=share,
        unused=unused,
        amount=cents(need) if need > 0 else Decimal("0.00"),
    )


# -- drawdowns, uses, repayments and interest ------------------------------------------------


@dataclass(frozen=True, slots=True)
class DrawdownIn:
    received_on: date | None
    requested_on: date
    amount: Decimal | None  # the amount received


@dataclass(frozen=True, slots=True)
class UseIn:
    on: date
    amount: Fraction  # rate × an eligible expenditure


@dataclass(frozen=True, slots=True)
class RepaymentIn:
    on: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class BaseRate:
    since: date
    percent: Decimal


BASE_RATES: tuple[BaseRate, ...] = tuple(
    BaseRate(date.fromisoformat(since), Decimal(percent))
    for since, percent in (
        ("2016-07-01", "-0.88"),
        ("2023-01-01", "1.62"),
        ("2023-07-01", "3.12"),
        ("2024-01-01", "3.62"),
        ("2024-07-01", "3.37"),
        ("2025-01-01", "2.27"),
        ("2025-07-01", "1.27"),
        ("2026-01-01", "1.27"),
    )
)


@dataclass(slots=True)
class DrawdownResult:
    received_on: date
    amount: Decimal
    window_end: date
    used_in_time: Decimal
    used_late: Decimal
    repaid: Decimal
    unused: Decimal
    interest: Decimal
    interest_exact: Fraction
    unused_exact: Fraction = Fraction(0)  # what the uses and repayments left, unrounded


@dataclass(slots=True)
class DrawdownsResult:
    drawdowns: list[DrawdownResult]
    interest_exposure: Decimal
    # First and last day on which interest would be due but no base rate is known yet.
    days_without_rate: tuple[date, date] | None


@dataclass(slots=True)
class _Drawn:
    """A drawdown being matched: exact pieces as (date, amount)."""

    received_on: date
    amount: Fraction
    window_end: date
    left: Fraction
    used: list[tuple[date, Fraction]] = field(default_factory=list)
    repaid: list[tuple[date, Fraction]] = field(default_factory=list)


class _Rates:
    """The base rates as stretches of constant interest rate (base + 5) in percent."""

    def __init__(self, base_rates: Sequence[BaseRate]):
        ordered = sorted(base_rates, key=lambda rate: rate.since)
        self.starts = [rate.since for rate in ordered]
        self.percents = [Fraction(rate.percent) + SURCHARGE for rate in ordered]
        self.missing_first: date | None = None
        self.missing_last: date | None = None

    def percent_days(self, start: date, end: date) -> Fraction:
        """Σ over the days t of [start, end) of base(t) + 5, in percent-days; days before the
        first rate count nothing and are noted as missing."""
        if end <= start:
            return Fraction(0)
        first = self.starts[0] if self.starts else None
        if first is None or start < first:
            last = end if first is None or end <= first else first
            self._missing(start, last - ONE_DAY)
            if first is None or end <= first:
                return Fraction(0)
            start = first
        total = Fraction(0)
        for i, since in enumerate(self.starts):
            until = self.starts[i + 1] if i + 1 < len(self.starts) else None
            if until is not None and until <= start:
                continue
            a = max(start, since)
            b = end if until is None else min(end, until)
            if b > a:
                total += (b - a).days * self.percents[i]
            if until is None or until >= end:
                break
        return total

    def _missing(self, first: date, last: date):
        if self.missing_first is None or first < self.missing_first:
            self.missing_first = first
        if self.missing_last is None or last > self.missing_last:
            self.missing_last = last


def drawdowns(
    *,
    as_of: date,
    drawdowns: Sequence[DrawdownIn],
    uses: Sequence[UseIn],
    repayments: Sequence[RepaymentIn],
    window: Window,
    base_rates: Sequence[BaseRate] = BASE_RATES,
) -> DrawdownsResult:
    """Match the drawdowns received by ``as_of`` with the uses and repayments (first in,
    first out) and compute the interest each one is exposed to."""
    received = sorted(
        (
            (d.received_on, d.requested_on, i, d)
            for i, d in enumerate(drawdowns)
            if d.received_on is not None and d.amount is not None and d.received_on <= as_of
        ),
        key=lambda item: item[:3],
    )
    drawn = []
    for received_on, _, _, d in received:
        amount = Fraction(d.amount)
        drawn.append(_Drawn(received_on, amount, window_end(received_on, window), amount))

    # Uses, oldest first, taken by the drawdowns in order; a use may be split.
    queue = [
        [u.on, Fraction(u.amount)]
        for _, _, u in sorted(
            ((u.on, i, u) for i, u in enumerate(uses) if u.on <= as_of and u.amount > 0),
            key=lambda item: item[:2],
        )
    ]
    next_use = 0
    for d in drawn:
        while d.left > 0 and next_use < len(queue):
            on, available = queue[next_use]
            take = min(d.left, available)
            d.used.append((on, take))
            d.left -= take
            if take == available:
                next_use += 1
            else:
                queue[next_use][1] = available - take

    # Repayments, in date order, take what the uses left, oldest drawdown first.
    for _, _, r in sorted(
        ((r.on, i, r) for i, r in enumerate(repayments) if r.on <= as_of and r.amount > 0),
        key=lambda item: item[:2],
    ):
        due = Fraction(r.amount)
        for d in drawn:
            if due == 0:
                break
            take = min(due, d.left)
            if take > 0:
                d.repaid.append((r.on, take))
                d.left -= take
                due -= take

    rates = _Rates(base_rates)
    results = []
    for d in drawn:
        in_time = late = repaid = Fraction(0)
        percent_days = Fraction(0)  # amount × percent-days, summed over the pieces
        for on, amount in d.used:
            if on <= d.window_end:
                in_time += amount
            else:
                late += amount
                percent_days += amount * rates.percent_days(d.received_on, on)
        for on, amount in d.repaid:
            repaid += amount
            if on > d.window_end:
                percent_days += amount * rates.percent_days(d.received_on, on)
        if d.left > 0 and as_of > d.window_end:
            percent_days += d.left * rates.percent_days(d.received_on, as_of)
        interest = percent_days / (100 * DAYS_PER_YEAR)
        used_in_time, used_late, repaid_cents = cents(in_time), cents(late), cents(repaid)
        results.append(
            DrawdownResult(
                received_on=d.received_on,
                amount=cents(d.amount),
                window_end=d.window_end,
                used_in_time=used_in_time,
                used_late=used_late,
                repaid=repaid_cents,
                unused=cents(d.amount) - used_in_time - used_late - repaid_cents,
                interest=cents(interest),
                interest_exact=interest,
                unused_exact=d.left,
            )
        )
    missing = None
    if rates.missing_first is not None:
        missing = (rates.missing_first, rates.missing_last)
    return DrawdownsResult(
        drawdowns=results,
        interest_exposure=sum((r.interest for r in results), Decimal("0.00")),
        days_without_rate=missing,
    )


def rate_missing_for(as_of: date, base_rates: Sequence[BaseRate]) -> bool:
    """True when no base rate starts in ``as_of``'s half-year (1 January–30 June or
    1 July–31 December) or later: the last rate goes on applying, and the office warns that
    today's half-year has no rate yet."""
    half_year = date(as_of.year, 1 if as_of.month <= 6 else 7, 1)
    return not any(rate.since >= half_year for rate in base_rates)


# -- the financing plan ----------------------------------------------------------------------

OK = "ok"
NOT_OFFSET = "not_offset"
NEEDS_CONSENT = "needs_consent"
# ANBest-P Nr. 1.2: a single line may be exceeded by up to 20 % (if it is offset).
TOLERANCE = Fraction(6, 5)


@dataclass(frozen=True, slots=True)
class LineIn:
    category: str
    planned: Decimal
    spent: Decimal  # its eligible spending by as_of
    closed: bool  # closed_on on or before as_of: the final invoice is in, the rest is saved


@dataclass(slots=True)
class CategoryResult:
    category: str
    planned: Decimal
    forecast: Decimal
    over_percent: Decimal | None
    flag: str  # "ok" | "not_offset" | "needs_consent"


@dataclass(slots=True)
class PlanTotal:
    planned: Decimal
    forecast: Decimal
    exceeded: bool


def line_forecast(line: LineIn) -> Decimal:
    """What a line will have cost: its spending if closed, else at least its plan."""
    return line.spent if line.closed else max(line.planned, line.spent)


def financing_plan(lines: Sequence[LineIn]) -> tuple[list[CategoryResult], PlanTotal]:
    """Each category's plan against its forecast, in the order of the category codes, and
    the total."""
    planned: dict[str, Decimal] = defaultdict(Decimal)
    forecast: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        planned[line.category] += line.planned
        forecast[line.category] += line_forecast(line)
    total = PlanTotal(
        planned=sum(planned.values(), Decimal(0)),
        forecast=sum(forecast.values(), Decimal(0)),
        exceeded=False,
    )
    total.exceeded = total.forecast > total.planned
    categories = []
    for category in sorted(planned):
        p, f = planned[category], forecast[category]
        if Fraction(f) > TOLERANCE * Fraction(p):
            flag = NEEDS_CONSENT
        elif f > p and total.exceeded:
            flag = NOT_OFFSET
        else:
            flag = OK
        over = None if p == 0 else _one_decimal((Fraction(f) - Fraction(p)) / Fraction(p) * 100)
        categories.append(CategoryResult(category, p, f, over, flag))
    return categories, total


def _one_decimal(value: Fraction) -> Decimal:
    """``value`` with one decimal, rounded half away from zero."""
    tenths = abs(value) * 10
    whole, rest = divmod(tenths.numerator, tenths.denominator)
    if 2 * rest >= tenths.denominator:
        whole += 1
    return (Decimal(-whole if value < 0 else whole) / 10).quantize(Decimal("0.1"))


# -- proofs of use ---------------------------------------------------------------------------

INTERIM = "interim"
FINAL = "final"
DEFAULT_INTERIM_MONTHS = 4  # after 31 December: due 30 April
OPEN = "open"
OVERDUE = "overdue"
SUBMITTED_IN_TIME = "submitted_in_time"
SUBMITTED_LATE = "submitted_late"


@dataclass(frozen=True, slots=True)
class SubmittedIn:
    kind: str  # "interim" | "final"
    year: int | None  # the interim's calendar year; None for the final proof
    on: date


@dataclass(slots=True)
class ProofResult:
    kind: str
    year: int | None
    due: date
    submitted_on: date | None
    status: str  # open | overdue | submitted_in_time | submitted_late


def default_final_due(eligible_until: date) -> date:
    """The last day of the sixth month after the month of ``eligible_until``."""
    return add_months(eligible_until.replace(day=1), 7) - ONE_DAY


def interim_years(eligible_from: date, eligible_until: date) -> range:
    """The calendar years an interim proof of use is due for: from the year of
    ``eligible_from`` to the year before ``eligible_until`` (none for a grant within one
    year)."""
    return range(eligible_from.year, eligible_until.year)


def interim_due(year: int, interim_report_months: int = DEFAULT_INTERIM_MONTHS) -> date:
    """The interim proof of ``year``: its 31 December plus the months (month-end rule)."""
    return add_months(date(year, 12, 31), interim_report_months)


def proofs(
    *,
    as_of: date,
    eligible_from: date,
    eligible_until: date,
    interim_report_months: int = DEFAULT_INTERIM_MONTHS,
    final_report_due: date | None = None,
    submitted: Sequence[SubmittedIn] = (),
) -> list[ProofResult]:
    """The proofs of use due for the grant, the interims in year order and then the final,
    each with its status as of ``as_of``."""
    if interim_report_months < 0:
        raise ValueError(
            f"interim proofs are due months after the year, not {interim_report_months}"
        )
    latest: dict[tuple[str, int | None], date] = {}
    for s in submitted:
        if s.kind not in (INTERIM, FINAL):
            raise ValueError(f"unknown kind of proof {s.kind!r}")
        key = (s.kind, s.year if s.kind == INTERIM else None)
        if s.on <= as_of and (key not in latest or s.on > latest[key]):
            latest[key] = s.on
    due_dates = [
        (INTERIM, year, interim_due(year, interim_report_months))
        for year in interim_years(eligible_from, eligible_until)
    ]
    due_dates.append((FINAL, None, final_report_due or default_final_due(eligible_until)))
    results = []
    for kind, year, due in due_dates:
        on = latest.get((kind, year))
        if on is not None:
            status = SUBMITTED_IN_TIME if on <= due else SUBMITTED_LATE
        else:
            status = OVERDUE if as_of > due else OPEN
        results.append(ProofResult(kind, year, due, on, status))
    return results
