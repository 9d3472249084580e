"""The proposals' reads: each one's supports, threshold, due date and status as of a date,
and the figures (``plansicht.engine.proposals`` holds the rules). Three queries for a whole
programme, whatever the number of proposals."""

from dataclasses import dataclass
from datetime import date

from plansicht.engine import periods
from plansicht.engine import proposals as rules
from plansicht.participation import holidays
from plansicht.participation.models import Submission, period_of

from .models import Decision, Extension, Proposal, Support

# A proposal's status as of a date, in words (the answer statuses and one more).
BELOW_THRESHOLD = rules.BELOW_THRESHOLD


@dataclass(frozen=True)
class Row:
    """A proposal as of a date: the stored object and its state (``rules.State``)."""

    item: Proposal
    state: rules.State

    @property
    def status(self) -> str:
        return self.state.status


def engine_items(proposals) -> dict[int, rules.ProposalIn]:
    """{pk: the proposal as the rules read it} for the proposals given (three queries)."""
    ids = [p.pk for p in proposals]
    supports, decisions, extensions = {}, {}, {}
    for pk, on in Support.objects.filter(proposal_id__in=ids).values_list("proposal_id", "on"):
        supports.setdefault(pk, []).append(on)
    for pk, on, status in (
        Decision.objects.filter(proposal_id__in=ids)
        .order_by("on", "pk")
        .values_list("proposal_id", "on", "status")
    ):
        decisions.setdefault(pk, []).append((on, status))
    for pk, on, to in (
        Extension.objects.filter(proposal_id__in=ids)
        .order_by("on", "pk")
        .values_list("proposal_id", "on", "to")
    ):
        extensions.setdefault(pk, []).append((on, to))
    return {
        p.pk: rules.ProposalIn(
            received=p.received,
            supports=tuple(sorted(supports.get(p.pk, ()))),
            decisions=tuple(decisions.get(p.pk, ())),
            extensions=tuple(extensions.get(p.pk, ())),
            hidden=p.hidden,
        )
        for p in proposals
    }


def context(programme):
    """What the rules need of the programme: (threshold, answer period, public holidays)."""
    region = holidays.calendar(programme.holiday_region, programme.holiday_categories)
    return programme.proposal_threshold, period_of(programme, Submission.QUESTION), region


def rows(programme, as_of: date, queryset=None) -> list[Row]:
    """Every proposal of ``queryset`` (default: all of the programme's) received by
    ``as_of``, in the queryset's order, with its state then."""
    if queryset is None:
        queryset = Proposal.objects.filter(programme=programme)
    items = list(queryset.filter(received__lte=as_of))
    threshold, period, region = context(programme)
    engine = engine_items(items)
    out = []
    for item in items:
        current = rules.state(engine[item.pk], threshold, period, region, as_of)
        if current is not None:
            out.append(Row(item, current))
    return out


def state_of(proposal, as_of: date) -> rules.State | None:
    """One proposal's state as of ``as_of``."""
    threshold, period, region = context(proposal.programme)
    return rules.state(engine_items([proposal])[proposal.pk], threshold, period, region, as_of)


def figures(programme, as_of: date, found: list[Row] | None = None) -> periods.Figures:
    """The figures of the programme's proposals as of ``as_of`` (``found``: rows read
    already)."""
    if found is None:
        found = rows(programme, as_of)
    return rules.figures((row.state, row.item.hidden) for row in found)
