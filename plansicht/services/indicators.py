"""Changing a measure's indicators and their actual values: one function per operation, each
through ``common.commit`` with one history event. Editors of the unit responsible for the
measure (and the programme's editors and administrators) may make them.

Values are decimals kept as written (``plansicht.engine.indicators``): ``"70"``,
``"12.50"``. No indicator moves the forecast (``forecast=False``). An event about an
indicator belongs to its measure and is public when the measure is.
"""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plansicht import clock
from plansicht.engine import indicators as rules
from plansicht.history.models import Event
from plansicht.indicators.models import (
    INDICATOR_FIELDS,
    NOTE_LENGTH,
    TITLE_LENGTH,
    UNIT_LENGTH,
    VALUE_FIELDS,
    Indicator,
    IndicatorValue,
)
from plansicht.plan.models import CODE_LENGTH, Measure

from . import Actor, ReasonRequired, ServiceError
from .common import check_date, check_line, commit, create_or_update
from .permissions import can_edit_measure, check


def _may_edit(actor: Actor, measure: Measure):
    check(actor, lambda user: can_edit_measure(user, measure))


def value_message() -> str:
    return _(
        "Enter a number such as 70 or 12.5: a point before at most four decimal places, "
        "no thousands separator."
    )


def _value(value, field) -> str:
    """A value as written; an int is written as digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ServiceError(_("Enter a number such as 70 or 12.5."), field=field)
    if not rules.is_value(text):
        raise ServiceError(value_message(), field=field)
    return text


def _event(measure, subject, label, changes) -> dict:
    return {
        "subject": subject,
        "measure": measure,
        "public": Measure.objects.filter(pk=measure.pk).public().exists(),
        "label": label,
        "changes": changes,
    }


def _label(indicator) -> str:
    return f"{indicator.code} {indicator.title}"


def _changes(obj, new: dict) -> dict:
    if obj is None:
        return {key: [None, value] for key, value in new.items() if value not in (None, "")}
    return {
        key: [getattr(obj, key), value] for key, value in new.items() if getattr(obj, key) != value
    }


# -- indicators -------------------------------------------------------------------------------


def save_indicator(
    measure: Measure,
    *,
    actor: Actor,
    code: str,
    title: str,
    unit: str,
    baseline_value,
    baseline_on: date,
    target_value,
    target_on: date,
    reason: str = "",
    indicator: Indicator | None = None,
    expected_version: int | None = None,
) -> Indicator:
    """Add an indicator to ``measure``, or change ``indicator`` (one of its own)."""
    _may_edit(actor, measure)
    if indicator is not None and indicator.measure_id != measure.pk:
        raise ServiceError(_("This indicator belongs to another measure."))
    new = {
        "code": check_line(code, "code", max_length=CODE_LENGTH),
        "title": check_line(title, "title", max_length=TITLE_LENGTH),
        "unit": check_line(unit, "unit", max_length=UNIT_LENGTH),
        "baseline_value": _value(baseline_value, "baseline_value"),
        "baseline_on": check_date(baseline_on, "baseline_on"),
        "target_value": _value(target_value, "target_value"),
        "target_on": check_date(target_on, "target_on"),
    }
    if new["target_on"] < new["baseline_on"]:
        raise ServiceError(
            _("The target date ({target}) is before the baseline date ({baseline}).").format(
                target=date_format(new["target_on"], "SHORT_DATE_FORMAT"),
                baseline=date_format(new["baseline_on"], "SHORT_DATE_FORMAT"),
            ),
            field="target_on",
        )
    taken = Indicator.objects.filter(measure=measure, code=new["code"])
    if indicator is not None:
        taken = taken.exclude(pk=indicator.pk)
    if taken.exists():
        raise ServiceError(
            _("The code %(code)s is taken by another indicator of this measure.")
            % {"code": new["code"]},
            field="code",
        )
    changes = _changes(indicator, new)
    if indicator is not None and not changes:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    apply, undo, saved = create_or_update(Indicator, indicator, new, extra={"measure": measure})
    commit(
        measure.programme,
        actor=actor,
        reason=reason,
        action="indicator.added" if indicator is None else "indicator.changed",
        apply=apply,
        event=lambda: _event(measure, saved(), _label(saved()), changes),
        undo=undo,
        versioned=indicator,
        expected_version=expected_version,
        forecast=False,
    )
    return saved()


def delete_indicator(
    indicator: Indicator,
    *,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
) -> Event:
    """Remove an indicator with its values; with recorded values only with a reason."""
    measure = indicator.measure
    _may_edit(actor, measure)
    if indicator.values.exists() and not (reason or "").strip():
        raise ReasonRequired(
            _("This indicator has recorded values, which go with it. Please give a reason."),
            field="reason",
        )
    changes = {key: [getattr(indicator, key), None] for key in INDICATOR_FIELDS}
    return commit(
        measure.programme,
        actor=actor,
        reason=reason,
        action="indicator.removed",
        apply=indicator.delete,
        event=_event(measure, None, _label(indicator), changes),
        versioned=indicator,
        expected_version=expected_version,
        forecast=False,
    )


# -- actual values ----------------------------------------------------------------------------


def save_indicator_value(
    indicator: Indicator,
    *,
    actor: Actor,
    on: date,
    value,
    note: str = "",
    reason: str = "",
    indicator_value: IndicatorValue | None = None,
    expected_version: int | None = None,
) -> IndicatorValue:
    """Record an actual value of ``indicator`` measured on ``on``, or correct
    ``indicator_value`` (one of its own). A value is recorded once measured: not in the
    future."""
    measure = indicator.measure
    _may_edit(actor, measure)
    if indicator_value is not None and indicator_value.indicator_id != indicator.pk:
        raise ServiceError(_("This value belongs to another indicator."))
    new = {
        "on": check_date(on, "on"),
        "value": _value(value, "value"),
        "note": check_line(note, "note", max_length=NOTE_LENGTH, required=False),
    }
    if new["on"] > clock.today():
        raise ServiceError(
            _("{date} lies in the future. Record a value once it has been measured.").format(
                date=date_format(new["on"], "SHORT_DATE_FORMAT")
            ),
            field="on",
        )
    changes = _changes(indicator_value, new)
    if indicator_value is not None and not changes:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    apply, undo, saved = create_or_update(
        IndicatorValue, indicator_value, new, extra={"indicator": indicator}
    )
    commit(
        measure.programme,
        actor=actor,
        reason=reason,
        action=(
            "indicator_value.recorded" if indicator_value is None else "indicator_value.corrected"
        ),
        apply=apply,
        event=lambda: _event(measure, saved(), _label(indicator), changes),
        undo=undo,
        versioned=indicator_value,
        expected_version=expected_version,
        forecast=False,
    )
    return saved()


def delete_indicator_value(
    indicator_value: IndicatorValue,
    *,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
) -> Event:
    indicator = indicator_value.indicator
    measure = indicator.measure
    _may_edit(actor, measure)
    changes = {
        key: [getattr(indicator_value, key), None]
        for key in VALUE_FIELDS
        if getattr(indicator_value, key) not in (None, "")
    }
    return commit(
        measure.programme,
        actor=actor,
        reason=reason,
        action="indicator_value.removed",
        apply=indicator_value.delete,
        event=_event(measure, None, _label(indicator), changes),
        versioned=indicator_value,
        expected_version=expected_version,
        forecast=False,
    )


# -- loading a document -----------------------------------------------------------------------


def replace_indicator_state(programme, document: dict):
    """Make the measures' indicators equal the document's. Indicators keep their identity by
    (measure, code); their values, which have no codes, are rewritten in the document's order.
    Part of ``services.programme.load_programme``, which writes the one event."""
    measures = dict(Measure.objects.filter(programme=programme).values_list("code", "pk"))
    existing = {
        (i.measure_id, i.code): i for i in Indicator.objects.filter(measure__programme=programme)
    }
    IndicatorValue.objects.filter(indicator__measure__programme=programme).delete()
    kept, values = set(), []
    for m in document["measures"]:
        for item in m["indicators"]:
            key = (measures[m["code"]], item["code"])
            indicator = existing.get(key)
            if indicator is None:
                indicator = Indicator(measure_id=key[0], code=item["code"])
            else:  # a form opened before the load must not overwrite it
                indicator.version += 1
            for field in INDICATOR_FIELDS[1:]:
                setattr(indicator, field, item[field])
            indicator.save()
            kept.add(indicator.pk)
            values += [IndicatorValue(indicator=indicator, **a) for a in item["actuals"]]
    Indicator.objects.filter(measure__programme=programme).exclude(pk__in=kept).delete()
    IndicatorValue.objects.bulk_create(values, batch_size=500)
