"""Site-wide request checks that no view should have to repeat."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

# The machine interfaces answer a refusal in JSON, in their own error body.
JSON_FACES = {
    "/api/": lambda detail: {"detail": detail, "errors": []},
    "/oparl/": lambda detail: {"status": 404, "detail": detail},
}


class RefuseNulMiddleware:
    """A NUL character in the address (path or query string) names no page: answer the normal
    404 page (in JSON under the API and OParl). No real address holds one, and PostgreSQL
    cannot even compare text with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            for prefix, body in JSON_FACES.items():
                if request.path.startswith(prefix):
                    detail = _("There is nothing at this address.")
                    return JsonResponse(body(detail), status=404)
            raise Http404("NUL in the address")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """The Content Security Policy and the Permissions-Policy (settings), on every answer that
    does not set its own. Django's SecurityMiddleware sends the other security headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# The session key holding when the user last asked the office for a page (a Unix time).
OFFICE_LAST_SEEN = "office_last_seen"


class OfficeIdleTimeoutMiddleware:
    """An office session ends after OFFICE_SESSION_IDLE_MINUTES without an office page: the next
    office request logs the user out and sends them to the login with a message, so a screen
    left open at the town hall does not stay open to the plan. Office pages count, the login
    among them; the portal's do not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # After the view, so that the login itself starts the clock.
        if _in_office(request) and request.user.is_authenticated:
            request.session[OFFICE_LAST_SEEN] = timezone.now().timestamp()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _in_office(request) or not request.user.is_authenticated:
            return None
        last_seen = request.session.get(OFFICE_LAST_SEEN)
        idle = settings.OFFICE_SESSION_IDLE_MINUTES * 60
        if last_seen is None or timezone.now().timestamp() - last_seen <= idle:
            return None
        logout(request)
        messages.info(
            request,
            _(
                "You were logged out because the office was not used for %(minutes)d minutes. "
                "Please log in again."
            )
            % {"minutes": settings.OFFICE_SESSION_IDLE_MINUTES},
        )
        return redirect_to_login(request.get_full_path())


def _in_office(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.namespace == "office"
