"""Office pages for the council decisions: the list with the overdue assignments marked, one
decision with its assignments and their statuses, and the forms to enter, change and remove
decisions and assignments; and the dashboard's count of overdue assignments.

Every office role may read; whoever may edit the plan (``can_edit_plan``: editors and
administrators) may open a form or post one. Every change goes through
``plansicht.services.decisions``. Statuses are as of today (``plansicht.decisions.reads``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plansicht import clock
from plansicht.decisions import reads
from plansicht.decisions.models import Assignment, Decision
from plansicht.engine import assignments as rules
from plansicht.history.models import Event
from plansicht.plan.models import Milestone
from plansicht.services import decisions as service
from plansicht.services.permissions import can_edit_plan
from plansicht.staffing.models import STEP_CHOICES

from .common import actor, get_programme_for_user, initial_from, page_context, submit
from .forms import AssignmentForm, DecisionForm, RemoveForm

# The decision's own fields as a form shows them (the links are compared apart).
DECISION_FIELDS = [f for f in DecisionForm.Meta.fields if f not in DecisionForm.LINKS]


def _context(request, programme, **extra) -> dict:
    return page_context(
        request,
        programme,
        nav="decisions",
        may_edit=can_edit_plan(request.user, programme),
        **extra,
    )


def _decision(programme, pk) -> Decision:
    return get_object_or_404(
        Decision.objects.for_programme(programme).select_related("body"), pk=pk
    )


def _assignment(programme, pk) -> Assignment:
    return get_object_or_404(
        Assignment.objects.for_programme(programme).select_related("decision", "decision__body"),
        pk=pk,
    )


def _short(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "–"


# -- the list ---------------------------------------------------------------------------------


@login_required
def decision_list(request, slug):
    """Every decision, newest first, with how its assignments stand today; above them the
    overdue assignments, the longest overdue first."""
    programme = get_programme_for_user(request, slug)
    today = clock.today()
    rows = reads.rows(Decision.objects.for_programme(programme).newest_first(), today)
    return render(
        request,
        "office/decisions.html",
        _context(
            request,
            programme,
            rows=rows,
            overdue=reads.overdue(programme, today),
            today=today,
        ),
    )


def overdue_count(programme, as_of) -> dict | None:
    """The dashboard's line: how many assignments are overdue (None: no decision has any
    assignment)."""
    if not Assignment.objects.for_programme(programme).exists():
        return None
    return {"count": len(reads.overdue(programme, as_of))}


# -- one decision -----------------------------------------------------------------------------


def condition_words(assignment) -> str:
    """How the assignment is shown done, in words (the office names drafts too)."""
    kind = assignment.kind
    if kind == rules.MILESTONE:
        m = assignment.milestone
        if m is None:
            return _("A milestone is finished")
        return _("Milestone %(code)s %(title)s is finished") % {"code": m.code, "title": m.title}
    if kind == rules.POSITION_STEP:
        step = dict(STEP_CHOICES).get(assignment.step, assignment.step)
        title = assignment.position.title if assignment.position is not None else "–"
        return _("The post %(title)s reaches the step “%(step)s” or a later one") % {
            "title": title,
            "step": step,
        }
    if kind == rules.PLAN_VERSION:
        return _("Plan version %(number)s is approved") % {"number": assignment.plan_version_number}
    return _("The programme office records it as done")


def _stored(decision) -> dict:
    """The decision as the form names its own fields, for "changed meanwhile"."""
    return {name: getattr(decision, name) for name in DECISION_FIELDS}


def _links_of(decision) -> dict:
    return {
        "plan_versions": list(decision.plan_versions.order_by("number")),
        "positions": list(decision.positions.order_by("code")),
        "measures": list(decision.measures.order_by("code")),
        "grants": list(decision.grants.order_by("code")),
    }


def _save_decision(request, programme, form, decision=None):
    """Save the bound ``form`` through the service; the saved decision, or None (the
    refusal is on the form)."""
    by = actor(request, programme)
    return submit(
        request,
        form,
        lambda **data: service.save_decision(programme, actor=by, decision=decision, **data),
        stored=_stored,
    )


@login_required
def decision_new(request, slug):
    programme = get_programme_for_user(request, slug, may=can_edit_plan)
    form = DecisionForm(request.POST or None, programme=programme)
    status = 200
    if request.method == "POST":
        saved = _save_decision(request, programme, form)
        if saved is not None:
            messages.success(
                request,
                _("Decision %(number)s was entered. Add its assignments below.")
                % {"number": saved.number},
            )
            return redirect("office:decision", programme.slug, saved.pk)
        status = 400
    return render(
        request,
        "office/decision_form.html",
        _context(request, programme, form=form, title=_("New council decision")),
        status=status,
    )


@login_required
def decision(request, slug, pk):
    """One decision: its facts, what it is about, its assignments with their statuses
    today; for editors the form to change it and the links to add, change and remove."""
    programme = get_programme_for_user(request, slug)
    found = _decision(programme, pk)
    may_edit = can_edit_plan(request.user, programme)
    form = None
    status = 200
    if may_edit:
        initial = {**initial_from(found, DecisionForm), **_links_of(found)}
        form = DecisionForm(programme=programme, initial=initial)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = DecisionForm(request.POST, programme=programme)
        if _save_decision(request, programme, form, found) is not None:
            messages.success(
                request, _("Decision %(number)s was saved.") % {"number": found.number}
            )
            return redirect("office:decision", programme.slug, found.pk)
        status = 400
    today = clock.today()
    row = reads.decision_row(found, today)
    public_milestones = Milestone.objects.filter(programme=programme).public_ids()
    for line in row.assignments:
        line.condition = condition_words(line.assignment)
        m = line.assignment.milestone
        line.draft_milestone = m is not None and m.pk not in public_milestones
    return render(
        request,
        "office/decision.html",
        _context(
            request,
            programme,
            decision=found,
            row=row,
            links=_links_of(found),
            today=today,
            form=form,
            history=list(Event.objects.about(found).select_related("unit")[:50]),
        ),
        status=status,
    )


def _remove_page(request, programme, *, title, facts, back, remove, version, done):
    """Ask before removing; on POST remove through ``remove`` (a service call taking the
    actor, the reason and the expected version). None once removed, else the page."""
    form = RemoveForm(request.POST or None, initial={"version": version})
    status = 200
    if request.method == "POST":
        by = actor(request, programme)
        if submit(request, form, lambda **data: remove(actor=by, **data), done):
            return None
        status = 400
    return render(
        request,
        "office/decisions_remove.html",
        _context(request, programme, form=form, title=title, facts=facts, back=back),
        status=status,
    )


@login_required
def decision_remove(request, slug, pk):
    programme = get_programme_for_user(request, slug, may=can_edit_plan)
    found = _decision(programme, pk)
    page = _remove_page(
        request,
        programme,
        title=_("Remove decision %(number)s?") % {"number": found.number},
        facts=[
            (_("Title"), found.title),
            (_("Decided by"), found.body.name),
            (_("Date"), _short(found.date)),
            (_("Assignments"), str(found.assignments.count())),
        ],
        back=reverse("office:decision", args=[programme.slug, found.pk]),
        remove=lambda **kwargs: service.delete_decision(found, **kwargs),
        version=found.version,
        done=_("Decision %(number)s was removed with its assignments.") % {"number": found.number},
    )
    return page or redirect("office:decisions", programme.slug)


# -- assignments ------------------------------------------------------------------------------


def _save_assignment(request, programme, form, decision, assignment=None):
    by = actor(request, programme)
    return submit(
        request,
        form,
        lambda **data: service.save_assignment(decision, actor=by, assignment=assignment, **data),
    )


def _assignment_page(request, programme, form, decision, title, status, assignment=None):
    return render(
        request,
        "office/assignment_form.html",
        _context(
            request,
            programme,
            form=form,
            decision=decision,
            assignment=assignment,
            title=title,
        ),
        status=status,
    )


@login_required
def assignment_new(request, slug, pk):
    programme = get_programme_for_user(request, slug, may=can_edit_plan)
    found = _decision(programme, pk)
    form = AssignmentForm(request.POST or None, programme=programme)
    status = 200
    if request.method == "POST":
        saved = _save_assignment(request, programme, form, found)
        if saved is not None:
            messages.success(
                request,
                _("Assignment %(code)s was added to decision %(number)s.")
                % {"code": saved.code, "number": found.number},
            )
            return redirect("office:decision", programme.slug, found.pk)
        status = 400
    title = _("New assignment of decision %(number)s") % {"number": found.number}
    return _assignment_page(request, programme, form, found, title, status)


@login_required
def assignment(request, slug, pk):
    programme = get_programme_for_user(request, slug, may=can_edit_plan)
    found = _assignment(programme, pk)
    form = AssignmentForm(
        request.POST or None, programme=programme, initial=initial_from(found, AssignmentForm)
    )
    status = 200
    if request.method == "POST":
        if _save_assignment(request, programme, form, found.decision, found) is not None:
            messages.success(request, _("Assignment %(code)s was saved.") % {"code": found.code})
            return redirect("office:decision", programme.slug, found.decision_id)
        status = 400
    title = _("Assignment %(code)s of decision %(number)s") % {
        "code": found.code,
        "number": found.decision.number,
    }
    return _assignment_page(request, programme, form, found.decision, title, status, found)


@login_required
def assignment_remove(request, slug, pk):
    programme = get_programme_for_user(request, slug, may=can_edit_plan)
    found = _assignment(programme, pk)
    page = _remove_page(
        request,
        programme,
        title=_("Remove assignment %(code)s of decision %(number)s?")
        % {"code": found.code, "number": found.decision.number},
        facts=[
            (_("What is to be done"), found.title),
            (_("Due"), _short(found.due)),
            (_("Done when"), condition_words(found)),
        ],
        back=reverse("office:assignment", args=[programme.slug, found.pk]),
        remove=lambda **kwargs: service.delete_assignment(found, **kwargs),
        version=found.version,
        done=_("Assignment %(code)s was removed.") % {"code": found.code},
    )
    return page or redirect("office:decision", programme.slug, found.decision_id)
