"""The ``decisions`` section of the programme document: the council's decisions about the
programme, each with its links and its assignments (what the administration is to do by
when, and the condition that shows it done).

A decision's ``body`` names a body of ``participation.bodies`` of the kind council or
committee; its links name plan versions, posts, measures and grants of the document; an
assignment's condition names a milestone, a post (with a hiring step), a plan version number
(one that does not exist yet is accepted) or the date the office recorded it done."""

from django.core.exceptions import ValidationError

from plansicht.content import markdown
from plansicht.decisions.models import DECIDING_KINDS, TEXT_LENGTH, Assignment, Decision
from plansicht.engine import assignments as rules
from plansicht.engine.hiring import STEPS

from .check import as_code, as_date, as_int, as_text, objects
from .schema import known_keys

LINKS = ("plan_versions", "positions", "measures", "grants")
LINK_WHAT = {
    "plan_versions": "plan version",
    "positions": "post",
    "measures": "measure",
    "grants": "grant",
}
CONDITIONS = ("milestone", "position", "plan_version", "recorded")
ONE_CONDITION = (
    'name one condition: {"milestone": CODE}, {"position": CODE, "step": STEP}, '
    '{"plan_version": N} or {"recorded": DATE}'
)


def parse(c, doc, bodies: list, indexes: dict) -> list:
    """The ``decisions`` section, checked. ``bodies``: the cleaned ``participation.bodies``;
    ``indexes``: the codes of this document's ``milestone``, ``position``, ``measure`` and
    ``grant``, and the numbers of its ``plan_version``."""
    kinds = {b.get("code"): b for b in bodies if b.get("code")}
    decisions, numbers = [], {}
    for path, item, known in objects(doc, "decisions", "decision"):
        if item is None:
            decisions.append({})
            continue
        c.unknown(item, path, known)
        d = {
            "number": as_code(item, "number"),
            "body": as_code(item, "body"),
            "date": as_date(item, "date"),
            "title": as_text(item, "title"),
            "result": item.get("result") if item.get("result") in dict(Decision.RESULTS) else None,
            "text": _text(c, f"{path}.text", as_text(item, "text")),
            "url": as_text(item, "url"),
            "votes": _votes(c, item, path),
            "links": _links(c, item, path, indexes),
            "assignments": [],
        }
        number = d["number"]
        if number is not None:
            if number in numbers:
                c.problem(
                    f"{path}.number",
                    f"{number} is used twice (first at {numbers[number]}); numbers must be unique",
                )
            numbers.setdefault(number, path)
        _body(c, d["body"], kinds, f"{path}.body")
        d["assignments"] = _assignments(c, item, path, d["date"], indexes)
        decisions.append(d)
    return decisions


def _text(c, path, value):
    if not value:
        return value
    try:
        return markdown.check(value, max_length=TEXT_LENGTH, field_label=path)
    except ValidationError as error:
        c.problem(path, " ".join(error.messages))
        return value


def _body(c, code, bodies, path):
    if code is None or path in c.shaped:
        return
    body = bodies.get(code)
    if body is None:
        c.problem(path, f"no body {code} in participation.bodies; add it there")
    elif body.get("kind") and body["kind"] not in DECIDING_KINDS:
        c.problem(
            path,
            f"{code} ({body.get('name')}) is a body of the kind {body['kind']}; a council "
            "decision is taken by a body of the kind council or committee",
        )


def _votes(c, item, path):
    votes = item.get("votes")
    if not isinstance(votes, dict):
        return None
    c.unknown(votes, f"{path}.votes", known_keys("votes"))
    counted = {key: as_int(votes, key) for key in ("yes", "no", "abstain")}
    return counted if all(v is not None for v in counted.values()) else None


def _links(c, item, path, indexes) -> dict:
    out = {key: [] for key in LINKS}
    links = item.get("links")
    if not isinstance(links, dict):
        return out
    c.unknown(links, f"{path}.links", known_keys("decision_links"))
    for key in LINKS:
        values = links.get(key, [])
        if not isinstance(values, list):
            continue
        first = {}
        index = indexes["plan_version" if key == "plan_versions" else key[:-1]]
        for j, value in enumerate(values):
            where = f"{path}.links.{key}[{j}]"
            if key == "plan_versions":
                if isinstance(value, bool) or not isinstance(value, int):
                    continue
            elif not isinstance(value, str) or not value:
                continue
            if value in first:
                c.problem(
                    where, f"lists {value} twice (first at {path}.links.{key}[{first[value]}])"
                )
                continue
            first[value] = j
            if value not in index:
                c.problem(where, f"no {LINK_WHAT[key]} {value} in this document")
                continue
            out[key].append(value)
    return out


def _assignments(c, item, path, decided_on, indexes) -> list:
    out = []
    for apath, raw, known in objects(item, "assignments", "assignment", path):
        if raw is None:
            out.append({})
            continue
        c.unknown(raw, apath, known)
        a = {
            "code": as_code(raw, "code"),
            "title": as_text(raw, "title"),
            "due": as_date(raw, "due"),
            "done_when": _done_when(c, raw.get("done_when"), f"{apath}.done_when", indexes),
        }
        if a["due"] is not None and decided_on is not None and a["due"] < decided_on:
            c.problem(f"{apath}.due", f"{a['due']} is before the date of the decision {decided_on}")
        out.append(a)
    c.unique(out, lambda j: f"{path}.assignments[{j}]", "assignment")
    return out


def _done_when(c, raw, path, indexes) -> dict | None:
    if not isinstance(raw, dict):
        return None
    c.unknown(raw, path, known_keys("done_when"))
    named = [key for key in CONDITIONS if key in raw]
    if len(named) != 1:
        c.problem(path, ONE_CONDITION)
        return None
    (key,) = named
    if key != "position" and "step" in raw:
        c.problem(f"{path}.step", "a hiring step goes with a position only")
        return None
    if key == "milestone":
        code = as_code(raw, "milestone")
        if code is not None and code not in indexes["milestone"]:
            c.problem(f"{path}.milestone", f"no milestone {code} in this document")
        return {"kind": rules.MILESTONE, "milestone": code}
    if key == "position":
        code, step = as_code(raw, "position"), raw.get("step")
        if code is not None and code not in indexes["position"]:
            c.problem(f"{path}.position", f"no post {code} in this document")
        if "step" not in raw:
            c.problem(
                f"{path}.step",
                'is missing; name the hiring step the post is to reach, e.g. "filled"',
            )
        return {
            "kind": rules.POSITION_STEP,
            "position": code,
            "step": step if step in STEPS else None,
        }
    if key == "plan_version":
        return {"kind": rules.PLAN_VERSION, "plan_version": as_int(raw, "plan_version")}
    return {"kind": rules.RECORDED, "recorded": as_date(raw, "recorded")}


# -- writing it out --------------------------------------------------------------------------


def dump(programme, put, iso) -> list:
    """The ``decisions`` section by date, then number; assignments by code; the links of
    each kind sorted (plan versions by number, the others by code), all four always."""
    decisions = (
        Decision.objects.filter(programme=programme)
        .select_related("body")
        .prefetch_related("plan_versions", "positions", "measures", "grants")
        .order_by("date", "number")
    )
    assignments = {}
    for a in (
        Assignment.objects.filter(decision__programme=programme)
        .select_related("milestone", "position")
        .order_by("code")
    ):
        assignments.setdefault(a.decision_id, []).append(a)
    out = []
    for d in decisions:
        item = {
            "number": d.number,
            "body": d.body.code,
            "date": iso(d.date),
            "title": d.title,
            "result": d.result,
        }
        put(item, "text", d.text)
        put(item, "url", d.url)
        if d.votes is not None:
            yes, no, abstain = d.votes
            item["votes"] = {"yes": yes, "no": no, "abstain": abstain}
        item["links"] = {
            "plan_versions": sorted(v.number for v in d.plan_versions.all()),
            "positions": sorted(p.code for p in d.positions.all()),
            "measures": sorted(m.code for m in d.measures.all()),
            "grants": sorted(g.code for g in d.grants.all()),
        }
        item["assignments"] = [
            {"code": a.code, "title": a.title, "due": iso(a.due), "done_when": _condition(a, iso)}
            for a in assignments.get(d.pk, [])
        ]
        out.append(item)
    return out


def _condition(a, iso) -> dict:
    if a.kind == rules.MILESTONE:
        return {"milestone": a.milestone.code if a.milestone_id else None}
    if a.kind == rules.POSITION_STEP:
        return {"position": a.position.code if a.position_id else None, "step": a.step}
    if a.kind == rules.PLAN_VERSION:
        return {"plan_version": a.plan_version_number}
    return {"recorded": iso(a.recorded_on)}
