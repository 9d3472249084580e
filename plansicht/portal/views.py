"""Public pages. Anyone may read them, without login.

They read stored forecasts and public history only: ``.public()`` querysets, never a draft at
any depth of the measure tree, never a field declared internal. Nothing is computed on page
view, and the number of queries of a page does not grow with the size of the programme.
"""

from itertools import groupby
from urllib.parse import quote

from django.core.paginator import Paginator
from django.db.models import FilteredRelation, Min, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from plansicht import clock
from plansicht.content.models import Page
from plansicht.forecast import conditions, public_history, summaries
from plansicht.forecast.charts import money_chart
from plansicht.history.models import Event
from plansicht.history.registry import PLAN
from plansicht.plan import models as plan
from plansicht.proposals import reads as proposal_reads

from . import decisions, hosts, indicators, participation, timeline
from .cache import public_page
from .forms import HistoryFilter

HEALTHS = ("red", "amber", "green")
# The overview's timeline has a lane per published measure up to this many, else per top one.
TIMELINE_ALL_MEASURES_UP_TO = 12
# Up to this many public measures the overview lists every one under its field of action;
# beyond, each field's top measures (their figures cover their sub-measures), at most
# FIELD_ROWS of them (the most delayed), and a link to all of the field's measures: the page
# keeps its size however large the plan grows.
OVERVIEW_ALL_MEASURES_UP_TO = 40
FIELD_ROWS = 10


def _programme(slug):
    return get_object_or_404(
        plan.Programme.objects.select_related("organisation", "forecast"), slug=slug
    )


def _public_measures(programme):
    return (
        plan.Measure.objects.filter(programme=programme)
        .public()
        .select_related("forecast", "field_of_action", "lead_unit")
        .order_by("code")
    )


def _tree(measures):
    """Measures in tree order with their depth; parents first, children by code."""
    by_parent = {}
    ids = {m.pk for m in measures}
    for m in measures:
        by_parent.setdefault(m.parent_id if m.parent_id in ids else None, []).append(m)
    ordered = []

    def walk(parent, depth):
        for m in by_parent.get(parent, []):
            m.depth = depth
            ordered.append(m)
            walk(m.pk, depth + 1)

    walk(None, 0)
    return ordered


def _most_delayed(measures: list, count: int) -> list:
    """The ``count`` measures with the largest delay (the first of equals), in their order."""
    if len(measures) <= count:
        return measures

    def delay(m):
        return m.forecast.slip_days if m.forecast.slip_days is not None else -(10**9)

    largest = {id(m) for m in sorted(measures, key=delay, reverse=True)[:count]}
    return [m for m in measures if id(m) in largest]


def _with_urls(slug, measures):
    """Set each measure's page address (``m.url``) for long lists: ``reverse`` once with a
    stand-in code, then each real code quoted the way ``reverse`` quotes it — the same
    address as ``{% url 'portal:measure' … %}``, at a fraction of the cost per row."""
    address = reverse("portal:measure", args=[slug, STAND_IN])
    before, after = address.rsplit(STAND_IN, 1)
    for m in measures:
        m.url = before + quote(m.code, safe=RFC3986_SUBDELIMS + "/~:@") + after
    return measures


STAND_IN = "code-stand-in"


def _versions(programme):
    forecast = getattr(programme, "forecast", None)
    if forecast is None:
        return None, None
    numbers = [n for n in (forecast.current_version, forecast.original_version) if n]
    versions = {
        v.number: v
        for v in plan.PlanVersion.objects.filter(programme=programme, number__in=numbers).annotate(
            decided=decisions.any_about_plan_version()
        )
    }
    return versions.get(forecast.current_version), versions.get(forecast.original_version)


def _set_starts(programme, tree, version):
    """Set ``first_forecast_start`` (earliest forecast start) and ``first_plan_start``
    (earliest start in ``version``, the current approved plan version, or None) on each
    measure of ``tree``, over the published milestones of its subtree.

    One aggregate query, whatever the number of measures and plan versions: stored forecasts
    only, and each milestone's entry of the one version joined (not every version's entries,
    filtered afterwards), which lets the database read that version's entries by its index.
    """
    own = {
        row["measure_id"]: (row["start"], row["planned"])
        for row in plan.Milestone.objects.filter(programme=programme)
        .public()
        .alias(entry=FilteredRelation("plan_entries", condition=Q(plan_entries__version=version)))
        .order_by()
        .values("measure_id")
        .annotate(start=Min("forecast__start"), planned=Min("entry__start"))
    }

    def earliest(*dates):
        dates = [d for d in dates if d is not None]
        return min(dates) if dates else None

    children = {}
    for m in tree:
        children.setdefault(m.parent_id, []).append(m)
    for m in reversed(tree):  # children come after their parent in tree order
        start, planned = own.get(m.pk, (None, None))
        below = children.get(m.pk, [])
        m.first_forecast_start = earliest(start, *(c.first_forecast_start for c in below))
        m.first_plan_start = earliest(planned, *(c.first_plan_start for c in below))


ROBOTS = "User-agent: *\nDisallow: /office/\nDisallow: /konto/\nDisallow: /admin/\n"


def robots_txt(request):
    """What crawlers may visit: the public pages, not the office, the accounts or the admin."""
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")


INDEX_PAGE_SIZE = 20
INDEX_SEARCH_FROM = 10  # programmes: from this many on, the start page offers a search


def index(request):
    """The programmes, grouped by organisation, searchable and in pages; on an organisation's
    own host name only its programmes (``portal.hosts``)."""
    programmes = plan.Programme.objects.select_related("forecast", "organisation").order_by(
        "organisation__name", "title"
    )
    own = hosts.organisation_id(request)
    if own is not None:
        programmes = programmes.filter(organisation_id=own)
    searchable = programmes.count() >= INDEX_SEARCH_FROM
    query = request.GET.get("q", "").strip()[:100]
    if query:
        programmes = programmes.filter(
            Q(title__icontains=query) | Q(organisation__name__icontains=query)
        )
    page = Paginator(programmes, INDEX_PAGE_SIZE).get_page(request.GET.get("page"))
    groups = [
        (organisation, list(items))
        for organisation, items in groupby(page.object_list, key=lambda p: p.organisation)
    ]
    return render(
        request,
        "portal/index.html",
        {
            "groups": groups,
            "page": page,
            "query": query,
            "searchable": searchable or bool(query),
            "grouped": own is None,
        },
    )


@public_page
def overview(request, slug):
    programme = _programme(slug)
    measures = list(_public_measures(programme))
    fields = list(plan.FieldOfAction.objects.filter(programme=programme).order_by("code"))
    tree = _with_urls(slug, _tree(measures))
    compact = len(tree) > OVERVIEW_ALL_MEASURES_UP_TO
    for field in fields:
        field.tree = [m for m in tree if m.field_of_action_id == field.pk]
        field.count = len(field.tree)
        if compact:  # a measure whose parent belongs to another field is a top one here
            inside = {m.pk for m in field.tree}
            tops = [m for m in field.tree if m.parent_id not in inside]
            field.tree = _most_delayed(tops, FIELD_ROWS)
    fields = [f for f in fields if f.tree]
    current, original = _versions(programme)
    plan_decisions = decisions.about_plan_versions(programme, [current, original])
    forecast = getattr(programme, "forecast", None)
    counts = forecast.health_counts if forecast is not None else {}
    _set_starts(programme, tree, current)
    lanes = tree
    if len(tree) > TIMELINE_ALL_MEASURES_UP_TO:
        lanes = [m for m in tree if m.depth == 0]
    lanes = timeline.measure_rows(lanes)
    lanes_total = len(lanes)
    lanes = _most_delayed(lanes, TIMELINE_ALL_MEASURES_UP_TO)  # a compact picture
    from plansicht.staffing.models import Position

    vacant_posts = Position.objects.filter(
        programme=programme, grant__isnull=False, forecast__vacant=True
    ).count()
    recent = public_history.with_subjects(
        programme,
        Event.objects.for_programme(programme)
        .public()
        .of_kind(PLAN)
        .exclude(reason="")
        .select_related("unit")[:5],
    )
    return render(
        request,
        "portal/overview.html",
        {
            "programme": programme,
            "fields": fields,
            "compact": compact,
            "field_rows": FIELD_ROWS,
            "measure_health": counts.get("measures", {}),
            "milestone_health": counts.get("milestones", {}),
            "vacant_posts": vacant_posts,
            "measure_count": len(measures),
            "current_version": current,
            "original_version": original,
            "current_decisions": plan_decisions.get(getattr(current, "pk", None), []),
            "original_decisions": plan_decisions.get(getattr(original, "pk", None), []),
            "recent": recent,
            "lanes": lanes,
            "lanes_total": lanes_total,
            "timeline": timeline.for_measures(programme, lanes),
            "answers": participation.shares(programme),
            "proposals": proposal_reads.figures(programme, clock.today()),
            "acceptance": indicators.acceptance(plan.Milestone.objects.filter(programme=programme)),
            "follow": participation.follow_control(
                request, programme, "programme", programme.title
            ),
            "nav": "overview",
        },
    )


@public_page
def measure_list(request, slug):
    programme = _programme(slug)
    measures = _public_measures(programme)
    fields = plan.FieldOfAction.objects.filter(programme=programme).order_by("code")
    units = {}
    all_public = _with_urls(slug, list(measures))
    for m in all_public:
        if m.lead_unit is not None:
            units[m.lead_unit_id] = m.lead_unit
    chosen = {
        "field": request.GET.get("field", ""),
        "health": request.GET.get("health", ""),
        "unit": request.GET.get("unit", ""),
        "q": request.GET.get("q", "").strip()[:100],
    }
    result = all_public
    if chosen["field"]:
        result = [m for m in result if m.field_of_action.code == chosen["field"]]
    if chosen["health"] in HEALTHS:
        result = [m for m in result if _health(m) == chosen["health"]]
    elif chosen["health"] == "none":
        result = [m for m in result if _health(m) is None]
    if chosen["unit"].isdigit():
        result = [m for m in result if m.lead_unit_id == int(chosen["unit"])]
    if chosen["q"]:
        wanted = set(
            measures.filter(
                Q(code__icontains=chosen["q"])
                | Q(title__icontains=chosen["q"])
                | Q(description__icontains=chosen["q"])
            ).values_list("pk", flat=True)
        )
        result = [m for m in result if m.pk in wanted]
    return render(
        request,
        "portal/measure_list.html",
        {
            "programme": programme,
            "measures": result,
            "total": len(all_public),
            "fields": fields,
            "units": sorted(units.values(), key=lambda u: u.name),
            "chosen": chosen,
            "filtered": any(chosen.values()),
            "nav": "measures",
        },
    )


def _health(measure):
    return measure.forecast.health if hasattr(measure, "forecast") else None


@public_page
def measure_detail(request, slug, code):
    """A measure's page; a participant's comment on it is sent here (POST)."""
    programme = _programme(slug)
    public = list(
        indicators.annotate(
            plan.Measure.objects.filter(programme=programme)
            .public()
            .select_related("forecast", "lead_unit", "field_of_action")
            .annotate(decided=decisions.any_about_measure())
        )
    )
    measure = next((m for m in public if m.code == code), None)
    if measure is None:
        raise Http404(_("There is no public measure with this code."))
    comment_form, status = None, 200
    if request.method == "POST":
        result = participation.receive_comment(request, programme, measure)
        if not isinstance(result, tuple):
            return result
        comment_form, status = result
    by_id = {m.pk: m for m in public}
    ancestors = []
    node = by_id.get(measure.parent_id)
    while node is not None and node not in ancestors:
        ancestors.insert(0, node)
        node = by_id.get(node.parent_id)
    children = sorted((m for m in public if m.parent_id == measure.pk), key=lambda m: m.code)
    milestones = list(
        plan.Milestone.objects.filter(measure=measure)
        .public()
        .select_related("forecast", "forecast__driver_milestone", "forecast__driver_position")
        .order_by("planned_start", "code")
    )
    summaries.explain_drivers(programme, milestones)
    baseline = _baseline_dates(programme, milestones)
    for m in milestones:
        m.baseline = baseline.get(m.pk)
    from plansicht.staffing.models import Position

    posts = list(
        Position.objects.filter(required_by__in=[m.pk for m in milestones])
        .select_related("forecast")
        .distinct()
        .order_by("code")
    )
    history = public_history.with_subjects(
        programme, Event.objects.for_measure(measure).public().select_related("unit")[:50]
    )
    chart = timeline.for_milestones(programme, milestones, baseline, measure)
    return render(
        request,
        "portal/measure_detail.html",
        {
            "programme": programme,
            "measure": measure,
            "ancestors": ancestors,
            "children": children,
            "milestones": milestones,
            "baseline": baseline,
            "history": history,
            "timeline": chart,
            "posts": posts,
            "decisions": decisions.about_measure(programme, measure) if measure.decided else [],
            "red_child": _red_child(measure, milestones, children),
            "nav": "measures",
            **indicators.for_measure(measure, public),
            **participation.for_measure(request, programme, measure, milestones, comment_form),
        },
        status=status,
    )


def _red_child(measure, milestones, children):
    """The sub-measure that makes a measure red when none of its own milestones is red."""
    if _health(measure) != "red" or any(_health(m) == "red" for m in milestones):
        return None
    return next((c for c in children if _health(c) == "red"), None)


def _baseline_dates(programme, milestones):
    """{milestone id: (start, finish)} in the current plan version, in one query."""
    forecast = getattr(programme, "forecast", None)
    if forecast is None or forecast.current_version is None:
        return {}
    return {
        pk: (start, finish)
        for pk, start, finish in plan.PlanVersionEntry.objects.filter(
            version__programme=programme,
            version__number=forecast.current_version,
            milestone__in=[m.pk for m in milestones],
        ).values_list("milestone_id", "start", "finish")
    }


@public_page
def milestone_detail(request, slug, code):
    programme = _programme(slug)
    milestone = get_object_or_404(
        plan.Milestone.objects.filter(programme=programme)
        .public()
        .select_related(
            "forecast",
            "measure",
            "measure__lead_unit",
            "forecast__driver_milestone",
            "forecast__driver_position",
        ),
        code=code,
    )
    summaries.explain_drivers(programme, [milestone])
    public_ids = plan.Milestone.objects.filter(programme=programme).public().values("pk")
    predecessors = (
        plan.Dependency.objects.filter(successor=milestone, predecessor__in=public_ids)
        .select_related("predecessor", "predecessor__forecast")
        .order_by("predecessor__code")
    )
    successors = (
        plan.Dependency.objects.filter(predecessor=milestone, successor__in=public_ids)
        .select_related("successor", "successor__forecast")
        .order_by("successor__code")
    )
    history = Event.objects.public().about(milestone).select_related("unit")[:50]
    baseline = _baseline_dates(programme, [milestone]).get(milestone.pk)
    current_version, _original = _versions(programme)
    return render(
        request,
        "portal/milestone_detail.html",
        {
            "programme": programme,
            "milestone": milestone,
            "measure": milestone.measure,
            "predecessors": predecessors,
            "successors": successors,
            "history": history,
            "baseline": baseline,
            "current_version": current_version,
            "nav": "measures",
        },
    )


@public_page
def history(request, slug):
    """Every public change, newest first, 50 a page; filtered by kind, measure (with its
    sub-measures) and dates. A filter that is not understood says so and is left out."""
    programme = _programme(slug)
    measures = _tree(list(_public_measures(programme)))
    form = HistoryFilter(request.GET, measures=measures)
    status = 200 if form.is_valid() else 400
    chosen = form.cleaned_data  # the valid filters only
    events = public_history.events(
        programme,
        kind=chosen.get("kind"),
        measure=next((m for m in measures if m.code == chosen.get("measure")), None),
        date_from=chosen.get("date_from"),
        date_until=chosen.get("date_until"),
    ).select_related("unit")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = public_history.with_subjects(programme, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/history.html",
        {
            "programme": programme,
            "page": page,
            "form": form,
            "filtered": any(chosen.get(k) for k in form.fields),
            "query": query.urlencode(),
            "nav": "history",
        },
        status=status,
    )


@public_page
def methodology(request, slug):
    from plansicht.engine import hiring
    from plansicht.participation.models import Submission, period_of
    from plansicht.staffing.models import STEP_CHOICES

    programme = _programme(slug)
    days = {**hiring.DEFAULT_HIRING_DAYS, **programme.hiring_days}
    hiring_days = [(label, days[step]) for step, label in STEP_CHOICES if step in days]
    return render(
        request,
        "portal/methodology.html",
        {
            "programme": programme,
            "hiring_days": hiring_days,
            "question_period": period_of(programme, Submission.QUESTION),
            "statement_period": period_of(programme, Submission.STATEMENT),
            "nav": "methodology",
        },
    )


def site_page(request, key):
    page = Page.objects.for_language(key, get_language())
    if page is None:
        raise Http404(_("This page has not been written yet."))
    return render(request, "portal/site_page.html", {"page": page})


@public_page
def finance(request, slug):
    from plansicht.funding.models import Grant

    programme = _programme(slug)
    forecast = getattr(programme, "forecast", None)
    grants = list(Grant.objects.filter(programme=programme).select_related("forecast"))
    tables = summaries.drawdown_tables(programme, forecast.as_of if forecast else None)
    for grant in grants:
        grant.drawdown_table = tables.get(grant.pk)
        stored = getattr(grant, "forecast", None)
        # The conditions' public figures; whether and when the funder was told is internal.
        grant.conditions = conditions.public(stored.conditions) if stored is not None else {}
    rows = forecast.money_by_year if forecast else []
    return render(
        request,
        "portal/finance.html",
        {
            "programme": programme,
            "grants": grants,
            "years": rows,
            "chart": money_chart(rows, _("Spending of the programme by year"), "money-programme"),
            "chart_id": "money-programme",
            "at_risk": summaries.at_risk_with_reasons(programme),
            "nav": "finance",
        },
    )


@public_page
def measure_finance(request, slug, code):
    programme = _programme(slug)
    public = list(
        plan.Measure.objects.filter(programme=programme).public().select_related("forecast")
    )
    measure = next((m for m in public if m.code == code), None)
    if measure is None:
        raise Http404(_("There is no public measure with this code."))
    subtree = plan.Measure.objects.filter(programme=programme).public().subtree_ids(measure)
    rows = measure.forecast.money_by_year if hasattr(measure, "forecast") else []
    lines = summaries.public_cost_lines(subtree)
    return render(
        request,
        "portal/measure_finance.html",
        {
            "programme": programme,
            "measure": measure,
            "years": rows,
            "chart": money_chart(
                rows,
                _("Spending of measure %(code)s by year") % {"code": measure.code},
                f"money-{measure.pk}",
            ),
            "chart_id": f"money-{measure.pk}",
            "at_risk": summaries.at_risk_with_reasons(programme, subtree),
            "lines": lines,
            "nav": "finance",
        },
    )


@public_page
def positions(request, slug):
    """Every funded post (and every post a published milestone waits for): where its hiring
    stands, who stands in, what waits for it and what its vacancy costs."""
    from plansicht.staffing.models import Position

    programme = _programme(slug)
    public_milestones = plan.Milestone.objects.filter(programme=programme).public()
    posts = list(
        Position.objects.filter(programme=programme)
        .public()
        .select_related("forecast", "grant", "unit")
        .prefetch_related(
            Prefetch("required_by", queryset=public_milestones.order_by("code"), to_attr="waiting"),
            Prefetch("decisions", queryset=decisions.taken_by_today(), to_attr="decided"),
        )
        .order_by("code")
    )
    may_follow, followed = participation.followed_posts(request, programme)
    for p in posts:
        p.follow = participation.FollowControl(
            f"position:{p.code}",
            p.title,
            following=p.pk in followed,
            may=may_follow,
            signed_in=request.user.is_authenticated,
        )
    return render(
        request,
        "portal/positions.html",
        {
            "programme": programme,
            "posts": posts,
            "nav": "positions",
        },
    )
