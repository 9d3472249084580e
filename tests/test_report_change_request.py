"""The change request draft (Änderungsantrag) and its record: the dates and costs proposed
against the approved plan version, the cost plan by year before and after, the reasons; issuing
one makes its record ÄA-n (drafted), whose status then moves on drafted → sent → approved or
rejected, one history event each.

The programme is ``factories.change_request_document`` (read its docstring); B is moved to start
01.12.2025 with a reason. Every figure below is computed by hand:

- B approved 01.11.2025–09.02.2026 (100 days: 61 in 2025, 39 in 2026); proposed 01.12.2025 +
  100 days = 11.03.2026 (31 days in 2025, 69 in 2026): its finish 30 days later.
- Cost plan before, by the approved dates in whole cents: K1 1.000,00 € in 2025; K2 9.999,99 €
  × 61/100 = 6.099,99390 → 6.099,99 € in 2025 and × 39/100 = 3.899,99610 → 3.900,00 € in
  2026 (the leftover cent goes to the larger remainder). 2025: 7.099,99 €; 2026: 3.900,00 €.
- After, the forecast: 2025 = K1's 1.000,00 € spent + K2 × 31/100 = 3.099,99690 → 4.100,00 €;
  2026 = K2 × 69/100 = 6.899,99310 → 6.899,99 €. Total 10.999,99 € both.
- Grant G1 ends 28.02.2026; K2 falls on 10 days of March 2026: 9.999,99 € × 10/100 = 999,999 →
  1.000,00 € cost at risk, 80 % of it = 800,00 € grant at risk.
"""

import io
import re
from datetime import date
from io import StringIO

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse

from plansicht.decisions.models import Decision
from plansicht.history.models import Event
from plansicht.participation.models import Body
from plansicht.plan.models import Milestone, PlanVersion
from plansicht.reports.build import build
from plansicht.reports.content import Table, text_of
from plansicht.reports.models import ChangeRequest, IssuedReport
from plansicht.services import ChangedMeanwhile, ServiceError, decisions
from plansicht.services import plan as plan_service
from plansicht.services import reports as service

from .factories import SYSTEM, change_request_document, load
from .test_report_proof import file_texts

pytestmark = pytest.mark.django_db

CUT_OFF = date(2025, 6, 1)
REASON = "Lieferverzug des Fachverfahrens beim Hersteller"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def programme(today):
    """The change request programme with B moved a month later, with a reason."""
    programme = load(change_request_document())
    b = Milestone.objects.get(programme=programme, code="B")
    plan_service.reschedule(b, actor=SYSTEM, planned_start=date(2025, 12, 1), reason=REASON)
    return programme


def tables(report):
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


def draft(programme, **kwargs):
    return build(programme, "change-request", as_of=CUT_OFF, **kwargs)


def test_the_draft_names_the_approved_and_the_proposed_dates_with_the_reason(programme):
    report = draft(programme, issue_date=date(2025, 6, 2))
    assert report.internal and report.kind == "change-request"
    assert report.title == "Änderungsantrag zum Programm „Antragsprogramm“"
    cover = rows(tables(report)["Der Änderungsantrag im Überblick"])
    assert cover["Förderkennzeichen"] == ("FKZ 01-2024-17",)
    assert cover["Datum des Zuwendungsbescheids"] == ("20.11.2024",)
    assert cover["Verglichen mit dem genehmigten Plan"] == (
        "Planversion 1 „Umsetzungsplan 2024“, genehmigt am 15.12.2024 "
        "(Zuwendungsbescheid vom 20.11.2024)",
    )
    assert cover["Stichtag"] == ("01.06.2025",) and cover["Ausgabedatum"] == ("02.06.2025",)
    dates = rows(tables(report)["Genehmigte und vorgeschlagene Termine, Stand 01.06.2025"])
    # A kept its approved dates: not listed. C is not in plan version 1.
    assert set(dates) == {"B Umsetzung", "C Schulung"}
    assert dates["B Umsetzung"] == (
        "01.11.2025",
        "09.02.2026",
        "01.12.2025",
        "11.03.2026",
        "+30",
        REASON,
    )
    assert dates["C Schulung"] == ("–", "–", "15.03.2026", "14.04.2026", "–", "–")
    text = text_of(report)
    assert "Nicht im genehmigten Plan (ohne genehmigte Termine): C." in text
    # The reasons section: B's deviation in a sentence with its reason.
    assert (
        "B Umsetzung (Maßnahme M1): voraussichtliches Ende 11.03.2026 statt 09.02.2026, "
        f"30 Tage Verzug. Erfasster Grund: {REASON}"
    ) in text
    assert "Unterschrift: ____" in text


def test_the_cost_plan_by_year_before_and_after_to_the_cent(programme):
    report = draft(programme)
    costs = rows(tables(report)["Kostenplan nach Jahren vorher und nachher, Stand 01.06.2025"])
    assert costs == {
        "2025": ("7.099,99 €", "4.100,00 €", "-2.999,99 €"),
        "2026": ("3.900,00 €", "6.899,99 €", "+2.999,99 €"),
        "Summe": ("10.999,99 €", "10.999,99 €", "0,00 €"),
    }
    text = text_of(report)
    assert (
        "Der Förderzeitraum der Zuwendung G1 muss verlängert werden: Er endet am 28.02.2026, "
        "die Prognose schließt B aber erst am 11.03.2026 ab. Außerhalb des Zeitraums anfallende "
        "Kosten: 1.000,00 €; gefährdete Fördermittel: 800,00 €. Beantragt wird die Verlängerung "
        "des Förderzeitraums bis zum 11.03.2026."
    ) in text
    assert "Verlängerung des Förderzeitraums der Zuwendung G1 bis zum 11.03.2026" in text


def test_the_same_data_gives_the_same_text_and_english_reads_english(programme):
    assert text_of(draft(programme)) == text_of(draft(programme))
    english = text_of(draft(programme, language="en"))
    assert "Change request on the programme “Antragsprogramm”" in english
    assert "2025 | 7,099.99 € | 4,100.00 € | -2,999.99 €" in english


def test_without_an_approved_plan_version_it_says_so_and_compares_with_the_current_plan(today):
    doc = change_request_document()
    doc["plan_versions"] = []
    programme = load(doc)
    b = Milestone.objects.get(programme=programme, code="B")
    plan_service.reschedule(b, actor=SYSTEM, planned_start=date(2025, 12, 1), reason=REASON)
    report = draft(programme)
    text = text_of(report)
    assert "Bis zum 01.06.2025 war keine Planversion genehmigt." in text
    cover = rows(tables(report)["Der Änderungsantrag im Überblick"])
    assert cover["Verglichen mit dem genehmigten Plan"] == (
        "keiner genehmigt; stattdessen der aktuelle Plan",
    )
    # The current plan holds B's new dates already: no date differs from the forecast.
    assert "Die Prognose hält jeden Termin des genehmigten Plans ein" in text
    costs = rows(tables(report)["Kostenplan nach Jahren vorher und nachher, Stand 01.06.2025"])
    # Before by B's own dates now (31 days in 2025, 69 in 2026): K2 × 31/100 = 3.099,99690
    # → 3.100,00 € (the larger remainder takes the cent), × 69/100 → 6.899,99 €.
    assert costs["2025"] == ("4.100,00 €", "4.100,00 €", "0,00 €")
    assert costs["2026"] == ("6.899,99 €", "6.899,99 €", "0,00 €")


def test_issuing_makes_the_record_drafted_in_one_event(programme, media):
    issued = service.issue_report(
        programme,
        "change-request",
        actor=SYSTEM,
        as_of=CUT_OFF,
        issue_date=date(2025, 6, 1),
    )
    assert not issued.public
    record = ChangeRequest.objects.get()
    assert (record.code, record.status, record.date, record.status_on) == (
        "ÄA-1",
        "drafted",
        date(2025, 6, 1),
        date(2025, 6, 1),
    )
    assert record.issued_report == issued
    event = Event.objects.get(action="report.issued")
    assert event.changes["change_request"] == [None, "ÄA-1"]
    assert not event.public
    again = service.issue_report(
        programme, "change-request", actor=SYSTEM, as_of=CUT_OFF, issue_date=date(2025, 6, 1)
    )
    assert again.change_requests.get().code == "ÄA-2"
    # Other kinds make none.
    service.issue_report(programme, "funder", actor=SYSTEM, as_of=CUT_OFF, issue_date=CUT_OFF)
    assert ChangeRequest.objects.count() == 2


def test_the_issued_files_print_the_code_of_their_record(programme, media):
    for code in ("ÄA-1", "ÄA-2"):
        issued = service.issue_report(
            programme, "change-request", actor=SYSTEM, as_of=CUT_OFF, issue_date=date(2025, 6, 1)
        )
        assert issued.change_requests.get().code == code
        texts = file_texts(issued)
        assert set(texts) == {"pdf", "docx", "odt"}
        for fmt, text in texts.items():
            assert re.search(rf"Änderungsantrag\s{code}\b", text), fmt
    # The draft before issue has no code yet: none is taken until it is issued.
    draft = text_of(build(programme, "change-request", as_of=CUT_OFF, language="de"))
    assert "ÄA-" not in draft


@pytest.fixture
def record(programme, media):
    service.issue_report(
        programme,
        "change-request",
        actor=SYSTEM,
        as_of=date(2025, 5, 20),
        issue_date=date(2025, 5, 20),
    )
    return ChangeRequest.objects.get()


def test_the_status_moves_on_one_event_each(record):
    before = Event.objects.count()
    service.set_change_request_status(
        record, "sent", actor=SYSTEM, on=date(2025, 5, 22), reason="per Post", version=1
    )
    record.refresh_from_db()
    assert (record.status, record.status_on, record.version) == ("sent", date(2025, 5, 22), 2)
    event = Event.objects.order_by("-pk").first()
    assert Event.objects.count() == before + 1
    assert event.action == "change_request.status" and event.subject_label == "ÄA-1"
    assert event.changes == {
        "status": ["drafted", "sent"],
        "status_on": ["2025-05-20", "2025-05-22"],
    }
    assert event.reason == "per Post" and not event.public
    service.set_change_request_status(record, "approved", actor=SYSTEM, on=CUT_OFF, version=2)
    record.refresh_from_db()
    assert (record.status, record.get_status_display()) == ("approved", "bewilligt")


@pytest.mark.parametrize(
    "path, wanted, message",
    [
        ((), "approved", "ÄA-1 hat den Status „Entwurf“: Er muss erst versandt werden"),
        (("sent",), "drafted", "ein Status kann nicht zurückgesetzt werden"),
        (("sent", "rejected"), "sent", "„abgelehnt“; dieser Status ist endgültig"),
        (("sent",), "sent", "Änderungsantrag ÄA-1 hat bereits den Status „versandt“."),
    ],
)
def test_a_status_out_of_order_or_back_is_refused(record, path, wanted, message):
    for status in path:
        service.set_change_request_status(record, status, actor=SYSTEM, on=CUT_OFF)
    record.refresh_from_db()
    stored, events = (record.status, record.version), Event.objects.count()
    with pytest.raises(ServiceError) as refused:
        service.set_change_request_status(record, wanted, actor=SYSTEM, on=CUT_OFF)
    assert message in str(refused.value.message) and refused.value.field == "status"
    record.refresh_from_db()
    assert (record.status, record.version) == stored and Event.objects.count() == events


def test_a_status_date_before_the_last_or_in_the_future_is_refused(record):
    with pytest.raises(ServiceError) as early:
        service.set_change_request_status(record, "sent", actor=SYSTEM, on=date(2025, 5, 19))
    assert early.value.field == "on" and "20.05.2025" in str(early.value.message)
    with pytest.raises(ServiceError) as later:
        service.set_change_request_status(record, "sent", actor=SYSTEM, on=date(2025, 6, 2))
    assert later.value.field == "on"
    record.refresh_from_db()
    assert record.status == "drafted"


def test_a_stale_version_is_refused_as_changed_meanwhile(record):
    stale = ChangeRequest.objects.get(pk=record.pk)
    service.set_change_request_status(record, "sent", actor=SYSTEM, on=CUT_OFF, version=1)
    stale.status = "sent"  # as a second form opened before would now offer approved
    with pytest.raises(ChangedMeanwhile) as refused:
        service.set_change_request_status(stale, "approved", actor=SYSTEM, on=CUT_OFF, version=1)
    # The event of the first change names who changed it, and when.
    assert str(refused.value.message).startswith("Inzwischen geändert von System (tests) am")
    assert "Ihre Änderung wurde nicht gespeichert" in str(refused.value.message)
    record.refresh_from_db()
    assert record.status == "sent" and record.version == 2


def test_plan_versions_and_decisions_point_to_it(record, programme):
    plan_service.freeze_plan_version(
        programme,
        actor=SYSTEM,
        label="Änderungsplan 2025",
        approved_on=CUT_OFF,
        decision_ref="Bescheid 2/2025",
        reason="Änderungsantrag bewilligt",
        change_request=record,
    )
    version = PlanVersion.objects.get(programme=programme, number=2)
    assert version.change_request == record
    event = Event.objects.get(action="plan_version.frozen")
    assert event.changes["change_request"] == [None, "ÄA-1"]
    assert list(record.plan_versions.all()) == [version]
    other = load(change_request_document("anderes"))
    with pytest.raises(ServiceError) as refused:
        plan_service.freeze_plan_version(
            other,
            actor=SYSTEM,
            label="Fremd",
            approved_on=CUT_OFF,
            decision_ref="x",
            change_request=record,
        )
    assert refused.value.field == "change_request"
    council = Body.objects.create(
        organisation=programme.organisation, code="RAT", name="Stadtrat", kind="council"
    )
    decision = decisions.save_decision(
        programme,
        actor=SYSTEM,
        number="DS 0500/2025",
        body=council,
        date=CUT_OFF,
        title="Änderungsantrag zur Kenntnis",
        result="noted",
        change_request=record,
    )
    assert Decision.objects.get(change_request=record) == decision
    event = Event.objects.get(action="decision.added")
    assert event.changes["change_request"] == [None, "ÄA-1"]


def test_the_command_writes_the_draft_as_docx_with_the_figures(programme, tmp_path):
    output = tmp_path / "antrag.docx"
    call_command(
        "report",
        "antrag",
        "--kind",
        "change-request",
        "--as-of",
        "2025-06-01",
        "--format",
        "docx",
        "--output",
        str(output),
        stdout=StringIO(),
    )
    document = docx.Document(io.BytesIO(output.read_bytes()))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    text = "\n".join(texts)
    for figure in ("7.099,99 €", "4.100,00 €", "6.899,99 €", "10.999,99 €", "+2.999,99 €"):
        assert figure in text
    assert "09.02.2026" in text and "11.03.2026" in text and REASON in text
    assert not ChangeRequest.objects.exists()  # without --issue nothing is stored


def test_issued_as_internal_it_is_not_on_the_portal(client, record):
    issued = record.issued_report
    page = client.get(reverse("portal:reports", args=["antrag"])).content.decode()
    assert issued.title not in page and "Änderungsantrag" not in page
    hidden = reverse("portal:report_file", args=["antrag", issued.pk, "pdf"])
    assert client.get(hidden).status_code == 404
    assert IssuedReport.objects.public().count() == 0


def test_the_office_lists_change_requests_and_sets_their_status(client, personas, media):
    programme = personas.programme
    service.issue_report(
        programme, "change-request", actor=SYSTEM, as_of=CUT_OFF, issue_date=CUT_OFF
    )
    found = ChangeRequest.objects.get(programme=programme)
    client.force_login(personas.finance)
    page = client.get(reverse("office:reports", args=[programme.slug])).content.decode()
    assert "Änderungsanträge" in page and "ÄA-1" in page and "Entwurf" in page
    url = reverse("office:change_request_status", args=[programme.slug, found.pk])
    assert url in page
    assert reverse("office:report_file", args=[programme.slug, found.issued_report.pk, "docx"]) in (
        page
    )
    response = client.post(url, {"status": "sent", "on": "01.06.2025", "version": "1"})
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.status == "sent"
    # Back to drafted: refused on the form, with the reason in words.
    response = client.post(url, {"status": "drafted", "on": "01.06.2025", "version": "2"})
    assert response.status_code == 400
    assert "kann nicht zurückgesetzt werden" in response.content.decode()
    found.refresh_from_db()
    assert found.status == "sent"
    # A viewer sees the table but no form, and may not post.
    client.force_login(personas.viewer)
    page = client.get(reverse("office:reports", args=[programme.slug])).content.decode()
    assert "ÄA-1" in page and url not in page
    assert client.post(url, {"status": "approved", "on": "01.06.2025"}).status_code == 403


def test_the_office_freezes_a_plan_version_on_a_change_request(client, personas, media):
    programme = personas.programme
    service.issue_report(
        programme, "change-request", actor=SYSTEM, as_of=CUT_OFF, issue_date=CUT_OFF
    )
    found = ChangeRequest.objects.get(programme=programme)
    client.force_login(personas.editor)
    url = reverse("office:plan_versions", args=[programme.slug])
    response = client.post(
        url,
        {
            "label": "Änderungsplan 2025",
            "approved_on": "2025-06-01",
            "decision_ref": "Bescheid 2/2025",
            "change_request": str(found.pk),
        },
    )
    assert response.status_code == 302
    assert PlanVersion.objects.get(programme=programme, label="Änderungsplan 2025").change_request
    page = client.get(url).content.decode()
    assert '<td class="kern-table__cell">ÄA-1</td>' in page
    # The decision form offers the programme's change requests.
    form = client.get(reverse("office:decision_new", args=[programme.slug])).content.decode()
    assert "ÄA-1" in form
