"""Schemathesis against the API on a live server: every route of the OpenAPI document, with
generated requests (bounded in examples and time), anonymously and with an editor's token,
answers no server error and nothing that breaks its own schema — statuses, content types and
bodies as documented."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from plansicht.api.urls import api
from plansicht.services import Actor
from plansicht.services import tokens as token_service

from .factories import decisions_document, load

SLUG = "testprogramm"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))

# The live server answers from other threads: the data is committed (and flushed after).
pytestmark = pytest.mark.django_db(transaction=True)
BOUNDED = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def programme(live_server, today):
    return load(decisions_document())


def aimed(case):
    """Most generated slugs name no programme: aim every request at the test programme."""
    if case.path_parameters and "slug" in case.path_parameters:
        case.path_parameters["slug"] = SLUG
    return case


@schema.parametrize()
@BOUNDED
def test_anonymous_requests_break_neither_the_server_nor_the_schema(case, live_server, programme):
    aimed(case).call_and_validate(base_url=live_server.url, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_requests_with_an_editors_token_break_neither_the_server_nor_the_schema(
    case, live_server, programme, personas_light
):
    # "If-Match: *" lets every generated write through to the services.
    headers = {"Authorization": f"Bearer {personas_light}", "If-Match": "*"}
    aimed(case).call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)


@pytest.fixture
def personas_light(programme, django_user_model):
    """An editor of the test programme and the secret of their token."""
    from plansicht.accounts.models import StaffRole, Unit

    editor = django_user_model.objects.create_user("editor", password="pw-editor")
    unit = Unit.objects.get_or_create(organisation=programme.organisation, name="Programmbüro")[0]
    StaffRole.objects.create(
        user=editor, organisation=programme.organisation, role=StaffRole.EDITOR, unit=unit
    )
    _token, secret = token_service.create_token(
        programme, actor=Actor.system("tests"), user=editor, name="Schemathesis", role="editor"
    )
    return secret
