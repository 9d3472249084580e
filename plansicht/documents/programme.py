"""The programme document (format ``plansicht.programme/1``): check it, and write one out.

``parse`` checks a document completely and returns it cleaned (dates as ``date``, defaults
filled in) or raises :class:`DocumentInvalid` listing every problem as ``(path, message)``,
with paths like ``milestones[3].planned_start``. It stores nothing; ``services.plan.load_programme``
does. ``dump`` writes a stored programme back out so that dump → load → dump is identical.
The format is described in ``docs/programme-document.md`` and ``docs/programme.schema.json``.
"""

import json
import re
from contextlib import suppress
from datetime import date

from plansicht.engine import calendar
from plansicht.engine.schedule import DEPENDENCY_TYPES, cycle_members
from plansicht.plan.models import (
    CODE_LENGTH,
    Dependency,
    FieldOfAction,
    Measure,
    Milestone,
    PlanVersion,
    PlanVersionEntry,
    Programme,
)

from . import PROGRAMME_FORMAT as FORMAT
from . import funding, staffing

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_HINT = "write it as YYYY-MM-DD, e.g. 2025-03-31"
RANGE_HINT = f"give a date from {calendar.EARLIEST.isoformat()} to {calendar.LATEST.isoformat()}"

KNOWN_KEYS = {
    "": {
        "format",
        "programme",
        "fields_of_action",
        "measures",
        "milestones",
        "dependencies",
        "plan_versions",
    },
    "programme": {"slug", "title", "organisation", "thresholds"} | staffing.PROGRAMME_KEYS,
    "thresholds": {"amber_days", "red_days"},
    "fields_of_action": {"code", "title"},
    "measures": {
        "code",
        "title",
        "field_of_action",
        "parent",
        "lead_unit",
        "description",
        "draft",
        "internal_note",
    },
    "milestones": {
        "code",
        "measure",
        "title",
        "description",
        "planned_start",
        "duration_days",
        "actual_start",
        "actual_finish",
        "expected_finish",
        "progress",
        "draft",
        "internal_note",
        "requires_positions",
    },
    "dependencies": {"predecessor", "successor", "type", "lag_days"},
    "plan_versions": {"number", "label", "approved_on", "decision_ref", "milestones"},
    "entries": {"code", "start", "finish"},
    **funding.KNOWN_KEYS,
    **staffing.KNOWN_KEYS,
}
KNOWN_KEYS[""] |= set(funding.SECTIONS) | {"positions"}


MAX_DEPTH = 100  # a programme document needs five levels; far deeper input is a mistake
TOO_DEEP = (
    "(document)",
    f"nested more than {MAX_DEPTH} levels deep; a programme document needs only a few "
    "levels of [...] and {...}, so check the brackets",
)
NUL = "contains a NUL character (\\u0000), which text cannot hold; remove it"


class Pairs(dict):
    """A JSON object as read by :func:`object_pairs`: ``twice`` names the keys it repeats."""

    twice: tuple = ()


def object_pairs(pairs) -> Pairs:
    """``object_pairs_hook`` for ``json.load``: keep the last value of a repeated key as json
    does, but remember the key so that the check refuses the object instead of guessing."""
    obj = Pairs(pairs)
    if len(obj) != len(pairs):
        seen, twice = set(), []
        for key, _value in pairs:
            if key in seen and key not in twice:
                twice.append(key)
            seen.add(key)
        obj.twice = tuple(twice)
    return obj


class DocumentInvalid(Exception):
    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("\n".join(f"{path}: {message}" for path, message in problems))


class _Checker:
    """Collects every problem instead of stopping at the first, so a clerk fixes all at once."""

    def __init__(self):
        self.problems: list[tuple[str, str]] = []
        self.warnings: list[tuple[str, str]] = []

    def problem(self, path, message):
        self.problems.append((path, message))

    def obj(self, value, path, kind) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path or "(document)", "must be an object with named values ({...})")
            return None
        for key in getattr(value, "twice", ()):
            self.problem(_join(path, key), "appears twice in one object; keep one")
        for key in value:
            if key not in KNOWN_KEYS[kind]:
                self.warnings.append((_join(path, key), "unknown key, ignored"))
        return value

    def list(self, doc, key) -> list:
        value = doc.get(key, [])
        if not isinstance(value, list):
            self.problem(key, "must be a list ([...])")
            return []
        return value

    def text(self, obj, key, path, *, required=True, max_length=300):
        value = obj.get(key)
        where = _join(path, key)
        if value is None or value == "":
            if required:
                self.problem(where, "is missing; fill it in")
            return ""
        if not isinstance(value, str):
            self.problem(where, "must be text in quotes")
            return ""
        if required and not value.strip():
            self.problem(where, "is empty; fill it in")
        elif len(value) > max_length:
            self.problem(where, f"is {len(value)} characters long; at most {max_length} fit")
        return value

    def code(self, obj, key, path, *, required=True):
        value = self.text(obj, key, path, required=required, max_length=CODE_LENGTH)
        if value and value != value.strip():
            self.problem(_join(path, key), "must not start or end with a space")
        return value or None

    def date(self, obj, key, path, *, required=False) -> date | None:
        value = obj.get(key)
        where = _join(path, key)
        if value is None or value == "":
            if required:
                self.problem(where, f"is missing; {DATE_HINT}")
            return None
        if isinstance(value, str) and DATE_RE.match(value):
            with suppress(ValueError):  # e.g. 2025-02-30: reported below
                day = date.fromisoformat(value)
                if calendar.in_range(day):
                    return day
                self.problem(where, f"{value} is outside the dates Plansicht accepts; {RANGE_HINT}")
                return None
        self.problem(where, f"{json.dumps(value, ensure_ascii=False)} is not a date; {DATE_HINT}")
        return None

    def integer(self, obj, key, path, *, default=None, minimum=None, maximum=None):
        value = obj.get(key, default)
        where = _join(path, key)
        if value is None:
            self.problem(where, "is missing; give a whole number")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(where, f"{json.dumps(value, ensure_ascii=False)} is not a whole number")
            return None
        if minimum is not None and value < minimum:
            self.problem(where, f"is {value}; it must be at least {minimum}")
            return None
        if maximum is not None and value > maximum:
            self.problem(where, f"is {value}; it must be at most {maximum}")
            return None
        return value

    def boolean(self, obj, key, path):
        value = obj.get(key, False)
        if not isinstance(value, bool):
            self.problem(_join(path, key), "must be true or false")
            return False
        return value

    def unique(self, items, path_of, seen_what):
        """Codes must be unique: report each repeat with where it was first used."""
        first = {}
        for i, item in enumerate(items):
            code = item.get("code")
            if code is None:
                continue
            if code in first:
                self.problem(
                    f"{path_of(i)}.code",
                    f"{seen_what} code {code!r} is used twice (first at {path_of(first[code])}); "
                    "codes must be unique",
                )
            else:
                first[code] = i
        return first


def _join(path, key):
    return f"{path}.{key}" if path else key


def _scan(data) -> list[tuple[str, str]]:
    """Walk the raw document without recursion: refuse one nested too deep for the checks, and
    report every text (value or key) holding a NUL, which no database column can store."""
    problems = []
    stack = [(data, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise DocumentInvalid([TOO_DEEP])
            if isinstance(value, dict):
                items = []
                for key, item in value.items():
                    where = _join(path, str(key).replace("\x00", "\\u0000"))
                    if isinstance(key, str) and "\x00" in key:
                        problems.append((where, NUL))
                    items.append((item, where, depth + 1))
            else:
                items = [(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]
            stack.extend(reversed(items))  # popped in document order
        elif isinstance(value, str) and "\x00" in value:
            problems.append((path or "(document)", NUL))
    return problems


def parse(data) -> tuple[dict, list[tuple[str, str]]]:
    """Check a whole document. Returns (cleaned document, warnings) or raises DocumentInvalid."""
    nul = _scan(data)
    if nul:
        raise DocumentInvalid(nul)
    c = _Checker()
    doc = c.obj(data, "", "")
    if doc is None:
        raise DocumentInvalid(c.problems)
    fmt = doc.get("format")
    if fmt != FORMAT:
        if fmt is None:
            c.problem(
                "format", f'is missing; a programme document starts with "format": "{FORMAT}"'
            )
        else:
            c.problem(
                "format",
                f"{json.dumps(fmt, ensure_ascii=False)} is not a format this version of Plansicht "
                f"reads; it reads {FORMAT}",
            )
        raise DocumentInvalid(c.problems)

    out = {"programme": _programme(c, doc.get("programme"))}

    fields = []
    for i, raw in enumerate(c.list(doc, "fields_of_action")):
        path = f"fields_of_action[{i}]"
        item = c.obj(raw, path, "fields_of_action")
        if item is not None:
            fields.append(
                {"code": c.code(item, "code", path), "title": c.text(item, "title", path)}
            )
        else:
            fields.append({})
    field_index = c.unique(fields, lambda i: f"fields_of_action[{i}]", "field of action")
    out["fields_of_action"] = fields

    measures = []
    for i, raw in enumerate(c.list(doc, "measures")):
        path = f"measures[{i}]"
        item = c.obj(raw, path, "measures")
        if item is None:
            measures.append({})
            continue
        measures.append(
            {
                "code": c.code(item, "code", path),
                "title": c.text(item, "title", path),
                "field_of_action": c.code(item, "field_of_action", path),
                "parent": c.code(item, "parent", path, required=False),
                "lead_unit": c.text(item, "lead_unit", path, required=False, max_length=200)
                or None,
                "description": c.text(item, "description", path, required=False, max_length=20000),
                "draft": c.boolean(item, "draft", path),
                "internal_note": c.text(
                    item, "internal_note", path, required=False, max_length=20000
                ),
            }
        )
    measure_index = c.unique(measures, lambda i: f"measures[{i}]", "measure")
    for i, m in enumerate(measures):
        if m.get("field_of_action") and m["field_of_action"] not in field_index:
            c.problem(
                f"measures[{i}].field_of_action",
                f"{m['field_of_action']!r} is not the code of a field of action in this document",
            )
        if m.get("parent") is not None and m["parent"] not in measure_index:
            c.problem(
                f"measures[{i}].parent",
                f"{m['parent']!r} is not the code of a measure in this document",
            )
    _check_measure_tree(c, measures, measure_index)
    out["measures"] = measures

    milestones = []
    for i, raw in enumerate(c.list(doc, "milestones")):
        path = f"milestones[{i}]"
        item = c.obj(raw, path, "milestones")
        if item is None:
            milestones.append({})
            continue
        m = {
            "code": c.code(item, "code", path),
            "measure": c.code(item, "measure", path),
            "title": c.text(item, "title", path),
            "description": c.text(item, "description", path, required=False, max_length=20000),
            "planned_start": c.date(item, "planned_start", path, required=True),
            "duration_days": c.integer(item, "duration_days", path, minimum=0, maximum=36500),
            "actual_start": c.date(item, "actual_start", path),
            "actual_finish": c.date(item, "actual_finish", path),
            "expected_finish": c.date(item, "expected_finish", path),
            "progress": c.integer(item, "progress", path, default=0, minimum=0, maximum=100),
            "draft": c.boolean(item, "draft", path),
            "internal_note": c.text(item, "internal_note", path, required=False, max_length=20000),
        }
        if m["measure"] and m["measure"] not in measure_index:
            c.problem(
                f"{path}.measure", f"{m['measure']!r} is not the code of a measure in this document"
            )
        if m["actual_finish"] and item.get("actual_start") in (None, ""):
            c.problem(
                f"{path}.actual_finish", "an actual finish needs an actual start; add actual_start"
            )
        if m["actual_finish"] and m["actual_start"] and m["actual_finish"] < m["actual_start"]:
            c.problem(
                f"{path}.actual_finish",
                f"{m['actual_finish']} is before the actual start {m['actual_start']}",
            )
        milestones.append(m)
    milestone_index = c.unique(milestones, lambda i: f"milestones[{i}]", "milestone")
    out["milestones"] = milestones

    dependencies = []
    pairs = {}
    for i, raw in enumerate(c.list(doc, "dependencies")):
        path = f"dependencies[{i}]"
        item = c.obj(raw, path, "dependencies")
        if item is None:
            continue
        d = {
            "predecessor": c.code(item, "predecessor", path),
            "successor": c.code(item, "successor", path),
            "type": item.get("type", "FS"),
            "lag_days": c.integer(item, "lag_days", path, default=0, minimum=-36500, maximum=36500),
        }
        if d["type"] not in DEPENDENCY_TYPES:
            c.problem(
                f"{path}.type",
                f"{json.dumps(d['type'], ensure_ascii=False)} is not a dependency type; "
                'use "FS" (finish to start) or "SS" (start to start)',
            )
        ok = True
        for key in ("predecessor", "successor"):
            if d[key] and d[key] not in milestone_index:
                c.problem(
                    f"{path}.{key}", f"{d[key]!r} is not the code of a milestone in this document"
                )
                ok = False
            elif not d[key]:
                ok = False
        if ok:
            pair = (d["predecessor"], d["successor"])
            if pair in pairs:
                c.problem(
                    path,
                    f"{pair[0]} → {pair[1]} is listed twice (first at dependencies[{pairs[pair]}])",
                )
            else:
                pairs[pair] = i
            dependencies.append(d)
    out["dependencies"] = dependencies
    on_cycle = cycle_members(
        milestone_index, [(d["predecessor"], d["successor"]) for d in dependencies]
    )
    if on_cycle:
        c.problem(
            "dependencies",
            "the dependencies form a cycle through milestones "
            + ", ".join(on_cycle)
            + "; a milestone cannot wait for itself, so remove or turn round one of them",
        )

    versions = []
    numbers = {}
    for i, raw in enumerate(c.list(doc, "plan_versions")):
        path = f"plan_versions[{i}]"
        item = c.obj(raw, path, "plan_versions")
        if item is None:
            continue
        v = {
            "number": c.integer(item, "number", path, minimum=1, maximum=100000),
            "label": c.text(item, "label", path),
            "approved_on": c.date(item, "approved_on", path, required=True),
            "decision_ref": c.text(item, "decision_ref", path),
            "milestones": [],
        }
        if v["number"] is not None:
            if v["number"] in numbers:
                c.problem(
                    f"{path}.number",
                    f"version {v['number']} is listed twice "
                    f"(first at plan_versions[{numbers[v['number']]}])",
                )
            numbers.setdefault(v["number"], i)
        entries = item.get("milestones", [])
        if not isinstance(entries, list):
            c.problem(f"{path}.milestones", "must be a list ([...])")
            entries = []
        seen = {}
        for j, raw_entry in enumerate(entries):
            epath = f"{path}.milestones[{j}]"
            entry = c.obj(raw_entry, epath, "entries")
            if entry is None:
                continue
            e = {
                "code": c.code(entry, "code", epath),
                "start": c.date(entry, "start", epath, required=True),
                "finish": c.date(entry, "finish", epath, required=True),
            }
            if e["code"] and e["code"] not in milestone_index:
                c.problem(
                    f"{epath}.code",
                    f"{e['code']!r} is not the code of a milestone in this document",
                )
            elif e["code"] in seen:
                c.problem(
                    f"{epath}.code",
                    f"{e['code']!r} is listed twice in this version "
                    f"(first at {path}.milestones[{seen[e['code']]}])",
                )
            seen.setdefault(e["code"], j)
            if e["start"] and e["finish"] and e["finish"] < e["start"]:
                c.problem(f"{epath}.finish", f"{e['finish']} is before the start {e['start']}")
            v["milestones"].append(e)
        versions.append(v)
    out["plan_versions"] = versions
    out.update(funding.parse(c, doc, milestone_index))
    grant_codes = {g.get("code") for g in out["grants"]}
    out.update(staffing.parse(c, doc, milestones, milestone_index, grant_codes))

    if c.problems:
        raise DocumentInvalid(c.problems)
    return out, c.warnings


def _programme(c: _Checker, raw) -> dict:
    item = c.obj(raw, "programme", "programme")
    if item is None:
        return {}
    slug = c.text(item, "slug", "programme", max_length=50)
    if slug and not SLUG_RE.match(slug):
        c.problem(
            "programme.slug",
            f"{slug!r} cannot be used in a web address; use small letters, digits and single "
            "hyphens, e.g. musterstadt-2025",
        )
    p = {
        "slug": slug,
        "title": c.text(item, "title", "programme"),
        "organisation": c.text(item, "organisation", "programme", max_length=200),
        "amber_days": 30,
        "red_days": 90,
    }
    if "thresholds" in item:
        t = c.obj(item["thresholds"], "programme.thresholds", "thresholds")
        if t is not None:
            amber = c.integer(t, "amber_days", "programme.thresholds", default=30, minimum=0)
            red = c.integer(t, "red_days", "programme.thresholds", default=90, minimum=0)
            if amber is not None and red is not None:
                if amber > red:
                    c.problem(
                        "programme.thresholds.amber_days",
                        f"is {amber}, more than red_days ({red}); amber must come before red",
                    )
                p["amber_days"], p["red_days"] = amber, red
    staffing.parse_programme(c, item, p)
    return p


def _check_measure_tree(c: _Checker, measures, index):
    """A measure may not be its own ancestor."""
    parent = {m["code"]: m.get("parent") for m in measures if m.get("code")}
    reported = set()
    for code in parent:
        chain, node = [], code
        while node is not None and node in parent and node not in chain:
            chain.append(node)
            node = parent[node]
        if node is not None and node in chain:
            loop = chain[chain.index(node) :]
            if not reported.intersection(loop):
                reported.update(loop)
                c.problem(
                    f"measures[{index[node]}].parent",
                    "the measure tree loops: "
                    + " → ".join([*loop, node])
                    + "; a measure cannot lie below itself",
                )


# -- writing a document out -----------------------------------------------------------------


def _put(out: dict, key, value):
    """Optional keys are left out when empty."""
    if value not in (None, "", False, []):
        out[key] = value


def _iso(value):
    return value.isoformat() if value is not None else None


def dump(programme: Programme) -> dict:
    doc = {
        "format": FORMAT,
        "programme": {
            "slug": programme.slug,
            "title": programme.title,
            "organisation": programme.organisation.name,
            "thresholds": {"amber_days": programme.amber_days, "red_days": programme.red_days},
            **staffing.dump_programme(programme),
        },
    }
    positions, requires = staffing.dump(programme, _put, _iso)
    fields = sorted(
        (
            {"code": f.code, "title": f.title}
            for f in FieldOfAction.objects.filter(programme=programme)
        ),
        key=lambda f: f["code"],
    )
    measures = []
    for m in Measure.objects.filter(programme=programme).select_related(
        "field_of_action", "parent", "lead_unit"
    ):
        item = {"code": m.code, "title": m.title, "field_of_action": m.field_of_action.code}
        _put(item, "parent", m.parent.code if m.parent else None)
        _put(item, "lead_unit", m.lead_unit.name if m.lead_unit else None)
        _put(item, "description", m.description)
        _put(item, "draft", m.draft)
        _put(item, "internal_note", m.internal_note)
        measures.append(item)
    milestones = []
    for m in Milestone.objects.filter(programme=programme).select_related("measure"):
        item = {"code": m.code, "measure": m.measure.code, "title": m.title}
        _put(item, "description", m.description)
        item["planned_start"] = _iso(m.planned_start)
        item["duration_days"] = m.duration_days
        _put(item, "actual_start", _iso(m.actual_start))
        _put(item, "actual_finish", _iso(m.actual_finish))
        _put(item, "expected_finish", _iso(m.expected_finish))
        item["progress"] = m.progress
        _put(item, "draft", m.draft)
        _put(item, "internal_note", m.internal_note)
        _put(item, "requires_positions", requires.get(m.code, []))
        milestones.append(item)
    dependencies = sorted(
        (
            {"predecessor": p, "successor": s, "type": t, "lag_days": lag}
            for p, s, t, lag in Dependency.objects.filter(programme=programme).values_list(
                "predecessor__code", "successor__code", "type", "lag_days"
            )
        ),
        key=lambda d: (d["predecessor"], d["successor"]),
    )
    entries: dict[int, list] = {}
    for version_id, code, start, finish in PlanVersionEntry.objects.filter(
        version__programme=programme
    ).values_list("version_id", "milestone__code", "start", "finish"):
        entries.setdefault(version_id, []).append(
            {"code": code, "start": _iso(start), "finish": _iso(finish)}
        )
    versions = [
        {
            "number": v.number,
            "label": v.label,
            "approved_on": _iso(v.approved_on),
            "decision_ref": v.decision_ref,
            "milestones": sorted(entries.get(v.pk, []), key=lambda e: e["code"]),
        }
        for v in PlanVersion.objects.filter(programme=programme).order_by("number")
    ]
    _put(doc, "fields_of_action", fields)
    _put(doc, "measures", sorted(measures, key=lambda m: m["code"]))
    _put(doc, "milestones", sorted(milestones, key=lambda m: m["code"]))
    _put(doc, "dependencies", dependencies)
    _put(doc, "plan_versions", versions)
    doc.update(funding.dump(programme, _put, _iso))
    _put(doc, "positions", positions)
    return doc


def dumps(doc: dict) -> str:
    """The document as text: UTF-8 (not escaped), two-space indent, a final newline."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
