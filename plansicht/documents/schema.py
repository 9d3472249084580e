"""The shape of a programme document, checked with the JSON Schema shipped next to this file
(``programme.schema.json``; ``docs/programme.schema.json`` is its published copy).

``shape_problems`` returns every schema error as ``(path, message)`` in the loader's words.
jsonschema is the judge and names every error; because it takes about ten times as long as the
rest of the check on a large document, a quick pass compiled from the same schema first decides
which items are valid (almost all), and jsonschema then looks only at the others.
"""

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jsonschema import Draft202012Validator, validators

from plansicht.engine import calendar

SCHEMA = json.loads(Path(__file__).with_name("programme.schema.json").read_text("utf-8"))
DEFS = SCHEMA["$defs"]

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
DATE_HINT = "write it as YYYY-MM-DD, e.g. 2025-03-31"
RANGE_HINT = f"give a date from {calendar.EARLIEST.isoformat()} to {calendar.LATEST.isoformat()}"
DECIMAL_RE = re.compile(r"^-?\d+(\.\d+)?$")


def _integer(_checker, value):
    """A whole number is an int, not 3.0 and not true."""
    return isinstance(value, int) and not isinstance(value, bool)


Validator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _integer),
)
VALIDATOR = Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def known_keys(name: str) -> set:
    """The keys a definition names; others are ignored with a warning."""
    return set(DEFS[name]["properties"])


def section_def(section: str) -> str | None:
    """The definition of a top-level list's items, e.g. ``milestone`` for ``milestones``."""
    items = SCHEMA["properties"][section].get("items")
    return items["$ref"].rsplit("/", 1)[1] if items else None


# -- the quick pass -----------------------------------------------------------------------------
# One Python function per (sub)schema, each doing the work of all its keywords at once. It
# knows exactly the keywords the schema uses and refuses to compile any other, so the schema
# cannot outgrow it unnoticed; tests compare it with jsonschema on many broken documents.

ANNOTATIONS = {"description", "default", "title", "$schema", "$id", "$defs", "examples"}


def is_date(v):
    if not DATE_RE.match(v):
        return False
    try:
        date.fromisoformat(v)
    except ValueError:
        return False
    return True


def _only(schema, allowed):
    unknown = set(schema) - ANNOTATIONS - allowed
    if unknown:
        raise ValueError(f"the quick pass does not know {sorted(unknown)}; teach it")


def _object(schema):
    _only(schema, {"type", "required", "properties", "dependentRequired"})
    required = tuple(schema.get("required", ()))
    props = {key: quick(sub) for key, sub in schema.get("properties", {}).items()}
    dependent = tuple(schema.get("dependentRequired", {}).items())

    def check(v):
        if not isinstance(v, dict):
            return False
        for key in required:
            if key not in v:
                return False
        for key, value in v.items():
            f = props.get(key)
            if f is not None and not f(value):
                return False
        for key, needs in dependent:
            if key in v and any(need not in v for need in needs):
                return False
        return True

    return check


def _array(schema):
    _only(schema, {"type", "items", "minItems", "uniqueItems"})
    item = quick(schema["items"]) if "items" in schema else None
    least, unique = schema.get("minItems", 0), schema.get("uniqueItems", False)

    def check(v):
        if not isinstance(v, list) or len(v) < least:
            return False
        if unique and len({json.dumps(x, sort_keys=True) for x in v}) != len(v):
            return False
        return item is None or all(map(item, v))

    return check


def _string(schema):
    _only(schema, {"type", "minLength", "maxLength", "pattern", "format"})
    least, most = schema.get("minLength", 0), schema.get("maxLength", float("inf"))
    search = re.compile(schema["pattern"]).search if "pattern" in schema else None
    if schema.get("format", "date") != "date":
        raise ValueError(f"the quick pass does not know the format {schema['format']!r}")
    dated = "format" in schema

    def check(v):
        return (
            isinstance(v, str)
            and least <= len(v) <= most
            and (search is None or search(v) is not None)
            and (not dated or is_date(v))
        )

    return check


def _number(schema):
    _only(schema, {"type", "minimum", "maximum", "exclusiveMinimum"})
    kinds = int if schema["type"] == "integer" else int | float
    least, most = schema.get("minimum", -float("inf")), schema.get("maximum", float("inf"))
    above = schema.get("exclusiveMinimum", -float("inf"))

    def check(v):
        return isinstance(v, kinds) and not isinstance(v, bool) and least <= v <= most and v > above

    return check


def _boolean(schema):
    _only(schema, {"type"})
    return lambda v: isinstance(v, bool)


def _choice(schema):
    _only(schema, {"enum", "const"})
    values = schema["enum"] if "enum" in schema else [schema["const"]]
    if not all(isinstance(x, str) for x in values):
        raise ValueError("the quick pass knows only texts in enum and const")
    values = frozenset(values)
    return lambda v: isinstance(v, str) and v in values


def _null(schema):
    _only(schema, {"type"})
    return lambda v: v is None


def _any_of(schema):
    _only(schema, {"anyOf"})
    options = [quick(sub) for sub in schema["anyOf"]]
    return lambda v: any(f(v) for f in options)


_BY_TYPE = {
    "object": _object,
    "array": _array,
    "string": _string,
    "integer": _number,
    "number": _number,
    "boolean": _boolean,
    "null": _null,
}
_QUICK: dict = {}


def quick(schema: dict):
    """``schema`` as one fast predicate: True exactly when jsonschema finds no error."""
    if "$ref" in schema:
        _only(schema, {"$ref"})
        name = schema["$ref"].rsplit("/", 1)[1]
        if name not in _QUICK:  # the schema's definitions do not refer to themselves
            _QUICK[name] = quick(DEFS[name])
        return _QUICK[name]
    if "type" in schema:
        return _BY_TYPE[schema["type"]](schema)
    if "anyOf" in schema:
        return _any_of(schema)
    return _choice(schema)


for _name in DEFS:
    quick({"$ref": f"#/$defs/{_name}"})
QUICK = quick(SCHEMA)


# -- from jsonschema's errors to the loader's words ---------------------------------------------


def _path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _kind(schema: dict) -> str | None:
    """Which definition a (sub)schema is, for its messages: date, code, amount, …"""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    names = ("date", "date_or_null", "code", "amount", "rate", "fte", "title", "indicator_value")
    for name in names:
        if schema == DEFS[name]:
            return name
    return None


def date_message(value) -> str:
    if isinstance(value, str) and is_date(value):
        return f"{value} is outside the dates Plansicht accepts; {RANGE_HINT}"
    return f"{json.dumps(value, ensure_ascii=False)} is not a date; {DATE_HINT}"


def amount_message(value, kind: str) -> str:
    """Why ``value`` is no amount (or rate, or full-time equivalent)."""
    shown = json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return f'{shown} is not an amount; write it like "1234.50"'
    text = value if isinstance(value, str) else repr(value)
    try:
        number = Decimal(text) if DECIMAL_RE.match(text) else None
    except InvalidOperation:
        number = None
    if number is None:
        return (
            f'{shown} is not an amount; write it like "1234.50", '
            "with a point before the cents and no thousands separator"
        )
    places = 4 if kind == "rate" else 2
    if -number.as_tuple().exponent > places:
        return f"{text} has more than {places} decimal places"
    if kind == "fte":
        return (
            f"is {number}; a post's full-time equivalent is more than 0 and at most 10, "
            "e.g. 1.00 or 0.50"
        )
    if number < 0:
        return f"is {text}; it must be at least 0"
    return f"is {text}; it must be at most {1 if kind == 'rate' else '999999999999.99'}"


def value_message(value) -> str:
    """Why ``value`` is no indicator value as written."""
    shown = json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (
            f'{shown} is a number; write it as text in quotes, e.g. "{shown}", so that it is '
            "kept as written"
        )
    if isinstance(value, str) and re.fullmatch(r"-?\d+\.\d{5,}", value, re.ASCII):
        return f"{value} has more than 4 decimal places"
    return (
        f'{shown} is not a value; write it like "70" or "12.50", with a point before at most '
        "four decimals and no thousands separator"
    )


def _missing(key: str, schema: dict) -> str:
    kind = _kind(schema)
    if kind == "date":
        return f"is missing; {DATE_HINT}"
    if kind == "indicator_value":
        return 'is missing; give a value such as "12.50"'
    if kind in ("amount", "rate", "fte"):
        return 'is missing; give an amount such as "1234.50"'
    if key == "steps":
        return 'needs at least one hiring step, e.g. [{"step": "planned", "on": "2025-01-15"}]'
    return {
        "integer": "is missing; give a whole number",
        "boolean": "is missing; say true or false",
        "array": "is missing; give a list ([...])",
    }.get(schema.get("type"), "is missing; fill it in")


MISSING_HALF = "is missing; a received drawdown needs both its date and its amount"
# A key that needs another: (key, the one it needs) → (where the message goes, the message).
NEEDS = {
    ("actual_finish", "actual_start"): (
        "actual_finish",
        "an actual finish needs an actual start; add actual_start",
    ),
    ("accepted_on", "actual_finish"): (
        "accepted_on",
        "the funder accepts only a finished milestone; add actual_finish",
    ),
    ("acceptance_ref", "accepted_on"): (
        "acceptance_ref",
        "a funder's reference needs the date of the acceptance; add accepted_on",
    ),
}
ENUMS = {
    "type": 'is not a dependency type; use "FS" (finish to start) or "SS" (start to start)',
    "category": "is not a category; use one of {}",
    "cover": "is not a stand-in kind; use one of {}",
    "step": "is not a hiring step; use one of {}",
    "result": "is not a result; use one of {}",
}


def _messages(error, prefix):  # noqa: C901 - one case per keyword the schema uses
    """(path, message) pairs for one jsonschema error."""
    parts = [*prefix, *error.absolute_path]
    where = _path(parts) or "(document)"
    key = parts[-1] if parts else None
    value, schema, word = error.instance, error.schema, error.validator
    shown = json.dumps(value, ensure_ascii=False)
    kind = _kind(schema)
    if word == "required":
        for name in error.validator_value:
            if name not in value:
                sub = schema.get("properties", {}).get(name, {})
                yield _path([*parts, name]), _missing(name, sub)
        return
    if word == "dependentRequired":
        for name, needs in error.validator_value.items():
            for need in needs:
                if name in value and need not in value:
                    if (name, need) in NEEDS:
                        key, message = NEEDS[(name, need)]
                        yield _path([*parts, key]), message
                    else:
                        yield _path([*parts, need]), MISSING_HALF
        return
    if key == "steps" and word in ("type", "minItems"):
        yield where, _missing("steps", {})
        return
    if "requires_positions" in parts and word in ("type", "items", "minLength", "pattern"):
        where = _path(parts[: parts.index("requires_positions") + 1])
        yield where, 'must be a list of position codes, e.g. ["CDO"]'
        return
    if word == "uniqueItems":
        yield where, "lists a position twice"
        return
    if kind == "date" or (word == "format" and schema.get("format") == "date"):
        yield where, date_message(value)
        return
    if kind == "indicator_value":
        yield where, value_message(value)
        return
    if word == "anyOf" and kind == "date_or_null":
        yield where, date_message(value) + ", or null while there is none"
        return
    if word == "anyOf":
        yield where, amount_message(value, kind)
        return
    if word == "type":
        yield (
            where,
            {
                "object": "must be an object with named values ({...})",
                "array": "must be a list ([...])",
                "string": "must be text in quotes",
                "integer": f"{shown} is not a whole number",
                "boolean": "must be true or false",
            }.get(error.validator_value, f"must be of type {error.validator_value}"),
        )
        return
    if word == "minLength":
        yield where, "is missing; fill it in"
    elif word == "maxLength":
        yield where, f"is {len(value)} characters long; at most {error.validator_value} fit"
    elif word == "pattern" and kind == "code":
        yield where, "must not start or end with a space"
    elif word == "pattern" and key == "slug":
        yield (
            where,
            f"{value!r} cannot be used in a web address; use small letters, digits and single "
            "hyphens, e.g. musterstadt-2025",
        )
    elif word == "pattern" and key == "url":
        yield where, f"{shown} is not a web address; write it like https://example.org/page"
    elif word == "pattern" and error.validator_value == "\\S":
        yield where, "is empty; fill it in"
    elif word == "minimum":
        yield where, f"is {value}; it must be at least {error.validator_value}"
    elif word == "maximum":
        yield where, f"is {value}; it must be at most {error.validator_value}"
    elif word == "enum" and key in ENUMS:
        yield where, f"{shown} " + ENUMS[key].format(", ".join(error.validator_value))
    else:
        yield where, error.message


def _problems(validator, value, prefix) -> list[tuple[str, str]]:
    out, seen = [], set()
    for error in validator.iter_errors(value):
        for path, message in _messages(error, prefix):
            if path not in seen:  # one message per place: the first the schema finds
                seen.add(path)
                out.append((path, message))
    return out


_ITEM_VALIDATORS = {
    name: Validator(
        {"$defs": DEFS, "$ref": f"#/$defs/{name}"},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    for name in DEFS
}
# The document without the items of its lists, which are checked one by one.
_OUTER = Validator(
    {
        **{k: v for k, v in SCHEMA.items() if k != "properties"},
        "properties": {
            key: {k: v for k, v in prop.items() if k != "items"}
            for key, prop in SCHEMA["properties"].items()
        },
    },
    format_checker=Draft202012Validator.FORMAT_CHECKER,
)


def shape_problems(doc) -> list[tuple[str, str]]:
    """Every place where ``doc`` does not have the shape the schema describes, in document
    order by section, as (path, message)."""
    if QUICK(doc):
        return []
    problems = _problems(_OUTER, doc, [])
    for section in SCHEMA["properties"]:
        items = doc.get(section)
        name = section_def(section)
        if name is None or not isinstance(items, list):
            continue
        check = _QUICK[name]
        for i, item in enumerate(items):
            if not check(item):
                problems += _problems(_ITEM_VALIDATORS[name], item, [section, i])
    return problems
