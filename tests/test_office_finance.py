"""The office's finance pages: who may read and change money, German amounts in the forms,
the service's refusals on the right field, and the figures the finance officer reads."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plansicht.forecast.models import GrantForecast
from plansicht.funding.models import (
    BudgetLine,
    CostLine,
    Drawdown,
    DrawdownPlanEntry,
    Expenditure,
)
from plansicht.funding.templatetags.funding import euro
from plansicht.history.models import Event
from plansicht.office.forms import CostLineForm, parse_amount
from plansicht.plan.models import Milestone

from .factories import funded_document, load

SLUG = "testprogramm"


@pytest.fixture
def persona_document():
    return funded_document()


@pytest.fixture
def people(personas):
    """The personas on the funded document."""
    return personas


def first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first().pk


# Sample arguments of the finance pages.
READ_VIEWS = {
    "finance": lambda: [],
    "kfp": lambda: [],
    "cost_lines": lambda: [],
    "expenditures": lambda: [],
    "budget_lines": lambda: [],
    "drawdown_plan": lambda: [],
    "drawdowns": lambda: [],
}
EDIT_VIEWS = {
    "cost_line_new": lambda: [],
    "cost_line": lambda: ["K1"],
    "cost_line_remove": lambda: ["K1"],
    "expenditure_new": lambda: [],
    "expenditure": lambda: [first(Expenditure)],
    "expenditure_remove": lambda: [first(Expenditure)],
    "budget_line_new": lambda: [],
    "budget_line": lambda: [first(BudgetLine)],
    "budget_line_remove": lambda: [first(BudgetLine)],
    "drawdown_plan_entry_new": lambda: [],
    "drawdown_plan_entry": lambda: [first(DrawdownPlanEntry)],
    "drawdown_new": lambda: [],
    "drawdown": lambda: [first(Drawdown)],
}
ALL_VIEWS = {**READ_VIEWS, **EDIT_VIEWS}


def url(name, *args):
    return reverse(f"office:{name}", args=[SLUG, *(args or ALL_VIEWS[name]())])


# Who may open and post to which page: test_office_permissions.py.


def test_the_finance_link_is_in_the_navigation_and_on_the_dashboard(client, people):
    client.force_login(people.viewer)
    page = client.get(reverse("office:dashboard", args=[SLUG])).content.decode()
    assert page.count(reverse("office:finance", args=[SLUG])) == 2


def test_readers_see_no_edit_links_and_money_roles_do(client, people):
    client.force_login(people.viewer)
    page = client.get(url("cost_lines")).content.decode()
    assert url("cost_line_new") not in page and url("cost_line", "K1") not in page
    client.force_login(people.finance)
    page = client.get(url("cost_lines")).content.decode()
    assert url("cost_line_new") in page and url("cost_line", "K1") in page


def test_a_finance_officer_may_not_reschedule_a_milestone(client, people):
    client.force_login(people.finance)
    milestone_url = reverse("office:milestone", args=[SLUG, "B"])
    page = client.get(milestone_url)  # reads it, without the forms
    assert page.status_code == 200
    assert b'name="op" value="dates"' not in page.content
    response = client.post(
        milestone_url,
        {
            "op": "dates",
            "dates-planned_start": "2025-02-01",
            "dates-duration_days": "90",
            "dates-reason": "Lieferverzug",
        },
    )
    assert response.status_code == 403
    assert Milestone.objects.get(code="B").duration_days == 60


# -- changing money through the forms ---------------------------------------------------------


def post_expenditure(client, **extra):
    return client.post(
        url("expenditure_new"),
        {
            "cost_line": str(CostLine.objects.get(code="K2").pk),
            "on": "2025-05-20",
            "amount": "1.234,50",
            "eligible": "on",
            "note": "Rechnung Gateways",
            "document_ref": "RE-2025-17",
            "reason": "",
            **extra,
        },
    )


def test_a_finance_officer_records_an_expenditure_in_german_format(client, people):
    assert GrantForecast.objects.get(grant__code="G1").spent == Decimal("1500.00")
    client.force_login(people.finance)
    response = post_expenditure(client)
    assert response.status_code == 302
    assert response["Location"] == url("expenditures")
    stored = Expenditure.objects.get(document_ref="RE-2025-17")
    assert (stored.amount, stored.eligible) == (Decimal("1234.50"), True)
    assert GrantForecast.objects.get(grant__code="G1").spent == Decimal("2734.50")
    event = Event.objects.get(action="expenditure.saved")
    assert event.user == people.finance
    page = client.get(response["Location"]).content.decode()
    assert "1.234,50 €" in page


def test_an_unclear_amount_is_refused_with_what_to_type_and_nothing_is_stored(client, people):
    client.force_login(people.finance)
    count = Expenditure.objects.count()
    response = post_expenditure(client, amount="12,345")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["amount"]
    assert "12.345,00" in str(errors["amount"])
    assert Expenditure.objects.count() == count


def test_a_negative_amount_gets_the_service_message_on_the_amount_field(client, people):
    client.force_login(people.finance)
    response = post_expenditure(client, amount="-5,00")
    assert response.status_code == 400
    assert "amount" in response.context["form"].errors
    assert not Event.objects.filter(action="expenditure.saved").exists()


def test_a_decimal_point_is_refused_not_read_as_a_hundredfold_amount(client, people):
    client.force_login(people.finance)
    response = post_expenditure(client, amount="1234.50")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["amount"]
    assert "1234,50" in str(errors["amount"])
    assert not Expenditure.objects.filter(document_ref="RE-2025-17").exists()


def test_the_english_form_shows_a_stored_amount_as_it_reads_it_back(client, people):
    from django.utils import translation

    client.force_login(people.finance)
    with translation.override("en"):
        assert url("cost_line", "K1").startswith("/en/")
        page = client.get(url("cost_line", "K1")).content.decode()
        assert 'value="9000,00"' in page  # German in every language, as the field reads it
        response = post_cost_line(client, amount="9000,00")
    assert response.status_code == 400  # refused as unchanged, not as unreadable
    assert list(response.context["form"].errors) == ["__all__"]


def post_cost_line(client, **extra):
    line = CostLine.objects.get(code="K1")
    return client.post(
        url("cost_line", "K1"),
        {
            "code": "K1",
            "grant": str(line.grant_id),
            "milestone": str(line.milestone_id),
            "category": "staff",
            "amount": "9.500,00",
            "reason": "",
            **extra,
        },
    )


def test_changing_a_planned_amount_without_a_reason_is_refused_on_the_reason_field(client, people):
    client.force_login(people.finance)
    response = post_cost_line(client)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["reason"]
    assert "reason" in str(form.errors["reason"]) or "Begründung" in str(form.errors["reason"])
    assert CostLine.objects.get(code="K1").amount == Decimal("9000.00")
    assert not Event.objects.filter(action="cost_line.saved").exists()


def test_with_a_reason_the_planned_amount_changes(client, people):
    client.force_login(people.finance)
    response = post_cost_line(client, reason="Tariferhöhung")
    assert response.status_code == 302
    assert CostLine.objects.get(code="K1").amount == Decimal("9500.00")
    assert Event.objects.get(action="cost_line.saved").reason == "Tariferhöhung"


def test_a_taken_code_is_refused_on_the_code_field(client, people):
    client.force_login(people.finance)
    response = post_cost_line(client, code="K2", reason="Umbenennung")
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["code"]


def test_a_drawdown_received_before_it_was_requested_is_refused_on_that_date(client, people):
    client.force_login(people.finance)
    drawdown = Drawdown.objects.get()
    response = client.post(
        url("drawdown"),
        {
            "grant": str(drawdown.grant_id),
            "requested_on": "2025-04-02",
            "amount_requested": "1350",
            "received_on": "2025-04-01",
            "amount_received": "1350",
        },
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["received_on"]
    assert Drawdown.objects.get().received_on.isoformat() == "2025-04-20"


def test_saving_unchanged_values_says_so_above_the_form(client, people):
    client.force_login(people.finance)
    entry = DrawdownPlanEntry.objects.get()
    response = client.post(
        url("drawdown_plan_entry"),
        {"grant": str(entry.grant_id), "on": "2025-03-31", "amount": "2.000,00"},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()


def test_a_budget_line_that_covers_the_need_closes_the_gap(client, people):
    client.force_login(people.finance)
    budget = BudgetLine.objects.get()
    response = client.post(
        url("budget_line"),
        {
            "grant": str(budget.grant_id),
            "year": "2025",
            "product": "1.11.01",
            "title": "Smart City Eigenanteil",
            "own_share": "3.820,00",
            "reason": "Nachtragshaushalt",
        },
    )
    assert response.status_code == 302
    years = GrantForecast.objects.get(grant__code="G1").years
    assert years[0]["own_share_gap"] == "0.00"
    page = client.get(url("finance")).content.decode()
    assert "2.820,00 €" not in page


def test_removing_needs_a_confirmation_and_a_cost_line_a_reason(client, people):
    client.force_login(people.finance)
    page = client.get(url("cost_line_remove", "K1"))
    assert page.status_code == 200 and CostLine.objects.filter(code="K1").exists()
    response = client.post(url("cost_line_remove", "K1"), {"reason": ""})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert CostLine.objects.filter(code="K1").exists()
    response = client.post(url("cost_line_remove", "K1"), {"reason": "entfällt"})
    assert response.status_code == 302
    assert not CostLine.objects.filter(code="K1").exists()


def test_a_cost_line_with_expenditures_cannot_be_removed_and_the_page_says_why(client, people):
    client.force_login(people.finance)
    response = client.post(url("cost_line_remove", "K2"), {"reason": "entfällt"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert CostLine.objects.filter(code="K2").exists()


def test_an_expenditure_is_removed_after_confirming(client, people):
    client.force_login(people.finance)
    pk = Expenditure.objects.get(on="2025-05-15").pk
    response = client.post(url("expenditure_remove", pk), {"reason": "doppelt gebucht"})
    assert response.status_code == 302
    assert not Expenditure.objects.filter(pk=pk).exists()
    assert GrantForecast.objects.get(grant__code="G1").spent == Decimal("1000.00")


def test_the_milestone_choices_name_drafts(people):
    form = CostLineForm(programme=people.programme)
    labels = dict(form.fields["milestone"].choices)
    assert any(
        str(label).startswith("D Konzept") and "draft" not in str(label)
        for label in labels.values()
    )
    draft = [str(label) for label in labels.values() if str(label).startswith("X ")]
    assert draft and ("draft" in draft[0] or "Entwurf" in draft[0])


# -- what the finance officer reads -----------------------------------------------------------


def test_the_kfp_shows_totals_by_measure_year_and_category(client, people):
    # K1 9000 staff on D (M2), K2 3000 material on C (M1.1.1), K3 1000 investment on A (M1),
    # all within 2025; K9 on the draft X takes no part.
    client.force_login(people.viewer)
    response = client.get(url("kfp"))
    assert response.status_code == 200
    context = response.context
    rows = {m["code"]: m for m in context["measures"]}
    assert list(rows) == ["M1", "M1.1.1", "M2"]
    assert rows["M1"]["totals"] == [Decimal(0), Decimal(0), Decimal("1000.00")]
    assert rows["M1.1.1"]["total"] == Decimal("3000.00")
    assert rows["M2"]["rows"][0]["amounts"] == [Decimal("9000.00"), None, None]
    assert [y["year"] for y in context["year_totals"]] == [2025]
    assert context["totals"] == [Decimal("9000.00"), Decimal("3000.00"), Decimal("1000.00")]
    assert context["total"] == Decimal("13000.00")
    page = response.content.decode()
    for amount in ("9.000,00 €", "3.000,00 €", "1.000,00 €", "13.000,00 €"):
        assert amount in page
    assert "777" not in page


def test_the_finance_dashboard_shows_gap_risk_and_drawdown_lag(client, people, today):
    client.force_login(people.viewer)
    response = client.get(url("finance"))
    assert response.status_code == 200
    page = response.content.decode()
    # 2025: own share needed 3820, budgeted 1000 (see test_funding_forecast).
    assert "2.820,00 €" in page
    assert "3.820,00 €" in page
    # K1 on D: 28 of its 90 days fall after the grant's end on 31.8.2025.
    assert "2.800,00 €" in page and "2.520,00 €" in page
    # D's link: the viewer may not edit D, so it leads to the public page.
    assert reverse("portal:milestone", args=[SLUG, "D"]) in page
    # Planned to date 2000, received 1350.
    assert "650,00 €" in page
    summary = response.context["grants"][0]
    # 0.9 × 13.777 = 12.399,30 € stays below the maximum of 15.000 €: no warning.
    assert summary["excess"] is None and "12.399,30 €" not in page
    assert summary["gap_years"][0]["year"] == 2025
    assert summary["lag"] == Decimal("650.00")


def test_the_dashboard_links_risky_milestones_to_the_office_page_for_editors(client, people):
    client.force_login(people.admin)
    page = client.get(url("finance")).content.decode()
    assert reverse("office:milestone", args=[SLUG, "D"]) in page


def test_a_cost_plan_above_the_maximum_grant_is_called_out(client, people):
    doc = funded_document()
    doc["grants"][0]["max_amount"] = "10000.00"
    load(doc, replace=True)
    client.force_login(people.finance)
    summary = client.get(url("finance")).context["grants"][0]
    # 0.9 × 13777 = 12399.30, 2399.30 above the maximum.
    assert summary["excess"] == Decimal("2399.30")
    assert "2.399,30 €" in client.get(url("finance")).content.decode()


# -- the parser and the filter ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1234", "1234"),
        ("1234,5", "1234.5"),
        ("1.234,50", "1234.50"),
        ("1.234.567,89", "1234567.89"),
        ("1.234", "1234"),
        ("0,99", "0.99"),
        (" 1.234,50 € ", "1234.50"),
        ("1\u00a0234,50", "1234.50"),
        ("-5", "-5"),
    ],
)
def test_amounts_are_read_in_german_form(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("12,345", "ambiguous"),
        ("1,234.50", "ambiguous"),
        ("1234.50", "point"),
        ("1.23.4", "invalid"),
        ("12.34,5", "invalid"),
        ("1234,567", "invalid"),
        ("12.3456", "invalid"),
        ("abc", "invalid"),
        ("", "invalid"),
    ],
)
def test_unclear_amounts_are_refused(text, code):
    with pytest.raises(ValidationError) as e:
        parse_amount(text)
    assert e.value.code == code


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1234567.89"), "1.234.567,89 €"),
        ("2820.00", "2.820,00 €"),
        (0, "0,00 €"),
        (None, "–"),
    ],
)
def test_money_is_shown_german_style(value, text):
    from django.utils import translation

    with translation.override("de"):
        assert euro(value) == text


# -- spending outside the grant's eligibility period (G1: 1.1.2021 to 31.8.2025) ---------------


def add_outside_spending():
    """Two payments on K2 marked eligible but dated outside G1's period: 600 before, 250 after."""
    line = CostLine.objects.get(code="K2")
    Expenditure.objects.create(cost_line=line, on="2020-11-20", amount=Decimal("600.00"))
    Expenditure.objects.create(cost_line=line, on="2026-11-20", amount=Decimal("250.00"))


def test_the_cost_line_list_counts_spending_outside_the_period_as_not_eligible(client, people):
    add_outside_spending()
    client.force_login(people.viewer)
    response = client.get(url("cost_lines"))
    k2 = next(line for line in response.context["lines"] if line.code == "K2")
    # K2: 500 (15.5.) + 200 (1.7.) eligible; 100 marked not eligible + 600 + 250 outside.
    assert (k2.spent, k2.ineligible) == (Decimal("700.00"), Decimal("950.00"))
    # All lines: 700 + K3's 1000 eligible.
    assert response.context["total_spent"] == Decimal("1700.00")
    assert response.context["total_ineligible"] == Decimal("950.00")
    page = response.content.decode()
    assert "1.700,00 €" in page and "950,00 €" in page


def test_the_expenditure_list_marks_spending_outside_the_period(client, people):
    add_outside_spending()
    client.force_login(people.viewer)
    response = client.get(url("expenditures"))
    assert response.context["total_eligible"] == Decimal("1700.00")
    assert response.context["total_ineligible"] == Decimal("950.00")
    page = response.content.decode()
    assert page.count("zählt als nicht förderfähig: außerhalb des Förderzeitraums") == 2
    assert "01.01.2021–31.08.2025" in page


def test_saving_an_expenditure_outside_the_period_warns_and_saves(client, people):
    client.force_login(people.finance)
    response = post_expenditure(client, on="2026-11-20", document_ref="RE-2026-1")
    assert response.status_code == 302
    assert Expenditure.objects.get(document_ref="RE-2026-1").eligible is True  # flag kept
    page = client.get(response["Location"]).content.decode()
    assert (
        "Das Datum 20.11.2026 liegt außerhalb des Förderzeitraums der Zuwendung G1 "
        "(01.01.2021–31.08.2025): Der Betrag zählt als nicht förderfähig."
    ) in page


def test_saving_an_expenditure_within_the_period_gives_no_warning(client, people):
    client.force_login(people.finance)
    response = post_expenditure(client)
    page = client.get(response["Location"]).content.decode()
    assert "außerhalb des Förderzeitraums" not in page


def test_the_dashboard_names_cost_at_risk_and_grant_at_risk_as_the_portal_does(client, people):
    client.force_login(people.viewer)
    page = client.get(reverse("office:dashboard", args=[SLUG])).content.decode()
    # K1 on D: 28 of 90 days after the grant's end: 2800 cost at risk, 90 % of it grant at risk.
    assert "Gefährdete Kosten: 2.800,00 € · gefährdete Fördermittel: 2.520,00 €" in page
    finance = client.get(url("finance")).content.decode()
    assert "Gefährdete Kosten: 2.800,00 €, gefährdete Fördermittel: 2.520,00 €" in finance
    assert "Mittel gefährden" not in finance and "Gefährdete Mittel" not in finance


def test_the_column_headers_of_a_money_list_stand_in_its_table_not_in_the_head(client, people):
    client.force_login(people.finance)
    for name in ("cost_lines", "expenditures", "budget_lines", "drawdown_plan", "drawdowns"):
        page = client.get(url(name)).content.decode()
        head = page.split("</head>")[0]
        assert "<th" not in head, name
        assert page.count('scope="col"') >= 3, name
