"""How the consultations' history events read: actions and change keys, registered in
``ready()``."""

from django.utils.translation import gettext_lazy as _

from plansicht.history import registry
from plansicht.history.registry import EMPTY, PARTICIPATION, Key, yes_no


def _domains(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or EMPTY
    return str(value)


def register():
    registry.register(
        "consultations",
        actions={
            "consultation.saved": (_("Consultation saved"), PARTICIPATION),
            "consultation.answered": (_("Consultation answered"), PARTICIPATION),
            "consultation.answers_moderated": (
                _("Free-text answers moderated"),
                PARTICIPATION,
            ),
            "consultation.summary": (_("Summary of the results published"), PARTICIPATION),
            "consultation.staff_audience": (
                _("Who counts as staff for consultations changed"),
                PARTICIPATION,
            ),
        },
        keys={
            "title": Key(_("title")),
            "description": Key(_("what it is about")),
            "measure": Key(_("measure")),
            "document": Key(_("draft document (PDF)"), yes_no),
            "opens": Key(_("opens")),
            "closes": Key(_("closes")),
            "audience": Key(_("for")),
            "questions": Key(_("questions")),
            "summary": Key(_("summary")),
            "released": Key(_("released"), yes_no),
            "hidden": Key(_("hidden"), yes_no),
            "responses": Key(_("responses")),
            "staff_email_domains": Key(_("e-mail domains of the staff"), _domains),
            "staff_group": Key(_("staff group at single sign-on")),
        },
    )
