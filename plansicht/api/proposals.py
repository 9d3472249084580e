"""Proposals and consultations in the API, as the portal shows them as of today.

A proposal: what it is about, who proposed it (the name shown, never an address), its
supports as a count, the threshold and the due dates it brings, its status (the office's
decision, in the programme's words) and the status of its deadline, its decisions with their
public reasons and what took it up, its extensions. One hidden by the moderation shows its
status and the moderation's reason, neither its title nor its text; one about a draft is not
there at all.

A consultation: only those for the public (a staff-only one answers 404 as if it did not
exist), with its period (points in time with their offset) and its questions; its results
only after the close (in the consultation's own answer, not the list's)."""

from datetime import date, datetime

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from plansicht import clock
from plansicht.forecast import public_participation as rows_of
from plansicht.plan.models import Measure

from .core import PageQuery, Percent, page_of, paginate, responses
from .participation import AboutOut, ExtensionOut
from .plan import get_programme

router = Router(tags=["proposals and consultations"])

STATUSES = ", ".join(rows_of.STATUSES)
DEADLINES = ", ".join(rows_of.DEADLINE_STATUSES)


def _portal_url(request, name, *args) -> str:
    return request.build_absolute_uri(reverse(f"portal:{name}", args=args))


class ProposalDecisionOut(Schema):
    on: date
    status: str = Field(description=STATUSES)
    status_label: str = Field(description="The status in the programme's words.")
    reason: str = Field(description="The public reason.")
    link: str | None = Field(
        description="What took it up: measure:CODE, milestone:CODE, plan_version:N or "
        "change_request:CODE; null when none is named."
    )


class ProposalOut(Schema):
    code: str
    about: AboutOut
    by: str | None = Field(description="The name shown, or the body's (never an address).")
    body: str | None = Field(description="The code of the body that proposed it.")
    received: date
    title: str | None = Field(description="Null when hidden by the moderation.")
    text: str | None = Field(description="Null when hidden by the moderation.")
    hidden: bool
    hidden_reason: str | None = Field(description="Why the moderation hid it, when it did.")
    status: str = Field(description=f"The office's decision: {STATUSES}.")
    status_label: str = Field(description="The status in the programme's words.")
    supports: int = Field(description="The number of current supports.")
    threshold: int = Field(description="The supports that oblige the office to decide.")
    threshold_reached: date | None = Field(
        description="The day of the support that reached the threshold, or null."
    )
    due: date | None = Field(description="The due date in force; null below the threshold.")
    original_due: date | None = Field(description="The due date without extensions.")
    decided: date | None = Field(description="The day of the first decision, or null.")
    deadline_status: str = Field(description=DEADLINES)
    deadline_status_label: str
    decisions: list[ProposalDecisionOut]
    extensions: list[ExtensionOut]
    portal_url: str


def _proposal_out(request, programme, row) -> dict:
    return {**row, "portal_url": _portal_url(request, "proposal", programme.slug, row["code"])}


class ProposalFilter(PageQuery):
    status: str | None = Field(
        None, pattern="^(" + "|".join(rows_of.STATUSES) + ")$", description=STATUSES
    )
    deadline: str | None = Field(
        None,
        pattern="^(below_threshold|open|overdue|answered)$",
        description="below_threshold, open, overdue or answered (decided).",
    )
    measure: str | None = Field(
        None, description="Only those about this measure (code) or one of its milestones."
    )


@router.get(
    "/programmes/{slug}/proposals/",
    response=responses(page_of(ProposalOut), 404),
    summary="Proposals, their supports and the office's decisions, newest first",
)
def proposals(request, slug: str, filters: Query[ProposalFilter]):
    programme = get_programme(slug)
    queryset = rows_of.public_proposals(programme)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.measure:
        found = Measure.objects.filter(programme=programme, code=filters.measure).public()
        measure_id = found.values_list("pk", flat=True).first() or 0
        queryset = queryset.filter(measure_id=measure_id) | queryset.filter(
            milestone__measure_id=measure_id
        )
    found = rows_of.proposals(programme, clock.today(), queryset)
    if filters.deadline == "answered":
        found = [r for r in found if r["deadline_status"].startswith("answered_")]
    elif filters.deadline:
        found = [r for r in found if r["deadline_status"] == filters.deadline]
    page = paginate(request, found, filters)
    page["results"] = [_proposal_out(request, programme, r) for r in page["results"]]
    return page


@router.get(
    "/programmes/{slug}/proposals/{path:code}",
    response=responses(ProposalOut, 404),
    summary="A proposal with its decisions (a code with “/” percent-encoded)",
)
def proposal(request, slug: str, code: str):
    programme = get_programme(slug)
    queryset = rows_of.public_proposals(programme).filter(code=code.rstrip("/"))
    found = rows_of.proposals(programme, clock.today(), queryset)
    if not found:
        raise Http404(_("There is no public proposal with this code."))
    return _proposal_out(request, programme, found[0])


# -- consultations -----------------------------------------------------------------------------


class ConsultationQuestionOut(Schema):
    number: int
    kind: str = Field(description="text, single, multiple or rating (1 to 5).")
    text: str
    required: bool
    choices: list[str] = Field(description="The choices of a choice question, in order.")


class ChoiceOut(Schema):
    label: str = Field(description="The choice, or the rating 1 to 5.")
    count: int
    share: Percent | None = Field(
        description="Percent of the question's respondents, one decimal, rounded half up."
    )


class QuestionResultOut(Schema):
    number: int
    kind: str
    respondents: int = Field(description="Those who answered this question.")
    choices: list[ChoiceOut]
    mean: Percent | None = Field(description="A rating question's mean, one decimal.")
    texts: list[str] = Field(description="Free-text answers the moderation released.")


class ConsultationBriefOut(Schema):
    code: str
    title: str
    description: str
    measure: str | None = Field(description="The code of the measure it is about.")
    opens: datetime = Field(description="When it opens, with the offset.")
    closes: datetime = Field(description="When it closes, with the offset.")
    phase: str = Field(description="upcoming, open or closed.")
    questions: list[ConsultationQuestionOut]
    summary: str | None = Field(description="What the city does with the results (closed).")
    summary_on: date | None
    api_url: str = Field(description="The consultation's own answer, with its results.")
    portal_url: str


class ConsultationOut(ConsultationBriefOut):
    respondents: int | None = Field(description="Null until the close.")
    results: list[QuestionResultOut] | None = Field(description="Null until the close.")


def _consultation_out(request, programme, consultation, *, with_results) -> dict:
    row = rows_of.consultation_row(consultation, with_results=with_results)
    code = consultation.code
    row["api_url"] = request.build_absolute_uri(
        reverse("api:consultation", kwargs={"slug": programme.slug, "code": code})
    )
    row["portal_url"] = _portal_url(request, "consultation", programme.slug, code)
    return row


@router.get(
    "/programmes/{slug}/consultations/",
    response=responses(page_of(ConsultationBriefOut), 404),
    summary="Consultations for the public and their periods, the latest opening first",
)
def consultations(request, slug: str, paging: Query[PageQuery]):
    programme = get_programme(slug)
    page = paginate(request, rows_of.public_consultations(programme), paging)
    page["results"] = [
        _consultation_out(request, programme, c, with_results=False) for c in page["results"]
    ]
    return page


@router.get(
    "/programmes/{slug}/consultations/{path:code}",
    response=responses(ConsultationOut, 404),
    summary="A consultation, with its results after the close",
    url_name="consultation",
)
def consultation(request, slug: str, code: str):
    programme = get_programme(slug)
    found = rows_of.public_consultations(programme).filter(code=code.rstrip("/")).first()
    if found is None:
        raise Http404(_("There is no public consultation with this code."))
    return _consultation_out(request, programme, found, with_results=True)
