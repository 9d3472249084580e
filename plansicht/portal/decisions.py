"""Public pages of the council decisions: a programme's register (filtered by body and year,
with a plain GET form) and one decision's page with what it is about and the status of each
assignment as of today; and the short lists "decisions about this" of the measure and posts
pages.

Decisions are public, as the council's are. What they link to is shown only where it is
public itself: a draft measure (at any depth) or a draft milestone is left out, never named.
Statuses depend on the date, so they are computed from the stored facts
(``plansicht.decisions.reads``) in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plansicht import clock
from plansicht.decisions import reads
from plansicht.decisions.models import Decision
from plansicht.engine import assignments as rules
from plansicht.plan.models import Programme
from plansicht.staffing.models import STEP_CHOICES

from .cache import public_page
from .forms import DecisionFilter


def _programme(slug):
    return get_object_or_404(
        Programme.objects.select_related("organisation", "forecast"), slug=slug
    )


def decision_url(programme, decision) -> str:
    return reverse("portal:decision", args=[programme.slug, decision.pk])


@public_page
def register(request, slug):
    """The programme's decisions, newest first, with how their assignments stand today."""
    programme = _programme(slug)
    today = clock.today()
    bodies = reads.bodies(programme)
    filters = DecisionFilter(
        request.GET, bodies=bodies, years=reads.years(programme), auto_id="filter-%s"
    )
    valid = filters.is_valid()
    chosen = filters.cleaned_data  # the valid filters only
    body = next((b for b in bodies if b.code == chosen.get("body")), None)
    year = int(chosen["year"]) if chosen.get("year") else None
    rows = reads.register(programme, today, body=body, year=year)
    for row in rows:
        row.url = decision_url(programme, row.decision)
    total = Decision.objects.for_programme(programme).taken_by(today).count()
    return render(
        request,
        "portal/decisions.html",
        {
            "programme": programme,
            "rows": rows,
            "filters": filters,
            "filtered": body is not None or year is not None,
            "total": total,
            "overdue": sum(row.overdue_count for row in rows),
            "today": today,
            "nav": "decisions",
        },
        status=200 if valid else 400,
    )


@dataclass
class Link:
    url: str | None
    label: str


def _links(programme, decision) -> dict:
    """What the decision is about, as the public may see it: drafts left out."""
    found = reads.about(programme, [decision])[decision.pk]
    posts_url = reverse("portal:positions", args=[programme.slug])
    return {
        "plan_versions": [
            Link(
                None,
                _("Plan version %(number)s “%(label)s”, approved on %(date)s")
                % {
                    "number": v.number,
                    "label": v.label,
                    "date": date_format(v.approved_on, "SHORT_DATE_FORMAT"),
                },
            )
            for v in found.plan_versions
        ],
        "positions": [
            Link(f"{posts_url}#post-{slugify(p.code)}" if public else None, p.title)
            for p, public in found.positions
        ],
        "measures": [
            Link(reverse("portal:measure", args=[programme.slug, m.code]), f"{m.code} {m.title}")
            for m in found.measures
        ],
        "grants": [
            Link(reverse("portal:finance", args=[programme.slug]), f"{g.title} ({g.funder})")
            for g in found.grants
        ],
    }


def _condition(programme, assignment, public_milestones, public_posts) -> Link:
    """How the assignment is shown done, in words, with the page of what it names."""
    shown = reads.condition(assignment, public_milestones, public_posts)
    if shown.kind == rules.MILESTONE:
        m = shown.milestone
        if m is None:
            return Link(None, _("A milestone is finished"))
        return Link(
            reverse("portal:milestone", args=[programme.slug, m.code]),
            _("Milestone %(code)s %(title)s is finished") % {"code": m.code, "title": m.title},
        )
    if shown.kind == rules.POSITION_STEP:
        p = shown.position
        step = dict(STEP_CHOICES).get(shown.step, shown.step)
        if p is None:
            return Link(None, _("A post reaches the step “%(step)s”") % {"step": step})
        url = None
        if shown.position_public:
            url = reverse("portal:positions", args=[programme.slug]) + f"#post-{slugify(p.code)}"
        return Link(
            url,
            _("The post %(title)s reaches the step “%(step)s” or a later one")
            % {"title": p.title, "step": step},
        )
    if shown.kind == rules.PLAN_VERSION:
        return Link(None, _("Plan version %(number)s is approved") % {"number": shown.plan_version})
    return Link(None, _("The programme office records it as done"))


@public_page
def decision(request, slug, pk):
    """One decision: who decided what and when, the vote, the text, what it is about, and
    each assignment with its due date, how it is shown done and its status today."""
    programme = _programme(slug)
    today = clock.today()
    found = get_object_or_404(
        Decision.objects.for_programme(programme).taken_by(today).select_related("body"), pk=pk
    )
    row = reads.decision_row(found, today)
    public_milestones, public_posts = reads.public_facts(programme)
    for line in row.assignments:
        line.condition = _condition(programme, line.assignment, public_milestones, public_posts)
    return render(
        request,
        "portal/decision.html",
        {
            "programme": programme,
            "decision": found,
            "row": row,
            "links": _links(programme, found),
            "today": today,
            "nav": "decisions",
        },
    )


def any_about_measure() -> Exists:
    """Whether a decision taken by today is about the measure (``OuterRef("pk")``): annotated
    on the measure page's one query of measures, so that a measure no decision is about costs
    the page no query of its own."""
    return Exists(Decision.objects.taken_by(clock.today()).filter(measures=OuterRef("pk")))


def any_about_plan_version() -> Exists:
    """Whether a decision taken by today is about the plan version (``OuterRef("pk")``)."""
    return Exists(Decision.objects.taken_by(clock.today()).filter(plan_versions=OuterRef("pk")))


def about_measure(programme, measure) -> list[Decision]:
    """The decisions about ``measure`` taken by today, oldest first (the measure's page)."""
    decisions = Decision.objects.for_programme(programme).taken_by(clock.today())
    return list(decisions.about_measure(measure).in_order())


def taken_by_today():
    """The decisions taken by today, oldest first: a queryset to prefetch per post."""
    return Decision.objects.taken_by(clock.today()).in_order()


def about_plan_versions(programme, versions) -> dict:
    """{plan version id: the decisions about it taken by today, oldest first} for the
    ``versions`` given (None left out): one query, none when no version has a decision (as
    ``any_about_plan_version`` annotated on them says)."""
    pks = [v.pk for v in versions if v is not None and getattr(v, "decided", True)]
    found = {}
    if not pks:
        return found
    through = Decision.plan_versions.through.objects.filter(
        planversion_id__in=pks, decision__date__lte=clock.today()
    ).select_related("decision")
    for link in through.order_by("decision__date", "decision__number"):
        found.setdefault(link.planversion_id, []).append(link.decision)
    return found
