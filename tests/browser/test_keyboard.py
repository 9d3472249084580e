"""An office task done with the keyboard alone, and every control it passes shows its focus.

Jonas logs in, goes to the milestone list, opens a milestone and moves its finish later with a
reason — only with Tab, Shift+Tab, typing and Enter (no click, no ``fill``, no ``focus()``).
Each control that receives the focus on the way must show it with an outline (WCAG 2.4.7).
"""

import re
from datetime import timedelta

from playwright.sync_api import expect

from plansicht.forecast.models import MilestoneForecast

from .conftest import DESKTOP, SLUG, url
from .test_office_edit import LONGER, REASON, a_milestone_a_longer_duration_delays, events_of

# The focused element: whether it is the one wanted, what it is, and whether an outline of at
# least 2 px shows the focus.
FOCUSED = """(selector) => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  return {
    wanted: element.matches(selector),
    what: `${element.outerHTML.slice(0, 99)} (outline ${style.outlineStyle} ${style.outlineWidth})`,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def tab_to(page, selector, backwards=False, limit=400):
    """Press Tab (or Shift+Tab) until ``selector`` has the focus; every stop shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED, selector)
        if focused is None:
            continue  # past the last control: the browser's own UI, then the page again
        assert focused["outline"], f"no visible focus on {focused['what']} at {page.url}"
        if focused["wanted"]:
            return
    raise AssertionError(f"{selector} never got the focus with the keyboard at {page.url}")


def press_and_load(page, key):
    with page.expect_navigation():
        page.keyboard.press(key)


def test_jonas_moves_a_milestone_later_with_the_keyboard_alone(demo, open_page):
    milestone = a_milestone_a_longer_duration_delays(demo)
    finish_before = milestone.forecast.finish
    duration_before = milestone.duration_days
    page = open_page(DESKTOP)
    page.goto(url("office:login"))

    tab_to(page, "#id_username")
    page.keyboard.type("buero")
    tab_to(page, "#id_password")
    page.keyboard.type("demo")
    press_and_load(page, "Enter")  # Enter in a field sends its form

    dashboard = url("office:dashboard", SLUG)
    if not page.url.endswith(dashboard):  # the office start page lists the programmes
        tab_to(page, f"main a[href='{dashboard}']")
        press_and_load(page, "Enter")
    tab_to(page, f".site-nav a[href='{url('office:milestones', SLUG)}']")
    press_and_load(page, "Enter")
    edit_url = url("office:milestone", SLUG, milestone.code)
    tab_to(page, f"main a[href='{edit_url}']")
    press_and_load(page, "Enter")
    expect(page).to_have_url(re.compile(re.escape(edit_url) + "$"))

    # The reason first, then back to the duration with Shift+Tab, then on to the button.
    tab_to(page, "#id_dates-reason")
    page.keyboard.type(REASON)
    tab_to(page, "#id_dates-duration_days", backwards=True)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(str(duration_before + LONGER))
    tab_to(page, "form:has(#id_dates-reason) button[type=submit]")
    press_and_load(page, "Space")  # a button answers Space as well as Enter

    expect(page.locator("main .messages")).to_be_visible()
    milestone.refresh_from_db()
    assert milestone.duration_days == duration_before + LONGER
    finish_after = MilestoneForecast.objects.get(milestone=milestone).finish
    assert finish_after == finish_before + timedelta(days=LONGER)
    assert events_of(milestone).filter(reason=REASON).count() == 1
