"""The public measures of a programme with the dates the standards' exports give them: when
each began and ends (planned, actual and by the forecast) over its published milestones, at
every depth below it, read from the stored forecast."""

from dataclasses import dataclass
from datetime import date

from plansicht.plan.models import Measure, Milestone


@dataclass
class Span:
    planned_start: date | None = None
    planned_finish: date | None = None
    actual_start: date | None = None
    actual_finish: date | None = None
    forecast_start: date | None = None
    forecast_finish: date | None = None
    milestones: int = 0
    started: int = 0
    finished: int = 0


def public_measures(programme) -> list:
    """The published measures by code, with their stored forecast, parent and field of action."""
    return list(
        Measure.objects.filter(programme=programme)
        .public()
        .select_related("forecast", "parent", "field_of_action")
        .order_by("code", "pk")
    )


def _earliest(a, b):
    return b if a is None or (b is not None and b < a) else a


def _latest(a, b):
    return b if a is None or (b is not None and b > a) else a


def spans(programme, measures) -> dict:
    """{measure id: Span} over the published milestones of each measure's public subtree; the
    key ``None`` holds the whole programme. A milestone without a stored forecast counts by its
    own dates."""
    rows = (
        Milestone.objects.filter(programme=programme)
        .public()
        .values_list(
            "measure_id",
            "planned_start",
            "duration_days",
            "actual_start",
            "actual_finish",
            "forecast__start",
            "forecast__finish",
            "forecast__baseline_finish",
            "forecast__started",
            "forecast__finished",
        )
    )
    parents = {m.pk: m.parent_id for m in measures}
    result = {pk: Span() for pk in parents}
    result[None] = Span()
    for measure_id, start, days, a_start, a_finish, f_start, f_finish, b_finish, st, fin in rows:
        own_finish = b_finish or Milestone(planned_start=start, duration_days=days).planned_finish
        started = st if st is not None else a_start is not None
        finished = fin if fin is not None else a_finish is not None
        pk, seen = measure_id, set()
        targets = [None]
        while pk in parents and pk not in seen:  # the measure and each published ancestor
            seen.add(pk)
            targets.append(pk)
            pk = parents[pk]
        for key in targets:
            s = result[key]
            s.milestones += 1
            s.started += bool(started)
            s.finished += bool(finished)
            s.planned_start = _earliest(s.planned_start, start)
            s.planned_finish = _latest(s.planned_finish, own_finish)
            s.actual_start = _earliest(s.actual_start, a_start)
            s.actual_finish = _latest(s.actual_finish, a_finish)
            s.forecast_start = _earliest(s.forecast_start, f_start or start)
            s.forecast_finish = _latest(s.forecast_finish, f_finish or own_finish)
    return result
