"""The public history of a programme as the portal's pages, its feeds and the API read it:
the public events, filtered as the history page filters them, each with what it is about as
the public may see it (its subject's title and public page, or the label stored with it).

A fixed number of queries per page of events, however long the history is."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from plansicht.funding.models import CostLine, Expenditure
from plansicht.history.models import Event
from plansicht.plan.models import Measure, Milestone, Programme
from plansicht.staffing.models import Position


def events(programme, *, kind="", measure=None, date_from=None, date_until=None):
    """The public events of ``programme``, newest first: of one ``kind`` of the registry
    (plan, money, posts, participation), about ``measure`` (a public one) with its public
    sub-measures, written from ``date_from`` until ``date_until`` (both days included), where
    given. Load their ``unit`` for the public author."""
    found = Event.objects.for_programme(programme).public()
    if kind:
        found = found.of_kind(kind)
    if measure is not None:
        found = found.filter(
            measure_id__in=Measure.objects.filter(programme=programme).public().subtree_ids(measure)
        )
    if date_from:
        found = found.filter(at__date__gte=date_from)
    if date_until:
        found = found.filter(at__date__lte=date_until)
    return found.order_by("-at", "-id")


@dataclass(frozen=True)
class Subject:
    """What an event is about, as the public may see it: its title and its public page
    (``page``: milestone, measure, positions, overview, or "" for none) by ``code``."""

    text: str
    page: str = ""
    code: str = ""


def with_subjects(programme, events) -> list:
    """The events, each with ``shown``: its subject's title and public page, when the subject
    exists and is public now; else its stored label (None without one). A fixed number of
    queries per page."""
    events = list(events)
    types = {
        model: t.pk
        for model, t in ContentType.objects.get_for_models(
            Milestone, Measure, CostLine, Expenditure, Position, Programme
        ).items()
    }

    def ids(*models):
        wanted = {types[m] for m in models}
        return {e.subject_id for e in events if e.subject_type_id in wanted and e.subject_id}

    def fetch(queryset, pks):
        return {o.pk: o for o in queryset.filter(pk__in=pks)} if pks else {}

    public_milestones = Milestone.objects.filter(programme=programme).public()
    money = ids(CostLine, Expenditure)
    milestones = fetch(
        public_milestones.only("pk", "code", "title"),
        ids(Milestone) | {e.milestone_id for e in events if e.subject_id in money},
    )
    measures = fetch(
        Measure.objects.filter(programme=programme).public().only("pk", "code", "title"),
        ids(Measure),
    )
    lines = set(fetch(CostLine.objects.filter(programme=programme).only("pk"), ids(CostLine)))
    spent = set(
        fetch(
            Expenditure.objects.filter(cost_line__programme=programme).only("pk"),
            ids(Expenditure),
        )
    )
    posts = fetch(  # the posts the public positions page shows
        Position.objects.filter(programme=programme).public().only("pk", "code", "title"),
        ids(Position),
    )
    for e in events:
        e.shown = _subject(e, types, programme, milestones, measures, lines, spent, posts)
    return events


def _subject(e, types, programme, milestones, measures, lines, spent, posts):
    kind, pk = e.subject_type_id, e.subject_id
    if kind == types[Milestone] and pk in milestones:
        m = milestones[pk]
        return Subject(f"{m.code} {m.title}", "milestone", m.code)
    if kind == types[Measure] and pk in measures:
        m = measures[pk]
        return Subject(f"{m.code} {m.title}", "measure", m.code)
    if (kind == types[CostLine] and pk in lines) or (kind == types[Expenditure] and pk in spent):
        m = milestones.get(e.milestone_id)
        if m is not None:
            return Subject(f"{e.subject_label} – {m.code} {m.title}", "milestone", m.code)
    if kind == types[Position] and pk in posts:
        p = posts[pk]
        return Subject(f"{p.code} {p.title}", "positions", p.code)
    if kind == types[Programme] and pk == programme.pk:
        return Subject(programme.title, "overview")
    return Subject(e.subject_label) if e.subject_label else None
