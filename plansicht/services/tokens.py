"""Personal API tokens: made by their owner in the office (or for a named user by the
``api_token`` command), scoped to one programme and one role no higher than the owner's, valid
until a date at most a year ahead, revocable. The secret is returned once and only its SHA-256
hash is kept. One history event (internal) per change."""

import hashlib
import secrets
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plansicht.accounts.models import ApiToken, StaffRole
from plansicht.forecast import run

from . import Actor, ServiceError
from .common import commit
from .permissions import role_for

PREFIX = "psk_"
MAX_DAYS = 366
DEFAULT_DAYS = 90
# The roles a token may carry, by the role of its owner: the owner's own or a lesser one.
ALLOWED = {
    StaffRole.ADMIN: {r for r, _label in StaffRole.ROLES},
    StaffRole.EDITOR: {StaffRole.EDITOR, StaffRole.VIEWER},
    StaffRole.UNIT_EDITOR: {StaffRole.UNIT_EDITOR, StaffRole.VIEWER},
    StaffRole.FINANCE: {StaffRole.FINANCE, StaffRole.VIEWER},
    StaffRole.HR: {StaffRole.HR, StaffRole.VIEWER},
    StaffRole.VIEWER: {StaffRole.VIEWER},
}


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def roles_for(user, programme) -> list[str]:
    """The roles ``user`` may give a token for ``programme`` (none without an office role)."""
    role = role_for(user, programme)
    if role is None:
        return []
    return [r for r, _label in StaffRole.ROLES if r in ALLOWED.get(role.role, ())]


def may_carry(user, programme, role: str) -> bool:
    """Whether ``user`` holds, now, a role that allows a token of ``role``."""
    return role in roles_for(user, programme)


def create_token(
    programme,
    *,
    actor: Actor,
    user,
    name: str,
    role: str,
    expires_on: date | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for ``user`` (the actor themself, or anyone when a system actor such as
    the command makes it); returns it and its secret, which is never shown again."""
    if actor.user is not None and actor.user.pk != user.pk:
        raise ServiceError(_("Each person makes their own API tokens."))
    if not actor.user and not actor.is_system:
        raise ServiceError(_("Only a signed-in user or a named system process makes tokens."))
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the token a name that says what it is for."), field="name")
    if len(name) > 100:
        raise ServiceError(_("The name may be at most 100 characters long."), field="name")
    if role_for(user, programme) is None:
        raise ServiceError(
            _("%(user)s has no office role in this programme.") % {"user": user.get_username()},
            field="user",
        )
    if not may_carry(user, programme, role):
        raise ServiceError(
            _("A token may carry your own role or a lesser one; choose one of: %(roles)s.")
            % {"roles": ", ".join(roles_for(user, programme))},
            field="role",
        )
    today = run.today()
    expires_on = expires_on or today + timedelta(days=DEFAULT_DAYS)
    if not today < expires_on <= today + timedelta(days=MAX_DAYS):
        raise ServiceError(
            _("A token is valid from tomorrow up to a year ahead: give a date until %(last)s.")
            % {"last": date_format(today + timedelta(days=MAX_DAYS), "SHORT_DATE_FORMAT")},
            field="expires_on",
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        programme=programme,
        role=role,
        name=name,
        prefix=secret[: len(PREFIX) + 6],
        secret_sha256=digest(secret),
        created_on=today,
        expires_on=expires_on,
    )
    commit(
        programme,
        actor=actor,
        reason="",
        action="token.created",
        apply=token.save,
        event=lambda: {
            "subject": token,
            "public": False,
            "label": f"{token.name} ({token.prefix}…)",
            "changes": {
                "token": [None, f"{token.name} ({token.prefix}…)"],
                "role": [None, role],
                "expires_on": [None, expires_on.isoformat()],
            },
        },
        forecast=False,
    )
    return token, secret


def revoke_token(token: ApiToken, *, actor: Actor, reason: str = "") -> None:
    """Revoke a token from today on: its owner, an administrator of the programme, or a
    system process may."""
    if actor.user is not None and actor.user.pk != token.user_id:
        role = role_for(actor.user, token.programme)
        if role is None or role.role != StaffRole.ADMIN:
            raise ServiceError(_("Only its owner or an administrator revokes a token."))
    elif actor.user is None and not actor.is_system:
        raise ServiceError(_("Only a signed-in user or a named system process revokes tokens."))
    if token.revoked_on is not None:
        raise ServiceError(_("This token was revoked already."))
    today = run.today()

    def apply():
        token.revoked_on = today
        token.save(update_fields=["revoked_on"])

    commit(
        token.programme,
        actor=actor,
        reason=reason,
        action="token.revoked",
        apply=apply,
        event=lambda: {
            "subject": token,
            "public": False,
            "label": f"{token.name} ({token.prefix}…)",
            "changes": {"revoked_on": [None, today.isoformat()]},
        },
        forecast=False,
    )


def authenticate(secret: str):
    """The usable token with this secret, with its owner still holding a role that allows it;
    else None. Marks the day it was last used."""
    if not secret or not secret.startswith(PREFIX):
        return None
    today = run.today()
    token = (
        ApiToken.objects.usable(today)
        .select_related("user", "programme", "programme__organisation")
        .filter(secret_sha256=digest(secret))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if not may_carry(token.user, token.programme, token.role):
        return None
    if token.last_used_on != today:
        ApiToken.objects.filter(pk=token.pk).update(last_used_on=today)
    return token
