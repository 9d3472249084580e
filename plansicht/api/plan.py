"""The plan in the API: programmes, measures and milestones with their stored forecasts (what
the portal shows), and the changes of a milestone an editor makes in the office — its
schedule, its actual dates and its progress — through the same services."""

from datetime import date

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from plansicht.forecast.public_rows import FIGURES, measure_row, milestone_row, public_milestones
from plansicht.plan.models import Measure, Milestone, Programme
from plansicht.services import plan as plan_service

from .core import Money, PageQuery, Percent, page_of, paginate, responses
from .writes import changing, scoped, token_auth

router = Router(tags=["plan"])

HEALTH = "green, amber or red; null: nothing to judge"


class ProgrammeOut(Schema):
    slug: str
    title: str
    organisation: str
    as_of: date | None = Field(description="The date the stored forecast is as of.")
    forecast_finish: date | None
    baseline_finish: date | None = Field(description="The finish in the current plan version.")
    original_finish: date | None
    slip_days: int | None
    health: str | None = Field(description=HEALTH)
    percent_complete: Percent | None
    cost_at_risk: Money | None
    grant_at_risk: Money | None
    milestone_count: int
    portal_url: str


def programme_row(request, programme) -> dict:
    f = getattr(programme, "forecast", None)
    return {
        "slug": programme.slug,
        "title": programme.title,
        "organisation": programme.organisation.name,
        "as_of": getattr(f, "as_of", None),
        **{k: getattr(f, k, None) for k in FIGURES},
        "milestone_count": getattr(f, "milestone_count", 0),
        "portal_url": request.build_absolute_uri(reverse("portal:overview", args=[programme.slug])),
    }


class MeasureOut(Schema):
    code: str
    title: str
    description: str
    parent: str | None = Field(description="The code of the measure above it, or null.")
    field_of_action: str | None = Field(description="The code of its field of action.")
    lead_unit: str | None
    forecast_finish: date | None
    baseline_finish: date | None
    original_finish: date | None
    slip_days: int | None
    health: str | None = Field(description=HEALTH)
    percent_complete: Percent | None
    milestone_count: int
    cost_at_risk: Money | None
    grant_at_risk: Money | None
    late_since: date | None


class ForecastOut(Schema):
    start: date
    finish: date
    started: bool
    finished: bool
    baseline_finish: date | None
    original_finish: date | None
    slip_days: int | None
    original_slip_days: int | None
    health: str | None = Field(description=HEALTH)
    late_since: date | None
    cost_at_risk: Money
    grant_at_risk: Money
    late_because_of_milestone: str | None
    late_because_of_post: str | None


class MilestoneOut(Schema):
    code: str
    title: str
    description: str
    measure: str
    planned_start: date
    duration_days: int
    expected_finish: date | None
    actual_start: date | None
    actual_finish: date | None
    progress: int
    accepted_on: date | None = Field(description="The day the funder accepted it, or null.")
    forecast: ForecastOut | None = Field(description="Null until the forecast has run.")


def get_programme(slug: str) -> Programme:
    found = Programme.objects.select_related("organisation", "forecast").filter(slug=slug).first()
    if found is None:
        raise Http404(_("There is no programme “%(slug)s”.") % {"slug": slug})
    return found


# The fields a milestone's row reads, for a list page: its measure and drivers by code only.
LIST_FIELDS = (
    *("code", "title", "description", "measure", "measure__code", "planned_start"),
    *("duration_days", "expected_finish", "actual_start", "actual_finish", "progress"),
    "accepted_on",
    *(
        f"forecast__{name}"
        for name in (
            *("start", "finish", "started", "finished", "baseline_finish", "original_finish"),
            *("slip_days", "original_slip_days", "health", "late_since", "cost_at_risk"),
            *("grant_at_risk", "driver_milestone__code", "driver_position__code"),
        )
    ),
)


def public_milestone(programme, code: str) -> Milestone:
    milestone = public_milestones(programme).filter(code=code).first()
    if milestone is None:
        raise Http404(_("This programme has no published milestone %(code)s.") % {"code": code})
    return milestone


# -- programmes ------------------------------------------------------------------------------


@router.get("/programmes/", response=responses(page_of(ProgrammeOut), 404), summary="Programmes")
def programmes(request, paging: Query[PageQuery]):
    rows = Programme.objects.select_related("organisation", "forecast").order_by("slug")
    page = paginate(request, rows, paging)
    page["results"] = [programme_row(request, p) for p in page["results"]]
    return page


@router.get("/programmes/{slug}/", response=responses(ProgrammeOut, 404), summary="A programme")
def programme(request, slug: str):
    return programme_row(request, get_programme(slug))


# -- measures --------------------------------------------------------------------------------


class MeasureFilter(PageQuery):
    field: str | None = Field(None, description="Only this field of action (its code).")
    health: str | None = Field(None, pattern="^(green|amber|red)$")
    parent: str | None = Field(None, description="Only the measures right below this code.")


@router.get(
    "/programmes/{slug}/measures/",
    response=responses(page_of(MeasureOut), 404),
    summary="Measures, by code",
)
def measures(request, slug: str, filters: Query[MeasureFilter]):
    programme = get_programme(slug)
    rows = (
        Measure.objects.filter(programme=programme)
        .public()
        .select_related("parent", "field_of_action", "lead_unit", "forecast")
        .order_by("code", "pk")
    )
    if filters.field:
        rows = rows.filter(field_of_action__code=filters.field)
    if filters.health:
        rows = rows.filter(forecast__health=filters.health)
    if filters.parent:
        rows = rows.filter(parent__code=filters.parent)
    page = paginate(request, rows, filters)
    page["results"] = [measure_row(m) for m in page["results"]]
    return page


@router.get(
    "/programmes/{slug}/measures/{path:code}",
    response=responses(MeasureOut, 404),
    summary="A measure (a code with “/” percent-encoded)",
)
def measure(request, slug: str, code: str):
    programme = get_programme(slug)
    found = (
        Measure.objects.filter(programme=programme, code=code.rstrip("/"))
        .public()
        .select_related("parent", "field_of_action", "lead_unit", "forecast")
        .first()
    )
    if found is None:
        raise Http404(_("This programme has no published measure %(code)s.") % {"code": code})
    return measure_row(found)


# -- milestones ------------------------------------------------------------------------------


class MilestoneFilter(PageQuery):
    measure: str | None = Field(None, description="Only the milestones of this measure (code).")
    health: str | None = Field(None, pattern="^(green|amber|red)$")
    late: bool | None = Field(None, description="true: only those later than the plan.")
    finished: bool | None = None


@router.get(
    "/programmes/{slug}/milestones/",
    response=responses(page_of(MilestoneOut), 404),
    summary="Milestones with their forecasts, by code",
)
def milestones(request, slug: str, filters: Query[MilestoneFilter]):
    programme = get_programme(slug)
    # Only what a row shows: a page of 100 stays well inside 50 ms at 10,000 milestones.
    rows = public_milestones(programme).only(*LIST_FIELDS)
    if filters.measure:
        rows = rows.filter(measure__code=filters.measure)
    if filters.health:
        rows = rows.filter(forecast__health=filters.health)
    if filters.late is not None:
        late = Q(forecast__slip_days__gt=0)
        rows = rows.filter(late) if filters.late else rows.exclude(late)
    if filters.finished is not None:
        rows = rows.filter(forecast__finished=filters.finished)
    page = paginate(request, rows, filters)
    page["results"] = [milestone_row(m) for m in page["results"]]
    return page


class ScheduleIn(Schema):
    planned_start: date | None = None
    duration_days: int | None = Field(None, ge=0, le=36_500)
    expected_finish: date | None = None
    reason: str = Field("", max_length=2000, description="Required when the finish moves later.")


class ActualsIn(Schema):
    actual_start: date | None = None
    actual_finish: date | None = None
    reason: str = Field("", max_length=2000)


class ProgressIn(Schema):
    progress: int = Field(ge=0, le=100)
    reason: str = Field("", max_length=2000)


WRITE = responses(MilestoneOut, 400, 401, 403, 404, 412, 428, read=False)


def _milestone_write(request, slug, code, service, body):
    """Find the milestone, check the token's programme and the ``If-Match``, make the change
    through ``service`` (the office's) with the fields the body gives, and answer the
    milestone as it is now."""
    programme = get_programme(slug)
    actor = scoped(request, programme)
    milestone = public_milestone(programme, code)
    changing(request, milestone_row(milestone), MilestoneOut)
    service(
        milestone,
        actor=actor,
        expected_version=milestone.version,
        **body.model_dump(exclude_unset=True),
    )
    return milestone_row(public_milestone(programme, code))


@router.post(
    "/programmes/{slug}/milestones/{path:code}/schedule",
    response=WRITE,
    summary="Reschedule a milestone (planned start, duration, expected finish)",
    auth=token_auth,
)
def reschedule(request, slug: str, code: str, body: ScheduleIn):
    return _milestone_write(request, slug, code, plan_service.reschedule, body)


@router.post(
    "/programmes/{slug}/milestones/{path:code}/actuals",
    response=WRITE,
    summary="Record a milestone's actual start or finish",
    auth=token_auth,
)
def actuals(request, slug: str, code: str, body: ActualsIn):
    return _milestone_write(request, slug, code, plan_service.record_actual, body)


@router.post(
    "/programmes/{slug}/milestones/{path:code}/progress",
    response=WRITE,
    summary="Set a milestone's progress in percent",
    auth=token_auth,
)
def progress(request, slug: str, code: str, body: ProgressIn):
    return _milestone_write(request, slug, code, plan_service.set_progress, body)


# After the writes: its path would take their addresses too.
@router.get(
    "/programmes/{slug}/milestones/{path:code}",
    response=responses(MilestoneOut, 404),
    summary="A milestone with its forecast (a code with “/” percent-encoded)",
)
def milestone(request, slug: str, code: str):
    return milestone_row(public_milestone(get_programme(slug), code.rstrip("/")))
