"""Writes through the API: who writes (a personal token, ``Authorization: Bearer …``, scoped to
one programme and one role) and which representation they change (``If-Match``).

A token acts with its own role, never more than its owner's now: the office's services
check the token's role exactly as they check a signed-in user's (``permissions.role_for``
reads the role the token carries for this request)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from plansicht.accounts.models import StaffRole
from plansicht.services import Actor
from plansicht.services import tokens as token_service
from plansicht.services.permissions import role_for

from .core import etag_of


class TokenAuth(HttpBearer):
    """A personal API token; ``request.auth`` is the token."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        found = token_service.authenticate(token)
        if found is None:
            return None
        user = found.user
        own = role_for(user, found.programme)
        # From here on the user acts with the token's role for its programme's organisation.
        user.__dict__["_plansicht_roles"] = {
            found.programme.organisation_id: StaffRole(
                user=user,
                organisation_id=found.programme.organisation_id,
                role=found.role,
                unit_id=own.unit_id if own is not None else None,
                moderator=bool(own and own.moderator and found.role == own.role),
            )
        }
        request.user = user
        return found


token_auth = TokenAuth()


def scoped(request, programme) -> Actor:
    """The acting user of the request's token, refused for another programme than its own."""
    token = request.auth
    if token.programme_id != programme.pk:
        raise PermissionDenied(
            _("This token is for the programme “%(slug)s”; make one for this programme.")
            % {"slug": token.programme.slug}
        )
    return Actor.for_user(token.user, programme)


def changing(request, row: dict, schema) -> None:
    """Refuse a write that does not name the representation it changes (428) or names an
    older one (412): ``If-Match`` must hold the ETag of the object's GET as it is now."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise HttpError(
            428,
            _(
                "Name the version you change: send “If-Match” with the ETag you got from the "
                "GET of this object."
            ),
        )
    if header == "*":
        return
    current = current_etag(request, row, schema)
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    if current not in tags:
        raise HttpError(
            412,
            _(
                "Someone changed this in the meantime: nothing was saved. GET it again, check "
                "the changes and send your change with the new ETag."
            ),
        )


def current_etag(request, row: dict, schema) -> str:
    """The ETag the GET of ``row`` (rendered through ``schema``) answers now."""
    from .urls import api

    data = schema.model_validate(row, context={"request": request}).model_dump()
    return etag_of(api.renderer.render(request, data, response_status=200))
