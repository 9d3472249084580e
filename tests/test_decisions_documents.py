"""The ``decisions`` section of the programme document: what is dumped reads back the same, a
replacement keeps each decision's identity, and every mistake is named by its path."""

import copy
import json

import pytest

from plansicht.decisions.models import Assignment, Decision
from plansicht.documents import schema
from plansicht.documents.programme import DocumentInvalid, dump, dumps, parse
from plansicht.plan.models import Programme

from .factories import decisions_document, load

pytestmark = pytest.mark.django_db


def problems(doc) -> list[str]:
    with pytest.raises(DocumentInvalid) as raised:
        parse(doc)
    return str(raised.value).splitlines()


def test_dump_load_dump_gives_the_same_document(today):
    load(decisions_document())
    first = dumps(dump(Programme.objects.get(slug="testprogramm")))
    load(json.loads(first), replace=True)
    second = dumps(dump(Programme.objects.get(slug="testprogramm")))
    assert second == first


def test_the_dump_orders_decisions_and_writes_optional_keys_only_when_set(today):
    decisions = dump(load(decisions_document()))["decisions"]
    assert [d["number"] for d in decisions] == ["DS 0050/2022", "DS 0100/2024", "DS 0200/2025"]
    first, second, third = decisions
    # no text, url or votes: left out; links always with all four lists, sorted
    assert first == {
        "number": "DS 0050/2022",
        "body": "RAT",
        "date": "2022-05-01",
        "title": "Änderungsplan 2022",
        "result": "adopted",
        "links": {"plan_versions": [2], "positions": [], "measures": [], "grants": []},
        "assignments": [
            {
                "code": "A1",
                "title": "Der Änderungsplan ist beschlossen.",
                "due": "2022-06-30",
                "done_when": {"plan_version": 2},
            }
        ],
    }
    assert second["votes"] == {"yes": 30, "no": 4, "abstain": 2}
    assert "text" not in second and "url" not in second
    assert list(third) == [
        "number",
        "body",
        "date",
        "title",
        "result",
        "text",
        "url",
        "links",
        "assignments",
    ]
    assert third["links"]["measures"] == ["M1", "M1.1"]  # given as M1.1, M1
    assert [a["done_when"] for a in third["assignments"]] == [
        {"milestone": "A"},
        {"plan_version": 3},
        {"recorded": "2025-05-15"},
        {"milestone": "B"},
    ]


def test_a_recorded_assignment_not_done_yet_is_null_and_reads_back(today):
    doc = decisions_document()
    doc["decisions"][0]["assignments"][0]["done_when"] = {"recorded": None}  # DS 0100/2024
    doc["decisions"][0].pop("links")  # links may be left out: none
    programme = load(doc)
    item = Assignment.objects.get(decision__number="DS 0100/2024", code="A1")
    assert item.kind == "recorded" and item.recorded_on is None
    dumped = dump(programme)["decisions"][1]
    assert dumped["assignments"][0]["done_when"] == {"recorded": None}
    assert dumped["links"] == {"plan_versions": [], "positions": [], "measures": [], "grants": []}
    assert list(schema.VALIDATOR.iter_errors(dump(programme))) == []


def test_no_decisions_no_section(today):
    doc = decisions_document()
    del doc["decisions"]
    assert "decisions" not in dump(load(doc))


def test_a_replacement_keeps_each_decision_and_removes_what_the_document_lacks(today):
    programme = load(decisions_document())
    kept = Decision.objects.get(programme=programme, number="DS 0200/2025")
    kept_a3 = Assignment.objects.get(decision=kept, code="A3")
    doc = decisions_document()
    doc["decisions"] = [d for d in doc["decisions"] if d["number"] != "DS 0100/2024"]
    doc["decisions"][0]["title"] = "Datenplattform: Ausschreibung"
    doc["decisions"][0]["assignments"] = [
        a for a in doc["decisions"][0]["assignments"] if a["code"] != "A4"
    ]
    # milestone B is gone from the plan: the old A4 waited for it, the new document does not
    doc["milestones"] = [m for m in doc["milestones"] if m["code"] != "B"]
    doc["dependencies"] = [d for d in doc["dependencies"] if "B" not in d.values()]
    for version in doc["plan_versions"]:
        version["milestones"] = [e for e in version["milestones"] if e["code"] != "B"]
    load(doc, replace=True)
    assert sorted(
        Decision.objects.filter(programme=programme).values_list("number", flat=True)
    ) == [
        "DS 0050/2022",
        "DS 0200/2025",
    ]
    again = Decision.objects.get(pk=kept.pk)
    assert again.title == "Datenplattform: Ausschreibung"
    assert again.version == kept.version + 1  # a form opened before the load is refused
    assert list(again.assignments.values_list("code", flat=True)) == ["A1", "A2", "A3"]
    assert Assignment.objects.get(decision=again, code="A3").pk == kept_a3.pk
    # the plan version links were set again after the plan versions were rewritten
    assert list(again.plan_versions.values_list("number", flat=True)) == [2]


def put(doc, path, value):
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


D, A = "decisions", "assignments"
MISTAKES = [
    (
        (D, 2, A, 0, "done_when"),
        {"milestone": "M9"},
        "decisions[2].assignments[0].done_when.milestone: no milestone M9 in this document",
    ),
    (
        (D, 0, "body"),
        "SB",
        "decisions[0].body: SB (Seniorenbeirat) is a body of the kind advisory_council; a "
        "council decision is taken by a body of the kind council or committee",
    ),
    ((D, 0, "body"), "XY", "decisions[0].body: no body XY in participation.bodies; add it there"),
    (
        (D, 1, "number"),
        "DS 0100/2024",
        "decisions[1].number: DS 0100/2024 is used twice (first at decisions[0]); numbers must "
        "be unique",
    ),
    (
        (D, 1, A, 1, "code"),
        "A1",
        "decisions[1].assignments[1].code: assignment code 'A1' is used twice (first at "
        "decisions[1].assignments[0]); codes must be unique",
    ),
    (
        (D, 0, A, 0, "done_when"),
        {"milestone": "A", "plan_version": 2},
        'decisions[0].assignments[0].done_when: name one condition: {"milestone": CODE}, '
        '{"position": CODE, "step": STEP}, {"plan_version": N} or {"recorded": DATE}',
    ),
    (
        (D, 0, A, 0, "done_when"),
        {},
        'decisions[0].assignments[0].done_when: name one condition: {"milestone": CODE}, '
        '{"position": CODE, "step": STEP}, {"plan_version": N} or {"recorded": DATE}',
    ),
    (
        (D, 0, A, 0, "done_when"),
        {"position": "CDO"},
        "decisions[0].assignments[0].done_when.step: is missing; name the hiring step the post "
        'is to reach, e.g. "filled"',
    ),
    (
        (D, 0, A, 0, "done_when"),
        {"milestone": "A", "step": "filled"},
        "decisions[0].assignments[0].done_when.step: a hiring step goes with a position only",
    ),
    (
        (D, 0, A, 0, "done_when"),
        {"position": "NOPE", "step": "filled"},
        "decisions[0].assignments[0].done_when.position: no post NOPE in this document",
    ),
    (
        (D, 0, A, 0, "done_when"),
        {"position": "CDO", "step": "hired"},
        'decisions[0].assignments[0].done_when.step: "hired" is not a hiring step; use one of '
        "planned, in_establishment_plan, advertised, selection, offer, filled",
    ),
    (
        (D, 0, A, 0, "done_when"),
        {"recorded": "31.12.2024"},
        'decisions[0].assignments[0].done_when.recorded: "31.12.2024" is not a date; write it '
        "as YYYY-MM-DD, e.g. 2025-03-31, or null while there is none",
    ),
    (
        (D, 0, A, 0, "done_when"),
        {"plan_version": 0},
        "decisions[0].assignments[0].done_when.plan_version: is 0; it must be at least 1",
    ),
    (
        (D, 0, A, 0, "due"),
        "2024-03-13",
        "decisions[0].assignments[0].due: 2024-03-13 is before the date of the decision 2024-03-14",
    ),
    (
        (D, 0, "links", "measures"),
        ["M1", "M7"],
        "decisions[0].links.measures[1]: no measure M7 in this document",
    ),
    (
        (D, 0, "links", "plan_versions"),
        [2, 2],
        "decisions[0].links.plan_versions[1]: lists 2 twice (first at "
        "decisions[0].links.plan_versions[0])",
    ),
    (
        (D, 0, "links", "plan_versions"),
        [5],
        "decisions[0].links.plan_versions[0]: no plan version 5 in this document",
    ),
    (
        (D, 0, "links", "grants"),
        ["G9"],
        "decisions[0].links.grants[0]: no grant G9 in this document",
    ),
    (
        (D, 0, "links", "positions"),
        ["XX"],
        "decisions[0].links.positions[0]: no post XX in this document",
    ),
    (
        (D, 0, "result"),
        "approved",
        'decisions[0].result: "approved" is not a result; use one of adopted, '
        "adopted_with_changes, rejected, deferred, noted",
    ),
    (
        (D, 0, "url"),
        "ratsinfo.example.org",
        'decisions[0].url: "ratsinfo.example.org" is not a web address; write it like '
        "https://example.org/page",
    ),
    (
        (D, 0, "votes"),
        {"yes": 3, "no": 1},
        "decisions[0].votes.abstain: is missing; give a whole number",
    ),
    ((D, 0, "date"), "2024-02-30", 'decisions[0].date: "2024-02-30" is not a date; write it as'),
    ((D, 0, "title"), "", "decisions[0].title: is missing; fill it in"),
]


@pytest.mark.parametrize(
    ("path", "value", "message"), MISTAKES, ids=[m[2].split(":")[0] for m in MISTAKES]
)
def test_a_mistake_in_a_decision_is_named_by_its_path(path, value, message):
    doc = put(decisions_document(), path, value)
    (line,) = problems(doc)
    assert line.startswith(message)


def test_an_invalid_document_stores_nothing(today):
    programme = load(decisions_document())
    before = list(Decision.objects.order_by("pk").values())
    doc = decisions_document()
    doc["decisions"][0]["body"] = "JP"  # the youth parliament decides nothing
    doc["decisions"][0]["title"] = "Geändert"
    with pytest.raises(DocumentInvalid):
        load(doc, replace=True)
    assert list(Decision.objects.order_by("pk").values()) == before
    assert Decision.objects.filter(programme=programme).count() == 3


def places(value, path=()):
    yield path, value
    if isinstance(value, dict | list):
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            yield from places(item, (*path, key))


ODD = [None, "", " x", "x" * 301, -1, 1.5, 3.0, True, [], {}, "2025-02-30"]


def test_the_quick_pass_agrees_with_jsonschema_on_broken_decisions():
    doc = decisions_document()
    doc["decisions"][1]["assignments"][0]["done_when"] = {"recorded": None}
    checked = 0
    for path, _value in list(places({"decisions": doc["decisions"]}))[2:]:
        for odd in ODD:
            broken = put(copy.deepcopy(doc), path, odd)
            assert schema.QUICK(broken) == schema.VALIDATOR.is_valid(broken), (path, odd)
            checked += 1
    assert schema.QUICK(doc) and schema.VALIDATOR.is_valid(doc)
    assert checked > 500
