"""The drawdown request draft (Mittelabruf) through the report command: the amount to request,
the cost lines behind it with their need per month, what is still unused and what is
requested but not received. Every figure is computed by hand from the document below."""

import io
from datetime import date

import docx
import pytest

from plansicht.plan.models import Programme
from plansicht.reports.build import build
from plansicht.reports.content import text_of

from .factories import funded_document, load
from .test_report_builders import rows, tables
from .test_reports_issue import run_report

pytestmark = pytest.mark.django_db

CUT_OFF = "2025-06-16"


def drawdown_document():
    """The funded document (G1, 90 %, eligible 01.01.2021–31.08.2025, the default window of
    two months) with only D's line K1 still to spend: 9.000,00 € over D's window
    [01.07.2025, 29.09.2025), 90 days, 100 € a day (the draft X and its link to D are gone,
    K2 is closed on 01.06., K3 is fully spent). The drawdown of 20.04. brought 1.500,00 €;
    the uses by 16.06. are 90 % of 1.000 (K3, 20.02.) and of 500 (K2, 15.05.) = 1.350,00,
    the repayment of 50,00 on 20.05. takes from the 150,00 left: 100,00 stay unused.
    A second drawdown of 2.000,00 € was requested on 10.06. and has not arrived."""
    doc = funded_document()
    doc["milestones"] = [m for m in doc["milestones"] if m["code"] != "X"]
    doc["dependencies"] = [d for d in doc["dependencies"] if "X" not in d.values()]
    doc["cost_plan"] = [line for line in doc["cost_plan"] if line["code"] != "K9"]
    doc["cost_plan"][1]["closed_on"] = "2025-06-01"
    doc["drawdowns"][0]["amount_received"] = "1500.00"
    doc["drawdowns"].append(
        {"grant": "G1", "requested_on": "2025-06-10", "amount_requested": "2000.00"}
    )
    return doc


def docx_cells(path) -> list[list[str]]:
    document = docx.Document(io.BytesIO(path.read_bytes()))
    return [[cell.text for cell in row.cells] for t in document.tables for row in t.rows]


def row_of(cells, first):
    return next(row for row in cells if row[0].startswith(first))


def test_the_amount_to_request_with_the_lines_behind_it(today, tmp_path):
    load(drawdown_document())
    target = tmp_path / "abruf.docx"
    code, out, err = run_report(
        "testprogramm",
        "--kind",
        "drawdown",
        "--as-of",
        CUT_OFF,
        "--format",
        "docx",
        "--output",
        str(target),
    )
    assert (code, err) == (0, "")
    cells = docx_cells(target)
    # The window of a request on 16.06.2025 ends on 16.08.2025: of D's days 01.07.–16.08. are
    # in it, 31 + 16 = 47 days = 4.700,00 €; 90 % = 4.230,00; less 100,00 unused = 4.130,00.
    assert row_of(cells, "Zu verwenden bis")[1] == "16.08.2025"
    assert row_of(cells, "Förderfähige Ausgaben")[1:] == ["4.700,00 €"]
    assert row_of(cells, "Abzurufender Betrag")[1:] == ["4.130,00 €"]
    assert row_of(cells, "davon Anteil der Zuwendung")[1:] == ["4.230,00 €"]
    assert row_of(cells, "abzüglich")[1:] == ["100,00 €"]
    # K1 by month: June nothing, July 31 days = 3.100,00, August 16 days = 1.600,00.
    header = row_of(cells, "KFP-Position")
    assert header[4:] == ["Juni 2025", "Juli 2025", "August 2025", "Summe", "Anteil der Zuwendung"]
    assert row_of(cells, "K1")[4:] == [
        "0,00 €",
        "3.100,00 €",
        "1.600,00 €",
        "4.700,00 €",
        "4.230,00 €",
    ]
    assert not [row for row in cells if row[0] in ("K2", "K3")]  # nothing left on them
    # The request of 10.06. not yet received is listed, not deducted.
    assert row_of(cells, "10.06.2025")[1:] == ["2.000,00 €"]


def test_nothing_to_request_when_the_unused_money_covers_the_need(today):
    doc = drawdown_document()
    doc["drawdowns"][0]["amount_received"] = (
        "6000.00"  # 6.000 − 1.350 − 50 = 4.600,00 unused > 4.230,00
    )
    load(doc)
    report = build(Programme.objects.get(), "drawdown", as_of=date(2025, 6, 16))
    amounts = rows(tables(report)["Der abzurufende Betrag"])
    assert amounts["abzüglich abgerufener, noch nicht verwendeter Mittel"] == ("4.600,00 €",)
    assert amounts["Abzurufender Betrag"] == ("0,00 €",)
    assert "Es muss derzeit nichts abgerufen werden." in text_of(report)


def test_the_same_figures_in_english(today):
    load(drawdown_document())
    report = build(Programme.objects.get(), "drawdown", as_of=date(2025, 6, 16), language="en")
    amounts = rows(tables(report)["The amount to request"])
    assert amounts["Amount to request"] == ("4,130.00 €",)  # English separators
