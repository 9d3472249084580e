"""Proposals and consultations as the public sees them, in plain values (dates, Decimals,
codes): the API answers these rows and the open data files write them, so both publish the
same and nothing more.

- A proposal: what it is about, who proposed it (the name shown, a body's name, never an
  address), its supports as a count, its threshold, due dates and status as of today
  (``plansicht.proposals.reads``), its decisions with their public reasons and its
  extensions. One hidden by the moderation shows its status and the moderation's reason,
  neither its title nor its text. One about a draft is not there at all; a decision's link to
  a draft measure or milestone is left out.
- A consultation: only public ones (a staff-only consultation is in no public format), its
  period (points in time with their offset) and questions; its results
  (``plansicht.consultations.reads.results``) only once it has closed."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from plansicht.consultations import reads as consultation_reads
from plansicht.consultations.models import Consultation, Question
from plansicht.engine import periods
from plansicht.engine import proposals as rules
from plansicht.forecast.public_rows import about_of
from plansicht.plan.models import Measure, Milestone
from plansicht.proposals import reads as proposal_reads
from plansicht.proposals.models import (
    STATUS_LABELS,
    Decision,
    Extension,
    Proposal,
    status_label,
)

# The rules' status of a proposal's deadline (``proposals.reads``), in words.
DEADLINE_LABELS = {
    rules.BELOW_THRESHOLD: pgettext_lazy("proposal deadline", "below the threshold"),
    periods.OPEN: pgettext_lazy("proposal deadline", "open"),
    periods.OVERDUE: pgettext_lazy("proposal deadline", "overdue"),
    periods.ANSWERED_IN_TIME: pgettext_lazy("proposal deadline", "decided in time"),
    periods.ANSWERED_WITHIN_EXTENSION: pgettext_lazy(
        "proposal deadline", "decided within the extension"
    ),
    periods.ANSWERED_LATE: pgettext_lazy("proposal deadline", "decided late"),
    periods.WITHDRAWN: pgettext_lazy("proposal deadline", "withdrawn"),
}
DEADLINE_STATUSES = tuple(DEADLINE_LABELS)


def deadline_label(status: str) -> str:
    return str(DEADLINE_LABELS.get(status, status))


# -- proposals ---------------------------------------------------------------------------------


def public_proposals(programme):
    """The programme's public proposals, newest first, with what their rows need."""
    return (
        Proposal.objects.filter(programme=programme)
        .public()
        .select_related("measure", "milestone", "position", "body")
        .prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.order_by("on", "pk")),
            Prefetch("extensions", queryset=Extension.objects.order_by("on", "pk")),
        )
        .order_by("-received", "-pk")
    )


def public_links(programme) -> set[str]:
    """The ``measure:CODE`` and ``milestone:CODE`` links a decision may show (two queries)."""
    measures = Measure.objects.filter(programme=programme).public().values_list("code", flat=True)
    milestones = (
        Milestone.objects.filter(programme=programme).public().values_list("code", flat=True)
    )
    return {f"measure:{c}" for c in measures} | {f"milestone:{c}" for c in milestones}


def _link(link: str, shown: set[str]) -> str | None:
    if not link:
        return None
    kind = link.partition(":")[0]
    if kind in ("measure", "milestone") and link not in shown:
        return None  # a draft's code is never named
    return link


def status_as_of(item, today) -> str:
    """The status of the last decision dated by ``today`` (submitted without one)."""
    status = rules.SUBMITTED
    for d in item.decisions.all():
        if d.on <= today:
            status = d.status
    return status


def proposal_row(programme, row, today, shown_links) -> dict:
    """One proposal (a ``proposals.reads.Row`` as of ``today``) as the public sees it."""
    item, state = row.item, row.state
    hidden = item.hidden
    status = status_as_of(item, today)
    return {
        "code": item.code,
        "about": about_of(programme, item),
        "by": item.shown_author or None,
        "body": item.body.code if item.body_id else None,
        "received": item.received,
        "title": None if hidden else item.title,
        "text": None if hidden else item.text,
        "hidden": hidden,
        "hidden_reason": item.hidden_reason if hidden else None,
        "status": status,
        "status_label": status_label(programme, status),
        "supports": state.supports,
        "threshold": programme.proposal_threshold,
        "threshold_reached": state.threshold_reached,
        "due": state.due,
        "original_due": state.original_due,
        "decided": state.decided,
        "deadline_status": state.status,
        "deadline_status_label": deadline_label(state.status),
        "decisions": [
            {
                "on": d.on,
                "status": d.status,
                "status_label": status_label(programme, d.status),
                "reason": d.reason,
                "link": _link(d.link, shown_links),
            }
            for d in item.decisions.all()
            if d.on <= today
        ],
        "extensions": [
            {"on": e.on, "to": e.to, "reason": e.reason}
            for e in item.extensions.all()
            if e.on <= today
        ],
    }


def proposals(programme, today, queryset=None) -> list[dict]:
    """The public proposals (``queryset``: a narrower choice of ``public_proposals``) as of
    ``today``, newest first: a fixed number of queries, however many there are."""
    if queryset is None:
        queryset = public_proposals(programme)
    found = proposal_reads.rows(programme, today, queryset)
    shown = public_links(programme)
    return [proposal_row(programme, row, today, shown) for row in found]


STATUSES = tuple(STATUS_LABELS)


# -- consultations -----------------------------------------------------------------------------


def public_consultations(programme):
    """The programme's consultations for the public (never a staff-only one), about the
    programme or a public measure, the latest opening first, with their questions."""
    return (
        Consultation.objects.filter(programme=programme)
        .public()
        .select_related("measure")
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("number")))
        .order_by("-opens", "-pk")
    )


def phase(consultation, now=None) -> str:
    """``upcoming``, ``open`` or ``closed``."""
    now = now or timezone.now()
    if now < consultation.opens:
        return "upcoming"
    return "closed" if consultation.is_closed(now) else "open"


def question_row(q) -> dict:
    return {
        "number": q.number,
        "kind": q.kind,
        "text": q.text,
        "required": q.required,
        "choices": list(q.choices) if q.kind in (Question.SINGLE, Question.MULTIPLE) else [],
    }


def results_rows(consultation) -> list[dict]:
    """The published results of a closed consultation, question by question, as
    ``consultations.reads.results`` counts them (two queries)."""
    out = []
    for r in consultation_reads.results(consultation):
        out.append(
            {
                "number": r.question.number,
                "kind": r.question.kind,
                "respondents": r.respondents,
                "choices": [
                    {"label": c.label, "count": c.count, "share": c.share} for c in r.choices
                ],
                "mean": r.mean,
                "texts": list(r.texts),
            }
        )
    return out


def consultation_row(consultation, now=None, *, with_results=True) -> dict:
    """A public consultation; its results once it has closed (``with_results``), else null."""
    now = now or timezone.now()
    closed = consultation.is_closed(now)
    c = consultation
    return {
        "code": c.code,
        "title": c.title,
        "description": c.description,
        "measure": c.measure.code if c.measure_id else None,
        "opens": timezone.localtime(c.opens),
        "closes": timezone.localtime(c.closes),
        "phase": phase(c, now),
        "questions": [question_row(q) for q in c.questions.all()],
        "respondents": consultation_reads.respondents(c) if closed and with_results else None,
        "results": results_rows(c) if closed and with_results else None,
        "summary": (c.summary or None) if closed else None,
        "summary_on": c.summary_on if closed and c.summary else None,
    }
