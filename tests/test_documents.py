"""Programme documents (``plansicht.documents``): what is dumped reads back to the same
document, and a mistake in any section is named by its path with a message a clerk can act on.
(The commands around them: test_commands.py; the JSON schema: test_document_schema.py.)"""

import json

import pytest

from plansicht.documents.programme import DocumentInvalid, dump, dumps, parse
from plansicht.plan.models import Programme

from .factories import (
    decisions_document,
    funded_document,
    indicated_document,
    load,
    risks_document,
    staffed_document,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory", [funded_document, staffed_document, decisions_document, risks_document]
)
def test_dump_parse_load_dump_gives_the_same_document(today, factory):
    load(factory())
    first = dumps(dump(Programme.objects.get(slug="testprogramm")))
    load(json.loads(first), replace=True)  # parsed and loaded as a user's document would be
    second = dumps(dump(Programme.objects.get(slug="testprogramm")))
    assert second == first
    assert '"grants"' in first and '"expenditures"' in first
    assert ('"positions"' in first) == (factory is not funded_document)
    assert ('"decisions"' in first) == (factory in (decisions_document, risks_document))
    assert ('"risks"' in first) == (factory is risks_document)


def test_indicators_and_acceptances_dump_load_dump_identically(today):
    load(indicated_document())
    first = dumps(dump(Programme.objects.get(slug="testprogramm")))
    load(json.loads(first), replace=True)
    assert dumps(dump(Programme.objects.get(slug="testprogramm"))) == first
    fresh = json.loads(first)  # and as a new programme
    fresh["programme"]["slug"] = "zweitprogramm"
    load(fresh)
    assert dumps(dump(Programme.objects.get(slug="zweitprogramm"))) == dumps(fresh)
    assert '"indicators"' in first and '"accepted_on": "2025-03-03"' in first


def problems(doc) -> list[str]:
    with pytest.raises(DocumentInvalid) as raised:
        parse(doc)
    return str(raised.value).splitlines()


def change(section_path, key, value):
    def apply(doc):
        target = doc
        for part in section_path:
            target = target[part]
        target[key] = value

    return apply


# One mistake per section of the money and the posts, and the message that names it.
MISTAKES = [
    (("grants", 0), "rate", "1.5", "grants[0].rate: is 1.5; it must be at most 1"),
    (
        ("cost_plan", 0),
        "milestone",
        "NOPE",
        "cost_plan[0].milestone: 'NOPE' is not the code of a milestone in this document",
    ),
    (
        ("expenditures", 0),
        "amount",
        "zehn",
        'expenditures[0].amount: "zehn" is not an amount; write it like "1234.50", with a point '
        "before the cents and no thousands separator",
    ),
    (
        ("budget_lines", 0),
        "grant",
        "G9",
        "budget_lines[0].grant: 'G9' is not the code of a grant in this document",
    ),
    (
        ("drawdown_plan", 0),
        "on",
        "2025-13-01",
        'drawdown_plan[0].on: "2025-13-01" is not a date; write it as YYYY-MM-DD, e.g. 2025-03-31',
    ),
    (
        ("drawdowns", 0),
        "received_on",
        "2025-04-01",
        "drawdowns[0].received_on: 2025-04-01 is before the request 2025-04-02",
    ),
    (
        ("positions", 0),
        "grant",
        "G9",
        "positions[0].grant: 'G9' is not the code of a grant in this document",
    ),
    (
        ("positions", 0, "steps", 0),
        "step",
        "hired",
        'positions[0].steps[0].step: "hired" is not a hiring step; use one of planned, '
        "in_establishment_plan, advertised, selection, offer, filled",
    ),
    (
        ("programme", "hiring_days"),
        "planned",
        -1,
        "programme.hiring_days.planned: is -1; it must be at least 0",
    ),
]


@pytest.mark.parametrize(
    ("where", "key", "value", "message"), MISTAKES, ids=[m[3].split(":")[0] for m in MISTAKES]
)
def test_a_mistake_in_a_section_is_named_by_its_path(where, key, value, message):
    doc = staffed_document()
    change(where, key, value)(doc)
    assert problems(doc) == [message]
