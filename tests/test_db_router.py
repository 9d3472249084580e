"""Read replicas: public reads come from a replica, and a client that just wrote reads the
primary for REPLICA_STICKY_SECONDS, so nobody sees their own change missing.

Two real PostgreSQL databases of this run stand for the primary and its replica: the primary
is migrated and loaded as an operator would (manage.py in a subprocess), then copied as the
replica (CREATE DATABASE … TEMPLATE), and the replica's programme title is changed, so the
title on a page tells which database answered -- as a lagging replica would show an old title.
A web server (runserver) runs with DATABASE_URL on the primary and DATABASE_REPLICA_URLS on
the replica; the test database of the run is not involved. Both databases are dropped at the
end."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.db import transaction
from django.http import HttpResponse

from plansicht.db_router import STICKY_COOKIE, ReplicaReadsMiddleware, ReplicaRouter
from plansicht.plan.models import Programme

from .factories import document

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
SLUG = "zweistadt"
PRIMARY_TITLE = "Primärstadt digital"
REPLICA_TITLE = "Replikstadt digital"
STICKY_SECONDS = 2


def _postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            return shutil.which("psql") is not None
    except OSError:
        return False


needs_postgres = pytest.mark.skipif(
    not _postgres_reachable(),
    reason="PostgreSQL at 127.0.0.1:5432 (and its psql client) is needed for a real replica",
)


def _psql(sql: str, database: str = "postgres"):
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-X", "-q", "-d", database, "-c", sql],
        check=True,
        capture_output=True,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A primary with the programme and a user, its copy as the replica with another title, and
    a web server reading from both; yields its address and the environment."""
    tmp = tmp_path_factory.mktemp("router")
    name = f"plansicht_router_{uuid.uuid4().hex[:10]}"
    primary, replica = name, f"{name}_replica"
    env = {
        **os.environ,
        "DATABASE_URL": POSTGRES + primary,
        "DEBUG": "true",
        "MEDIA_ROOT": str(tmp / "media"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "plansicht.settings",
    }
    env.pop("DATABASE_REPLICA_URLS", None)
    env.pop("REDIS_URL", None)  # the server's own memory cache: nothing shared with other runs
    manage = [sys.executable, str(ROOT / "manage.py")]
    doc = document(slug=SLUG)
    doc["programme"]["title"] = PRIMARY_TITLE
    path = tmp / "programm.json"
    path.write_text(json.dumps(doc, default=str))
    server = None
    _psql(f"CREATE DATABASE {primary}")
    try:
        for command in (
            ["migrate", "-v0"],
            ["load_programme", str(path)],
            ["shell", "-c", "from django.contrib.auth.models import User; "
             "User.objects.create_user('erika', password='pw-erika')"],
        ):  # fmt: skip
            subprocess.run([*manage, *command], env=env, check=True, cwd=ROOT, capture_output=True)
        _psql(f"CREATE DATABASE {replica} TEMPLATE {primary}")
        table = Programme._meta.db_table
        _psql(f"UPDATE {table} SET title = '{REPLICA_TITLE}' WHERE slug = '{SLUG}'", replica)
        env["DATABASE_REPLICA_URLS"] = POSTGRES + replica
        env["REPLICA_STICKY_SECONDS"] = str(STICKY_SECONDS)
        port = _free_port()
        server = subprocess.Popen(
            [*manage, "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(base + "/robots.txt", timeout=5)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield {"base": base, "env": env, "manage": manage}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        _psql(f"DROP DATABASE IF EXISTS {replica} WITH (FORCE)")
        _psql(f"DROP DATABASE IF EXISTS {primary} WITH (FORCE)")


def _title(response) -> str:
    """The overview's h1 (the programme's title), after checking the page answered."""
    assert response.status_code == 200, response.status_code
    found = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)
    assert found, "the page has no h1"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def _log_in(client: requests.Session, base: str) -> requests.Response:
    page = client.get(base + "/office/login/", timeout=20)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        base + "/office/login/",
        data={"csrfmiddlewaretoken": token, "username": "erika", "password": "pw-erika"},
        allow_redirects=False,
        timeout=20,
    )
    assert answer.status_code == 302, "the login failed"
    return answer


@needs_postgres
def test_an_anonymous_visitor_reads_the_public_pages_from_the_replica(site):
    overview = f"{site['base']}/p/{SLUG}/"
    first = requests.get(overview, timeout=20)
    assert _title(first) == REPLICA_TITLE
    assert STICKY_COOKIE not in first.cookies  # reading keeps a visitor on the replica
    assert _title(requests.get(overview, timeout=20)) == REPLICA_TITLE  # from the page cache
    assert _title(requests.get(f"{site['base']}/en/p/{SLUG}/", timeout=20)) == REPLICA_TITLE


@needs_postgres
def test_after_a_write_that_user_reads_the_primary_and_others_the_replica(site):
    base, overview = site["base"], f"{site['base']}/p/{SLUG}/"
    erika = requests.Session()
    answer = _log_in(erika, base)  # a POST that writes: the session, the time of the login
    sticky = answer.cookies.get(STICKY_COOKIE)
    assert sticky, "the answer to a write sets the recently-wrote cookie"

    # Erika's next page comes from the primary; a visitor without the cookie, or with a
    # made-up one, still reads the replica.
    assert _title(erika.get(overview, timeout=20)) == PRIMARY_TITLE
    assert _title(requests.get(overview, timeout=20)) == REPLICA_TITLE
    forged = requests.get(overview, cookies={STICKY_COOKIE: "1"}, timeout=20)
    assert _title(forged) == REPLICA_TITLE

    # Once the sticky seconds are over Erika reads the replica again, even with the old cookie.
    time.sleep(STICKY_SECONDS + 1)
    assert _title(erika.get(overview, timeout=20)) == REPLICA_TITLE
    expired = requests.get(overview, cookies={STICKY_COOKIE: sticky}, timeout=20)
    assert _title(expired) == REPLICA_TITLE


@needs_postgres
def test_a_command_reads_the_primary(site):
    done = subprocess.run(
        [*site["manage"], "dump_programme", SLUG],
        env=site["env"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout)["programme"]["title"] == PRIMARY_TITLE


def test_outside_a_request_everything_goes_to_the_primary_and_only_it_is_migrated():
    router = ReplicaRouter()
    assert router.db_for_read(Programme) == "default"
    assert router.db_for_write(Programme) == "default"
    assert router.allow_migrate("default", "plan") is True
    assert router.allow_migrate("replica1", "plan") is False


# Django warns about any change of DATABASES; here only the alias is added, never connected to.
quiet_databases = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def one_replica(settings):
    """A replica alias beside the test database: the router only names it, the requests below
    never open it (the end-to-end tests above read a real one)."""
    settings.DATABASES = {**settings.DATABASES, "replica1": dict(settings.DATABASES["default"])}


def _reads_in(request, work=lambda router: None):
    """Where a request's reads go, before and after ``work``, and its answer."""
    seen = []

    def view(request):
        router = ReplicaRouter()
        seen.append(router.db_for_read(Programme))
        work(router)
        seen.append(router.db_for_read(Programme))
        return HttpResponse("ok")

    return seen, ReplicaReadsMiddleware(view)(request)


@quiet_databases
@pytest.mark.parametrize(
    ("method", "path", "headers", "expected"),
    [
        ("get", "/p/x/", {}, "replica1"),
        ("head", "/en/p/x/measures/", {}, "replica1"),
        ("post", "/p/x/fragen/neu/", {}, "default"),
        ("get", "/office/", {}, "default"),
        ("get", "/en/office/plan/", {}, "default"),
        ("get", "/admin/", {}, "default"),
        ("get", "/api/v1/programmes/", {"Authorization": "Bearer abc"}, "default"),
    ],
)
def test_where_a_request_reads(one_replica, rf, method, path, headers, expected):
    seen, response = _reads_in(getattr(rf, method)(path, headers=headers))
    assert seen == [expected, expected]
    assert (STICKY_COOKIE in response.cookies) == (method == "post")


@quiet_databases
def test_after_a_write_the_rest_of_the_request_reads_the_primary(one_replica, rf):
    seen, response = _reads_in(rf.get("/p/x/"), lambda router: router.db_for_write(Programme))
    assert seen == ["replica1", "default"]
    assert response.cookies[STICKY_COOKIE]["max-age"] == 15


@quiet_databases
@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_reads_go_to_the_primary(one_replica, rf):
    def in_a_transaction(router):
        with transaction.atomic():
            assert router.db_for_read(Programme) == "default"

    seen, response = _reads_in(rf.get("/p/x/"), in_a_transaction)
    assert seen == ["replica1", "replica1"]  # outside it, the replica again
    assert STICKY_COOKIE not in response.cookies


def _check(**env):
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=60,
    )


def test_replicas_of_a_sqlite_database_are_refused_and_say_why():
    proc = _check(
        DATABASE_URL="sqlite:///tmp/x.sqlite3",
        DATABASE_REPLICA_URLS="postgres://postgres@127.0.0.1:5432/x",
    )
    assert proc.returncode != 0
    assert "DATABASE_REPLICA_URLS needs PostgreSQL" in proc.stderr


def test_a_replica_address_that_is_none_is_refused_and_say_why():
    proc = _check(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
        DATABASE_REPLICA_URLS="replica-host:5432",
    )
    assert proc.returncode != 0
    assert "replica 1 is not a database address" in proc.stderr


def test_sticky_seconds_must_be_a_whole_number():
    proc = _check(REPLICA_STICKY_SECONDS="kurz")
    assert proc.returncode != 0
    assert "REPLICA_STICKY_SECONDS must be a whole number" in proc.stderr
