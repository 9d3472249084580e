"""A visitor finds the open data from the portal's navigation, on a phone and at a desk: the
download page is checked with axe-core, has one h1 and never scrolls sideways; every file it
lists downloads with its media type, and a measure's calendar can be subscribed to."""

from playwright.sync_api import expect

from .conftest import SLUG, VIEWPORTS, assert_sound, follow, url

MEDIA_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".md": "text/markdown",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ics": "text/calendar",
    ".xml": "application/xml",
    ".ttl": "text/turtle",
}


@VIEWPORTS
def test_a_visitor_downloads_every_open_data_file(demo, open_page, viewport):
    page = open_page(viewport)
    page.goto(url("portal:overview", SLUG))
    follow(page.locator(f".site-nav a[href='{url('portal:opendata', SLUG)}']"))
    assert_sound(page, "the open data page")
    links = page.locator("main table tbody a")
    names = [name.strip() for name in links.all_inner_texts()]
    assert "massnahmen.csv" in " ".join(names) and len(names) >= 15
    for link in links.all():
        href = link.get_attribute("href")
        response = page.request.get(href)
        assert response.status == 200, href
        suffix = "." + href.rsplit(".", 1)[-1]
        assert response.headers["content-type"].startswith(MEDIA_TYPES[suffix]), href
        assert response.body(), href
    calendar = page.locator("main ul a").first
    expect(calendar).to_be_visible()
    response = page.request.get(calendar.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.text().startswith("BEGIN:VCALENDAR")
