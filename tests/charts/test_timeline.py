"""What a reader, a screen reader and axe notice about the milestone timeline SVG."""

import ast
import inspect
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from plansicht.charts import timeline
from plansicht.charts.timeline import Labels, Row, timeline_svg

NS = "{http://www.w3.org/2000/svg}"
TODAY = date(2025, 6, 1)
calls = []


def summary(rows, first, last, late):
    calls.append((rows, first, last, late))
    return f"{rows} Meilensteine von {first} bis {last}, davon {late} verzögert."


LABELS = Labels(
    title="Zeitplan der Maßnahme M1",
    baseline="Plan (aktueller Planstand)",
    forecast="Prognose",
    actual="Ist",
    today="Heute",
    summary=summary,
    health={"green": "im Plan", "amber": "verzögert", "red": "stark verzögert"},
)


def d(s):
    return date.fromisoformat(s)


def draw(rows, **kw):
    kw = {"today": TODAY, "labels": LABELS, "format_date": date.isoformat} | kw
    return timeline_svg(rows, **kw)


def parse(svg):
    return ET.fromstring(svg)


def lanes(root):
    return root.findall(f"{NS}g[@class='tl-row']")


def forecast_rect(lane):
    """The forecast strip of a lane drawn without plan or actual: its only rect."""
    (rect,) = lane.findall(f"{NS}rect")
    x, w = float(rect.get("x")), float(rect.get("width"))
    return x, x + w


def test_the_chart_is_well_formed_and_named_by_its_title_and_summary():
    calls.clear()
    rows = [
        Row("A", (d("2025-01-01"), d("2025-03-31")), health="green"),
        Row("B", (d("2025-02-01"), d("2025-09-30")), health="amber"),
        Row("C", (d("2025-04-01"), d("2025-12-31")), health="red"),
    ]
    root = parse(draw(rows))
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 720 ")
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    title_id, desc_id = root.get("aria-labelledby").split()
    assert ids[title_id].tag == f"{NS}title" and ids[title_id].text == LABELS.title
    assert ids[desc_id].tag == f"{NS}desc"
    assert calls == [(3, "2025-01-01", "2025-12-31", 2)]  # amber and red are late
    assert ids[desc_id].text == summary(3, "2025-01-01", "2025-12-31", 2)


def test_each_row_has_a_tooltip_in_words_and_shows_its_health_as_a_word():
    row = Row(
        "M1-03 Ausschreibung CDO",
        forecast=(d("2025-05-01"), d("2025-09-30")),
        baseline=(d("2025-01-01"), d("2025-06-30")),
        actual=(d("2025-05-05"), None),
        health="red",
    )
    (lane,) = lanes(parse(draw([row])))
    assert lane.find(f"{NS}title").text == (
        "M1-03 Ausschreibung CDO; Plan (aktueller Planstand): 2025-01-01 – 2025-06-30; "
        "Prognose: 2025-05-01 – 2025-09-30; Ist: 2025-05-05 – …; stark verzögert"
    )
    visible = ["".join(t.itertext()) for t in lane.findall(f"{NS}text")]
    assert visible == ["M1-03 Ausschreibung CDO", "stark verzögert"]


def test_markup_in_labels_and_links_is_escaped_and_comes_back_intact():
    # "<Heute>" is drawn twice: in the legend and under the today line.
    label = "M1 <b>Ämter</b> & \"Bürger\" 'online'"
    href = '/m/1/?a=1&b="2"<x>'
    odd = Labels(**(vars(LABELS) | {"title": "T <&> \"'", "today": "<Heute>"}))
    svg = draw([Row(label, (d("2025-01-01"), d("2025-02-01")), href=href)], labels=odd)
    assert "<b>" not in svg
    root = parse(svg)
    (lane,) = lanes(root)
    link = lane.find(f"{NS}text/{NS}a")
    assert link.get("href") == href
    assert "".join(link.itertext()) == label
    assert lane.find(f"{NS}title").text.startswith(label + ";")
    assert root.find(f"{NS}title").text == "T <&> \"'"
    assert ["".join(t.itertext()) for t in root.iter(f"{NS}text")].count("<Heute>") == 2


def test_only_web_links_become_links():
    rows = [
        Row("a", (d("2025-01-01"), d("2025-02-01")), href="javascript:alert(1)"),
        Row("b", (d("2025-01-01"), d("2025-02-01")), href="https://example.org/m/1"),
    ]
    links = [a.get("href") for a in parse(draw(rows)).iter(f"{NS}a")]
    assert links == ["https://example.org/m/1"]


def test_a_later_forecast_finish_puts_the_bar_end_further_right():
    rows = [
        Row("early", (d("2025-01-01"), d("2025-03-31"))),
        Row("late", (d("2025-01-01"), d("2025-10-31"))),
    ]
    early, late = (forecast_rect(lane) for lane in lanes(parse(draw(rows))))
    assert early[0] == pytest.approx(late[0])
    assert early[1] < late[1]


def test_the_today_line_lies_between_what_is_past_and_what_is_to_come():
    rows = [
        Row("done", (d("2024-09-01"), d("2025-03-31"))),
        Row("next", (d("2025-09-01"), d("2026-03-31"))),
    ]
    root = parse(draw(rows))
    (line,) = root.findall(f"{NS}line[@class='tl-today']")
    assert line.get("x1") == line.get("x2")
    past, future = (forecast_rect(lane) for lane in lanes(root))
    assert past[1] < float(line.get("x1")) < future[0]


def test_a_running_actual_is_drawn_up_to_today():
    running = Row("a", (d("2025-01-01"), d("2025-12-31")), actual=(d("2025-01-01"), None))
    root = parse(draw([running]))
    (line,) = root.findall(f"{NS}line[@class='tl-today']")
    _, actual = lanes(root)[0].findall(f"{NS}rect")
    end = float(actual.get("x")) + float(actual.get("width"))
    assert end == pytest.approx(float(line.get("x1")), abs=0.2)


def test_a_year_tick_marks_each_first_of_january_in_range():
    rows = [Row("a", (d("2024-03-01"), d("2027-09-30")))]
    root = parse(draw(rows))
    ticks = {}
    for line in root.iter(f"{NS}line"):
        x, y1, y2 = float(line.get("x1")), float(line.get("y1")), float(line.get("y2"))
        if line.get("stroke") == timeline.AXIS and x == float(line.get("x2")) and y2 - y1 == 8:
            ticks[x] = line
    years = {t.text: float(t.get("x")) for t in root.iter(f"{NS}text") if (t.text or "").isdigit()}
    # 2024 only names where the chart opens: it has no tick, 1 January 2024 is out of range.
    assert sorted(years) == ["2024", "2025", "2026", "2027"]
    assert len(ticks) == 3
    for year, tick_x in zip(["2025", "2026", "2027"], sorted(ticks), strict=True):
        assert years[year] == pytest.approx(tick_x + 4)


def test_a_point_in_time_is_a_diamond_not_a_zero_width_bar():
    (lane,) = lanes(parse(draw([Row("Beschluss", (d("2025-10-15"), d("2025-10-15")))])))
    assert lane.findall(f"{NS}rect") == []
    (diamond,) = lane.findall(f"{NS}polygon")
    assert len(diamond.get("points").split()) == 4


def test_two_charts_on_one_page_share_no_id():
    rows = [Row("a", (d("2025-01-01"), d("2025-02-01")))]
    ids = [
        [el.get("id") for el in parse(draw(rows, id_prefix=p)).iter() if el.get("id")]
        for p in ("tl-m1", "tl-m2")
    ]
    assert len(set(ids[0])) == len(ids[0]) >= 2
    assert not set(ids[0]) & set(ids[1])
    with pytest.raises(ValueError):
        draw(rows, id_prefix='x" onload="alert(1)')


def test_no_rows_give_a_small_chart_with_title_and_summary_only():
    calls.clear()
    root = parse(draw([]))
    assert calls == [(0, "", "", 0)]
    assert root.get("role") == "img"
    assert root.find(f"{NS}title").text == LABELS.title
    assert root.find(f"{NS}desc").text == summary(0, "", "", 0)
    assert lanes(root) == [] and root.findall(f"{NS}rect") == []


def test_nothing_runs_or_loads_and_text_is_large_enough():
    rows = [
        Row(
            "a",
            (d("2025-01-01"), d("2025-02-01")),
            baseline=(d("2024-12-01"), d("2025-01-31")),
            actual=(d("2025-01-02"), d("2025-01-02")),
            health="amber",
            href="/m/a/",
        )
    ]
    for el in parse(draw(rows)).iter():
        assert el.tag not in {f"{NS}script", f"{NS}image", f"{NS}foreignObject", f"{NS}style"}
        assert not [a for a in el.attrib if a.lower().startswith("on")]
        if el.get("font-size"):
            assert float(el.get("font-size")) >= 12


def _contrast(colour):
    def lum(hex_):
        c = [int(hex_[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    return 1.05 / (lum(colour) + 0.05)


def test_text_and_bars_stand_out_from_white():
    rows = [
        Row(str(h), (d("2025-01-01"), d("2025-06-30")), (d("2025-01-01"),) * 2, health=h)
        for h in ("green", "amber", "red", None)
    ]
    root = parse(draw(rows))
    for el in root.iter(f"{NS}text"):
        assert _contrast(el.get("fill") or root.get("fill")) >= 4.5
    for el in [*root.iter(f"{NS}rect"), *root.iter(f"{NS}polygon")]:
        paint = el.get("fill") if el.get("fill") != "#ffffff" else el.get("stroke")
        assert _contrast(paint) >= 3


def test_the_module_does_not_import_django():
    code = (
        "import sys, plansicht.charts.timeline; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0
    tree = ast.parse(inspect.getsource(timeline))
    imported = {
        "plansicht.charts"
        if isinstance(node, ast.ImportFrom) and node.level
        else (node.module if isinstance(node, ast.ImportFrom) else alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    # The standard library and the other pure floors (charts, engine) only.
    pure = {m for m in imported if m.startswith(("plansicht.charts", "plansicht.engine"))}
    assert {m.split(".")[0] for m in imported - pure} <= sys.stdlib_module_names


def test_a_phone_drawing_spans_the_same_range_with_today_and_the_last_finish_inside():
    # Everything lies in the past but one forecast years ahead: the range must reach both.
    rows = [
        Row("old", (d("2020-10-01"), d("2021-03-31")), baseline=(d("2020-10-01"), d("2021-01-31"))),
        Row("late", (d("2021-01-01"), d("2028-03-14")), health="red"),
    ]
    for width in (720, 360):
        root = parse(draw(rows, width=width))
        assert root.get("viewBox").startswith(f"0 0 {width} ")
        (line,) = root.findall(f"{NS}line[@class='tl-today']")
        assert 0 < float(line.get("x1")) < width
        _old, late = lanes(root)
        start, end = forecast_rect(late)
        assert float(line.get("x1")) < end <= width - timeline.MARGIN
        for el in root.iter(f"{NS}text"):
            assert float(el.get("x", 0)) <= width


def test_the_legend_names_only_the_strips_that_are_drawn():
    def legend(rows):
        root = parse(draw(rows))
        return [t.text for t in root.findall(f"{NS}g[@transform]/{NS}text")]

    bare = [Row("a", (d("2025-01-01"), d("2025-02-01")))]
    assert legend(bare) == ["Prognose", "Heute"]
    full = [
        Row(
            "a", (d("2025-01-01"), d("2025-02-01")), (d("2025-01-01"),) * 2, (d("2025-01-02"), None)
        )
    ]
    assert legend(full) == ["Plan (aktueller Planstand)", "Prognose", "Ist", "Heute"]
