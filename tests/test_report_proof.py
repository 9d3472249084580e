"""The proof of use (Verwendungsnachweis) and the interim proof of a year (Zwischennachweis):
the narrative part, the figures by the headings of the financing plan to the cent, and the
internal list of receipts — read back from every format. Expected figures are computed by
hand from :func:`proof_document`."""

import json
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from plansicht.funding.models import CostLine, Expenditure
from plansicht.history.models import Event
from plansicht.plan.models import Milestone
from plansicht.reports.build import build
from plansicht.reports.content import Table, as_data, text_of
from plansicht.reports.kinds.proof import NothingToProve
from plansicht.reports.models import IssuedReport
from plansicht.services import plan as plan_service
from plansicht.services import reports as service

from .factories import SYSTEM, document, load
from .test_report_render import docx_of, docx_text, flat, odt_of, odt_tables, pdf_text
from .test_reports_issue import run_report

pytestmark = pytest.mark.django_db

REASON = "Lieferengpass beim Hersteller der Gateways"
PAYEES = (
    "Kommunalberatung Nord GmbH",
    "Rathauskeller Gastronomie GmbH",
    "Serverhaus Mitte GmbH",
    "Sensorik Nord GmbH",
    "Personaldienstleister Süd AG",
)
RECEIPTS = ("RE-2024-0107", "RE-2024-0233", "RE-2024-0390", "RE-2024-0911", "RE-2025-0042")


def proof_document(slug="testprogramm") -> dict:
    """The small document with milestone V (a study, March–April 2024, finished on
    30.04.2024) and W (workshops, planned 02.12.2024 for 60 days: 30 days in 2024, 30 in
    2025), and a grant G1 at 80 % eligible from 01.01.2024 to 31.12.2025 (its only interim
    year is 2024). Cost plan: K1 staff 6.000,00 on D (2025), K2 material 2.500,00 on V (2024),
    K3 investment 4.000,00 on C (2025), K4 material 1.000,01 on W — 500,01 planned for 2024
    and 500,00 for 2025 (whole cents, the odd cent to the earlier year); K9 on the draft X.

    Payments, listed out of date order: in 2024 on K2 1.200,00 (28.03.), 1.300,50 (30.04.)
    and 80,00 not eligible (15.06.), on K4 400,25 without a note (20.12.); in 2025 on K4
    99,99 (15.01.), on K3 1.000,00 (20.02.), 45,10 not eligible (03.03.) and 500,00
    (15.05.), on K1 3.000,00 (29.08.); outside the eligibility period 300,00 (15.12.2023)
    and 250,00 (20.01.2026); 777,00 on the draft's K9 (10.10.2024).

    Grant received 2.000,00 (10.05.2024) and 1.000,00 (01.03.2025), 100,00 paid back
    (30.11.2024); own share budgeted 700,00 for 2024 and 1.500,00 for 2025."""
    doc = document(slug)
    doc["milestones"] += [
        {
            "code": "V",
            "measure": "M1",
            "title": "Vorstudie",
            "planned_start": "2024-03-01",
            "duration_days": 61,
            "actual_start": "2024-03-01",
            "actual_finish": "2024-04-30",
            "progress": 100,
        },
        {
            "code": "W",
            "measure": "M2",
            "title": "Workshopreihe",
            "planned_start": "2024-12-02",
            "duration_days": 60,
            "actual_start": "2024-12-02",
            "progress": 50,
        },
    ]
    doc["plan_versions"][1]["milestones"] += [
        {"code": "V", "start": "2024-03-01", "finish": "2024-04-30"},
        {"code": "W", "start": "2024-12-02", "finish": "2025-01-31"},
    ]
    doc["grants"] = [
        {
            "code": "G1",
            "funder": "Land Musterland",
            "title": "Digitale Modellkommune",
            "reference": "DMK-24-7",
            "rate": "0.80",
            "commitment_date": "2023-11-15",
            "eligible_from": "2024-01-01",
            "eligible_until": "2025-12-31",
        }
    ]
    doc["cost_plan"] = [
        {"code": "K1", "grant": "G1", "milestone": "D", "category": "staff", "amount": "6000.00"},
        {"code": "K2", "grant": "G1", "milestone": "V", "category": "material", "amount": "2500"},
        {
            "code": "K3",
            "grant": "G1",
            "milestone": "C",
            "category": "investment",
            "amount": "4000.00",
        },
        {
            "code": "K4",
            "grant": "G1",
            "milestone": "W",
            "category": "material",
            "amount": "1000.01",
        },
        {"code": "K9", "grant": "G1", "milestone": "X", "category": "staff", "amount": "777.00"},
    ]

    def paid(line, on, amount, payee="", note="", ref="", eligible=True):
        item = {"cost_line": line, "on": on, "amount": amount, "eligible": eligible}
        for key, value in (("payee", payee), ("note", note), ("document_ref", ref)):
            if value:
                item[key] = value
        return item

    doc["expenditures"] = [
        paid("K3", "2025-02-20", "1000.00", PAYEES[3], "Gateways, Lieferung", RECEIPTS[4]),
        paid("K2", "2024-04-30", "1300.50", PAYEES[0], "Schlussrechnung Vorstudie", RECEIPTS[1]),
        paid("K4", "2024-12-20", "400.25", PAYEES[2], "", RECEIPTS[3]),
        paid("K2", "2024-03-28", "1200.00", PAYEES[0], "Abschlagsrechnung Vorstudie", RECEIPTS[0]),
        paid(
            "K2",
            "2024-06-15",
            "80.00",
            PAYEES[1],
            "Bewirtung beim Auftakt",
            RECEIPTS[2],
            eligible=False,
        ),
        paid("K4", "2025-01-15", "99.99", PAYEES[2], "Raummiete Werkstatt", "RE-2025-0013"),
        paid("K3", "2025-03-03", "45.10", PAYEES[3], "Verzugszinsen", "RE-2025-0101", False),
        paid("K3", "2025-05-15", "500.00", PAYEES[3], "Montage", "RE-2025-0188"),
        paid("K1", "2025-08-29", "3000.00", PAYEES[4], "Projektleitung 07–08/2025", "PK-2025-08"),
        paid("K2", "2023-12-15", "300.00", "Vorab GmbH", "vor dem Förderzeitraum", "RE-2023-9"),
        paid("K1", "2026-01-20", "250.00", "Nachzügler GmbH", "nach dem Förderzeitraum", "X-1"),
        paid("K9", "2024-10-10", "777.00", "Entwurf GmbH", "Entwurf", "RE-2024-0777"),
    ]
    doc["budget_lines"] = [
        {
            "grant": "G1",
            "year": 2024,
            "product": "1.11.05",
            "title": "Eigenanteil",
            "own_share": "700",
        },
        {
            "grant": "G1",
            "year": 2025,
            "product": "1.11.05",
            "title": "Eigenanteil",
            "own_share": "1500",
        },
    ]
    doc["drawdowns"] = [
        {
            "grant": "G1",
            "requested_on": "2024-05-02",
            "amount_requested": "2000.00",
            "received_on": "2024-05-10",
            "amount_received": "2000.00",
        },
        {
            "grant": "G1",
            "requested_on": "2025-02-20",
            "amount_requested": "1000.00",
            "received_on": "2025-03-01",
            "amount_received": "1000.00",
        },
    ]
    doc["grants"][0]["repayments"] = [{"on": "2024-11-30", "amount": "100.00"}]
    return doc


INTERIM_CUT_OFF = date(2025, 6, 1)  # the interim proof of 2024, written in 2025
FINAL_CUT_OFF = date(2026, 3, 1)  # after the eligibility period


@pytest.fixture
def persona_document():
    return proof_document()


def tables(report) -> dict:
    found = {}

    def walk(section):
        for block in section.blocks:
            if isinstance(block, Table):
                found[block.caption] = block
        for sub in section.sections:
            walk(sub)

    for section in report.sections:
        walk(section)
    return found


def rows(table):
    return {row[0]: row[1:] for row in (*table.rows, *table.footer)}


def receipt_lists(report) -> tuple:
    """The list of eligible receipts and that of the receipts not eligible."""
    found = tables(report)
    eligible = [t for c, t in found.items() if c.startswith("Belege zuwendungsfähiger")]
    ineligible = [t for c, t in found.items() if c.startswith("Belege nicht zuwendungs")]
    return eligible[0], ineligible[0]


def test_the_interim_proof_lists_the_receipts_of_its_year_in_date_order(today):
    programme = load(proof_document())
    report = build(programme, "proof", as_of=INTERIM_CUT_OFF, year=2024)
    assert report.internal and report.kind == "proof"
    assert report.title == "Zwischennachweis 2024 zum Programm „Testprogramm“"
    assert report.subtitle == "Zeitraum 01.01.2024 bis 31.12.2024; Stand: 01.06.2025"
    eligible, ineligible = receipt_lists(report)
    assert eligible.caption == (
        "Belege zuwendungsfähiger Ausgaben zur Zuwendung G1, 01.01.2024 bis 31.12.2024, nach Datum"
    )
    assert [c.label for c in eligible.columns] == [
        "Datum",
        "Empfänger",
        "Zweck",
        "Beleg-Nr.",
        "KFP-Position",
        "Betrag",
    ]
    # Only 2024, in date order; K4's payment has no note: its purpose is W's name. The
    # 300,00 of 2023 lies before the eligibility period, the 777,00 on the draft's line.
    assert eligible.rows == (
        (
            "28.03.2024",
            "Kommunalberatung Nord GmbH",
            "Abschlagsrechnung Vorstudie",
            "RE-2024-0107",
            "K2",
            "1.200,00 €",
        ),
        (
            "30.04.2024",
            "Kommunalberatung Nord GmbH",
            "Schlussrechnung Vorstudie",
            "RE-2024-0233",
            "K2",
            "1.300,50 €",
        ),
        (
            "20.12.2024",
            "Serverhaus Mitte GmbH",
            "W Workshopreihe",
            "RE-2024-0911",
            "K4",
            "400,25 €",
        ),
    )
    # 1.200,00 + 1.300,50 + 400,25 = 2.900,75 eligible; 80,00 not.
    assert eligible.footer == (("Summe", "", "", "", "", "2.900,75 €"),)
    assert ineligible.rows == (
        (
            "15.06.2024",
            "Rathauskeller Gastronomie GmbH",
            "Bewirtung beim Auftakt",
            "RE-2024-0390",
            "K2",
            "80,00 €",
        ),
    )
    assert ineligible.footer == (("Summe", "", "", "", "", "80,00 €"),)
    text = text_of(report)
    assert (
        "Alle Zahlungen vom 01.01.2024 bis 31.12.2024: 2.980,75 €, davon 2.900,75 € "
        "zuwendungsfähig und 80,00 € nicht zuwendungsfähig."
    ) in text
    assert "Vorab GmbH" not in text and "Entwurf GmbH" not in text and PAYEES[3] not in text


def test_the_interim_proof_gives_the_figures_of_its_year_to_the_cent(today):
    programme = load(proof_document())
    report = build(programme, "proof", as_of=INTERIM_CUT_OFF, year=2024)
    found = tables(report)
    spending = found[
        "Ausgaben zur Zuwendung G1 nach den Positionen des Finanzierungsplans, "
        "01.01.2024 bis 31.12.2024"
    ]
    assert spending.columns[1].label == "Soll 2024 (Finanzierungsplan nach Jahren)"
    # Planned for 2024: K2 2.500,00 and K4's 500,01 (material); staff and investment fall in
    # 2025. Actual: 1.200,00 + 1.300,50 + 400,25 = 2.900,75.
    assert rows(spending) == {
        "Personal": ("0,00 €", "0,00 €", "0,00 €"),
        "Sachmittel": ("3.000,01 €", "2.900,75 €", "-99,26 €"),
        "Investitionen": ("0,00 €", "0,00 €", "0,00 €"),
        "Summe": ("3.000,01 €", "2.900,75 €", "-99,26 €"),
    }
    income = found["Einnahmen zur Zuwendung G1 vom 01.01.2024 bis 31.12.2024"]
    assert rows(income) == {
        "Erhaltene Fördermittel": ("2.000,00 €",),
        "Zurückgezahlte Fördermittel": ("-100,00 €",),
        "Veranschlagter Eigenanteil 2024": ("700,00 €",),
        "Summe": ("2.600,00 €",),
    }
    ineligible = found[
        "Nicht zuwendungsfähige Ausgaben zur Zuwendung G1, 01.01.2024 bis 31.12.2024"
    ]
    assert rows(ineligible) == {"Sachmittel": ("80,00 €",), "Summe": ("80,00 €",)}
    text = text_of(report)
    # 80 % of 2.900,75 = 2.320,60.
    assert (
        "Zuwendungsfähige Ausgaben vom 01.01.2024 bis 31.12.2024: 2.900,75 €; davon Anteil "
        "der Zuwendung zu 80,0 %: 2.320,60 €."
    ) in text


def test_the_narrative_part_tells_what_was_achieved_and_why_plans_moved(today):
    programme = load(proof_document())
    c = Milestone.objects.get(programme=programme, code="C")
    plan_service.reschedule(c, actor=SYSTEM, expected_finish=date(2025, 7, 31), reason=REASON)
    interim = build(programme, "proof", as_of=INTERIM_CUT_OFF, year=2024)
    done = tables(interim)["Vom 01.01.2024 bis 31.12.2024 abgeschlossene Meilensteine"]
    assert done.rows == (("V Vorstudie", "M1 Datenplattform", "30.04.2024", "30.04.2024"),)
    text = text_of(interim)
    assert "Sachbericht" in text and "Maßnahmen, Stand 01.06.2025" in text
    # C was due 10.05.2025 in plan version 2; now 31.07.2025: 82 days late.
    assert (
        "C Inbetriebnahme (Maßnahme M1.1.1): voraussichtliches Ende 31.07.2025 statt "
        f"10.05.2025, 82 Tage Verzug. Erfasster Grund: {REASON}"
    ) in text
    # A finished on 10.02.2025: achieved in 2025, not in 2024.
    final = build(programme, "proof", as_of=INTERIM_CUT_OFF)
    done = tables(final)["Vom 01.01.2024 bis 01.06.2025 abgeschlossene Meilensteine"]
    assert [row[0] for row in done.rows] == ["V Vorstudie", "A Ausschreibung"]


def test_the_final_proof_covers_the_whole_eligibility_period(today):
    programme = load(proof_document())
    report = build(programme, "proof", as_of=FINAL_CUT_OFF)
    assert report.title == "Verwendungsnachweis zum Programm „Testprogramm“"
    assert report.subtitle == "Zeitraum 01.01.2024 bis 31.12.2025; Stand: 01.03.2026"
    eligible, ineligible = receipt_lists(report)
    assert [(row[0], row[4], row[5]) for row in eligible.rows] == [
        ("28.03.2024", "K2", "1.200,00 €"),
        ("30.04.2024", "K2", "1.300,50 €"),
        ("20.12.2024", "K4", "400,25 €"),
        ("15.01.2025", "K4", "99,99 €"),
        ("20.02.2025", "K3", "1.000,00 €"),
        ("15.05.2025", "K3", "500,00 €"),
        ("29.08.2025", "K1", "3.000,00 €"),
    ]
    # 2.900,75 + 99,99 + 1.000 + 500 + 3.000 = 7.500,74.
    assert eligible.footer[0][-1] == "7.500,74 €"
    assert [(row[0], row[4], row[5]) for row in ineligible.rows] == [
        ("15.06.2024", "K2", "80,00 €"),
        ("03.03.2025", "K3", "45,10 €"),
    ]
    assert ineligible.footer[0][-1] == "125,10 €"
    assert "Alle Zahlungen vom 01.01.2024 bis 31.12.2025: 7.625,84 €" in text_of(report)
    found = tables(report)
    spending = found[
        "Ausgaben zur Zuwendung G1 nach den Positionen des Finanzierungsplans, "
        "01.01.2024 bis 31.12.2025"
    ]
    assert spending.columns[1].label == "Soll (gesamter Finanzierungsplan)"
    assert rows(spending) == {
        "Personal": ("6.000,00 €", "3.000,00 €", "-3.000,00 €"),
        "Sachmittel": ("3.500,01 €", "3.000,74 €", "-499,27 €"),
        "Investitionen": ("4.000,00 €", "1.500,00 €", "-2.500,00 €"),
        "Summe": ("13.500,01 €", "7.500,74 €", "-5.999,27 €"),
    }
    income = found["Einnahmen zur Zuwendung G1 bis zum 01.03.2026"]
    assert rows(income) == {
        "Erhaltene Fördermittel": ("3.000,00 €",),
        "Zurückgezahlte Fördermittel": ("-100,00 €",),
        "Veranschlagter Eigenanteil 2024 bis 2025": ("2.200,00 €",),
        "Summe": ("5.100,00 €",),
    }
    ineligible = found[
        "Nicht zuwendungsfähige Ausgaben zur Zuwendung G1, 01.01.2024 bis 31.12.2025"
    ]
    assert rows(ineligible) == {
        "Sachmittel": ("80,00 €",),
        "Investitionen": ("45,10 €",),
        "Summe": ("125,10 €",),
    }
    # 80 % of 7.500,74 = 6.000,592: 6.000,59.
    assert "davon Anteil der Zuwendung zu 80,0 %: 6.000,59 €." in text_of(report)


def test_the_final_proof_before_the_end_stops_at_the_cut_off(today):
    programme = load(proof_document())
    report = build(programme, "proof", as_of=date(2025, 3, 1))
    assert report.subtitle == "Zeitraum 01.01.2024 bis 01.03.2025; Stand: 01.03.2025"
    eligible, ineligible = receipt_lists(report)
    assert [row[0] for row in eligible.rows][-1] == "20.02.2025"
    assert [row[0] for row in ineligible.rows] == ["15.06.2024"]  # not 03.03.2025


def test_the_proof_in_english(today):
    programme = load(proof_document())
    report = build(programme, "proof", as_of=INTERIM_CUT_OFF, year=2024, language="en")
    assert report.title == "Interim proof of use for 2024 on the programme “Testprogramm”"
    text = text_of(report)
    assert "List of receipts" in text and "Statement of figures" in text
    assert "1,300.50 €" in text


def test_a_year_outside_every_eligibility_period_is_refused(today):
    programme = load(proof_document())
    with pytest.raises(NothingToProve, match="2023"):
        build(programme, "proof", as_of=INTERIM_CUT_OFF, year=2023)
    with pytest.raises(service.ServiceError) as refused:
        service.check_request(
            "proof", as_of=INTERIM_CUT_OFF, language="de", year=2026, programme=programme
        )
    assert refused.value.field == "year"
    assert refused.value.message == (
        "Im Jahr 2026 ist keine Zuwendung des Programms förderfähig (Förderzeiträume: "
        "01.01.2024 bis 31.12.2025); bitte wählen Sie ein Jahr innerhalb dieser Zeiträume."
    )
    # A year within the period but after the cut-off: nothing of it has happened yet.
    with pytest.raises(service.ServiceError) as refused:
        service.check_request(
            "proof", as_of=date(2024, 6, 1), language="de", year=2025, programme=programme
        )
    assert refused.value.field == "as_of"


def shows(text: str, phrase: str) -> bool:
    """The phrase is in the text, its words in order, or -- a table cell's text wrapped onto
    more lines -- with the next cells' words between them (as many as the table has columns)."""
    words = [re.escape(word) for word in phrase.split()]
    return re.search(r"\s(?:\S+\s){0,6}".join(words), text) is not None


def test_the_command_writes_an_interim_proof(today, tmp_path):
    load(proof_document())
    output = tmp_path / "zwischennachweis.pdf"
    code, out, _err = run_report(
        "testprogramm",
        "--kind",
        "proof",
        "--year",
        "2024",
        "--as-of",
        "2025-06-01",
        "--format",
        "pdf",
        "--output",
        str(output),
    )
    assert code == 0 and "wrote" in out
    text = flat(pdf_text(output.read_bytes()))  # a cell's text may wrap
    assert "Zwischennachweis 2024" in text
    assert shows(text, "Kommunalberatung Nord GmbH") and "RE-2024-0233" in text
    assert "1.300,50 €" in text and "30.04.2024" in text and "2.980,75 €" in text
    assert "Sensorik Nord GmbH" not in text  # paid in 2025
    assert not IssuedReport.objects.exists()


@pytest.mark.parametrize("year", ["2023", "2026"])
def test_the_command_refuses_a_year_outside_the_eligibility_period(today, tmp_path, year):
    load(proof_document())
    output = tmp_path / "zwischennachweis.pdf"
    code, _out, err = run_report(
        "testprogramm",
        "--kind",
        "proof",
        "--year",
        year,
        "--as-of",
        "2025-06-01",
        "--format",
        "pdf",
        "--output",
        str(output),
    )
    assert code == 1
    assert (
        f"--year: No grant of the programme is eligible in {year} (eligibility periods: "
        "01.01.2024 to 31.12.2025); choose a year within them."
    ) in err
    assert not output.exists()


def test_the_command_refuses_a_proof_without_a_grant(today, tmp_path):
    load(document())
    output = tmp_path / "nachweis.pdf"
    code, _out, err = run_report(
        "testprogramm",
        "--kind",
        "proof",
        "--as-of",
        "2025-06-01",
        "--format",
        "odt",
        "--output",
        str(output),
    )
    assert code == 1 and "The programme has no grant" in err
    assert not output.exists()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def file_texts(issued) -> dict:
    """{format: every text of the issued file}, read back as a reader's program reads it."""
    out = {}
    for stored in issued.files.all():
        body = stored.file.open("rb").read()
        if stored.format == "pdf":
            out["pdf"] = flat(pdf_text(body))  # a cell's text may wrap
        elif stored.format == "docx":
            out["docx"] = "\n".join(docx_text(docx_of(body)))
        else:
            document = odt_of(body)
            paragraphs = [p.text_recursive for p in document.body.get_paragraphs()]
            cells = [c for table in odt_tables(document) for row in table for c in row]
            out["odt"] = "\n".join(paragraphs + cells)
    return out


def test_an_issued_proof_keeps_its_receipts_internal(today, media):
    programme = load(proof_document())
    internal = service.issue_report(
        programme, "proof", actor=SYSTEM, as_of=INTERIM_CUT_OFF, issue_date=today, year=2024
    )
    assert not internal.public and internal.year == 2024
    assert internal.title == "Zwischennachweis 2024 zum Programm „Testprogramm“"
    texts = file_texts(internal)
    assert set(texts) == {"pdf", "docx", "odt"}
    for fmt, text in texts.items():
        for expected in ("Belegliste", "Kommunalberatung Nord GmbH", "RE-2024-0911", "400,25 €"):
            assert shows(text, expected), (fmt, expected)
    # Issued as public: the figures, but no list of receipts and no payee, note or number.
    shown = service.issue_report(
        programme,
        "proof",
        actor=SYSTEM,
        as_of=INTERIM_CUT_OFF,
        issue_date=today,
        year=2024,
        public=True,
    )
    assert shown.public and shown.number == 2
    data = json.dumps(shown.data, ensure_ascii=False)
    for fmt, text in {**file_texts(shown), "data": data}.items():
        assert "2.900,75 €" in text, fmt
        assert "Belegliste" not in text, fmt
        for secret in (*PAYEES, *RECEIPTS, "Abschlagsrechnung", "Bewirtung beim Auftakt"):
            assert secret not in text, (fmt, secret)


def test_building_a_proof_twice_gives_the_same_report(today):
    programme = load(proof_document())
    first = as_data(build(programme, "proof", as_of=FINAL_CUT_OFF, issue_date=FINAL_CUT_OFF))
    second = as_data(build(programme, "proof", as_of=FINAL_CUT_OFF, issue_date=FINAL_CUT_OFF))
    assert first == second


# The task worker closes the connections it finds (as a worker must): committed data.
@pytest.mark.django_db(transaction=True)
def test_the_office_issues_an_interim_proof(client, personas, media):
    client.force_login(personas.finance)
    url = reverse("office:reports", args=["testprogramm"])
    form = {"kind": "proof", "as_of": "01.06.2025", "issue_date": "01.06.2025", "language": "de"}
    response = client.post(url, {**form, "year": "2024"})
    assert response.status_code == 302
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)  # the task worker
    issued = IssuedReport.objects.get()
    assert issued.year == 2024 and not issued.public
    page = client.get(url).content.decode()
    assert "Zwischennachweis 2024 zum Programm" in page
    assert "Jahr des Zwischennachweises" in page
    # A year outside the eligibility period is refused on its field, nothing issued.
    response = client.post(url, {**form, "year": "2030"})
    assert response.status_code == 400
    assert "Im Jahr 2030 ist keine Zuwendung des Programms förderfähig" in response.content.decode()
    # A year for another kind of report, too.
    response = client.post(url, {**form, "kind": "funder", "year": "2024"})
    assert response.status_code == 400
    assert "Ein Jahr wird nur für einen Zwischennachweis angegeben." in response.content.decode()
    assert IssuedReport.objects.count() == 1


def test_the_office_records_the_payee_of_an_expenditure(client, personas):
    client.force_login(personas.finance)
    new = reverse("office:expenditure_new", args=["testprogramm"])
    assert "Zahlungsempfänger" in client.get(new).content.decode()
    response = client.post(
        new,
        {
            "cost_line": str(CostLine.objects.get(code="K3").pk),
            "on": "2025-05-20",
            "amount": "1.234,50",
            "eligible": "on",
            "payee": "Sensorik Nord GmbH",
            "note": "Gateways, zweite Lieferung",
            "document_ref": "RE-2025-0201",
            "reason": "",
        },
    )
    assert response.status_code == 302
    stored = Expenditure.objects.get(document_ref="RE-2025-0201")
    assert stored.payee == "Sensorik Nord GmbH"
    # An internal field: the history keeps no old → new of it.
    event = Event.objects.filter(action="expenditure.saved").latest("pk")
    assert "payee" not in event.changes


def test_the_programme_document_carries_the_payee(today, tmp_path):
    load(proof_document())
    out = StringIO()
    call_command("dump_programme", "testprogramm", stdout=out)
    dumped = json.loads(out.getvalue())["expenditures"]
    first = next(e for e in dumped if e.get("document_ref") == "RE-2024-0107")
    assert list(first) == ["cost_line", "on", "amount", "eligible", "payee", "note", "document_ref"]
    assert first["payee"] == "Kommunalberatung Nord GmbH"
    path = tmp_path / "doc.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    call_command("load_programme", str(path), "--replace", stdout=StringIO(), stderr=StringIO())
    again = StringIO()
    call_command("dump_programme", "testprogramm", stdout=again)
    assert again.getvalue() == out.getvalue()
