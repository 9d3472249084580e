"""What a reader and a screen reader find in an indicator's chart: its name and summary, a
tooltip for every value, the way from baseline to target, and a drawing that stays inside its
frame whatever the values."""

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from plansicht.charts.indicator import (
    BOTTOM,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    IndicatorLabels,
    Point,
    indicator_svg,
)

NS = "{http://www.w3.org/2000/svg}"
LABELS = IndicatorLabels(
    title="Bearbeitungsdauer Bauantrag",
    summary="Von 30 Tagen auf 10 Tage; zuletzt 18 Tage am 31.03.2025.",
    actual="Ist-Werte",
    path="Weg zum Zielwert",
    baseline="Ausgangswert",
    target="Zielwert",
)


def point(on, value):
    return Point(date.fromisoformat(on), Decimal(value), f"{on}: {value} Tage")


BASELINE, TARGET = point("2024-01-01", "30"), point("2026-12-31", "10")


def draw(actuals, baseline=BASELINE, target=TARGET):
    svg = indicator_svg(
        baseline,
        target,
        actuals,
        labels=LABELS,
        format_value=lambda v: f"{v} Tage",
        format_date=date.isoformat,
        id_prefix="ind-1",
    )
    return ET.fromstring(svg)


def tips(root):
    return [t.text for t in root.iter(f"{NS}title")][1:]


def dots(root):
    return [
        (float(c.get("cx")), float(c.get("cy")))
        for c in root.iter(f"{NS}circle")
        if c.find(f"{NS}title") is not None
    ]


def test_the_chart_is_one_named_image_with_its_summary():
    root = draw([point("2024-12-31", "24"), point("2025-03-31", "18")])
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "ind-1-title ind-1-desc"
    assert root.find(f"{NS}title").text == "Bearbeitungsdauer Bauantrag"
    assert root.find(f"{NS}desc").text.startswith("Von 30 Tagen auf 10 Tage")


def test_every_value_the_baseline_and_the_target_have_a_tooltip():
    root = draw([point("2024-12-31", "24"), point("2025-03-31", "18")])
    assert tips(root) == [
        "2024-01-01: 30 Tage",
        "2026-12-31: 10 Tage",
        "2024-12-31: 24 Tage",
        "2025-03-31: 18 Tage",
    ]


def test_a_falling_value_is_drawn_lower_and_later_to_the_right():
    root = draw([point("2025-03-31", "18"), point("2024-12-31", "24")])  # any order
    (x1, y1), (x2, y2) = dots(root)
    assert x1 < x2 and y1 < y2  # 24 on 31.12.2024 above and left of 18 on 31.03.2025
    (line,) = root.iter(f"{NS}polyline")
    assert line.get("points") == f"{x1:.1f},{y1:.1f} {x2:.1f},{y2:.1f}"


def test_without_actuals_only_the_way_is_drawn():
    root = draw([])
    assert dots(root) == [] and not list(root.iter(f"{NS}polyline"))
    assert [line.get("stroke-dasharray") for line in root.iter(f"{NS}line")].count("8 5") == 2


def test_the_axis_names_the_baseline_and_target_values_and_the_first_and_last_date():
    root = draw([point("2027-06-30", "8")])  # an actual after the target date
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "10 Tage" in texts and "30 Tage" in texts
    assert "2024-01-01" in texts and "2027-06-30" in texts


def test_odd_values_stay_inside_the_plot():
    cases = [
        [point("2025-01-01", "-5"), point("2025-02-01", "1000000")],
        [point("2024-01-01", "30")],  # on the baseline
    ]
    for actuals in cases:
        for x, y in dots(draw(actuals)):
            assert LEFT <= x <= WIDTH - RIGHT and TOP <= y <= BOTTOM
    # a target equal to its baseline, on the same day: a flat line in the middle
    same = point("2025-01-01", "5")
    root = draw([point("2025-01-01", "5")], baseline=same, target=same)
    ((x, y),) = dots(root)
    assert LEFT <= x <= WIDTH - RIGHT and abs(y - (TOP + BOTTOM) / 2) < 1


def test_text_that_xml_cannot_hold_is_dropped():
    odd = IndicatorLabels("A\x00B <&>", "S", "Ist", "Weg", "Start", "Ziel")
    svg = indicator_svg(
        BASELINE, TARGET, [], labels=odd, format_value=str, format_date=date.isoformat
    )
    assert ET.fromstring(svg).find(f"{NS}title").text == "AB <&>"
