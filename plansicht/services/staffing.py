"""Changing posts and their hiring: one function per operation, each through ``common.commit``
(one transaction, one history event, forecast recomputed). HR officers and administrators may
change positions; they may not change the plan or the money."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plansicht.accounts.models import Unit
from plansicht.engine.hiring import STEPS
from plansicht.forecast import run
from plansicht.funding.models import Grant
from plansicht.plan.models import Milestone
from plansicht.staffing.models import POSITION_FIELDS, STEP_CHOICES, HiringStep, Position

from . import Actor, ServiceError
from .common import check_date, commit
from .permissions import can_edit_positions, check


def _may_edit_positions(actor: Actor, programme):
    check(actor, lambda user: can_edit_positions(user, programme))


def _public(changes: dict, was_public: bool, is_public: bool) -> dict:
    """A holder's name reaches the public history only where it was or is entered as public:
    the old name only if it was public, the new one only if it is."""
    for key in ("holder", "contract_end"):  # the contract end belongs to the person too
        if key in changes:
            old, new = changes[key]
            changes = {**changes, key: [old if was_public else "…", new if is_public else "…"]}
    return changes


def record_step(position: Position, step: str, on: date, *, actor: Actor, reason="") -> HiringStep:
    """Enter a hiring step with its date (a holder leaving is a step back to planned or
    advertised). A step dated later than today is refused: record it when it happens."""
    programme = position.programme
    _may_edit_positions(actor, programme)
    if step not in STEPS:
        raise ServiceError(_("Choose a hiring step."), field="step")
    check_date(on, "on")
    from plansicht.forecast.run import today

    if on > today():
        raise ServiceError(
            _(
                "This date lies in the future. Enter a step once it has happened; "
                "for a date you expect, set the expected fill date."
            ),
            field="on",
        )
    if HiringStep.objects.filter(position=position, step=step, on=on).exists():
        raise ServiceError(
            _(
                "The step “%(step)s” on %(date)s is already entered for this post. "
                "Enter each step once per date."
            )
            % {"step": dict(STEP_CHOICES)[step], "date": date_format(on, "SHORT_DATE_FORMAT")},
            field="step",
        )
    holder = {}

    def apply():
        holder["step"] = HiringStep.objects.create(position=position, step=step, on=on)

    commit(
        programme,
        actor=actor,
        reason=reason,
        action="position.step",
        apply=apply,
        event=lambda: {
            "subject": position,
            "public": True,
            "label": position.code,
            "changes": {"step": [None, step], "on": [None, on]},
        },
    )
    return holder["step"]


def save_position(
    position: Position, *, actor: Actor, reason="", expected_version=None, **fields
) -> Position:
    """Change a post's details: title, unit, FTE, pay grade, grant, stand-in, the date it is
    needed from, expected fill date, holder (and whether the name is public), contract end."""
    programme = position.programme
    _may_edit_positions(actor, programme)
    unknown = set(fields) - set(POSITION_FIELDS)
    if unknown:
        raise ServiceError(_("These cannot be changed here: %(f)s") % {"f": ", ".join(unknown)})
    if "cover" in fields and fields["cover"] not in dict(Position.COVERS):
        raise ServiceError(_("Choose who stands in: nobody, honorary or interim."), field="cover")
    if "fte" in fields:
        try:
            fte = Decimal(str(fields["fte"]))
        except InvalidOperation:
            raise ServiceError(
                _("Enter the full-time equivalent, e.g. 1 or 0.5."), field="fte"
            ) from None
        if not Decimal(0) < fte <= Decimal(10):
            raise ServiceError(_("Enter the full-time equivalent, e.g. 1 or 0.5."), field="fte")
        fields["fte"] = fte
    for key in ("expected_fill", "contract_end"):
        check_date(fields.get(key), key, required=False)
    if fields.get("unit") is not None and fields["unit"].organisation_id != (
        programme.organisation_id
    ):
        raise ServiceError(_("Choose a unit of this organisation."), field="unit")
    if fields.get("grant") is not None and fields["grant"].programme_id != programme.pk:
        raise ServiceError(_("Choose a grant of this programme."), field="grant")
    was_public = position.holder_public
    is_public = fields.get("holder_public", was_public)
    changes = {k: [getattr(position, k), v] for k, v in fields.items() if getattr(position, k) != v}
    if not changes:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    old = {k: getattr(position, k) for k in fields}

    def apply():
        for key, value in fields.items():
            setattr(position, key, value)
        position.save()

    def undo():
        for key, value in old.items():
            setattr(position, key, value)

    plain = {k: [_plain(a), _plain(b)] for k, (a, b) in changes.items()}
    commit(
        programme,
        actor=actor,
        reason=reason,
        action="position.changed",
        apply=apply,
        undo=undo,
        versioned=position,
        expected_version=expected_version,
        forecast=run.moves_forecast(Position, changes),
        event=lambda: {
            "subject": position,
            "public": True,
            "label": position.code,
            "changes": _public(plain, was_public, is_public),
        },
    )
    return position


def _plain(value):
    if isinstance(value, Unit | Grant):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def replace_staffing_state(programme, organisation, document: dict):
    """Make the programme's posts equal the document's, matched by code; steps rewritten.
    Part of ``services.programme.load_programme``, which writes the one event."""
    items = document.get("positions", [])
    Position.objects.filter(programme=programme).exclude(
        code__in=[p["code"] for p in items]
    ).delete()
    grants = {g.code: g for g in Grant.objects.filter(programme=programme)}
    milestones = dict(Milestone.objects.filter(programme=programme).values_list("code", "pk"))
    existing = {p.code: p for p in Position.objects.filter(programme=programme)}
    waiting: dict[str, list[int]] = {}
    for code, position_codes in document.get("requires_positions", {}).items():
        for position_code in position_codes:
            waiting.setdefault(position_code, []).append(milestones[code])
    for item in items:
        position = existing.get(item["code"])
        if position is None:
            position = Position(programme=programme, code=item["code"])
        else:  # a form opened before the load must not overwrite it
            position.version += 1
        for key in POSITION_FIELDS:  # the unit, the grant and the FTE need looking up
            if key not in ("unit", "grant", "fte"):
                setattr(position, key, item[key])
        position.unit = (
            Unit.objects.get_or_create(organisation=organisation, name=item["unit"])[0]
            if item["unit"]
            else None
        )
        position.fte = item["fte"] if item["fte"] is not None else Decimal("1.00")
        position.grant = grants.get(item["grant"]) if item["grant"] else None
        position.save()
        position.steps.all().delete()
        HiringStep.objects.bulk_create(
            HiringStep(position=position, step=s["step"], on=s["on"]) for s in item["steps"]
        )
        position.required_by.set(waiting.get(position.code, []))


def save_hiring_settings(
    programme,
    *,
    actor: Actor,
    hiring_days: dict,
    onboarding_days: int,
    alert_days: dict,
    reason="",
    expected_version=None,
) -> None:
    """Change the typical days per hiring step, the onboarding days and the alert thresholds.
    Longer steps move fill dates and milestones later, which needs a reason."""
    from plansicht.staffing.models import ALERT_FIELDS

    _may_edit_positions(actor, programme)
    values = {f"hiring_days.{k}": v for k, v in hiring_days.items()}
    values["onboarding_days"] = onboarding_days
    values.update({f"alert_days.{k}": v for k, v in alert_days.items()})
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3650:
            raise ServiceError(_("Enter a whole number of days from 0 to 3650."), field=key)
    unknown = (set(hiring_days) - set(STEPS[:-1])) | (set(alert_days) - set(ALERT_FIELDS))
    if unknown:
        raise ServiceError(_("Unknown setting: %(names)s") % {"names": ", ".join(sorted(unknown))})
    old = {f"hiring_days.{k}": programme.hiring_days.get(k) for k in hiring_days}
    old["onboarding_days"] = programme.onboarding_days
    old.update({f"alert_days.{k}": getattr(programme, ALERT_FIELDS[k]) for k in alert_days})
    changes = {k: [old[k], v] for k, v in values.items() if old[k] != v}
    if not changes:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    saved = (
        dict(programme.hiring_days),
        programme.onboarding_days,
        {f: getattr(programme, f) for f in ALERT_FIELDS.values()},
    )

    def apply():
        programme.hiring_days = {**programme.hiring_days, **hiring_days}
        programme.onboarding_days = onboarding_days
        for key, value in alert_days.items():
            setattr(programme, ALERT_FIELDS[key], value)
        programme.save()

    def undo():
        programme.hiring_days, programme.onboarding_days = saved[0], saved[1]
        for field, value in saved[2].items():
            setattr(programme, field, value)

    commit(
        programme,
        actor=actor,
        reason=reason,
        action="programme.hiring_settings",
        apply=apply,
        undo=undo,
        versioned=programme,
        expected_version=expected_version,
        event={"subject": programme, "public": True, "label": programme.title, "changes": changes},
    )
