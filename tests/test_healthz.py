"""/healthz tells a load balancer whether this web node can serve (200) or not (503), naming
each check, and monitoring whether the task worker is beating."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import NOW

ROOT = Path(__file__).resolve().parent.parent
# Ports where nothing listens on this machine (PostgreSQL is at 5432, Redis at 6379).
DEAD_POSTGRES = "postgres://postgres@127.0.0.1:6391/plansicht"
DEAD_REDIS = "redis://127.0.0.1:6390"


def health(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def run_worker_once():
    call_command("db_worker", "--batch", "--no-startup-delay", "--worker-id", "w1", verbosity=0)


@pytest.mark.django_db
def test_a_healthy_node_answers_200_with_every_check_named(client):
    status, body = health(client)
    assert status == 200
    assert body == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "worker": "absent",  # no worker has ever run in this database
        "worker_last_beat": None,
        "version": "0.1.0",
    }


@pytest.mark.django_db
def test_the_health_check_has_no_language_prefix_and_needs_no_login(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/en/healthz").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_worker_is_ok_after_it_beat_and_stale_five_minutes_later(client, today):
    run_worker_once()
    status, body = health(client)
    assert (status, body["worker"]) == (200, "ok")
    # noon in Berlin (summer time) is 10:00 UTC
    assert body["worker_last_beat"] == "2025-06-01T10:00:00+00:00"

    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        assert health(client)[1]["worker"] == "ok"  # exactly 5 minutes: not yet stale
    with time_machine.travel(NOW + timedelta(minutes=5, seconds=1), tick=False):
        status, body = health(client)
        # a silent worker is reported, but the node still serves
        assert (status, body["status"], body["worker"]) == (200, "ok", "stale")
        assert body["worker_last_beat"] == "2025-06-01T10:00:00+00:00"
        run_worker_once()  # it beats again
        assert health(client)[1]["worker"] == "ok"


@pytest.mark.django_db(transaction=True)
@override_settings(HEALTHZ_WORKER_STALE_MINUTES=1)
def test_the_stale_limit_is_a_setting(client, today):
    run_worker_once()
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert health(client)[1]["worker"] == "ok"
    with time_machine.travel(NOW + timedelta(minutes=1, seconds=1), tick=False):
        assert health(client)[1]["worker"] == "stale"


@pytest.mark.django_db
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }
)
def test_a_cache_that_does_not_answer_makes_it_503(client):
    status, body = health(client)
    assert status == 503
    assert (body["status"], body["database"], body["cache"]) == ("fail", "ok", "fail")


@pytest.mark.django_db
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        }
    }
)
def test_a_real_redis_cache_answers(client):
    status, body = health(client)
    assert (status, body["cache"]) == (200, "ok")


def test_a_database_that_does_not_answer_makes_it_503():
    """A fresh process whose DATABASE_URL points at a PostgreSQL port where nothing listens."""
    script = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client(HTTP_HOST='localhost').get('/healthz'); "
        "print(json.dumps([r.status_code, json.loads(r.content), r['Cache-Control']]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plansicht.settings", "DEBUG": "true"}
    env.update(DATABASE_URL=DEAD_POSTGRES, LOG_LEVEL="CRITICAL")
    env.pop("REDIS_URL", None)
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    status, body, cache_control = json.loads(proc.stdout)
    assert status == 503
    assert body == {
        "status": "fail",
        "database": "fail",
        "cache": "ok",
        "worker": "unknown",  # its heartbeat is in the database
        "worker_last_beat": None,
        "version": "0.1.0",
    }
    assert "no-store" in cache_control


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_keeps_beating_from_its_own_thread():
    import time

    from plansicht.ops.heartbeat import Heart
    from plansicht.ops.models import WorkerBeat

    heart = Heart("w2", interval=0.2)
    heart.start()  # the first beat at once
    first = WorkerBeat.objects.get(worker_id="w2").last_beat
    try:
        deadline = time.monotonic() + 10
        while WorkerBeat.objects.get(worker_id="w2").last_beat == first:
            assert time.monotonic() < deadline, "no second beat within 10 s"
            time.sleep(0.05)
    finally:
        heart.stop()
    assert WorkerBeat.objects.count() == 1  # one row per worker, renewed
