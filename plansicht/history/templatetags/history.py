"""Template helpers that tell an event in words: what changed, from what to what, and by whom."""

from datetime import date

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

register = template.Library()

ACTIONS = {
    "programme.loaded": _("Plan loaded"),
    "programme.replaced": _("Plan replaced"),
    "milestone.rescheduled": _("Dates changed"),
    "milestone.started": _("Started"),
    "milestone.finished": _("Finished"),
    "milestone.actuals_corrected": _("Actual dates corrected"),
    "milestone.progress": _("Progress updated"),
    "dependency.added": _("Dependency added"),
    "dependency.removed": _("Dependency removed"),
    "plan_version.frozen": _("Plan version approved"),
    "cost_line.saved": _("Cost plan changed"),
    "cost_line.removed": _("Cost line removed"),
    "expenditure.saved": _("Spending recorded"),
    "expenditure.removed": _("Spending removed"),
    "budget_line.saved": _("Budget line changed"),
    "budget_line.removed": _("Budget line removed"),
    "drawdown_plan.saved": _("Drawdown plan changed"),
    "drawdown_plan.removed": _("Drawdown plan entry removed"),
    "drawdown.saved": _("Drawdown recorded"),
    "drawdown.removed": _("Drawdown removed"),
    "position.step": _("Hiring step entered"),
    "position.changed": _("Details changed"),
}

FIELDS = {
    "planned_start": _("planned start"),
    "duration_days": _("duration in days"),
    "expected_finish": _("expected finish"),
    "actual_start": _("actual start"),
    "actual_finish": _("actual finish"),
    "progress": _("progress in percent"),
    "forecast_finish": _("forecast finish"),
    "predecessor": _("waits for"),
    "type": _("type"),
    "lag_days": _("lag in days"),
    "number": _("number"),
    "approved_on": _("approved on"),
    "decision_ref": _("decision"),
    "measures": _("published measures"),
    "milestones": _("published milestones"),
    "amount": _("amount"),
    "on": _("date"),  # of a payment, a drawdown plan entry or a hiring step
    "eligible": _("eligible"),
    "grant": _("grant"),
    "milestone": _("milestone"),
    "category": _("category"),
    "code": _("code"),
    "year": _("year"),
    "product": _("product / cost centre"),
    "title": _("title"),
    "own_share": _("own share budgeted"),
    "commitment_authorisation": _("commitment authorisation"),
    "requested_on": _("requested on"),
    "amount_requested": _("amount requested"),
    "received_on": _("received on"),
    "amount_received": _("amount received"),
    "cost_line": _("cost line"),
    "step": _("hiring step"),
    "cover": _("stand-in"),
    "needed_from": _("needed from"),
    "expected_fill": _("expected fill date"),
    "holder": _("holder"),
    "holder_public": _("holder named publicly"),
    "contract_end": _("contract end"),
    "unit": _("unit"),
    "fte": _("full-time equivalent"),
    "pay_grade": _("pay grade"),
}


@register.filter
def action_label(event):
    return ACTIONS.get(event.action, event.action)


def _value(value):
    if value is None or value == "":
        return "–"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _choices():
    """Stored codes (a hiring step, a stand-in kind, a cost category) in words."""
    from plansicht.funding.models import CostLine
    from plansicht.plan.models import Dependency
    from plansicht.staffing.models import STEP_CHOICES, Position

    return {
        "step": dict(STEP_CHOICES),
        "cover": dict(Position.COVERS),
        "category": dict(CostLine.CATEGORIES),
        "type": dict(Dependency.TYPES),
    }


def _in_words(key, value, choices):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key in choices and value in choices[key]:
        return choices[key][value]
    return _value(value)


@register.filter
def change_rows(event):
    """[(what, old, new)] in words, in a stable order."""
    choices = _choices()
    return [
        (FIELDS.get(key, key), _in_words(key, old, choices), _in_words(key, new, choices))
        for key, (old, new) in event.changes.items()
    ]


@register.filter
def public_author(event):
    """Public pages name the unit, never a person: data minimisation."""
    if event.unit_id is not None:
        return event.unit.name
    if event.user_id is not None:
        return _("Programme office")
    return event.actor or _("Programme office")
