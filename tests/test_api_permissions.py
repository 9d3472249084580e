"""The permission matrix over every route and method of the API, generated from its OpenAPI
document: a read answers anyone, with or without a token; a write answers 401 without a valid
token, 403 to a token whose role may not make it (nothing stored), and the change with one
history event to a token whose role may — the same roles as in the office.

Every route needs a row in ``ACCESS`` and samples for its path; a new route without them fails
``test_every_route_has_a_row_in_the_matrix``."""

import pytest

from plansicht.api.urls import api
from plansicht.history.models import Event
from plansicht.services import Actor
from plansicht.services import tokens as token_service

from .factories import decisions_document
from .test_office_permissions import MILESTONE_B, MONEY, OFFICE
from .test_office_permissions import stored as stored_with_tokens

pytestmark = pytest.mark.django_db

SLUG = "testprogramm"
PUBLIC = "public"
# Milestone B and question F1 are about M1.1 and M1, whose lead unit is the unit editor's.
ANSWER_F1 = MILESTONE_B
ACCESS = {
    ("get", "/api/v1/programmes/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/measures/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/measures/{code}"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/milestones/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/milestones/{code}"): PUBLIC,
    ("post", "/api/v1/programmes/{slug}/milestones/{code}/schedule"): MILESTONE_B,
    ("post", "/api/v1/programmes/{slug}/milestones/{code}/actuals"): MILESTONE_B,
    ("post", "/api/v1/programmes/{slug}/milestones/{code}/progress"): MILESTONE_B,
    ("get", "/api/v1/programmes/{slug}/history/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/grants/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/grants/{code}"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/finance/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/finance/{code}"): PUBLIC,
    ("post", "/api/v1/programmes/{slug}/expenditures/"): MONEY,
    ("get", "/api/v1/programmes/{slug}/positions/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/positions/{code}"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/questions/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/questions/{code}"): PUBLIC,
    ("post", "/api/v1/programmes/{slug}/questions/{code}/answer"): ANSWER_F1,
    ("get", "/api/v1/programmes/{slug}/statements/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/statements/{code}"): PUBLIC,
    ("post", "/api/v1/programmes/{slug}/statements/{code}/answer"): ANSWER_F1,
    ("get", "/api/v1/programmes/{slug}/bodies/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/decisions/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/decisions/{id}"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/indicators/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/proposals/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/proposals/{code}"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/consultations/"): PUBLIC,
    ("get", "/api/v1/programmes/{slug}/consultations/{code}"): PUBLIC,
}
# Sample path parts by route (the slug is always the test programme).
CODES = {
    "/api/v1/programmes/{slug}/measures/{code}": "M1",
    "/api/v1/programmes/{slug}/milestones/{code}": "B",
    "/api/v1/programmes/{slug}/milestones/{code}/schedule": "B",
    "/api/v1/programmes/{slug}/milestones/{code}/actuals": "B",
    "/api/v1/programmes/{slug}/milestones/{code}/progress": "B",
    "/api/v1/programmes/{slug}/grants/{code}": "G1",
    "/api/v1/programmes/{slug}/finance/{code}": "M1",
    "/api/v1/programmes/{slug}/positions/{code}": "CDO",
    "/api/v1/programmes/{slug}/questions/{code}": "F1",
    "/api/v1/programmes/{slug}/questions/{code}/answer": "F1",
    "/api/v1/programmes/{slug}/statements/{code}": "S1",
    "/api/v1/programmes/{slug}/statements/{code}/answer": "S1",
    "/api/v1/programmes/{slug}/proposals/{code}": "V1",
    "/api/v1/programmes/{slug}/consultations/{code}": "K1",
}
# What a write sends (valid for the roles that may make it), and the object whose ETag it
# names in If-Match (None: a new object names none).
CHANGES = {
    "/api/v1/programmes/{slug}/milestones/{code}/schedule": (
        {"duration_days": 30, "reason": "Ausschreibung kürzer"},
        "milestones/B",
    ),
    "/api/v1/programmes/{slug}/milestones/{code}/actuals": (
        {"actual_finish": "2025-05-30"},
        "milestones/B",
    ),
    "/api/v1/programmes/{slug}/milestones/{code}/progress": ({"progress": 55}, "milestones/B"),
    "/api/v1/programmes/{slug}/expenditures/": (
        {"cost_line": "K1", "on": "2025-05-20", "amount": "1234.50", "payee": "Firma X"},
        None,
    ),
    "/api/v1/programmes/{slug}/questions/{code}/answer": (
        {"text": "Die Antwort, berichtigt."},
        "questions/F1",
    ),
    "/api/v1/programmes/{slug}/statements/{code}/answer": (
        {"text": "Wir richten Sprechstunden ein, ab Juli."},
        "statements/S1",
    ),
}


@pytest.fixture
def persona_document():
    doc = decisions_document()
    doc["participation"]["proposals"] = [
        {"code": "V1", "received": "2025-05-02", "title": "Vorschlag", "text": "Text"}
    ]
    return doc


def routes():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return sorted((method, path) for path, ops in schema["paths"].items() for method in ops)


def address(path):
    if "/consultations/" in path:
        _consultation()
    return (
        path.replace("{slug}", SLUG)
        .replace("{code}", CODES.get(path, ""))
        .replace("{id}", str(_decision_id()))
    )


def _consultation():
    """A consultation for the public (the document holds none)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from plansicht.consultations.models import Consultation
    from plansicht.plan.models import Programme

    berlin = ZoneInfo("Europe/Berlin")
    Consultation.objects.get_or_create(
        programme=Programme.objects.get(slug=SLUG),
        code="K1",
        defaults={
            "title": "Leitbild",
            "opens": datetime(2025, 5, 1, 9, tzinfo=berlin),
            "closes": datetime(2025, 5, 20, 18, tzinfo=berlin),
        },
    )


def _decision_id():
    from plansicht.decisions.models import Decision

    return Decision.objects.order_by("pk").values_list("pk", flat=True).first()


def stored():
    """Everything a refused write must leave alone (a token's "last used" day aside)."""
    rows = stored_with_tokens()
    rows.pop("ApiToken", None)
    return rows


def token(user, programme, role):
    _t, secret = token_service.create_token(
        programme, actor=Actor.system("tests"), user=user, name="Matrix", role=role
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def own_role(personas, persona):
    return getattr(personas, persona).staff_roles.get().role


def test_every_route_has_a_row_in_the_matrix():
    assert set(routes()) == set(ACCESS), "add the route to ACCESS (and CODES, CHANGES)"
    writes = {path for (method, path), who in ACCESS.items() if who != PUBLIC}
    assert writes == set(CHANGES)
    assert all(method == "get" for (method, _p), who in ACCESS.items() if who == PUBLIC)


@pytest.mark.parametrize("route", sorted(r for r, who in ACCESS.items() if who == PUBLIC))
def test_a_read_answers_anyone(client, personas, route):
    _method, path = route
    url = address(path)
    assert client.get(url).status_code == 200
    headers = token(personas.viewer, personas.programme, "viewer")
    assert client.get(url, **headers).status_code == 200


def _post(client, path, headers):
    body, etag_of = CHANGES[path]
    extra = {}
    if etag_of is not None:
        extra["HTTP_IF_MATCH"] = client.get(f"/api/v1/programmes/{SLUG}/{etag_of}")["ETag"]
    return client.post(address(path), body, content_type="application/json", **extra, **headers)


@pytest.mark.parametrize("path", sorted(CHANGES))
def test_a_write_without_a_token_is_refused_with_401(client, personas, path):
    before = stored()
    response = _post(client, path, {})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert stored() == before


@pytest.mark.parametrize("path", sorted(CHANGES))
def test_a_token_whose_role_may_not_write_is_refused_with_403(client, personas, path):
    refused = sorted(OFFICE - ACCESS["post", path])
    tokens = {
        p: token(getattr(personas, p), personas.programme, own_role(personas, p)) for p in refused
    }
    answered = {}
    before = stored()
    for persona in refused:
        answered[persona] = _post(client, path, tokens[persona]).status_code
    assert answered == dict.fromkeys(answered, 403)
    assert stored() == before


@pytest.mark.parametrize("path", sorted(CHANGES))
def test_a_token_whose_role_may_write_changes_it_with_one_event(client, personas, path):
    from django.db import transaction

    for persona in sorted(ACCESS["post", path]):
        user = getattr(personas, persona)
        headers = token(user, personas.programme, own_role(personas, persona))
        with transaction.atomic():
            events = Event.objects.count()
            response = _post(client, path, headers)
            assert response.status_code in (200, 201), (persona, response.json())
            assert Event.objects.count() == events + 1, persona
            assert Event.objects.order_by("-pk").first().user == user
            transaction.set_rollback(True)


def test_a_token_of_another_city_writes_nothing_here(client, personas):
    """An administrator's token made for another city's programme, sent to every write of
    this one: refused with 403, nothing stored."""
    from django.contrib.auth import get_user_model

    from plansicht.accounts.models import StaffRole, Unit

    from .factories import document, load

    doc = document(slug="anderswo")
    doc["programme"]["organisation"] = "Stadt Anderswo"
    elsewhere = load(doc)
    user = get_user_model().objects.create_user("anderswo", password="pw-anderswo")
    unit = Unit.objects.create(organisation=elsewhere.organisation, name="Hauptamt")
    StaffRole.objects.create(
        user=user, organisation=elsewhere.organisation, role=StaffRole.ADMIN, unit=unit
    )
    headers = token(user, elsewhere, "admin")
    before = stored()
    answered = {path: _post(client, path, headers).status_code for path in sorted(CHANGES)}
    assert answered == dict.fromkeys(answered, 403)
    assert stored() == before
