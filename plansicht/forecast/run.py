"""Run the schedule engine on a programme from the database, and store what it returns.

Drafts take no part: only published milestones of published measures (at every depth) go in,
and a dependency on a draft is ignored by the engine because its end is missing.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from plansicht.engine import schedule
from plansicht.engine.health import Thresholds
from plansicht.plan.models import Dependency, Measure, Milestone, PlanVersion, PlanVersionEntry

from .models import MeasureForecast, MilestoneForecast, ProgrammeForecast

BATCH = 500


def today() -> date:
    """Today in the site's time zone (Europe/Berlin): the default status date."""
    return timezone.localdate()


@dataclass
class Result:
    """The engine's forecast with the codes needed to report it (engine keys are row ids)."""

    forecast: schedule.Forecast
    milestone_codes: dict[int, str]
    measure_codes: dict[int, str]


def compute(programme, as_of: date | None = None) -> Result:
    """The forecast of ``programme`` as of ``as_of`` (default today). Stores nothing."""
    as_of = as_of or today()
    milestone_rows = (
        Milestone.objects.filter(programme=programme)
        .public()
        .values_list(
            "id",
            "code",
            "measure_id",
            "planned_start",
            "duration_days",
            "actual_start",
            "actual_finish",
            "expected_finish",
            "progress",
        )
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

    result = schedule.forecast(
        milestones,
        dependencies,
        as_of=as_of,
        plan_versions=versions,
        measures=measures,
        thresholds=Thresholds(programme.amber_days, programme.red_days),
        programme_key=programme.pk,
    )
    return Result(result, milestone_codes, measure_codes)


def refresh(programme, as_of: date | None = None) -> Result:
    """Compute the forecast and store it, writing only the rows whose figures changed."""
    result = compute(programme, as_of)
    with transaction.atomic():
        store(programme, result.forecast)
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
]


def _count(healths) -> dict:
    counts = {"green": 0, "amber": 0, "red": 0, "none": 0}
    for health in healths:
        counts[health or "none"] += 1
    return counts


def store(programme, forecast: schedule.Forecast) -> None:
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
        )
        for key, r in forecast.milestones.items()
    }
    ProgrammeForecast.objects.update_or_create(
        programme=programme,
        defaults={
            "as_of": forecast.as_of,
            "computed_at": timezone.now(),
            "current_version": forecast.current_version,
            "original_version": forecast.original_version,
            "health_counts": {
                "measures": _count(s.health for s in forecast.measures.values()),
                "milestones": _count(row[-1] for row in milestone_rows.values()),
            },
            **_figures(forecast.programme),
        },
    )
    _sync(
        MeasureForecast,
        "measure_id",
        MeasureForecast.objects.filter(measure__programme=programme),
        FIGURE_FIELDS,
        {key: tuple(_figures(s).values()) for key, s in forecast.measures.items()},
    )
    _sync(
        MilestoneForecast,
        "milestone_id",
        MilestoneForecast.objects.filter(milestone__programme=programme),
        MILESTONE_FIELDS,
        {
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
            )
            for key, r in forecast.milestones.items()
        },
    )


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


def refresh_all(as_of: date | None = None):
    """Recompute and store the forecast of every programme; yields each programme when done."""
    from plansicht.plan.models import Programme

    for programme in Programme.objects.order_by("slug"):
        refresh(programme, as_of)
        yield programme
