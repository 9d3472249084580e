"""Office pages for the plan: the milestones (list and one milestone with its forms) and the
plan versions. Every office role may read; who may change a milestone is
``can_edit_milestone``, dependencies and plan versions ``can_edit_plan``. Every change goes
through ``plansicht.services.plan``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from plansicht.decisions.models import Decision
from plansicht.forecast.run import today
from plansicht.history.models import Event
from plansicht.plan.models import Dependency, Milestone, PlanVersion
from plansicht.services import ServiceError
from plansicht.services import plan as plan_service
from plansicht.services.permissions import (
    can_edit_milestone,
    can_edit_plan,
    can_record_acceptance,
    role_for,
)

from . import work
from .common import actor, get_milestone, get_programme_for_user, page_context, show_error
from .forms import ActualsForm, DatesForm, DependencyForm, PlanVersionForm, ProgressForm


@login_required
def milestone_list(request, slug):
    """Every milestone, drafts included, or one list of open work (``show``), with the
    dashboard's filters: the dashboard's "all N" links lead here."""
    programme = get_programme_for_user(request, slug)
    role = role_for(request.user, programme)
    as_of = programme.forecast.as_of if hasattr(programme, "forecast") else today()
    form = work.filter_form(request, programme, role)
    chosen = work.filters(form)
    base = work.milestones(programme, role, chosen, as_of)
    if chosen["show"]:
        rows = list(work.work_list(base, chosen["show"], as_of))
    else:
        rows = list(base.order_by("code"))
    public = Milestone.objects.filter(programme=programme).public_ids()
    for m in rows:
        m.is_public = m.pk in public
        m.editable = can_edit_milestone(request.user, m)
    work.mark_overdue(rows, as_of)
    return render(
        request,
        "office/milestone_list.html",
        page_context(
            request,
            programme,
            milestones=rows,
            filter_form=form,
            chosen=chosen,
            list_title=work.WORK_LISTS.get(chosen["show"]),
            nav="milestones",
        ),
        status=400 if form.errors else 200,
    )


@login_required
def milestone_edit(request, slug, code):
    programme = get_programme_for_user(request, slug)
    milestone = get_milestone(programme, code)
    may_edit = can_edit_milestone(request.user, milestone)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    forms = {
        "dates": DatesForm(
            initial={
                "planned_start": milestone.planned_start,
                "duration_days": milestone.duration_days,
                "expected_finish": milestone.expected_finish,
                "version": milestone.version,
            },
            prefix="dates",
        ),
        "actuals": ActualsForm(
            initial={
                "actual_start": milestone.actual_start,
                "actual_finish": milestone.actual_finish,
                "version": milestone.version,
            },
            prefix="actuals",
        ),
        "progress": ProgressForm(
            initial={"progress": milestone.progress, "version": milestone.version},
            prefix="progress",
        ),
    }
    others = (
        Milestone.objects.filter(programme=programme)
        .exclude(pk=milestone.pk)
        .order_by("code")
        .values_list("pk", "code", "title")
    )
    choices = [(str(pk), f"{c} {t}") for pk, c, t in others]
    forms["dependency"] = DependencyForm(prefix="dependency", choices=choices)
    status = 200

    if request.method == "POST":
        op = request.POST.get("op")
        if op in ("dependency", "remove_dependency") and not can_edit_plan(request.user, programme):
            raise PermissionDenied
        try:
            done = _apply(request, op, milestone, forms, choices, actor(request, programme))
        except ServiceError as e:
            form = forms.get(op)
            if form is not None:
                show_error(form, e)
            else:
                messages.error(request, e.message)
            done = False
        if done:
            messages.success(request, done)
            return redirect("office:milestone", programme.slug, milestone.code)
        status = 400

    predecessors = (
        Dependency.objects.filter(successor=milestone)
        .select_related("predecessor")
        .order_by("predecessor__code")
    )
    successors = (
        Dependency.objects.filter(predecessor=milestone)
        .select_related("successor")
        .order_by("successor__code")
    )
    history = Event.objects.about(milestone).select_related("unit")[:30]
    return render(
        request,
        "office/milestone_edit.html",
        page_context(
            request,
            programme,
            milestone=milestone,
            may_edit=may_edit,
            may_record_acceptance=can_record_acceptance(request.user, programme),
            plan_version=_current_version(programme),
            forms=forms,
            predecessors=predecessors,
            successors=successors,
            history=history,
            nav="milestones",
        ),
        status=status,
    )


def _current_version(programme):
    """The plan version the stored forecast compares with (the approved plan), or None."""
    forecast = getattr(programme, "forecast", None)
    if forecast is None or forecast.current_version is None:
        return None
    return PlanVersion.objects.filter(programme=programme, number=forecast.current_version).first()


def _apply(request, op, milestone, forms, choices, by):
    """Run the posted operation through its service; returns the success message or False."""
    if op == "remove_dependency":
        dependency = get_object_or_404(
            Dependency, pk=request.POST.get("dependency"), successor=milestone
        )
        plan_service.remove_dependency(dependency, actor=by, reason=request.POST.get("reason", ""))
        return _("The dependency was removed.")
    form_class = {
        "dates": DatesForm,
        "actuals": ActualsForm,
        "progress": ProgressForm,
        "dependency": DependencyForm,
    }.get(op)
    if form_class is None:
        raise PermissionDenied
    kwargs = {"choices": choices} if op == "dependency" else {}
    form = forms[op] = form_class(request.POST, prefix=op, **kwargs)
    if not form.is_valid():
        return False
    data = form.cleaned_data
    if op == "dates":
        plan_service.reschedule(
            milestone,
            actor=by,
            reason=data["reason"],
            planned_start=data["planned_start"],
            duration_days=data["duration_days"],
            expected_finish=data["expected_finish"],
            expected_version=data["version"],
        )
        return _("The dates were saved and the forecast updated.")
    if op == "actuals":
        plan_service.record_actual(
            milestone,
            actor=by,
            reason=data["reason"],
            actual_start=data["actual_start"],
            actual_finish=data["actual_finish"],
            expected_version=data["version"],
        )
        return _("The actual dates were saved and the forecast updated.")
    if op == "progress":
        plan_service.set_progress(
            milestone,
            data["progress"],
            actor=by,
            reason=data["reason"],
            expected_version=data["version"],
        )
        return _("The progress was saved.")
    predecessor = get_object_or_404(
        Milestone, pk=data["predecessor"], programme=milestone.programme
    )
    plan_service.add_dependency(
        predecessor,
        milestone,
        actor=by,
        type=data["type"],
        lag_days=data["lag_days"],
        reason=data["reason"],
    )
    return _("The dependency was added and the forecast updated.")


@login_required
def plan_versions(request, slug):
    programme = get_programme_for_user(request, slug)
    form = PlanVersionForm(initial={"approved_on": today()}, programme=programme)
    status = 200
    if request.method == "POST":
        if not can_edit_plan(request.user, programme):
            raise PermissionDenied
        form = PlanVersionForm(request.POST, programme=programme)
        if form.is_valid():
            try:
                with transaction.atomic():
                    event = plan_service.freeze_plan_version(
                        programme, actor=actor(request, programme), **form.cleaned_data
                    )
                messages.success(
                    request,
                    _("Plan version %(label)s was frozen.") % {"label": event.subject_label},
                )
                return redirect("office:plan_versions", programme.slug)
            except ServiceError as e:
                show_error(form, e)
        status = 400
    versions = (
        PlanVersion.objects.filter(programme=programme)
        .select_related("change_request")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.in_order()))
        .order_by("-number")
    )
    return render(
        request,
        "office/plan_versions.html",
        page_context(
            request,
            programme,
            versions=versions,
            form=form,
            nav="plan_versions",
        ),
        status=status,
    )
