"""Questions, statements and their answers in the API, as the portal's pages show them as of
today: what each is about, who asked (the name shown, never an e-mail address) or which body
stated it, its due dates and status, its extensions and its answer. An item hidden by the
moderation shows its status and the moderation's reason, never its text or answer; an item
awaiting release, or about a draft, is not there at all. And the bodies that state their views
and decide (advisory councils, the council, its committees)."""

from datetime import date

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from plansicht import clock
from plansicht.accounts.models import Unit
from plansicht.forecast import public_rows
from plansicht.participation import figures
from plansicht.participation.models import Body, Extension, Submission
from plansicht.plan.models import Measure
from plansicht.services import participation as service

from .core import PageQuery, page_of, paginate, responses
from .plan import get_programme
from .writes import changing, scoped, token_auth

router = Router(tags=["participation"])

STATUS = (
    "open, overdue, answered_in_time, answered_within_extension, answered_late, withdrawn, "
    "or hidden (hidden by the moderation: neither its text nor its answer is shown)"
)


class AboutOut(Schema):
    kind: str = Field(description="programme, measure, milestone or position.")
    code: str | None = Field(description="The code of the measure, milestone or post.")
    title: str


class ExtensionOut(Schema):
    on: date = Field(description="The day it was granted.")
    to: date = Field(description="The new due date.")
    reason: str


class SubmissionOut(Schema):
    code: str
    about: AboutOut
    asked_by: str | None = Field(description="The name shown with a question (never an address).")
    body: str | None = Field(description="The code of the body that submitted a statement.")
    body_name: str | None
    received: date
    due: date = Field(description="The original due date.")
    due_in_force: date = Field(description="The due date with the extensions granted so far.")
    extended: bool
    status: str = Field(description=STATUS)
    status_label: str
    hidden_reason: str | None = Field(description="Why the moderation hid it, when it did.")
    text: str | None = Field(description="Null when hidden by the moderation.")
    responsible_unit: str | None = Field(description="The unit that answers it.")
    answer: str | None = Field(description="Null until answered, and when hidden.")
    answered_on: date | None
    answered_by: str | None = Field(description="The unit that answered.")
    withdrawn_on: date | None
    extensions: list[ExtensionOut]
    pdf_url: str | None = Field(description="A statement's PDF, while it is shown.")
    portal_url: str


PAGES = {Submission.QUESTION: "portal:question", Submission.STATEMENT: "portal:statement"}


def submission_row(request, programme, item, status, due, today) -> dict:
    """An item as its public page shows it as of ``today`` (``status`` and ``due`` in force
    as the period rules give them then), with the addresses of its page and its PDF."""
    slug = programme.slug
    pdf = None
    if item.pdf_shown:
        pdf = request.build_absolute_uri(reverse("portal:statement_pdf", args=[slug, item.code]))
    return {
        **public_rows.submission_row(programme, item, status, due, today),
        "pdf_url": pdf,
        "portal_url": request.build_absolute_uri(reverse(PAGES[item.kind], args=[slug, item.code])),
    }


LOADED = ("measure", "milestone", "position", "body", "unit", "answer_unit")


def _loaded():
    return Submission.objects.select_related(*LOADED).prefetch_related(
        Prefetch("extensions", queryset=Extension.objects.order_by("on", "pk"))
    )


class QuestionFilter(PageQuery):
    status: str | None = Field(
        None, pattern="^(open|overdue|answered)$", description="open, overdue or answered."
    )
    unit: str | None = Field(None, description="Only those this unit answers (its name).")
    measure: str | None = Field(
        None, description="Only those about this measure (code) or one of its milestones."
    )


class StatementFilter(QuestionFilter):
    body: str | None = Field(None, description="Only the statements of this body (its code).")


def _listed(request, slug, kind, filters):
    """A page of the public items of ``kind``, newest first, as the portal's list filters
    them; a filter that names nothing leaves nothing."""
    programme = get_programme(slug)
    today = clock.today()
    _everything, shown = figures.listing(programme, kind, today)
    unit_ids = body_ids = measure_id = None
    if filters.unit:
        unit_ids = set(
            Unit.objects.filter(
                organisation=programme.organisation_id, name=filters.unit
            ).values_list("pk", flat=True)
        )
    if getattr(filters, "body", None):
        body_ids = set(
            Body.objects.filter(
                organisation=programme.organisation_id, code=filters.body
            ).values_list("pk", flat=True)
        )
    if filters.measure:
        found = Measure.objects.filter(programme=programme, code=filters.measure).public()
        measure_id = found.values_list("pk", flat=True).first() or 0
    rows = figures.narrowed(
        shown,
        status=filters.status or "",
        unit_ids=unit_ids,
        body_ids=body_ids,
        measure_id=measure_id,
    )
    page = paginate(request, rows, filters)
    briefs = page["results"]
    loaded = _loaded().in_bulk([b.pk for b in briefs])
    page["results"] = [
        submission_row(request, programme, loaded[b.pk], b.status, b.due, today) for b in briefs
    ]
    return page


def _one(request, slug, kind, code):
    programme = get_programme(slug)
    item = _loaded().filter(programme=programme, kind=kind, code=code.rstrip("/")).public().first()
    if item is None:
        raise Http404(_("There is no public question or statement with this code."))
    today = clock.today()
    return submission_row(
        request, programme, item, item.status(today), item.due_in_force(today), today
    )


@router.get(
    "/programmes/{slug}/questions/",
    response=responses(page_of(SubmissionOut), 404),
    summary="Questions and their answers, newest first",
)
def questions(request, slug: str, filters: Query[QuestionFilter]):
    return _listed(request, slug, Submission.QUESTION, filters)


class AnswerIn(Schema):
    text: str = Field(min_length=1, max_length=20_000, description="The official answer.")


def _answer(request, slug, kind, code, body):
    programme = get_programme(slug)
    actor = scoped(request, programme)
    item = _loaded().filter(programme=programme, kind=kind, code=code).public().first()
    if item is None:
        raise Http404(_("There is no public question or statement with this code."))
    changing(request, _one(request, slug, kind, code), SubmissionOut)
    service.answer(item, actor=actor, text=body.text, expected_version=item.version)
    return _one(request, slug, kind, code)


ANSWER = responses(SubmissionOut, 400, 401, 403, 404, 412, 428, read=False)


@router.post(
    "/programmes/{slug}/questions/{path:code}/answer",
    response=ANSWER,
    summary="Give or correct the official answer to a question",
    auth=token_auth,
)
def answer_question(request, slug: str, code: str, body: AnswerIn):
    return _answer(request, slug, Submission.QUESTION, code, body)


@router.post(
    "/programmes/{slug}/statements/{path:code}/answer",
    response=ANSWER,
    summary="Give or correct the official answer to a statement",
    auth=token_auth,
)
def answer_statement(request, slug: str, code: str, body: AnswerIn):
    return _answer(request, slug, Submission.STATEMENT, code, body)


# After the writes: its path would take their addresses too.
@router.get(
    "/programmes/{slug}/questions/{path:code}",
    response=responses(SubmissionOut, 404),
    summary="A question and its answer (a code with “/” percent-encoded)",
)
def question(request, slug: str, code: str):
    return _one(request, slug, Submission.QUESTION, code)


@router.get(
    "/programmes/{slug}/statements/",
    response=responses(page_of(SubmissionOut), 404),
    summary="Statements of bodies and their answers, newest first",
)
def statements(request, slug: str, filters: Query[StatementFilter]):
    return _listed(request, slug, Submission.STATEMENT, filters)


@router.get(
    "/programmes/{slug}/statements/{path:code}",
    response=responses(SubmissionOut, 404),
    summary="A statement and its answer (a code with “/” percent-encoded)",
)
def statement(request, slug: str, code: str):
    return _one(request, slug, Submission.STATEMENT, code)


# -- bodies ----------------------------------------------------------------------------------


class BodyOut(Schema):
    code: str
    name: str
    kind: str = Field(
        description="A classification such as advisory_council, youth_body, staff_council, "
        "council, committee."
    )


@router.get(
    "/programmes/{slug}/bodies/",
    response=responses(page_of(BodyOut), 404),
    summary="Bodies: advisory councils, the council, committees, by code",
)
def bodies(request, slug: str, paging: Query[PageQuery]):
    programme = get_programme(slug)
    rows = Body.objects.filter(organisation=programme.organisation_id).order_by("code", "pk")
    page = paginate(request, rows, paging)
    page["results"] = [{"code": b.code, "name": b.name, "kind": b.kind} for b in page["results"]]
    return page
