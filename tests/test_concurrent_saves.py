"""Twenty people saving at the same moment on SQLite: each save waits its turn, none gets a 500.

A real server in its own process (the test database of pytest lives in one process and one
connection, so it cannot show the file lock), a fresh SQLite file with the demo, the demo
editor logged in over HTTP, and 20 milestone edits posted from 20 threads at once.
"""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
SAVES = 20
TIMEOUT = 60  # seconds for any one step: start-up, one request

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's file lock makes concurrent writers fail; PostgreSQL locks rows instead",
)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 comes back as an HTTPError with its code


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """The demo on a fresh SQLite file, served by ``runserver`` (threaded) on a free port."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    database = tmp_path / "concurrent.sqlite3"
    env.update(DATABASE_URL=f"sqlite:///{database}", DEBUG="true", PYTHONDONTWRITEBYTECODE="1")

    def manage(*args):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )

    manage("migrate", "--noinput")
    manage("seed_demo")
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                urllib.request.urlopen(f"{base}/office/login/", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "the server did not start:\n" + (tmp_path / "server.log").read_text()
                    ) from None
                time.sleep(0.2)
        yield base, database
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def status(opener, url, data=None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=TIMEOUT) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def test_twenty_concurrent_milestone_saves_all_succeed_on_sqlite(server):
    base, database = server
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect()
    )
    code, page = status(opener, f"{base}/office/login/")
    assert code == 200
    code, _ = status(
        opener,
        f"{base}/office/login/",
        {"username": "buero", "password": "demo", "csrfmiddlewaretoken": csrf_token(page)},
    )
    assert code == 302, "the demo editor could not log in"

    with sqlite3.connect(database) as db:
        milestones = db.execute(
            "SELECT m.code, m.progress FROM plan_milestone m "
            "JOIN plan_programme p ON p.id = m.programme_id "
            "WHERE p.slug = 'musterstadt' ORDER BY m.code LIMIT ?",
            (SAVES,),
        ).fetchall()
        before = db.execute("SELECT count(*) FROM history_event").fetchone()[0]
    assert len(milestones) == SAVES
    first = urllib.parse.quote(milestones[0][0], safe="")
    code, page = status(opener, f"{base}/office/musterstadt/milestones/{first}/")
    assert code == 200
    token = csrf_token(page)

    answers: dict[str, int] = {}
    start = threading.Barrier(SAVES)

    def save(code_, progress):
        url = f"{base}/office/musterstadt/milestones/{urllib.parse.quote(code_, safe='')}/"
        data = {
            "op": "progress",
            "progress-progress": str(50 if progress != 50 else 60),
            "progress-reason": "Gleichzeitig gespeichert",
            "csrfmiddlewaretoken": token,
        }
        start.wait(timeout=TIMEOUT)
        answers[code_] = status(opener, url, data)[0]

    threads = [threading.Thread(target=save, args=m) for m in milestones]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=TIMEOUT)
    took = time.monotonic() - began
    # Told, not asserted (speed is make bench's business): on 2 busy cores about 1 s per save.
    print(f"{SAVES} concurrent saves took {took:.1f} s")

    assert not any(t.is_alive() for t in threads)
    assert answers == {code_: 302 for code_, _p in milestones}
    with sqlite3.connect(database) as db:
        after = db.execute("SELECT count(*) FROM history_event").fetchone()[0]
        progress = db.execute(
            "SELECT count(*) FROM history_event WHERE action = 'milestone.progress' "
            "AND reason = 'Gleichzeitig gespeichert'"
        ).fetchone()[0]
    assert after - before == SAVES and progress == SAVES
