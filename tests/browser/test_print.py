"""What a council member gets on paper: the overview, a measure and the money page printed.

The print stylesheet hides the navigation, the footer, the forms and the buttons, and prints
black on white; the content itself (the h1, the tables) stays.
"""

from playwright.sync_api import expect

from plansicht.plan.models import Measure

from .conftest import DESKTOP, SLUG, url

# Whether an element takes any room on the page, as laid out now.
SHOWN = """(selector) => Array.from(document.querySelectorAll(selector))
  .some(e => e.getClientRects().length > 0)"""


def test_the_printed_pages_show_the_content_without_navigation_forms_or_buttons(demo, open_page):
    measure = Measure.objects.filter(programme=demo).public().order_by("code").first()
    page = open_page(DESKTOP)
    pages = [
        url("portal:overview", SLUG),
        url("portal:measure", SLUG, measure.code),
        url("portal:finance", SLUG),
    ]
    for address in pages:
        page.emulate_media(media="screen")
        page.goto(address)
        # On screen all of it is there: the page would not prove anything otherwise.
        for part in (".site-nav", ".site-footer", "main h1"):
            assert page.evaluate(SHOWN, part), f"{part} missing on screen at {address}"
        page.emulate_media(media="print")
        for part in (".site-nav", ".site-footer", "main form", "main button", ".kern-btn"):
            assert not page.evaluate(SHOWN, part), f"{part} is printed at {address}"
        expect(page.locator("main h1")).to_be_visible()
        expect(page.locator("main table").first).to_be_visible()
        colours = page.evaluate(
            "() => [getComputedStyle(document.body).color,"
            " getComputedStyle(document.body).backgroundColor]"
        )
        assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"], address
