"""The risk register: saving and removing a risk, each through ``common.commit`` with one
history event. No risk moves the forecast (``forecast=False``).

Who may: whoever may edit the plan (``can_edit_plan``: editors and administrators). A risk's
event is public only when the risk is public and its measure (if any) is public.
"""

from datetime import date

from django.utils.translation import gettext as _

from plansicht.accounts.models import Unit
from plansicht.history.models import Event
from plansicht.plan.models import CODE_LENGTH, Measure
from plansicht.risks.models import (
    MITIGATION_LENGTH,
    RISK_FIELDS,
    SCALE_MAX,
    SCALE_MIN,
    TITLE_LENGTH,
    Risk,
)

from . import Actor, ServiceError
from .common import check_date, check_line, commit, create_or_update
from .permissions import can_edit_plan, check


def _may_edit(actor: Actor, programme):
    check(actor, lambda user: can_edit_plan(user, programme))


def _scale(value, field: str, message: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not SCALE_MIN <= value <= SCALE_MAX:
        raise ServiceError(message, field=field)
    return value


def _measure(programme, measure) -> Measure | None:
    if measure is None:
        return None
    if not isinstance(measure, Measure) or measure.programme_id != programme.pk:
        raise ServiceError(_("Choose a measure of this programme, or none."), field="measure")
    return measure


def _unit(programme, unit) -> Unit | None:
    if unit is None:
        return None
    if not isinstance(unit, Unit) or unit.organisation_id != programme.organisation_id:
        raise ServiceError(
            _("Choose a unit of the programme's organisation, or none."), field="owner_unit"
        )
    return unit


def is_public(risk: Risk) -> bool:
    """Whether ``risk`` (as it is stored) and its events may be shown to the public."""
    return Risk.objects.filter(pk=risk.pk).public().exists()


def _shown(key, value):
    """A value as the history stores it: a measure by its code, a unit by its name."""
    if key == "measure":
        return value.code if value is not None else None
    if key == "owner_unit":
        return value.name if value is not None else None
    return value


def _changes(risk, new: dict) -> dict:
    if risk is None:
        return {
            key: [None, _shown(key, value)]
            for key, value in new.items()
            if value not in (None, "") and not (key == "public" and value is False)
        }
    changes = {}
    for key, value in new.items():
        old = getattr(risk, key)
        if old != value:
            changes[key] = [_shown(key, old), _shown(key, value)]
    return changes


def _event(risk, label, changes, *, public: bool) -> dict:
    return {
        "subject": risk,
        "measure": risk.measure if risk is not None else None,
        "public": public,
        "label": label,
        "changes": changes,
    }


def save_risk(
    programme,
    *,
    actor: Actor,
    code: str,
    title: str,
    likelihood,
    impact,
    measure: Measure | None = None,
    owner_unit: Unit | None = None,
    mitigation: str = "",
    status: str = Risk.OPEN,
    next_review: date | None = None,
    public: bool = False,
    reason: str = "",
    risk: Risk | None = None,
    expected_version: int | None = None,
) -> Risk:
    """Enter a risk of ``programme``, or change ``risk`` (one of its own)."""
    _may_edit(actor, programme)
    if risk is not None and risk.programme_id != programme.pk:
        raise ServiceError(_("This risk belongs to another programme."))
    if status not in dict(Risk.STATUSES):
        raise ServiceError(_("Choose open, being mitigated or closed."), field="status")
    new = {
        "code": check_line(code, "code", max_length=CODE_LENGTH),
        "title": check_line(title, "title", max_length=TITLE_LENGTH),
        "measure": _measure(programme, measure),
        "owner_unit": _unit(programme, owner_unit),
        "likelihood": _scale(
            likelihood,
            "likelihood",
            _("Enter the likelihood as a whole number from 1 (unlikely) to 4 (very likely)."),
        ),
        "impact": _scale(
            impact,
            "impact",
            _("Enter the impact as a whole number from 1 (small) to 4 (severe)."),
        ),
        "mitigation": check_line(
            mitigation, "mitigation", max_length=MITIGATION_LENGTH, required=False
        ),
        "status": status,
        "next_review": check_date(next_review, "next_review", required=False),
        "public": bool(public),
    }
    taken = Risk.objects.filter(programme=programme, code=new["code"])
    if risk is not None:
        taken = taken.exclude(pk=risk.pk)
    if taken.exists():
        raise ServiceError(
            _("The code %(code)s is taken by another risk of this programme.")
            % {"code": new["code"]},
            field="code",
        )
    changes = _changes(risk, new)
    if risk is not None and not changes:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    apply, undo, saved = create_or_update(Risk, risk, new, extra={"programme": programme})
    commit(
        programme,
        actor=actor,
        reason=reason,
        action="risk.added" if risk is None else "risk.changed",
        apply=apply,
        event=lambda: _event(saved(), str(saved()), changes, public=is_public(saved())),
        undo=undo,
        versioned=risk,
        expected_version=expected_version,
        forecast=False,
    )
    return saved()


def delete_risk(
    risk: Risk,
    *,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
) -> Event:
    """Remove a risk from the register."""
    programme = risk.programme
    _may_edit(actor, programme)
    public = is_public(risk)
    changes = {
        key: [_shown(key, getattr(risk, key)), None]
        for key in RISK_FIELDS
        if getattr(risk, key) not in (None, "")
    }
    measure = risk.measure
    label = str(risk)
    return commit(
        programme,
        actor=actor,
        reason=reason,
        action="risk.removed",
        apply=risk.delete,
        event={
            "subject": None,
            "measure": measure,
            "public": public,
            "label": label,
            "changes": changes,
        },
        versioned=risk,
        expected_version=expected_version,
        forecast=False,
    )


def replace_risks_state(programme, organisation, document: dict):
    """Make the programme's risks equal the document's ``risks``, matched by code (they keep
    their identity and history). Part of ``services.programme.load_programme``, which writes
    the one event; the measures are the document's, stored before."""
    items = document.get("risks", [])
    codes = [item["code"] for item in items]
    Risk.objects.filter(programme=programme).exclude(code__in=codes).delete()
    existing = {r.code: r for r in Risk.objects.filter(programme=programme)}
    measures = {m.code: m for m in Measure.objects.filter(programme=programme)}
    units = {}
    for item in items:
        name = item["owner_unit"]
        if name and name not in units:
            units[name], _created = Unit.objects.get_or_create(organisation=organisation, name=name)
        risk = existing.get(item["code"])
        if risk is None:
            risk = Risk(programme=programme, code=item["code"])
        else:  # a form opened before the load must not overwrite it
            risk.version += 1
        risk.title = item["title"]
        risk.measure = measures.get(item["measure"]) if item["measure"] else None
        risk.owner_unit = units.get(name) if name else None
        risk.likelihood = item["likelihood"]
        risk.impact = item["impact"]
        risk.mitigation = item["mitigation"]
        risk.status = item["status"]
        risk.next_review = item["next_review"]
        risk.public = item["public"]
        risk.save()
