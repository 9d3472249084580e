"""Run the schedule engine on a programme from the database, and store what it returns.

Drafts take no part: only published milestones of published measures (at every depth) go in,
and a dependency on a draft is ignored by the engine because its end is missing.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from plansicht import clock
from plansicht.engine import hiring, schedule
from plansicht.engine.calendar import add_months
from plansicht.engine.health import Thresholds, with_money
from plansicht.engine.money import cents
from plansicht.plan.models import (
    SCHEDULE_FIELDS,
    Dependency,
    Measure,
    Milestone,
    PlanVersion,
    PlanVersionEntry,
    Programme,
)

from . import conditions, money
from .models import GrantForecast, MeasureForecast, MilestoneForecast, ProgrammeForecast

BATCH = 500


# The fields of these models that the stored forecast reads (besides their keys): here, in
# money.compute and in _store_positions. A change to none of them cannot move a stored figure,
# so the services commit it without a forecast. Reading a further field means adding it here.
READS = {
    "funding.Expenditure": {"cost_line", "on", "amount", "eligible"},
    "funding.BudgetLine": {"grant", "year", "own_share"},
    "staffing.Position": {"grant", "cover", "needed_from", "expected_fill", "contract_end"},
}


def moves_forecast(model, fields) -> bool:
    """Whether changing ``fields`` of an existing ``model`` row can move the stored forecast
    (True for a model not listed in READS)."""
    reads = READS.get(model._meta.label)
    return reads is None or not reads.isdisjoint(fields)


def today() -> date:
    """Today in the site's time zone (Europe/Berlin): the default status date."""
    return clock.today()


class BeyondCalendar(Exception):
    """A computed date would lie past 31.12.9999, the last day a date can hold: a long chain of
    durations and lags. Entered dates are checked (``engine.calendar``); computed ones cannot
    be, so the services refuse the change that would lead there."""


@dataclass
class Inputs:
    """What the engines read of a programme as of a date, loaded once by :func:`load`: the
    forecast can then run for several assumptions (what-ifs) without reading it again."""

    programme: object
    as_of: date
    milestones: list  # schedule.MilestoneIn of published milestones, with the posts they wait for
    dependencies: list
    measures: list
    versions: list
    positions: list
    milestone_codes: dict[int, str]
    measure_codes: dict[int, str]
    position_codes: dict[int, str]
    funding: money.Inputs | None


@dataclass
class Result:
    """The engine's forecast with the codes needed to report it (engine keys are row ids)."""

    forecast: schedule.Forecast
    milestone_codes: dict[int, str]
    measure_codes: dict[int, str]
    funds: money.MoneyResult | None = None
    position_codes: dict[int, str] | None = None
    inputs: Inputs | None = None  # what it was computed from (for the what-ifs of the posts)


@dataclass(frozen=True)
class Moved:
    """The milestones and measures (engine keys) whose forecast finish an event changed."""

    milestones: frozenset = field(default_factory=frozenset)
    measures: frozenset = field(default_factory=frozenset)


def moved(before: Result, after: Result) -> Moved:
    """What a change moved: every milestone and measure whose forecast finish differs."""
    old_m, old_s = before.forecast.milestones, before.forecast.measures
    return Moved(
        frozenset(
            k
            for k, r in after.forecast.milestones.items()
            if k not in old_m or old_m[k].finish != r.finish
        ),
        frozenset(
            k
            for k, s in after.forecast.measures.items()
            if k not in old_s or old_s[k].forecast_finish != s.forecast_finish
        ),
    )


def compute(programme, as_of: date | None = None, assume: dict | None = None) -> Result:
    """The forecast of ``programme`` as of ``as_of`` (default today). Stores nothing.
    ``assume`` ({position id: date}) is the what-if: those posts count as filled then.
    Raises BeyondCalendar when a computed date would not fit in a date."""
    return compute_on(load(programme, as_of), assume)


def compute_on(inputs: Inputs, assume: dict | None = None) -> Result:
    """The forecast on inputs loaded before (:func:`load`), for the what-if ``assume``."""
    try:
        return _compute(inputs, assume)
    except schedule.CycleError:
        raise
    except (OverflowError, ValueError) as e:  # date.fromordinal, date + timedelta, date(10000…)
        raise BeyondCalendar(str(e)) from e


def _grant_at_risk_on(inputs: Inputs, assume: dict) -> Fraction:
    """The grant at risk of the whole programme for the what-if ``assume``: the schedule and
    the money engine only, on inputs loaded before."""
    try:
        result = _schedule(inputs, assume)
    except schedule.CycleError:
        raise
    except (OverflowError, ValueError) as e:
        raise BeyondCalendar(str(e)) from e
    grants = money.funding(inputs.funding, result).grants
    return sum((g.grant_at_risk for g in grants.values()), Fraction(0))


def load(programme, as_of: date | None = None) -> Inputs:
    """Read what the engines need of ``programme`` as of ``as_of`` (default today)."""
    as_of = as_of or today()
    milestone_rows = (
        Milestone.objects.filter(programme=programme)
        .public()
        .values_list("id", "code", "measure_id", *SCHEDULE_FIELDS)
    )
    milestones = []
    milestone_codes = {}
    for (
        pk,
        code,
        measure,
        planned,
        duration,
        a_start,
        a_finish,
        expected,
        progress,
    ) in milestone_rows:
        milestone_codes[pk] = code
        milestones.append(
            schedule.MilestoneIn(
                pk, planned, duration, measure, a_start, a_finish, expected, progress
            )
        )
    dependencies = [
        schedule.DependencyIn(*row)
        for row in Dependency.objects.filter(programme=programme).values_list(
            "predecessor_id", "successor_id", "type", "lag_days"
        )
    ]
    measure_codes = {}
    measures = []
    for pk, code, parent in (
        Measure.objects.filter(programme=programme).public().values_list("id", "code", "parent_id")
    ):
        measure_codes[pk] = code
        measures.append(schedule.MeasureIn(pk, parent))

    headers = {
        number: schedule.PlanVersionIn(number, approved_on, {})
        for pk, number, approved_on in PlanVersion.objects.filter(programme=programme).values_list(
            "id", "number", "approved_on"
        )
    }
    current, original = schedule.select_versions(headers.values(), as_of)
    versions = []
    for chosen in {v.number: v for v in (current, original) if v is not None}.values():
        finishes = dict(
            PlanVersionEntry.objects.filter(
                version__programme=programme, version__number=chosen.number
            ).values_list("milestone_id", "finish")
        )
        versions.append(schedule.PlanVersionIn(chosen.number, chosen.approved_on, finishes))

    positions, position_codes, requires = _positions(programme)
    if requires:
        milestones = [
            replace(m, requires=requires[m.key]) if m.key in requires else m for m in milestones
        ]
    funding = money.load(programme, {m.key: m.measure for m in milestones})
    return Inputs(
        programme,
        as_of,
        milestones,
        dependencies,
        measures,
        versions,
        positions,
        milestone_codes,
        measure_codes,
        position_codes,
        funding,
    )


def _schedule(inputs: Inputs, assume) -> schedule.Forecast:
    programme = inputs.programme
    return schedule.forecast(
        inputs.milestones,
        inputs.dependencies,
        as_of=inputs.as_of,
        plan_versions=inputs.versions,
        measures=inputs.measures,
        thresholds=Thresholds(programme.amber_days, programme.red_days),
        programme_key=programme.pk,
        positions=inputs.positions,
        hiring_rules=hiring.HiringRules(
            {**hiring.DEFAULT_HIRING_DAYS, **programme.hiring_days}, programme.onboarding_days
        ),
        assume=assume,
    )


def _compute(inputs: Inputs, assume) -> Result:
    result = _schedule(inputs, assume)
    funds = money.compute(
        inputs.programme,
        result,
        inputs.funding,
        measure_of={m.key: m.measure for m in inputs.milestones},
        parent_of={m.key: m.parent for m in inputs.measures},
    )
    if funds is not None and funds.at_risk:
        # health.with_money: any cost at risk makes the milestone, its measures and the
        # programme red.
        result.milestones.mark_red(funds.at_risk)
        for key in funds.measure_cost_at_risk:
            if key in result.measures:
                summary = result.measures[key]
                summary.health = with_money(summary.health, True)
        result.programme.health = with_money(result.programme.health, True)
    return Result(
        result, inputs.milestone_codes, inputs.measure_codes, funds, inputs.position_codes, inputs
    )


def _positions(programme):
    """The programme's posts as engine inputs, and which milestones wait for which."""
    from plansicht.staffing.models import HiringStep, Position

    codes, steps, expected = {}, defaultdict(list), {}
    for pk, code, expected_fill in Position.objects.filter(programme=programme).values_list(
        "id", "code", "expected_fill"
    ):
        codes[pk] = code
        expected[pk] = expected_fill
    for position, step, on in HiringStep.objects.filter(position__programme=programme).values_list(
        "position_id", "step", "on"
    ):
        steps[position].append((step, on))
    requires = defaultdict(list)
    for milestone, position in Position.required_by.through.objects.filter(
        position__programme=programme
    ).values_list("milestone_id", "position_id"):
        requires[milestone].append(position)
    inputs = [hiring.PositionIn(pk, steps[pk], expected[pk]) for pk in codes]
    return inputs, codes, {m: tuple(sorted(p)) for m, p in requires.items()}


def refresh(programme, as_of: date | None = None) -> Result:
    """Compute the forecast and store it, writing only the rows whose figures changed."""
    result = compute(programme, as_of)
    with transaction.atomic():
        store(programme, result)
    return result


def _figures(summary: schedule.Summary) -> dict:
    return {
        "forecast_finish": summary.forecast_finish,
        "baseline_finish": summary.baseline_finish,
        "original_finish": summary.original_finish,
        "slip_days": summary.slip_days,
        "original_slip_days": summary.original_slip_days,
        "health": summary.health,
        "percent_complete": summary.percent_complete,
        "milestone_count": summary.milestone_count,
    }


FIGURE_FIELDS = list(_figures(schedule.Summary(None, 0, *[None] * 7)))
MILESTONE_FIELDS = [
    "start",
    "finish",
    "started",
    "finished",
    "baseline_finish",
    "original_finish",
    "slip_days",
    "original_slip_days",
    "health",
    "driver_milestone_id",
    "driver_position_id",
]


def _count(healths) -> dict:
    counts = {"green": 0, "amber": 0, "red": 0, "none": 0}
    for health in healths:
        counts[health or "none"] += 1
    return counts


def _late_since(slip, baseline, key, stored, event_at, moved, amber, as_of) -> date | None:
    """Since when an item is late (slip beyond amber): a stored date stays; else the date of
    the event that moved it; else the day after its approved finish, or the forecast's date
    if that day is still to come (a forecast can show the delay before the plan's date).
    Not late: None."""
    if slip is None or slip <= amber:
        return None
    if stored.get(key) is not None:
        return stored[key]
    if event_at is not None and key in moved:
        return event_at
    if baseline is None:
        return None
    return min(baseline + timedelta(days=1), as_of)


def store(
    programme, result: Result, *, event_at: date | None = None, moved: Moved | None = None
) -> None:
    """Store the forecast. ``event_at`` is the date of the event being written and ``moved``
    what it moved; together they date when an item became late (``late_since``)."""
    Programme.objects.filter(pk=programme.pk).touch()  # the public pages show it from now on
    forecast, funds = result.forecast, result.funds
    moved = moved or Moved()
    amber = forecast.thresholds.amber_days
    was_late = dict(
        MilestoneForecast.objects.filter(
            milestone__programme=programme, late_since__isnull=False
        ).values_list("milestone_id", "late_since")
    )
    risk = funds.funding.milestone_cost_at_risk if funds else {}
    grant_risk = funds.funding.milestone_grant_at_risk if funds else {}
    zero = Fraction(0)
    milestone_rows = {
        key: (
            r.start,
            r.finish,
            r.started,
            r.finished,
            r.baseline_finish,
            r.original_finish,
            r.slip_days,
            r.original_slip_days,
            r.health,
            r.driver,
            r.driver_position,
            cents(risk.get(key, zero)),
            cents(grant_risk.get(key, zero)),
            _late_since(
                r.slip_days,
                r.baseline_finish,
                key,
                was_late,
                event_at,
                moved.milestones,
                amber,
                forecast.as_of,
            ),
        )
        for key, r in forecast.milestones.items()
    }
    by_year = funds.by_year if funds else {}
    ProgrammeForecast.objects.update_or_create(
        programme=programme,
        defaults={
            "as_of": forecast.as_of,
            "computed_at": timezone.now(),
            "current_version": forecast.current_version,
            "original_version": forecast.original_version,
            "health_counts": {
                "measures": _count(s.health for s in forecast.measures.values()),
                "milestones": _count(row[8] for row in milestone_rows.values()),
            },
            "cost_at_risk": cents(sum(risk.values(), zero)),
            "grant_at_risk": cents(sum(grant_risk.values(), zero)),
            "money_by_year": year_rows(by_year.get(None, {})),
            "kfp": {
                result.measure_codes[m]: {
                    str(y): {c: money.money_text(v) for c, v in cats.items()}
                    for y, cats in years.items()
                }
                for m, years in (funds.kfp if funds else {}).items()
            },
            **_figures(forecast.programme),
        },
    )
    m_risk = funds.measure_cost_at_risk if funds else {}
    m_grant = funds.measure_grant_at_risk if funds else {}
    measures_late = dict(
        MeasureForecast.objects.filter(
            measure__programme=programme, late_since__isnull=False
        ).values_list("measure_id", "late_since")
    )
    _sync(
        MeasureForecast,
        "measure_id",
        MeasureForecast.objects.filter(measure__programme=programme),
        FIGURE_FIELDS + ["cost_at_risk", "grant_at_risk", "money_by_year", "late_since"],
        {
            key: (
                *_figures(s).values(),
                cents(m_risk.get(key, zero)),
                cents(m_grant.get(key, zero)),
                year_rows(by_year.get(key, {})),
                _late_since(
                    s.slip_days,
                    s.baseline_finish,
                    key,
                    measures_late,
                    event_at,
                    moved.measures,
                    amber,
                    forecast.as_of,
                ),
            )
            for key, s in forecast.measures.items()
        },
    )
    _sync(
        MilestoneForecast,
        "milestone_id",
        MilestoneForecast.objects.filter(milestone__programme=programme),
        MILESTONE_FIELDS + ["cost_at_risk", "grant_at_risk", "late_since"],
        milestone_rows,
    )
    _store_grants(programme, funds)
    _store_positions(programme, result)


def _store_positions(programme, result: Result) -> None:
    """Posts' fill dates, since when they are vacant, alerts, and what each vacant post costs:
    what filling it today would save in grant money, and what each month of delay adds."""
    from plansicht.staffing.models import Position

    from .models import PositionForecast

    PositionForecast.objects.filter(position__programme=programme).delete()
    posts = result.forecast.positions
    if not posts:
        return
    as_of = result.forecast.as_of
    costs = position_costs(programme, result)
    rules = hiring.AlertRules(
        programme.alert_establishment_days,
        programme.alert_advertised_days,
        programme.alert_contract_days,
    )
    rows = []
    for position in (
        Position.objects.filter(programme=programme)
        .select_related("grant")
        .prefetch_related("steps")
    ):
        post = posts.get(position.pk)
        if post is None:
            continue
        steps = [(s.step, s.on) for s in position.steps.all()]
        commitment = position.grant.commitment_date if position.grant else None
        since = (
            hiring.vacant_since(
                steps, as_of, needed_from=position.needed_from, commitment=commitment
            )
            if post.vacant
            else None
        )
        cost, month = costs.get(position.pk, (Fraction(0), Fraction(0)))
        rows.append(
            PositionForecast(
                position=position,
                fill=post.fill,
                vacant=post.vacant,
                current_step=post.current_step or "",
                current_since=post.current_since,
                days_vacant=max((as_of - since[0]).days, 0) if since else None,
                vacant_since=since[0] if since else None,
                vacant_basis=since[1] if since else "",
                vacancy_cost=cents(cost),
                month_cost=cents(month),
                alerts=hiring.alerts(
                    steps,
                    as_of,
                    funded=position.grant_id is not None,
                    commitment=commitment,
                    contract_end=position.contract_end,
                    cover=position.cover,
                    rules=rules,
                ),
            )
        )
    PositionForecast.objects.bulk_create(rows)


def position_costs(programme, result: Result, assume: dict | None = None) -> dict:
    """{position id: (vacancy cost, month cost)} for each vacant post that a published
    milestone waits for, when the programme has funding (other posts cost nothing).

    The vacancy cost is the grant at risk (whole programme) now minus the grant at risk if the
    post were filled on the status date; the month cost is the grant at risk if it were filled
    one month later (same day number, or that month's last day) minus the grant at risk if
    filled on the status date. Neither is below zero. ``assume`` is the what-if the result was
    computed with: it holds for every other post, and an assumed post costs nothing here."""
    from plansicht.staffing.models import Position

    if result.funds is None:
        return {}
    assume = assume or {}
    as_of = result.forecast.as_of
    inputs = result.inputs if result.inputs is not None else load(programme, as_of)
    waited = set(
        Position.required_by.through.objects.filter(
            position__programme=programme,
            milestone__in=Milestone.objects.filter(programme=programme).public(),
        ).values_list("position_id", flat=True)
    )
    at_risk_now = _grant_at_risk(result)
    zero = Fraction(0)
    costs = {}
    for key, post in result.forecast.positions.items():
        if not post.vacant or post.assumed or key not in waited:
            continue
        today_ = _grant_at_risk_on(inputs, {**assume, key: as_of})
        later = _grant_at_risk_on(inputs, {**assume, key: add_months(as_of, 1)})
        costs[key] = (max(at_risk_now - today_, zero), max(later - today_, zero))
    return costs


def _grant_at_risk(result: Result) -> Fraction:
    if result.funds is None:
        return Fraction(0)
    return sum((g.grant_at_risk for g in result.funds.funding.grants.values()), Fraction(0))


def year_rows(years: dict) -> list:
    """Money by year ({year: {"planned", "forecast", "actual"}} of ``MoneyResult.by_year``)
    as the stored forecast keeps it: [{"year", "planned", "forecast", "actual"}] by year,
    amounts as decimal strings."""
    return [
        {"year": y, **{k: money.money_text(v) for k, v in figures.items()}}
        for y, figures in sorted(years.items())
    ]


def _store_grants(programme, funds) -> None:
    GrantForecast.objects.filter(grant__programme=programme).delete()
    if funds is None:
        return
    rows = []
    for key, g in funds.funding.grants.items():
        draw = funds.drawdowns.get(key, {})
        rows.append(
            GrantForecast(
                grant_id=key,
                spent=cents(g.spent),
                remaining=cents(g.remaining),
                cost_at_risk=cents(g.cost_at_risk),
                grant_at_risk=cents(g.grant_at_risk),
                ineligible_spent=cents(sum(g.ineligible_by_year.values(), Fraction(0))),
                years=[
                    {
                        "year": y.year,
                        "spent": money.money_text(y.spent),
                        "falling_eligible": money.money_text(y.falling_eligible),
                        "falling_at_risk": money.money_text(y.falling_at_risk),
                        "own_share_needed": money.money_text(y.own_share_needed),
                        "own_share_budgeted": money.money_text(y.own_share_budgeted),
                        "own_share_gap": money.money_text(y.own_share_gap),
                        "ineligible": money.money_text(g.ineligible_by_year.get(y.year, 0)),
                    }
                    for y in g.years
                ],
                drawdown_planned=cents(draw.get("planned", 0)),
                drawdown_requested=cents(draw.get("requested", 0)),
                drawdown_received=cents(draw.get("received", 0)),
                conditions=conditions.stored(funds.conditions[key], funds.funding.as_of),
            )
        )
    GrantForecast.objects.bulk_create(rows)


def _sync(model, key_field, existing_qs, fields, wanted: dict) -> None:
    """Make the rows of ``existing_qs`` equal ``wanted`` ({key: values in ``fields`` order}).

    Changed rows are deleted and inserted again: on both databases that is far faster than an
    UPDATE per row, and after one change to a plan only a few rows differ anyway.
    """
    have = {row[0]: row[1:] for row in existing_qs.values_list(key_field, *fields)}
    stale = [key for key, values in have.items() if wanted.get(key) != values]
    fresh = [key for key, values in wanted.items() if have.get(key) != values]
    for i in range(0, len(stale), BATCH):
        model.objects.filter(**{f"{key_field}__in": stale[i : i + BATCH]}).delete()
    model.objects.bulk_create(
        (model(**{key_field: key}, **dict(zip(fields, wanted[key], strict=True))) for key in fresh),
        batch_size=BATCH,
    )
