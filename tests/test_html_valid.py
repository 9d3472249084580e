"""Every public page of the demo is valid HTML, as the W3C's Nu HTML Checker (vnu) reads it.

The pages are found the way a visitor finds them: from the start page, following every link
of the portal (both languages; downloads, feeds and the office left out; ``?page=`` beyond 2
left out, and pages told apart by their path and the names of their query parameters, as in
``tests/browser/test_every_page.py``). Each page is written to a folder and the checker runs
once on all of them (it is a Java program: one start instead of hundreds).
"""

import json
import re
import shutil
import subprocess
from collections import deque
from html import unescape
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command

from .browser.conftest import DEMO_NOW

ROOT = Path(__file__).resolve().parents[1]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIMIT = 300
HREF = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]*)\"")
SKIP = re.compile(
    r"^/(en/)?(admin|api|oparl|healthz|robots\.txt|static|media|office)\b|/feed/|/daten/.+"
    r"|\.(pdf|csv|xlsx|ics|json|xml|ttl|zip|docx|odt|md|txt)/?$|/pdf/$|logout"
)


def portal_pages(client):
    """(address, HTML) of every portal page a link reaches from the start page."""
    seen, found = set(), []
    queue = deque(["/"])
    while queue and len(found) < LIMIT:
        address = queue.popleft()
        parts = urlsplit(address)
        query = parse_qsl(parts.query, keep_blank_values=True)
        key = (parts.path, tuple(sorted({k for k, _ in query})))
        if key in seen:
            continue
        seen.add(key)
        response = client.get(address)
        assert response.status_code == 200, f"{address} answered {response.status_code}"
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        found.append((address, html))
        for href in HREF.findall(html):
            link = urlsplit(unescape(href))
            if link.scheme or link.netloc or not link.path.startswith("/"):
                continue  # another site, a mail address, or a fragment of this page
            if SKIP.search(link.path):
                continue
            page = dict(parse_qsl(link.query)).get("page", "1")
            if page.isdigit() and int(page) > 2:
                continue
            queue.append(link._replace(fragment="").geturl())
    return found


@pytest.mark.django_db
def test_every_public_page_of_the_demo_is_valid_html(client, time_machine, tmp_path):
    java = shutil.which("java")
    assert java, (
        "Java (17 or later) is needed for the Nu HTML Checker: apt-get install default-jre-headless"
    )
    assert VNU.exists(), f"the Nu HTML Checker is missing at {VNU}: run make assets"
    time_machine.move_to(DEMO_NOW, tick=False)
    call_command("seed_demo", stdout=StringIO())

    pages = portal_pages(client)
    print(f"Nu HTML Checker: {len(pages)} portal pages")
    # The start page, the overview, every measure, milestone, question, decision … in two
    # languages: well over a hundred (the crawl's own cap is 300).
    assert len(pages) >= 100, [address for address, _ in pages]
    names = {}
    for number, (address, html) in enumerate(pages):
        name = f"{number:04}.html"
        (tmp_path / name).write_text(html, encoding="utf-8")
        names[name] = address

    checked = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(checked.stderr or checked.stdout)["messages"]
    errors = [
        f"{names.get(Path(m.get('url', '')).name, m.get('url'))} line {m.get('lastLine')}: "
        f"{m['message']} — {m.get('extract', '').strip()}"
        for m in messages
    ]
    assert errors == [], f"{len(errors)} HTML errors:\n" + "\n".join(errors)
