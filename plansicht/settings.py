"""Plansicht's one settings module, read from environment variables (see README, "Configuration").

Development defaults are safe to run on a laptop; with DEBUG off, values that production
must set explicitly are required and the server refuses to start without them.
"""

import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "true")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off, Plansicht needs a long random SECRET_KEY "
            'in the environment, e.g. from: python -c "import secrets; '
            'print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. With DEBUG off, list the host names this site is served "
        "under, separated by commas, e.g. ALLOWED_HOSTS=plansicht.example.de"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",  # login throttling (below, "Login throttling")
    "allauth",  # participants' accounts (below, "Participants")
    "allauth.account",
    "allauth.socialaccount",  # staff single sign-on, when configured (below, "Staff SSO")
    "allauth.socialaccount.providers.openid_connect",
    "plansicht.ops",  # /healthz; before django_tasks_db: its db_worker beats (plansicht/ops)
    "django_tasks",  # background tasks: mail (below, "Tasks and mail")
    "django_tasks_db",
    # domain, from the floor up
    "plansicht.accounts",
    "plansicht.history",
    "plansicht.plan",
    "plansicht.content",
    "plansicht.indicators",
    "plansicht.risks",
    "plansicht.funding",
    "plansicht.staffing",
    "plansicht.participation",
    "plansicht.proposals",
    "plansicht.consultations",
    "plansicht.decisions",
    "plansicht.forecast",
    "plansicht.notify",
    "plansicht.reports",
    "plansicht.opendata",
    "plansicht.imports",
    # faces
    "plansicht.cli",
    "plansicht.portal",
    "plansicht.office",
    "plansicht.api",
    "plansicht.oparl",
]

MIDDLEWARE = [
    "plansicht.logs.RequestIdMiddleware",  # first: every later log line carries the request id
    # Security headers next, so that every answer carries them, error pages included.
    "django.middleware.security.SecurityMiddleware",
    "plansicht.middleware.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "plansicht.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "plansicht.portal.hosts.OrganisationHostMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "plansicht.middleware.OfficeIdleTimeoutMiddleware",  # after auth and messages
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "plansicht.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "plansicht" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "plansicht.wsgi.application"

# SQLite under var/ by default; PostgreSQL in production via DATABASE_URL.
DEFAULT_DATABASE_URL = f"sqlite:///{BASE_DIR / 'var' / 'plansicht.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a concurrent writer instead of failing at once ("database is locked"). The wait
    # only works if a write transaction takes the lock when it begins: a deferred one that
    # reads first and then wants to write fails at once, without waiting.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["timeout"] = 20
    options["transaction_mode"] = "IMMEDIATE"

# Read replicas of a PostgreSQL primary (docs/scaling.md, "Beyond one machine"): public reads
# go to a replica, everything in a request that writes and the same client's next requests for
# REPLICA_STICKY_SECONDS to the primary (plansicht/db_router.py). In tests a replica is the
# test database itself (MIRROR), so the suite runs unchanged.
DATABASE_REPLICA_URLS = envlist("DATABASE_REPLICA_URLS", "")
for number, url in enumerate(DATABASE_REPLICA_URLS, start=1):
    try:
        replica = dj_database_url.parse(url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    except ValueError:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URLS: replica {number} is not a database address; "
            "write postgres://USER:PASSWORD@HOST:5432/NAME, several separated by commas."
        ) from None
    if "postgresql" not in DATABASES["default"]["ENGINE"] or "postgresql" not in replica["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS needs PostgreSQL: DATABASE_URL and every replica must be "
            "postgres:// addresses (read replicas by streaming replication)."
        )
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{number}"] = replica
try:
    REPLICA_STICKY_SECONDS = int(os.environ.get("REPLICA_STICKY_SECONDS", "15"))
except ValueError:
    raise ImproperlyConfigured(
        "REPLICA_STICKY_SECONDS must be a whole number of seconds, e.g. 15."
    ) from None
if REPLICA_STICKY_SECONDS < 1:
    raise ImproperlyConfigured("REPLICA_STICKY_SECONDS must be at least 1.")
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS = ["plansicht.db_router.ReplicaRouter"]
    # Right after the request id: it decides before anything reads the database, and sees the
    # session being saved on the way out.
    MIDDLEWARE.insert(1, "plansicht.db_router.ReplicaReadsMiddleware")
# Behind PgBouncer in transaction pooling mode, queries of one cursor may go to different
# server connections: Django's server-side cursors (QuerySet.iterator()) must then be off.
if envbool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", "false"):
    for database in DATABASES.values():
        database["DISABLE_SERVER_SIDE_CURSORS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "plansicht" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
FORMAT_MODULE_PATH = ["plansicht.formats"]
# Formats where no language is active (management commands): German style, as in the UI.
DATE_FORMAT = "j. F Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "j. F Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
# Front-end assets come from their npm packages (npm ci at set-up), never pasted into the repo.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "plansicht" / "static",
    ("vendor/kern", NODE_MODULES / "@kern-ux" / "native" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if not DEBUG:
    # Production serves the collected static files itself (python manage.py collectstatic).
    # Inside the security headers' middleware: static files carry them too.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.clickjacking.XFrameOptionsMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

# Login throttling (django-axes), for the office's and the admin's login alike: after 5 failed
# attempts for one user name, or 5 from one address, that user name or address is locked for
# 15 minutes. Only failures count; attempts while locked do not extend the lock. Administrators
# unlock earlier in Django's admin (Access attempts) or with `manage.py axes_reset_username`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "plansicht.portal.accounts.ParticipantBackend",  # participants, by e-mail (allauth)
]
# LOGIN_FAILURE_LIMIT and LOGIN_LOCKOUT_MINUTES change the 5 and the 15, for the participants'
# login too (below, ACCOUNT_RATE_LIMITS).
try:
    AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
    LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
except ValueError:
    raise ImproperlyConfigured(
        "LOGIN_FAILURE_LIMIT and LOGIN_LOCKOUT_MINUTES must be whole numbers, e.g. 5 and 15."
    ) from None
if AXES_FAILURE_LIMIT < 1 or LOGIN_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_LOCKOUT_MINUTES must be at least 1.")
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # keep no record of successful logins
AXES_LOCKOUT_CALLABLE = "plansicht.office.entrance.locked_out"
AXES_CLIENT_IP_CALLABLE = "plansicht.accounts.throttle.client_ip"
# Participants' logins (allauth's pages under /konto/) are throttled by allauth, per address
# and per e-mail address; axes leaves them alone (they carry no user name it could count by).
AXES_WHITELIST_CALLABLE = "plansicht.accounts.throttle.participant_login"
# Reverse proxies in front of Plansicht that append the client's address to X-Forwarded-For;
# 0: the connection's own address is the client's.
try:
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
except ValueError:
    raise ImproperlyConfigured(
        "PROXY_COUNT must be a whole number: how many reverse proxies stand in front of "
        "Plansicht (0 if none)."
    ) from None

# Staff single sign-on with OpenID Connect (docs/security.md, "Single sign-on"): off unless
# OIDC_SERVER_URL is set. Staff then may log in at the office with their organisation's
# identity provider (Keycloak, Microsoft Entra, …) through allauth's OpenID Connect provider;
# a new user's staff roles come from their groups, through OIDC_ROLE_MAP, at their first login
# only; from then on they are managed in Plansicht. The password login stays.
OIDC_PROVIDER_ID = "staff"  # in the addresses: /konto/oidc/staff/login/callback/
# The roles OIDC_ROLE_MAP may give (StaffRole.ROLES; the settings cannot import models).
OIDC_ROLE_NAMES = ("admin", "editor", "unit_editor", "finance", "hr", "viewer")


def oidc_settings(environ) -> dict:
    """The settings of staff single sign-on from the environment ``environ``: every name
    below that starts with OIDC_ or SOCIALACCOUNT_PROVIDERS. Tests call it with an
    environment of their own."""
    server_url = environ.get("OIDC_SERVER_URL", "").strip().rstrip("/")
    if not server_url:
        return {
            "OIDC_ENABLED": False,
            "OIDC_NAME": "",
            "OIDC_ORIGIN": "",
            "OIDC_GROUPS_CLAIM": "groups",
            "OIDC_ROLE_MAP": {},
            "SOCIALACCOUNT_PROVIDERS": {},
        }
    parts = urlsplit(server_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            "OIDC_SERVER_URL must be the identity provider's issuer address, e.g. "
            "https://login.example.de/realms/stadt (Keycloak) or "
            "https://login.microsoftonline.com/<tenant id>/v2.0 (Microsoft Entra)."
        )
    client_id = environ.get("OIDC_CLIENT_ID", "").strip()
    secret = environ.get("OIDC_CLIENT_SECRET", "").strip()
    if not client_id or not secret:
        raise ImproperlyConfigured(
            "OIDC_SERVER_URL is set, so OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be too: "
            "the client Plansicht is registered as at the identity provider."
        )
    try:
        role_map = json.loads(environ.get("OIDC_ROLE_MAP", "") or "{}")
    except ValueError as error:
        raise ImproperlyConfigured(
            "OIDC_ROLE_MAP must be JSON mapping a group to a role, e.g. "
            '{"plansicht-editors": {"organisation": "Stadt Musterstadt", "role": "editor", '
            '"unit": "Amt für Digitales"}}.'
        ) from error
    if not isinstance(role_map, dict) or not role_map:
        raise ImproperlyConfigured(
            "OIDC_ROLE_MAP must map at least one group to a role: without it nobody could "
            "log in by single sign-on."
        )
    for group, grant in role_map.items():
        if (
            not isinstance(grant, dict)
            or not all(isinstance(grant.get(k), str) for k in ("organisation", "role", "unit"))
            or not set(grant) <= {"organisation", "role", "unit", "moderator"}
            or not isinstance(grant.get("moderator", False), bool)
        ):
            raise ImproperlyConfigured(
                f"OIDC_ROLE_MAP: the group {group!r} must map to an object with "
                '"organisation", "role" and "unit" (names as in Plansicht) and optionally '
                '"moderator": true or false.'
            )
        if grant["role"] not in OIDC_ROLE_NAMES:
            raise ImproperlyConfigured(
                f"OIDC_ROLE_MAP: the group {group!r} maps to the role {grant['role']!r}; "
                f"the roles are {', '.join(OIDC_ROLE_NAMES)}."
            )
    name = environ.get("OIDC_NAME", "").strip() or "Single Sign-on"
    scopes = environ.get("OIDC_SCOPES", "").split() or ["openid", "profile", "email"]
    return {
        "OIDC_ENABLED": True,
        "OIDC_NAME": name,
        # Where the login form's redirect goes: the Content Security Policy's form-action.
        "OIDC_ORIGIN": f"{parts.scheme}://{parts.netloc}",
        "OIDC_GROUPS_CLAIM": environ.get("OIDC_GROUPS_CLAIM", "").strip() or "groups",
        "OIDC_ROLE_MAP": role_map,
        "SOCIALACCOUNT_PROVIDERS": {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "SCOPE": scopes,
                "APPS": [
                    {
                        "provider_id": OIDC_PROVIDER_ID,
                        "name": name,
                        "client_id": client_id,
                        "secret": secret,
                        "settings": {"server_url": server_url},
                    }
                ],
            }
        },
    }


_oidc = oidc_settings(os.environ)
OIDC_ENABLED = _oidc["OIDC_ENABLED"]
OIDC_NAME = _oidc["OIDC_NAME"]
OIDC_ORIGIN = _oidc["OIDC_ORIGIN"]
OIDC_GROUPS_CLAIM = _oidc["OIDC_GROUPS_CLAIM"]
OIDC_ROLE_MAP = _oidc["OIDC_ROLE_MAP"]
SOCIALACCOUNT_PROVIDERS = _oidc["SOCIALACCOUNT_PROVIDERS"]
# The staff's social logins: matched by the provider's subject (never by e-mail address), no
# confirmation mail (the identity provider vouches for its staff), no sign-up form.
SOCIALACCOUNT_ADAPTER = "plansicht.office.sso.StaffSocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # the office's button sends a form (CSRF-protected)

LOGIN_URL = "office:login"
LOGIN_REDIRECT_URL = "office:index"
LOGOUT_REDIRECT_URL = "portal:index"

# Participants (django-allauth): they sign up with an e-mail address and a display name, confirm
# the address by a link (double opt-in) and log in with a password or a one-time code by mail.
# Their logins are throttled by allauth's rate limits: its defaults, but failed logins as the
# office's (LOGIN_FAILURE_LIMIT per e-mail address within LOGIN_LOCKOUT_MINUTES, and 10 a minute
# per network address). Staff log in at /office/.
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"10/m/ip,{AXES_FAILURE_LIMIT}/{LOGIN_LOCKOUT_MINUTES * 60}s/key",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Plansicht] "
ACCOUNT_LOGOUT_REDIRECT_URL = "portal:index"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# The sign-up asks for the display name too; the adapter sends participants back to the portal
# (never into the office), gives them a username that says nothing about them and keeps staff
# accounts out of this login. Confirming the address in the browser that signed up logs in.
ACCOUNT_FORMS = {
    "signup": "plansicht.portal.accounts.SignupForm",
    "confirm_login_code": "plansicht.portal.accounts.ConfirmLoginCodeForm",
}
ACCOUNT_ADAPTER = "plansicht.portal.accounts.AccountAdapter"
ACCOUNT_USER_DISPLAY = "plansicht.participation.people.display_name"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True

# Tasks and mail. Mail goes out from background tasks (django-tasks with its database backend),
# enqueued when the transaction commits; `manage.py db_worker` runs them (README, "Running").
# Without EMAIL_HOST the mails are printed to the console (the demo does this).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}


# Absolute links in mails, feeds and unsubscribe links. With DEBUG off and no SITE_URL, the
# first of ALLOWED_HOSTS over https (production is reached over HTTPS through its proxy).
def _site_url_from_hosts() -> str:
    host = ALLOWED_HOSTS[0].lstrip(".") if ALLOWED_HOSTS else ""
    return f"https://{host}" if host and "*" not in host else ""


SITE_URL = os.environ.get(
    "SITE_URL", "http://127.0.0.1:8000" if DEBUG else _site_url_from_hosts()
).rstrip("/")
if not DEBUG and not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL is not set. With DEBUG off, give the address the site is reached at, e.g. "
        "SITE_URL=https://plansicht.example.de (used for links in mails and feeds); it cannot "
        "be derived from an ALLOWED_HOSTS entry with a wildcard."
    )
# A plan file larger than this (bytes; about 3,000 rows of XLSX) is checked and imported by the
# task worker, its progress shown on its own page (docs/import.md).
IMPORT_BACKGROUND_BYTES = int(os.environ.get("IMPORT_BACKGROUND_BYTES", "200000"))
# Open data (docs/opendata.md). IATI_ORG_REF: the city's IATI organisation identifier, the
# prefix of every iati-identifier (an org-id.guide identifier such as DE-AGS-07315000; empty:
# "DE-AGS-" and the organisation's AGS). DECIDIM_STATUS_IDS: JSON mapping each health (green,
# amber, red) to the id of an Accountability status in the city's own Decidim.
IATI_ORG_REF = os.environ.get("IATI_ORG_REF", "").strip()
try:
    DECIDIM_STATUS_IDS = json.loads(os.environ.get("DECIDIM_STATUS_IDS", "") or "{}")
except ValueError as error:
    raise ImproperlyConfigured(
        'DECIDIM_STATUS_IDS must be JSON such as {"green": 1, "amber": 2, "red": 3}.'
    ) from error
if not isinstance(DECIDIM_STATUS_IDS, dict) or not all(
    isinstance(v, int) and not isinstance(v, bool) for v in DECIDIM_STATUS_IDS.values()
):
    raise ImproperlyConfigured(
        'DECIDIM_STATUS_IDS must map health to integer ids, e.g. {"green": 1, "amber": 2}.'
    )
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
try:
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
except ValueError:
    raise ImproperlyConfigured("EMAIL_PORT must be a port number, e.g. 587.") from None
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "false")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Plansicht <plansicht@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Uploaded files (a statement's PDF), under var/ unless MEDIA_ROOT says otherwise.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"

# Security headers (docs/security.md). Django's SecurityMiddleware sends HSTS (on HTTPS
# requests only), nosniff, the referrer policy and the cross-origin opener policy; its
# clickjacking middleware X-Frame-Options; plansicht.middleware.SecurityHeadersMiddleware the
# Content Security Policy and the Permissions-Policy below.
if not DEBUG:
    SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "true")
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
try:
    # A year in production (browsers then refuse plain HTTP to this host); off while developing.
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
except ValueError:
    raise ImproperlyConfigured(
        "SECURE_HSTS_SECONDS must be a whole number of seconds, e.g. 31536000 (a year) or 0 "
        "(no HSTS)."
    ) from None
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Redirecting plain HTTP to HTTPS is the reverse proxy's job; Plansicht itself answers HTTP
# (the proxy talks to it so, and so do health checks) unless SECURE_SSL_REDIRECT says otherwise.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false")
if PROXY_COUNT > 0:
    # Behind a proxy, a request came over HTTPS when the proxy says so (it must set, not
    # append, X-Forwarded-Proto: nginx's `proxy_set_header X-Forwarded-Proto $scheme`).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# The pages need no inline script or style and load nothing from elsewhere; images in the
# stylesheets (KERN's icons) and the favicon are data: addresses. Forms go to this site only,
# and, with staff single sign-on, on to the identity provider (the office's button sends a
# form whose answer redirects there, and browsers check form-action on redirects too).
def content_security_policy(oidc_origin: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "img-src 'self' data:",
            "style-src 'self'",
            "script-src 'self'",
            "font-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            f"form-action 'self' {oidc_origin}".strip(),
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy(OIDC_ORIGIN)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
SILENCED_SYSTEM_CHECKS = [
    # SECURE_SSL_REDIRECT is off by default: redirecting to HTTPS is the reverse proxy's job,
    # and the application must still answer plain HTTP from the proxy and health checks.
    "security.W008",
    # HSTS preloading is a promise for the whole registrable domain (the city's), hard to
    # undo; its owner decides and sets SECURE_HSTS_PRELOAD=true.
    "security.W021",
]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite cannot enforce the follow's uniqueness with NULLs (one follow per thing and user);
    # the services write follows with get_or_create, and PostgreSQL, for production, enforces it.
    SILENCED_SYSTEM_CHECKS.append("models.W047")

# Office sessions end after this many minutes without a request (plansicht.middleware).
try:
    OFFICE_SESSION_IDLE_MINUTES = int(os.environ.get("OFFICE_SESSION_IDLE_MINUTES", "30"))
except ValueError:
    raise ImproperlyConfigured(
        "OFFICE_SESSION_IDLE_MINUTES must be a whole number of minutes, e.g. 30."
    ) from None

# The cache: Redis when REDIS_URL is set (shared by every web node and worker), else each
# process's own memory. /healthz checks that it answers. With Redis, each process keeps the
# public pages it served last in its own memory too ("near", plansicht/portal/cache.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
if REDIS_URL:
    CACHES["near"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "near",
        "OPTIONS": {"MAX_ENTRIES": 500},
    }

# /healthz reports the task worker "stale" when its last heartbeat is older than this.
try:
    HEALTHZ_WORKER_STALE_MINUTES = int(os.environ.get("HEALTHZ_WORKER_STALE_MINUTES", "5"))
except ValueError:
    raise ImproperlyConfigured(
        "HEALTHZ_WORKER_STALE_MINUTES must be a whole number of minutes, e.g. 5."
    ) from None

# Logs go to standard error: one JSON object per line in production, readable text in
# development, each line with the request id (plansicht/logs.py, docs/production.md "Logs").
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
# One line per request (method, path, status, duration); runserver writes its own in development.
LOG_REQUESTS = envbool("LOG_REQUESTS", "false" if DEBUG else "true")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING").strip().upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "plansicht.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "plansicht.logs.JSONFormatter"},
        "text": {"()": "plansicht.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own lines in the same format: its default handlers (plain text with DEBUG
        # on, mail to ADMINS with DEBUG off) are replaced by the root's (runserver keeps its own).
        "django": {"level": LOG_LEVEL},
        "plansicht.request": {"level": "INFO" if LOG_REQUESTS else "WARNING"},
    },
}
