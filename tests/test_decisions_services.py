"""Entering and changing council decisions and their assignments: who may, what is refused
with which words, one public history event per change, a stale form refused, no forecast."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from plansicht.decisions.models import Assignment, Decision
from plansicht.forecast.models import ProgrammeForecast
from plansicht.history.models import Event
from plansicht.participation.models import Body
from plansicht.plan.models import Measure, Milestone, PlanVersion
from plansicht.services import Actor, ChangedMeanwhile, ServiceError
from plansicht.services import decisions as service
from plansicht.staffing.models import Position

from .factories import decisions_document, load

pytestmark = pytest.mark.django_db


@pytest.fixture
def persona_document():
    return decisions_document()


def body(code):
    return Body.objects.get(code=code)


def decision(number):
    return Decision.objects.get(programme__slug="testprogramm", number=number)


def fields(**changes):
    values = {
        "number": "DS 0300/2025",
        "body": body("RAT"),
        "date": date(2025, 5, 22),
        "title": "Beteiligungsplattform",
        "result": "adopted",
    }
    values.update(changes)
    return values


def stored():
    return (
        list(Decision.objects.order_by("pk").values()),
        list(Assignment.objects.order_by("pk").values()),
        Event.objects.count(),
    )


def test_an_editor_enters_a_decision_with_one_public_event(personas):
    p = personas
    m1 = Measure.objects.get(code="M1")
    v2 = PlanVersion.objects.get(number=2)
    made = service.save_decision(
        p.programme,
        actor=Actor.for_user(p.editor, p.programme),
        **fields(votes_yes=20, votes_no=0, votes_abstain=1),
        measures=[m1],
        plan_versions=[v2],
        text="Der Rat *beschließt*.",
        url="https://ratsinfo.example.org/vo0300",
    )
    assert made.version == 1
    assert list(made.measures.all()) == [m1] and list(made.plan_versions.all()) == [v2]
    event = Event.objects.order_by("-pk").first()
    assert event.action == "decision.added" and event.public and event.user == p.editor
    assert event.subject_label == "DS 0300/2025"
    assert event.changes["body"] == [None, "Rat der Stadt Teststadt"]
    assert event.changes["date"] == [None, "2025-05-22"]
    assert event.changes["measures"] == [[], ["M1"]]
    assert event.changes["plan_versions"] == [[], [2]]
    assert event.changes["votes_yes"] == [None, 20]


def test_a_committee_decides_too(personas):
    p = personas
    made = service.save_decision(
        p.programme, actor=Actor.for_user(p.admin, p.programme), **fields(body=body("DA"))
    )
    assert made.body.kind == "committee"


@pytest.mark.parametrize("persona", ["viewer", "unit_editor", "finance", "hr", "moderator"])
def test_only_editors_of_the_plan_enter_decisions(personas, persona):
    p = personas
    user = getattr(p, persona)
    before = stored()
    with pytest.raises(PermissionDenied):
        service.save_decision(p.programme, actor=Actor.for_user(user, p.programme), **fields())
    with pytest.raises(PermissionDenied):
        service.delete_decision(decision("DS 0100/2024"), actor=Actor.for_user(user, p.programme))
    with pytest.raises(PermissionDenied):
        service.save_assignment(
            decision("DS 0100/2024"),
            actor=Actor.for_user(user, p.programme),
            code="A9",
            title="x",
            due=date(2025, 1, 1),
            kind="recorded",
        )
    with pytest.raises(PermissionDenied):
        service.delete_assignment(
            Assignment.objects.get(decision__number="DS 0100/2024", code="A1"),
            actor=Actor.for_user(user, p.programme),
        )
    with pytest.raises(PermissionDenied):  # neither a user nor a system process
        service.save_decision(p.programme, actor=Actor(name="anonymous"), **fields())
    assert stored() == before


def test_a_body_that_is_no_council_or_committee_is_refused_in_words(personas):
    p = personas
    before = stored()
    with pytest.raises(ServiceError) as refused:
        service.save_decision(
            p.programme, actor=Actor.for_user(p.editor, p.programme), **fields(body=body("SB"))
        )
    assert refused.value.field == "body"
    assert refused.value.message == (
        "„Seniorenbeirat“ ist ein Gremium der Art „advisory_council“. Ratsbeschlüsse fasst "
        "der Rat oder einer seiner Ausschüsse: Wählen Sie ein Gremium der Art Rat oder "
        "Ausschuss."
    )
    assert stored() == before


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"number": "DS 0100/2024"}, "number", "DS 0100/2024"),
        ({"number": "  "}, "number", ""),
        ({"title": ""}, "title", ""),
        ({"result": "approved"}, "result", ""),
        ({"date": date(2025, 6, 2)}, "date", ""),  # the clock stands on 01.06.2025
        ({"date": "2025-05-01"}, "date", ""),
        ({"url": "ratsinfo.example.org"}, "url", "https://"),
        ({"votes_yes": 3, "votes_no": 1}, "votes_abstain", ""),
        ({"votes_yes": -1, "votes_no": 0, "votes_abstain": 0}, "votes_yes", ""),
        ({"text": "Text\u202e"}, "text", ""),
    ],
)
def test_a_decision_with_a_mistake_is_refused_at_its_field(personas, changes, field, words):
    p = personas
    before = stored()
    with pytest.raises(ServiceError) as refused:
        service.save_decision(
            p.programme, actor=Actor.for_user(p.editor, p.programme), **fields(**changes)
        )
    assert refused.value.field == field
    assert words in refused.value.message
    assert stored() == before


def test_links_of_another_programme_are_refused(personas):
    p = personas
    other = load(decisions_document("anderes"))
    foreign = Measure.objects.get(programme=other, code="M1")
    with pytest.raises(ServiceError) as refused:
        service.save_decision(
            p.programme, actor=Actor.for_user(p.editor, p.programme), **fields(), measures=[foreign]
        )
    assert refused.value.field == "measures"


def test_a_change_to_a_decision_and_a_stale_form(personas):
    p = personas
    ds = decision("DS 0100/2024")
    opened_at = ds.version
    editor = Actor.for_user(p.editor, p.programme)
    values = {
        "number": ds.number,
        "body": ds.body,
        "date": ds.date,
        "title": "Einrichtung der Stelle CDO (geändert)",
        "result": ds.result,
        "votes_yes": 30,
        "votes_no": 4,
        "votes_abstain": 2,
        "positions": list(ds.positions.all()),
        "grants": list(ds.grants.all()),
        "measures": list(ds.measures.all()),
    }
    service.save_decision(
        p.programme, actor=editor, decision=ds, expected_version=opened_at, **values
    )
    assert decision("DS 0100/2024").version == opened_at + 1
    event = Event.objects.order_by("-pk").first()
    assert event.action == "decision.changed"
    assert event.changes == {
        "title": [
            "Einrichtung der Stelle Chief Digital Officer",
            "Einrichtung der Stelle CDO (geändert)",
        ]
    }
    # someone else's form, opened before: refused, nothing saved
    before = stored()
    stale = decision("DS 0100/2024")
    with pytest.raises(ChangedMeanwhile):
        service.save_decision(
            p.programme,
            actor=Actor.for_user(p.admin, p.programme),
            decision=stale,
            expected_version=opened_at,
            **{**values, "title": "Anders"},
        )
    assert stored() == before
    # the same values again: nothing to change
    with pytest.raises(ServiceError, match="Nichts zu ändern"):
        service.save_decision(
            p.programme, actor=editor, decision=decision("DS 0100/2024"), **values
        )


def test_a_draft_measures_code_never_reaches_the_public_event(personas):
    p = personas
    draft = Measure.objects.get(code="M9")
    service.save_decision(
        p.programme,
        actor=Actor.for_user(p.editor, p.programme),
        **fields(),
        measures=[draft, Measure.objects.get(code="M2")],
    )
    event = Event.objects.order_by("-pk").first()
    assert event.public and event.changes["measures"] == [[], ["M2", "…"]]


def test_the_decision_date_cannot_pass_a_due_date(personas):
    p = personas
    ds = decision("DS 0100/2024")  # A1 is due 31.12.2024
    with pytest.raises(ServiceError) as refused:
        service.save_decision(
            p.programme,
            actor=Actor.for_user(p.editor, p.programme),
            decision=ds,
            **{**fields(number=ds.number), "date": date(2025, 1, 2)},
        )
    assert refused.value.field == "date" and "A1" in refused.value.message


def test_no_forecast_is_computed_or_stored(personas):
    p = personas
    stamp = ProgrammeForecast.objects.get(programme=p.programme).computed_at
    service.save_decision(p.programme, actor=Actor.for_user(p.editor, p.programme), **fields())
    assert ProgrammeForecast.objects.get(programme=p.programme).computed_at == stamp


def test_removing_a_decision_removes_its_assignments_with_one_event(personas):
    p = personas
    ds = decision("DS 0200/2025")
    before = Event.objects.count()
    with pytest.raises(ChangedMeanwhile):
        service.delete_decision(
            ds, actor=Actor.for_user(p.editor, p.programme), expected_version=ds.version + 1
        )
    service.delete_decision(
        ds, actor=Actor.for_user(p.editor, p.programme), reason="doppelt", expected_version=1
    )
    assert not Decision.objects.filter(number="DS 0200/2025").exists()
    assert not Assignment.objects.filter(decision_id=ds.pk).exists()
    assert Event.objects.count() == before + 1
    event = Event.objects.order_by("-pk").first()
    assert (event.action, event.subject_label, event.reason) == (
        "decision.removed",
        "DS 0200/2025",
        "doppelt",
    )


# -- assignments ------------------------------------------------------------------------------


def add(personas, **values):
    base = {"code": "A9", "title": "Bericht an den Rat", "due": date(2025, 12, 31)}
    base.update(values)
    return service.save_assignment(
        decision("DS 0200/2025"),
        actor=Actor.for_user(personas.editor, personas.programme),
        **base,
    )


def test_each_kind_of_condition_is_stored_with_its_own_fields_only(personas):
    b = Milestone.objects.get(code="B")
    cdo = Position.objects.get(code="CDO")
    by_milestone = add(personas, code="M", kind="milestone", milestone=b, step="filled")
    assert (by_milestone.milestone, by_milestone.position, by_milestone.step) == (b, None, "")
    by_post = add(personas, code="P", kind="position_step", position=cdo, step="advertised")
    assert (by_post.position, by_post.step, by_post.milestone) == (cdo, "advertised", None)
    by_version = add(personas, code="V", kind="plan_version", plan_version_number=7)
    assert by_version.plan_version_number == 7  # a version that does not exist yet
    by_record = add(personas, code="R", kind="recorded", recorded_on=date(2025, 5, 30))
    assert by_record.recorded_on == date(2025, 5, 30)
    open_record = add(personas, code="R2", kind="recorded")
    assert open_record.recorded_on is None
    event = Event.objects.order_by("-pk").first()
    assert event.action == "assignment.added" and event.public
    assert event.subject_label == "DS 0200/2025 R2"


def test_changing_the_kind_empties_the_fields_of_the_old_one(personas):
    item = Assignment.objects.get(decision__number="DS 0200/2025", code="A4")  # milestone B
    changed = service.save_assignment(
        item.decision,
        actor=Actor.for_user(personas.editor, personas.programme),
        assignment=item,
        code="A4",
        title=item.title,
        due=item.due,
        kind="recorded",
        recorded_on=date(2025, 5, 20),
        expected_version=item.version,
    )
    changed.refresh_from_db()
    assert (changed.kind, changed.milestone, changed.recorded_on) == (
        "recorded",
        None,
        date(2025, 5, 20),
    )
    event = Event.objects.order_by("-pk").first()
    assert event.action == "assignment.changed"
    assert event.changes == {
        "kind": ["milestone", "recorded"],
        "milestone": ["B", None],
        "recorded_on": [None, "2025-05-20"],
    }


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "milestone"}, "milestone"),
        ({"kind": "position_step", "step": "filled"}, "position"),
        ({"kind": "position_step", "position": "CDO", "step": "hired"}, "step"),
        ({"kind": "plan_version"}, "plan_version_number"),
        ({"kind": "plan_version", "plan_version_number": 0}, "plan_version_number"),
        ({"kind": "recorded", "recorded_on": date(2025, 6, 2)}, "recorded_on"),
        ({"kind": "vote"}, "kind"),
        ({"kind": "recorded", "due": date(2025, 1, 19)}, "due"),  # before the decision
        ({"kind": "recorded", "code": "A1"}, "code"),  # taken
        ({"kind": "recorded", "title": " "}, "title"),
    ],
)
def test_an_assignment_with_a_mistake_is_refused_at_its_field(personas, values, field):
    if values.get("position") == "CDO":
        values["position"] = Position.objects.get(code="CDO")
    before = stored()
    with pytest.raises(ServiceError) as refused:
        add(personas, **values)
    assert refused.value.field == field
    assert stored() == before


def test_a_milestone_of_another_programme_is_refused(personas):
    other = load(decisions_document("anderes"))
    with pytest.raises(ServiceError) as refused:
        add(personas, kind="milestone", milestone=Milestone.objects.get(programme=other, code="B"))
    assert refused.value.field == "milestone"


def test_a_draft_milestones_code_never_reaches_the_public_event(personas):
    add(personas, kind="milestone", milestone=Milestone.objects.get(code="X"))
    event = Event.objects.order_by("-pk").first()
    assert event.public and event.changes["milestone"] == [None, "…"]


def test_removing_an_assignment_and_a_stale_form(personas):
    item = Assignment.objects.get(decision__number="DS 0200/2025", code="A2")
    editor = Actor.for_user(personas.editor, personas.programme)
    with pytest.raises(ChangedMeanwhile):
        service.delete_assignment(item, actor=editor, expected_version=item.version + 1)
    assert Assignment.objects.filter(pk=item.pk).exists()
    service.delete_assignment(item, actor=editor, expected_version=item.version)
    assert not Assignment.objects.filter(pk=item.pk).exists()
    event = Event.objects.order_by("-pk").first()
    assert (event.action, event.subject_label) == ("assignment.removed", "DS 0200/2025 A2")
