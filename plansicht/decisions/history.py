"""How the council decisions' history events read: actions and change keys, registered in
``ready()``. Every event about a decision is public, as the decisions are."""

from django.utils.translation import gettext_lazy as _

from plansicht.history import registry
from plansicht.history.registry import EMPTY, PLAN, Key, as_date, choice, number


def listing(value) -> str:
    """A stored list of codes or numbers (the links of a decision): "1, 2" or a dash."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or EMPTY
    return str(value)


def register():
    from plansicht.staffing.models import STEP_CHOICES

    from .models import Assignment, Decision

    registry.register(
        "decisions",
        actions={
            "decision.added": (_("Council decision entered"), PLAN),
            "decision.changed": (_("Council decision changed"), PLAN),
            "decision.removed": (_("Council decision removed"), PLAN),
            "assignment.added": (_("Assignment of a decision entered"), PLAN),
            "assignment.changed": (_("Assignment of a decision changed"), PLAN),
            "assignment.removed": (_("Assignment of a decision removed"), PLAN),
        },
        keys={
            # a decision
            "number": Key(_("number")),
            "body": Key(_("decided by")),
            "date": Key(_("date of the decision"), as_date),
            "title": Key(_("title")),
            "result": Key(_("result"), choice(Decision.RESULTS)),
            "text": Key(_("text of the decision")),
            "url": Key(_("link to the decision")),
            "votes_yes": Key(_("votes for"), number),
            "votes_no": Key(_("votes against"), number),
            "votes_abstain": Key(_("abstentions"), number),
            "plan_versions": Key(_("plan versions"), listing),
            "positions": Key(_("posts"), listing),
            "measures": Key(_("measures"), listing),
            "grants": Key(_("grants"), listing),
            "change_request": Key(_("change request")),
            # an assignment
            "code": Key(_("code")),
            "due": Key(_("due"), as_date),
            "kind": Key(_("done when"), choice(Assignment.KINDS)),
            "milestone": Key(_("milestone")),
            "position": Key(_("post")),
            "step": Key(_("hiring step"), choice(STEP_CHOICES)),
            "plan_version_number": Key(_("plan version number"), number),
            "recorded_on": Key(_("recorded as done on"), as_date),
        },
    )
