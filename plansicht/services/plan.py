"""Changing the plan: one function per operation, each atomic, each writing one history event.

The shared path is :func:`_commit`: lock the programme, compute the forecast before the change,
apply it, recompute and store the forecast, refuse a later finish without a reason, and write
the event. If anything fails, the transaction rolls back and nothing is stored.
"""

from datetime import date

from django.db.models import Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plansicht.accounts.models import Unit
from plansicht.engine.schedule import DEPENDENCY_TYPES, cycle_members
from plansicht.forecast import run
from plansicht.history.models import Event
from plansicht.plan.models import (
    MILESTONE_FIELDS,
    Dependency,
    FieldOfAction,
    Measure,
    Milestone,
    PlanVersion,
    PlanVersionEntry,
    Programme,
)

from . import UNSET, Actor, ServiceError
from .common import check_date, commit, set_fields
from .permissions import can_edit_milestone, can_edit_plan, check


def _may_edit(actor: Actor, milestone: Milestone):
    """A signed-in user needs the right role; a system actor may (see ``permissions.check``)."""
    check(actor, lambda user: can_edit_milestone(user, milestone))


def _may_edit_plan(actor: Actor, programme: Programme):
    check(actor, lambda user: can_edit_plan(user, programme))


def _milestone_event(milestone, changes, **extra):
    return {
        "subject": milestone,
        "measure": milestone.measure,
        "milestone": milestone,
        "public": milestone.is_public(),
        "changes": changes,
        "forecast_of": milestone.pk,
        **extra,
    }


def commit_milestone(
    milestone: Milestone,
    changes: dict,
    *,
    actor: Actor,
    reason: str,
    action: str,
    expected_version: int | None,
    apply=None,
    undo=None,
    **options,
) -> Event:
    """A change of ``milestone``'s own fields (``changes``: {field: [old, new]}) through
    ``common.commit``, as one event about the milestone, public when it is. ``apply`` and
    ``undo`` default to setting the changed fields; ``options`` are more of ``commit``'s
    (``planned_later``, ``forecast``)."""
    if apply is None:
        apply, undo = set_fields(milestone, changes)
    return commit(
        milestone.programme,
        actor=actor,
        reason=reason,
        action=action,
        apply=apply,
        event=_milestone_event(milestone, changes),
        undo=undo,
        versioned=milestone,
        expected_version=expected_version,
        **options,
    )


def reschedule(
    milestone: Milestone,
    *,
    actor: Actor,
    reason: str = "",
    planned_start=UNSET,
    duration_days=UNSET,
    expected_finish=UNSET,
    expected_version: int | None = None,
) -> Event:
    """Change a milestone's planned start, duration or expected finish."""
    _may_edit(actor, milestone)
    new = {}
    if planned_start is not UNSET:
        check_date(planned_start, "planned_start")
        new["planned_start"] = planned_start
    if duration_days is not UNSET:
        if (
            isinstance(duration_days, bool)
            or not isinstance(duration_days, int)
            or duration_days < 0
        ):
            raise ServiceError(
                _("The duration must be a whole number of days, 0 or more."), field="duration_days"
            )
        new["duration_days"] = duration_days
    if expected_finish is not UNSET:
        check_date(expected_finish, "expected_finish", required=False)
        new["expected_finish"] = expected_finish
    changes = {k: [getattr(milestone, k), v] for k, v in new.items() if getattr(milestone, k) != v}
    if not changes:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    old_target = _own_finish(
        milestone.planned_start, milestone.duration_days, milestone.expected_finish
    )
    new_target = _own_finish(
        new.get("planned_start", milestone.planned_start),
        new.get("duration_days", milestone.duration_days),
        new.get("expected_finish", milestone.expected_finish),
    )
    return commit_milestone(
        milestone,
        changes,
        actor=actor,
        reason=reason,
        action="milestone.rescheduled",
        expected_version=expected_version,
        planned_later=new_target > old_target,
    )


def _own_finish(planned_start, duration_days, expected_finish) -> int:
    """The finish a milestone plans for itself, before dependencies and actual dates, as an
    ordinal: a huge duration must reach the forecast's clear refusal, not overflow here."""
    finish = planned_start.toordinal() + duration_days
    return max(finish, expected_finish.toordinal()) if expected_finish else finish


def record_actual(
    milestone: Milestone,
    *,
    actor: Actor,
    reason: str = "",
    actual_start=UNSET,
    actual_finish=UNSET,
    expected_version: int | None = None,
) -> Event:
    """Record (or correct, or clear with None) a milestone's actual start or finish."""
    _may_edit(actor, milestone)
    today = run.today()
    start = milestone.actual_start if actual_start is UNSET else actual_start
    finish = milestone.actual_finish if actual_finish is UNSET else actual_finish
    for field, value in (("actual_start", start), ("actual_finish", finish)):
        check_date(value, field, required=False)
        if value is not None and value > today:
            raise ServiceError(
                _(
                    "{date} lies in the future. Record an actual date once it has happened; "
                    "for a date you expect, set the expected finish."
                ).format(date=date_format(value, "SHORT_DATE_FORMAT")),
                field=field,
            )
    if finish is not None and start is None:
        raise ServiceError(
            _("An actual finish needs an actual start. Enter the start first."),
            field="actual_finish",
        )
    if finish is not None and finish < start:
        raise ServiceError(
            _("The actual finish ({finish}) is before the actual start ({start}).").format(
                finish=date_format(finish, "SHORT_DATE_FORMAT"),
                start=date_format(start, "SHORT_DATE_FORMAT"),
            ),
            field="actual_finish",
        )
    accepted = milestone.accepted_on
    if accepted is not None and (finish is None or finish > accepted):
        raise ServiceError(
            _(
                "The funder accepted this milestone on {accepted}: its actual finish can be "
                "neither cleared nor later than that. Correct the funder's acceptance first."
            ).format(accepted=date_format(accepted, "SHORT_DATE_FORMAT")),
            field="actual_finish",
        )
    new = {"actual_start": start, "actual_finish": finish}
    if finish is not None and milestone.actual_finish is None:
        new["progress"] = 100  # a finished milestone is complete
    changes = {k: [getattr(milestone, k), v] for k, v in new.items() if getattr(milestone, k) != v}
    if not changes:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    action = (
        "milestone.finished"
        if "actual_finish" in changes and finish
        else (
            "milestone.started"
            if "actual_start" in changes and start
            else "milestone.actuals_corrected"
        )
    )
    return commit_milestone(
        milestone,
        changes,
        actor=actor,
        reason=reason,
        action=action,
        expected_version=expected_version,
    )


def set_progress(
    milestone: Milestone,
    progress: int,
    *,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
) -> Event:
    _may_edit(actor, milestone)
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ServiceError(_("Progress is a whole number from 0 to 100."), field="progress")
    if progress == milestone.progress:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    changes = {"progress": [milestone.progress, progress]}
    return commit_milestone(
        milestone,
        changes,
        actor=actor,
        reason=reason,
        action="milestone.progress",
        expected_version=expected_version,
    )


def add_dependency(
    predecessor: Milestone,
    successor: Milestone,
    *,
    actor: Actor,
    type: str = Dependency.FS,
    lag_days: int = 0,
    reason: str = "",
) -> Event:
    """Make ``successor`` wait for ``predecessor``; a dependency that closes a cycle is refused."""
    _may_edit_plan(actor, successor.programme)
    if predecessor.programme_id != successor.programme_id:
        raise ServiceError(_("Both milestones must belong to the same programme."))
    if type not in DEPENDENCY_TYPES:
        raise ServiceError(
            _("The type must be FS (finish to start) or SS (start to start)."), field="type"
        )
    if isinstance(lag_days, bool) or not isinstance(lag_days, int):
        raise ServiceError(_("The lag must be a whole number of days."), field="lag_days")
    if Dependency.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise ServiceError(
            _("{successor} already depends on {predecessor}.").format(
                successor=successor.code, predecessor=predecessor.code
            )
        )
    programme = predecessor.programme
    pairs = list(
        Dependency.objects.filter(programme=programme).values_list(
            "predecessor__code", "successor__code"
        )
    )
    pairs.append((predecessor.code, successor.code))
    codes = Milestone.objects.filter(programme=programme).values_list("code", flat=True)
    on_cycle = cycle_members(codes, pairs)
    if on_cycle:
        raise ServiceError(
            _(
                "This dependency would close a cycle through {codes}: a milestone cannot wait for "
                "itself."
            ).format(codes=", ".join(on_cycle)),
            field="predecessor",
        )

    def apply():
        Dependency.objects.create(
            programme=programme,
            predecessor=predecessor,
            successor=successor,
            type=type,
            lag_days=lag_days,
        )

    return commit(
        programme,
        actor=actor,
        reason=reason,
        action="dependency.added",
        apply=apply,
        event=_dependency_event(
            predecessor,
            successor,
            {
                "predecessor": [None, predecessor.code],
                "type": [None, type],
                "lag_days": [None, lag_days],
            },
        ),
    )


def remove_dependency(dependency: Dependency, *, actor: Actor, reason: str = "") -> Event:
    _may_edit_plan(actor, dependency.programme)
    predecessor, successor = dependency.predecessor, dependency.successor
    changes = {
        "predecessor": [predecessor.code, None],
        "type": [dependency.type, None],
        "lag_days": [dependency.lag_days, None],
    }
    return commit(
        dependency.programme,
        actor=actor,
        reason=reason,
        action="dependency.removed",
        apply=dependency.delete,
        event=_dependency_event(predecessor, successor, changes),
    )


def _dependency_event(predecessor, successor, changes):
    event = _milestone_event(successor, changes)
    event["public"] = event["public"] and predecessor.is_public()
    return event


def freeze_plan_version(
    programme: Programme,
    *,
    actor: Actor,
    label: str,
    approved_on: date,
    decision_ref: str,
    reason: str = "",
    change_request=None,
) -> Event:
    """Freeze the forecast start and finish of every published milestone as a new plan version.
    ``change_request``: the programme's change request (``reports.ChangeRequest``) the version
    rests on, or None."""
    _may_edit_plan(actor, programme)
    if change_request is not None and change_request.programme_id != programme.pk:
        raise ServiceError(
            _("Choose a change request of this programme, or none."), field="change_request"
        )
    label, decision_ref = (label or "").strip(), (decision_ref or "").strip()
    if not label:
        raise ServiceError(
            _("Give the plan version a label, e.g. “Änderungsplan 2026”."), field="label"
        )
    if not decision_ref:
        raise ServiceError(
            _(
                "Give the decision this version rests on, e.g. the council resolution or the "
                "funder's notice."
            ),
            field="decision_ref",
        )
    check_date(approved_on, "approved_on")
    number = (
        PlanVersion.objects.filter(programme=programme).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    holder = {}

    def apply():
        frozen = run.compute(programme)
        version = PlanVersion.objects.create(
            programme=programme,
            number=number,
            label=label,
            approved_on=approved_on,
            decision_ref=decision_ref,
            change_request=change_request,
        )
        PlanVersionEntry.objects.bulk_create(
            (
                PlanVersionEntry(version=version, milestone_id=key, start=r.start, finish=r.finish)
                for key, r in frozen.forecast.milestones.items()
            ),
            batch_size=run.BATCH,
        )
        holder["version"] = version

    def event():  # the version exists once apply() has run
        changes = {
            "number": [None, number],
            "approved_on": [None, approved_on],
            "decision_ref": [None, decision_ref],
        }
        if change_request is not None:
            changes["change_request"] = [None, change_request.code]
        return {
            "subject": holder["version"],
            "public": True,
            "label": f"{number}: {label}",
            "changes": changes,
        }

    return commit(
        programme,
        actor=actor,
        reason=reason,
        action="plan_version.frozen",
        apply=apply,
        event=event,
    )


def replace_plan_state(programme, organisation, document) -> dict:
    """Make the programme's plan equal the document's; returns {what: [before, after]} counts.
    Part of ``services.programme.load_programme``, which writes the one event."""
    before = {
        "measures": Measure.objects.filter(programme=programme).public().count(),
        "milestones": Milestone.objects.filter(programme=programme).public().count(),
    }
    fields = _upsert(
        FieldOfAction,
        programme,
        document["fields_of_action"],
        lambda f, item: setattr(f, "title", item["title"]),
    )

    units = {}
    for item in document["measures"]:
        name = item["lead_unit"]
        if name and name not in units:
            units[name], _c = Unit.objects.get_or_create(organisation=organisation, name=name)

    def set_measure(m, item):
        m.title = item["title"]
        m.field_of_action = fields[item["field_of_action"]]
        m.lead_unit = units.get(item["lead_unit"])
        m.description = item["description"]
        m.draft = item["draft"]
        m.internal_note = item["internal_note"]
        m.parent = None  # set below, once every measure exists

    # Parents are set once every measure exists; clearing them first also lets removed
    # measures go without tripping over children that move elsewhere.
    Measure.objects.filter(programme=programme).update(parent=None)
    measures = _upsert(Measure, programme, document["measures"], set_measure)
    with_parent = [measures[item["code"]] for item in document["measures"] if item["parent"]]
    for measure, item in zip(
        with_parent, [i for i in document["measures"] if i["parent"]], strict=True
    ):
        measure.parent = measures[item["parent"]]
    Measure.objects.bulk_update(with_parent, ["parent"], batch_size=run.BATCH)

    def set_milestone(m, item):
        m.measure = measures[item["measure"]]
        for key in MILESTONE_FIELDS:
            setattr(m, key, item[key])
        if m.accepted_on is None:  # the office's copy of an acceptance the document lacks
            m.acceptance_document = ""

    milestones = _upsert(Milestone, programme, document["milestones"], set_milestone)

    # What the document lacks goes now that everything kept has moved to its new place.
    Milestone.objects.filter(programme=programme).exclude(code__in=list(milestones)).delete()
    Measure.objects.filter(programme=programme).exclude(code__in=list(measures)).delete()
    FieldOfAction.objects.filter(programme=programme).exclude(code__in=list(fields)).delete()

    Dependency.objects.filter(programme=programme).delete()
    Dependency.objects.bulk_create(
        (
            Dependency(
                programme=programme,
                predecessor=milestones[d["predecessor"]],
                successor=milestones[d["successor"]],
                type=d["type"],
                lag_days=d["lag_days"],
            )
            for d in document["dependencies"]
        ),
        batch_size=run.BATCH,
    )
    PlanVersion.objects.filter(programme=programme).delete()
    for v in document["plan_versions"]:
        version = PlanVersion.objects.create(
            programme=programme,
            number=v["number"],
            label=v["label"],
            approved_on=v["approved_on"],
            decision_ref=v["decision_ref"],
        )
        PlanVersionEntry.objects.bulk_create(
            (
                PlanVersionEntry(
                    version=version,
                    milestone=milestones[e["code"]],
                    start=e["start"],
                    finish=e["finish"],
                )
                for e in v["milestones"]
            ),
            batch_size=run.BATCH,
        )
    after = {
        "measures": Measure.objects.filter(programme=programme).public().count(),
        "milestones": Milestone.objects.filter(programme=programme).public().count(),
    }
    return {key: [before[key], after[key]] for key in before if before[key] != after[key]}


def _upsert(model, programme, items, assign) -> dict:
    """Create or update the rows of ``model`` named by the items' codes; returns {code: row}."""
    existing = {obj.code: obj for obj in model.objects.filter(programme=programme)}
    result, new, changed = {}, [], []
    for item in items:
        obj = existing.get(item["code"])
        if obj is None:
            obj = model(programme=programme, code=item["code"])
            new.append(obj)
        else:
            changed.append(obj)
            if hasattr(obj, "version"):  # a form opened before the load must not overwrite it
                obj.version += 1
        assign(obj, item)
        result[item["code"]] = obj
    if changed:
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if not f.primary_key and f.name not in ("programme", "code")
        ]
        model.objects.bulk_update(changed, fields, batch_size=run.BATCH)
    model.objects.bulk_create(new, batch_size=run.BATCH)
    return result
