"""The money services: one event each, reasons for planned amounts, the finance officer's
rights, and nothing stored when a change is refused."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from plansicht.forecast.models import GrantForecast
from plansicht.funding.models import CostLine, Drawdown, Expenditure, Grant
from plansicht.history.models import Event
from plansicht.plan.models import Milestone
from plansicht.services import Actor, ReasonRequired, ServiceError
from plansicht.services import funding as svc
from plansicht.services import plan as plan_svc

from .factories import funded_document, load

pytestmark = pytest.mark.django_db
OFFICE = Actor.system("tests", name="Kämmerei")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def programme(today):
    return load(funded_document())


def money_events():
    return Event.objects.exclude(action="programme.loaded")


def test_recording_an_expenditure_writes_one_event_and_updates_the_stored_money(programme):
    line = CostLine.objects.get(code="K1")
    svc.save_expenditure(
        line, actor=OFFICE, on=date(2025, 5, 20), amount="450.00", eligible=True, note="Abschlag 1"
    )
    (event,) = money_events()
    assert event.action == "expenditure.saved"
    assert event.changes["amount"] == [None, "450.00"]
    assert GrantForecast.objects.get(grant__code="G1").spent == Decimal("1950.00")
    # Less remains on K1, so less of it falls after the eligibility end.
    assert GrantForecast.objects.get(grant__code="G1").cost_at_risk == Decimal("2660.00")


def test_a_planned_amount_changes_only_with_a_reason(programme):
    line = CostLine.objects.get(code="K1")
    with pytest.raises(ReasonRequired):
        svc.save_cost_line(
            programme,
            actor=OFFICE,
            code="K1",
            grant=line.grant,
            milestone=line.milestone,
            category="staff",
            amount="9500.00",
            line=line,
        )
    assert CostLine.objects.get(code="K1").amount == Decimal("9000.00")
    svc.save_cost_line(
        programme,
        actor=OFFICE,
        code="K1",
        grant=line.grant,
        milestone=line.milestone,
        category="staff",
        amount="9500.00",
        line=line,
        reason="Tarifsteigerung",
    )
    (event,) = money_events()
    assert event.changes == {"amount": ["9000.00", "9500.00"]}
    assert event.reason == "Tarifsteigerung"


@pytest.mark.parametrize(
    ("amount", "message"),
    [("12.345", "two decimal places"), ("-1", "negative"), ("zwölf", "Enter an amount")],
)
def test_bad_amounts_are_explained_and_nothing_is_stored(programme, amount, message):
    with pytest.raises(ServiceError, match=message) as e:
        svc.save_expenditure(
            CostLine.objects.get(code="K1"),
            actor=OFFICE,
            on=date(2025, 5, 1),
            amount=amount,
            eligible=True,
        )
    assert e.value.field == "amount"
    assert Expenditure.objects.count() == 4
    assert not money_events().exists()


def test_a_received_drawdown_needs_date_and_amount(programme):
    grant = Grant.objects.get(code="G1")
    with pytest.raises(ServiceError) as e:
        svc.save_drawdown(
            grant,
            actor=OFFICE,
            requested_on=date(2025, 5, 1),
            amount_requested="100.00",
            received_on=date(2025, 5, 10),
        )
    assert e.value.field == "amount_received"
    with pytest.raises(ServiceError, match="before it was requested"):
        svc.save_drawdown(
            grant,
            actor=OFFICE,
            requested_on=date(2025, 5, 1),
            amount_requested="100.00",
            received_on=date(2025, 4, 10),
            amount_received="100.00",
        )
    assert Drawdown.objects.count() == 1


def test_a_cost_line_with_spending_cannot_be_removed(programme):
    with pytest.raises(ServiceError, match="has expenditures"):
        svc.remove_cost_line(CostLine.objects.get(code="K2"), actor=OFFICE, reason="x")
    svc.remove_cost_line(CostLine.objects.get(code="K1"), actor=OFFICE, reason="gestrichen")
    assert GrantForecast.objects.get(grant__code="G1").cost_at_risk == Decimal("0.00")


def test_the_finance_officer_edits_money_but_not_the_plan(personas):
    load(funded_document(), replace=True, reason="money for the test")
    programme = personas.programme
    finance = Actor.for_user(personas.finance, programme)
    editor = Actor.for_user(personas.editor, programme)
    line = CostLine.objects.get(code="K1")
    svc.save_expenditure(line, actor=finance, on=date(2025, 5, 20), amount="1.00", eligible=True)
    with pytest.raises(PermissionDenied):
        svc.save_expenditure(line, actor=editor, on=date(2025, 5, 20), amount="1.00", eligible=True)
    with pytest.raises(PermissionDenied):
        plan_svc.set_progress(Milestone.objects.get(code="D"), 10, actor=finance)
    assert Expenditure.objects.count() == 5
