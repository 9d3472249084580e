"""How the indicators' history events read: actions and change keys, registered in
``ready()``. An event about an indicator belongs to its measure and is public when the
measure is."""

from django.utils.translation import gettext_lazy as _

from plansicht.history import registry
from plansicht.history.registry import PLAN, Key, as_date, number


def register():
    registry.register(
        "indicators",
        actions={
            "indicator.added": (_("Indicator added"), PLAN),
            "indicator.changed": (_("Indicator changed"), PLAN),
            "indicator.removed": (_("Indicator removed"), PLAN),
            "indicator_value.recorded": (_("Indicator value recorded"), PLAN),
            "indicator_value.corrected": (_("Indicator value corrected"), PLAN),
            "indicator_value.removed": (_("Indicator value removed"), PLAN),
        },
        keys={
            "code": Key(_("code")),
            "title": Key(_("title")),
            "unit": Key(_("unit")),
            "baseline_value": Key(_("baseline value"), number),
            "baseline_on": Key(_("baseline date"), as_date),
            "target_value": Key(_("target value"), number),
            "target_on": Key(_("target date"), as_date),
            "on": Key(_("date"), as_date),
            "value": Key(_("value"), number),
            "note": Key(_("note")),
        },
    )
