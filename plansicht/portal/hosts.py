"""Many cities in one installation, each optionally on its own host name: the portal answered
on ``Organisation.domain`` shows that organisation's programmes only (its start page lists
them; another organisation's programme is not found there), while the main host shows all.

The host names and which programme belongs to whom change rarely (an administrator's
setting): each process keeps the map for ``REFRESH`` seconds instead of asking the database on
every request."""

import time

from django.http import Http404
from django.utils.translation import gettext as _

from plansicht.accounts.models import Organisation
from plansicht.plan.models import Programme

REFRESH = 60.0  # seconds

_map = {"at": -REFRESH, "hosts": {}, "programmes": {}}


def _current() -> dict:
    if time.monotonic() - _map["at"] >= REFRESH:
        _map["hosts"] = dict(Organisation.objects.exclude(domain="").values_list("domain", "pk"))
        _map["programmes"] = (
            dict(Programme.objects.values_list("slug", "organisation_id")) if _map["hosts"] else {}
        )
        _map["at"] = time.monotonic()
    return _map


def forget() -> None:
    """Read the map anew on the next request (after a host name or a programme changed)."""
    _map["at"] = -REFRESH


def organisation_id(request) -> int | None:
    """The organisation whose own host name the request came to, if any (None: the main host).
    Asked only by the portal's pages: the office, the API and /healthz never read the map."""
    if not hasattr(request, "_organisation_id"):
        host = request.get_host().rsplit(":", 1)[0].lower()
        request._organisation_id = _current()["hosts"].get(host)
    return request._organisation_id


class OrganisationHostMiddleware:
    """Hides, on an organisation's own host, the portal pages of every programme that is not
    its own (the start page filters itself, with ``organisation_id``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        match = request.resolver_match
        if match is None or match.app_name != "portal" or "slug" not in kwargs:
            return None
        own = organisation_id(request)
        if own is None:
            return None
        belongs = _current()["programmes"].get(kwargs["slug"])
        if belongs is None:  # a programme made since the map was read
            belongs = (
                Programme.objects.filter(slug=kwargs["slug"])
                .values_list("organisation_id", flat=True)
                .first()
            )
        if belongs is not None and belongs != own:
            raise Http404(_("There is no programme with this short name on this site."))
        return None
