"""Office pages. Every view checks the user's role with the same rules the services enforce
(``plansicht.services.permissions``): anonymous users go to the login page, a user without
the right role gets 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import defaults

from plansicht.forecast.run import today
from plansicht.history.models import Event
from plansicht.plan.models import Dependency, Measure, Milestone, PlanVersion, Programme
from plansicht.services import Actor, ChangedMeanwhile, ServiceError
from plansicht.services import plan as plan_service
from plansicht.services.permissions import (
    can_edit_milestone,
    can_edit_plan,
    can_view_office,
    role_for,
)

from . import work
from .conflicts import show_changed_meanwhile
from .forms import ActualsForm, DatesForm, DependencyForm, PlanVersionForm, ProgressForm


def get_programme_for_user(request, slug) -> Programme:
    programme = get_object_or_404(
        Programme.objects.select_related("organisation", "forecast"), slug=slug
    )
    if not can_view_office(request.user, programme):
        raise PermissionDenied
    return programme


def get_milestone(programme, code) -> Milestone:
    """A milestone of the programme: every office role may read it; whether the user may
    change it is ``can_edit_milestone``."""
    return get_object_or_404(
        Milestone.objects.select_related("measure", "measure__parent", "programme", "forecast"),
        programme=programme,
        code=code,
    )


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
    """What the user's role can act on: plan work for those who edit milestones (a unit editor
    first the milestones of their unit), money work for finance officers, post work for HR;
    every other role reads a summary. Only open milestones, at most ``work.LIMIT`` per list."""
    programme = get_programme_for_user(request, slug)
    role = role_for(request.user, programme)
    as_of = programme.forecast.as_of if hasattr(programme, "forecast") else today()
    parts = work.sections(role)
    form = work.filter_form(request, programme, role)
    chosen = work.filters(form)
    base = work.milestones(programme, role, chosen, as_of)
    extra = {}
    if "plan" in parts:
        extra["lists"] = work.plan_lists(base, chosen, as_of)
        measures = Measure.objects.filter(programme=programme).public()
        for unit_id in work.unit_ids(role, chosen):
            measures = measures.led_by(unit_id)
        extra["measures"] = (
            measures.filter(forecast__health__in=["red", "amber"])
            .select_related("forecast")
            .order_by("-forecast__slip_days", "code")[: work.LIMIT]
        )
    else:
        extra["status"] = {
            row["name"]: row
            for row in work.plan_lists(
                base, chosen, as_of, names=("overdue", "delayed", "unexplained")
            )
        }
        extra["open_count"] = work.open_work(base).count()
        extra["vacant_count"] = work.vacant_posts(programme).count()
    if "money" in parts:
        extra["money"] = work.money_work(programme)
    if "posts" in parts:
        from .staffing import post_alerts  # it imports this module

        alerts = post_alerts(programme)
        vacant = work.vacant_posts(programme)
        extra.update(
            post_alerts=alerts[: work.LIMIT],
            post_alert_count=len(alerts),
            vacant=list(vacant[: work.LIMIT]),
            vacant_count=vacant.count(),
        )
    recent = Event.objects.for_programme(programme).select_related("unit")[:15]
    return render(
        request,
        "office/dashboard.html",
        _context(
            request,
            programme,
            as_of=as_of,
            parts=parts,
            filter_form=form,
            chosen=chosen,
            recent=recent,
            nav="dashboard",
            **extra,
        ),
        status=400 if form.errors else 200,
    )


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
    public = set(
        Milestone.objects.filter(programme=programme).public().values_list("pk", flat=True)
    )
    for m in rows:
        m.is_public = m.pk in public
        m.editable = can_edit_milestone(request.user, m)
    work.mark_overdue(rows, as_of)
    return render(
        request,
        "office/milestone_list.html",
        _context(
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
            may_edit=may_edit,
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


def permission_denied(request, exception=None):
    """The 403 page. Inside the office it keeps the office's menu when the user may see the
    programme, and always offers the way back to the office start page."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "office":
        return defaults.permission_denied(request, exception)
    programme = None
    slug = match.kwargs.get("slug")
    if slug:
        programme = Programme.objects.select_related("organisation").filter(slug=slug).first()
        if programme is not None and not can_view_office(request.user, programme):
            programme = None
    return render(
        request,
        "403.html",
        {"layout": "office/base.html", "in_office": True, "programme": programme},
        status=403,
    )
