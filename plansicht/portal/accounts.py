"""Participants' accounts on the portal, built on django-allauth: the sign-up form (a display
name, an e-mail address, a password), the account adapter (where a participant lands after
logging in, a username that says nothing about them, no staff login here) and allauth's
addresses under /konto/ with the participants' login as the way in.

Staff log in at /office/login/ (django-axes throttles that one), or by the office's single
sign-on, which runs through allauth's social accounts (plansicht/office/sso.py); participants'
logins are throttled by allauth's rate limits (settings, "Participants").
"""

import secrets
from urllib.parse import urlsplit

from allauth.account import views as allauth_views
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.forms import ConfirmLoginCodeForm as AllauthConfirmLoginCodeForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.internal.stagekit import clear_login
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import Resolver404, include, path, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from plansicht.participation.models import NAME_LENGTH, Participant
from plansicht.services import Actor, ServiceError
from plansicht.services import participation as service

LOGIN = "account_login"


class SignupForm(AllauthSignupForm):
    """Sign-up: the name shown publicly, the e-mail address (confirmed by a link) and the
    password. Creates the participant profile through the service."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=NAME_LENGTH,
        help_text=_(
            "Shown publicly with your questions and comments, e.g. “Erika M.”. "
            "Not your e-mail address."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
        error_messages={"required": service.NAME_REQUIRED},
    )
    field_order = ["display_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].help_text = _(
            "We send a link to confirm it. It is never shown to anyone."
        )

    def clean_display_name(self):
        try:
            return service.check_display_name(self.cleaned_data["display_name"])
        except ServiceError as error:
            raise forms.ValidationError(error.message) from None

    def signup(self, request, user):
        """allauth's hook once the user is saved: the new user gives themself a profile."""
        service.register_participant(
            user, actor=Actor(user=user), display_name=self.cleaned_data["display_name"]
        )


class ConfirmLoginCodeForm(AllauthConfirmLoginCodeForm):
    """The login code, named so (a bare "code" is an item's code elsewhere in Plansicht)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Login code")
        self.fields["code"].help_text = _("From the mail we sent you, e.g. BCDF-GHJK.")


def _is_office(url: str) -> bool:
    """Whether ``url`` leads into the office or Django's admin, in any language."""
    address = urlsplit(url).path or "/"
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            try:
                match = resolve(address)
            except Resolver404:
                continue
        if match.namespace in ("office", "admin") or match.app_name == "admin":
            return True
    return False


class AccountAdapter(DefaultAccountAdapter):
    """Participants land on the portal, never in the office; staff use the office's login."""

    # The refusals a participant meets, in the portal's words (and German form of address).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("This account is blocked."),
        "cannot_remove_primary_email": _(
            "This is your main address. Make another address the main one first."
        ),
        "duplicate_email": _("This address belongs to your account already."),
        "email_password_mismatch": _(
            "The e-mail address or the password is wrong. Please try again."
        ),
        "email_taken": _("Another account has this e-mail address."),
        "enter_current_password": _("Enter your current password."),
        "incorrect_code": _("The code is wrong. Look at the mail again and type the code."),
        "incorrect_password": _("The password is wrong."),
        "invalid_or_expired_key": _("The link has expired or was used already."),
        # The password login's pause (settings: LOGIN_LOCKOUT_MINUTES) is the longest; a code
        # request's is a minute.
        "too_many_login_attempts": _(
            "Too many login attempts with this address. For your protection, logging in with "
            "it is paused for up to %(minutes)d minutes; please try again then."
        ),
        "unknown_email": _("No account has this e-mail address."),
        "unverified_primary_email": _("Only a confirmed address can be the main address."),
        "rate_limited": _("Too many tries in a short time. Please wait a minute."),
    }

    def validation_error(self, code, *args):
        if code == "too_many_login_attempts":
            message = self.error_messages[code] % {"minutes": settings.LOGIN_LOCKOUT_MINUTES}
            return ValidationError(message, code=code)
        return super().validation_error(code, *args)

    def get_login_redirect_url(self, request):
        return _landing(request)

    def get_signup_redirect_url(self, request):
        return _landing(request)

    def is_safe_url(self, url):
        return super().is_safe_url(url) and not _is_office(url)

    def populate_username(self, request, user):
        """A username that says nothing about the person (allauth would derive one from the
        e-mail address, and a username can end up in the record of who did what)."""
        User = get_user_model()
        while True:
            username = f"participant-{secrets.token_hex(5)}"
            if not User.objects.filter(username=username).exists():
                user.username = username
                return

    def pre_login(self, request, user, **kwargs):
        """Only participants log in here: a staff account is sent to the office's login. The
        staff's single sign-on (a social login, which the office's adapter lets in only with a
        staff role) passes through allauth too."""
        if (kwargs.get("signal_kwargs") or {}).get("sociallogin") is not None:
            return super().pre_login(request, user, **kwargs)
        if user.is_active and not Participant.objects.filter(user=user).exists():
            clear_login(request)
            messages.error(
                request,
                _("This login is for participants. Staff log in to the office."),
            )
            return HttpResponseRedirect(reverse("office:login"))
        return super().pre_login(request, user, **kwargs)

    def send_password_reset_mail(self, user, email, context):
        """Participants reset their password here; a staff account gets no mail (the same
        page is shown either way, so nobody learns which addresses have an account)."""
        if Participant.objects.filter(user=user).exists():
            super().send_password_reset_mail(user, email, context)


def _landing(request) -> str:
    """Where a login through allauth ends: the portal for participants, the office for staff
    (who come through allauth only by the office's single sign-on)."""
    user = getattr(request, "user", None)
    if (
        user is not None
        and user.is_authenticated
        and not Participant.objects.filter(user=user).exists()
    ):
        return reverse("office:index")
    return reverse("portal:index")


class ParticipantBackend(AuthenticationBackend):
    """allauth's login by e-mail address, for participants only: a staff account's password
    is never tried here, so this login cannot tell whether one is right (staff log in at the
    office, where axes throttles the attempts). Only by e-mail address: the office's login
    form sends a user name, which allauth would also try as an address."""

    def authenticate(self, request, **credentials):
        if not credentials.get("email"):
            return None
        user = super().authenticate(request, **credentials)
        if user is not None and not Participant.objects.filter(user=user).exists():
            return None
        return user


def _with_participant_login(view):
    """allauth's page for signed-in users, sending anonymous visitors to the participants'
    login (Django's LOGIN_URL is the office's)."""
    return login_required(view, login_url=LOGIN)


def _no_connections(request):
    """allauth's page for connecting third-party logins to one's account: participants have
    none, and the staff's single sign-on is never connected to an existing account."""
    raise Http404("no third-party logins for participants")


# allauth's addresses, the pages for signed-in users first with the participants' login.
urlpatterns = [
    path("3rdparty/", _no_connections, name="socialaccount_connections"),
    path("email/", _with_participant_login(allauth_views.email), name="account_email"),
    path(
        "password/change/",
        _with_participant_login(allauth_views.password_change),
        name="account_change_password",
    ),
    path(
        "password/set/",
        _with_participant_login(allauth_views.password_set),
        name="account_set_password",
    ),
    path(
        "reauthenticate/",
        _with_participant_login(allauth_views.reauthenticate),
        name="account_reauthenticate",
    ),
    path("", include("allauth.urls")),
]
