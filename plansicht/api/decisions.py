"""The council decisions in the API, as the portal's register and decision pages show them as
of today: who decided what and when, the result and the vote, the text, what the decision is
about (a draft measure is left out, a post the public does not see is named by its title
only) and each assignment with its due date, how it is shown done and its status today.

Decision numbers contain "/" (DS 0112/2025), so a decision is addressed by its id, as the
portal does; ``?number=`` finds one by its number. A decision dated after today is not there
yet."""

from datetime import date
from typing import Annotated

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from plansicht import clock
from plansicht.decisions.models import Decision
from plansicht.forecast import public_rows

from .core import PageQuery, page_of, paginate, responses
from .plan import get_programme

router = Router(tags=["decisions"])


class VotesOut(Schema):
    yes: int
    no: int
    abstain: int


class PlanVersionRefOut(Schema):
    number: int
    label: str
    approved_on: date


class MeasureRefOut(Schema):
    code: str
    title: str


class PostRefOut(Schema):
    code: str | None = Field(description="Null for a post the public positions page does not show.")
    title: str


class GrantRefOut(Schema):
    code: str
    title: str
    funder: str


class AssignmentOut(Schema):
    code: str
    title: str = Field(description="What is to be done.")
    due: date
    done_when: str = Field(
        description="How it is shown done: milestone (a milestone is finished), position_step "
        "(a post reaches a hiring step or a later one), plan_version (a plan version is "
        "approved) or recorded (the programme office records it as done)."
    )
    done_when_label: str
    milestone: str | None = Field(description="The milestone's code, when it is published.")
    position: str | None = Field(description="The post's code, when the public sees it.")
    position_title: str | None
    step: str | None = Field(description="The hiring step the post is to reach.")
    plan_version: int | None
    status: str = Field(description="open, overdue, done_in_time or done_late (as of today).")
    status_label: str
    done_on: date | None


class DecisionOut(Schema):
    id: int
    number: str
    title: str
    body: str = Field(description="The code of the body that decided (council or committee).")
    body_name: str
    date: date
    result: str = Field(description="adopted, adopted_with_changes, rejected, deferred or noted.")
    result_label: str
    votes: VotesOut | None
    text: str | None = Field(description="The text of the decision (Markdown).")
    url: str | None = Field(description="Its page in the council information system.")
    plan_versions: list[PlanVersionRefOut]
    measures: list[MeasureRefOut]
    posts: list[PostRefOut]
    grants: list[GrantRefOut]
    assignments: list[AssignmentOut]
    portal_url: str


def decision_rows(request, programme, decisions, today) -> list[dict]:
    """The decisions (a queryset, in its order) as the API shows them: a fixed number of
    queries, however many there are."""
    return [
        {
            **row,
            "portal_url": request.build_absolute_uri(
                reverse("portal:decision", args=[programme.slug, row["id"]])
            ),
        }
        for row in public_rows.decision_rows(programme, decisions, today)
    ]


class DecisionFilter(PageQuery):
    body: str | None = Field(None, description="Only the decisions of this body (its code).")
    year: int | None = Field(None, ge=1, le=9999, description="Only those taken in this year.")
    number: str | None = Field(None, description="Only the decision of this number.")


@router.get(
    "/programmes/{slug}/decisions/",
    response=responses(page_of(DecisionOut), 404),
    summary="Council decisions with their assignments, newest first",
)
def decisions(request, slug: str, filters: Query[DecisionFilter]):
    programme = get_programme(slug)
    today = clock.today()
    found = Decision.objects.for_programme(programme).taken_by(today)
    if filters.body:
        found = found.filter(body__code=filters.body)
    if filters.year:
        found = found.in_year(filters.year)
    if filters.number:
        found = found.filter(number=filters.number)
    page = paginate(request, found.newest_first().only("pk"), filters)
    shown = Decision.objects.filter(pk__in=[d.pk for d in page["results"]]).newest_first()
    page["results"] = decision_rows(request, programme, shown, today)
    return page


DecisionId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The decision's id.")]


@router.get(
    "/programmes/{slug}/decisions/{id}",
    response=responses(DecisionOut, 404),
    summary="A council decision with its assignments (by its id)",
)
def decision(request, slug: str, id: DecisionId):  # noqa: A002 - the route's name for it
    programme = get_programme(slug)
    today = clock.today()
    found = Decision.objects.for_programme(programme).taken_by(today).filter(pk=id)
    if not found.exists():
        raise Http404(_("This programme has no decision %(id)s taken by today.") % {"id": id})
    return decision_rows(request, programme, found, today)[0]
