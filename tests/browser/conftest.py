"""Browser tests: the journeys of JOURNEYS.md walked in Chromium against Django's live server.

Every test here is marked ``browser``. Chromium and axe-core are required: without them the
tests fail and say what to install, they never skip. The data is the demo programme, loaded
by ``seed_demo`` as on a laptop, with the whole clock frozen at noon of the demo's date
(time-machine); the live server runs in a thread of this process, so the frozen clock holds
there too.
"""

import importlib
import json
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, translation

from plansicht.plan.models import Programme

from . import chromium

HERE = Path(__file__).resolve().parent
DEMO_TODAY = date(2026, 11, 26)  # the demo's "now": its story is told as of this day
DEMO_NOW = datetime(2026, 11, 26, 12, tzinfo=ZoneInfo("Europe/Berlin"))
SLUG = "musterstadt"
PHONE = chromium.PHONE
DESKTOP = chromium.DESKTOP
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    """Chromium, started for each module of browser tests and stopped after it (see below)."""
    problem = chromium.missing()
    if problem:
        pytest.fail(problem, pytrace=False)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves its event loop marked as running in this thread, so Django
    # takes the test code for async code and refuses its queries, although nothing runs
    # concurrently; Django's documented switch allows them. (The test thread then also gets
    # a database connection of its own, which is why ``demo`` cannot use serialized rollback.)
    # Both last only while a browser module runs: the tests after it see a plain thread.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = chromium.launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db, live_server, time_machine, tmp_path_factory):
    """The Musterstadt demo as ``seed_demo`` creates it, as of the demo's date.

    The live server answers from other threads, so the data must be committed: the test runs
    without a wrapping transaction and the database is emptied afterwards, site texts
    included; they come back here the way they first came, through their migration.
    """
    for migration in ("0002_default_pages", "0003_easy_and_sign_language"):
        site_texts = importlib.import_module(f"plansicht.content.migrations.{migration}")
        site_texts.create(apps, schema_editor=None)
    # The whole clock stands at the demo's date (time-machine patches the process, so the live
    # server's threads see it too). While seed_demo replays the demo's history, its
    # ``clock.at()`` sets the app's clock to each change's date; that override lives in a
    # context variable above the system clock, so the two do not fight.
    time_machine.move_to(DEMO_NOW, tick=False)
    seeded = SEEDED.get("demo")
    if seeded is None:
        call_command("seed_demo", stdout=StringIO())
        # Seeding replays the demo's history through the services (a few seconds); the next
        # tests load the same rows from a copy instead. Natural keys: content types and users
        # are created anew after each test, with other ids.
        seeded = SEEDED["demo"] = tmp_path_factory.mktemp("demo") / "demo.json"
        call_command(
            "dumpdata",
            "accounts",
            "auth.user",
            "history",
            "plan",
            "funding",
            "staffing",
            "participation",
            "decisions",
            "forecast",
            "indicators",
            "proposals",
            "consultations",
            natural_foreign=True,
            natural_primary=True,
            output=str(seeded),
            stdout=StringIO(),
        )
    else:
        call_command("loaddata", str(seeded), stdout=StringIO())
    return Programme.objects.select_related("forecast").get(slug=SLUG)


# The seeded demo of this test run, written once by the first test that needs it.
SEEDED: dict = {}


# Every document records what the Content Security Policy blocked (the browser also says so on
# the console); ``csp_violations(page)`` reads it.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""


def csp_violations(page) -> list[str]:
    """What the Content Security Policy blocked on the page now shown."""
    return page.evaluate("() => window.__cspViolations")


@pytest.fixture
def open_page(browser, live_server):
    """open_page(viewport) → a page in a fresh browser context (no cookies) on the live server.

    The pages' Content Security Policy allows no inline script, so axe-core comes in as an init
    script (the browser's own, which the policy does not govern) rather than a script tag. A
    test fails if the policy blocked anything on any of its pages (the browser's console)."""
    contexts = []
    blocked = []

    def open_page(viewport):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="de-DE",
            timezone_id="Europe/Berlin",
        )
        context.set_default_timeout(10_000)
        context.add_init_script(path=str(chromium.AXE))
        context.add_init_script(script=CSP_LISTENER)
        context.on(
            "console",
            lambda message: (
                blocked.append(f"{message.page.url if message.page else ''}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert blocked == [], "the Content Security Policy blocked:\n" + "\n".join(blocked)


def assert_accessible(page, label):
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it is now."""
    page.evaluate("async () => { await document.fonts.ready; }")
    assert page.evaluate("() => typeof window.axe === 'object'"), "axe-core is not loaded"
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_21_AA,
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(
            json.dumps(node["target"], ensure_ascii=False) + " " + node["failureSummary"]
            for node in v["nodes"]
        )
        for v in result["violations"]
    ]
    assert violations == [], f"axe-core on {label} ({page.url}):\n" + "\n".join(violations)


def assert_one_h1(page, label):
    headings = page.locator("h1").all_inner_texts()
    assert len(headings) == 1, f"{label}: expected exactly one h1, found {headings}"
    assert headings[0].strip(), f"{label}: the h1 is empty"


def assert_no_horizontal_scrolling(page, label):
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{label}: {scroll_width} px wide in a {width} px viewport"


def assert_status(page, label, status):
    """The page now shown was answered with ``status`` (after any redirect)."""
    answered = page.evaluate("() => performance.getEntriesByType('navigation')[0].responseStatus")
    assert answered == status, f"{label} ({page.url}) answered {answered}, not {status}"


def assert_sound(page, label, status=200):
    """What every page must be at every width: the expected answer, one h1, no sideways
    scrolling and no axe finding."""
    assert_status(page, label, status)
    assert_one_h1(page, label)
    assert_no_horizontal_scrolling(page, label)
    assert_accessible(page, label)


def url(name, *args, language="de"):
    """The address of a named view, in German (no prefix) or English (/en/)."""
    with translation.override(language):
        return reverse(name, args=args)


def short_date(day, language="de"):
    """A date as the pages show it."""
    with translation.override(language):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def follow(link):
    """Click a link or a form's button and wait until the page it leads to has loaded."""
    with link.page.expect_navigation():
        link.click()


def log_in(page, username, password="demo"):
    """Fill in and send the office's login form on the current page, as a person would."""
    form = page.locator("main form")
    form.locator("#id_username").fill(username)
    form.locator("#id_password").fill(password)
    follow(form.locator("button[type=submit]"))
