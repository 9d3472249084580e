"""The production files do what docs/production.md says: gunicorn with its config serves the
site and logs JSON; nginx's example passes requests, their id and 10 MB uploads through; the
systemd units pass `systemd-analyze verify`; the Dockerfile and compose.yaml hold what a
container set-up needs (no container daemon runs here to build them)."""

import getpass
import http.client
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def site_env(tmp_path, **extra):
    """Development settings with production's logs, on a database of their own."""
    env = {**os.environ, "DEBUG": "true", "LOG_FORMAT": "json", "LOG_REQUESTS": "true"}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        ALLOWED_HOSTS="plansicht.example.de,127.0.0.1,localhost",
        WEB_CONCURRENCY="1",
        LOG_LEVEL="INFO",
    )
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


class Gunicorn:
    def __init__(self, tmp_path, bind):
        self.log = tmp_path / "gunicorn.log"
        self.proc = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "plansicht.wsgi"],
            cwd=ROOT,
            env=site_env(tmp_path, GUNICORN_BIND=bind),
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
        )

    def wait_for(self, text, timeout=30):
        deadline = time.monotonic() + timeout
        while text not in self.log.read_text():
            assert self.proc.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.1)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)

    def lines(self):
        return [json.loads(line) for line in self.log.read_text().splitlines()]


def get(host, port, path, headers=None, https=False, method="GET", body=None):
    if https:
        context = ssl._create_unverified_context()  # the test's own self-signed certificate
        connection = http.client.HTTPSConnection(host, port, timeout=30, context=context)
    else:
        connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.request(
        method, path, body=body, headers={"Host": "plansicht.example.de", **(headers or {})}
    )
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_gunicorn_with_its_config_serves_the_site_and_logs_one_json_line_per_request(tmp_path):
    port = free_port()
    server = Gunicorn(tmp_path, f"127.0.0.1:{port}")
    try:
        server.wait_for("Booting worker")
        status, headers, body = get("127.0.0.1", port, "/healthz", {"X-Request-ID": "rid-42"})
    finally:
        server.stop()
    assert status == 200
    assert json.loads(body)["database"] == "ok"
    assert headers["X-Request-ID"] == "rid-42"
    lines = server.lines()  # every line of gunicorn's and Plansicht's log is JSON
    assert {"gunicorn.error", "plansicht.request"} <= {line["logger"] for line in lines}
    [request] = [line for line in lines if line["logger"] == "plansicht.request"]
    assert (request["path"], request["status"], request["request_id"]) == (
        "/healthz",
        200,
        "rid-42",
    )
    # gunicorn's own access log stays off: one line per request, Plansicht's
    assert not [line for line in lines if line["logger"] == "gunicorn.access"]


@pytest.mark.skipif(
    shutil.which("nginx") is None,
    reason="nginx is not installed here (Debian: apt-get install nginx-light); "
    "the example config is only checked where it can run",
)
def test_the_nginx_example_passes_requests_their_id_and_ten_megabytes(tmp_path):
    sock = tmp_path / "gunicorn.sock"
    http_port, https_port = free_port(), free_port()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=plansicht.example.de"]
        + ["-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True,
        capture_output=True,
    )
    # The example with this test's certificate, socket, log folder and ports.
    conf = (ROOT / "deploy" / "nginx" / "plansicht.conf").read_text()
    conf = conf.replace(
        "/etc/letsencrypt/live/plansicht.example.de/fullchain.pem", str(tmp_path / "cert.pem")
    )
    conf = conf.replace(
        "/etc/letsencrypt/live/plansicht.example.de/privkey.pem", str(tmp_path / "key.pem")
    )
    conf = conf.replace("/run/plansicht/gunicorn.sock", str(sock))
    conf = conf.replace("/var/log/nginx/", f"{tmp_path}/")
    conf = re.sub(r"listen 80;", f"listen 127.0.0.1:{http_port};", conf)
    conf = re.sub(r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;", conf)
    conf = re.sub(r"listen \[::\]:\d+.*;\n", "", conf)
    (tmp_path / "plansicht.conf").write_text(conf)
    (tmp_path / "nginx.conf").write_text(
        # nginx's workers as this user, who may reach the socket in the test's folder
        f"user {getpass.getuser()};\n"
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n client_body_temp_path {tmp_path}/body;\n"
        f" proxy_temp_path {tmp_path}/proxy;\n include {tmp_path}/plansicht.conf;\n}}\n"
    )
    nginx = ["nginx", "-c", str(tmp_path / "nginx.conf"), "-p", f"{tmp_path}/"]
    checked = subprocess.run([*nginx, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr

    server = Gunicorn(tmp_path, f"unix:{sock}")
    server.wait_for("Booting worker")
    proxy = subprocess.Popen([*nginx, "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                status, headers, body = get("127.0.0.1", https_port, "/healthz", https=True)
                break
            except OSError:
                assert time.monotonic() < deadline and proxy.poll() is None
                time.sleep(0.1)
        assert status == 200 and json.loads(body)["status"] == "ok"
        made_by_nginx = headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", made_by_nginx)  # nginx's $request_id

        kept = get("127.0.0.1", https_port, "/healthz", {"X-Request-ID": "lb-1"}, https=True)
        assert kept[1]["X-Request-ID"] == "lb-1"

        status, headers, _ = get("127.0.0.1", http_port, "/healthz?x=1")
        assert status == 301
        assert headers["Location"] == "https://plansicht.example.de/healthz?x=1"

        # 10 MB reach Plansicht (which answers itself, here: no CSRF token); 13 MB do not.
        ten = get(
            "127.0.0.1",
            https_port,
            "/office/",
            https=True,
            method="POST",
            body=b"x" * 10 * 1024 * 1024,
        )
        assert ten[0] == 403
        thirteen = get(
            "127.0.0.1",
            https_port,
            "/office/",
            https=True,
            method="POST",
            body=b"x" * 13 * 1024 * 1024,
        )
        assert thirteen[0] == 413
    finally:
        proxy.send_signal(signal.SIGQUIT)
        proxy.wait(timeout=30)
        server.stop()
    paths = [
        (line["path"], line["request_id"])
        for line in server.lines()
        if line["logger"] == "plansicht.request"
    ]
    assert ("/healthz", made_by_nginx) in paths  # the same id in nginx's answer and the app's log
    access = (tmp_path / "plansicht.access.log").read_text()
    assert f"rid={made_by_nginx}" not in access  # /healthz stays out of the access log
    assert '"GET /healthz" 301' in access and "x=1" not in access  # no query strings


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed here (Debian: the systemd package)",
)
def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    # Installed under /srv/plansicht; here the checkout (with its .venv) stands in for it.
    for unit in (ROOT / "deploy" / "systemd").iterdir():
        text = unit.read_text().replace("/srv/plansicht", str(ROOT))
        text = text.replace(
            "/etc/plansicht/plansicht.env", str(ROOT / "deploy" / "plansicht.env.example")
        )
        (tmp_path / unit.name).write_text(text)
    units = sorted(str(path) for path in tmp_path.iterdir())
    assert [Path(u).name for u in units] == [
        "plansicht-web.service",
        "plansicht-web.socket",
        "plansicht-worker.service",
    ]
    proc = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True
    )
    assert (proc.returncode, proc.stdout + proc.stderr) == (0, "")  # unknown keys only warn
    worker = (ROOT / "deploy" / "systemd" / "plansicht-worker.service").read_text()
    assert "ExecStart=/srv/plansicht/.venv/bin/python manage.py db_worker" in worker


def instructions(dockerfile: str) -> list[str]:
    text = re.sub(r"\\\n", " ", dockerfile)
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_the_dockerfile_builds_a_non_root_gunicorn_image_from_hashed_dependencies():
    lines = instructions((ROOT / "Dockerfile").read_text())
    froms = [line for line in lines if line.startswith("FROM ")]
    assert froms[-1] == "FROM python:3.11-slim"
    final = lines[lines.index(froms[-1]) :]
    assert any("pip install --require-hashes -r requirements/base.txt" in line for line in final)
    collect = next(line for line in final if "collectstatic" in line)
    assert "DEBUG=false" in collect and "SECRET_KEY=" in collect
    users = [line for line in final if line.startswith("USER ")]
    assert users == ["USER plansicht"]
    assert final.index(users[0]) > final.index(collect)  # built as root, run as plansicht
    assert final[-1] == 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "plansicht.wsgi"]'
    for line in lines:  # what it copies exists
        if line.startswith("COPY ") and "--from" not in line:
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
    assert "gunicorn==" in (ROOT / "requirements" / "base.txt").read_text()


def test_compose_runs_web_worker_and_migrations_on_postgresql_15():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert services["db"]["image"] == "postgres:15"
    assert services["db"]["volumes"] == ["postgres:/var/lib/postgresql/data"]
    assert "postgres" in compose["volumes"]
    assert services["worker"]["command"] == ["python", "manage.py", "db_worker"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert "command" not in services["web"]  # the image's gunicorn
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        env = services[name]["environment"]
        assert env["DEBUG"] == "false"
        assert env["DATABASE_URL"].startswith("postgres://plansicht:")
        assert env["DATABASE_URL"].endswith("@db:5432/plansicht")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
