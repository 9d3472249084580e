"""Council decisions and their assignments: one function per operation, each through
``common.commit`` with one public history event. None of them can move the forecast (it reads
no decision): ``forecast=False``.

Who may: whoever may edit the plan (``can_edit_plan``: editors and administrators). A
decision is taken by a body of the kind council or committee, of the programme's
organisation; its links and an assignment's milestone or post belong to the programme.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plansicht import clock
from plansicht.decisions.models import (
    DECIDING_KINDS,
    MAX_PLAN_VERSION,
    MAX_VOTES,
    TEXT_LENGTH,
    URL_LENGTH,
    Assignment,
    Decision,
)
from plansicht.engine import assignments as rules
from plansicht.funding.models import Grant
from plansicht.participation.models import Body
from plansicht.plan.models import CODE_LENGTH, Measure, Milestone, PlanVersion
from plansicht.reports.models import ChangeRequest
from plansicht.staffing.models import STEP_CHOICES, Position

from . import Actor, ServiceError
from .common import check_date, check_line, check_text, commit, create_or_update
from .permissions import can_edit_plan, check

WITHHELD = "…"  # a draft's code in a public event (as the history shows a private holder)
VOTES = ("votes_yes", "votes_no", "votes_abstain")
LINKS = ("plan_versions", "positions", "measures", "grants")
LABELS = {"text": gettext_lazy("Text of the decision")}


def _may_edit(actor: Actor, programme):
    check(actor, lambda user: can_edit_plan(user, programme))


def _short(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _not_in_future(value, field, message):
    if value is not None and value > clock.today():
        raise ServiceError(message, field=field)


def deciding_body_problem(body) -> str | None:
    """Why ``body`` cannot have taken a council decision, or None if it can."""
    if body.kind in DECIDING_KINDS:
        return None
    return _(
        "“%(name)s” is a body of the kind “%(kind)s”. Council decisions are taken by the "
        "council or one of its committees: choose a body of the kind council or committee."
    ) % {"name": body.name, "kind": body.kind}


def _body(programme, body) -> Body:
    if not isinstance(body, Body) or body.organisation_id != programme.organisation_id:
        raise ServiceError(_("Choose the council or the committee that decided."), field="body")
    problem = deciding_body_problem(body)
    if problem:
        raise ServiceError(problem, field="body")
    return body


def _votes(values: dict) -> dict:
    """All three counts or none, each a whole number from 0."""
    given = [values.get(key) for key in VOTES]
    if all(v is None for v in given):
        return dict.fromkeys(VOTES)
    for key, value in zip(VOTES, given, strict=True):
        if value is None:
            raise ServiceError(
                _("Enter all three counts of the vote (for, against, abstentions), or none."),
                field=key,
            )
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_VOTES:
            raise ServiceError(
                _("Enter a whole number from 0 to %(n)d.") % {"n": MAX_VOTES}, field=key
            )
    return dict(zip(VOTES, given, strict=True))


def _url(value) -> str:
    value = check_line(value, "url", required=False, max_length=URL_LENGTH)
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ServiceError(
                _("Enter a web address starting with https:// or http://."), field="url"
            ) from None
    return value


def _text(value) -> str:
    return check_text(value, "text", LABELS["text"], limit=TEXT_LENGTH, required=False)


def _of_programme(programme, items, model, field) -> list:
    items = list(items or ())
    for item in items:
        if not isinstance(item, model) or item.programme_id != programme.pk:
            raise ServiceError(_("Choose only items of this programme."), field=field)
    return items


def _public_measure_codes(measures) -> list[str]:
    """The measures' codes as a public event names them: a draft's (at any depth) withheld."""
    public = set(
        Measure.objects.filter(pk__in=[m.pk for m in measures])
        .public()
        .values_list("pk", flat=True)
    )
    return sorted(m.code if m.pk in public else WITHHELD for m in measures)


def _link_values(links: dict) -> dict:
    """The links as the event keeps them: plan version numbers, codes (drafts withheld)."""
    return {
        "plan_versions": sorted(v.number for v in links["plan_versions"]),
        "positions": sorted(p.code for p in links["positions"]),
        "measures": _public_measure_codes(links["measures"]),
        "grants": sorted(g.code for g in links["grants"]),
    }


def _current_links(decision) -> dict:
    return {
        "plan_versions": list(decision.plan_versions.all()),
        "positions": list(decision.positions.all()),
        "measures": list(decision.measures.all()),
        "grants": list(decision.grants.all()),
    }


def save_decision(
    programme,
    *,
    actor: Actor,
    number: str,
    body: Body,
    date: date,
    title: str,
    result: str,
    text: str = "",
    url: str = "",
    votes_yes: int | None = None,
    votes_no: int | None = None,
    votes_abstain: int | None = None,
    plan_versions=(),
    positions=(),
    measures=(),
    grants=(),
    change_request: ChangeRequest | None = None,
    decision: Decision | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Decision:
    """Enter a decision of the council or a committee (``decision`` None) or change one:
    its number, body, date, title, result, text and link, the vote, the plan versions,
    posts, measures and grants it is about, and the change request to the funder it is
    about (or None)."""
    _may_edit(actor, programme)
    if decision is not None and decision.programme_id != programme.pk:
        raise ServiceError(_("This decision belongs to another programme."))
    number = check_line(number, "number", max_length=CODE_LENGTH)
    others = Decision.objects.filter(programme=programme, number=number)
    if decision is not None:
        others = others.exclude(pk=decision.pk)
    if others.exists():
        raise ServiceError(
            _("A decision with the number %(number)s is entered already.") % {"number": number},
            field="number",
        )
    values = {
        "number": number,
        "body": _body(programme, body),
        "date": check_date(date, "date"),
        "title": check_line(title, "title"),
        "result": result,
        "text": _text(text),
        "url": _url(url),
        **_votes({"votes_yes": votes_yes, "votes_no": votes_no, "votes_abstain": votes_abstain}),
        "change_request": _change_request(programme, change_request),
    }
    _not_in_future(
        values["date"], "date", _("The date lies in the future. Enter a decision once taken.")
    )
    if result not in dict(Decision.RESULTS):
        raise ServiceError(_("Choose the result of the decision."), field="result")
    links = {
        "plan_versions": _of_programme(programme, plan_versions, PlanVersion, "plan_versions"),
        "positions": _of_programme(programme, positions, Position, "positions"),
        "measures": _of_programme(programme, measures, Measure, "measures"),
        "grants": _of_programme(programme, grants, Grant, "grants"),
    }
    if decision is not None:
        late = decision.assignments.filter(due__lt=values["date"]).order_by("due").first()
        if late is not None:
            raise ServiceError(
                _(
                    "Assignment %(code)s is due on %(due)s, before this date. Change its due "
                    "date first."
                )
                % {"code": late.code, "due": _short(late.due)},
                field="date",
            )
    changes = {}
    for key, value in values.items():
        old = getattr(decision, key) if decision is not None else None
        if old != value:
            changes[key] = [_plain(old), _plain(value)]
    old_links = _link_values(_current_links(decision)) if decision is not None else None
    new_links = _link_values(links)
    for key in LINKS:
        old = old_links[key] if old_links is not None else []
        if old != new_links[key]:
            changes[key] = [old, new_links[key]]
    if decision is not None and not changes:
        raise ServiceError(_("Nothing to change: the values are the same as before."))

    def set_links(target):
        for key, items in links.items():
            getattr(target, key).set(items)

    apply, undo, saved = create_or_update(
        Decision, decision, values, extra={"programme": programme}, then=set_links
    )
    commit(
        programme,
        actor=actor,
        reason=reason,
        action="decision.changed" if decision is not None else "decision.added",
        apply=apply,
        undo=undo,
        event=lambda: {
            "subject": saved(),
            "public": True,
            "label": saved().number,
            "changes": changes,
        },
        versioned=decision,
        expected_version=expected_version,
        forecast=False,
    )
    return saved()


def delete_decision(
    decision: Decision, *, actor: Actor, reason: str = "", expected_version=None
) -> None:
    """Remove a decision entered by mistake, with its assignments. The event keeps its body
    and date as well, so that the OParl interface can mark its meeting as gone too."""
    programme = decision.programme
    _may_edit(actor, programme)
    changes = {
        "number": [decision.number, None],
        "title": [decision.title, None],
        "body": [_plain(decision.body), None],
        "date": [decision.date, None],
    }
    commit(
        programme,
        actor=actor,
        reason=reason,
        action="decision.removed",
        apply=decision.delete,
        event={"subject": None, "public": True, "label": decision.number, "changes": changes},
        versioned=decision,
        expected_version=expected_version,
        forecast=False,
    )


# -- assignments --------------------------------------------------------------------------------


def _condition(programme, kind, milestone, position, step, plan_version_number, recorded_on):
    """The fields of the condition ``kind``; those of the other kinds empty."""
    values = {
        "kind": kind,
        "milestone": None,
        "position": None,
        "step": "",
        "plan_version_number": None,
        "recorded_on": None,
    }
    if kind == rules.MILESTONE:
        if not isinstance(milestone, Milestone) or milestone.programme_id != programme.pk:
            raise ServiceError(_("Choose the milestone to be finished."), field="milestone")
        values["milestone"] = milestone
    elif kind == rules.POSITION_STEP:
        if not isinstance(position, Position) or position.programme_id != programme.pk:
            raise ServiceError(_("Choose the post."), field="position")
        if step not in dict(STEP_CHOICES):
            raise ServiceError(_("Choose the hiring step the post is to reach."), field="step")
        values["position"], values["step"] = position, step
    elif kind == rules.PLAN_VERSION:
        number = plan_version_number
        if (
            isinstance(number, bool)
            or not isinstance(number, int)
            or not (1 <= number <= MAX_PLAN_VERSION)
        ):
            raise ServiceError(
                _("Enter the number of the plan version, a whole number from 1."),
                field="plan_version_number",
            )
        values["plan_version_number"] = number
    elif kind == rules.RECORDED:
        values["recorded_on"] = check_date(recorded_on, "recorded_on", required=False)
        _not_in_future(
            values["recorded_on"],
            "recorded_on",
            _("This date lies in the future. Record an assignment as done once it is done."),
        )
    else:
        raise ServiceError(_("Choose how the assignment is shown to be done."), field="kind")
    return values


def _change_request(programme, change_request) -> ChangeRequest | None:
    if change_request is None:
        return None
    if not isinstance(change_request, ChangeRequest) or change_request.programme_id != programme.pk:
        raise ServiceError(
            _("Choose a change request of this programme, or none."), field="change_request"
        )
    return change_request


def _plain(value):
    """Values as the event log keeps them: a body by its name, a milestone, post or change
    request by its code (a draft milestone's withheld)."""
    if isinstance(value, Body):
        return value.name
    if isinstance(value, ChangeRequest):
        return value.code
    if isinstance(value, Position):
        return value.code
    if isinstance(value, Milestone):
        return value.code if value.is_public() else WITHHELD
    return value


def save_assignment(
    decision: Decision,
    *,
    actor: Actor,
    code: str,
    title: str,
    due: date,
    kind: str,
    milestone: Milestone | None = None,
    position: Position | None = None,
    step: str = "",
    plan_version_number: int | None = None,
    recorded_on: date | None = None,
    assignment: Assignment | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Assignment:
    """Add an assignment to a decision (``assignment`` None) or change one: its code, what is
    to be done, the due date and the condition that shows it done — a milestone finished, a
    post at a hiring step, a plan version approved, or a date the office records."""
    programme = decision.programme
    _may_edit(actor, programme)
    if assignment is not None and assignment.decision_id != decision.pk:
        raise ServiceError(_("This assignment belongs to another decision."))
    code = check_line(code, "code", max_length=CODE_LENGTH)
    others = Assignment.objects.filter(decision=decision, code=code)
    if assignment is not None:
        others = others.exclude(pk=assignment.pk)
    if others.exists():
        raise ServiceError(
            _("This decision has an assignment %(code)s already.") % {"code": code}, field="code"
        )
    values = {"code": code, "title": check_line(title, "title"), "due": check_date(due, "due")}
    if values["due"] < decision.date:
        raise ServiceError(
            _("The due date lies before the date of the decision (%(date)s).")
            % {"date": _short(decision.date)},
            field="due",
        )
    values.update(
        _condition(programme, kind, milestone, position, step, plan_version_number, recorded_on)
    )
    changes = {}
    for key, value in values.items():
        old = getattr(assignment, key) if assignment is not None else None
        if _key(old) != _key(value):
            changes[key] = [_plain(old), _plain(value)]
    if assignment is not None and not changes:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    apply, undo, saved = create_or_update(
        Assignment, assignment, values, extra={"decision": decision}
    )
    commit(
        programme,
        actor=actor,
        reason=reason,
        action="assignment.changed" if assignment is not None else "assignment.added",
        apply=apply,
        undo=undo,
        event=lambda: {
            "subject": saved(),
            "public": True,
            "label": f"{decision.number} {saved().code}",
            "changes": changes,
        },
        versioned=assignment,
        expected_version=expected_version,
        forecast=False,
    )
    return saved()


def _key(value):
    """A value compared by identity for a stored object, else as it is."""
    return ("pk", value.pk) if hasattr(value, "pk") else value


def delete_assignment(
    assignment: Assignment, *, actor: Actor, reason: str = "", expected_version=None
) -> None:
    """Remove an assignment entered by mistake."""
    decision = assignment.decision
    programme = decision.programme
    _may_edit(actor, programme)
    changes = {"code": [assignment.code, None], "title": [assignment.title, None]}
    commit(
        programme,
        actor=actor,
        reason=reason,
        action="assignment.removed",
        apply=assignment.delete,
        event={
            "subject": None,
            "public": True,
            "label": f"{decision.number} {assignment.code}",
            "changes": changes,
        },
        versioned=assignment,
        expected_version=expected_version,
        forecast=False,
    )


# -- loading a programme document ------------------------------------------------------------


def detach_decisions(programme, document: dict):
    """Before the plan of a document replaces the programme's: remove the decisions the
    document lacks and loosen the assignments of the rest from their milestones and posts
    (set again by ``replace_decisions_state``), so that the plan can drop what it must."""
    keep = {d["number"] for d in document.get("decisions", [])}
    Decision.objects.filter(programme=programme).exclude(number__in=keep).delete()
    Assignment.objects.filter(decision__programme=programme).update(milestone=None, position=None)


def replace_decisions_state(programme, organisation, document: dict):
    """Make the programme's decisions and their assignments equal the document's, matched by
    number and code (they keep their identity and history). Part of
    ``services.programme.load_programme``, which writes the one event; the bodies are the
    document's ``participation.bodies``, stored before."""
    items = document.get("decisions", [])
    bodies = {b.code: b for b in Body.objects.filter(organisation=organisation)}
    lookup = {
        "plan_versions": {v.number: v for v in PlanVersion.objects.filter(programme=programme)},
        "positions": {p.code: p for p in Position.objects.filter(programme=programme)},
        "measures": {m.code: m for m in Measure.objects.filter(programme=programme)},
        "grants": {g.code: g for g in Grant.objects.filter(programme=programme)},
    }
    milestones = {m.code: m for m in Milestone.objects.filter(programme=programme)}
    existing = {d.number: d for d in Decision.objects.filter(programme=programme)}
    for item in items:
        decision = existing.get(item["number"])
        if decision is None:
            decision = Decision(programme=programme, number=item["number"])
        else:  # a form opened before the load must not overwrite it
            decision.version += 1
        decision.body = bodies[item["body"]]
        decision.date = item["date"]
        decision.title = item["title"]
        decision.result = item["result"]
        decision.text = item["text"]
        decision.url = item["url"]
        votes = item["votes"] or {}
        decision.votes_yes = votes.get("yes")
        decision.votes_no = votes.get("no")
        decision.votes_abstain = votes.get("abstain")
        decision.save()
        for key in LINKS:
            getattr(decision, key).set([lookup[key][ref] for ref in item["links"][key]])
        _replace_assignments(decision, item["assignments"], milestones, lookup["positions"])


def _replace_assignments(decision, items, milestones, positions):
    codes = [a["code"] for a in items]
    decision.assignments.exclude(code__in=codes).delete()
    existing = {a.code: a for a in decision.assignments.all()}
    for item in items:
        assignment = existing.get(item["code"])
        if assignment is None:
            assignment = Assignment(decision=decision, code=item["code"])
        else:
            assignment.version += 1
        done_when = item["done_when"]
        kind = done_when["kind"]
        assignment.title = item["title"]
        assignment.due = item["due"]
        assignment.kind = kind
        assignment.milestone = (
            milestones[done_when["milestone"]] if kind == rules.MILESTONE else None
        )
        assignment.position = (
            positions[done_when["position"]] if kind == rules.POSITION_STEP else None
        )
        assignment.step = done_when["step"] if kind == rules.POSITION_STEP else ""
        assignment.plan_version_number = (
            done_when["plan_version"] if kind == rules.PLAN_VERSION else None
        )
        assignment.recorded_on = done_when["recorded"] if kind == rules.RECORDED else None
        assignment.save()
