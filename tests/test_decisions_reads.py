"""The reads of the council decisions: each assignment's status as of a date (every kind of
condition), the register with its filters, the overdue list, "decisions about this", and
the decisions in ``forecast --json``. Expected values are worked out by hand in
``factories.decisions_document``."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from plansicht.decisions import reads
from plansicht.decisions.models import Decision
from plansicht.participation.models import Body
from plansicht.plan.models import Measure, PlanVersion
from plansicht.services import Actor
from plansicht.services import staffing as staffing_service
from plansicht.staffing.models import Position

from .factories import decisions_document, load

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(today):
    return load(decisions_document())


def status_table(programme, as_of):
    return {
        (row.decision.number, a.assignment.code): (a.done_on, a.status)
        for row in reads.register(programme, as_of)
        for a in row.assignments
    }


def test_every_kind_of_condition_as_of_the_test_date(programme):
    assert status_table(programme, date(2025, 6, 1)) == {
        ("DS 0050/2022", "A1"): (date(2022, 6, 30), "done_in_time"),  # plan version 2
        ("DS 0100/2024", "A1"): (None, "overdue"),  # CDO not filled, due 31.12.2024
        ("DS 0100/2024", "A2"): (date(2025, 3, 1), "done_in_time"),  # establishment plan
        ("DS 0200/2025", "A1"): (date(2025, 2, 10), "done_late"),  # milestone A, due 01.02.
        ("DS 0200/2025", "A2"): (None, "open"),  # plan version 3 does not exist
        ("DS 0200/2025", "A3"): (date(2025, 5, 15), "done_in_time"),  # recorded
        ("DS 0200/2025", "A4"): (None, "overdue"),  # milestone B unfinished, due 01.05.
    }


def test_facts_after_the_status_date_are_ignored(programme):
    # On 09.02.2025 milestone A (finished 10.02.) is not done yet: overdue since 02.02.;
    # the CDO post is not yet in the establishment plan (01.03.): open until 30.06.
    table = status_table(programme, date(2025, 2, 9))
    assert table[("DS 0200/2025", "A1")] == (None, "overdue")
    assert table[("DS 0100/2024", "A2")] == (None, "open")
    assert table[("DS 0200/2025", "A3")] == (None, "open")  # recorded 15.05.
    # On 29.06.2022 plan version 2 (approved 30.06.2022) is not yet approved
    assert status_table(programme, date(2022, 6, 29))[("DS 0050/2022", "A1")] == (None, "open")


def test_a_post_filled_late_and_a_step_reached_by_the_earliest_step_at_or_after_it(programme):
    # the CDO post is filled on 28.05.2025: A1 (filled by 31.12.2024) is done late; A2 (in the
    # establishment plan by 30.06.2025) stays done on 01.03.2025, the earliest such step
    cdo = Position.objects.get(programme=programme, code="CDO")
    staffing_service.record_step(cdo, "filled", date(2025, 5, 28), actor=Actor.system("test"))
    table = status_table(programme, date(2025, 6, 1))
    assert table[("DS 0100/2024", "A1")] == (date(2025, 5, 28), "done_late")
    assert table[("DS 0100/2024", "A2")] == (date(2025, 3, 1), "done_in_time")


def test_the_register_is_newest_first_and_filters_by_body_and_year(programme):
    as_of = date(2025, 6, 1)
    numbers = [r.decision.number for r in reads.register(programme, as_of)]
    assert numbers == ["DS 0200/2025", "DS 0100/2024", "DS 0050/2022"]
    council = Body.objects.get(code="RAT")
    committee = Body.objects.get(code="DA")
    by_council = reads.register(programme, as_of, body=council)
    assert [r.decision.number for r in by_council] == ["DS 0100/2024", "DS 0050/2022"]
    assert [r.decision.number for r in reads.register(programme, as_of, year=2024)] == [
        "DS 0100/2024"
    ]
    assert reads.register(programme, as_of, body=committee, year=2024) == []
    assert [b.code for b in reads.bodies(programme)] == ["DA", "RAT"]  # by name
    assert reads.years(programme) == [2025, 2024, 2022]


def test_a_decisions_counts(programme):
    row = reads.register(programme, date(2025, 6, 1), year=2025)[0]
    assert row.counts == {"open": 1, "overdue": 1, "done_in_time": 1, "done_late": 1}
    assert (row.overdue_count, row.done_count) == (1, 2)
    assert [a.status_label for a in row.assignments] == [
        "verspätet erledigt",
        "offen",
        "fristgerecht erledigt",
        "überfällig",
    ]


def test_the_overdue_assignments_the_longest_overdue_first(programme):
    overdue = reads.overdue(programme, date(2025, 6, 1))
    assert [(r.assignment.decision.number, r.assignment.code) for r in overdue] == [
        ("DS 0100/2024", "A1"),  # due 31.12.2024
        ("DS 0200/2025", "A4"),  # due 01.05.2025
    ]


def test_decisions_about_a_measure_a_post_and_a_plan_version(programme):
    decisions = Decision.objects.for_programme(programme)
    m1 = Measure.objects.get(programme=programme, code="M1")
    m2 = Measure.objects.get(programme=programme, code="M2")
    assert [d.number for d in decisions.about_measure(m1).in_order()] == [
        "DS 0100/2024",
        "DS 0200/2025",
    ]
    assert not decisions.about_measure(m2).exists()
    cdo = Position.objects.get(programme=programme, code="CDO")
    assert [d.number for d in decisions.about_position(cdo)] == ["DS 0100/2024"]
    v2 = PlanVersion.objects.get(programme=programme, number=2)
    assert [d.number for d in decisions.about_plan_version(v2).in_order()] == [
        "DS 0050/2022",
        "DS 0200/2025",
    ]


def test_forecast_json_lists_the_decisions_by_date_with_their_assignments(programme):
    out = StringIO()
    call_command("forecast", "testprogramm", "--json", "--as-of", "2025-06-01", stdout=out)
    assert json.loads(out.getvalue())["decisions"] == [
        {
            "number": "DS 0050/2022",
            "assignments": [
                {
                    "code": "A1",
                    "due": "2022-06-30",
                    "done_on": "2022-06-30",
                    "status": "done_in_time",
                }
            ],
        },
        {
            "number": "DS 0100/2024",
            "assignments": [
                {"code": "A1", "due": "2024-12-31", "done_on": None, "status": "overdue"},
                {
                    "code": "A2",
                    "due": "2025-06-30",
                    "done_on": "2025-03-01",
                    "status": "done_in_time",
                },
            ],
        },
        {
            "number": "DS 0200/2025",
            "assignments": [
                {"code": "A1", "due": "2025-02-01", "done_on": "2025-02-10", "status": "done_late"},
                {"code": "A2", "due": "2025-09-30", "done_on": None, "status": "open"},
                {
                    "code": "A3",
                    "due": "2025-05-31",
                    "done_on": "2025-05-15",
                    "status": "done_in_time",
                },
                {"code": "A4", "due": "2025-05-01", "done_on": None, "status": "overdue"},
            ],
        },
    ]


def test_forecast_json_as_of_an_earlier_date_leaves_out_later_decisions(programme):
    out = StringIO()
    call_command("forecast", "testprogramm", "--json", "--as-of", "2024-12-31", stdout=out)
    decisions = json.loads(out.getvalue())["decisions"]
    # DS 0200/2025 was taken on 20.01.2025; the CDO post is due to be filled on this very day
    assert decisions == [
        {
            "number": "DS 0050/2022",
            "assignments": [
                {
                    "code": "A1",
                    "due": "2022-06-30",
                    "done_on": "2022-06-30",
                    "status": "done_in_time",
                }
            ],
        },
        {
            "number": "DS 0100/2024",
            "assignments": [
                {"code": "A1", "due": "2024-12-31", "done_on": None, "status": "open"},
                {"code": "A2", "due": "2025-06-30", "done_on": None, "status": "open"},
            ],
        },
    ]
    assert reads.register(programme, date(2022, 4, 30)) == []


def test_forecast_json_without_decisions_has_an_empty_list(today):
    doc = decisions_document()
    del doc["decisions"]
    load(doc)
    out = StringIO()
    call_command("forecast", "testprogramm", "--json", "--as-of", "2025-06-01", stdout=out)
    assert json.loads(out.getvalue())["decisions"] == []
