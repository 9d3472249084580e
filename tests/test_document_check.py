"""The loader checks a document's shape with the JSON Schema it ships and says what is wrong in
its own words, `path: message`; by hand it checks only what a schema cannot say."""

import copy
import json
from pathlib import Path

import pytest

from plansicht.documents import schema
from plansicht.documents.programme import DocumentInvalid, parse
from plansicht.funding.models import GRANT_FIELDS
from plansicht.plan.models import MILESTONE_FIELDS
from plansicht.staffing.models import POSITION_FIELDS

from .factories import staffed_document

ROOT = Path(__file__).resolve().parent.parent


def problems(doc) -> list[str]:
    with pytest.raises(DocumentInvalid) as refused:
        parse(doc)
    return [f"{path}: {message}" for path, message in refused.value.problems]


def test_the_published_schema_is_the_one_the_loader_ships():
    shipped = ROOT / "plansicht" / "documents" / "programme.schema.json"
    published = ROOT / "docs" / "programme.schema.json"
    assert published.read_bytes() == shipped.read_bytes()
    assert json.loads(published.read_text("utf-8")) == schema.SCHEMA


def test_schema_errors_become_path_and_message_lines():
    doc = staffed_document()
    doc["milestones"][3]["planned_start"] = "2025-13-01"
    doc["milestones"][2]["duration_days"] = "dreißig"
    del doc["programme"]["title"]
    doc["fields_of_action"][1]["title"] = "   "
    doc["measures"][0]["code"] = " M1"
    doc["grants"][0]["rate"] = "90 %"
    doc["cost_plan"][0]["category"] = "travel"
    doc["positions"][0]["steps"] = []
    assert problems(doc) == [
        "programme.title: is missing; fill it in",
        "fields_of_action[1].title: is empty; fill it in",
        "measures[0].code: must not start or end with a space",
        'milestones[2].duration_days: "dreißig" is not a whole number',
        'milestones[3].planned_start: "2025-13-01" is not a date; write it as YYYY-MM-DD, '
        "e.g. 2025-03-31",
        'grants[0].rate: "90 %" is not an amount; write it like "1234.50", with a point before '
        "the cents and no thousands separator",
        'cost_plan[0].category: "travel" is not a category; use one of staff, material, investment',
        'positions[0].steps: needs at least one hiring step, e.g. [{"step": "planned", '
        '"on": "2025-01-15"}]',
        # the measure's code with a space is no code: what referred to it is unknown now
        "measures[1].parent: 'M1' is not the code of a measure in this document",
        "milestones[0].measure: 'M1' is not the code of a measure in this document",
    ]


def test_unknown_keys_stay_warnings_everywhere():
    doc = staffed_document()
    doc["programme"]["hiring_days"]["filled"] = 3
    doc["plan_versions"][0]["milestones"][0]["comment"] = "x"
    doc["positions"][0]["steps"][0]["by"] = "HR"
    _document, warnings = parse(doc)
    assert warnings == [
        ("programme.hiring_days.filled", "unknown key, ignored"),
        ("plan_versions[0].milestones[0].comment", "unknown key, ignored"),
        ("positions[0].steps[0].by", "unknown key, ignored"),
    ]


def break_(doc, section, key, value):
    doc[section][0][key] = value
    return doc


@pytest.mark.parametrize(
    ("section", "key", "value", "expected"),
    [
        (
            "fields_of_action",
            "title",
            "x" * 301,
            "fields_of_action[0].title: is 301 characters long; at most 300 fit",
        ),
        ("measures", "field_of_action", "F9", "measures[0].field_of_action: 'F9' is not the"),
        (
            "milestones",
            "actual_finish",
            "2025-01-01",
            "milestones[0].actual_finish: 2025-01-01 is before the actual start 2025-01-05",
        ),
        (
            "dependencies",
            "lag_days",
            40000,
            "dependencies[0].lag_days: is 40000; it must be at most 36500",
        ),
        ("plan_versions", "number", 2, "plan_versions[1].number: version 2 is listed twice"),
        (
            "grants",
            "eligible_until",
            "2020-01-01",
            "grants[0].eligible_until: 2020-01-01 is before eligible_from 2021-01-01",
        ),
        (
            "cost_plan",
            "amount",
            12.345,
            "cost_plan[0].amount: 12.345 has more than 2 decimal places",
        ),
        (
            "expenditures",
            "cost_line",
            "K7",
            "expenditures[0].cost_line: 'K7' is not the code of a cost line",
        ),
        ("budget_lines", "year", 1989, "budget_lines[0].year: is 1989; it must be at least 1990"),
        ("drawdown_plan", "grant", "G2", "drawdown_plan[0].grant: 'G2' is not the code of a grant"),
        (
            "drawdowns",
            "received_on",
            "2025-04-01",
            "drawdowns[0].received_on: 2025-04-01 is before the request 2025-04-02",
        ),
        (
            "positions",
            "fte",
            "12.00",
            "positions[0].fte: is 12.00; a post's full-time "
            "equivalent is more than 0 and at most 10",
        ),
    ],
)
def test_every_section_says_what_is_wrong_with_a_bad_item(section, key, value, expected):
    doc = break_(staffed_document(), section, key, value)
    (line,) = problems(doc)
    assert line.startswith(expected)


def test_the_programme_section_says_what_is_wrong():
    doc = staffed_document()
    doc["programme"]["thresholds"] = {"amber_days": 100, "red_days": 90}
    doc["programme"]["alert_days"] = {"contract_ending": -1}
    assert problems(doc) == [
        "programme.alert_days.contract_ending: is -1; it must be at least 0",
        "programme.thresholds.amber_days: is 100, more than red_days (90); amber must come "
        "before red",
    ]


def test_items_that_are_not_objects_are_named_and_the_rest_still_checked():
    doc = staffed_document()
    doc["fields_of_action"].append("F3")
    doc["plan_versions"] = {"1": "Ursprünglicher Plan"}
    doc["cost_plan"][0]["milestone"] = "NOPE"
    assert problems(doc) == [
        "plan_versions: must be a list ([...])",
        "fields_of_action[2]: must be an object with named values ({...})",
        "cost_plan[0].milestone: 'NOPE' is not the code of a milestone in this document",
    ]


def test_a_cleaned_document_carries_the_shared_field_lists():
    document, _warnings = parse(staffed_document())
    assert set(document["milestones"][0]) == {"code", "measure", *MILESTONE_FIELDS}
    conditions = {
        "drawdown_window",
        "interim_report_months",
        "final_report_due",
        "reports_submitted",
        "repayments",
        "notifications",
    }
    assert set(document["grants"][0]) == {"code", *GRANT_FIELDS, *conditions}
    assert set(document["positions"][0]) == {"code", "steps", *POSITION_FIELDS}


# -- the quick pass decides exactly as jsonschema does -----------------------------------------

ODD = [None, "", " x", "x" * 301, -1, 1.5, 12.345, 3.0, True, [], {}, "2025-02-30", "0001-01-01"]


def places(value, path=()):
    """Every place in a document: (path, value)."""
    yield path, value
    if isinstance(value, dict | list):
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            yield from places(item, (*path, key))


def put(doc, path, value):
    doc = copy.deepcopy(doc)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


def test_the_quick_pass_agrees_with_jsonschema_on_many_broken_documents():
    doc = staffed_document()
    doc["drawdowns"][0].pop("amount_received")  # a broken pair, too
    checked = 0
    for path, _value in list(places(staffed_document()))[1:]:
        for odd in ODD:
            broken = put(doc, path, odd)
            assert schema.QUICK(broken) == schema.VALIDATOR.is_valid(broken), (path, odd)
            checked += 1
    assert schema.QUICK(staffed_document()) and schema.VALIDATOR.is_valid(staffed_document())
    assert checked > 2000


def test_the_quick_pass_refuses_a_keyword_it_does_not_know():
    with pytest.raises(ValueError, match="does not know"):
        schema.quick({"type": "string", "contentEncoding": "base64"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" 12.00", '" 12.00" is not an amount; write it like "1234.50", with a point before'),
        ("1.234,50", '"1.234,50" is not an amount; write it like "1234.50", with a point'),
        (-5, "is -5; it must be at least 0"),
        (True, 'true is not an amount; write it like "1234.50"'),
        (1e13, "is 10000000000000.0; it must be at most 999999999999.99"),
    ],
)
def test_an_amount_of_the_wrong_shape_is_named_in_the_loaders_words(value, expected):
    doc = break_(staffed_document(), "cost_plan", "amount", value)
    (line,) = problems(doc)
    assert line.startswith(f"cost_plan[0].amount: {expected}")
