"""Production with the fewest settings: with only DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL set, Django's deployment check is clean, the links in mails point at the first
host over HTTPS, and the application still answers plain HTTP (redirecting to HTTPS is the
reverse proxy's job), with its security headers."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "k3Jx9-only-for-this-test-" + "x" * 40

# What a production environment needs at least; everything else of the test run's own
# environment that Plansicht reads is left out, so that its defaults are what is checked.
READ_BY_PLANSICHT = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "SITE_URL",
    "STATIC_ROOT",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "PROXY_COUNT",
    "DJANGO_SETTINGS_MODULE",
)


def production_env(database: str, **more) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in READ_BY_PLANSICHT}
    env.update(
        DEBUG="false",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=database,
        PYTHONDONTWRITEBYTECODE="1",
        **more,
    )
    return env


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_deployment_check_is_clean_with_the_four_settings(tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    proc = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues" in proc.stdout


def test_production_defaults_derived_from_the_four_settings(tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    proc = manage(
        env,
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SITE_URL, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
    )
    assert proc.returncode == 0, proc.stderr
    # Links in mails go to the first host over HTTPS; no redirect; HSTS for a year (365 days
    # of 86,400 seconds); cookies only over HTTPS.
    assert proc.stdout.splitlines()[-1].split() == [
        "https://example.org",
        "False",
        "31536000",
        "True",
        "True",
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect comes back as an HTTPError with its code


def test_with_debug_off_a_plain_http_request_is_answered_not_redirected(tmp_path):
    # STATIC_ROOT only keeps the collected files out of the working copy.
    env = production_env(f"sqlite:///{tmp_path / 'db.sqlite3'}", STATIC_ROOT=str(tmp_path / "s"))
    for step in (("migrate", "--noinput"), ("collectstatic", "--noinput"), ("seed_demo",)):
        proc = manage(env, *step)
        assert proc.returncode == 0, proc.stderr
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    opener = urllib.request.build_opener(NoRedirect)

    def get(path):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"Host": "example.org"}
        )
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = get("/office/login/")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        "the server did not start:\n" + (tmp_path / "server.log").read_text()
                    ) from None
                time.sleep(0.2)
        assert status == 200, body
        assert "Location" not in headers
        assert "Anmeldung zum Verwaltungsbereich</h1>" in body
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        # HSTS is sent over HTTPS only: on plain HTTP it would mean nothing.
        assert "Strict-Transport-Security" not in headers
        # The start page with the demo seeded with DEBUG off, and a stylesheet (served with
        # DEBUG off by WhiteNoise).
        status, headers, body = get("/")
        assert status == 200, body
        assert "Location" not in headers
        assert "Musterstadt" in body
        assert get("/p/musterstadt/")[0] == 200
        css = next(
            part.split('"')[0]
            for part in body.split('href="')[1:]
            if part.split('"')[0].endswith(".css")
        )
        status, headers, _body = get(css)
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in headers["Content-Security-Policy"]
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()
