"""The office pages of the council decisions: the list with the overdue assignments marked,
the dashboard's line, the forms to enter and change decisions and assignments (editors), a
refusal shown at its field, a stale form refused, and the decisions in the plan-version
list. (Who may open and post what: the matrix in test_office_permissions.py.)"""

import re

import pytest
from django.urls import reverse

from plansicht.decisions.models import Assignment, Decision
from plansicht.history.models import Event
from plansicht.participation.models import Body
from plansicht.plan.models import Measure, Milestone, PlanVersion
from plansicht.staffing.models import Position

from .factories import decisions_document

pytestmark = pytest.mark.django_db
SLUG = "testprogramm"


@pytest.fixture
def persona_document():
    return decisions_document()


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def decision(number):
    return Decision.objects.get(programme__slug=SLUG, number=number)


def stored():
    return (
        list(Decision.objects.order_by("pk").values()),
        list(Assignment.objects.order_by("pk").values()),
        Event.objects.count(),
    )


def test_the_list_marks_the_overdue_assignments(client, personas):
    client.force_login(personas.viewer)
    html = client.get(reverse("office:decisions", args=[SLUG])).content.decode()
    overdue = html[html.index('id="overdue"') :].split("</section>")[0]
    assert "2 überfällige Aufträge" in text(overdue)
    lines = re.findall(r'<th class="kern-table__cell" scope="row">([^<]+)</th>', overdue)
    assert lines == ["A1 Die Stelle ist besetzt.", "A4 Die Beschaffung ist abgeschlossen."]
    assert "31.12.2024" in overdue and "01.05.2025" in overdue
    assert '<span class="kern-label kern-label--small">überfällig</span>' in overdue
    everything = html[html.index('id="all-heading"') :]
    row = everything[everything.index("DS 0200/2025") :].split("</tr>")[0]
    assert "<strong>1 überfällig</strong>" in row
    # a viewer reads, and is offered no form
    assert reverse("office:decision_new", args=[SLUG]) not in html


def test_the_dashboard_counts_the_overdue_assignments(client, personas):
    for persona in ("viewer", "editor", "finance"):
        client.force_login(getattr(personas, persona))
        html = client.get(reverse("office:dashboard", args=[SLUG])).content.decode()
        assert (
            '<a class="kern-link" href="/office/testprogramm/decisions/#overdue">'
            "2 überfällige Aufträge aus Ratsbeschlüssen</a>"
        ) in html, persona


def test_an_editor_enters_a_decision_with_its_links(client, personas):
    client.force_login(personas.editor)
    url = reverse("office:decision_new", args=[SLUG])
    form = client.get(url).content.decode()
    # only the council and its committees decide
    bodies = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', form.split('name="body"')[1])
    assert bodies[:2] == ["Ausschuss für Digitales", "Rat der Stadt Teststadt"]
    assert "Seniorenbeirat" not in form.split('name="body"')[1].split("</select>")[0]
    m2 = Measure.objects.get(code="M2")
    v1 = PlanVersion.objects.get(number=1)
    response = client.post(
        url,
        {
            "number": "DS 0400/2025",
            "body": str(Body.objects.get(code="RAT").pk),
            "date": "30.05.2025",
            "title": "Radverkehrskonzept",
            "result": "deferred",
            "votes_yes": "",
            "measures": [str(m2.pk)],
            "plan_versions": [str(v1.pk)],
        },
    )
    made = decision("DS 0400/2025")
    assert response.status_code == 302
    assert response["Location"] == reverse("office:decision", args=[SLUG, made.pk])
    assert list(made.measures.all()) == [m2] and list(made.plan_versions.all()) == [v1]
    assert made.result == "deferred" and made.votes is None
    event = Event.objects.order_by("-pk").first()
    assert event.action == "decision.added" and event.user == personas.editor
    # its page says so, in words
    html = client.get(response["Location"]).content.decode()
    assert "Rat der Stadt Teststadt, 30.05.2025: vertagt" in html
    assert "Dieser Beschluss enthält noch keinen Auftrag." in html


def test_a_refusal_lands_on_its_field_and_nothing_is_saved(client, personas):
    client.force_login(personas.editor)
    before = stored()
    response = client.post(
        reverse("office:decision_new", args=[SLUG]),
        {
            "number": "DS 0100/2024",  # taken
            "body": str(Body.objects.get(code="RAT").pk),
            "date": "2025-05-30",
            "title": "Doppelt",
            "result": "adopted",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ein Beschluss mit der Nummer DS 0100/2024 ist bereits erfasst." in html
    assert 'id="id_number-error"' in html
    assert 'href="#id_number"' in html  # the error summary links the field
    response = client.post(
        reverse("office:decision_new", args=[SLUG]),
        {
            "number": "DS 0401/2025",
            "body": str(Body.objects.get(code="RAT").pk),
            "date": "2025-05-30",
            "title": "Abstimmung",
            "result": "adopted",
            "votes_yes": "12",
        },
    )
    assert response.status_code == 400
    assert 'id="id_votes_no-error"' in response.content.decode()
    assert stored() == before


def test_a_stale_decision_form_is_refused_and_shows_the_saved_values(client, personas):
    ds = decision("DS 0200/2025")
    url = reverse("office:decision", args=[SLUG, ds.pk])
    base = {
        "number": ds.number,
        "body": str(ds.body_id),
        "date": "2025-01-20",
        "result": ds.result,
        "text": ds.text,
        "url": ds.url,
        "measures": [str(m.pk) for m in ds.measures.all()],
        "plan_versions": [str(v.pk) for v in ds.plan_versions.all()],
        "version": str(ds.version),
    }
    client.force_login(personas.admin)
    first = client.post(url, {**base, "title": "Datenplattform (Admin)"})
    assert first.status_code == 302
    client.force_login(personas.editor)
    before = stored()
    second = client.post(url, {**base, "title": "Datenplattform (Redaktion)"})
    assert second.status_code == 400
    html = second.content.decode()
    assert "Ihre Änderung wurde nicht gespeichert" in html
    assert "Datenplattform (Admin)" in html  # the value saved now, beside the editor's
    assert stored() == before


def test_an_editor_adds_and_changes_assignments_of_every_kind(client, personas):
    client.force_login(personas.editor)
    ds = decision("DS 0200/2025")
    url = reverse("office:assignment_new", args=[SLUG, ds.pk])
    milestone_c = Milestone.objects.get(code="C")
    cdo = Position.objects.get(code="CDO")
    kinds = {
        "M": {"kind": "milestone", "milestone": str(milestone_c.pk)},
        "P": {"kind": "position_step", "position": str(cdo.pk), "step": "advertised"},
        "V": {"kind": "plan_version", "plan_version_number": "4"},
        "R": {"kind": "recorded", "recorded_on": "31.05.2025"},
    }
    for code, condition in kinds.items():
        response = client.post(
            url, {"code": code, "title": f"Auftrag {code}", "due": "2025-12-31", **condition}
        )
        assert response.status_code == 302, code
    stored_kinds = dict(
        Assignment.objects.filter(decision=ds, code__in=kinds).values_list("code", "kind")
    )
    assert stored_kinds == {
        "M": "milestone",
        "P": "position_step",
        "V": "plan_version",
        "R": "recorded",
    }
    html = client.get(reverse("office:decision", args=[SLUG, ds.pk])).content.decode()
    assert "Meilenstein C Inbetriebnahme ist abgeschlossen" in html
    assert "Die Stelle Chief Digital Officer erreicht den Schritt „ausgeschrieben“" in html
    assert "Planstand 4 ist beschlossen" in html
    # change R into a milestone without naming one: refused at the milestone's field
    item = Assignment.objects.get(decision=ds, code="R")
    change_url = reverse("office:assignment", args=[SLUG, item.pk])
    response = client.post(
        change_url,
        {"code": "R", "title": "Auftrag R", "due": "2025-12-31", "kind": "milestone"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_milestone-error"' in html
    assert "Wählen Sie den Meilenstein, der abgeschlossen werden soll." in html
    item.refresh_from_db()
    assert item.kind == "recorded"


def test_removing_an_assignment_and_a_decision(client, personas):
    client.force_login(personas.editor)
    item = Assignment.objects.get(decision__number="DS 0200/2025", code="A2")
    page = client.get(reverse("office:assignment_remove", args=[SLUG, item.pk])).content.decode()
    assert "Planstand 3 ist beschlossen" in page
    response = client.post(
        reverse("office:assignment_remove", args=[SLUG, item.pk]),
        {"reason": "doppelt", "version": str(item.version)},
    )
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=item.pk).exists()
    ds = decision("DS 0200/2025")
    response = client.post(
        reverse("office:decision_remove", args=[SLUG, ds.pk]),
        {"reason": "Fehleingabe", "version": str(ds.version)},
    )
    assert response["Location"] == reverse("office:decisions", args=[SLUG])
    assert not Decision.objects.filter(pk=ds.pk).exists()


def test_the_plan_version_list_names_the_decisions_about_each_version(client, personas):
    client.force_login(personas.viewer)
    html = client.get(reverse("office:plan_versions", args=[SLUG])).content.decode()
    row = html[html.index("Änderungsplan 2022") :].split("</tr>")[0]
    assert re.findall(r">(DS [^<]+)</a>", row) == ["DS 0050/2022", "DS 0200/2025"]
    assert "Ratsbeschlüsse dazu" in html
