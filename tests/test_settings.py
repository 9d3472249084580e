"""Settings come from the environment; production refuses to start without what it needs."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage_check(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL", "SITE_URL")
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=60,
    )


def test_production_without_a_secret_key_refuses_to_start_and_says_why():
    proc = manage_check(DEBUG="false", ALLOWED_HOSTS="plansicht.example.de")
    assert proc.returncode != 0
    assert "SECRET_KEY is not set" in proc.stderr


def test_production_without_allowed_hosts_refuses_to_start_and_says_why():
    proc = manage_check(DEBUG="false", SECRET_KEY="x" * 50)
    assert proc.returncode != 0
    assert "ALLOWED_HOSTS is not set" in proc.stderr


def test_production_with_its_settings_starts():
    proc = manage_check(
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="plansicht.example.de",
        SITE_URL="https://plansicht.example.de",
    )
    assert proc.returncode == 0, proc.stderr


def test_production_needs_the_site_address_when_the_host_is_a_wildcard():
    # Without SITE_URL the links in mails go to the first host over HTTPS (test_deploy.py);
    # a wildcard names no host to link to.
    proc = manage_check(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="*.example.de")
    assert proc.returncode != 0 and "SITE_URL is not set" in proc.stderr


def test_a_nonsense_boolean_is_refused():
    proc = manage_check(DEBUG="vielleicht")
    assert proc.returncode != 0 and "DEBUG must be true or false" in proc.stderr


def test_defaults_are_development_with_sqlite_and_berlin_time():
    from django.conf import settings

    assert settings.TIME_ZONE == "Europe/Berlin"
    assert settings.LANGUAGE_CODE == "de"


def test_the_login_throttle_and_the_office_s_idle_time_come_from_the_environment():
    proc = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, "
            "s.AXES_COOLOFF_TIME.total_seconds(), s.ACCOUNT_RATE_LIMITS['login_failed'], "
            "s.OFFICE_SESSION_IDLE_MINUTES, *s.SECURE_PROXY_SSL_HEADER)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "LOGIN_FAILURE_LIMIT": "3",
            "LOGIN_LOCKOUT_MINUTES": "60",
            "OFFICE_SESSION_IDLE_MINUTES": "10",
            "PROXY_COUNT": "1",
        },
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    # 60 minutes are 3,600 seconds, for the office (axes) and the participants (allauth);
    # behind a proxy, its X-Forwarded-Proto says whether the request came over HTTPS.
    assert proc.stdout.splitlines()[-1] == (
        "3 3600.0 10/m/ip,3/3600s/key 10 HTTP_X_FORWARDED_PROTO https"
    )


def test_a_nonsense_login_limit_is_refused():
    proc = manage_check(LOGIN_FAILURE_LIMIT="fünf")
    assert proc.returncode != 0 and "LOGIN_FAILURE_LIMIT and LOGIN_LOCKOUT_MINUTES" in proc.stderr
