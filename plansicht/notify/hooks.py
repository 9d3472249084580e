"""What the services call so that participants are told: each hook enqueues a task when the
surrounding transaction commits. Cheap when nobody follows anything."""

from functools import partial

from django.db import transaction

from plansicht.forecast.models import MeasureForecast
from plansicht.participation.models import Follow

from . import tasks
from .tasks import HEALTH_ORDER

EVENT_ACTIONS = {
    "question.received",
    "statement.received",
    "submission.answered",
    "submission.extended",
    "proposal.decided",
    "proposal.extended",
}


def event_written(event) -> None:
    """Called for every history event; the participation events that concern someone are
    handed to ``tasks.event_notices`` after the commit."""
    if event.action in EVENT_ACTIONS:
        transaction.on_commit(partial(tasks.event_notices.enqueue, event.pk))


def measure_states(programme) -> dict | None:
    """{measure id: (forecast finish, health)} as stored now, for the measures someone
    follows; None if nobody follows a measure of the programme (nothing to compare then)."""
    followed = Follow.objects.filter(programme=programme, measure__isnull=False, submission=None)
    ids = set(followed.values_list("measure_id", flat=True))
    if not ids:
        return None
    return {
        measure_id: (finish, health)
        for measure_id, finish, health in MeasureForecast.objects.filter(
            measure_id__in=ids
        ).values_list("measure_id", "forecast_finish", "health")
    }


def forecast_stored(programme, before: dict | None) -> None:
    """After the forecast is stored: tell the followers of each followed measure whose
    forecast finish moved later or whose health worsened (green → amber → red)."""
    if not before:
        return
    after = measure_states(programme) or {}
    changes = []
    for measure_id, (old_finish, old_health) in before.items():
        new_finish, new_health = after.get(measure_id, (None, None))
        later = old_finish is not None and new_finish is not None and new_finish > old_finish
        worse = HEALTH_ORDER.get(new_health, 0) > HEALTH_ORDER.get(old_health, 0) > 0
        if later or worse:
            changes.append(
                [
                    measure_id,
                    old_finish.isoformat() if old_finish else None,
                    new_finish.isoformat() if new_finish else None,
                    old_health,
                    new_health,
                ]
            )
    if changes:
        transaction.on_commit(partial(tasks.forecast_notices.enqueue, programme.pk, changes))
