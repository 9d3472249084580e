"""Issuing a report: the `report` command (its refusals write no file), the frozen copy (files,
content, version, checksums; unchanged after a plan change), the portal's list of public
reports and the office's page that issues one."""

import hashlib
import subprocess
import uuid
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from plansicht.history.models import Event
from plansicht.plan.models import Milestone
from plansicht.reports.models import IssuedFile, IssuedReport
from plansicht.services import plan as plan_service
from plansicht.services import reports as service

from .factories import SYSTEM, funded_document, load

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def run_report(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("report", *args, stdout=out, stderr=err)
    except SystemExit as e:
        return e.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--kind", "annual"], "--kind: There is no report of the kind “annual”"),
        (["--kind", "council", "--year", "2024"], "--year: A year is given only for an interim"),
        (["--kind", "council", "--format", "rtf"], "--format: 'rtf' is not a format"),
        (["--kind", "council", "--as-of", "2025-02-30"], "--as-of: '2025-02-30' is not a date"),
        (["--kind", "council", "--language", "fr"], "--language: 'fr'"),
    ],
)
def test_a_bad_request_exits_1_and_writes_no_file(today, tmp_path, args, message):
    load(funded_document())
    output = tmp_path / "bericht.pdf"
    given = {
        "--as-of": "2025-06-01",
        "--format": "pdf",
        **dict(zip(args[::2], args[1::2], strict=True)),
    }
    flat = [x for pair in given.items() for x in pair]
    code, _out, err = run_report("testprogramm", *flat, "--output", str(output))
    assert code == 1
    assert message in err
    assert not output.exists()


def test_an_unknown_programme_exits_1(tmp_path):
    output = tmp_path / "bericht.pdf"
    code, _out, err = run_report(
        "nirgendwo",
        "--kind",
        "council",
        "--as-of",
        "2025-06-01",
        "--format",
        "pdf",
        "--output",
        str(output),
    )
    assert code == 1 and "nirgendwo: no programme has this short name" in err
    assert not output.exists()


def test_the_command_writes_a_council_report_with_the_figures(today, tmp_path):
    load(funded_document())
    output = tmp_path / "vorlage.pdf"
    code, out, _err = run_report(
        "testprogramm",
        "--kind",
        "council",
        "--as-of",
        "2025-06-01",
        "--format",
        "pdf",
        "--output",
        str(output),
    )
    assert code == 0 and "wrote" in out
    text = pdf_text(output)
    # 2.800,00 € cost at risk, 2.520,00 € grant at risk as of 01.06.2025 (tests/factories.py)
    assert "2.520,00 €" in text and "2.800,00 €" in text
    assert not IssuedReport.objects.exists()  # without --issue nothing is stored


def test_issuing_freezes_files_content_and_version(today, tmp_path, media):
    programme = load(funded_document())
    output = tmp_path / "vorlage.docx"
    code, out, _err = run_report(
        "testprogramm",
        "--kind",
        "council",
        "--as-of",
        "2025-05-31",
        "--format",
        "docx",
        "--output",
        str(output),
        "--issue",
        "--issue-date",
        "2025-06-01",
    )
    assert code == 0 and "issued as version 1" in out
    issued = IssuedReport.objects.get()
    assert (issued.cut_off, issued.issue_date, issued.number, issued.public) == (
        date(2025, 5, 31),
        date(2025, 6, 1),
        1,
        True,  # a council report is public once issued
    )
    assert issued.plansicht_version == "0.1.0"
    assert {f.format for f in issued.files.all()} == {"pdf", "docx", "odt"}
    for stored in issued.files.all():
        body = stored.file.open("rb").read()
        assert hashlib.sha256(body).hexdigest() == stored.sha256 and len(body) == stored.size
    docx = issued.files.get(format="docx").file.open("rb").read()
    assert output.read_bytes() == docx
    event = Event.objects.get(action="report.issued")
    assert event.public and event.changes["number"] == [None, 1]

    # Today's plan change leaves the issued report as it was; issuing again is version 2.
    frozen = {f.format: f.file.open("rb").read() for f in issued.files.all()}
    data = issued.data
    plan_service.set_progress(
        Milestone.objects.get(programme=programme, code="C"), 80, actor=SYSTEM, reason="Abnahme"
    )
    issued.refresh_from_db()
    assert issued.data == data
    assert {f.format: f.file.open("rb").read() for f in issued.files.all()} == frozen
    assert all(f.intact() for f in IssuedFile.objects.all())
    again = service.issue_report(
        programme, "council", actor=SYSTEM, as_of=date(2025, 6, 1), issue_date=date(2025, 6, 1)
    )
    assert again.number == 2 and IssuedReport.objects.count() == 2


def test_the_portal_lists_public_reports_only(client, today, media):
    programme = load(funded_document())
    council = service.issue_report(
        programme, "council", actor=SYSTEM, as_of=date(2025, 6, 1), issue_date=date(2025, 6, 1)
    )
    funder = service.issue_report(
        programme, "funder", actor=SYSTEM, as_of=date(2025, 6, 1), issue_date=date(2025, 6, 1)
    )
    assert not funder.public  # a funder report is internal unless issued as public
    page = client.get(reverse("portal:reports", args=["testprogramm"])).content.decode()
    assert council.title in page and funder.title not in page
    pdf = client.get(reverse("portal:report_file", args=["testprogramm", council.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    hidden = reverse("portal:report_file", args=["testprogramm", funder.pk, "pdf"])
    assert client.get(hidden).status_code == 404
    stored = funder.files.get(format="pdf")
    assert client.get("/media/" + stored.file.name).status_code == 404


def run_worker():
    """The task worker, as ``manage.py db_worker`` runs it, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


# The task worker closes the connections it finds (as a worker must): committed data.
@pytest.mark.django_db(transaction=True)
def test_the_office_issues_a_report_in_the_background(client, personas, media):
    client.force_login(personas.editor)
    url = reverse("office:reports", args=["testprogramm"])
    response = client.post(
        url,
        {"kind": "council", "as_of": "01.06.2025", "issue_date": "01.06.2025", "language": "de"},
    )
    # The request is checked and handed to the task worker; its page follows it.
    assert response.status_code == 302
    job_url = response["Location"]
    assert job_url.startswith(url + "jobs/")
    assert not IssuedReport.objects.exists()
    page = client.get(job_url).content.decode()
    assert "Schritt 1 von 2" in page and 'data-state="waiting"' in page
    run_worker()
    page = client.get(job_url).content.decode()
    issued = IssuedReport.objects.get()
    assert issued.public and issued.issued_by
    assert 'data-state="ready"' in page
    assert f"Der Bericht ist fertig: {issued.title}, Version 1." in page
    assert reverse("office:report_file", args=["testprogramm", issued.pk, "odt"]) in page
    assert reverse("office:report_file", args=["testprogramm", issued.pk, "odt"]) in (
        client.get(url).content.decode()
    )
    # A cut-off after the issue date is refused on its field, at once; nothing is queued.
    response = client.post(
        url,
        {"kind": "council", "as_of": "02.06.2025", "issue_date": "01.06.2025", "language": "de"},
    )
    assert response.status_code == 400
    assert "Ein Bericht wird am oder nach seinem Stichtag herausgegeben." in (
        response.content.decode()
    )
    run_worker()
    assert IssuedReport.objects.count() == 1


def test_a_job_is_found_only_under_its_own_programme(client, personas, media):
    other = load(funded_document("andere"))
    job = service.issue_in_background.enqueue(
        other.pk, personas.editor.pk, "public", "2025-06-01", "2025-06-01", "de", None, None, "de"
    )
    client.force_login(personas.editor)
    elsewhere = reverse("office:report_job", args=["testprogramm", job.id])
    assert client.get(elsewhere).status_code == 404
    missing = reverse("office:report_job", args=["testprogramm", uuid.uuid4()])
    assert client.get(missing).status_code == 404


# The task worker closes the connections it finds (as a worker must): committed data.
@pytest.mark.django_db(transaction=True)
def test_a_request_refused_by_the_worker_says_why(client, personas, media):
    # The editor loses the right to issue between the click and the worker's turn.
    client.force_login(personas.editor)
    response = client.post(
        reverse("office:reports", args=["testprogramm"]),
        {"kind": "public", "as_of": "01.06.2025", "issue_date": "01.06.2025", "language": "de"},
    )
    personas.editor.staff_roles.all().update(role="viewer")
    run_worker()
    client.force_login(personas.viewer)
    page = client.get(response["Location"]).content.decode()
    assert 'data-state="failed"' in page
    assert "Der Bericht wurde nicht herausgegeben:" in page
    assert not IssuedReport.objects.exists()


def test_the_version_an_issued_report_records_is_the_projects():
    import tomllib
    from pathlib import Path

    import plansicht

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    assert plansicht.__version__ == tomllib.loads(pyproject.read_text())["project"]["version"]


def test_a_funder_report_issued_as_public_holds_no_internal_risk(today, media):
    from plansicht.services import risks

    programme = load(funded_document())
    risks.save_risk(
        programme,
        actor=SYSTEM,
        code="R1",
        title="Lieferverzug Sensorik",
        likelihood=3,
        impact=4,
        mitigation="Zweiter Lieferant angefragt",
        public=True,
    )
    risks.save_risk(
        programme,
        actor=SYSTEM,
        code="R2",
        title="Personalengpass Vergabestelle",
        likelihood=2,
        impact=3,
        mitigation="Vertraulich: Abordnung aus dem Bauamt",
    )
    internal = service.issue_report(
        programme, "funder", actor=SYSTEM, as_of=date(2025, 6, 1), issue_date=date(2025, 6, 1)
    )
    shown = service.issue_report(
        programme,
        "funder",
        actor=SYSTEM,
        as_of=date(2025, 6, 1),
        issue_date=date(2025, 6, 1),
        public=True,
    )
    assert "Abordnung aus dem Bauamt" in str(internal.data)  # the office's own copy has it
    assert shown.public and "Zweiter Lieferant angefragt" in str(shown.data)
    assert "Abordnung aus dem Bauamt" not in str(shown.data)
    assert "Personalengpass" not in str(shown.data)
