"""The report builders: the funder's status report, the council's information report and the
public progress report, built from a programme's data as of a cut-off date. Expected figures
are computed by hand from the test documents (see their docstrings in ``factories``)."""

import json
from datetime import date

import pytest

from plansicht.funding.models import Expenditure, FunderNotification, Grant
from plansicht.plan.models import Measure, Milestone
from plansicht.reports.build import KINDS, UnknownKind, build
from plansicht.reports.content import Table, as_data, text_of
from plansicht.services import plan as plan_service
from plansicht.staffing.models import Position

from .factories import (
    SYSTEM,
    decisions_document,
    funded_document,
    indicated_document,
    load,
    participation_document,
)
from .test_grant_conditions import conditions_document

pytestmark = pytest.mark.django_db

CUT_OFF = date(2025, 6, 1)
REASON = "Lieferengpass beim Hersteller der Gateways"


def tables(report):
    """{caption: Table} of every table in the report."""
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


def test_the_kinds():
    assert KINDS == ("funder", "proof", "council", "change-request", "drawdown", "public")


def test_an_unknown_kind_is_refused(today):
    programme = load(funded_document())
    with pytest.raises(UnknownKind):
        build(programme, "proof-of-nothing", as_of=CUT_OFF)


def test_funder_report_gives_the_money_to_the_cent(today):
    programme = load(funded_document())
    report = build(programme, "funder", as_of=CUT_OFF)
    assert report.internal and report.kind == "funder" and report.language == "de"
    assert report.title == "Sachstandsbericht zum Programm „Testprogramm“"
    assert report.subtitle == "Stand: 01.06.2025"
    text = text_of(report)
    # D (staff, 9.000 €) runs 01.07.–29.09.2025, 90 days; the 28 days after the end of
    # eligibility (31.08.) carry 9.000 × 28/90 = 2.800 €, of which the grant is 90 %: 2.520 €.
    assert "Gefährdete Kosten: 2.800,00 €; gefährdete Fördermittel: 2.520,00 €." in text
    money = rows(tables(report)["Finanzen der Zuwendung G1, Stand 01.06.2025"])
    # Published lines K1 9.000 + K2 3.000 + K3 1.000 (K9 lies on the draft X).
    assert money["Kostenplan (veröffentlichte Meilensteine)"] == ("13.000,00 €",)
    # Eligible by 01.06.: K3 1.000 (20.02.) + K2 500 (15.05.); the 100 € is not eligible and
    # the 200 € of 01.07. is later.
    assert money["Zuwendungsfähige Ausgaben bis zum Stichtag"] == ("1.500,00 €",)
    assert money["Bis zum Stichtag erhaltene Fördermittel"] == ("1.350,00 €",)
    assert money["Gefährdete Fördermittel"] == ("2.520,00 €",)
    # Own share 2025: 1.000 € budgeted, 2.820 € missing, so 3.820 € needed.
    own = rows(tables(report)["Eigenanteil der Zuwendung G1 nach Jahren"])
    assert own["2025"] == ("3.820,00 €", "1.000,00 €", "2.820,00 €")
    assert "2025 fehlen 2.820,00 €" in text
    # The cover: grant, reference, cut-off.
    cover = rows(tables(report)["Das Vorhaben im Überblick"])
    assert cover["Förderkennzeichen"] == ("436-123",)
    assert cover["Förderzeitraum"] == ("01.01.2021 bis 31.08.2025",)
    assert cover["Stichtag"] == ("01.06.2025",)
    # One chart, the portal's money by year.
    assert "<svg" in json.dumps(as_data(report))


def test_funder_report_gives_the_overdue_proofs_and_the_financing_plan(today):
    programme = load(funded_document())
    report = build(programme, "funder", as_of=CUT_OFF)
    proofs = rows(tables(report)["Verwendungsnachweise der Zuwendung G1"])
    # Only the interim proof for 2021 was sent; each is due on 30.04. of the next year.
    assert proofs["Zwischennachweis 2021"] == (
        "30.04.2022",
        "20.04.2022",
        "fristgerecht eingereicht",
    )
    assert proofs["Zwischennachweis 2024"] == ("30.04.2025", "–", "überfällig")
    assert "3 Verwendungsnachweise sind überfällig" in text_of(report)
    plan = rows(tables(report)["Finanzierungsplan der Zuwendung G1 nach Kostenarten"])
    assert plan["Summe"][:2] == ("13.000,00 €", "13.000,00 €")
    assert "Alle Kostenarten halten die Regel ein." in text_of(report)


def test_funder_report_gives_the_interest_exposure(today):
    programme = load(conditions_document())
    # As computed by hand in test_grant_conditions: 12,83 € on 01.08.2025.
    text = text_of(build(programme, "funder", as_of=date(2025, 8, 1)))
    assert "Zinsrisiko aus verspätet verwendeten oder nicht verwendeten Mitteln: 12,83 €." in text
    assert (
        "10.05.2025 | 1.000,00 € | 21.06.2025 | 0,00 € | 450,00 € | 300,00 € | 250,00 € | 12,83 €"
        in text
    )


def test_a_deviation_carries_its_recorded_reason(today):
    programme = load(funded_document())
    c = Milestone.objects.get(programme=programme, code="C")
    plan_service.reschedule(c, actor=SYSTEM, expected_finish=date(2025, 7, 31), reason=REASON)
    text = text_of(build(programme, "funder", as_of=CUT_OFF))
    # C was due 10.05.2025 in plan version 2; now 31.07.2025: 82 days late.
    assert (
        "C Inbetriebnahme (Maßnahme M1.1.1): voraussichtliches Ende 31.07.2025 statt "
        f"10.05.2025, 82 Tage Verzug. Erfasster Grund: {REASON}"
    ) in text
    # A finished 10.02. instead of 31.01.; nobody gave a reason.
    assert (
        "A Ausschreibung (Maßnahme M1): abgeschlossen am 10.02.2025 statt am 31.01.2025, "
        "10 Tage Verzug. Ein Grund ist nicht erfasst."
    ) in text
    public = text_of(build(programme, "public", as_of=date(2025, 6, 30)))
    assert f"Grund: {REASON}" in public


def test_a_past_cut_off_uses_the_facts_of_then(today):
    programme = load(indicated_document())
    c = Milestone.objects.get(programme=programme, code="C")
    plan_service.reschedule(c, actor=SYSTEM, expected_finish=date(2025, 7, 31), reason=REASON)
    text = text_of(build(programme, "funder", as_of=date(2025, 1, 15)))
    # On 15.01. A (started 05.01., 30 days) was running: forecast 04.02., 4 days after 31.01.
    assert (
        "A Ausschreibung (Maßnahme M1): voraussichtliches Ende 04.02.2025 statt 31.01.2025, "
        "4 Tage Verzug."
    ) in text
    assert "abgeschlossen am 10.02.2025" not in text
    assert REASON not in text  # recorded on 01.06.2025
    assert "Stand: 15.01.2025" in text
    # Accepted on 03.03.2025: not yet on 01.03., on 01.06. with the funder's reference.
    then = text_of(build(programme, "funder", as_of=date(2025, 3, 1)))
    assert "wurde 1 Meilenstein abgeschlossen; davon hat der Zuwendungsgeber 0 abgenommen" in then
    now = build(programme, "funder", as_of=CUT_OFF)
    accepted = rows(tables(now)["Vom Zuwendungsgeber abgenommene Meilensteine"])
    assert accepted["A Ausschreibung"] == ("10.02.2025", "03.03.2025", "ZB-2025/17")


def test_funder_report_gives_indicators_as_of_the_cut_off(today):
    programme = load(indicated_document())
    text = text_of(build(programme, "funder", as_of=CUT_OFF))
    # I1: 30 → 10 days; 18 on 31.03.2025 is (30 − 18)/(30 − 10) = 60 % of the way; 12,50
    # was measured after the cut-off.
    line = next(line for line in text.splitlines() if line.startswith("M1 I1 "))
    assert "18 Tage am 31.03.2025" in line and "60,0 %" in line
    assert "12,50" not in text
    assert "Geheime Kennzahl" not in text  # the draft M9's


def test_funder_report_gives_the_posts(today):
    programme = load(participation_document())
    posts = rows(tables(build(programme, "funder", as_of=CUT_OFF))["Stellen, Stand 01.06.2025"])
    step, fill, state = posts["CDO Chief Digital Officer"][1:]
    assert step == "im Stellenplan (seit 01.03.2025)" and state == "unbesetzt"


def test_council_report_summary_first(today):
    programme = load(decisions_document())
    report = build(programme, "council", as_of=CUT_OFF)
    assert not report.internal
    assert report.title == "Informationsvorlage: Sachstand des Programms „Testprogramm“"
    summary = report.sections[0]
    assert summary.heading == "Zusammenfassung"
    said = "\n".join(summary.blocks[1].items)
    assert "Unbesetzte geförderte Stellen: 1." in said
    # F5 (due 27.05.) is overdue; F4 is due 03.06., F2 extended to 06.06.
    assert "Überfällige Anfragen: 1; überfällige Stellungnahmen: 0." in said
    # DS 0100/2024 A1 (due 31.12.2024) and DS 0200/2025 A4 (due 01.05.2025).
    assert "Überfällige Aufträge aus Beschlüssen: 2." in said
    assert "Zinsrisiko: 0,00 €." in said
    overdue = tables(report)["Überfällige Aufträge aus Beschlüssen"].rows
    assert overdue == (
        ("DS 0100/2024", "A1 Die Stelle ist besetzt.", "31.12.2024"),
        ("DS 0200/2025", "A4 Die Beschaffung ist abgeschlossen.", "01.05.2025"),
    )
    text = text_of(report)
    assert (
        "S1 – Seniorenbeirat, eingegangen am 14.04.2025: Der Seniorenbeirat bittet um "
        "Sprechstunden vor Ort. Antwort vom 13.05.2025: Wir richten Sprechstunden ein."
    ) in text
    # Decided by 01.06.: F1 in time, F3 late, F5 overdue: one of three in time.
    assert "Fristgerecht beantwortet: Anfragen 33,3 %, Stellungnahmen 100,0 %." in text
    assert "Beleidigung" not in text  # hidden by the moderation


def test_council_report_in_english(today):
    programme = load(funded_document())
    report = build(programme, "council", as_of=CUT_OFF, language="en")
    text = text_of(report)
    assert report.title == "Information report: state of the programme “Testprogramm”"
    assert "Money at risk: cost 2,800.00 €, grant 2,520.00 €." in text
    assert report.sections[0].heading == "Summary"


def test_public_report_tells_the_half_year(today):
    programme = load(funded_document())
    report = build(programme, "public", as_of=date(2025, 6, 30))
    assert not report.internal
    assert report.subtitle == "Erstes Halbjahr 2025 (01.01.2025 bis 30.06.2025)"
    text = text_of(report)
    assert "A Ausschreibung (gehört zu M1 Datenplattform): fertig am 10.02.2025." in text
    assert "Fördergeld verloren gehen" in text
    # On 01.06.2025 the last half-year that has ended is the second half of 2024.
    earlier = text_of(build(programme, "public", as_of=CUT_OFF))
    assert "Zweites Halbjahr 2024 (01.07.2024 bis 31.12.2024)" in earlier
    assert "In diesem Halbjahr wurde kein Schritt des Plans fertig." in earlier


def test_public_report_counts_the_questions_of_the_half_year(today):
    programme = load(participation_document())
    text = text_of(build(programme, "public", as_of=date(2025, 6, 30)))
    # By 30.06.: F1 in time, F2 within its extension, F3 late, F4 and F5 overdue, F8
    # awaiting release (counted); F6 withdrawn and F7 hidden are left out.
    assert "6 Fragen gingen ein; davon wurden 1 rechtzeitig beantwortet." in text
    assert "1 Stellungnahme ging ein; davon wurden 1 rechtzeitig beantwortet." in text


MARK = "GEHEIMVERMERK"


def test_public_kinds_carry_no_internal_field(today):
    programme = load(decisions_document())
    Milestone.objects.filter(programme=programme).update(internal_note=MARK)
    Measure.objects.filter(programme=programme).update(internal_note=MARK)
    Expenditure.objects.filter(cost_line__programme=programme).update(note=MARK, document_ref=MARK)
    Position.objects.filter(programme=programme).update(holder=MARK, holder_public=False)
    grant = Grant.objects.get(programme=programme)
    FunderNotification.objects.create(grant=grant, on=date(2025, 5, 1), text=MARK, reference=MARK)
    for kind in ("council", "public"):
        report = build(programme, kind, as_of=date(2025, 6, 30))
        assert not report.internal
        assert MARK not in json.dumps(as_data(report), ensure_ascii=False)
        assert "Geheimprojekt" not in text_of(report)  # the draft measure


@pytest.mark.parametrize("kind", ["funder", "council", "public"])
def test_building_twice_gives_the_same_report(today, kind):
    programme = load(decisions_document())
    first = as_data(build(programme, kind, as_of=CUT_OFF, issue_date=date(2025, 6, 5)))
    second = as_data(build(programme, kind, as_of=CUT_OFF, issue_date=date(2025, 6, 5)))
    assert first == second
    assert first["cut_off"] == "2025-06-01" and first["issue_date"] == "2025-06-05"
