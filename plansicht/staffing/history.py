"""How the posts' history events read: actions and change keys, registered in ``ready()``."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from plansicht.history import registry
from plansicht.history.registry import POSTS, Key, as_date, choice, number, yes_no


def register():
    from plansicht.plan.models import Programme
    from plansicht.staffing.models import ALERT_FIELDS

    from .models import STEP_CHOICES, Position

    settings = {
        f"hiring_days.{step}": Key(format_lazy(_("typical days: {step}"), step=label), number)
        for step, label in STEP_CHOICES[:-1]
    }
    settings["onboarding_days"] = Key(
        Programme._meta.get_field("onboarding_days").verbose_name, number
    )
    for key, field in ALERT_FIELDS.items():
        settings[f"alert_days.{key}"] = Key(Programme._meta.get_field(field).verbose_name, number)
    registry.register(
        "staffing",
        actions={
            "position.step": (_("Hiring step entered"), POSTS),
            "position.changed": (_("Details changed"), POSTS),
            "programme.hiring_settings": (_("Hiring settings changed"), POSTS),
        },
        keys={
            "step": Key(_("hiring step"), choice(STEP_CHOICES)),
            "on": Key(_("date"), as_date),  # of a hiring step
            "title": Key(_("title")),
            "unit": Key(_("unit")),
            "fte": Key(_("full-time equivalent"), number),
            "pay_grade": Key(_("pay grade")),
            "grant": Key(_("grant")),
            "cover": Key(_("stand-in"), choice(Position.COVERS)),
            "needed_from": Key(_("needed from"), as_date),
            "expected_fill": Key(_("expected fill date"), as_date),
            "holder": Key(_("holder")),
            "holder_public": Key(_("holder named publicly"), yes_no),
            "contract_end": Key(_("contract end"), as_date),
            **settings,
        },
    )
