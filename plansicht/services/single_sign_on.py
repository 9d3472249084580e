"""Staff single sign-on (OpenID Connect): which staff roles a person's groups at the identity
provider give them (settings: OIDC_ROLE_MAP), and giving a new user those roles at their first
login, with one history event. Later logins change no role: from then on the roles are
managed in Plansicht (docs/security.md, "Single sign-on")."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from plansicht.accounts.models import Organisation, StaffRole, Unit
from plansicht.history.models import record

from . import Actor, ServiceError


@dataclass(frozen=True)
class Grant:
    """A staff role a group gives: one per organisation."""

    group: str
    organisation: Organisation
    role: str
    unit: Unit
    moderator: bool

    def describe(self) -> str:
        """For the history, in the words of OIDC_ROLE_MAP (the role's and the flag's codes),
        whatever language the login was in."""
        moderator = ", moderator" if self.moderator else ""
        return f"{self.organisation.name}: {self.role} ({self.unit.name}{moderator})"


def groups_of(claims: dict) -> list[str]:
    """The groups the identity provider says the person is in (settings: OIDC_GROUPS_CLAIM),
    as a list of strings; a single group may come as a plain string."""
    value = claims.get(settings.OIDC_GROUPS_CLAIM)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(group) for group in value if isinstance(group, str | int)]
    return []


def grants_for(groups: list[str]) -> list[Grant]:
    """The roles ``groups`` give, in the order of OIDC_ROLE_MAP: where several groups give a
    role in one organisation, the first of them in the map counts. Empty: no role at all.

    ServiceError when the map names an organisation or unit Plansicht does not have (a
    mistake in the configuration, which the administrators must correct)."""
    member = set(groups)
    grants: dict[int, Grant] = {}
    for group, entry in settings.OIDC_ROLE_MAP.items():
        if group not in member:
            continue
        organisation = Organisation.objects.filter(name=entry["organisation"]).first()
        unit = (
            Unit.objects.filter(organisation=organisation, name=entry["unit"]).first()
            if organisation is not None
            else None
        )
        if unit is None:
            raise ServiceError(
                _(
                    "The single sign-on's role mapping (OIDC_ROLE_MAP) gives the group "
                    "“%(group)s” a role in the unit “%(unit)s” of “%(organisation)s”, which "
                    "Plansicht does not know. Please tell the administrators."
                )
                % {"group": group, "unit": entry["unit"], "organisation": entry["organisation"]}
            )
        grants.setdefault(
            organisation.pk,
            Grant(
                group=group,
                organisation=organisation,
                role=entry["role"],
                unit=unit,
                moderator=entry.get("moderator", False),
            ),
        )
    return list(grants.values())


def grant_first_roles(user, grants: list[Grant], *, actor: Actor) -> list[StaffRole]:
    """Give ``user``, who has just logged in by single sign-on for the first time, the staff
    roles ``grants`` and make them a member of the roles' units; one history event (internal)
    naming the roles. Refused for a user who has a staff role already (their roles are
    managed in Plansicht) and without any grant."""
    if not actor.is_system:
        raise ServiceError(_("Only the single sign-on gives roles at a first login."))
    if not grants:
        raise ServiceError(_("None of your groups gives a role in Plansicht."))
    if StaffRole.objects.filter(user=user).exists():
        raise ServiceError(_("This user has staff roles already; they are managed in Plansicht."))
    with transaction.atomic():
        roles = []
        for grant in grants:
            roles.append(
                StaffRole.objects.create(
                    user=user,
                    organisation=grant.organisation,
                    role=grant.role,
                    unit=grant.unit,
                    moderator=grant.moderator,
                )
            )
            grant.unit.members.add(user)
        record(
            action="sso.roles_granted",
            subject=user,
            label=user.get_username(),
            public=False,
            actor=actor.name,
            changes={"roles": [None, "; ".join(grant.describe() for grant in grants)]},
        )
    return roles
