"""Every request gets an id, kept from the proxy when it is safe, sent back in X-Request-ID
and written on the request's JSON log line; logs hold no e-mail addresses or path tokens."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A fresh process with the production log settings (LOG_FORMAT=json, request lines on) makes
# four requests and logs an error with a traceback; its standard error is the log.
SCRIPT = """
import django, json, logging
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost")
answers = [
    client.get("/healthz"),
    client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c"}),
    client.get("/nichts/anna.muster@example.org"),
    client.get("/abmelden/geheimes-token-123/"),
]
print(json.dumps([[r.status_code, r["X-Request-ID"]] for r in answers]))
try:
    raise ValueError("cannot mail anna.muster@example.org")
except ValueError:
    logging.getLogger("plansicht.test").exception("Mail to anna.muster@example.org failed")
"""


@pytest.fixture(scope="module")
def production_log(tmp_path_factory):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plansicht.settings", "DEBUG": "true"}
    env.update(LOG_FORMAT="json", LOG_REQUESTS="true", LOG_LEVEL="WARNING")
    # A database of its own (a fresh clone has no var/ folder): /healthz answers from it.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('logs') / 'site.sqlite3'}"
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    answers = json.loads(proc.stdout)
    lines = [json.loads(line) for line in proc.stderr.splitlines()]  # every line is JSON
    return answers, lines, proc.stderr


def test_a_request_writes_one_json_line_with_the_id_its_answer_carries(production_log):
    answers, lines, _ = production_log
    status, request_id = answers[0]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # made here: uuid4 as hex
    [line] = [line for line in lines if line["request_id"] == request_id]
    assert line["logger"] == "plansicht.request"
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", status)
    assert line["message"] == f"GET /healthz {status}"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


def test_the_proxys_request_id_is_kept(production_log):
    answers, lines, _ = production_log
    assert answers[1][1] == "lb-7f3a9c"
    assert [line["path"] for line in lines if line["request_id"] == "lb-7f3a9c"] == ["/healthz"]


def test_lines_written_during_a_request_carry_its_id(production_log):
    answers, lines, _ = production_log
    status, request_id = answers[2]
    assert status == 404
    loggers = [line["logger"] for line in lines if line["request_id"] == request_id]
    assert loggers == ["plansicht.request", "django.request"]  # the request, Django's "Not Found"


def test_no_email_address_or_path_token_reaches_the_log(production_log):
    answers, lines, text = production_log
    assert "anna.muster@example.org" not in text
    assert "geheimes-token-123" not in text
    [unsubscribe] = [
        line
        for line in lines
        if line["request_id"] == answers[3][1] and line["logger"] == "plansicht.request"
    ]
    assert unsubscribe["path"] == "/abmelden/[token]/"
    [error] = [line for line in lines if line["logger"] == "plansicht.test"]
    assert error["message"] == "Mail to [e-mail] failed"
    assert error["request_id"] == ""  # outside any request
    assert "Traceback" in error["exception"]
    assert "ValueError: cannot mail [e-mail]" in error["exception"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    [
        "abc def",  # a space
        "x\u00e4y",  # not ASCII
        "a" * 129,  # too long
        "<script>",
        "-starts-with-a-dash",
        "anna.muster@example.org",  # an id that would carry an address into the log
    ],
)
def test_an_unsafe_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_a_safe_request_id_is_kept_on_any_page(client):
    uuid = "8c2f1f0e-6f4b-4d0e-9a53-3c1f0e0b9a11"
    response = client.get("/", headers={"X-Request-ID": uuid})
    assert response["X-Request-ID"] == uuid
    assert client.get("/")["X-Request-ID"] != client.get("/")["X-Request-ID"]
