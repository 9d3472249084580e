"""The staffing parts of the programme document: ``positions`` with their hiring steps,
``programme.hiring_days``, ``programme.onboarding_days``, ``programme.alert_days`` and
``requires_positions`` on milestones."""

import json

from plansicht.engine.hiring import ORDER, STEPS
from plansicht.staffing.models import ALERT_FIELDS, Position

from .funding import decimal

KNOWN_KEYS = {
    "positions": {
        "code",
        "title",
        "unit",
        "fte",
        "pay_grade",
        "grant",
        "cover",
        "needed_from",
        "expected_fill",
        "holder",
        "holder_public",
        "contract_end",
        "steps",
    },
    "steps": {"step", "on"},
    "hiring_days": set(STEPS[:-1]),
    "alert_days": {"not_in_establishment_plan", "not_advertised", "contract_ending"},
}
PROGRAMME_KEYS = {"hiring_days", "onboarding_days", "alert_days"}
COVERS = [c for c, _label in Position.COVERS]


def parse_programme(c, raw: dict, out: dict):
    """The programme's hiring settings, into ``out`` (the cleaned programme)."""
    out["hiring_days"] = {}
    if "hiring_days" in raw:
        days = c.obj(raw["hiring_days"], "programme.hiring_days", "hiring_days")
        for step in days or {}:
            if step in KNOWN_KEYS["hiring_days"]:
                value = c.integer(days, step, "programme.hiring_days", minimum=0, maximum=3650)
                if value is not None:
                    out["hiring_days"][step] = value
    out["onboarding_days"] = c.integer(
        raw, "onboarding_days", "programme", default=30, minimum=0, maximum=3650
    )
    out["alert_days"] = {}
    if "alert_days" in raw:
        alerts = c.obj(raw["alert_days"], "programme.alert_days", "alert_days")
        for key in alerts or {}:
            if key in ALERT_FIELDS:
                value = c.integer(alerts, key, "programme.alert_days", minimum=0, maximum=3650)
                if value is not None:
                    out["alert_days"][key] = value


def parse(c, doc, milestones, milestone_index, grant_index) -> dict:
    positions = []
    for i, raw in enumerate(c.list(doc, "positions")):
        path = f"positions[{i}]"
        item = c.obj(raw, path, "positions")
        if item is None:
            positions.append({})
            continue
        p = {
            "code": c.code(item, "code", path),
            "title": c.text(item, "title", path),
            "unit": c.text(item, "unit", path, required=False, max_length=200) or None,
            "fte": decimal(c, item, "fte", path, required=False),
            "pay_grade": c.text(item, "pay_grade", path, required=False, max_length=40),
            "grant": c.code(item, "grant", path, required=False),
            "cover": item.get("cover", "none"),
            "needed_from": c.date(item, "needed_from", path),
            "expected_fill": c.date(item, "expected_fill", path),
            "holder": c.text(item, "holder", path, required=False, max_length=200),
            "holder_public": c.boolean(item, "holder_public", path),
            "contract_end": c.date(item, "contract_end", path),
            "steps": [],
        }
        if p["fte"] is not None and not 0 < p["fte"] <= 10:
            c.problem(
                f"{path}.fte",
                f"is {p['fte']}; a post's full-time equivalent is more than "
                "0 and at most 10, e.g. 1.00 or 0.50",
            )
        if p["grant"] and p["grant"] not in grant_index:
            c.problem(
                f"{path}.grant", f"{p['grant']!r} is not the code of a grant in this document"
            )
        if p["cover"] not in COVERS:
            c.problem(
                f"{path}.cover",
                f"{json.dumps(p['cover'], ensure_ascii=False)} is not a stand-in kind; "
                f"use one of {', '.join(COVERS)}",
            )
        steps = item.get("steps")
        if not isinstance(steps, list) or not steps:
            c.problem(
                f"{path}.steps",
                'needs at least one hiring step, e.g. [{"step": "planned", "on": "2025-01-15"}]',
            )
            steps = []
        seen = {}
        for j, raw_step in enumerate(steps):
            spath = f"{path}.steps[{j}]"
            step = c.obj(raw_step, spath, "steps")
            if step is None:
                continue
            name = step.get("step")
            if name not in STEPS:
                c.problem(
                    f"{spath}.step",
                    f"{json.dumps(name, ensure_ascii=False)} is not a hiring step; use one "
                    f"of {', '.join(STEPS)}",
                )
            on = c.date(step, "on", spath, required=True)
            if name in STEPS and on is not None:
                if (name, on) in seen:
                    c.problem(
                        spath,
                        f"the step {name!r} on {on.isoformat()} is already entered as "
                        f"{path}.steps[{seen[name, on]}]; a step is entered once per date, "
                        "so remove one of them",
                    )
                seen.setdefault((name, on), j)
            p["steps"].append({"step": name, "on": on})
        positions.append(p)
    position_index = c.unique(positions, lambda i: f"positions[{i}]", "position")

    requires = {}
    for i, raw in enumerate(
        doc.get("milestones", []) if isinstance(doc.get("milestones"), list) else []
    ):
        if not isinstance(raw, dict) or "requires_positions" not in raw:
            continue
        path = f"milestones[{i}].requires_positions"
        codes = raw["requires_positions"]
        if not isinstance(codes, list) or not all(isinstance(x, str) for x in codes):
            c.problem(path, 'must be a list of position codes, e.g. ["CDO"]')
            continue
        for code in codes:
            if code not in position_index:
                c.problem(path, f"{code!r} is not the code of a position in this document")
        if len(set(codes)) != len(codes):
            c.problem(path, "lists a position twice")
        if i < len(milestones) and milestones[i].get("code"):
            requires[milestones[i]["code"]] = sorted(set(codes))
    return {"positions": positions, "requires_positions": requires}


def dump_programme(programme) -> dict:
    out = {}
    if programme.hiring_days:
        out["hiring_days"] = {
            s: programme.hiring_days[s] for s in STEPS[:-1] if s in programme.hiring_days
        }
    out["onboarding_days"] = programme.onboarding_days
    out["alert_days"] = {key: getattr(programme, field) for key, field in ALERT_FIELDS.items()}
    return out


def dump(programme, put, iso) -> tuple[list, dict]:
    """(positions, {milestone code: [position codes]})."""
    positions = []
    requires: dict[str, list] = {}
    for p in (
        Position.objects.filter(programme=programme)
        .select_related("unit", "grant")
        .prefetch_related("steps", "required_by")
    ):
        item = {"code": p.code, "title": p.title}
        put(item, "unit", p.unit.name if p.unit else None)
        item["fte"] = f"{p.fte:.2f}"
        put(item, "pay_grade", p.pay_grade)
        put(item, "grant", p.grant.code if p.grant else None)
        item["cover"] = p.cover
        put(item, "needed_from", iso(p.needed_from))
        put(item, "expected_fill", iso(p.expected_fill))
        put(item, "holder", p.holder)
        put(item, "holder_public", p.holder_public)
        put(item, "contract_end", iso(p.contract_end))
        item["steps"] = [
            {"step": s.step, "on": iso(s.on)}
            for s in sorted(p.steps.all(), key=lambda s: (s.on, ORDER.get(s.step, 0)))
        ]
        positions.append(item)
        for m in p.required_by.all():
            requires.setdefault(m.code, []).append(p.code)
    return sorted(positions, key=lambda p: p["code"]), {k: sorted(v) for k, v in requires.items()}
