"""A large plan file goes to the task worker: its page shows the step and the rows read, then
the dry run's result; applying imports the very bytes it checked, all or nothing, with the
import's events. The size above which a file goes to the worker is a setting; here every file
does."""

import uuid

import pytest
from django.urls import reverse

from plansicht.history.models import Event
from plansicht.imports.models import ImportJob
from plansicht.plan.models import Measure, Milestone

from .factories import document, load
from .test_office_import import BAD, GOOD, SLUG, check, page, xlsx
from .test_reports_issue import run_worker

pytestmark = pytest.mark.usefixtures("today")


@pytest.fixture(autouse=True)
def every_file_in_the_background(settings):
    settings.IMPORT_BACKGROUND_BYTES = 0


# The task worker closes the connections it finds (as a worker must): committed data.
@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_then_applied_by_the_task_worker(client, personas):
    client.force_login(personas.editor)
    data = xlsx(GOOD)
    response = check(client, data, reason="Planstand Januar")
    assert response.status_code == 302
    job_url = response["Location"]
    assert job_url.startswith(page() + "jobs/")
    waiting = client.get(job_url)
    assert "no-store" in waiting["Cache-Control"]
    text = waiting.content.decode()
    assert 'data-state="waiting"' in text and "Schritt 1 von 3" in text
    assert "Übernehmen" not in text

    run_worker()
    text = client.get(job_url).content.decode()
    assert 'data-state="done"' in text
    assert "Probelauf: Die Datei kann importiert werden" in text
    assert not Measure.objects.filter(code="N1").exists()  # a dry run stores nothing
    checked = ImportJob.objects.get()
    assert (checked.rows_read, checked.rows_total) == (2, 2)
    assert checked.result["created"]["milestones"] == 2

    response = client.post(job_url, {"op": "apply"})
    assert response.status_code == 302 and response["Location"] != job_url
    assert "Schritt 1 von 3" in client.get(response["Location"]).content.decode()
    run_worker()
    text = client.get(response["Location"]).content.decode()
    assert "Der Plan wurde importiert" in text
    assert {m.code for m in Milestone.objects.filter(measure__code="N1")} == {"S1", "S2"}
    events = Event.objects.filter(action="milestone.created", milestone__code__in=["S1", "S2"])
    assert [e.reason for e in events] == ["Planstand Januar"] * 2
    # The file's bytes are gone once imported; the dry run cannot be applied twice.
    assert all(bytes(job.data) == b"" for job in ImportJob.objects.all())
    again = client.post(job_url, {"op": "apply"})
    assert again.status_code == 400
    assert "nicht ohne Probleme geprüft" in again.content.decode()
    assert Event.objects.filter(action="milestone.created").count() == events.count()


@pytest.mark.django_db(transaction=True)
def test_a_large_file_with_a_problem_lists_it_and_offers_no_apply(client, personas):
    client.force_login(personas.editor)
    job_url = check(client, xlsx(BAD))["Location"]
    run_worker()
    text = client.get(job_url).content.decode()
    assert "Die Datei kann nicht importiert werden" in text
    assert "Zeile 3, Spalte ‚Beginn (geplant)‘: 31.02.2026 ist kein Datum" in text
    assert 'name="op" value="apply"' not in text
    assert client.post(job_url, {"op": "apply"}).status_code == 400
    assert not Measure.objects.filter(code="N1").exists()


@pytest.mark.django_db
def test_the_page_shows_the_rows_read_so_far(client, personas):
    client.force_login(personas.editor)
    job_url = check(client, xlsx(GOOD))["Location"]
    ImportJob.objects.update(state=ImportJob.READING, rows_read=4000, rows_total=10000)
    text = client.get(job_url).content.decode()
    assert "Schritt 2 von 3: Die Datei wird gelesen, Zeile 4.000 von 10.000." in text
    assert '<progress class="job-progress" max="10000" value="4000"' in text


@pytest.mark.django_db
def test_a_job_is_seen_only_under_its_programme_and_by_plan_editors(client, personas):
    client.force_login(personas.editor)
    job_url = check(client, xlsx(GOOD))["Location"]
    job = ImportJob.objects.get()
    other = load(document(slug="andere"))
    elsewhere = reverse("office:plan_import_job", args=[other.slug, job.pk])
    assert client.get(elsewhere).status_code in (403, 404)
    missing = reverse("office:plan_import_job", args=[SLUG, uuid.uuid4()])
    assert client.get(missing).status_code == 404
    client.force_login(personas.viewer)
    assert client.get(job_url).status_code == 403
    assert client.post(job_url, {"op": "apply"}).status_code == 403
