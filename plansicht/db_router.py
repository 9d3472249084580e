"""Reads from PostgreSQL read replicas where that is safe, everything else from the primary.

Used only when ``DATABASE_REPLICA_URLS`` names replicas (settings, docs/scaling.md "Beyond one
machine"); they are the databases ``replica1``, ``replica2``, … beside ``default``, the primary.

The rule: no user may see their own change missing. A replica lags behind the primary by a
moment, so a read goes to a replica only inside a request that is read-only and free of a
recent write by the same client; every other read, and every write, goes to the primary:

- Writes always go to the primary (``db_for_write``), and so do reads outside a request
  (commands, the task worker, the shell): they run with no request state and read what they
  or others just wrote.
- ``ReplicaReadsMiddleware`` decides per request, before anything reads the database, and
  picks one replica for the whole request (one consistent view). The request stays on the
  primary when its method is not GET, HEAD or OPTIONS; when it is for the office (``/office/``,
  ``/en/office/``) or Django's admin, where staff work on what they just saved; when it carries
  an ``Authorization`` header (API token clients, which keep no cookies); or when the client
  carries the "recently wrote" cookie (below).
- Within a request, once anything is written (Django asks ``db_for_write`` before every ORM
  write: ``save``, ``create``, ``update``, ``delete``, ``get_or_create``, a session saved),
  every later read of that request goes to the primary too; so do reads inside an atomic block
  on the primary (a service's transaction reads what it changes). Django also asks
  ``db_for_write`` when an unsaved object is given a related one; that counts as a write,
  which errs on the primary's side.
- After a request that wrote or had an unsafe method, the answer sets a signed cookie valid for
  ``REPLICA_STICKY_SECONDS`` (15 by default): the client's next requests within that time read
  from the primary, so the page shown after a save shows the save, however far the replica
  lags. Set the seconds well above the replica's usual lag (monitor ``pg_stat_replication``).

Why these signals and not others: a request's method and the router's own ``db_for_write``
call are known without touching the database and catch every ORM write, whichever view or
middleware makes it; counting ``connection.queries`` works only with DEBUG, and a commit hook
would miss a write made outside a transaction. A write made with a raw cursor on
``connection`` (the primary) is not seen by the router: such code runs only in commands and in
services' atomic blocks, and service calls come from unsafe requests anyway. The cookie is
signed so that a client cannot keep itself on the primary for longer than it asks for; a
forged or expired one is simply ignored. Staff signed in on the public pages read from a
replica once their sticky time is over, like everyone; by then the replica has their change.

The portal's page cache (``plansicht.portal.cache``) asks for a programme's ``public_version``
through this router, from the same database the page is then rendered from. Asking the primary
while a lagging replica renders would store an old page under the new version's key, stale for
a day; asking the replica gives at worst the old version with the old page, stale only as long
as the replica lags, and renewed once it catches up. A user who just wrote reads the primary
for both (their requests are primary-bound), and a signed-in user is never served from the
cache anyway.
"""

import random
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

STICKY_COOKIE = "plansicht_primary"
_SALT = "plansicht.db_router.sticky"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


@dataclass
class _RequestState:
    replica: str | None  # the replica this request reads from; None: the primary
    wrote: bool = False


# None outside a request: then everything is read from the primary.
_request: ContextVar[_RequestState | None] = ContextVar("plansicht_db_request", default=None)


class ReplicaRouter:
    """Reads to the request's replica while that is safe (module docstring), all else to the
    primary; migrations only on the primary (replicas copy it by streaming replication)."""

    def db_for_read(self, model, **hints):
        state = _request.get()
        if state is None or state.replica is None or state.wrote:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return state.replica

    def db_for_write(self, model, **hints):
        state = _request.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replicas hold the primary's rows: an object read from one relates to any other.
        aliases = {DEFAULT_DB_ALIAS, *replica_aliases()}
        return obj1._state.db in aliases and obj2._state.db in aliases

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Decides for each request whether it may read from a replica, and sets the "recently
    wrote" cookie after one that wrote. Not used at all when no replica is configured."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.replicas = replica_aliases()
        if not self.replicas:
            raise MiddlewareNotUsed
        self.sticky_seconds = settings.REPLICA_STICKY_SECONDS
        prefixes = ["/office/", "/admin/"]
        prefixes += [f"/{code}/office/" for code, _name in settings.LANGUAGES]
        self.primary_prefixes = tuple(prefixes)

    def __call__(self, request):
        state = _RequestState(replica=self._replica_for(request))
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if state.wrote or request.method not in SAFE_METHODS:
            response.set_signed_cookie(
                STICKY_COOKIE,
                "1",
                salt=_SALT,
                max_age=self.sticky_seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def _replica_for(self, request) -> str | None:
        if request.method not in SAFE_METHODS:
            return None
        if request.path.startswith(self.primary_prefixes):
            return None
        if "Authorization" in request.headers:
            return None
        if self._recently_wrote(request):
            return None
        return random.choice(self.replicas)  # noqa: S311 (spreading load, not a secret)

    def _recently_wrote(self, request) -> bool:
        if STICKY_COOKIE not in request.COOKIES:
            return False
        try:
            request.get_signed_cookie(STICKY_COOKIE, salt=_SALT, max_age=self.sticky_seconds)
        except (KeyError, signing.BadSignature):  # SignatureExpired is a BadSignature
            return False
        return True
