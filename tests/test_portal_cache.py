"""The portal's public pages are cached for anonymous visitors and never stale: the second
visitor costs one small query, a browser that has the page gets 304, every change (a service
call here, a command in another process below) shows at once, and the date alone expires a
page at local midnight. Signed-in participants always get a fresh page."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.test import override_settings
from django.urls import reverse

from plansicht.plan.models import Milestone
from plansicht.services import plan as plan_service

from .factories import SYSTEM, document, load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def overview():
    return reverse("portal:overview", args=["testprogramm"])


def test_the_second_visitor_gets_the_page_from_the_cache(client, django_assert_num_queries):
    load(document())
    first = client.get(overview())
    assert first.status_code == 200 and first["ETag"]
    assert first["Cache-Control"] == "no-cache"
    with django_assert_num_queries(1):  # the programme's public version, nothing else
        second = client.get(overview())
    assert second.content == first.content and second["ETag"] == first["ETag"]


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
        },
        "near": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
    }
)
def test_with_redis_each_process_keeps_its_own_copy_and_a_change_still_shows(
    client, django_assert_num_queries
):
    caches["default"].clear()
    try:
        load(document())
        first = client.get(overview())
        caches["default"].clear()  # Redis forgets: the process's own copy answers
        with django_assert_num_queries(1):
            assert client.get(overview()).content == first.content
        milestone = Milestone.objects.get(code="B")
        longer = milestone.duration_days + 60
        plan_service.reschedule(milestone, actor=SYSTEM, reason="Verzug", duration_days=longer)
        changed = client.get(overview())
        assert changed.content != first.content  # a new key: the old copy is never shown
        caches["near"].clear()  # another process, without a copy, finds the page in Redis
        with django_assert_num_queries(1):
            assert client.get(overview()).content == changed.content
    finally:
        caches["default"].clear()


def test_a_browser_that_has_the_page_gets_304(client):
    load(document())
    etag = client.get(overview())["ETag"]
    again = client.get(overview(), headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag


def test_a_change_shows_at_once(client):
    load(document())
    before = client.get(overview())
    milestone = Milestone.objects.get(code="B")
    plan_service.reschedule(
        milestone, actor=SYSTEM, reason="Lieferverzug", duration_days=milestone.duration_days + 60
    )
    after = client.get(overview(), headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert after.content != before.content


def test_the_date_alone_expires_a_page_at_midnight(client, time_machine):
    load(document())
    etag = client.get(overview())["ETag"]
    time_machine.move_to("2025-06-01 23:59:00+02:00", tick=False)
    assert client.get(overview(), headers={"if-none-match": etag}).status_code == 304
    time_machine.move_to("2025-06-02 00:00:01+02:00", tick=False)
    assert client.get(overview(), headers={"if-none-match": etag}).status_code == 200


def test_signed_in_visitors_and_other_languages_get_their_own_page(client, personas):
    english = reverse("portal:overview", args=["testprogramm"]).replace("/p/", "/en/p/", 1)
    german = client.get(overview())
    assert client.get(english)["ETag"] != german["ETag"]
    client.force_login(personas.participant)
    mine = client.get(overview())
    assert "ETag" not in mine and mine.get("Cache-Control") != "no-cache"


# -- two processes ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, etag=None):
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers.get("ETag"), response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("ETag"), ""


def test_a_command_in_another_process_is_seen_by_the_web_process_at_once(tmp_path):
    """A web server process (its own local-memory cache) and a command in a third process
    (``load_programme --replace``) on one database file: the server's next answer is new."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "DEBUG": "true",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    doc = document(slug="zweistadt")
    path = tmp_path / "programm.json"
    path.write_text(json.dumps(doc, default=str))
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_programme", str(path)], env=env, check=True, cwd=ROOT)
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/p/zweistadt/"
        deadline = time.monotonic() + 30
        while True:
            try:
                status, etag, page = _get(url)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert status == 200 and "Testprogramm" in page
        assert _get(url, etag)[0] == 304  # the server's cache holds it
        doc["programme"]["title"] = "Zweistadt digital"
        path.write_text(json.dumps(doc, default=str))
        subprocess.run(
            [*manage, "load_programme", str(path), "--replace"], env=env, check=True, cwd=ROOT
        )
        status, new_etag, page = _get(url, etag)
        assert status == 200 and new_etag != etag
        assert "Zweistadt digital" in page
    finally:
        server.terminate()
        server.wait(timeout=10)
