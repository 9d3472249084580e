"""The staffing parts of the programme document: ``positions`` with their hiring steps,
``programme.hiring_days``, ``programme.onboarding_days``, ``programme.alert_days`` and
``requires_positions`` on milestones."""

from plansicht.engine.hiring import ORDER, STEPS
from plansicht.staffing.models import ALERT_FIELDS, POSITION_FIELDS, Position

from .check import as_bool, as_code, as_date, as_int, as_text, objects
from .funding import decimal
from .schema import amount_message, known_keys


def parse_programme(c, raw: dict, out: dict):
    """The programme's hiring settings, into ``out`` (the cleaned programme)."""
    out["hiring_days"] = {}
    days = raw.get("hiring_days")
    if isinstance(days, dict):
        c.unknown(days, "programme.hiring_days", known_keys("hiring_days"))
        for step in STEPS[:-1]:
            if as_int(days, step) is not None:
                out["hiring_days"][step] = days[step]
    out["onboarding_days"] = as_int(raw, "onboarding_days", 30)
    out["alert_days"] = {}
    alerts = raw.get("alert_days")
    if isinstance(alerts, dict):
        c.unknown(alerts, "programme.alert_days", known_keys("alert_days"))
        for key in ALERT_FIELDS:
            if as_int(alerts, key) is not None:
                out["alert_days"][key] = alerts[key]


def parse(c, doc, milestones, milestone_index, grant_index) -> dict:
    positions = []
    for path, item, known in objects(doc, "positions", "position"):
        if item is None:
            positions.append({})
            continue
        c.unknown(item, path, known)
        p = {"code": as_code(item, "code"), "fte": decimal(c, item, "fte", path, kind="fte")}
        for key in POSITION_FIELDS:
            if key != "fte":
                p[key] = READ.get(key, as_text)(item, key)
        p["steps"] = _steps(c, item, path)
        if p["fte"] is not None and not 0 < p["fte"] <= 10:
            c.problem(f"{path}.fte", amount_message(item["fte"], "fte"))
        c.ref(p["grant"], grant_index, f"{path}.grant", "grant")
        positions.append(p)
    position_index = c.unique(positions, lambda i: f"positions[{i}]", "position")
    return {
        "positions": positions,
        "requires_positions": _requires_positions(c, doc, milestones, position_index),
    }


READ = {  # how to read a post's field; text when not named here
    "unit": lambda item, key: as_text(item, key) or None,
    "grant": as_code,
    "cover": lambda item, key: item.get(key, Position.NONE),
    "needed_from": as_date,
    "expected_fill": as_date,
    "holder_public": as_bool,
    "contract_end": as_date,
}


def _steps(c, item, path) -> list:
    steps, seen = [], {}
    for spath, step, known in objects(item, "steps", "hiring_step"):
        spath = f"{path}.{spath}"
        if step is None:
            continue
        c.unknown(step, spath, known)
        name, on = step.get("step"), as_date(step, "on")
        if name in STEPS and on is not None:
            if (name, on) in seen:
                c.problem(
                    spath,
                    f"the step {name!r} on {on.isoformat()} is already entered as "
                    f"{seen[name, on]}; a step is entered once per date, so remove one of them",
                )
            seen.setdefault((name, on), spath)
        steps.append({"step": name, "on": on})
    return steps


def _requires_positions(c, doc, milestones, position_index) -> dict:
    """{milestone code: [position codes]}; the schema has checked that each is a list of codes."""
    requires = {}
    for i, (path, raw, _known) in enumerate(objects(doc, "milestones", "milestone")):
        path = f"{path}.requires_positions"
        codes = (raw or {}).get("requires_positions")
        if not isinstance(codes, list) or path in c.shaped:
            continue
        for code in codes:
            if code not in position_index:
                c.problem(path, f"{code!r} is not the code of a position in this document")
        if milestones[i].get("code"):
            requires[milestones[i]["code"]] = sorted(set(codes))
    return requires


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
