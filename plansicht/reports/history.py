"""How the reports' history events read, registered in ``ready()``."""

from django.utils.translation import gettext_lazy as _

from plansicht.history import registry
from plansicht.history.registry import PLAN, Key, as_date, choice, text


def register():
    from .models import KINDS

    registry.register(
        "reports",
        actions={"report.issued": (_("Report issued"), PLAN)},
        keys={
            "kind": Key(_("kind of report"), choice(KINDS)),
            "cut_off": Key(_("cut-off date"), as_date),
            "issue_date": Key(_("issue date"), as_date),
            "number": Key(_("version"), text),
        },
    )
