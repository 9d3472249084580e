"""The charts draw whatever is stored: dates in year 1 or 9999 (a plan version frozen before
the date rule, a chain of durations), and labels holding characters XML does not allow."""

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from plansicht.charts.money import MoneyLabels, YearRow, money_by_year_svg
from plansicht.charts.timeline import MARGIN, WIDTH, Row, timeline_svg

from .test_timeline import LABELS, NS, TODAY, forecast_rect, lanes

MONEY = MoneyLabels("Geld", "Plan", "Prognose", "Ist", "Ausgaben je Jahr.")


def draw(rows):
    return timeline_svg(rows, today=TODAY, labels=LABELS, format_date=date.isoformat)


def xs(root):
    """Every x coordinate of every bar and diamond."""
    out = []
    for el in root.iter():
        if el.tag == f"{NS}rect":
            out += [float(el.get("x")), float(el.get("x")) + float(el.get("width"))]
        elif el.tag == f"{NS}polygon":
            out += [float(p.split(",")[0]) for p in el.get("points").split()]
    return out


def test_a_timeline_with_dates_in_year_1_and_9999_renders_inside_the_drawing():
    rows = [
        Row("alt", (date(1, 1, 1), date(1, 1, 2))),
        Row("normal", (date(2025, 1, 1), date(2025, 12, 31))),
        Row("fern", (date(9999, 12, 1), date(9999, 12, 31))),
    ]
    root = ET.fromstring(draw(rows))
    assert all(0 <= x <= WIDTH for x in xs(root))
    old, normal, far = (xs(lane) for lane in lanes(root))
    # Clamped to the edges of the accepted range (1990–2100); today's year keeps a real width.
    assert max(old) < min(normal) < max(normal) < max(far)
    assert normal == list(forecast_rect(lanes(root)[1])) and normal[1] - normal[0] > 2
    # The summary and the tooltips keep the true dates.
    assert (
        root.find(f"{NS}desc").text
        == "3 Meilensteine von 0001-01-01 bis 9999-12-31, davon 0 verzögert."
    )
    assert "9999-12-01 – 9999-12-31" in lanes(root)[2].find(f"{NS}title").text
    years = [t.text for t in root.iter(f"{NS}text") if (t.text or "").isdigit()]
    assert years and all(1985 <= int(y) <= 2105 for y in years)  # the range, padded by 2 %


def test_a_timeline_of_a_plan_kept_in_year_1_alone_renders():
    rows = [Row("alt", (date(1, 1, 1), date(1, 1, 1)), baseline=(date(1, 1, 1), date(1, 1, 1)))]
    root = ET.fromstring(draw(rows))
    assert all(0 <= x <= WIDTH for x in xs(root))
    assert lanes(root)


def test_a_timeline_ending_on_the_last_day_a_date_can_hold_renders():
    rows = [Row("fern", (date(2025, 1, 1), date.max), actual=(date(2025, 1, 1), None))]
    (lane,) = lanes(ET.fromstring(draw(rows)))
    assert all(MARGIN <= x <= WIDTH - MARGIN for x in xs(lane))


def test_the_money_chart_renders_years_1_and_9999_and_many_years_with_few_labels():
    rows = [YearRow(y, Decimal(100), Decimal(120), Decimal(0)) for y in (1, 2025, 9999)]
    root = ET.fromstring(money_by_year_svg(rows, labels=MONEY, format_amount=str))
    assert [t.text for t in root.iter(f"{NS}text")][-3:] == ["1", "2025", "9999"]
    many = [YearRow(y, Decimal(1), Decimal(1), Decimal(1)) for y in range(1, 2026)]
    root = ET.fromstring(money_by_year_svg(many, labels=MONEY, format_amount=str))
    years = [t.text for t in root.iter(f"{NS}text") if t.text.isdigit()]
    assert 1 < len(years) <= 12
    assert len(root.findall(f"{NS}rect")) == 3 + 3 * 2025  # legend and every bar


def test_control_characters_in_labels_leave_both_charts_well_formed():
    nul = "M1\x00 Bürger\x1b\ufffe portal"
    root = ET.fromstring(draw([Row(nul, (date(2025, 1, 1), date(2025, 2, 1)), href="/m/\x00/")]))
    (lane,) = lanes(root)
    assert lane.find(f"{NS}title").text.startswith("M1 Bürger portal;")
    labels = MoneyLabels(nul, nul, "Prognose", "Ist", "Zusammenfassung\x00.")
    svg = money_by_year_svg(
        [YearRow(2025, Decimal(1), Decimal(2), Decimal(3))], labels=labels, format_amount=str
    )
    root = ET.fromstring(svg)
    assert root.find(f"{NS}title").text == "M1 Bürger portal"
    assert root.find(f"{NS}desc").text == "Zusammenfassung."
