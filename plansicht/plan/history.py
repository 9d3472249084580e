"""How the plan's history events read: actions and change keys, registered in ``ready()``."""

from django.utils.translation import gettext_lazy as _

from plansicht.history import registry
from plansicht.history.registry import PLAN, Key, as_date, choice, number

# The funder's acceptance document in the history: whether one is attached, or a new one.
DOCUMENT_ATTACHED, DOCUMENT_REPLACED = "pdf", "new pdf"
DOCUMENT_WORDS = [(DOCUMENT_ATTACHED, _("attached")), (DOCUMENT_REPLACED, _("a new one attached"))]


def register():
    from .models import Dependency

    registry.register(
        "plan",
        actions={
            "programme.loaded": (_("Plan loaded"), PLAN),
            "programme.replaced": (_("Plan replaced"), PLAN),
            "milestone.rescheduled": (_("Dates changed"), PLAN),
            "milestone.started": (_("Started"), PLAN),
            "milestone.finished": (_("Finished"), PLAN),
            "milestone.actuals_corrected": (_("Actual dates corrected"), PLAN),
            "milestone.progress": (_("Progress updated"), PLAN),
            "dependency.added": (_("Dependency added"), PLAN),
            "dependency.removed": (_("Dependency removed"), PLAN),
            "plan_version.frozen": (_("Plan version approved"), PLAN),
            "milestone.accepted": (_("Accepted by the funder"), PLAN),
            "milestone.acceptance_corrected": (_("Funder's acceptance corrected"), PLAN),
            # an import from a spreadsheet (plansicht.services.imports)
            "field_of_action.created": (_("Field of action created"), PLAN),
            "measure.created": (_("Measure created"), PLAN),
            "measure.changed": (_("Measure changed"), PLAN),
            "milestone.created": (_("Milestone created"), PLAN),
            "milestone.changed": (_("Milestone changed"), PLAN),
        },
        keys={
            "planned_start": Key(_("planned start"), as_date),
            "duration_days": Key(_("duration in days"), number),
            "expected_finish": Key(_("expected finish"), as_date),
            "actual_start": Key(_("actual start"), as_date),
            "actual_finish": Key(_("actual finish"), as_date),
            "progress": Key(_("progress in percent"), number),
            "forecast_finish": Key(_("forecast finish"), as_date),
            "predecessor": Key(_("waits for")),
            "type": Key(_("type"), choice(Dependency.TYPES)),
            "lag_days": Key(_("lag in days"), number),
            "number": Key(_("number"), number),
            "approved_on": Key(_("approved on"), as_date),
            "decision_ref": Key(_("decision")),
            "change_request": Key(_("change request")),
            "measures": Key(_("published measures"), number),
            "milestones": Key(_("published milestones"), number),
            "accepted_on": Key(_("accepted by the funder on"), as_date),
            "acceptance_ref": Key(_("funder's reference")),
            "code": Key(_("code")),
            "title": Key(_("title")),
            "description": Key(_("description")),
            "field_of_action": Key(_("field of action")),
            "parent": Key(_("parent measure")),
            "lead_unit": Key(_("lead unit")),
            "measure": Key(_("measure")),
            "predecessors": Key(_("waits for")),
            "acceptance_document": Key(_("funder's acceptance (PDF)"), choice(DOCUMENT_WORDS)),
        },
    )
