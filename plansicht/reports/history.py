"""How the reports' history events read, registered in ``ready()``."""

from django.utils.translation import gettext_lazy as _

from plansicht.history import registry
from plansicht.history.registry import PLAN, Key, as_date, choice, text


def register():
    from .models import KINDS, ChangeRequest

    registry.register(
        "reports",
        actions={
            "report.issued": (_("Report issued"), PLAN),
            "change_request.status": (_("Status of a change request set"), PLAN),
        },
        keys={
            "kind": Key(_("kind of report"), choice(KINDS)),
            "cut_off": Key(_("cut-off date"), as_date),
            "issue_date": Key(_("issue date"), as_date),
            "number": Key(_("version"), text),
            "change_request": Key(_("change request"), text),
            "status": Key(_("status"), choice(ChangeRequest.STATUSES)),
            "status_on": Key(_("status since"), as_date),
        },
    )
