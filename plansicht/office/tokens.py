"""Office pages for personal API tokens: each person's own tokens for the programme with the
form that makes one and shows its secret once, and the page that asks before revoking one.

Every office role may open the page and make tokens for themself, with their own role or a
lesser one (``plansicht.services.tokens.roles_for``). A token is revoked by its owner or by an
administrator, who also sees every token of the programme. Every change goes through
``plansicht.services.tokens``.

The secret is made when the form is posted and reaches the page after the redirect through
the session, from which that page takes it: it is shown once, never stored beyond that (only
its SHA-256 hash is kept), and office pages are never cached (``Cache-Control: no-store``).
"""

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plansicht.accounts.models import ApiToken, StaffRole
from plansicht.forecast import run
from plansicht.services import tokens as service
from plansicht.services.permissions import role_for

from .common import actor, get_programme_for_user, page_context, submit
from .forms import ServiceForm, date_field, reason_field

# Where the secret of a token just made waits for the page after the redirect.
NEW_TOKEN = "office_new_api_token"


class TokenForm(ServiceForm):
    expires_on = date_field(gettext_lazy("Valid until"), required=True)

    class Meta(ServiceForm.Meta):
        model = ApiToken
        fields = ["name", "role", "expires_on"]
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, roles, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _(
            "Give the token a name that says what it is for."
        )
        names = dict(StaffRole.ROLES)
        role = self.fields["role"]
        role.choices = [("", "—")] + [(r, names[r]) for r in roles]
        role.help_text = _(
            "What the token may do: your own role or a lesser one. Reading through the API "
            "needs no token."
        )
        role.error_messages["required"] = _("Choose the role the token acts with.")
        role.error_messages["invalid_choice"] = _(
            "A token may carry your own role or a lesser one: choose one of the roles offered."
        )
        last = today + timedelta(days=service.MAX_DAYS)
        self.fields["expires_on"].help_text = _(
            "From tomorrow up to a year ahead, at the latest %(last)s. The API refuses the "
            "token after this day."
        ) % {"last": date_format(last, "SHORT_DATE_FORMAT")}


class RevokeForm(forms.Form):
    reason = reason_field(
        help_text=gettext_lazy("Recorded in the programme's internal history."),
    )


def _status(token, today, allowed) -> str:
    """How the token stands today, in words: usable or why not."""
    if token.revoked_on is not None:
        return _("revoked on %(date)s") % {
            "date": date_format(token.revoked_on, "SHORT_DATE_FORMAT")
        }
    if token.expires_on < today:
        return _("expired")
    if token.role not in allowed:
        return _("not usable: the owner's role no longer allows it")
    return _("valid")


def _rows(programme, tokens, today) -> list:
    """The tokens with their status; whether the owner's role still allows the token's role
    is asked once per owner."""
    allowed = {}
    rows = []
    for token in tokens:
        if token.user_id not in allowed:
            allowed[token.user_id] = set(service.roles_for(token.user, programme))
        token.status = _status(token, today, allowed[token.user_id])
        token.usable = token.revoked_on is None and token.expires_on >= today
        token.owner_name = _owner_name(token.user)
        rows.append(token)
    return rows


def _owner_name(user) -> str:
    """Staff are named by their full name, else their username; never by e-mail address."""
    return user.get_full_name() or user.get_username()


def _is_admin(user, programme) -> bool:
    role = role_for(user, programme)
    return role is not None and role.role == StaffRole.ADMIN


def _new_token(request, programme):
    """The token made just before this page (with its secret), taken from the session: shown
    on this one page only."""
    new = request.session.pop(NEW_TOKEN, None)
    if not new or new.get("programme") != programme.pk:
        return None
    token = ApiToken.objects.filter(
        pk=new.get("token"), programme=programme, user=request.user
    ).first()
    if token is None:
        return None
    return {"token": token, "secret": new["secret"]}


@login_required
def tokens(request, slug):
    programme = get_programme_for_user(request, slug)
    today = run.today()
    form = TokenForm(
        request.POST if request.method == "POST" else None,
        roles=service.roles_for(request.user, programme),
        today=today,
        initial={"expires_on": today + timedelta(days=service.DEFAULT_DAYS)},
    )
    status = 200
    if request.method == "POST":
        by = actor(request, programme)
        made = submit(
            request,
            form,
            lambda **data: service.create_token(programme, actor=by, user=request.user, **data),
        )
        if made:
            token, secret = made
            request.session[NEW_TOKEN] = {
                "programme": programme.pk,
                "token": token.pk,
                "secret": secret,
            }
            return redirect("office:tokens", programme.slug)
        status = 400
    mine = ApiToken.objects.filter(programme=programme, user=request.user).select_related("user")
    everyone = None
    if _is_admin(request.user, programme):
        everyone = _rows(
            programme,
            ApiToken.objects.filter(programme=programme).select_related("user"),
            today,
        )
    return render(
        request,
        "office/tokens.html",
        page_context(
            request,
            programme,
            nav="tokens",
            form=form,
            new=_new_token(request, programme) if request.method == "GET" else None,
            mine=_rows(programme, mine, today),
            everyone=everyone,
            api_docs=reverse("api:docs"),
        ),
        status=status,
    )


@login_required
def token_revoke(request, slug, pk):
    """Asks before revoking a token: its owner or an administrator may."""
    programme = get_programme_for_user(request, slug)
    token = get_object_or_404(
        ApiToken.objects.select_related("user", "programme"), programme=programme, pk=pk
    )
    if token.user_id != request.user.pk and not _is_admin(request.user, programme):
        raise PermissionDenied
    form = RevokeForm(request.POST or None) if token.revoked_on is None else None
    status = 200
    if request.method == "POST":
        if form is None:
            status = 400
        else:
            by = actor(request, programme)
            done = _("The token “%(name)s” (%(prefix)s…) was revoked: the API refuses it.") % {
                "name": token.name,
                "prefix": token.prefix,
            }
            if submit(
                request, form, lambda **data: service.revoke_token(token, actor=by, **data), done
            ):
                return redirect("office:tokens", programme.slug)
            status = 400
    used = token.last_used_on
    return render(
        request,
        "office/token_revoke.html",
        page_context(
            request,
            programme,
            nav="tokens",
            form=form,
            token=token,
            title=_("Revoke the token “%(name)s”?") % {"name": token.name},
            facts=[
                (_("Name"), token.name),
                (_("Beginning"), f"{token.prefix}…"),
                (_("Owner"), _owner_name(token.user)),
                (_("Role"), token.get_role_display()),
                (_("Valid until"), date_format(token.expires_on, "SHORT_DATE_FORMAT")),
                (_("Last used"), date_format(used, "SHORT_DATE_FORMAT") if used else _("never")),
            ],
        ),
        status=status,
    )
