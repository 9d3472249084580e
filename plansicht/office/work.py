"""What each office role can act on: the work lists of the dashboard and the filters they share
with the milestone list, so that a dashboard's "all N" link leads to exactly those N.

Plan work is about open milestones only (a milestone finished years ago needs no action), most
urgent first: overdue by the most days, then the largest slip. The money and post work read the
stored forecasts; nothing here computes a forecast.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Case, DateField, Exists, F, OuterRef, Value, When
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from plansicht.accounts.models import StaffRole
from plansicht.forecast.models import GrantForecast, MilestoneForecast, PositionForecast
from plansicht.history.models import Event
from plansicht.plan.models import Milestone
from plansicht.services.permissions import ANSWER_ALL, EDIT_MONEY, EDIT_PLAN, EDIT_POSITIONS
from plansicht.staffing.alerts import alert_texts

from .forms import WorkFilterForm

LIMIT = 10  # rows per list on the dashboard; the rest behind "all N"
SOON_DAYS = 14

# The named lists of open milestones (``show`` in the milestone list's query string).
WORK_LISTS = {
    "open": _("Open milestones"),
    "overdue": _("Overdue milestones"),
    "unexplained": _("Late milestones without a recorded reason"),
    "delayed": _("Delayed milestones (red or amber)"),
    "soon": _("Milestones due in the next 14 days"),
}


def sections(role) -> set:
    """Which parts of the dashboard a role sees: what it may act on, else a summary."""
    if role is None:
        return set()
    parts = set()
    if role.role in EDIT_PLAN or role.role == StaffRole.UNIT_EDITOR:
        parts.add("plan")
    if role.role in EDIT_MONEY:
        parts.add("money")
    if role.role in EDIT_POSITIONS:
        parts.add("posts")
    if role.role in ANSWER_ALL or role.role == StaffRole.UNIT_EDITOR:
        parts.add("participation")
    if "plan" not in parts:
        parts.add("plan_status")
    return parts


def filter_form(request, programme, role) -> WorkFilterForm:
    """The filters from the query string. Until the form is sent, a unit editor sees the
    milestones of their own unit ("mine"); everyone else sees the whole programme."""
    has_unit = role is not None and role.unit_id is not None
    if "filtered" in request.GET:
        data = request.GET
    else:
        data = QueryDict(mutable=True)
        if has_unit and role.role == StaffRole.UNIT_EDITOR:
            data["mine"] = "on"
    form = WorkFilterForm(data, programme=programme, has_unit=has_unit)
    form.is_valid()  # an invalid value is shown at its field and not applied
    return form


def filters(form) -> dict:
    data = getattr(form, "cleaned_data", {})
    return {
        "mine": bool(data.get("mine")),
        "unit": data.get("unit"),
        "overdue": bool(data.get("overdue")),
        "show": data.get("show") or "",
    }


def query(chosen: dict, show="") -> str:
    """The query string of the milestone list for these filters and list."""
    q = QueryDict(mutable=True)
    q["filtered"] = "1"
    if chosen["mine"]:
        q["mine"] = "on"
    if chosen["unit"] is not None:
        q["unit"] = str(chosen["unit"].pk)
    if chosen["overdue"]:
        q["overdue"] = "on"
    if show:
        q["show"] = show
    return q.urlencode()


def unit_ids(role, chosen: dict) -> list:
    """The units whose measures the filters keep ("mine" and the chosen unit)."""
    ids = []
    if chosen["mine"] and role is not None and role.unit_id is not None:
        ids.append(role.unit_id)
    if chosen["unit"] is not None:
        ids.append(chosen["unit"].pk)
    return ids


def milestones(programme, role, chosen: dict, as_of):
    """The milestones the filters choose."""
    qs = Milestone.objects.filter(programme=programme).select_related(
        "measure", "measure__parent", "forecast"
    )
    for unit_id in unit_ids(role, chosen):
        qs = qs.led_by(unit_id)
    if chosen["overdue"]:
        qs = overdue(qs, as_of)
    return qs


def open_work(qs):
    """Published milestones not yet finished: the ones anyone can still act on."""
    return qs.public().filter(forecast__finished=False)


def overdue(qs, as_of):
    return open_work(qs).filter(forecast__baseline_finish__lt=as_of)


def by_urgency(qs, as_of):
    """Overdue by the most days first, then the largest slip, then by code."""
    return qs.annotate(
        overdue_since=Case(
            When(
                forecast__finished=False,
                forecast__baseline_finish__lt=as_of,
                then=F("forecast__baseline_finish"),
            ),
            default=Value(None),
            output_field=DateField(),
        )
    ).order_by(
        F("overdue_since").asc(nulls_last=True),
        F("forecast__slip_days").desc(nulls_last=True),
        "code",
    )


def work_list(qs, name, as_of):
    """One named list of open milestones, most urgent first."""
    qs = open_work(qs)
    if name == "overdue":
        qs = overdue(qs, as_of)
    elif name == "unexplained":
        reasoned = Event.objects.filter(
            subject_type__model="milestone", subject_id=OuterRef("pk")
        ).exclude(reason="")
        qs = qs.filter(forecast__slip_days__gt=0).filter(~Exists(reasoned))
    elif name == "delayed":
        qs = qs.filter(forecast__health__in=["red", "amber"])
    elif name == "soon":
        qs = qs.filter(
            forecast__finish__gte=as_of, forecast__finish__lte=as_of + timedelta(days=SOON_DAYS)
        )
    return by_urgency(qs, as_of)


def mark_overdue(rows, as_of):
    """Give each milestone its days overdue (None if not overdue), for the tables."""
    for m in rows:
        f = getattr(m, "forecast", None)
        late = (
            f is not None
            and not f.finished
            and f.baseline_finish is not None
            and f.baseline_finish < as_of
        )
        m.overdue_days = (as_of - f.baseline_finish).days if late else None
    return rows


def plan_lists(base, chosen, as_of, names=("overdue", "unexplained", "delayed", "soon")):
    """The dashboard's lists: [{"name", "title", "rows" (at most LIMIT), "count", "query"}]."""
    lists = []
    for name in names:
        qs = work_list(base, name, as_of)
        count = qs.count()
        lists.append(
            {
                "name": name,
                "title": WORK_LISTS[name],
                "rows": mark_overdue(list(qs[:LIMIT]), as_of),
                "count": count,
                "more": count > LIMIT,
                "query": query(chosen, name),
            }
        )
    return lists


# -- money work (finance officers) ------------------------------------------------------------


def _amount(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal("0")


def money_work(programme) -> dict:
    at_risk = (
        MilestoneForecast.objects.filter(milestone__programme=programme, cost_at_risk__gt=0)
        .select_related("milestone")
        .order_by("-cost_at_risk", "milestone__code")
    )
    gaps, behind = [], []
    for stored in (
        GrantForecast.objects.filter(grant__programme=programme)
        .select_related("grant")
        .order_by("grant__code")
    ):
        for row in stored.years:
            gap = _amount(row.get("own_share_gap"))
            if gap > 0:
                gaps.append({"grant": stored.grant, "year": row.get("year"), "gap": gap})
        lag = stored.drawdown_planned - stored.drawdown_received
        if lag > 0:
            behind.append(
                {
                    "grant": stored.grant,
                    "lag": lag,
                    "planned": stored.drawdown_planned,
                    "received": stored.drawdown_received,
                }
            )
    gaps.sort(key=lambda row: (row["year"], row["grant"].code))
    return {
        "at_risk": list(at_risk[:LIMIT]),
        "at_risk_count": at_risk.count(),
        "gaps": gaps,
        "behind": behind,
    }


# -- post work (HR) ---------------------------------------------------------------------------


def vacant_posts(programme):
    return (
        PositionForecast.objects.filter(position__programme=programme, vacant=True)
        .select_related("position")
        .order_by("-vacancy_cost", "fill", "position__code")
    )


def post_alerts(programme, as_of) -> list[dict]:
    """The posts with alerts, in words: [{"position", "alerts"}] by code."""
    rows = []
    for forecast in (
        PositionForecast.objects.filter(position__programme=programme)
        .select_related("position", "position__grant")
        .order_by("position__code")
    ):
        if forecast.alerts:
            rows.append(
                {
                    "position": forecast.position,
                    "alerts": alert_texts(forecast.position, forecast.alerts, as_of),
                }
            )
    return rows
