"""How the risk register's history events read: actions and change keys, registered in
``ready()``. An event about a risk is public only when the risk is public and its measure (if
any) is public."""

from django.utils.translation import gettext_lazy as _

from plansicht.history import registry
from plansicht.history.registry import PLAN, Key, as_date, choice, number, yes_no


def register():
    from .models import Risk

    registry.register(
        "risks",
        actions={
            "risk.added": (_("Risk entered"), PLAN),
            "risk.changed": (_("Risk changed"), PLAN),
            "risk.removed": (_("Risk removed"), PLAN),
        },
        keys={
            "code": Key(_("code")),
            "title": Key(_("title")),
            "measure": Key(_("measure")),
            "owner_unit": Key(_("owner unit")),
            "likelihood": Key(_("likelihood"), number),
            "impact": Key(_("impact"), number),
            "mitigation": Key(_("what the city does about it")),
            "status": Key(_("status"), choice(Risk.STATUSES)),
            "next_review": Key(_("next review"), as_date),
            "public": Key(_("public"), yes_no),
        },
    )
