"""The posts in the API, as the portal's positions page shows them: every funded post and
every post a published milestone waits for, with where its hiring stands, what its vacancy
costs, the council decisions about it and the milestones waiting for it.

No personal data: never a holder's name, a contract's end, a pay grade."""

from datetime import date

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from plansicht import clock
from plansicht.decisions.models import Decision
from plansicht.plan.models import Milestone
from plansicht.staffing.models import STEP_CHOICES, Position

from .core import Money, PageQuery, page_of, paginate, responses
from .plan import get_programme

router = Router(tags=["posts"])


class DecisionRefOut(Schema):
    id: int = Field(description="The decision's id: /decisions/{id}.")
    number: str
    date: date
    title: str


class PositionOut(Schema):
    code: str
    title: str
    grant: str | None = Field(description="The code of the grant that funds it.")
    grant_title: str | None
    vacant: bool | None = Field(description="Null until the forecast has run.")
    filled_since: date | None = Field(description="When filled: since when.")
    current_step: str | None = Field(
        description="When vacant: the hiring step it stands at (planned, "
        "in_establishment_plan, advertised, selection, offer)."
    )
    current_step_label: str | None
    current_since: date | None
    vacant_since: date | None
    vacant_since_basis: str | None = Field(
        description="What vacant_since rests on: holder_left, needed_from, grant_notice or "
        "first_step."
    )
    days_vacant: int | None
    forecast_fill: date | None = Field(description="When vacant: the forecast fill date.")
    cover: str | None = Field(description="When vacant: who stands in (none, honorary, interim).")
    cover_label: str | None
    vacancy_cost: Money | None = Field(
        description="When vacant: the grant money at risk because of the vacancy."
    )
    month_cost: Money | None = Field(description="When vacant: what each month of delay costs.")
    decisions: list[DecisionRefOut] = Field(description="The council decisions about it.")
    waiting_milestones: list[str] = Field(description="The milestones waiting for it (codes).")


def position_row(p) -> dict:
    f = getattr(p, "forecast", None)
    vacant = f.vacant if f is not None else None
    return {
        "code": p.code,
        "title": p.title,
        "grant": p.grant.code if p.grant_id else None,
        "grant_title": p.grant.title if p.grant_id else None,
        "vacant": vacant,
        "filled_since": f.fill if vacant is False else None,
        "current_step": (f.current_step or None) if vacant else None,
        "current_step_label": (str(dict(STEP_CHOICES).get(f.current_step, "")) or None)
        if vacant and f.current_step
        else None,
        "current_since": f.current_since if vacant and f.current_step else None,
        "vacant_since": f.vacant_since if vacant else None,
        "vacant_since_basis": (f.vacant_basis or None) if vacant else None,
        "days_vacant": f.days_vacant if vacant else None,
        "forecast_fill": f.fill if vacant else None,
        "cover": p.cover if vacant else None,
        "cover_label": str(p.get_cover_display()) if vacant else None,
        "vacancy_cost": f.vacancy_cost if vacant else None,
        "month_cost": f.month_cost if vacant else None,
        "decisions": [
            {"id": d.pk, "number": d.number, "date": d.date, "title": d.title} for d in p.decided
        ],
        "waiting_milestones": [m.code for m in p.waiting],
    }


def public_positions(programme):
    """The posts the positions page shows, by code, with what the rows need."""
    public_milestones = Milestone.objects.filter(programme=programme).public()
    return (
        Position.objects.filter(programme=programme)
        .public()
        .select_related("forecast", "grant")
        .prefetch_related(
            Prefetch("required_by", queryset=public_milestones.order_by("code"), to_attr="waiting"),
            Prefetch(
                "decisions",
                queryset=Decision.objects.taken_by(clock.today()).in_order(),
                to_attr="decided",
            ),
        )
        .order_by("code", "pk")
    )


class PositionFilter(PageQuery):
    vacant: bool | None = Field(None, description="true: only vacant posts; false: filled ones.")


@router.get(
    "/programmes/{slug}/positions/",
    response=responses(page_of(PositionOut), 404),
    summary="Funded posts and their hiring, by code",
)
def positions(request, slug: str, filters: Query[PositionFilter]):
    rows = public_positions(get_programme(slug))
    if filters.vacant is not None:
        rows = rows.filter(forecast__vacant=filters.vacant)
    page = paginate(request, rows, filters)
    page["results"] = [position_row(p) for p in page["results"]]
    return page


@router.get(
    "/programmes/{slug}/positions/{path:code}",
    response=responses(PositionOut, 404),
    summary="A post (a code with “/” percent-encoded)",
)
def position(request, slug: str, code: str):
    found = public_positions(get_programme(slug)).filter(code=code.rstrip("/")).first()
    if found is None:
        raise Http404(_("This programme shows no post %(code)s.") % {"code": code})
    return position_row(found)
