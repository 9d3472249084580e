"""Input nobody means to send: NUL characters in addresses and documents, JSON nested deeper than
any document, and keys given twice. Each gets a clear answer; nothing is stored; no 500."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from plansicht.plan.models import Milestone, Programme

from .factories import document, funded_document, load
from .test_commands import command, problems, write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_language():
    """Requests to /en/ leave English active in this thread; later tests expect German."""
    with translation.override(translation.get_language()):
        yield


ROOT = Path(__file__).resolve().parent.parent
NUL = "contains a NUL character (\\u0000), which text cannot hold; remove it"


def is_404_page(response):
    return response.status_code == 404 and "kern-heading-large" in response.content.decode()


# -- addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/p/x%00/",
        "/p/testprogramm/measures/M1%00/",
        "/p/testprogramm/measures/?q=a%00",
        "/p/testprogramm/measures/?field=%00",
        "/en/p/testprogramm/history/?page=1%00",
        "/office/testprogramm/milestones/?q%00=a",
    ],
)
def test_a_nul_in_the_address_gets_the_normal_not_found_page(client, today, url):
    load()
    response = client.get(url)
    assert is_404_page(response), (url, response.status_code)


def test_the_same_addresses_without_the_nul_still_work(client, today):
    load()
    assert client.get("/p/testprogramm/measures/?q=a").status_code == 200
    assert client.get("/p/testprogramm/measures/M1/").status_code == 200


# -- the loader ---------------------------------------------------------------------------------


def test_the_loader_refuses_a_nul_in_any_text_naming_where(tmp_path, today):
    doc = funded_document()
    doc["milestones"][1]["title"] = "Beschaffung\x00"
    doc["measures"][0]["description"] = "\x00"
    doc["grants"][0]["funder"] = "K\x00fW"
    doc["programme"]["thresholds"]["am\x00ber"] = 1
    code, _out, err = command("load_programme", write(tmp_path, doc))
    assert code == 1
    assert problems(err) == [
        "programme.thresholds.am\\u0000ber: " + NUL,
        "measures[0].description: " + NUL,
        "milestones[1].title: " + NUL,
        "grants[0].funder: " + NUL,
    ]
    assert "\x00" not in err
    assert not Programme.objects.exists()


# -- odd JSON -----------------------------------------------------------------------------------


def run_loader(path):
    """Through a real process: a RecursionError must not show as a traceback anywhere."""
    return subprocess.run(
        [sys.executable, "manage.py", "load_programme", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("depth", [101, 100_000])
def test_deeply_nested_json_is_refused_with_one_message_and_no_traceback(tmp_path, today, depth):
    doc = document()
    path = tmp_path / "deep.json"
    deep = "[" * depth + "]" * depth
    path.write_text(json.dumps(doc)[:-1] + f', "extra": {deep}}}', encoding="utf-8")
    code, _out, err = command("load_programme", str(path))
    assert code == 1
    assert problems(err) == [
        "(document): nested more than 100 levels deep; a programme document needs only a few "
        "levels of [...] and {...}, so check the brackets"
    ]
    assert not Programme.objects.exists()


def test_deeply_nested_json_ends_the_command_cleanly_in_its_own_process(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    proc = run_loader(path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
    assert "(document): nested more than 100 levels deep" in proc.stderr


def test_a_key_given_twice_is_refused_with_its_path(tmp_path, today):
    text = json.dumps(document(), indent=1)
    # Twice in the programme, and twice in the second milestone.
    text = text.replace('"title": "Testprogramm",', '"title": "Testprogramm", "title": "Zwei",')
    text = text.replace('"duration_days": 60,', '"duration_days": 60, "duration_days": 6,')
    text = text.replace('"format": ', '"measures": [], "format": ', 1)
    path = tmp_path / "twice.json"
    path.write_text(text, encoding="utf-8")
    code, _out, err = command("load_programme", str(path))
    assert code == 1
    assert problems(err)[:3] == [
        "measures: appears twice in one object; keep one",
        "programme.title: appears twice in one object; keep one",
        "milestones[1].duration_days: appears twice in one object; keep one",
    ]
    assert not Programme.objects.exists() and not Milestone.objects.exists()


def test_a_document_without_repeats_loads_as_before(tmp_path, today):
    code, _out, err = command("load_programme", write(tmp_path, document()))
    assert code == 0, err


# -- charts -------------------------------------------------------------------------------------


def test_control_characters_stored_in_a_title_leave_the_public_charts_well_formed(client, today):
    """SQLite stores a NUL (PostgreSQL refuses it); both store ESC, which XML forbids too."""
    load(funded_document())
    sqlite = connection.vendor == "sqlite"
    title = "Inbetrieb\x1bnahme" + ("\x00" if sqlite else "")
    Milestone.objects.filter(code="C").update(title=title)
    from plansicht.forecast import run

    run.refresh(Programme.objects.get())
    for url in (
        reverse("portal:measure", args=["testprogramm", "M1.1.1"]),
        reverse("portal:finance", args=["testprogramm"]),
    ):
        html = client.get(url).content.decode()
        svgs = ["<svg" + part.split("</svg>")[0] + "</svg>" for part in html.split("<svg")[1:]]
        assert svgs, url
        for svg in svgs:
            ET.fromstring(svg)  # raises on anything XML does not allow
