"""Login throttling (django-axes, configured in settings): the address an attempt counts
against, and until when a lockout lasts."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone


def client_ip(request) -> str | None:
    """The client's address: the connection's, or, behind ``PROXY_COUNT`` reverse proxies that
    each append the address they saw to X-Forwarded-For, the one the outermost proxy saw.
    Entries before that come from the client and are not trusted."""
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def participant_login(request, credentials=None) -> bool:
    """Whether the attempt is a participant's, on one of allauth's pages (settings:
    AXES_WHITELIST_CALLABLE): allauth throttles those itself, by address and by e-mail
    address. Axes would count them under an empty user name, all participants together."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    return getattr(match.func, "__module__", "").startswith("allauth.")


def locked_until(request, credentials=None) -> datetime:
    """When the lockout of this request's user name and address ends: each locked parameter is
    free once its failed attempts within the cool-off, oldest first, have aged out below the
    limit."""
    from axes.helpers import (
        get_client_parameters,
        get_client_username,
        get_cool_off,
        get_failure_limit,
    )
    from axes.models import AccessAttempt

    now = timezone.now()
    cool_off = get_cool_off(request)
    limit = get_failure_limit(request, credentials)
    until = now + cool_off
    latest = None
    for filters in get_client_parameters(
        get_client_username(request, credentials),
        getattr(request, "axes_ip_address", None),
        getattr(request, "axes_user_agent", None),
        request,
        credentials,
    ):
        attempts = AccessAttempt.objects.filter(
            **filters, attempt_time__gte=now - cool_off
        ).order_by("attempt_time")
        rows = list(attempts.values_list("attempt_time", "failures_since_start"))
        failures = sum(count for _at, count in rows)
        free = None
        for at, count in rows:
            if failures < limit:
                break
            failures -= count
            free = at + cool_off
        if free is not None and (latest is None or free > latest):
            latest = free
    return latest or until
