"""The published JSON Schema (docs/programme.schema.json) accepts what Plansicht writes and
reads, and refuses what the loader refuses for type reasons."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from plansicht.documents.programme import dump

from .factories import document, load

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "programme.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_the_schema_is_a_valid_json_schema():
    Draft202012Validator.check_schema(SCHEMA)


def test_the_demo_document_conforms():
    demo = json.loads((ROOT / "plansicht" / "demo" / "musterstadt.json").read_text("utf-8"))
    assert list(VALIDATOR.iter_errors(demo)) == []


@pytest.mark.django_db
def test_a_dump_conforms(today):
    assert list(VALIDATOR.iter_errors(dump(load()))) == []


def test_the_schema_refuses_wrong_types():
    doc = document()
    doc["milestones"][0]["duration_days"] = "dreißig"
    doc["dependencies"][0]["type"] = "FF"
    errors = {"/".join(map(str, e.absolute_path)) for e in VALIDATOR.iter_errors(doc)}
    assert errors == {"milestones/0/duration_days", "dependencies/0/type"}
