"""The Content Security Policy blocks nothing the pages need: public pages, the participants'
login, the API's docs and the office's pages load their styles, fonts, charts and scripts
without a single violation in Chromium. And the policy is enforced: an inline script is
refused (so the check above could see a violation at all)."""

from .conftest import CSP_LISTENER, DESKTOP, SLUG, assert_status, csp_violations, log_in

PUBLIC = [
    "/",
    f"/p/{SLUG}/",
    f"/p/{SLUG}/measures/",
    f"/p/{SLUG}/finance/",
    f"/p/{SLUG}/positions/",
    f"/p/{SLUG}/history/",
    f"/p/{SLUG}/methodology/",
    f"/p/{SLUG}/fragen/",
    f"/p/{SLUG}/beschluesse/",
    f"/p/{SLUG}/berichte/",
    f"/p/{SLUG}/daten/",
    "/en/",
    "/konto/login/",
    "/api/v1/docs/",
    "/office/login/",
]

OFFICE = [
    "/office/",
    f"/office/{SLUG}/",
    f"/office/{SLUG}/milestones/",
    f"/office/{SLUG}/finance/",
    f"/office/{SLUG}/positions/",
    f"/office/{SLUG}/participation/",
    f"/office/{SLUG}/reports/",
    f"/office/{SLUG}/import/",
]


def assert_styled_and_clean(page, path):
    assert_status(page, path, 200)
    assert csp_violations(page) == [], path
    # The site's stylesheet and the KERN font applied (a blocked stylesheet would leave the
    # browser's serif default).
    font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "Fira Sans" in font, (path, font)
    loaded = page.evaluate(
        "async () => { await document.fonts.ready; "
        "return [...document.fonts].some(f => f.family.includes('Fira') "
        "&& f.status === 'loaded'); }"
    )
    assert loaded, f"{path}: no Fira Sans font loaded"


def test_public_pages_need_nothing_the_policy_blocks(demo, open_page):
    page = open_page(DESKTOP)
    for path in PUBLIC:
        page.goto(path)
        assert_styled_and_clean(page, path)
    # A measure's page with its charts, reached as a visitor would.
    page.goto(f"/p/{SLUG}/measures/")
    page.locator("main table a").first.click()
    page.wait_for_load_state()
    assert_styled_and_clean(page, page.url)
    assert page.locator("main svg").count() >= 1


def test_office_pages_need_nothing_the_policy_blocks(demo, open_page):
    page = open_page(DESKTOP)
    page.goto("/office/login/")
    log_in(page, "buero")
    for path in OFFICE:
        page.goto(path)
        assert_styled_and_clean(page, path)


def test_the_admin_s_unlock_page_needs_nothing_the_policy_blocks(demo, open_page):
    # Django's admin, where an administrator lifts a login block (docs/security.md). Its own
    # styles and scripts (the list's actions among them) come from static files too.
    page = open_page(DESKTOP)
    page.goto("/admin/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill("demo")
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    for path in ("/admin/", "/admin/axes/accessattempt/", "/admin/auth/user/"):
        page.goto(path)
        assert_status(page, path, 200)
        assert csp_violations(page) == [], path
    # The actions' script ran: selecting a row counts it.
    page.locator("input.action-select").first.check()
    assert "1 von" in page.locator(".action-counter").inner_text()


def test_the_policy_refuses_an_inline_script(demo, browser, live_server):
    # A context of its own: open_page would (rightly) fail the test for the violation.
    context = browser.new_context(base_url=live_server.url)
    try:
        context.add_init_script(script=CSP_LISTENER)
        page = context.new_page()
        page.goto(f"/p/{SLUG}/")
        ran = page.evaluate(
            """() => {
                window.inlineRan = false;
                const script = document.createElement("script");
                script.textContent = "window.inlineRan = true;";
                document.body.append(script);
                const div = document.createElement("div");
                div.setAttribute("style", "color: red");
                document.body.append(div);
                return window.inlineRan;
            }"""
        )
        assert ran is False
        page.wait_for_function("() => window.__cspViolations.length >= 2")
        blocked = csp_violations(page)
        assert any(v.startswith("script-src-elem blocked inline") for v in blocked), blocked
        assert any(v.startswith("style-src-attr blocked inline") for v in blocked), blocked
    finally:
        context.close()
