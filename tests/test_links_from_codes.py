"""Links are built from the URL patterns, never relative to a code: a measure or milestone coded
``//example.invalid`` still links to its own page on this site, not to another host."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from .factories import document, load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_language():
    """Requests to /en/ leave English active in this thread; later tests expect German."""
    with translation.override(translation.get_language()):
        yield


CODE = "//example.invalid"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [value for name, value in attrs if name == "href" and value is not None]


def hrefs(response):
    parser = Links()
    parser.feed(response.content.decode())
    return parser.hrefs


def stays_on_the_site(href):
    if href.startswith("#") or href.startswith("data:"):
        return True
    if href.startswith("?"):
        return True
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and parts.netloc == "testserver"
    return href.startswith("/") and not href.startswith("//")


@pytest.fixture
def odd_codes(today):
    doc = document()
    doc["measures"][3]["code"] = CODE  # M2
    for m in doc["milestones"]:
        if m["measure"] == "M2":
            m["measure"] = CODE
    doc["milestones"][3]["code"] = CODE  # D
    doc["dependencies"][2]["successor"] = CODE
    doc["plan_versions"][1]["milestones"][3]["code"] = CODE
    return load(doc)


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_link_of_the_overview_and_the_measure_list_stays_on_the_site(
    client, odd_codes, language
):
    prefix = "/en" if language == "en" else ""
    for url in (f"{prefix}/p/testprogramm/", f"{prefix}/p/testprogramm/measures/"):
        response = client.get(url)
        assert response.status_code == 200
        links = hrefs(response)
        assert [h for h in links if not stays_on_the_site(h)] == [], url
        measure = f"{prefix}/p/testprogramm/measures///example.invalid/"
        assert measure in links, url


def test_the_links_of_odd_codes_lead_to_their_pages(client, odd_codes):
    measure = reverse("portal:measure", args=["testprogramm", CODE])
    response = client.get(measure)
    assert response.status_code == 200
    assert [h for h in hrefs(response) if not stays_on_the_site(h)] == []
    milestone = reverse("portal:milestone", args=["testprogramm", CODE])
    assert milestone in hrefs(response)
    assert client.get(milestone).status_code == 200


def test_the_office_milestone_list_links_odd_codes_on_the_site(client, personas):
    from plansicht.plan.models import Milestone

    Milestone.objects.filter(code="D").update(code=CODE)
    client.force_login(personas.editor)
    response = client.get(reverse("office:milestones", args=["testprogramm"]) + "?all=1")
    assert response.status_code == 200
    links = hrefs(response)
    assert [h for h in links if not stays_on_the_site(h)] == []
    assert reverse("office:milestone", args=["testprogramm", CODE]) in links


def test_list_addresses_equal_the_url_tag_for_odd_codes():
    # Long lists build measure addresses without a reverse() per row: the same addresses.
    from types import SimpleNamespace

    from plansicht.portal.views import _with_urls

    codes = ["M1", "M 1.2/ä", "//example.invalid", "a?b#c%d", "x:y@z~", "code-stand-in"]
    measures = _with_urls("test_code-stand-in", [SimpleNamespace(code=c) for c in codes])
    assert [m.url for m in measures] == [
        reverse("portal:measure", args=["test_code-stand-in", c]) for c in codes
    ]
