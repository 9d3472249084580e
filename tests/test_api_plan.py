"""The API's plan routes and what every route shares: paged lists with their envelope, ETags
and 304, the one error body, and the writes with personal tokens through the office's
services — reasons, roles, the token's programme and expiry, and ``If-Match``."""

from datetime import date, timedelta

import pytest

from plansicht.accounts.models import ApiToken
from plansicht.history.models import Event
from plansicht.plan.models import Milestone
from plansicht.services import Actor, ServiceError
from plansicht.services import tokens as token_service

from .factories import document, load

pytestmark = pytest.mark.django_db

API = "/api/v1/programmes/testprogramm"


def token_for(user, programme, role, **options):
    token, secret = token_service.create_token(
        programme,
        actor=Actor.system("tests"),
        user=user,
        name="Schnittstelle",
        role=role,
        **options,
    )
    return token, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_lists_are_paged_in_code_order_with_the_envelope(client, personas):
    first = client.get(f"{API}/milestones/", {"page_size": 2}).json()
    # The persona document's published milestones: A, B, C, D (X is a draft, Z lies below the
    # draft measure M9).
    assert first["count"] == 4
    assert [m["code"] for m in first["results"]] == ["A", "B"]
    assert first["previous"] is None
    assert first["next"].endswith(f"{API}/milestones/?page_size=2&page=2")
    second = client.get(first["next"]).json()
    assert [m["code"] for m in second["results"]] == ["C", "D"]
    assert second["next"] is None and second["previous"]
    past = client.get(f"{API}/milestones/", {"page": 3, "page_size": 2}, HTTP_ACCEPT_LANGUAGE="en")
    assert past.status_code == 404
    assert past.json() == {"detail": "There is no page 3; the last page is 2.", "errors": []}


def test_a_milestone_in_machine_formats(client, personas):
    body = client.get(f"{API}/milestones/B").json()
    assert body["planned_start"] == "2025-02-01"
    assert body["actual_finish"] is None  # null, not absent
    assert body["forecast"]["start"] == "2025-02-15"  # the actual start
    assert body["forecast"]["cost_at_risk"] == "0.00"
    assert "internal_note" not in body and "version" not in body


def test_drafts_and_unknown_codes_are_not_found(client, personas):
    for code in ("X", "Z", "nope"):
        response = client.get(f"{API}/milestones/{code}", HTTP_ACCEPT_LANGUAGE="de")
        assert response.status_code == 404
        assert response.json()["detail"] == (
            f"Dieses Programm hat keinen veröffentlichten Meilenstein {code}."
        )


def test_a_code_with_a_slash_is_percent_encoded(client, today):
    doc = document()
    doc["milestones"][0]["code"] = "A/1"
    doc["dependencies"][0]["predecessor"] = "A/1"
    doc["plan_versions"] = []
    load(doc)
    assert client.get(f"{API}/milestones/A%2F1").json()["code"] == "A/1"


def test_a_page_size_over_100_is_refused_in_the_requests_language(client, personas):
    response = client.get(f"{API}/milestones/", {"page_size": 101}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Die Anfrage enthält Fehler; siehe „errors“."
    assert [e["field"] for e in body["errors"]] == ["page_size"]


def test_every_response_has_an_etag_and_a_matching_one_answers_304(client, personas):
    response = client.get(f"{API}/")
    etag = response["ETag"]
    again = client.get(f"{API}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert client.get(f"{API}/", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    assert client.get(f"{API}/milestones/nope")["ETag"]


def test_an_editor_reschedules_with_the_same_rules_as_the_office(client, personas):
    _token, auth = token_for(personas.editor, personas.programme, "editor")
    url = f"{API}/milestones/D"
    etag = client.get(url)["ETag"]
    later = {"planned_start": "2025-08-01"}
    events = Event.objects.count()
    # Without a reason a later finish is refused, in the office's words.
    refused = client.post(
        url + "/schedule", later, content_type="application/json", HTTP_IF_MATCH=etag, **auth
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "reason"
    assert Event.objects.count() == events
    done = client.post(
        url + "/schedule",
        {**later, "reason": "Vergabe verzögert"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **auth,
    )
    assert done.status_code == 200, done.json()
    assert done.json()["planned_start"] == "2025-08-01"
    event = Event.objects.latest("pk")
    assert (event.action, event.reason, event.user) == (
        "milestone.rescheduled",
        "Vergabe verzögert",
        personas.editor,
    )
    # The ETag it was sent with is stale now: 412 and nothing changes.
    stale = client.post(
        url + "/progress",
        {"progress": 10},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **auth,
    )
    assert stale.status_code == 412
    assert Milestone.objects.get(programme=personas.programme, code="D").progress == 0
    # Without If-Match: 428.
    missing = client.post(
        url + "/progress", {"progress": 10}, content_type="application/json", **auth
    )
    assert missing.status_code == 428
    fresh = client.get(url)["ETag"]
    assert done["ETag"] == fresh  # the answer of a write is the new representation
    ok = client.post(
        url + "/progress",
        {"progress": 10},
        content_type="application/json",
        HTTP_IF_MATCH=fresh,
        **auth,
    )
    assert ok.status_code == 200 and ok.json()["progress"] == 10


@pytest.mark.parametrize(
    "case",
    ["none", "garbage", "expired", "revoked", "other programme", "role too low", "role lost"],
)
def test_a_write_without_a_valid_token_is_refused_and_changes_nothing(client, personas, case):
    url = f"{API}/milestones/D/progress"
    headers = {}
    status = 401
    if case == "garbage":
        headers = {"HTTP_AUTHORIZATION": "Bearer psk_not-a-token"}
    elif case in ("expired", "revoked", "role lost"):
        token, headers = token_for(personas.editor, personas.programme, "editor")
        if case == "expired":
            ApiToken.objects.filter(pk=token.pk).update(expires_on=date(2025, 5, 31))
        elif case == "revoked":
            token_service.revoke_token(token, actor=Actor.for_user(personas.editor))
        else:
            personas.editor.staff_roles.update(role="viewer")
    elif case == "other programme":
        other = load(document("andere"))
        _t, headers = token_for(personas.admin, other, "admin")
        status = 403
    elif case == "role too low":
        _t, headers = token_for(personas.editor, personas.programme, "viewer")
        status = 403
    etag = client.get(f"{API}/milestones/D")["ETag"]
    events = Event.objects.count()
    response = client.post(
        url,
        {"progress": 50},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **headers,
    )
    assert response.status_code == status, response.json()
    assert set(response.json()) == {"detail", "errors"}
    assert Milestone.objects.get(programme=personas.programme, code="D").progress == 0
    assert Event.objects.count() == events


def test_tokens_are_stored_hashed_and_carry_no_more_than_their_owners_role(personas):
    token, auth = token_for(personas.finance, personas.programme, "finance")
    secret = auth["HTTP_AUTHORIZATION"].split()[1]
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.prefix == secret[:10]
    with pytest.raises(ServiceError) as refused:
        token_for(personas.finance, personas.programme, "editor")
    assert refused.value.field == "role"
    with pytest.raises(ServiceError) as refused:
        token_for(
            personas.finance,
            personas.programme,
            "finance",
            expires_on=date(2025, 6, 1) + timedelta(days=400),
        )
    assert refused.value.field == "expires_on"
    # Each person makes their own; an administrator may revoke anyone's.
    with pytest.raises(ServiceError):
        token_service.create_token(
            personas.programme,
            actor=Actor.for_user(personas.admin, personas.programme),
            user=personas.finance,
            name="x",
            role="finance",
        )
    token_service.revoke_token(token, actor=Actor.for_user(personas.admin, personas.programme))
    assert ApiToken.objects.get(pk=token.pk).revoked_on == date(2025, 6, 1)
