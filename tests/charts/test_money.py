"""What a reader and a screen reader find in the money-by-year chart."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from plansicht.charts.money import MoneyLabels, YearRow, money_by_year_svg

NS = "{http://www.w3.org/2000/svg}"
LABELS = MoneyLabels(
    title="Ausgaben des Programms nach Jahr",
    planned="Geplant",
    forecast="Prognose",
    actual="Ist",
    summary="Ausgaben nach Jahr.",
)


def svg(rows):
    return ET.fromstring(
        money_by_year_svg(rows, labels=LABELS, format_amount=lambda v: f"{v:.2f} €")
    )


def year_labels(root):
    return [t.text for t in root.iter(f"{NS}text") if t.text and t.text.isdigit()]


def tips(root):
    return [t.text for t in root.iter(f"{NS}title")][1:]  # the first is the chart's title


def test_a_year_without_money_is_shown_with_zeros_not_skipped():
    rows = [
        YearRow(2027, Decimal("50.00"), Decimal("60.00"), Decimal("0.00")),
        YearRow(2024, Decimal("100.00"), Decimal("90.00"), Decimal("90.00")),
    ]
    root = svg(rows)
    assert year_labels(root) == ["2024", "2025", "2026", "2027"]
    assert "2025, Geplant: 0.00 €" in tips(root)
    assert "2026, Ist: 0.00 €" in tips(root)
    assert "2027, Prognose: 60.00 €" in tips(root)
    # Three bars per year, in the legend's order.
    assert len([r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]) == 12


def test_no_rows_give_an_empty_chart_with_its_title():
    root = svg([])
    assert year_labels(root) == []
    assert root.find(f"{NS}title").text == "Ausgaben des Programms nach Jahr"
