"""The posts in the API, as the portal's positions page shows them: every funded post and
every post a published milestone waits for, with where its hiring stands, what its vacancy
costs, the council decisions about it and the milestones waiting for it.

No personal data: never a holder's name, a contract's end, a pay grade."""

from datetime import date

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from plansicht.forecast.public_rows import position_row, public_positions

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
