"""Office pages. Every view checks the user's role with the same rules the services enforce
(``plansicht.services.permissions``): anonymous users go to the login page, a user without
the right role gets 403."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from plansicht.accounts.models import StaffRole
from plansicht.forecast.run import today
from plansicht.history.models import Event
from plansicht.plan.models import Dependency, Measure, Milestone, PlanVersion, Programme
from plansicht.services import Actor, ChangedMeanwhile, ServiceError
from plansicht.services import plan as plan_service
from plansicht.services.permissions import (
    can_edit_milestone,
    can_edit_plan,
    can_view_office,
    lead_unit_id,
    role_for,
)

from .conflicts import show_changed_meanwhile
from .forms import ActualsForm, DatesForm, DependencyForm, PlanVersionForm, ProgressForm


def get_programme_for_user(request, slug) -> Programme:
    programme = get_object_or_404(
        Programme.objects.select_related("organisation", "forecast"), slug=slug
    )
    if not can_view_office(request.user, programme):
        raise PermissionDenied
    return programme


def get_milestone_for_editor(request, programme, code) -> Milestone:
    milestone = get_object_or_404(
        Milestone.objects.select_related("measure", "measure__parent", "programme", "forecast"),
        programme=programme,
        code=code,
    )
    if not can_edit_milestone(request.user, milestone):
        raise PermissionDenied
    return milestone


def _actor(request, programme):
    return Actor.for_user(request.user, programme)


def _context(request, programme, **extra):
    role = role_for(request.user, programme)
    return {
        "programme": programme,
        "role": role,
        "can_edit_plan": can_edit_plan(request.user, programme),
        **extra,
    }


def locked_out(request, original_response=None, credentials=None):
    """The page django-axes shows instead of a login once a user name or address is locked
    (settings: AXES_LOCKOUT_CALLABLE), at the office's and the admin's login alike."""
    import math

    from django.conf import settings
    from django.utils import timezone
    from django.utils.cache import add_never_cache_headers

    from plansicht.accounts.throttle import locked_until

    until = locked_until(request, credentials)
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    response = render(
        request,
        "office/locked_out.html",
        {
            "limit": settings.AXES_FAILURE_LIMIT,
            "cool_off": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "until": timezone.localtime(until),
            "minutes": minutes,
        },
        status=429,
    )
    add_never_cache_headers(response)
    return response


@login_required
def index(request):
    programmes = [
        p
        for p in Programme.objects.select_related("organisation").order_by("title")
        if can_view_office(request.user, p)
    ]
    return render(request, "office/index.html", {"programmes": programmes})


@login_required
def dashboard(request, slug):
    programme = get_programme_for_user(request, slug)
    as_of = programme.forecast.as_of if hasattr(programme, "forecast") else today()
    milestones = (
        Milestone.objects.filter(programme=programme).public().select_related("forecast", "measure")
    )
    attention = milestones.filter(forecast__health__in=["red", "amber"]).order_by(
        "-forecast__slip_days", "code"
    )
    overdue = milestones.filter(
        forecast__finished=False, forecast__baseline_finish__lt=as_of
    ).order_by("forecast__baseline_finish", "code")
    reasoned = Event.objects.filter(
        subject_type__model="milestone", subject_id=OuterRef("pk")
    ).exclude(reason="")
    unexplained = (
        milestones.filter(forecast__slip_days__gt=0)
        .annotate(has_reason=Exists(reasoned))
        .filter(has_reason=False)
        .order_by("-forecast__slip_days", "code")
    )
    measures = (
        Measure.objects.filter(programme=programme)
        .public()
        .filter(forecast__health__in=["red", "amber"])
        .select_related("forecast")
        .order_by("-forecast__slip_days", "code")
    )
    soon = milestones.filter(
        forecast__finished=False,
        forecast__finish__gte=as_of,
        forecast__finish__lte=as_of + timedelta(days=14),
    ).order_by("forecast__finish", "code")
    recent = Event.objects.for_programme(programme).select_related("unit")[:15]
    from .staffing_views import post_alerts  # it imports this module

    return render(
        request,
        "office/dashboard.html",
        _context(
            request,
            programme,
            as_of=as_of,
            attention=attention[:50],
            overdue=overdue[:50],
            unexplained=unexplained[:50],
            measures=measures,
            soon=soon[:50],
            recent=recent,
            post_alerts=post_alerts(programme),
            nav="dashboard",
        ),
    )


@login_required
def milestone_list(request, slug):
    programme = get_programme_for_user(request, slug)
    role = role_for(request.user, programme)
    milestones = list(
        Milestone.objects.filter(programme=programme)
        .select_related("measure", "measure__parent", "forecast")
        .order_by("code")
    )
    public = set(
        Milestone.objects.filter(programme=programme).public().values_list("pk", flat=True)
    )
    mine_only = role.role == StaffRole.UNIT_EDITOR and request.GET.get("all") != "1"
    rows = []
    for m in milestones:
        m.is_public = m.pk in public
        m.editable = can_edit_milestone(request.user, m)
        if mine_only and lead_unit_id(m.measure) != role.unit_id:
            continue
        rows.append(m)
    return render(
        request,
        "office/milestone_list.html",
        _context(
            request,
            programme,
            milestones=rows,
            mine_only=mine_only,
            nav="milestones",
        ),
    )


@login_required
def milestone_edit(request, slug, code):
    programme = get_programme_for_user(request, slug)
    milestone = get_milestone_for_editor(request, programme, code)
    actor = _actor(request, programme)
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
            done = _apply(request, op, milestone, forms, choices, actor)
        except ServiceError as e:
            form = forms.get(op)
            if form is not None and isinstance(e, ChangedMeanwhile):
                show_changed_meanwhile(form, e)
            elif form is not None and e.field in form.fields:
                form.add_error(e.field, e.message)
            elif form is not None:
                form.add_error(None, e.message)
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
        _context(
            request,
            programme,
            milestone=milestone,
            forms=forms,
            predecessors=predecessors,
            successors=successors,
            history=history,
            nav="milestones",
        ),
        status=status,
    )


def _apply(request, op, milestone, forms, choices, actor):
    """Run the posted operation through its service; returns the success message or False."""
    if op == "remove_dependency":
        dependency = get_object_or_404(
            Dependency, pk=request.POST.get("dependency"), successor=milestone
        )
        plan_service.remove_dependency(
            dependency, actor=actor, reason=request.POST.get("reason", "")
        )
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
            actor=actor,
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
            actor=actor,
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
            actor=actor,
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
        actor=actor,
        type=data["type"],
        lag_days=data["lag_days"],
        reason=data["reason"],
    )
    return _("The dependency was added and the forecast updated.")


@login_required
def plan_versions(request, slug):
    programme = get_programme_for_user(request, slug)
    form = PlanVersionForm(initial={"approved_on": today()})
    status = 200
    if request.method == "POST":
        if not can_edit_plan(request.user, programme):
            raise PermissionDenied
        form = PlanVersionForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    event = plan_service.freeze_plan_version(
                        programme, actor=_actor(request, programme), **form.cleaned_data
                    )
                messages.success(
                    request,
                    _("Plan version %(label)s was frozen.") % {"label": event.subject_label},
                )
                return redirect("office:plan_versions", programme.slug)
            except ServiceError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
        status = 400
    versions = PlanVersion.objects.filter(programme=programme).order_by("-number")
    return render(
        request,
        "office/plan_versions.html",
        _context(
            request,
            programme,
            versions=versions,
            form=form,
            nav="plan_versions",
        ),
        status=status,
    )
