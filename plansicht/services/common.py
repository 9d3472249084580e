"""The one path every change takes (pretix's pattern): lock the programme, compute the forecast
before, apply the change, recompute and store the forecast, refuse a later finish without a
reason, and write exactly one history event — all in one transaction."""

from datetime import date

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plansicht.forecast import run
from plansicht.history.models import Event, record
from plansicht.plan.models import Programme

from . import Actor, ReasonRequired


def commit(
    programme,
    *,
    actor: Actor,
    reason: str,
    action: str,
    apply,
    event,
    planned_later: bool = False,
    undo=None,
) -> Event:
    reason = (reason or "").strip()
    try:
        return _commit_atomic(programme, actor, reason, action, apply, event, planned_later)
    except Exception:
        if undo is not None:
            undo()
        raise


def _commit_atomic(programme, actor, reason, action, apply, event, planned_later) -> Event:
    with transaction.atomic():
        # One writer per programme at a time: the forecast is a function of the whole plan.
        Programme.objects.select_for_update().filter(pk=programme.pk).exists()
        as_of = run.today()
        before = run.compute(programme, as_of)
        apply()
        if callable(event):
            event = event()
        after = run.compute(programme, as_of)
        run.store(programme, after, event_at=as_of, moved=run.moved(before, after))
        later = _finishes_moved_later(before, after)
        if (later or planned_later) and not reason:
            raise ReasonRequired(_later_message(later), field="reason")
        subject_forecast = event.pop("forecast_of", None)
        changes = event.pop("changes")
        if subject_forecast is not None:
            old = before.forecast.milestones.get(subject_forecast)
            new = after.forecast.milestones.get(subject_forecast)
            if old and new and old.finish != new.finish:
                changes["forecast_finish"] = [old.finish, new.finish]
        return record(
            action=action,
            programme=programme,
            changes=changes,
            reason=reason,
            user=actor.user,
            actor=actor.name,
            unit=actor.unit,
            **event,
        )


def _finishes_moved_later(before: run.Result, after: run.Result) -> list[tuple[str, date, date]]:
    moved = []
    new = after.forecast.milestones
    for key, old in before.forecast.milestones.items():
        now = new.get(key)
        if now is not None and now.finish > old.finish:
            moved.append((after.milestone_codes[key], old.finish, now.finish))
    return sorted(moved)


def _later_message(later) -> str:
    if not later:
        return _("This change moves a planned finish later. Please give a reason.")
    code, old, new = later[0]
    message = _(
        "This change moves the finish of {code} from {old} to {new}. Please give a reason."
    ).format(
        code=code,
        old=date_format(old, "SHORT_DATE_FORMAT"),
        new=date_format(new, "SHORT_DATE_FORMAT"),
    )
    if len(later) > 1:
        others = len(later) - 1
        message += " " + ngettext(
            "It also moves the finish of {count} other milestone later.",
            "It also moves the finish of {count} other milestones later.",
            others,
        ).format(count=others)
    return message


def set_fields(obj, changes: dict):
    """apply() and undo() for changes {field: [old, new]} to one object's own fields."""

    def apply():
        for key, (_old, value) in changes.items():
            setattr(obj, key, value)
        obj.save(update_fields=list(changes))

    def undo():  # the transaction rolled back: the caller's object must not keep new values
        for key, (old, _value) in changes.items():
            setattr(obj, key, old)

    return apply, undo
