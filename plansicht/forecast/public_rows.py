"""The public rows of a programme, as the portal shows them: each measure, milestone, post,
question or statement, decision and indicator with its figures from the stored forecast, in
plain values (dates, Decimals, codes). The API answers them and the open data files write
them, so both faces publish the same figures and nothing internal: no internal note, no
holder's name, no e-mail address, no expenditure."""

from django.db.models import Prefetch

from plansicht import clock
from plansicht.decisions import reads as decision_reads
from plansicht.decisions.models import Assignment, Decision
from plansicht.engine import periods
from plansicht.participation import figures as participation_figures
from plansicht.plan.models import Milestone
from plansicht.staffing.models import STEP_CHOICES, Position

# The figures a programme and a measure share.
FIGURES = (
    "forecast_finish",
    "baseline_finish",
    "original_finish",
    "slip_days",
    "health",
    "percent_complete",
    "cost_at_risk",
    "grant_at_risk",
)


def measure_row(m) -> dict:
    f = getattr(m, "forecast", None)
    return {
        "code": m.code,
        "title": m.title,
        "description": m.description,
        "parent": m.parent.code if m.parent_id else None,
        "field_of_action": m.field_of_action.code if m.field_of_action_id else None,
        "lead_unit": m.lead_unit.name if m.lead_unit_id else None,
        **{k: getattr(f, k, None) for k in (*FIGURES, "late_since")},
        "milestone_count": getattr(f, "milestone_count", 0),
    }


def milestone_row(m) -> dict:
    f = getattr(m, "forecast", None)
    forecast = None
    if f is not None:
        forecast = {
            "start": f.start,
            "finish": f.finish,
            "started": f.started,
            "finished": f.finished,
            "baseline_finish": f.baseline_finish,
            "original_finish": f.original_finish,
            "slip_days": f.slip_days,
            "original_slip_days": f.original_slip_days,
            "health": f.health,
            "late_since": f.late_since,
            "cost_at_risk": f.cost_at_risk,
            "grant_at_risk": f.grant_at_risk,
            "late_because_of_milestone": f.driver_milestone.code if f.driver_milestone else None,
            "late_because_of_post": f.driver_position.code if f.driver_position else None,
        }
    return {
        "code": m.code,
        "title": m.title,
        "description": m.description,
        "measure": m.measure.code,
        "planned_start": m.planned_start,
        "duration_days": m.duration_days,
        "expected_finish": m.expected_finish,
        "actual_start": m.actual_start,
        "actual_finish": m.actual_finish,
        "progress": m.progress,
        "accepted_on": m.accepted_on,
        "forecast": forecast,
    }


MILESTONE_RELATED = (
    "measure",
    "forecast",
    "forecast__driver_milestone",
    "forecast__driver_position",
)


def public_milestones(programme):
    return (
        Milestone.objects.filter(programme=programme)
        .public()
        .select_related(*MILESTONE_RELATED)
        .order_by("code", "pk")
    )


# -- posts -------------------------------------------------------------------------------------


def position_row(p) -> dict:
    f = getattr(p, "forecast", None)
    vacant = f.vacant if f is not None else None
    return {
        "code": p.code,
        "title": p.title,
        "grant": p.grant.code if p.grant_id else None,
        "grant_title": p.grant.title if p.grant_id else None,
        "vacant": vacant,
        "filled_since": f.fill if vacant is False else None,
        "current_step": (f.current_step or None) if vacant else None,
        "current_step_label": (str(dict(STEP_CHOICES).get(f.current_step, "")) or None)
        if vacant and f.current_step
        else None,
        "current_since": f.current_since if vacant and f.current_step else None,
        "vacant_since": f.vacant_since if vacant else None,
        "vacant_since_basis": (f.vacant_basis or None) if vacant else None,
        "days_vacant": f.days_vacant if vacant else None,
        "forecast_fill": f.fill if vacant else None,
        "cover": p.cover if vacant else None,
        "cover_label": str(p.get_cover_display()) if vacant else None,
        "vacancy_cost": f.vacancy_cost if vacant else None,
        "month_cost": f.month_cost if vacant else None,
        "decisions": [
            {"id": d.pk, "number": d.number, "date": d.date, "title": d.title} for d in p.decided
        ],
        "waiting_milestones": [m.code for m in p.waiting],
    }


def public_positions(programme):
    """The posts the positions page shows, by code, with what the rows need."""
    public = Milestone.objects.filter(programme=programme).public()
    return (
        Position.objects.filter(programme=programme)
        .public()
        .select_related("forecast", "grant")
        .prefetch_related(
            Prefetch("required_by", queryset=public.order_by("code"), to_attr="waiting"),
            Prefetch(
                "decisions",
                queryset=Decision.objects.taken_by(clock.today()).in_order(),
                to_attr="decided",
            ),
        )
        .order_by("code", "pk")
    )


# -- questions and statements ------------------------------------------------------------------


def about_of(programme, item) -> dict:
    """What a question, statement or proposal is about, as the API and open data show it."""
    if item.milestone_id:
        m = item.milestone
        return {"kind": "milestone", "code": m.code, "title": m.title}
    if item.position_id:
        p = item.position
        return {"kind": "position", "code": p.code, "title": p.title}
    if item.measure_id:
        m = item.measure
        return {"kind": "measure", "code": m.code, "title": m.title}
    return {"kind": "programme", "code": None, "title": programme.title}


def submission_row(programme, item, status, due, today) -> dict:
    """A question or statement as its public page shows it as of ``today`` (``status`` and
    ``due`` in force as the period rules give them then)."""
    hidden = item.hidden
    shown = participation_figures.public_status(status, hidden)
    answered = not hidden and item.answered_on is not None and item.answered_on <= today
    return {
        "code": item.code,
        "about": about_of(programme, item),
        "asked_by": None if item.body_id else (item.shown_author or None),
        "body": item.body.code if item.body_id else None,
        "body_name": item.body.name if item.body_id else None,
        "received": item.received,
        "due": item.due,
        "due_in_force": due,
        "extended": due != item.due,
        "status": shown,
        "status_label": str(participation_figures.PUBLIC_STATUS_LABELS.get(shown, shown)),
        "hidden_reason": item.hidden_reason if hidden else None,
        "text": None if hidden else item.text,
        "responsible_unit": item.unit.name if item.unit_id else None,
        "answer": item.answer if answered else None,
        "answered_on": item.answered_on if answered else None,
        "answered_by": item.answer_unit.name if answered and item.answer_unit_id else None,
        "withdrawn_on": item.withdrawn_on if status == periods.WITHDRAWN else None,
        "extensions": [
            {"on": e.on, "to": e.to, "reason": e.reason}
            for e in item.extensions.all()
            if e.on <= today
        ],
    }


# -- decisions ---------------------------------------------------------------------------------

KINDS = dict(Assignment.KINDS)
RESULTS = dict(Decision.RESULTS)


def assignment_row(row, public_milestones, public_posts) -> dict:
    a = row.assignment
    shown = decision_reads.condition(a, public_milestones, public_posts)
    return {
        "code": a.code,
        "title": a.title,
        "due": a.due,
        "done_when": shown.kind,
        "done_when_label": str(KINDS.get(shown.kind, shown.kind)),
        "milestone": shown.milestone.code if shown.milestone is not None else None,
        "position": shown.position.code if shown.position_public else None,
        "position_title": shown.position.title if shown.position is not None else None,
        "step": shown.step or None,
        "plan_version": shown.plan_version,
        "status": row.status,
        "status_label": row.status_label,
        "done_on": row.done_on,
    }


def decision_rows(programme, decisions, today) -> list[dict]:
    """The decisions (a queryset, in its order) as their public pages show them as of
    ``today``: a fixed number of queries, however many there are."""
    rows = decision_reads.rows(decisions, today)
    about = decision_reads.about(programme, [row.decision for row in rows])
    public_milestones_, public_posts = decision_reads.public_facts(programme)
    out = []
    for row in rows:
        d, links = row.decision, about[row.decision.pk]
        votes = d.votes
        out.append(
            {
                "id": d.pk,
                "number": d.number,
                "title": d.title,
                "body": d.body.code,
                "body_name": d.body.name,
                "date": d.date,
                "result": d.result,
                "result_label": str(RESULTS.get(d.result, d.result)),
                "votes": {"yes": votes[0], "no": votes[1], "abstain": votes[2]} if votes else None,
                "text": d.text or None,
                "url": d.url or None,
                "plan_versions": [
                    {"number": v.number, "label": v.label, "approved_on": v.approved_on}
                    for v in links.plan_versions
                ],
                "measures": [{"code": m.code, "title": m.title} for m in links.measures],
                "posts": [
                    {"code": p.code if public else None, "title": p.title}
                    for p, public in links.positions
                ],
                "grants": [
                    {"code": g.code, "title": g.title, "funder": g.funder} for g in links.grants
                ],
                "assignments": [
                    assignment_row(a, public_milestones_, public_posts) for a in row.assignments
                ],
            }
        )
    return out


# -- indicators --------------------------------------------------------------------------------


def indicator_row(i) -> dict:
    latest = i.latest
    return {
        "measure": i.measure.code,
        "code": i.code,
        "title": i.title,
        "unit": i.unit,
        "baseline": {"value": i.baseline_value, "on": i.baseline_on},
        "target": {"value": i.target_value, "on": i.target_on},
        "values": [
            {"on": v.on, "value": v.value, "note": v.note or None, "latest": v is latest}
            for v in i.actuals
        ],
        "latest": {"value": latest.value, "on": latest.on} if latest is not None else None,
        "progress_percent": i.progress,
    }
