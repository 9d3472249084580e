"""A write that cannot move the plan does not recompute it: it still checks and bumps the
version and writes its one event, but runs no forecast."""

from datetime import date

import pytest

from plansicht.forecast import run
from plansicht.forecast.models import GrantForecast
from plansicht.funding.models import BudgetLine, Expenditure
from plansicht.history.models import Event
from plansicht.services import Actor, ChangedMeanwhile
from plansicht.services import funding as money_svc
from plansicht.services import staffing as staffing_svc
from plansicht.staffing.models import Position

from .factories import load, staffed_document

pytestmark = pytest.mark.django_db
OFFICE = Actor.system("tests", name="Kämmerei")


@pytest.fixture
def programme(today):
    return load(staffed_document())


@pytest.fixture
def computes(monkeypatch):
    """Counts the forecasts run during the test."""
    calls = []
    real = run.compute

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(run, "compute", counted)
    return calls


def save_expenditure(expenditure, **changes):
    fields = {
        "on": expenditure.on,
        "amount": expenditure.amount,
        "eligible": expenditure.eligible,
        "note": expenditure.note,
        "document_ref": expenditure.document_ref,
        **changes,
    }
    return money_svc.save_expenditure(
        expenditure.cost_line,
        actor=OFFICE,
        expenditure=expenditure,
        expected_version=expenditure.version,
        **fields,
    )


def test_an_expenditure_note_and_document_reference_run_no_forecast(programme, computes):
    expenditure = Expenditure.objects.get(cost_line__code="K3")
    version = expenditure.version
    save_expenditure(expenditure, note="Rechnung geprüft", document_ref="RE-2025-17")
    assert computes == []
    assert Event.objects.filter(action="expenditure.saved").count() == 1
    stored = Expenditure.objects.get(pk=expenditure.pk)
    assert stored.version == version + 1 and stored.document_ref == "RE-2025-17"


def test_a_forecast_free_write_still_refuses_a_stale_form(programme, computes):
    expenditure = Expenditure.objects.get(cost_line__code="K3")
    stale = Expenditure.objects.get(pk=expenditure.pk)
    save_expenditure(expenditure, note="zuerst")
    with pytest.raises(ChangedMeanwhile):
        save_expenditure(stale, note="danach")
    assert Expenditure.objects.get(pk=expenditure.pk).note == "zuerst"
    assert computes == []


def test_an_expenditure_amount_recomputes_and_stores_the_forecast(programme, computes):
    expenditure = Expenditure.objects.get(cost_line__code="K3")
    spent = GrantForecast.objects.get(grant__code="G1").spent
    save_expenditure(expenditure, amount="400.00", note="Teilbetrag")
    assert len(computes) >= 2  # before and after the change
    assert GrantForecast.objects.get(grant__code="G1").spent == spent - 600


def test_a_budget_line_title_runs_no_forecast_but_its_own_share_does(programme, computes):
    line = BudgetLine.objects.get()

    def save(**changes):
        fields = {"year": line.year, "product": line.product, "title": line.title}
        fields["own_share"] = line.own_share
        money_svc.save_budget_line(
            line.grant, actor=OFFICE, budget_line=line, reason="Haushalt", **{**fields, **changes}
        )

    save(title="Smart City (Eigenanteil)")
    assert computes == []
    save(own_share="2000.00")
    assert len(computes) >= 2


def test_a_posts_title_and_pay_grade_run_no_forecast_but_its_contract_end_does(programme, computes):
    post = Position.objects.get(code="PL")
    staffing_svc.save_position(post, actor=OFFICE, title="Projektleitung", pay_grade="E 13")
    assert computes == []
    assert Event.objects.filter(action="position.changed").count() == 1
    assert Position.objects.get(code="PL").version == post.version
    staffing_svc.save_position(post, actor=OFFICE, contract_end=date(2026, 12, 31))
    assert len(computes) > 0  # the contract-end alert is stored with the forecast
