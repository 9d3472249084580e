"""The public money pages: figures from the stored forecast, in German, with the reasons."""

import pytest
from django.urls import reverse

from plansicht.plan.models import Milestone
from plansicht.services import Actor
from plansicht.services import plan as svc

from .factories import funded_document, load

pytestmark = pytest.mark.django_db


def test_the_finance_page_shows_the_money_at_risk_the_gap_and_the_reason(client, today):
    programme = load(funded_document())
    svc.reschedule(
        Milestone.objects.get(code="D"),
        actor=Actor(name="Programmbüro"),
        duration_days=91,
        reason="Vergabe musste wiederholt werden",
    )
    page = client.get(reverse("portal:finance", args=[programme.slug])).content.decode()
    # 91 days from 1.7., 29 after 31.8.: 9000 * 29 / 91 = 2868.13 at risk, 90 % of it 2581.32.
    assert "2.868,13 €" in page and "2.581,32 €" in page
    assert "Vergabe musste wiederholt werden" in page
    assert "D Konzept" in page
    assert "2.881,32 €" in page  # own-share gap 2025: 0.1 * (1500 + 8631.87) + 2868.13 - 1000


def test_the_measure_finance_page_covers_its_subtree(client, today):
    programme = load(funded_document())
    page = client.get(reverse("portal:measure_finance", args=[programme.slug, "M1"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "K2" in text and "K3" in text and "K1" not in text  # K1 belongs to M2
    assert "K9" not in text  # on a draft milestone
    assert (
        client.get(reverse("portal:measure_finance", args=[programme.slug, "M9"])).status_code
        == 404
    )


def test_without_grants_the_finance_page_says_so(client, today):
    programme = load()
    page = client.get(reverse("portal:finance", args=[programme.slug]))
    assert page.status_code == 200
    assert "Für dieses Programm ist noch keine Zuwendung erfasst" in page.content.decode() or (
        "No grant has been recorded" in page.content.decode()
    )


def test_the_methodology_page_states_the_money_rules(client, today):
    programme = load()
    text = client.get(reverse("portal:methodology", args=[programme.slug])).content.decode()
    assert "Eigenanteil" in text or "own share" in text


def test_spending_outside_the_eligibility_period_does_not_lower_the_public_own_share_gap(
    client, today
):
    doc = funded_document()
    # Marked eligible, but dated before G1's period (1.1.2021 to 31.8.2025) began.
    doc["expenditures"].append(
        {"cost_line": "K2", "on": "2020-11-20", "amount": "600.00", "eligible": True}
    )
    programme = load(doc)
    page = client.get(reverse("portal:finance", args=[programme.slug])).content.decode()
    # The 2025 gap stays 0.1 * (1500 + 2500 + 6200) + 2800 - 1000 = 2820; counted as eligible,
    # the 600 would have cut K2's rest to 1900 and the gap to 2760.
    assert "2.820,00 €" in page and "2.760,00 €" not in page
    assert "2.100,00 €" not in page  # spent (eligible) stays 1.500,00 €
