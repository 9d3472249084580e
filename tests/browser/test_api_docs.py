"""The API's docs page, read from its OpenAPI document, is a sound page on a phone and at a
desk (axe-core, one h1, no sideways scrolling) and links every route to its section."""

from playwright.sync_api import expect

from .conftest import VIEWPORTS, assert_sound


@VIEWPORTS
def test_the_api_docs_page(demo, open_page, viewport):
    page = open_page(viewport)
    page.goto("/api/v1/docs/")
    assert_sound(page, "the API's docs page")
    first = page.locator("main ul a").first
    anchor = first.get_attribute("href")
    first.click()
    expect(page.locator(anchor)).to_be_in_viewport()
    expect(page.locator("main a[href='/api/v1/openapi.json']")).to_have_count(1)
