"""How the accounts' history events read (API tokens, roles given by single sign-on), registered
in ``ready()``."""

from django.utils.translation import gettext_lazy as _

from plansicht.history import registry
from plansicht.history.registry import PLAN, Key, as_date, choice, text


def register():
    from .models import StaffRole

    registry.register(
        "accounts",
        actions={
            "token.created": (_("API token made"), PLAN),
            "token.revoked": (_("API token revoked"), PLAN),
            "sso.roles_granted": (_("Staff roles given at the first single sign-on"), PLAN),
        },
        keys={
            "token": Key(_("API token"), text),
            "role": Key(_("role"), choice(StaffRole.ROLES)),
            "expires_on": Key(_("valid until"), as_date),
            "revoked_on": Key(_("revoked on"), as_date),
            "roles": Key(_("staff roles"), text),
        },
    )
