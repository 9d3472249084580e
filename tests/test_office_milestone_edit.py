"""Changing a milestone in the office: only the roles that may edit it see the forms, a
change is stored with one event and its reason, and a bad change is explained on its field
with nothing stored. (Who may open and post to which page: test_office_permissions.py.)"""

import pytest
from django.urls import reverse

from plansicht.history.models import Event
from plansicht.plan.models import Milestone, PlanVersion

SLUG = "testprogramm"
MILESTONE_B = reverse("office:milestone", args=[SLUG, "B"])
PLAN_VERSIONS = reverse("office:plan_versions", args=[SLUG])
OFFICE_ROLES = {"viewer", "other_unit_editor", "unit_editor", "editor", "admin", "finance", "hr"}
MILESTONE_EDITORS = {"unit_editor", "editor", "admin"}
READ_ONLY = OFFICE_ROLES - MILESTONE_EDITORS


def post_dates(client, **extra):
    return client.post(
        MILESTONE_B,
        {
            "op": "dates",
            "dates-planned_start": "2025-02-01",
            "dates-duration_days": "90",
            "dates-expected_finish": "",
            "dates-reason": "Lieferverzug",
            **extra,
        },
    )


@pytest.mark.parametrize("persona", sorted(READ_ONLY))
def test_a_role_that_may_not_edit_reads_the_milestone_without_forms(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.get(MILESTONE_B)
    assert response.status_code == 200
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert "<form" not in main and "<textarea" not in main
    # What the milestone's editors see too: current planning, actual start, progress, the
    # dependency on A and the history.
    assert "01.02.2025" in page  # planned start
    assert "15.02.2025" in page  # actual start
    assert "40 %" in page
    assert "Ausschreibung" in page  # B waits for A
    assert response.context["may_edit"] is False


@pytest.mark.parametrize("persona", sorted(MILESTONE_EDITORS))
def test_the_roles_that_may_edit_see_the_forms(client, personas, persona):
    client.force_login(getattr(personas, persona))
    page = client.get(MILESTONE_B).content.decode()
    assert 'name="op" value="dates"' in page
    assert 'name="op" value="actuals"' in page
    assert 'name="op" value="progress"' in page


@pytest.mark.parametrize("persona", ["unit_editor", "editor", "admin"])
def test_the_right_role_changes_a_milestone_with_one_event(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = post_dates(client)
    assert response.status_code == 302
    assert Milestone.objects.get(code="B").duration_days == 90
    event = Event.objects.get(action="milestone.rescheduled")
    assert event.user == getattr(personas, persona)
    assert event.reason == "Lieferverzug"


def test_a_unit_editor_may_not_change_dependencies_or_freeze_versions(client, personas):
    client.force_login(personas.unit_editor)
    response = client.post(
        MILESTONE_B,
        {
            "op": "dependency",
            "dependency-predecessor": str(Milestone.objects.get(code="D").pk),
            "dependency-type": "FS",
            "dependency-lag_days": "0",
            "dependency-reason": "x",
        },
    )
    assert response.status_code == 403
    response = client.post(
        PLAN_VERSIONS,
        {"label": "Neu", "approved_on": "2025-06-01", "decision_ref": "Beschluss"},
    )
    assert response.status_code == 403
    assert PlanVersion.objects.count() == 2


def test_a_later_finish_without_reason_shows_the_error_on_the_reason_field(client, personas):
    client.force_login(personas.editor)
    response = post_dates(client, **{"dates-reason": ""})
    assert response.status_code == 400
    form = response.context["forms"]["dates"]
    assert "reason" in form.errors
    assert "Please give a reason" in str(form.errors["reason"]) or "Begründung" in str(
        form.errors["reason"]
    )
    assert Milestone.objects.get(code="B").duration_days == 60


def test_a_bad_date_is_explained_and_nothing_is_stored(client, personas):
    client.force_login(personas.editor)
    response = post_dates(client, **{"dates-planned_start": "31.02.2025"})
    assert response.status_code == 400
    assert "planned_start" in response.context["forms"]["dates"].errors
    assert Milestone.objects.get(code="B").planned_start.isoformat() == "2025-02-01"


def test_a_cycle_is_refused_on_the_spot(client, personas):
    client.force_login(personas.editor)
    # C waits for B; making B wait for C would close a cycle.
    response = client.post(
        MILESTONE_B,
        {
            "op": "dependency",
            "dependency-predecessor": str(Milestone.objects.get(code="C").pk),
            "dependency-type": "FS",
            "dependency-lag_days": "0",
            "dependency-reason": "",
        },
    )
    assert response.status_code == 400
    errors = response.context["forms"]["dependency"].errors
    assert "cycle" in str(errors) or "Kreis" in str(errors)
    assert not Event.objects.filter(action="dependency.added").exists()
