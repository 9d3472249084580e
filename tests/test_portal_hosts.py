"""Many cities in one installation: the start page groups the programmes by city, searches and
pages them; a city on its own host name shows only its own programmes, and another city's
programme is not found there."""

import pytest
from django.urls import reverse

from plansicht.accounts.models import Organisation
from plansicht.portal import hosts

from .factories import document, load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


@pytest.fixture(autouse=True)
def fresh_host_map(settings):
    settings.ALLOWED_HOSTS = ["testserver", "plansicht.astadt.de", "plansicht.bstadt.de"]
    hosts.forget()
    yield
    hosts.forget()


def city(slug, name, title):
    doc = document(slug=slug)
    doc["programme"]["organisation"] = name
    doc["programme"]["title"] = title
    return load(doc)


@pytest.fixture
def two_cities():
    a = city("astadt", "Stadt Astadt", "Astadt digital")
    b = city("bstadt", "Stadt Bstadt", "Bstadt vernetzt")
    Organisation.objects.filter(name="Stadt Astadt").update(domain="plansicht.astadt.de")
    hosts.forget()
    return a, b


def test_a_city_on_its_own_host_shows_only_its_programmes(client, two_cities):
    own = client.get("/", headers={"host": "plansicht.astadt.de"}).content.decode()
    assert "Astadt digital" in own and "Bstadt vernetzt" not in own
    other = reverse("portal:overview", args=["bstadt"])
    assert client.get(other, headers={"host": "plansicht.astadt.de"}).status_code == 404
    assert client.get(other).status_code == 200  # on the main host
    mine = reverse("portal:overview", args=["astadt"])
    assert client.get(mine, headers={"host": "plansicht.astadt.de"}).status_code == 200
    # A city without a host name of its own is reached on the main host only as before.
    everything = client.get("/").content.decode()
    assert "Astadt digital" in everything and "Bstadt vernetzt" in everything


def test_the_start_page_groups_the_programmes_by_city(client, two_cities):
    page = client.get("/").content.decode()
    assert page.index("Stadt Astadt</h2>") < page.index("Astadt digital")
    assert page.index("Stadt Bstadt</h2>") < page.index("Bstadt vernetzt")
    assert 'role="search"' not in page  # two programmes need no search


def test_many_programmes_are_searched_and_paged(client):
    for n in range(1, 23):
        city(f"stadt{n:02d}", f"Stadt {n:02d}", f"Programm {n:02d}")
    page = client.get("/").content.decode()
    assert 'role="search"' in page
    assert "Programm 20" in page and "Programm 21" not in page  # 20 a page
    assert "Seite 1 von 2" in page
    second = client.get("/", {"page": 2}).content.decode()
    assert "Programm 21" in second and "Programm 22" in second and "Programm 01" not in second
    found = client.get("/", {"q": "stadt 07"}).content.decode()
    assert "Programm 07" in found and "Programm 08" not in found
    assert "1 Programm gefunden für „stadt 07“." in found
    none = client.get("/", {"q": "Atlantis"}).content.decode()
    assert "Kein Programm passt zur Suche." in none
