"""The programme document (format ``plansicht.programme/1``): check it, and write one out.

``parse`` checks a document completely and returns it cleaned (dates as ``date``, defaults
filled in) or raises :class:`DocumentInvalid` listing every problem as ``(path, message)``,
with paths like ``milestones[3].planned_start``. The shape is checked with the JSON Schema
shipped in this package (``schema.py``); by hand only what a schema cannot say: references,
unique codes, cycles, the order of dates, NUL characters, keys given twice and the depth.
It stores nothing; ``services.programme.load_programme`` does. ``dump`` writes a stored
programme back out so that dump → load → dump is identical. The format is described in
``docs/programme-document.md`` and ``docs/programme.schema.json``.
"""

import json

from plansicht.engine.schedule import cycle_members
from plansicht.plan import models as plan

from . import PROGRAMME_FORMAT as FORMAT
from . import decisions, funding, indicators, participation, risks, staffing
from .check import Checker, as_bool, as_code, as_date, as_int, as_text, join, objects
from .schema import SCHEMA, known_keys, shape_problems

MAX_DEPTH = 100  # a programme document needs five levels; far deeper input is a mistake
TOO_DEEP = (
    "(document)",
    f"nested more than {MAX_DEPTH} levels deep; a programme document needs only a few "
    "levels of [...] and {...}, so check the brackets",
)
NUL = "contains a NUL character (\\u0000), which text cannot hold; remove it"
TWICE = "appears twice in one object; keep one"


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


def _scan(data) -> tuple[list, list]:
    """Walk the raw document without recursion: refuse one nested too deep for the checks,
    report every text (value or key) holding a NUL, which no database column can store, and
    every key given twice in one object. Returns (NUL problems, keys given twice)."""
    problems, twice = [], []
    stack = [(data, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise DocumentInvalid([TOO_DEEP])
            if isinstance(value, dict):
                twice += [(join(path, key), TWICE) for key in getattr(value, "twice", ())]
                items = []
                for key, item in value.items():
                    where = join(path, str(key).replace("\x00", "\\u0000"))
                    if isinstance(key, str) and "\x00" in key:
                        problems.append((where, NUL))
                    items.append((item, where, depth + 1))
            else:
                items = [(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]
            stack.extend(reversed(items))  # popped in document order
        elif isinstance(value, str) and "\x00" in value:
            problems.append((path or "(document)", NUL))
    return problems, twice


def _check_format(data):
    """Is this a programme document this version reads at all? If not, say only that."""
    if not isinstance(data, dict):
        raise DocumentInvalid([("(document)", "must be an object with named values ({...})")])
    fmt = data.get("format")
    if fmt is None:
        raise DocumentInvalid(
            [("format", f'is missing; a programme document starts with "format": "{FORMAT}"')]
        )
    if fmt != FORMAT:
        raise DocumentInvalid(
            [
                (
                    "format",
                    f"{json.dumps(fmt, ensure_ascii=False)} is not a format this version of "
                    f"Plansicht reads; it reads {FORMAT}",
                )
            ]
        )


def parse(data) -> tuple[dict, list[tuple[str, str]]]:
    """Check a whole document. Returns (cleaned document, warnings) or raises DocumentInvalid."""
    nul, twice = _scan(data)
    if nul:
        raise DocumentInvalid(nul)
    _check_format(data)
    c = Checker(twice + shape_problems(data))
    c.unknown(data, "", set(SCHEMA["properties"]))
    out = {"programme": _programme(c, data.get("programme"))}
    out["fields_of_action"], fields = _fields_of_action(c, data)
    out["measures"], measures = _measures(c, data, fields)
    out["milestones"], milestones = _milestones(c, data, measures)
    out["dependencies"] = _dependencies(c, data, milestones)
    out["plan_versions"] = _plan_versions(c, data, milestones)
    out.update(funding.parse(c, data, milestones))
    grant_codes = {g.get("code") for g in out["grants"]}
    out.update(staffing.parse(c, data, out["milestones"], milestones, grant_codes))
    positions = {p.get("code") for p in out["positions"]}
    indexes = {"measure": measures, "milestone": milestones, "position": positions}
    out["participation"] = participation.parse(c, data, out["programme"], indexes)
    indexes["grant"] = grant_codes
    indexes["plan_version"] = {v["number"] for v in out["plan_versions"]}
    out["decisions"] = decisions.parse(c, data, out["participation"]["bodies"], indexes)
    out["risks"] = risks.parse(c, data, measures)
    if c.problems:
        raise DocumentInvalid(c.problems)
    return out, c.warnings


def _programme(c: Checker, item) -> dict:
    if not isinstance(item, dict):
        return {}
    c.unknown(item, "programme", known_keys("programme"))
    p = {
        "slug": as_text(item, "slug"),
        "title": as_text(item, "title"),
        "organisation": as_text(item, "organisation"),
        "amber_days": 30,
        "red_days": 90,
    }
    thresholds = item.get("thresholds")
    if isinstance(thresholds, dict):
        c.unknown(thresholds, "programme.thresholds", known_keys("thresholds"))
        amber, red = as_int(thresholds, "amber_days"), as_int(thresholds, "red_days")
        if amber is not None and red is not None:
            if amber > red:
                c.problem(
                    "programme.thresholds.amber_days",
                    f"is {amber}, more than red_days ({red}); amber must come before red",
                )
            p["amber_days"], p["red_days"] = amber, red
    staffing.parse_programme(c, item, p)
    participation.parse_programme(c, item, p)
    return p


def _fields_of_action(c: Checker, doc) -> tuple[list, dict]:
    fields = []
    for path, item, known in objects(doc, "fields_of_action", "field_of_action"):
        if item is None:
            fields.append({})
            continue
        c.unknown(item, path, known)
        fields.append({"code": as_code(item, "code"), "title": as_text(item, "title")})
    return fields, c.unique(fields, lambda i: f"fields_of_action[{i}]", "field of action")


def _measures(c: Checker, doc, field_index) -> tuple[list, dict]:
    measures = []
    for path, item, known in objects(doc, "measures", "measure"):
        if item is None:
            measures.append({})
            continue
        c.unknown(item, path, known)
        measures.append(
            {
                "code": as_code(item, "code"),
                "title": as_text(item, "title"),
                "field_of_action": as_code(item, "field_of_action"),
                "parent": as_code(item, "parent"),
                "lead_unit": as_text(item, "lead_unit") or None,
                "description": as_text(item, "description"),
                "draft": as_bool(item, "draft"),
                "internal_note": as_text(item, "internal_note"),
                "indicators": indicators.parse(c, item, path),
            }
        )
    index = c.unique(measures, lambda i: f"measures[{i}]", "measure")
    for i, m in enumerate(measures):
        what = "field of action"
        c.ref(m.get("field_of_action"), field_index, f"measures[{i}].field_of_action", what)
        c.ref(m.get("parent"), index, f"measures[{i}].parent", "measure")
    _check_measure_tree(c, measures, index)
    return measures, index


def _milestones(c: Checker, doc, measure_index) -> tuple[list, dict]:
    milestones = []
    for path, item, known in objects(doc, "milestones", "milestone"):
        if item is None:
            milestones.append({})
            continue
        c.unknown(item, path, known)
        m = {
            "code": as_code(item, "code"),
            "measure": as_code(item, "measure"),
            "title": as_text(item, "title"),
            "description": as_text(item, "description"),
            "planned_start": as_date(item, "planned_start"),
            "duration_days": as_int(item, "duration_days"),
            "actual_start": as_date(item, "actual_start"),
            "actual_finish": as_date(item, "actual_finish"),
            "expected_finish": as_date(item, "expected_finish"),
            "progress": as_int(item, "progress", 0),
            "draft": as_bool(item, "draft"),
            "internal_note": as_text(item, "internal_note"),
            "accepted_on": as_date(item, "accepted_on"),
            "acceptance_ref": as_text(item, "acceptance_ref"),
        }
        c.ref(m["measure"], measure_index, f"{path}.measure", "measure")
        if m["actual_finish"] and m["actual_start"] and m["actual_finish"] < m["actual_start"]:
            c.problem(
                f"{path}.actual_finish",
                f"{m['actual_finish']} is before the actual start {m['actual_start']}",
            )
        if m["accepted_on"] and m["actual_finish"] and m["accepted_on"] < m["actual_finish"]:
            c.problem(
                f"{path}.accepted_on",
                f"{m['accepted_on']} is before the actual finish {m['actual_finish']}; the "
                "funder accepts a milestone on or after it was finished",
            )
        milestones.append(m)
    return milestones, c.unique(milestones, lambda i: f"milestones[{i}]", "milestone")


def _dependencies(c: Checker, doc, milestone_index) -> list:
    dependencies, pairs = [], {}
    for path, item, known in objects(doc, "dependencies", "dependency"):
        if item is None:
            continue
        c.unknown(item, path, known)
        d = {
            "predecessor": as_code(item, "predecessor"),
            "successor": as_code(item, "successor"),
            "type": item.get("type", "FS"),
            "lag_days": as_int(item, "lag_days", 0),
        }
        for key in ("predecessor", "successor"):
            c.ref(d[key], milestone_index, f"{path}.{key}", "milestone")
        if d["predecessor"] in milestone_index and d["successor"] in milestone_index:
            pair = (d["predecessor"], d["successor"])
            if pair in pairs:
                c.problem(path, f"{pair[0]} → {pair[1]} is listed twice (first at {pairs[pair]})")
            else:
                pairs[pair] = path
            dependencies.append(d)
    on_cycle = cycle_members(milestone_index, list(pairs))
    if on_cycle:
        c.problem(
            "dependencies",
            "the dependencies form a cycle through milestones "
            + ", ".join(on_cycle)
            + "; a milestone cannot wait for itself, so remove or turn round one of them",
        )
    return dependencies


def _plan_versions(c: Checker, doc, milestone_index) -> list:
    versions, numbers = [], {}
    for path, item, known in objects(doc, "plan_versions", "plan_version"):
        if item is None:
            continue
        c.unknown(item, path, known)
        v = {
            "number": as_int(item, "number"),
            "label": as_text(item, "label"),
            "approved_on": as_date(item, "approved_on"),
            "decision_ref": as_text(item, "decision_ref"),
            "milestones": _plan_version_entries(c, item, path, milestone_index),
        }
        if v["number"] is not None:
            if v["number"] in numbers:
                c.problem(
                    f"{path}.number",
                    f"version {v['number']} is listed twice (first at {numbers[v['number']]})",
                )
            numbers.setdefault(v["number"], path)
        versions.append(v)
    return versions


def _plan_version_entries(c: Checker, version, path, milestone_index) -> list:
    entries, seen = [], {}
    for epath, entry, known in objects(version, "milestones", "plan_version_milestone"):
        epath = f"{path}.{epath}"
        if entry is None:
            continue
        c.unknown(entry, epath, known)
        e = {
            "code": as_code(entry, "code"),
            "start": as_date(entry, "start"),
            "finish": as_date(entry, "finish"),
        }
        c.ref(e["code"], milestone_index, f"{epath}.code", "milestone")
        if e["code"] in milestone_index and e["code"] in seen:
            c.problem(
                f"{epath}.code",
                f"{e['code']!r} is listed twice in this version (first at {seen[e['code']]})",
            )
        seen.setdefault(e["code"], epath)
        if e["start"] and e["finish"] and e["finish"] < e["start"]:
            c.problem(f"{epath}.finish", f"{e['finish']} is before the start {e['start']}")
        entries.append(e)
    return entries


def _check_measure_tree(c: Checker, measures, index):
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
    if value not in (None, "", False, [], {}):
        out[key] = value


def _iso(value):
    return value.isoformat() if value is not None else None


def dump(programme: plan.Programme) -> dict:
    doc = {
        "format": FORMAT,
        "programme": {
            "slug": programme.slug,
            "title": programme.title,
            "organisation": programme.organisation.name,
            "thresholds": {"amber_days": programme.amber_days, "red_days": programme.red_days},
            **staffing.dump_programme(programme),
            **participation.dump_programme(programme),
        },
    }
    positions, requires = staffing.dump(programme, _put, _iso)
    fields = sorted(
        (
            {"code": f.code, "title": f.title}
            for f in plan.FieldOfAction.objects.filter(programme=programme)
        ),
        key=lambda f: f["code"],
    )
    measures = []
    measure_indicators = indicators.dump(programme)
    for m in plan.Measure.objects.filter(programme=programme).select_related(
        "field_of_action", "parent", "lead_unit"
    ):
        item = {"code": m.code, "title": m.title, "field_of_action": m.field_of_action.code}
        _put(item, "parent", m.parent.code if m.parent else None)
        _put(item, "lead_unit", m.lead_unit.name if m.lead_unit else None)
        _put(item, "description", m.description)
        _put(item, "draft", m.draft)
        _put(item, "internal_note", m.internal_note)
        _put(item, "indicators", measure_indicators.get(m.pk, []))
        measures.append(item)
    milestones = []
    for m in plan.Milestone.objects.filter(programme=programme).select_related("measure"):
        item = {"code": m.code, "measure": m.measure.code, "title": m.title}
        _put(item, "description", m.description)
        item["planned_start"] = _iso(m.planned_start)
        item["duration_days"] = m.duration_days
        _put(item, "actual_start", _iso(m.actual_start))
        _put(item, "actual_finish", _iso(m.actual_finish))
        _put(item, "accepted_on", _iso(m.accepted_on))
        _put(item, "acceptance_ref", m.acceptance_ref)
        _put(item, "expected_finish", _iso(m.expected_finish))
        item["progress"] = m.progress
        _put(item, "draft", m.draft)
        _put(item, "internal_note", m.internal_note)
        _put(item, "requires_positions", requires.get(m.code, []))
        milestones.append(item)
    dependencies = sorted(
        (
            {"predecessor": p, "successor": s, "type": t, "lag_days": lag}
            for p, s, t, lag in plan.Dependency.objects.filter(programme=programme).values_list(
                "predecessor__code", "successor__code", "type", "lag_days"
            )
        ),
        key=lambda d: (d["predecessor"], d["successor"]),
    )
    entries: dict[int, list] = {}
    for version_id, code, start, finish in plan.PlanVersionEntry.objects.filter(
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
        for v in plan.PlanVersion.objects.filter(programme=programme).order_by("number")
    ]
    _put(doc, "fields_of_action", fields)
    _put(doc, "measures", sorted(measures, key=lambda m: m["code"]))
    _put(doc, "milestones", sorted(milestones, key=lambda m: m["code"]))
    _put(doc, "dependencies", dependencies)
    _put(doc, "plan_versions", versions)
    doc.update(funding.dump(programme, _put, _iso))
    _put(doc, "positions", positions)
    _put(doc, "participation", participation.dump(programme, _put, _iso))
    _put(doc, "decisions", decisions.dump(programme, _put, _iso))
    _put(doc, "risks", risks.dump(programme, _put, _iso))
    return doc


def dumps(doc: dict) -> str:
    """The document as text: UTF-8 (not escaped), two-space indent, a final newline."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
