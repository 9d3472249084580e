"""Logs an operator can search: a request id on every line, one JSON object per line.

``RequestIdMiddleware`` (first in MIDDLEWARE) takes the proxy's ``X-Request-ID`` when it is a
safe token, or makes one, keeps it in a context variable for every log line written while
the request is served, sends it back in the response's ``X-Request-ID`` and writes one line
per request (logger ``plansicht.request``; gunicorn's own access log stays off).

No personal data: the request line names the method, the path and the status, never the
query string, headers or the user; a path's token (the unsubscribe link's) is written as
``[token]``; e-mail addresses in any message or traceback are written as ``[e-mail]``.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# ASCII letters, digits and -_.: up to 128 characters, enough for a UUID, nginx's $request_id or a
# trace id; nothing that could break a log line or a header.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Route arguments whose values are secrets and never appear in a log line.
SECRET_ROUTE_ARGUMENTS = ("token",)
REQUEST_FIELDS = ("method", "path", "status", "duration_ms")

request_logger = logging.getLogger("plansicht.request")


def request_id_from(header: str | None) -> str:
    """The proxy's id if it is a safe token, else a new one (32 hex digits)."""
    if header and SAFE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def secrets_of(request) -> dict[str, str]:
    """The secret route arguments of a request's address, e.g. {"token": "…"}."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {}
    return {
        name: str(match.kwargs[name]) for name in SECRET_ROUTE_ARGUMENTS if match.kwargs.get(name)
    }


def scrub(text: str, request=None) -> str:
    """``text`` without e-mail addresses and without the secrets in ``request``'s address."""
    for name, value in secrets_of(request).items():
        text = text.replace(value, f"[{name}]")
    return EMAIL.sub("[e-mail]", text)


def loggable_path(request) -> str:
    return scrub(request.path, request)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        reset = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            request_logger.info(
                "%s %s %s",
                request.method,
                loggable_path(request),
                response.status_code,
                extra={
                    "method": request.method,
                    "path": loggable_path(request),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(reset)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (empty outside a request)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_of(record)
        return True


def request_id_of(record) -> str:
    # Django logs a 4xx or 5xx answer ("Not Found: …") after the middleware has returned,
    # with the request on the record.
    request = getattr(record, "request", None)
    return getattr(request, "request_id", "") or request_id_var.get()


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, request_id,
    the request fields on request lines, and the exception's traceback when there is one."""

    def format(self, record):
        request = getattr(record, "request", None)
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage(), request),
            "request_id": getattr(record, "request_id", "") or request_id_of(record),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info), request)
        elif record.exc_text:
            entry["exception"] = scrub(record.exc_text, request)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The development format: readable, with the request id, e-mail addresses scrubbed."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_of(record)
        return scrub(super().format(record), getattr(record, "request", None))
