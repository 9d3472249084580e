"""Office pages hold internal data: browsers and proxies must not keep a copy of any of them
(Cache-Control: no-store), so that "back" after logging out shows nothing."""

import pytest
from django.urls import reverse

SLUG = "testprogramm"


@pytest.mark.parametrize(
    "name, args",
    [
        ("index", []),
        ("dashboard", [SLUG]),
        ("milestone", [SLUG, "B"]),
        ("plan_versions", [SLUG]),
        ("plan_import", [SLUG]),
        ("plan_import_template", [SLUG]),
        ("plan_import_current", [SLUG]),
        ("positions", [SLUG]),
        ("tokens", [SLUG]),
    ],
)
def test_office_pages_are_never_stored(client, personas, name, args):
    client.force_login(personas.admin)
    response = client.get(reverse(f"office:{name}", args=args))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_login_page_and_the_redirect_to_it_are_never_stored(client, personas):
    assert "no-store" in client.get(reverse("office:login"))["Cache-Control"]
    redirect = client.get(reverse("office:dashboard", args=[SLUG]))
    assert redirect.status_code == 302
    assert "no-store" in redirect["Cache-Control"]


def test_public_pages_may_still_be_cached(client, personas):
    response = client.get(reverse("portal:overview", args=[SLUG]))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
