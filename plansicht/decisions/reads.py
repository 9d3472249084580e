"""The reads of the council decisions: each assignment's done date and status as of a date
(``plansicht.engine.assignments`` holds the rules), the register of a programme's decisions
and the statuses the forecast command prints. The portal, the office and the command all read
them here, in a fixed number of queries whatever the number of decisions.

As of a date, a decision taken after it is left out, as every fact dated later is.

Nothing is stored: a status depends on the date, so it is computed from the stored facts."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import pgettext_lazy

from plansicht.engine import assignments as rules
from plansicht.funding.models import Grant
from plansicht.participation.models import Body
from plansicht.plan.models import Measure, Milestone, PlanVersion
from plansicht.staffing.models import STEP_CHOICES, HiringStep, Position

from .models import Assignment, Decision

# The step list, first to last, as the rule "a step at or after it" reads it.
STEP_ORDER = tuple(step for step, _label in STEP_CHOICES)

# An assignment's status in words; pages show them, never a colour alone.
STATUS_LABELS = {
    rules.OPEN: pgettext_lazy("assignment status", "open"),
    rules.OVERDUE: pgettext_lazy("assignment status", "overdue"),
    rules.DONE_IN_TIME: pgettext_lazy("assignment status", "done in time"),
    rules.DONE_LATE: pgettext_lazy("assignment status", "done late"),
}


@dataclass
class AssignmentRow:
    """An assignment as of a date: when it was done (None: not done then) and its status."""

    assignment: Assignment
    done_on: date | None
    status: str

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def overdue(self) -> bool:
        return self.status == rules.OVERDUE


@dataclass
class DecisionRow:
    """A decision with its assignments (by code) as of a date."""

    decision: Decision
    assignments: list[AssignmentRow] = field(default_factory=list)

    @property
    def counts(self) -> dict:
        """{status: how many}, in the order of the statuses, those with none left out."""
        counted = Counter(row.status for row in self.assignments)
        return {status: counted[status] for status in rules.STATUSES if counted[status]}

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in self.assignments if row.overdue)

    @property
    def done_count(self) -> int:
        return sum(1 for row in self.assignments if row.status in rules.DONE)


def _facts(assignments: list[Assignment]) -> tuple[dict, dict]:
    """What the conditions read besides the assignments' own rows: {position id: [(step,
    date)]} and {plan version number: approval date}, in two queries."""
    positions = {a.position_id for a in assignments if a.kind == rules.POSITION_STEP}
    steps = defaultdict(list)
    if positions:
        for pk, step, on in HiringStep.objects.filter(position_id__in=positions).values_list(
            "position_id", "step", "on"
        ):
            steps[pk].append((step, on))
    approvals = {}
    programmes = {a.decision.programme_id for a in assignments if a.kind == rules.PLAN_VERSION}
    if programmes:
        for programme_id, number, approved_on in PlanVersion.objects.filter(
            programme_id__in=programmes
        ).values_list("programme_id", "number", "approved_on"):
            approvals[programme_id, number] = approved_on
    return steps, approvals


def engine_item(assignment: Assignment, steps: dict, approvals: dict) -> rules.AssignmentIn:
    """The assignment as the rules read it (``steps`` and ``approvals`` from ``_facts``)."""
    kind = assignment.kind
    return rules.AssignmentIn(
        kind=kind,
        due=assignment.due,
        finished=assignment.milestone.actual_finish
        if kind == rules.MILESTONE and assignment.milestone_id
        else None,
        steps=tuple(steps.get(assignment.position_id, ())) if kind == rules.POSITION_STEP else (),
        step=assignment.step or None,
        order=STEP_ORDER,
        approved=approvals.get((assignment.decision.programme_id, assignment.plan_version_number))
        if kind == rules.PLAN_VERSION
        else None,
        recorded=assignment.recorded_on if kind == rules.RECORDED else None,
    )


def assignment_rows(assignments, as_of: date) -> list[AssignmentRow]:
    """Each assignment (with ``decision``, ``milestone`` and ``position`` loaded, as
    ``Assignment.objects.with_facts()`` does) with its done date and status as of ``as_of``,
    in the order given."""
    assignments = list(assignments)
    steps, approvals = _facts(assignments)
    out = []
    for a in assignments:
        result = rules.evaluate(engine_item(a, steps, approvals), as_of)
        out.append(AssignmentRow(a, result.done_on, result.status))
    return out


def rows(decisions, as_of: date) -> list[DecisionRow]:
    """Each decision of the queryset ``decisions`` (in its order) with its assignments by
    code, as of ``as_of``."""
    decisions = list(
        decisions.select_related("body").prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.with_facts().order_by("code"),
                to_attr="ordered_assignments",
            )
        )
    )
    evaluated = assignment_rows((a for d in decisions for a in d.ordered_assignments), as_of)
    by_decision = defaultdict(list)
    for row in evaluated:
        by_decision[row.assignment.decision_id].append(row)
    return [DecisionRow(d, by_decision.get(d.pk, [])) for d in decisions]


def register(programme, as_of: date, body=None, year: int | None = None) -> list[DecisionRow]:
    """The programme's decisions, newest first, of one body and one year where given, with
    their assignments' statuses as of ``as_of``."""
    decisions = Decision.objects.for_programme(programme).taken_by(as_of)
    if body is not None:
        decisions = decisions.by_body(body)
    if year is not None:
        decisions = decisions.in_year(year)
    return rows(decisions.newest_first(), as_of)


def decision_row(decision: Decision, as_of: date) -> DecisionRow:
    """One decision with its assignments as of ``as_of``."""
    return rows(Decision.objects.filter(pk=decision.pk), as_of)[0]


def statuses(programme, as_of: date) -> list[dict]:
    """The decisions taken by ``as_of``, by date, then number, each with its assignments by
        code, as the
    ``forecast --json`` command prints them: ``[{"number", "assignments": [{"code", "due",
        "done_on", "status"}]}]``; dates in ISO form, ``done_on`` null when not done by
        ``as_of``."""
    return [
        {
            "number": row.decision.number,
            "assignments": [
                {
                    "code": a.assignment.code,
                    "due": a.assignment.due.isoformat(),
                    "done_on": a.done_on.isoformat() if a.done_on else None,
                    "status": a.status,
                }
                for a in sorted(row.assignments, key=lambda a: a.assignment.code)
            ],
        }
        for row in rows(Decision.objects.for_programme(programme).taken_by(as_of).in_order(), as_of)
    ]


def overdue(programme, as_of: date) -> list[AssignmentRow]:
    """The programme's assignments overdue as of ``as_of``, the longest overdue first."""
    found = [
        row
        for row in assignment_rows(Assignment.objects.for_programme(programme).with_facts(), as_of)
        if row.overdue
    ]
    return sorted(
        found, key=lambda r: (r.assignment.due, r.assignment.decision.number, r.assignment.code)
    )


def _urgency(row: AssignmentRow) -> tuple:
    a = row.assignment
    return (a.due, a.decision.date, a.decision.number, a.code)


def bodies(programme) -> list[Body]:
    """The bodies that took a decision about the programme, by name (the register's filter)."""
    return list(
        Body.objects.filter(decisions__programme=programme).distinct().order_by("name", "pk")
    )


def years(programme) -> list[int]:
    """The years in which a decision about the programme was taken, the latest first."""
    return sorted(
        {d.year for d in Decision.objects.for_programme(programme).values_list("date", flat=True)},
        reverse=True,
    )


# -- what the public sees of what a decision is about ----------------------------------------


@dataclass
class About:
    """What a decision is about, as the public may see it: the plan versions, the posts (each
    with whether the public positions page shows it: a post it does not show is named by its
    title only), the published measures (a draft at any depth is left out, never named) and
    the grants."""

    plan_versions: list
    positions: list  # [(post, shown on the positions page)]
    measures: list
    grants: list


def about(programme, decisions) -> dict[int, About]:
    """{decision id: :class:`About`} of ``decisions`` (of ``programme``), each list by number
    or code: five queries, however many decisions there are."""
    decisions = list(decisions)
    prefetch_related_objects(
        decisions,
        Prefetch(
            "plan_versions", queryset=PlanVersion.objects.order_by("number"), to_attr="about_pv"
        ),
        Prefetch("positions", queryset=Position.objects.order_by("code"), to_attr="about_posts"),
        Prefetch(
            "measures",
            queryset=Measure.objects.filter(programme=programme).public().order_by("code"),
            to_attr="about_measures",
        ),
        Prefetch("grants", queryset=Grant.objects.order_by("code"), to_attr="about_grants"),
    )
    public_posts = Position.objects.filter(programme=programme).public_ids()
    return {
        d.pk: About(
            plan_versions=d.about_pv,
            positions=[(p, p.pk in public_posts) for p in d.about_posts],
            measures=d.about_measures,
            grants=d.about_grants,
        )
        for d in decisions
    }


@dataclass
class Condition:
    """How an assignment is shown done, as the public may see it: ``milestone`` only when it
    is published (else None: "a milestone is finished"), ``position`` named by its title with
    ``position_public`` saying whether the positions page shows it, the hiring ``step``, the
    ``plan_version`` number; for the kind "recorded" none of them."""

    kind: str
    milestone: Milestone | None = None
    position: Position | None = None
    position_public: bool = False
    step: str = ""
    plan_version: int | None = None


def public_facts(programme) -> tuple[set, set]:
    """(ids of the published milestones, ids of the public posts) of ``programme``: what
    :func:`condition` needs, in two queries."""
    return (
        Milestone.objects.filter(programme=programme).public_ids(),
        Position.objects.filter(programme=programme).public_ids(),
    )


def condition(assignment: Assignment, public_milestones: set, public_posts: set) -> Condition:
    """The assignment's condition as the public sees it (``public_milestones`` and
    ``public_posts`` as :func:`public_facts` reads them)."""
    kind = assignment.kind
    if kind == rules.MILESTONE:
        m = assignment.milestone
        return Condition(kind, milestone=m if m is not None and m.pk in public_milestones else None)
    if kind == rules.POSITION_STEP:
        p = assignment.position
        return Condition(
            kind,
            position=p,
            position_public=p is not None and p.pk in public_posts,
            step=assignment.step,
        )
    if kind == rules.PLAN_VERSION:
        return Condition(kind, plan_version=assignment.plan_version_number)
    return Condition(kind)
