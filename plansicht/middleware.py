"""Site-wide request checks that no view should have to repeat."""

from django.http import Http404


class RefuseNulMiddleware:
    """A NUL character in the address (path or query string) names no page: answer the normal
    404 page. No real address holds one, and PostgreSQL cannot even compare text with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise Http404("NUL in the address")
        return self.get_response(request)
