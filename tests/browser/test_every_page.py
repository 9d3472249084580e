"""Every portal and office page that a link reaches is accessible, at a desk and on a phone.

A crawler starts at the portal's start page (and, logged in, at the demo's office dashboard)
and follows every same-origin link, breadth first. Each page must answer 200 with one h1 and
no sideways scrolling, and axe-core must find no WCAG 2.1 A/AA violation.

What it checks, and why (the run must stay within a few minutes on CI's two cores; axe-core
takes most of the time, opening a page little):
- Pages are told apart by their path and the *names* of their query parameters, so the
  measure list filtered to "red" and to "amber" count as one page; ``?page=`` beyond 2 is
  left out (page 3 is built like page 2). Every portal page is opened in the browser (the demo
  has about 260). The office has over 2,000 (the history filtered by every item, a form for
  every row): the browser opens three of each kind; the rest are fetched in the same session for
  their answer (200) and their links only, so the crawl still reaches every page and every URL
  pattern, in a quarter of the time of opening them all (9 minutes, which found no more problems).
- At desk width every page found is opened and checked for its answer, its h1 and sideways
  scrolling; axe-core runs on the first two pages of each kind (a kind: the URL pattern, the
  language and the query parameter names — two measures' pages differ only in their data).
- At phone width one page of each URL pattern gets every check: the templates are the same,
  the layout rules are what the width changes.
- Downloads (PDF, CSV, feeds, calendars, open data …) are not pages; logging out would end
  the crawl; Django's admin and the API are other sites with their own rules.
All problems of a crawl are gathered and reported together, page by page.
"""

import re
from collections import deque
from html import unescape
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.urls import Resolver404, resolve
from django.utils import translation
from playwright.sync_api import Error as PlaywrightError

from .conftest import (
    DESKTOP,
    PHONE,
    SLUG,
    assert_accessible,
    assert_no_horizontal_scrolling,
    assert_one_h1,
    assert_sound,
    assert_status,
    log_in,
    url,
)

PORTAL_LIMIT = 300
OFFICE_LIMIT = 5000  # a guard against a crawl that never ends (the demo's office has about 2,100)
OFFICE_PER_KIND = 3
AXE_PER_KIND = 2
DOWNLOAD = re.compile(
    r"(\.(pdf|csv|xlsx|ics|json|xml|ttl|zip|docx|odt|md|txt)|/(pdf|csv|xlsx|docx|odt|zip|json))/?$"
)
NOT_PAGES = re.compile(r"^/(en/)?(admin|api|oparl|healthz|robots\.txt|static|media)\b|/feed/")
LOGOUT = re.compile(r"logout|abmelden", re.IGNORECASE)

LINKS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"

# Marks every control a keyboard user must be able to reach (shown, not disabled) with its
# number in document order, and returns how many there are; a group of radio buttons counts
# once (Tab enters a group, the arrow keys choose within it).
MARK_CONTROLS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary,'
    + ' [tabindex]';
  const groups = new Map();  // a form (or the page) -> radio name -> its number
  let n = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.tabIndex < 0 || el.getClientRects().length === 0
        || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.type === 'radio') {
      const owner = el.form || document;
      if (!groups.has(owner)) groups.set(owner, new Map());
      const names = groups.get(owner);
      if (!names.has(el.name)) names.set(el.name, n++);
      el.dataset.control = String(names.get(el.name));
      continue;
    }
    el.dataset.control = String(n++);
  }
  return n;
}"""
# The element that has the focus now: its number (null if not a marked control), what it is,
# and whether an outline of at least 2 px shows the focus (WCAG 2.4.7); null while the focus
# is outside the page.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    control: el.dataset.control === undefined ? null : Number(el.dataset.control),
    what: `${el.outerHTML.slice(0, 120)} (outline ${style.outlineStyle} ${style.outlineWidth})`,
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
  };
}"""
HREF = re.compile(r"<a\b[^>]*\bhref=\"([^\"]*)\"")


def kind_of(path, query):
    """The page's kind: its URL pattern, its language and the names of its query parameters."""
    language = "en" if path.startswith("/en/") else "de"
    try:
        with translation.override(language):  # the /en/ prefix resolves in English only
            name = resolve(path).view_name
    except Resolver404:
        name = path
    return (name, language, tuple(sorted({k for k, _ in query})))


def crawl(page, start, origin, wanted, limit, per_kind=None):
    """Visit every page reachable from ``start`` whose path ``wanted`` accepts; returns
    [(address, kind, problem or None)], with the problem of each page checked. Beyond
    ``per_kind`` pages of a kind (if given), a page is only fetched for its answer and links."""
    seen = set()
    queue = deque([start])
    found = []
    axed = {}
    visited = {}
    keyed = set()
    while queue and len(found) < limit:
        address = queue.popleft()
        parts = urlsplit(address)
        query = parse_qsl(parts.query, keep_blank_values=True)
        key = (parts.path, tuple(sorted({k for k, _ in query})))
        if key in seen:
            continue
        seen.add(key)
        kind = kind_of(parts.path, query)
        if per_kind is not None and visited.get(kind, 0) >= per_kind:
            fetched = page.request.get(address, max_redirects=0)
            if "text/html" not in (fetched.headers.get("content-type") or ""):
                continue
            status = fetched.status
            found.append((address, kind, None if status == 200 else f"{address}: {status}"))
            hrefs = [urljoin(address, unescape(href)) for href in HREF.findall(fetched.text())]
            queue.extend(follow(hrefs, origin, wanted))
            continue
        visited[kind] = visited.get(kind, 0) + 1
        try:
            response = page.goto(address)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a download that its address did not betray
            raise
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        problem = None
        try:
            assert_status(page, address, 200)
            assert_one_h1(page, address)
            assert_no_horizontal_scrolling(page, address)
            if axed.get(kind, 0) < AXE_PER_KIND:
                axed[kind] = axed.get(kind, 0) + 1
                assert_accessible(page, address)
            if kind[0] not in keyed:  # the keyboard: once per URL pattern
                keyed.add(kind[0])
                assert_keyboard_reaches_every_control(page, address)
        except AssertionError as error:
            problem = str(error)
        found.append((address, kind, problem))
        queue.extend(follow(page.evaluate(LINKS), origin, wanted))
    return found


def follow(hrefs, origin, wanted):
    """The links worth following: same origin, wanted, pages (no download, no logout), and
    not beyond the second page of a list."""
    for href in hrefs:
        link = urlsplit(href)
        if f"{link.scheme}://{link.netloc}" != origin or not wanted(link.path):
            continue
        if DOWNLOAD.search(link.path) or NOT_PAGES.search(link.path):
            continue
        if LOGOUT.search(link.path):
            continue
        params = dict(parse_qsl(link.query))
        if params.get("page", "1").isdigit() and int(params.get("page", "1")) > 2:
            continue
        yield link._replace(fragment="").geturl()


def assert_keyboard_reaches_every_control(page, address):
    """Tab from the top of the page to its end: every control is reached, in document order,
    and shows that it has the focus."""
    count = page.evaluate(MARK_CONTROLS)
    reached = []
    for _ in range(2 * count + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            if reached:
                break  # past the last control
            continue
        assert focused["outline"], f"no visible focus on {focused['what']} at {address}"
        if reached and focused["control"] == reached[-1]:
            continue  # the next stop within one control: a date field's day, month, year
        if focused["control"] in reached:
            break  # round again from the top
        if focused["control"] is not None:  # not a scrolling box the browser lets one focus
            reached.append(focused["control"])
    missed = sorted(set(range(count)) - set(reached))
    assert not missed, f"{address}: Tab never reaches controls {missed} of {count}"
    assert reached == sorted(reached), f"{address}: the focus jumps about: {reached}"


def one_of_each_pattern(found):
    """The first page found of each URL pattern (in either language, with any query)."""
    patterns = {}
    for address, kind, _ in found:
        patterns.setdefault(kind[0], address)
    return list(patterns.values())


def check_on_a_phone(open_page, addresses, before=None):
    page = open_page(PHONE)
    if before:
        before(page)
    problems = []
    for address in addresses:
        page.goto(address)
        try:
            assert_sound(page, f"{address} on a phone")
        except AssertionError as error:
            problems.append(str(error))
    return problems


def report(found, phone_problems):
    problems = [problem for _, _, problem in found if problem] + phone_problems
    return "\n\n".join(problems)


def is_portal(path):
    return "/office/" not in path and "/konto/logout" not in path


def is_office(path):
    return path.startswith(("/office/", "/en/office/"))


def test_every_portal_page_is_accessible(demo, open_page, live_server):
    page = open_page(DESKTOP)
    found = crawl(page, f"{live_server.url}/", live_server.url, is_portal, PORTAL_LIMIT)
    phone = one_of_each_pattern(found)
    phone_problems = check_on_a_phone(open_page, phone)
    print(f"portal: {len(found)} pages at desk width, {len(phone)} patterns on a phone")
    # The demo's public pages: far more than a handful (the start page, the overview, every
    # measure, milestone, question, decision … in both languages) — the crawl reached them.
    assert len(found) >= 200, [a for a, _, _ in found]
    kinds = {kind[0] for _, kind, _ in found}
    for name in ("portal:overview", "portal:measure", "portal:milestone", "portal:finance"):
        assert name in kinds, f"the crawl never reached {name}"
    assert report(found, phone_problems) == ""


def log_in_as_admin(page):
    page.goto(url("office:login"))
    log_in(page, "admin")


def test_every_office_page_is_accessible(demo, open_page, live_server):
    page = open_page(DESKTOP)
    log_in_as_admin(page)
    start = f"{live_server.url}{url('office:dashboard', SLUG)}"
    found = crawl(page, start, live_server.url, is_office, OFFICE_LIMIT, OFFICE_PER_KIND)
    phone = one_of_each_pattern(found)
    phone_problems = check_on_a_phone(open_page, phone, before=log_in_as_admin)
    print(f"office: {len(found)} pages reached, {len(phone)} patterns also on a phone")
    # The demo office: every measure, milestone, post, cost line … each with its history.
    assert len(found) >= 1000, [a for a, _, _ in found]
    kinds = {kind[0] for _, kind, _ in found}
    for name in ("office:dashboard", "office:milestone", "office:finance", "office:reports"):
        assert name in kinds, f"the crawl never reached {name}"
    assert report(found, phone_problems) == ""
