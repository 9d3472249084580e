"""Staff single sign-on with OpenID Connect (settings: OIDC_*), through django-allauth's
OpenID Connect provider: the button on the office's login page, and the adapter that lets in
only people whose groups give them a staff role.

A person is recognised by the identity provider's subject (``sub``), never by e-mail address.
At their first login they become a user with the roles their groups give (OIDC_ROLE_MAP);
at later logins their groups are not read again: their roles are managed in Plansicht. Who
has no role (no mapped group at the first login, every role taken away later) is refused."""

import re

from allauth.account.models import EmailAddress
from allauth.account.utils import user_email
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from plansicht.accounts.models import StaffRole
from plansicht.services import Actor, ServiceError
from plansicht.services import single_sign_on as service


def button() -> dict | None:
    """What the office's login page shows for single sign-on: the provider's name and where
    the button sends the form; None when single sign-on is off. The address is the default
    language's in every language, so that the address the provider sends people back to
    (…/konto/oidc/staff/login/callback/) is always the one registered there."""
    if not settings.OIDC_ENABLED:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        url = reverse("openid_connect_login", kwargs={"provider_id": settings.OIDC_PROVIDER_ID})
    return {"name": settings.OIDC_NAME, "url": f"{url}?process=login"}


def claims(sociallogin) -> dict:
    """The person's claims: the ID token's, overridden by the userinfo endpoint's (Microsoft
    Entra puts the groups in the ID token only; Keycloak's mapper may use either)."""
    data = sociallogin.account.extra_data or {}
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def _groups(sociallogin) -> list[str]:
    data = sociallogin.account.extra_data or {}
    groups = []
    for part in ("id_token", "userinfo"):
        for group in service.groups_of(data.get(part) or {}):
            if group not in groups:
                groups.append(group)
    return groups


def refuse(request, reason: str):
    """Stop the login with the office's refusal page: nobody is logged in or created."""
    response = render(
        request,
        "office/sso_refused.html",
        {"reason": reason, "provider": settings.OIDC_NAME},
        status=403,
    )
    raise ImmediateHttpResponse(response)


class StaffSocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's social accounts, used for staff single sign-on only."""

    def pre_social_login(self, request, sociallogin):
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # Connecting the staff login to an existing account (a participant's, say) is not
            # offered: a staff user is always one of their own.
            refuse(request, _("The single sign-on cannot be added to an existing account."))
        if sociallogin.is_existing:
            if not StaffRole.objects.filter(user=sociallogin.user).exists():
                refuse(request, _("Your account has no staff role in Plansicht (any more)."))
            return
        try:
            grants = service.grants_for(_groups(sociallogin))
        except ServiceError as error:
            refuse(request, error.message)
        if not grants:
            refuse(request, _("None of your groups gives a role in Plansicht."))
        # The e-mail address only if no other account has it (allauth would otherwise ask
        # for another one); the person is matched by their subject, never by the address.
        email = user_email(sociallogin.user)
        if email and (
            get_user_model().objects.filter(email__iexact=email).exists()
            or EmailAddress.objects.filter(email__iexact=email).exists()
        ):
            user_email(sociallogin.user, "")
            sociallogin.email_addresses = []

    def save_user(self, request, sociallogin, form=None):
        """The first login: the new user, with a username from the provider's, and the roles
        their groups give (through the service, with its history event)."""
        user = sociallogin.user
        user.set_unusable_password()
        user.username = _free_username(claims(sociallogin), sociallogin.account.uid)
        grants = service.grants_for(_groups(sociallogin))
        with transaction.atomic():
            sociallogin.save(request)
            service.grant_first_roles(
                user,
                grants,
                actor=Actor.system("single sign-on", name=settings.OIDC_NAME),
            )
        return user

    def is_open_for_signup(self, request, sociallogin):
        return True


def _free_username(data: dict, uid: str) -> str:
    """The provider's username (Keycloak's, or the user principal name in Microsoft Entra),
    else the e-mail address, else "sso-" and the subject; with "-2", "-3", … if an account
    (a password login's, say) has it already: the two stay separate people."""
    base = data.get("preferred_username") or data.get("email") or f"sso-{uid}"
    base = re.sub(r"[^\w.@+-]", "-", str(base))[:140] or "sso"
    User = get_user_model()
    username, number = base, 1
    while User.objects.filter(username__iexact=username).exists():
        number += 1
        username = f"{base}-{number}"
    return username
