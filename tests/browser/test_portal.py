"""Anna's walk through the public portal, on her phone and at a desk (JOURNEYS.md).

She starts at the list of programmes, reads the overview, filters the measures down to the
seriously delayed ones, follows one to a milestone and its reason, reads the history, the
methodology and the site texts, and switches to English. Every page on the way must be
accessible (axe-core, WCAG 2.1 AA), have one h1 and never scroll sideways on a phone.
"""

import re
from datetime import date

from django.utils import translation
from playwright.sync_api import expect

from plansicht.content.models import Page
from plansicht.forecast.models import MilestoneForecast
from plansicht.forecast.templatetags.forecast import health_label, slip
from plansicht.history.models import Event
from plansicht.plan.models import Measure, Milestone

from .conftest import DESKTOP, PHONE, SLUG, VIEWPORTS, assert_sound, follow, short_date, url


def slip_text(days, language="de"):
    with translation.override(language):
        return str(slip(days))


def health_text(health, language="de"):
    """The status in words, as the badge says it (colour is never the only cue)."""
    with translation.override(language):
        return str(health_label(health))


def nav_link(page, name):
    """A link of the site's main navigation, found by where it leads (the same in any language)."""
    return page.locator(f".site-nav a[href='{url(name, SLUG)}']")


def footer_link(page, name):
    return page.locator(f".site-footer a[href='{url(name)}']")


@VIEWPORTS
def test_anna_reads_the_programme_and_follows_a_red_measure_to_its_reasons(
    demo, open_page, viewport
):
    forecast = demo.forecast
    # The demo's story: waiting for its CDO and CUO, the programme finishes 439 days after
    # the current plan's end.
    assert (forecast.forecast_finish, forecast.slip_days) == (date(2028, 3, 14), 439)
    page = open_page(viewport)

    page.goto("/")
    assert_sound(page, "start page")
    follow(page.get_by_role("link", name=demo.title))

    expect(page).to_have_url(re.compile(re.escape(url("portal:overview", SLUG)) + "$"))
    assert_sound(page, "programme overview")
    status = page.locator("section:has(#status-heading)")
    expect(status).to_contain_text(short_date(forecast.forecast_finish))
    expect(status).to_contain_text(short_date(forecast.baseline_finish))
    expect(status).to_contain_text(slip_text(forecast.slip_days))  # "439 days late"

    # The measures list, filtered by status with the form itself.
    follow(nav_link(page, "portal:measures"))
    assert_sound(page, "measures")
    page.locator("#health").select_option("red")
    follow(page.locator("form[role=search] button[type=submit]"))
    expect(page).to_have_url(re.compile(r"[?&]health=red\b"))
    assert_sound(page, "measures filtered to red")
    red = list(
        Measure.objects.filter(programme=demo)
        .public()
        .filter(forecast__health="red")
        .order_by("code")
    )
    assert red, "the demo has seriously delayed measures"
    rows = page.locator("main table tbody tr")
    expect(rows.locator("th a")).to_have_text([f"{m.code} {m.title}" for m in red])
    expect(rows.locator(".kern-badge")).to_have_text([health_text("red")] * len(red))

    # The first red measure: its status, its milestones and the reasons given for its delays.
    measure = red[0]
    follow(rows.first.locator("th a"))
    expect(page).to_have_url(re.compile(re.escape(url("portal:measure", SLUG, measure.code))))
    assert_sound(page, f"measure {measure.code}")
    expect(page.locator("h1")).to_have_text(f"{measure.code} {measure.title}")
    expect(page.locator("main .kern-badge").first).to_have_text(health_text("red"))
    explained = (
        Event.objects.for_measure(measure)
        .public()
        .filter(subject_type__model="milestone")
        .exclude(reason="")
        .order_by("-at", "-id")
    )
    assert explained.exists(), f"the demo records reasons for {measure.code}'s delays"
    event = explained.first()
    expect(page.locator("main")).to_contain_text(event.reason)

    # The milestone that reason is about.
    milestone = Milestone.objects.get(pk=event.subject_id)
    follow(
        page.locator("main table").get_by_role(
            "link", name=f"{milestone.code} {milestone.title}", exact=True
        )
    )
    expect(page).to_have_url(re.compile(re.escape(url("portal:milestone", SLUG, milestone.code))))
    assert_sound(page, f"milestone {milestone.code}")
    expect(page.locator("h1")).to_have_text(f"{milestone.code} {milestone.title}")
    finish = MilestoneForecast.objects.get(milestone=milestone).finish
    expect(page.locator("main dl")).to_contain_text(short_date(finish))
    expect(page.locator("main")).to_contain_text(event.reason)

    follow(nav_link(page, "portal:history"))
    assert_sound(page, "history")
    expect(page.locator("main")).to_contain_text(event.reason)
    # Only the changes to this measure's plan, chosen with the form (no JavaScript needed).
    page.get_by_label("Art der Änderung").select_option("plan")
    page.locator("#id_measure").select_option(measure.code)
    follow(page.locator("form[role=search] button[type=submit]"))
    expect(page).to_have_url(re.compile(rf"[?&]kind=plan&measure={re.escape(measure.code)}\b"))
    assert_sound(page, "history filtered to the plan of one measure")
    expect(page.locator("main")).to_contain_text(event.reason)
    subject = page.get_by_role("link", name=f"{milestone.code} {milestone.title}")
    expect(subject.first).to_be_visible()

    follow(nav_link(page, "portal:methodology"))
    assert_sound(page, "methodology")
    thresholds = page.locator("main table").first  # the status thresholds come first
    expect(thresholds).to_contain_text(str(demo.amber_days))
    expect(thresholds).to_contain_text(str(demo.red_days))

    for key, name in [
        ("accessibility", "portal:accessibility"),
        ("easy-language", "portal:easy_language"),
        ("sign-language", "portal:sign_language"),
        ("imprint", "portal:imprint"),
    ]:
        follow(footer_link(page, name))
        expect(page).to_have_url(re.compile(re.escape(url(name)) + "$"))
        assert_sound(page, key)
        expect(page.locator("h1")).to_have_text(Page.objects.for_language(key, "de").title)

    # Back to the overview, then the same in English.
    page.goto(url("portal:overview", SLUG))
    follow(page.locator(".site-nav a[hreflang=en]"))
    expect(page).to_have_url(re.compile(re.escape(url("portal:overview", SLUG, language="en"))))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_sound(page, "programme overview in English")
    status = page.locator("section:has(#status-heading)")
    expect(status).to_contain_text(short_date(forecast.forecast_finish, "en"))
    expect(status).to_contain_text(slip_text(forecast.slip_days, "en"))


@VIEWPORTS
def test_an_unknown_measure_code_shows_a_page_not_found_with_a_heading(demo, open_page, viewport):
    page = open_page(viewport)
    response = page.goto(url("portal:measure", SLUG, "M99"))
    assert response.status == 404
    assert_sound(page, "page not found", status=404)
    with translation.override("de"):
        heading = translation.gettext("Page not found")
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator(f"main a[href='{url('portal:index')}']")).to_be_visible()


def test_the_pages_are_styled_by_kern_with_its_fira_sans_font(demo, open_page):
    """axe's contrast check means something only when the design system's CSS is loaded."""
    page = open_page(DESKTOP)
    static = []
    page.on("response", lambda r: static.append((r.url, r.status)) if "/static/" in r.url else None)
    page.goto(url("portal:overview", SLUG))
    page.evaluate("async () => { await document.fonts.ready; }")

    assert any(u.endswith("/kern.min.css") for u, _status in static), static
    assert [(u, s) for u, s in static if s != 200] == []
    font = page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "Fira Sans" in font
    loaded = page.evaluate(
        "() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Fira Sans" in family for family in loaded), loaded


def german(text):
    with translation.override("de"):
        return translation.gettext(text)


# Per page: the column headings a reader on a phone must see without scrolling a table.
KEY_COLUMNS = {
    "overview": ("portal:overview", (), ["Forecast finish", "Complete", "Forecast"]),
    "measures": ("portal:measures", (), ["Status", "Forecast finish", "Complete"]),
    "measure": ("portal:measure", ("M6.1",), ["Approved plan", "Forecast"]),
    "money": ("portal:finance", (), ["Gap"]),
}
REGION_NAMES = """() => [...document.querySelectorAll('main [role=region]')].map(r =>
    r.getAttribute('aria-label') || r.getAttribute('aria-labelledby').split(' ')
        .map(id => document.getElementById(id).textContent.trim()).join(' '))"""


def test_on_a_phone_key_columns_today_and_the_forecast_are_on_screen(demo, open_page):
    page = open_page(PHONE)
    width = PHONE["width"]
    for label, (name, args, headings) in KEY_COLUMNS.items():
        page.goto(url(name, SLUG, *args))
        assert_sound(page, f"{label} on a phone")
        # Every scroll region has a name of its own, the one a screen reader announces.
        names = page.evaluate(REGION_NAMES)
        assert names and len(set(names)) == len(names), f"{label}: {names}"
        for region_name in names:
            expect(page.get_by_role("region", name=region_name, exact=True)).to_have_count(1)
        for heading in headings:
            cells = page.locator("main [role=region] thead th").filter(
                has_text=re.compile(f"^{re.escape(german(heading))}$")
            )
            assert cells.count(), f"{label}: no column {german(heading)!r}"
            for i in range(cells.count()):
                box = cells.nth(i).bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (label, heading, box)
        scrolled = page.evaluate(
            "() => [...document.querySelectorAll('main [role=region]')].map(r => r.scrollLeft)"
        )
        assert set(scrolled) <= {0}

    # The timelines on a phone: the narrow drawing, with today and the latest forecast in it.
    for name, args, prefix in [
        ("portal:overview", (), "tl-measures"),
        ("portal:measure", ("M6.1",), None),
    ]:
        page.goto(url(name, SLUG, *args))
        chart = page.locator("main .timeline__narrow svg")
        expect(chart).to_be_visible()
        expect(page.locator("main .timeline__wide svg")).to_be_hidden()
        today = chart.locator("line[class$='-today']")
        expect(today).to_have_count(1)
        if prefix:
            expect(today).to_have_class(f"{prefix}-phone-today")
        box, line = chart.bounding_box(), today.bounding_box()
        assert box["x"] + box["width"] <= width
        assert box["x"] < line["x"] < box["x"] + box["width"]
        # No bar ends beyond the drawing: the latest forecast finish is on screen too.
        right = max(
            r.bounding_box()["x"] + r.bounding_box()["width"] for r in chart.locator("rect").all()
        )
        assert right <= box["x"] + box["width"] + 0.5


def test_a_scroll_region_shows_a_focus_ring_when_reached_by_keyboard(demo, open_page):
    page = open_page(DESKTOP)
    page.goto(url("portal:measures", SLUG))
    region = page.locator("main [role=region]").first
    for _ in range(60):
        page.keyboard.press("Tab")
        if region.evaluate("r => r === document.activeElement"):
            break
    else:
        raise AssertionError("the table's scroll region is never reached by Tab")
    style = region.evaluate(
        "r => { const s = getComputedStyle(r); "
        "return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    )
    assert style == ["solid", "3px", "rgb(69, 75, 107)"]  # #454b6b: 9:1 on white
