"""Writes through the API beyond the plan: a finance officer records spending (its answer keeps
the internal fields to itself), an editor answers a question; refusals name their field."""

from decimal import Decimal

import pytest

from plansicht.funding.models import Expenditure
from plansicht.participation.models import Submission

from .factories import participation_document
from .test_api_plan import token_for

pytestmark = pytest.mark.django_db

API = "/api/v1/programmes/testprogramm"


@pytest.fixture
def persona_document():
    return participation_document()


def test_a_finance_officer_records_spending(client, personas):
    _t, auth = token_for(personas.finance, personas.programme, "finance")
    body = {
        "cost_line": "K1",
        "on": "2025-05-20",
        "amount": "1234.50",
        "payee": "Sensorik Nord GmbH",
        "document_ref": "RE-2025-0042",
    }
    response = client.post(f"{API}/expenditures/", body, content_type="application/json", **auth)
    assert response.status_code == 201
    assert response.json() == {
        "cost_line": "K1",
        "on": "2025-05-20",
        "amount": "1234.50",
        "eligible": True,
    }
    stored = Expenditure.objects.get(document_ref="RE-2025-0042")
    assert (stored.amount, stored.payee) == (Decimal("1234.50"), "Sensorik Nord GmbH")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"cost_line": "K99"}, "cost_line"),
        ({"amount": "1.234,50"}, "amount"),
        ({"amount": "-5.00"}, "amount"),
        ({"on": "31.05.2025"}, "on"),
    ],
)
def test_bad_spending_is_refused_on_its_field(client, personas, change, field):
    _t, auth = token_for(personas.finance, personas.programme, "finance")
    body = {"cost_line": "K1", "on": "2025-05-20", "amount": "10.00", **change}
    count = Expenditure.objects.count()
    response = client.post(f"{API}/expenditures/", body, content_type="application/json", **auth)
    assert response.status_code in (400, 422)
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert Expenditure.objects.count() == count


def test_an_editor_answers_an_open_question(client, personas):
    _t, auth = token_for(personas.editor, personas.programme, "editor")
    url = f"{API}/questions/F5"
    etag = client.get(url)["ETag"]
    response = client.post(
        url + "/answer",
        {"text": "Der Radweg beginnt im Herbst."},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **auth,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["answer"] == "Der Radweg beginnt im Herbst."
    assert response.json()["answered_on"] == "2025-06-01"
    assert Submission.objects.get(code="F5").answered_on.isoformat() == "2025-06-01"
