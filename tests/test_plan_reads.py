"""The reads every face shares, written once on the querysets: public milestone ids, a
measure's subtree and the unit responsible for a measure."""

import pytest

from plansicht.plan.models import Measure, Milestone

from .factories import document, load

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(today):
    doc = document()
    doc["measures"].append(
        {"code": "M1.2", "title": "Entwurfsteil", "field_of_action": "F1", "parent": "M1"}
    )
    doc["measures"][-1]["draft"] = True
    doc["measures"].append(
        {"code": "M1.2.1", "title": "Darunter", "field_of_action": "F1", "parent": "M1.2"}
    )
    return load(doc)


def codes(model, ids):
    return sorted(model.objects.filter(pk__in=ids).values_list("code", flat=True))


def test_public_ids_leave_out_draft_milestones_and_those_in_draft_measures(programme):
    ids = Milestone.objects.filter(programme=programme).public_ids()
    assert codes(Milestone, ids) == ["A", "B", "C", "D"]
    assert Milestone.objects.get(code="C").is_public()
    assert not Milestone.objects.get(code="Z").is_public()


def test_a_public_subtree_stops_at_a_draft_measure(programme):
    measures = Measure.objects.filter(programme=programme)
    m1 = measures.get(code="M1")
    assert codes(Measure, measures.public().subtree_ids(m1)) == ["M1", "M1.1", "M1.1.1"]
    assert codes(Measure, measures.subtree_ids(m1)) == ["M1", "M1.1", "M1.1.1", "M1.2", "M1.2.1"]
    assert measures.public().subtree_ids(measures.get(code="M9")) == []


def test_a_measure_without_a_lead_unit_belongs_to_its_nearest_ancestors(programme):
    measures = Measure.objects.filter(programme=programme)
    lead = measures.get(code="M1").lead_unit_id
    units = measures.responsible_units()
    assert units[measures.get(code="M1.1.1").pk] == lead
    assert units[measures.get(code="M2").pk] is None
    assert codes(Measure, measures.led_by(lead).values_list("pk", flat=True)) == [
        "M1",
        "M1.1",
        "M1.1.1",
        "M1.2",
        "M1.2.1",
    ]
