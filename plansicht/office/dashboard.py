"""The programme's dashboard in the office: what the user's role can act on. The lists come
from ``work``, which the milestone list shares."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from plansicht.forecast.run import today
from plansicht.history.models import Event
from plansicht.plan.models import Measure
from plansicht.services.permissions import can_edit_plan, can_moderate, role_for

from . import decisions, participation, proposals, risks, work
from .common import get_programme_for_user, page_context


@login_required
def dashboard(request, slug):
    """What the user's role can act on: plan work for those who edit milestones (a unit editor
    first the milestones of their unit), money work for finance officers, post work for HR;
    every other role reads a summary; those who answer questions and statements see what is
    overdue and due this week; those who decide on proposals, how many are overdue and how many
    wait for a decision; moderators, how many reports are open and what awaits release.
    Only open work, at most ``work.LIMIT`` per list."""
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
        alerts = work.post_alerts(programme, as_of)
        vacant = work.vacant_posts(programme)
        extra.update(
            post_alerts=alerts[: work.LIMIT],
            post_alert_count=len(alerts),
            vacant=list(vacant[: work.LIMIT]),
            vacant_count=vacant.count(),
        )
    if "participation" in parts:
        extra["participation"] = participation.due_lists(programme, role, today(), work.LIMIT)
    if can_edit_plan(request.user, programme):
        extra["proposals"] = proposals.dashboard_counts(programme, today())
    if can_moderate(request.user, programme):
        extra["moderation"] = participation.moderation_counts(programme)
    extra["decisions"] = decisions.overdue_count(programme, today())
    extra["risks"] = risks.review_passed_count(programme, today())
    recent = Event.objects.for_programme(programme).select_related("unit")[:15]
    return render(
        request,
        "office/dashboard.html",
        page_context(
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
