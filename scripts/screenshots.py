"""Take the README's screenshots of the public portal with the demo data (``make screenshots``).

Everything happens in a throw-away SQLite database in a temporary directory: it is migrated,
filled by ``seed_demo`` with "today" frozen at the demo's date, and served by Django's live
server in a thread, static files included. The developer's database and ``var/`` are never
touched. The browser is the one the browser tests use (``tests/browser/chromium.py``).
"""

import logging
import os
import sys
import tempfile
from datetime import date
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
DEMO_TODAY = date(2026, 11, 26)  # the demo's "now": its story is told as of this day
SLUG = "musterstadt"
MEASURE = "M1"  # the seriously delayed measure whose vacant posts hold up the programme


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from tests.browser import chromium

    problem = chromium.missing()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="plansicht-screenshots-") as tmp:
        # Before Django reads its settings: a database of our own, development mode so that
        # static files are served from their packages without collectstatic.
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'screenshots.sqlite3'}"
        os.environ["DEBUG"] = "true"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plansicht.settings")
        import django

        django.setup()
        # The browser asks for /favicon.ico, which the site does not have: not worth a line.
        logging.getLogger("django.request").setLevel(logging.ERROR)
        seed()
        server = serve()
        try:
            written = shoot(chromium, f"http://{server.host}:{server.port}")
        finally:
            server.terminate()
            from django.db import connections

            connections.close_all()
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


def seed():
    from django.core.management import call_command

    from plansicht import clock
    from plansicht.forecast import run

    # The demo's "now", except while seed_demo replays its history at each change's date.
    run.today = lambda: clock.today() if clock.overridden() else DEMO_TODAY
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=StringIO())


def serve():
    """Django's live server (as in its LiveServerTestCase) on a free port of 127.0.0.1."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server


def shoot(chromium, base_url) -> list[Path]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    overview = OUT / "portal-overview.png"
    measure = OUT / "portal-measure-phone.png"
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = open_page(browser, chromium.DESKTOP, f"{base_url}/p/{SLUG}/")
            page.screenshot(path=overview, full_page=True, clip=clip(page, 1600))
            page.context.close()

            page = open_page(browser, chromium.PHONE, f"{base_url}/p/{SLUG}/measures/{MEASURE}/")
            page.screenshot(path=measure, full_page=True, clip=clip(page, 2400))
            page.context.close()
        finally:
            browser.close()
    return [overview, measure]


def open_page(browser, viewport, url):
    context = browser.new_context(viewport=viewport, locale="de-DE", timezone_id="Europe/Berlin")
    page = context.new_page()
    response = page.goto(url)
    if response is None or response.status != 200:
        raise SystemExit(f"{url} answered {response and response.status}, not 200")
    page.evaluate("async () => { await document.fonts.ready; }")
    return page


def clip(page, max_height):
    """The whole width of the page and its height, at most ``max_height`` pixels."""
    width, height = page.evaluate(
        "() => [document.documentElement.clientWidth, document.documentElement.scrollHeight]"
    )
    return {"x": 0, "y": 0, "width": width, "height": min(height, max_height)}


if __name__ == "__main__":
    sys.exit(main())
