"""The public money pages: figures from the stored forecast, in German, with the reasons."""

import re
from html.parser import HTMLParser

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
        actor=Actor.system("tests", name="Programmbüro"),
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


# -- names, drawdowns, the KFP and the breadcrumb -------------------------------------------------


class Regions(HTMLParser):
    """The scrolling regions of a page with their accessible names (aria-label, or the text of
    the elements aria-labelledby points to)."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "rect", "line"}

    def __init__(self):
        super().__init__()
        self.regions, self.texts, self.open = [], {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("role") == "region":
            self.regions.append(
                (attrs.get("tabindex"), attrs.get("aria-label"), attrs.get("aria-labelledby"))
            )
        if tag not in self.VOID:
            self.open.append((tag, attrs.get("id")))
            if attrs.get("id"):
                self.texts[attrs["id"]] = ""

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _tag, pk in self.open:
            if pk:
                self.texts[pk] += data

    def names(self):
        out = []
        for tabindex, label, labelledby in self.regions:
            assert tabindex == "0", "a scrolling region can be reached with the keyboard"
            name = label or " ".join(self.texts[i].strip() for i in (labelledby or "").split())
            out.append(" ".join(name.split()))
        return out


def region_names(page):
    parser = Regions()
    parser.feed(page)
    return parser.names()


def test_the_money_page_names_cost_at_risk_and_grant_at_risk_the_same_way(client, today):
    programme = load(funded_document())
    page = client.get(reverse("portal:finance", args=[programme.slug])).content.decode()
    # K1 on D: 28 of its 90 days after 31.8.2025: 2800 cost at risk, 90 % of it grant at risk.
    assert "gefährdete Kosten 2.800,00 €, gefährdete Fördermittel 2.520,00 €" in page
    assert '<dt class="kern-description-list-item__key">Gefährdete Kosten</dt>' in page
    assert '<dt class="kern-description-list-item__key">Gefährdete Fördermittel</dt>' in page
    assert "Mittel gefährdet" not in page and "gefährdete Mittel" not in page


def test_drawdowns_and_their_plan_are_one_table_per_grant_with_totals_and_the_difference(
    client, today
):
    programme = load(funded_document())
    page = client.get(reverse("portal:finance", args=[programme.slug])).content.decode()
    assert page.count("Mittelabrufe und Mittelabrufplan (G1)") == 1
    table = page.split("Mittelabrufe und Mittelabrufplan (G1)")[1].split("</table>")[0]
    # Plan: 2000 by 31.3.2025; requested 1350 on 2.4., received 1350 on 20.4.2025.
    assert "31.03.2025" in table and "02.04.2025" in table
    assert "Mittelabruf, eingegangen am 20.04.2025" in table
    assert "Summe bis zum Stichtag (01.06.2025)" in table
    totals = table.split("Summe bis zum Stichtag")[1]
    assert totals.index("2.000,00 €") < totals.index("1.350,00 €")
    assert "Bis zum Stichtag geplant minus eingegangen" in totals
    assert "650,00 €" in totals and "hinter dem Mittelabrufplan" in totals


def test_the_money_pages_explain_the_kfp_where_it_appears(client, today):
    programme = load(funded_document())
    for url in (
        reverse("portal:finance", args=[programme.slug]),
        reverse("portal:measure_finance", args=[programme.slug, "M1"]),
    ):
        page = client.get(url).content.decode()
        assert "Die geplanten Ausgaben sind der Kosten- und Finanzierungsplan (KFP) je Jahr" in page
    page = client.get(reverse("portal:measure_finance", args=[programme.slug, "M1"]))
    text = page.content.decode()
    assert "Kosten- und Finanzierungsplan (KFP)</h2>" in text
    assert "Der Kosten- und Finanzierungsplan (KFP) ist der Plan des Zuwendungsgebers" in text


def test_the_measure_money_breadcrumb_names_the_measure_once(client, today):
    programme = load(funded_document())
    page = client.get(
        reverse("portal:measure_finance", args=[programme.slug, "M1"])
    ).content.decode()
    crumbs = page.split('class="breadcrumb"')[1].split("</nav>")[0]
    assert re.findall(r"<li[^>]*>(.*?)</li>", crumbs) == [
        f'<a class="kern-link" href="{reverse("portal:finance", args=[programme.slug])}">'
        "Finanzen</a>",
        "M1 Datenplattform",
    ]
    assert 'aria-current="page">M1 Datenplattform' in crumbs


def test_every_scrolling_region_of_the_money_pages_has_its_own_name(client, today):
    programme = load(funded_document())
    for url in (
        reverse("portal:finance", args=[programme.slug]),
        reverse("portal:measure_finance", args=[programme.slug, "M1"]),
    ):
        names = region_names(client.get(url).content.decode())
        assert len(names) >= 3
        assert all(names), names
        assert len(set(names)) == len(names), names
