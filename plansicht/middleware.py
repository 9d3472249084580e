"""Site-wide request checks that no view should have to repeat."""

from django.http import Http404, JsonResponse
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
