"""The participation parts of the programme document: the programme's answer periods, holiday
region, office unit and moderation setting, and the ``participation`` section — bodies,
questions and statements with their extensions and answers. Participants' e-mail addresses
are never part of it.

The original due date of each item is computed here from the document's own settings
(``plansicht.engine.periods``), so that the extensions can be checked against it."""

from django.core.exceptions import ValidationError

from plansicht.content import markdown
from plansicht.engine import periods
from plansicht.engine import proposals as rules
from plansicht.participation import holidays
from plansicht.participation.models import REASON_LENGTH, TEXT_LENGTH, Body, Submission
from plansicht.proposals.models import Proposal

from .check import as_bool, as_code, as_date, as_int, as_text, join, objects
from .schema import known_keys

PERIODS = {
    "answer_period": periods.QUESTIONS_DEFAULT,
    "statement_period": periods.STATEMENTS_DEFAULT,
}
ABOUT_KINDS = {"measure", "milestone", "position"}


def parse_programme(c, raw: dict, out: dict):
    """The programme's participation settings, into ``out`` (the cleaned programme)."""
    for key, default in PERIODS.items():
        out[key] = {"kind": default.kind, "count": default.count}
        value = raw.get(key)
        if isinstance(value, dict):
            c.unknown(value, f"programme.{key}", known_keys("period"))
            kind, count = value.get("kind"), as_int(value, "count")
            if kind in periods.KINDS and count is not None:
                out[key] = {"kind": kind, "count": count}
    out["holiday_region"] = as_text(raw, "holiday_region", "DE-RP")
    categories = raw.get("holiday_categories", [])
    out["holiday_categories"] = (
        [x for x in categories if isinstance(x, str)] if isinstance(categories, list) else []
    )
    if "programme.holiday_region" not in c.shaped:
        message = holidays.problem(out["holiday_region"], out["holiday_categories"])
        if message:
            path = "holiday_categories" if "category" in message else "holiday_region"
            c.problem(f"programme.{path}", message)
            out["holiday_region"], out["holiday_categories"] = "", []
    out["office_unit"] = as_text(raw, "office_unit") or None
    out["premoderation"] = as_bool(raw, "premoderation")
    threshold = as_int(raw, "proposal_threshold")
    out["proposal_threshold"] = threshold if threshold is not None else 50
    labels = raw.get("proposal_labels")
    out["proposal_labels"] = {}
    if isinstance(labels, dict):
        c.unknown(labels, "programme.proposal_labels", set(rules.STATUSES))
        out["proposal_labels"] = {
            status: " ".join(label.split())
            for status, label in labels.items()
            if status in rules.STATUSES and isinstance(label, str) and label.strip()
        }


def parse(c, doc, programme: dict, indexes: dict) -> dict:
    """The ``participation`` section, checked. ``indexes``: {"measure": codes, "milestone":
    codes, "position": codes} of this document."""
    section = doc.get("participation")
    if not isinstance(section, dict):
        return {"bodies": [], "questions": [], "statements": [], "proposals": []}
    c.unknown(section, "participation", known_keys("participation"))
    bodies = []
    for path, item, known in objects(section, "bodies", "body", "participation"):
        if item is None:  # the schema said so; keep the positions of the rest
            bodies.append({})
            continue
        c.unknown(item, path, known)
        bodies.append(
            {
                "code": as_code(item, "code"),
                "name": as_text(item, "name"),
                "kind": as_text(item, "kind"),
            }
        )
    body_index = c.unique(bodies, lambda i: f"participation.bodies[{i}]", "body")
    region = None
    if programme.get("holiday_region"):
        region = holidays.calendar(programme["holiday_region"], programme["holiday_categories"])
    out = {"bodies": bodies}
    for key, kind, name in (
        ("questions", Submission.QUESTION, "question"),
        ("statements", Submission.STATEMENT, "statement"),
    ):
        period_key = "answer_period" if kind == Submission.QUESTION else "statement_period"
        period = periods.Period(**programme[period_key])
        items = []
        for path, item, known in objects(section, key, name, "participation"):
            if item is None:
                items.append({})
                continue
            c.unknown(item, path, known)
            items.append(_item(c, path, item, kind, indexes, body_index, period, region))
        c.unique(items, lambda i, key=key: f"participation.{key}[{i}]", name)
        out[key] = items
    proposals = []
    for path, item, known in objects(section, "proposals", "proposal", "participation"):
        if item is None:
            proposals.append({})
            continue
        c.unknown(item, path, known)
        proposals.append(_proposal(c, path, item, indexes, body_index))
    c.unique(proposals, lambda i: f"participation.proposals[{i}]", "proposal")
    out["proposals"] = proposals
    return out


def _proposal(c, path, item, indexes, body_index) -> dict:
    """One proposal, checked. Its due date depends on the supports, which a withdrawn support
    can move: so extensions are checked for their order only, not against a due date."""
    out = {
        "code": as_code(item, "code"),
        "about": None,
        "by": as_text(item, "by") or None,
        "body": as_code(item, "body"),
        "received": as_date(item, "received"),
        "title": as_text(item, "title"),
        "text": _text(c, f"{path}.text", as_text(item, "text"), TEXT_LENGTH),
        "supports": [],
        "extensions": [],
        "decisions": [],
        "hidden": None,
    }
    received = out["received"]
    about = item.get("about")
    if isinstance(about, str) and join(path, "about") not in c.shaped and about != "programme":
        what, _colon, code = about.partition(":")
        if what not in ABOUT_KINDS:
            c.problem(f"{path}.about", f"{about!r} names no programme, measure, milestone or post")
        elif code not in indexes[what]:
            c.problem(f"{path}.about", f"{code!r} is not the code of a {what} in this document")
        else:
            out["about"] = (what, code)
    if out["body"] is not None:
        c.ref(out["body"], body_index, f"{path}.body", "body")
    supports = item.get("supports", [])
    for j, raw in enumerate(supports if isinstance(supports, list) else []):
        on = as_date({"on": raw}, "on")
        if on is None:
            continue
        if received is not None and on < received:
            c.problem(f"{path}.supports[{j}]", f"{on} is before the received date {received}")
        out["supports"].append(on)
    out["supports"].sort()
    decisions = item.get("decisions", [])
    for j, raw in enumerate(decisions if isinstance(decisions, list) else []):
        if not isinstance(raw, dict):
            continue
        where = f"{path}.decisions[{j}]"
        c.unknown(raw, where, known_keys("proposal_decision"))
        decision = {
            "on": as_date(raw, "on"),
            "status": raw.get("status") if raw.get("status") in rules.STATUSES else None,
            "reason": _text(c, f"{where}.reason", as_text(raw, "reason"), TEXT_LENGTH),
            "link": as_text(raw, "link") or None,
        }
        out["decisions"].append(decision)
        on = decision["on"]
        if on is None:
            continue
        if received is not None and on < received:
            c.problem(f"{where}.on", f"{on} is before the received date {received}")
        if j and (before := out["decisions"][j - 1])["on"] and before["on"] > on:
            c.problem(f"{where}.on", "decisions are listed in date order; this one is earlier")
        if decision["status"] == rules.DECLINED and not decision["reason"].strip():
            c.problem(f"{where}.reason", "a declined proposal needs a public reason")
        link = decision["link"]
        if link and join(where, "link") not in c.shaped:
            what, _colon, code = link.partition(":")
            if what in ("measure", "milestone") and code not in indexes[what]:
                c.problem(f"{where}.link", f"{code!r} is not the code of a {what} in this document")
            if what == "plan_version" and int(code) not in indexes.get("plan_version", ()):
                c.problem(f"{where}.link", f"plan version {code} is not in this document")
    # Its due date depends on the supports, which a withdrawn support can move: extensions
    # are checked for their order, not against a due date.
    out["extensions"] = _extensions(c, path, item, received, due=None, answered=None)
    hidden = item.get("hidden")
    if isinstance(hidden, dict):
        c.unknown(hidden, f"{path}.hidden", {"reason"})
        reason = _text(c, f"{path}.hidden.reason", as_text(hidden, "reason"), REASON_LENGTH)
        out["hidden"] = {"reason": reason}
    return out


def _text(c, path, value, limit):
    """A text as the office would accept it (``content.markdown.check``); a problem if not."""
    if not value:
        return value
    try:
        return markdown.check(value, max_length=limit, field_label=path)
    except ValidationError as error:
        c.problem(path, " ".join(error.messages))
        return value


def _item(c, path, item, kind, indexes, body_index, period, region) -> dict:
    out = {
        "code": as_code(item, "code"),
        "about": None,
        "by": as_text(item, "by"),
        "body": as_code(item, "body") if kind == Submission.STATEMENT else None,
        "received": as_date(item, "received"),
        "unit": as_text(item, "unit") or None,
        "text": _text(c, f"{path}.text", as_text(item, "text"), TEXT_LENGTH),
        "extensions": [],
        "answer": None,
        "hidden": None,
        "withdrawn": None,
        "pending": as_bool(item, "pending"),
        "due": None,
    }
    about = item.get("about")
    if isinstance(about, str) and join(path, "about") not in c.shaped:
        what, _colon, code = about.partition(":")
        if about == "programme":
            out["about"] = ("programme", None)
        elif what not in ABOUT_KINDS:
            c.problem(f"{path}.about", f"{about!r} names no programme, measure, milestone or post")
        elif kind == Submission.STATEMENT and what == "position":
            c.problem(
                f"{path}.about",
                "a statement is about the programme, a measure or a milestone, not a post",
            )
        elif code not in indexes[what]:
            c.problem(f"{path}.about", f"{code!r} is not the code of a {what} in this document")
        else:
            out["about"] = (what, code)
    if kind == Submission.STATEMENT:
        c.ref(out["body"], body_index, f"{path}.body", "body")
    received = out["received"]
    if received is not None and region is not None:
        try:
            out["due"] = periods.due_date(received, period, region)
        except (OverflowError, ValueError):
            c.problem(f"{path}.received", "the answer period would end after the year 9999")
    due = out["due"]
    answer = item.get("answer")
    if isinstance(answer, dict):
        c.unknown(answer, f"{path}.answer", known_keys("answer"))
        out["answer"] = {
            "on": as_date(answer, "on"),
            "unit": as_text(answer, "unit") or None,
            "text": _text(c, f"{path}.answer.text", as_text(answer, "text"), TEXT_LENGTH),
        }
        on = out["answer"]["on"]
        if on is not None and received is not None and on < received:
            c.problem(f"{path}.answer.on", f"{on} is before the received date {received}")
    answered = out["answer"]["on"] if out["answer"] else None
    out["extensions"] = _extensions(c, path, item, received, due=due, answered=answered)
    hidden = item.get("hidden")
    if isinstance(hidden, dict):
        c.unknown(hidden, f"{path}.hidden", {"reason"})
        reason = _text(c, f"{path}.hidden.reason", as_text(hidden, "reason"), REASON_LENGTH)
        out["hidden"] = {"reason": reason}
    withdrawn = item.get("withdrawn")
    if isinstance(withdrawn, dict):
        c.unknown(withdrawn, f"{path}.withdrawn", {"on"})
        out["withdrawn"] = {"on": as_date(withdrawn, "on")}
        on = out["withdrawn"]["on"]
        if answered is not None:
            c.problem(f"{path}.withdrawn", "an answered item cannot be withdrawn")
        elif on is not None and received is not None and on < received:
            c.problem(f"{path}.withdrawn.on", f"{on} is before the received date {received}")
    return out


def _extensions(c, path, item, received, *, due, answered) -> list:
    """An item's extensions, checked: granted no earlier than ``received`` and no later than
    ``answered``, in the order granted, each to a date later than the due date in force
    (``due`` for the first; None: only later than the one before)."""
    out = []
    extensions = item.get("extensions", [])
    for j, raw in enumerate(extensions if isinstance(extensions, list) else []):
        if not isinstance(raw, dict):
            continue
        where = f"{path}.extensions[{j}]"
        c.unknown(raw, where, known_keys("extension"))
        on, to = as_date(raw, "on"), as_date(raw, "to")
        reason = _text(c, f"{where}.reason", as_text(raw, "reason"), REASON_LENGTH)
        out.append({"on": on, "to": to, "reason": reason})
        if on is None or to is None:
            continue
        if received is not None and on < received:
            c.problem(f"{where}.on", f"{on} is before the received date {received}")
        if answered is not None and on > answered:
            c.problem(
                f"{where}.on", f"{on} is after the answer of {answered}; extend before answering"
            )
        if j and (before := out[j - 1])["on"] and before["on"] > on:
            c.problem(
                f"{where}.on", "extensions are listed in the order granted; this one is earlier"
            )
        in_force = before["to"] if j and before["to"] else due
        if in_force is not None and to <= in_force:
            c.problem(
                f"{where}.to",
                f"{to} is not later than the due date in force, {in_force}; an extension "
                "moves the due date later",
            )
    return out


def dump_programme(programme) -> dict:
    out = {
        "answer_period": dict(programme.answer_period),
        "statement_period": dict(programme.statement_period),
        "holiday_region": programme.holiday_region,
    }
    if programme.holiday_categories:
        out["holiday_categories"] = list(programme.holiday_categories)
    if programme.office_unit_id:
        out["office_unit"] = programme.office_unit.name
    if programme.premoderation:
        out["premoderation"] = True
    out["proposal_threshold"] = programme.proposal_threshold
    if programme.proposal_labels:
        out["proposal_labels"] = {
            status: programme.proposal_labels[status]
            for status in rules.STATUSES
            if programme.proposal_labels.get(status)
        }
    return out


def dump(programme, put, iso) -> dict:
    """The ``participation`` section ({} when there is nothing to say)."""
    bodies = [
        {"code": b.code, "name": b.name, "kind": b.kind}
        for b in Body.objects.filter(organisation=programme.organisation).order_by("code")
    ]
    out = {"bodies": bodies} if bodies else {}
    items = (
        Submission.objects.filter(programme=programme)
        .select_related("measure", "milestone", "position", "body", "unit", "answer_unit")
        .prefetch_related("extensions")
        .order_by("code")
    )
    for key, kind in (("questions", Submission.QUESTION), ("statements", Submission.STATEMENT)):
        listed = []
        for s in items:
            if s.kind != kind:
                continue
            item = {"code": s.code, "about": s.about_key()}
            put(item, "by", s.author_name)
            if kind == Submission.STATEMENT:
                put(item, "body", s.body.code if s.body_id else None)
            item["received"] = iso(s.received)
            put(item, "unit", s.unit.name if s.unit_id else None)
            item["text"] = s.text
            put(
                item,
                "extensions",
                [
                    {"on": iso(e.on), "to": iso(e.to), "reason": e.reason}
                    for e in s.extensions.all()
                ],
            )
            if s.answered_on is not None:
                answer = {"on": iso(s.answered_on)}
                put(answer, "unit", s.answer_unit.name if s.answer_unit_id else None)
                answer["text"] = s.answer
                item["answer"] = answer
            if s.hidden:
                item["hidden"] = {"reason": s.hidden_reason}
            if s.withdrawn_on is not None:
                item["withdrawn"] = {"on": iso(s.withdrawn_on)}
            put(item, "pending", s.pending)
            listed.append(item)
        put(out, key, listed)
    put(out, "proposals", _dump_proposals(programme, put, iso))
    return out


def _dump_proposals(programme, put, iso) -> list:
    listed = []
    items = (
        Proposal.objects.filter(programme=programme)
        .select_related("measure", "milestone", "position", "body")
        .prefetch_related("supports", "decisions", "extensions")
        .order_by("code")
    )
    for p in items:
        item = {"code": p.code}
        put(item, "about", p.about_key())
        put(item, "by", p.author_name)
        put(item, "body", p.body.code if p.body_id else None)
        item["received"] = iso(p.received)
        item["title"] = p.title
        item["text"] = p.text
        put(item, "supports", sorted(iso(s.on) for s in p.supports.all()))
        put(
            item,
            "extensions",
            [{"on": iso(e.on), "to": iso(e.to), "reason": e.reason} for e in p.extensions.all()],
        )
        decisions = []
        for d in p.decisions.all():
            decision = {"on": iso(d.on), "status": d.status, "reason": d.reason}
            put(decision, "link", d.link)
            decisions.append(decision)
        put(item, "decisions", decisions)
        if p.hidden:
            item["hidden"] = {"reason": p.hidden_reason}
        listed.append(item)
    return listed
