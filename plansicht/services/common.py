"""The one path every change takes (pretix's pattern): lock the programme, compute the forecast
before, apply the change, recompute and store the forecast, refuse a later finish without a
reason, and write exactly one history event — all in one transaction.

A change that cannot move any stored figure (a note, a title, an answer to a question) says
so with ``forecast=False``: it takes the same path without the lock and the forecasts."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plansicht.content import markdown
from plansicht.engine import calendar
from plansicht.forecast import run
from plansicht.history.models import Event, record
from plansicht.notify import hooks
from plansicht.plan.models import Programme

from . import Actor, ChangedMeanwhile, ReasonRequired, ServiceError


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
    versioned=None,
    expected_version: int | None = None,
    forecast: bool = True,
) -> Event:
    """``versioned``: the stored object this change edits or removes (one with a ``version``).
    Its version is checked against ``expected_version`` (the version the form was opened at;
    None: no check) and bumped with the change.

    ``forecast``: whether the change can move the forecast. True (the default): the programme
    is locked and its forecast computed before and after the change and stored. False only for
    a change that provably moves no stored figure — it changes nothing the forecast reads
    (``plansicht.forecast.run``: dates, durations, progress, dependencies, plan versions, money
    amounts and dates, posts' hiring, grants, contract ends and stand-ins): then no forecast
    runs, and the change still checks the version and writes its one event."""
    reason = (reason or "").strip()
    version = getattr(versioned, "version", None)
    try:
        return _commit_atomic(
            programme,
            actor,
            reason,
            action=action,
            apply=apply,
            event=event,
            planned_later=planned_later,
            versioned=versioned,
            expected_version=expected_version,
            forecast=forecast,
        )
    except run.BeyondCalendar:
        if versioned is not None:
            versioned.version = version
        if undo is not None:
            undo()
        raise ServiceError(beyond_calendar_message()) from None
    except Exception:
        if versioned is not None:
            versioned.version = version
        if undo is not None:
            undo()
        raise


def commit_settings(
    programme,
    *,
    actor: Actor,
    reason: str,
    action: str,
    values: dict,
    changes: dict,
    expected_version: int | None,
    target=None,
    public: bool = True,
    label: str | None = None,
) -> Event:
    """Save settings (``values``: field → new value) of the programme, or of ``target`` (its
    organisation, say), as one event of the programme with ``changes``. Settings move no
    forecast figure; the programme's version is checked and bumped as for any change."""
    target = programme if target is None else target
    old = {key: getattr(target, key) for key in values}
    fields = [*values, "version"] if target is programme else [*values]

    def apply():
        for key, value in values.items():
            setattr(target, key, value)
        target.save(update_fields=fields)

    def undo():
        for key, value in old.items():
            setattr(target, key, value)

    return commit(
        programme,
        actor=actor,
        reason=reason,
        action=action,
        apply=apply,
        undo=undo,
        event={
            "subject": programme,
            "public": public,
            "label": label or programme.title,
            "changes": changes,
        },
        versioned=programme,
        expected_version=expected_version,
        forecast=False,
    )


def commit_extension(
    item,
    extensions,
    *,
    actor: Actor,
    action: str,
    to: date,
    reason: str,
    in_force: date,
    today: date,
    event,
    expected_version: int | None,
):
    """Extend the due date ``in_force`` of ``item`` (a question, a proposal …) to a later date
    ``to``, granted ``today`` with a public reason: stored in ``extensions`` (the item's
    related manager of them) and recorded as one event, ``event(item, changes)``."""
    if to <= in_force:
        raise ServiceError(
            _("The new due date must be later than the one in force, {due}.").format(
                due=date_format(in_force, "SHORT_DATE_FORMAT")
            ),
            field="to",
        )
    holder = {}

    def apply():
        holder["extension"] = extensions.create(on=today, to=to, reason=reason)

    commit(
        item.programme,
        actor=actor,
        reason=reason,
        action=action,
        apply=apply,
        event=lambda: event(item, {"to": [in_force.isoformat(), to.isoformat()]}),
        versioned=item,
        expected_version=expected_version,
        forecast=False,
    )
    return holder["extension"]


def _commit_atomic(
    programme,
    actor,
    reason,
    *,
    action,
    apply,
    event,
    planned_later,
    versioned,
    expected_version,
    forecast,
) -> Event:
    with transaction.atomic():
        if forecast:
            # One writer per programme at a time: the forecast is a function of the whole plan.
            Programme.objects.select_for_update().filter(pk=programme.pk).exists()
        if versioned is not None:
            _next_version(programme, versioned, expected_version)
        as_of = run.today()
        before = run.compute(programme, as_of) if forecast else None
        followed = hooks.measure_states(programme) if forecast else None
        apply()
        if callable(event):
            event = event()
        later = []
        if forecast:
            after = run.compute(programme, as_of)
            run.store(programme, after, event_at=as_of, moved=run.moved(before, after))
            hooks.forecast_stored(programme, followed)
            later = _finishes_moved_later(before, after)
        if (later or planned_later) and not reason:
            raise ReasonRequired(_later_message(later), field="reason")
        subject_forecast = event.pop("forecast_of", None)
        changes = event.pop("changes")
        if subject_forecast is not None and forecast:
            old = before.forecast.milestones.get(subject_forecast)
            new = after.forecast.milestones.get(subject_forecast)
            if old and new and old.finish != new.finish:
                changes["forecast_finish"] = [old.finish, new.finish]
        written = record(
            action=action,
            programme=programme,
            changes=changes,
            reason=reason,
            user=actor.user,
            actor=actor.name,
            unit=actor.unit,
            **event,
        )
        hooks.event_written(written)
        return written


def _next_version(programme, obj, expected_version):
    """Refuse the change if ``obj`` changed since ``expected_version``, else take the next
    version. The version is read from the database, inside the transaction; the update only
    succeeds from the version read, so a writer that got in between is caught even where the
    programme lock is not available (SQLite)."""
    rows = type(obj).objects.filter(pk=obj.pk)
    current = rows.values_list("version", flat=True).first()
    if current is None:
        raise ServiceError(_("This entry was removed meanwhile. Nothing was saved."))
    if expected_version is None:
        rows.update(version=F("version") + 1)
        obj.version = rows.values_list("version", flat=True).get()
        return
    if current != expected_version or not rows.filter(version=current).update(version=current + 1):
        raise _changed_meanwhile(programme, obj)
    obj.version = current + 1


# Events about an object that do not change the object itself (its version stays).
NOT_VERSIONED = ("dependency.added", "dependency.removed", "position.step")


def _changed_meanwhile(programme, obj) -> ChangedMeanwhile:
    """The refusal, naming who changed ``obj`` last and when."""
    about = Event.objects.filter(
        subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk
    ).exclude(action__in=NOT_VERSIONED)
    # Loading a programme document again changes every object without an event of its own.
    replaced = Event.objects.filter(programme=programme, action="programme.replaced")
    # The last one written: events are only ever appended, under the programme lock.
    latest = (about | replaced).select_related("unit").order_by("-id").first()
    if latest is None:
        message = _(
            "Changed meanwhile by someone else. Your change was not saved, so that theirs is "
            "not lost."
        )
    else:
        who = latest.actor or _("someone else")
        if latest.unit is not None:
            who = f"{who} ({latest.unit})"
        message = _(
            "Changed meanwhile by {who} at {when}. Your change was not saved, so that theirs "
            "is not lost."
        ).format(
            who=who,
            when=date_format(timezone.localtime(latest.at), "SHORT_DATETIME_FORMAT"),
        )
    return ChangedMeanwhile(
        message, event=latest, current=type(obj).objects.filter(pk=obj.pk).first()
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


def check_date_range(value: date, field: str) -> None:
    """Every date a person enters lies in the calendar Plansicht accepts (1990–2100)."""
    if not calendar.in_range(value):
        raise ServiceError(range_message(), field=field)


def check_date(value, field: str, *, required: bool = True) -> date | None:
    """A date a person entered in ``field``, in the calendar Plansicht accepts; None passes
    where the date is not ``required``."""
    if value is None and not required:
        return None
    if not isinstance(value, date):
        raise ServiceError(_("Enter a date."), field=field)
    check_date_range(value, field)
    return value


def check_text(value, field: str, label, *, limit: int, required: bool = True) -> str:
    """A text as ``content.markdown.check`` accepts it (length, no control or direction
    characters), as a ServiceError on ``field`` (``label`` names it) if not; markup is stored
    as given."""
    try:
        value = markdown.check(value or "", max_length=limit, field_label=label)
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages), field=field) from None
    if required and not value:
        raise ServiceError(_("Please enter a text."), field=field)
    return value


def text_checker(labels: dict, limit: int):
    """``check_text`` for the fields of one service module: ``labels`` names each field,
    ``limit`` is the length allowed unless a call says otherwise."""

    def check(value, field: str, *, required: bool = True, limit: int = limit) -> str:
        return check_text(value, field, labels[field], limit=limit, required=required)

    return check


def event_about(item, changes: dict, *, public: bool) -> dict:
    """The fields of an event about a participant's item (a question, a statement, a
    proposal): it shows in the history of the item's measure (a milestone's: its measure's)."""
    measure = item.measure
    if item.milestone_id is not None:
        measure = item.milestone.measure
    return {
        "subject": item,
        "label": item.code,
        "measure": measure,
        "milestone": item.milestone,
        "public": public,
        "changes": changes,
    }


def check_line(value, field: str, *, max_length: int = 300, required: bool = True) -> str:
    """A line of text a person entered in ``field``, stripped, at most ``max_length``
    characters; an empty one only where it is not ``required``."""
    value = (value or "").strip() if isinstance(value, str) or value is None else value
    if not isinstance(value, str):
        raise ServiceError(_("Enter a text."), field=field)
    if required and not value:
        raise ServiceError(_("This field is required."), field=field)
    if len(value) > max_length:
        raise ServiceError(_("At most %(n)d characters.") % {"n": max_length}, field=field)
    return value


PDF_LIMIT = 10 * 1024 * 1024  # bytes of an uploaded PDF (a statement, a funder's acceptance)


def check_pdf(upload, *, field: str, not_pdf: str) -> None:
    """An uploaded file that must be a PDF: by its content (not its name), at most 10 MB.
    ``not_pdf`` says what to attach instead, in the words of the form it came from."""
    if upload.size > PDF_LIMIT:
        raise ServiceError(
            _("The file is {size} MB; at most 10 MB are allowed. Make it smaller.").format(
                size=number_format(upload.size / 1024 / 1024, decimal_pos=1)
            ),
            field=field,
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ServiceError(not_pdf, field=field)


def range_message() -> str:
    return _("Enter a date from {earliest} to {latest}.").format(
        earliest=date_format(calendar.EARLIEST, "SHORT_DATE_FORMAT"),
        latest=date_format(calendar.LATEST, "SHORT_DATE_FORMAT"),
    )


def beyond_calendar_message() -> str:
    return _(
        "The forecast cannot be computed: the durations and lags add up to a date after the "
        "year 9999. Shorten a duration or a lag."
    )


def create_or_update(model, obj, values: dict, *, extra=None, then=None):
    """apply(), undo() and saved() for a change that creates a ``model`` (with ``extra``,
    such as its parent) from ``values``, or updates the stored ``obj`` with them. ``then``
    runs on the saved object inside apply() (many-to-many links, say); saved() is the object
    once applied. undo() is None for a new object: there is nothing to give back."""
    holder = {"obj": obj}
    old = {key: getattr(obj, key) for key in values} if obj is not None else {}

    def apply():
        target = obj if obj is not None else model(**(extra or {}))
        for key, value in values.items():
            setattr(target, key, value)
        target.save()
        if then is not None:
            then(target)
        holder["obj"] = target

    def undo():  # the transaction rolled back: the caller's object keeps its old values
        for key, value in old.items():
            setattr(obj, key, value)

    return apply, (undo if obj is not None else None), lambda: holder["obj"]


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
