"""The way into the office: the login (with the single sign-on's button when it is set up),
the start page with the user's programmes, the page a locked login shows, and the 403 page."""

import math

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views import defaults

from plansicht.accounts.throttle import locked_until
from plansicht.plan.models import Programme
from plansicht.services.permissions import can_view_office

from . import sso


def locked_out(request, original_response=None, credentials=None):
    """The page django-axes shows instead of a login once a user name or address is locked
    (settings: AXES_LOCKOUT_CALLABLE), at the office's and the admin's login alike."""
    until = locked_until(request, credentials)
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    response = render(
        request,
        "office/locked_out.html",
        {
            "limit": settings.AXES_FAILURE_LIMIT,
            "cool_off": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "until": timezone.localtime(until),
            "minutes": minutes,
        },
        status=429,
    )
    add_never_cache_headers(response)
    return response


class LoginView(auth_views.LoginView):
    """Django's login with user name and password; beside it, when staff single sign-on is
    configured, the button that logs in at the organisation's identity provider."""

    template_name = "office/login.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso": sso.button()}


@login_required
def index(request):
    programmes = [
        p
        for p in Programme.objects.select_related("organisation").order_by("title")
        if can_view_office(request.user, p)
    ]
    return render(request, "office/index.html", {"programmes": programmes})


def permission_denied(request, exception=None):
    """The 403 page. Inside the office it keeps the office's menu when the user may see the
    programme, and always offers the way back to the office start page."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "office":
        return defaults.permission_denied(request, exception)
    programme = None
    slug = match.kwargs.get("slug")
    if slug:
        programme = Programme.objects.select_related("organisation").filter(slug=slug).first()
        if programme is not None and not can_view_office(request.user, programme):
            programme = None
    return render(
        request,
        "403.html",
        {"layout": "office/base.html", "in_office": True, "programme": programme},
        status=403,
    )
