"""Every answer carries the security headers: a Content Security Policy that allows no inline
script or style and nothing from elsewhere, no framing, no content sniffing, a same-origin
referrer policy, the browser features the pages never use switched off, and HSTS over HTTPS
as configured. Public pages, office pages, the API's documentation and its JSON, error pages."""

import pytest
from django.urls import reverse

SLUG = "testprogramm"

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)

PAGES = [
    # (who is logged in, address, expected status)
    (None, "/", 200),
    (None, f"/p/{SLUG}/", 200),
    (None, "/en/", 200),
    (None, "/office/login/", 200),
    (None, "/konto/login/", 200),
    (None, "/api/v1/docs/", 200),
    (None, "/api/v1/openapi.json", 200),
    (None, "/admin/login/", 200),
    (None, "/keine-solche-seite/", 404),
    (None, "/api/v1/keine-solche-route", 404),
    ("admin", "/office/", 200),
    ("admin", f"/office/{SLUG}/", 200),
    ("viewer", "/admin/", 302),  # not staff: back to the admin's login
]


@pytest.mark.parametrize("who, path, status", PAGES)
def test_every_answer_carries_the_security_headers(client, personas, who, path, status):
    if who:
        client.force_login(getattr(personas, who))
    response = client.get(path)
    assert response.status_code == status, path
    assert response["Content-Security-Policy"] == CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy.split(", ")
    # Plain HTTP in development: no HSTS.
    assert "Strict-Transport-Security" not in response


def test_the_addresses_above_are_the_pages_they_name(client, personas):
    assert reverse("portal:overview", args=[SLUG]) == f"/p/{SLUG}/"
    assert reverse("office:dashboard", args=[SLUG]) == f"/office/{SLUG}/"
    assert reverse("office:login") == "/office/login/"
    assert reverse("account_login") == "/konto/login/"
    assert reverse("api:docs") == "/api/v1/docs/"


def test_over_https_the_configured_hsts_is_sent(client, personas, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/")  # never over plain HTTP
