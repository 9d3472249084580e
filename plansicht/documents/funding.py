"""The funding sections of the programme document: grants, cost plan, expenditures, budget
lines, drawdown plan and drawdowns. Checked with the same collector as the plan sections."""

import json
from decimal import Decimal

from plansicht.engine.calendar import EARLIEST, LATEST
from plansicht.funding import amounts
from plansicht.funding.models import (
    BudgetLine,
    CostLine,
    Drawdown,
    DrawdownPlanEntry,
    Expenditure,
    Grant,
)

SECTIONS = ("grants", "cost_plan", "expenditures", "budget_lines", "drawdown_plan", "drawdowns")
KNOWN_KEYS = {
    "grants": {
        "code",
        "funder",
        "title",
        "reference",
        "rate",
        "commitment_date",
        "eligible_from",
        "eligible_until",
        "max_amount",
        "phase",
    },
    "cost_plan": {"code", "grant", "milestone", "category", "amount"},
    "expenditures": {"cost_line", "on", "amount", "eligible", "note", "document_ref"},
    "budget_lines": {"grant", "year", "product", "title", "own_share", "commitment_authorisation"},
    "drawdown_plan": {"grant", "on", "amount"},
    "drawdowns": {"grant", "requested_on", "amount_requested", "received_on", "amount_received"},
}
CATEGORIES = [c for c, _label in CostLine.CATEGORIES]


def decimal(c, obj, key, path, *, required=True, places=2, maximum=amounts.MAX):
    """A decimal given as a string ("1234.50") or a number (``amounts.parse_document``); at
    most ``places`` decimals, not negative, at most ``maximum`` (``amounts.check``)."""
    value = obj.get(key)
    where = f"{path}.{key}"
    if value is None or value == "":
        if required:
            c.problem(where, 'is missing; give an amount such as "1234.50"')
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        c.problem(where, f'{json.dumps(value)} is not an amount; write it like "1234.50"')
        return None
    text = value if isinstance(value, str) else repr(value)
    try:
        number = amounts.parse_document(value)
    except amounts.AmountError:
        c.problem(
            where,
            f'{json.dumps(value)} is not an amount; write it like "1234.50", '
            "with a point before the cents and no thousands separator",
        )
        return None
    try:
        return amounts.check(number, places=places, maximum=maximum)
    except amounts.AmountError as e:
        c.problem(where, _LIMITS[e.code].format(text=text, places=places, maximum=maximum))
        return None


# What the loader says when an amount breaks a limit of ``amounts.check`` (in English, as all
# its messages, naming the value as written).
_LIMITS = {
    "places": "{text} has more than {places} decimal places",
    "negative": "is {text}; it must be at least 0",
    "too_large": "is {text}; it must be at most {maximum}",
}


def parse(c, doc, milestone_index) -> dict:
    """Check the funding sections; returns them cleaned (possibly empty)."""
    out = {}
    grants = []
    for i, raw in enumerate(c.list(doc, "grants")):
        path = f"grants[{i}]"
        item = c.obj(raw, path, "grants")
        if item is None:
            grants.append({})
            continue
        g = {
            "code": c.code(item, "code", path),
            "funder": c.text(item, "funder", path, max_length=200),
            "title": c.text(item, "title", path),
            "reference": c.text(item, "reference", path, required=False, max_length=100),
            "rate": decimal(c, item, "rate", path, places=4, maximum=Decimal(1)),
            "commitment_date": c.date(item, "commitment_date", path, required=True),
            "eligible_from": c.date(item, "eligible_from", path, required=True),
            "eligible_until": c.date(item, "eligible_until", path, required=True),
            "max_amount": decimal(c, item, "max_amount", path, required=False),
            "phase": c.text(item, "phase", path, required=False, max_length=100),
        }
        if g["eligible_from"] and g["eligible_until"] and g["eligible_until"] < g["eligible_from"]:
            c.problem(
                f"{path}.eligible_until",
                f"{g['eligible_until']} is before eligible_from {g['eligible_from']}",
            )
        grants.append(g)
    grant_index = c.unique(grants, lambda i: f"grants[{i}]", "grant")
    out["grants"] = grants

    def grant_ref(item, path, key="grant"):
        code = c.code(item, key, path)
        if code and code not in grant_index:
            c.problem(f"{path}.{key}", f"{code!r} is not the code of a grant in this document")
        return code

    lines = []
    for i, raw in enumerate(c.list(doc, "cost_plan")):
        path = f"cost_plan[{i}]"
        item = c.obj(raw, path, "cost_plan")
        if item is None:
            lines.append({})
            continue
        line = {
            "code": c.code(item, "code", path),
            "grant": grant_ref(item, path),
            "milestone": c.code(item, "milestone", path),
            "category": item.get("category"),
            "amount": decimal(c, item, "amount", path),
        }
        if line["milestone"] and line["milestone"] not in milestone_index:
            c.problem(
                f"{path}.milestone",
                f"{line['milestone']!r} is not the code of a milestone in this document",
            )
        if line["category"] not in CATEGORIES:
            c.problem(
                f"{path}.category",
                f"{json.dumps(line['category'], ensure_ascii=False)} is not a category; "
                f"use one of {', '.join(CATEGORIES)}",
            )
        lines.append(line)
    line_index = c.unique(lines, lambda i: f"cost_plan[{i}]", "cost line")
    out["cost_plan"] = lines

    expenditures = []
    for i, raw in enumerate(c.list(doc, "expenditures")):
        path = f"expenditures[{i}]"
        item = c.obj(raw, path, "expenditures")
        if item is None:
            continue
        code = c.code(item, "cost_line", path)
        if code and code not in line_index:
            c.problem(
                f"{path}.cost_line", f"{code!r} is not the code of a cost line in this document"
            )
        if "eligible" not in item:
            c.problem(f"{path}.eligible", "is missing; say true or false")
        e = {
            "cost_line": code,
            "on": c.date(item, "on", path, required=True),
            "amount": decimal(c, item, "amount", path),
            "eligible": c.boolean(item, "eligible", path),
            "note": c.text(item, "note", path, required=False),
            "document_ref": c.text(item, "document_ref", path, required=False, max_length=100),
        }
        _warn_outside_period(c, e, path, lines, line_index, grants, grant_index)
        expenditures.append(e)
    out["expenditures"] = expenditures

    budget_lines = []
    for i, raw in enumerate(c.list(doc, "budget_lines")):
        path = f"budget_lines[{i}]"
        item = c.obj(raw, path, "budget_lines")
        if item is None:
            continue
        budget_lines.append(
            {
                "grant": grant_ref(item, path),
                "year": c.integer(item, "year", path, minimum=EARLIEST.year, maximum=LATEST.year),
                "product": c.text(item, "product", path, max_length=100),
                "title": c.text(item, "title", path),
                "own_share": decimal(c, item, "own_share", path),
                "commitment_authorisation": decimal(
                    c, item, "commitment_authorisation", path, required=False
                ),
            }
        )
    out["budget_lines"] = budget_lines

    plan = []
    for i, raw in enumerate(c.list(doc, "drawdown_plan")):
        path = f"drawdown_plan[{i}]"
        item = c.obj(raw, path, "drawdown_plan")
        if item is None:
            continue
        plan.append(
            {
                "grant": grant_ref(item, path),
                "on": c.date(item, "on", path, required=True),
                "amount": decimal(c, item, "amount", path),
            }
        )
    out["drawdown_plan"] = plan

    drawdowns = []
    for i, raw in enumerate(c.list(doc, "drawdowns")):
        path = f"drawdowns[{i}]"
        item = c.obj(raw, path, "drawdowns")
        if item is None:
            continue
        d = {
            "grant": grant_ref(item, path),
            "requested_on": c.date(item, "requested_on", path, required=True),
            "amount_requested": decimal(c, item, "amount_requested", path),
            "received_on": c.date(item, "received_on", path),
            "amount_received": decimal(c, item, "amount_received", path, required=False),
        }
        if (d["received_on"] is None) != (d["amount_received"] is None) and not c.problems:
            missing = "amount_received" if d["amount_received"] is None else "received_on"
            c.problem(
                f"{path}.{missing}",
                "is missing; a received drawdown needs both its date and its amount",
            )
        if d["received_on"] and d["requested_on"] and d["received_on"] < d["requested_on"]:
            c.problem(
                f"{path}.received_on",
                f"{d['received_on']} is before the request {d['requested_on']}",
            )
        drawdowns.append(d)
    out["drawdowns"] = drawdowns
    return out


def _warn_outside_period(c, e, path, lines, line_index, grants, grant_index):
    """Spending marked eligible but dated outside its grant's eligibility period is kept as
    written and counts as not eligible: say so (a warning, not an error)."""
    if not e["eligible"] or e["on"] is None or e["cost_line"] not in line_index:
        return
    code = lines[line_index[e["cost_line"]]].get("grant")
    grant = grants[grant_index[code]] if code in grant_index else {}
    start, end = grant.get("eligible_from"), grant.get("eligible_until")
    if start is None or end is None or start <= e["on"] <= end:
        return
    c.warnings.append(
        (
            f"{path}.on",
            f"{e['on']} lies outside the eligibility period of grant {code} "
            f"({start} to {end}); it counts as not eligible",
        )
    )


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def rate(value: Decimal) -> str:
    two = value.quantize(Decimal("0.01"))
    return f"{two}" if two == value else f"{value.normalize():f}"


def dump(programme, put, iso) -> dict:
    """The funding sections of a stored programme, sorted, optional keys left out."""
    out = {}
    grants = []
    for g in Grant.objects.filter(programme=programme).order_by("code"):
        item = {"code": g.code, "funder": g.funder, "title": g.title}
        put(item, "reference", g.reference)
        item["rate"] = rate(g.rate)
        item["commitment_date"] = iso(g.commitment_date)
        item["eligible_from"] = iso(g.eligible_from)
        item["eligible_until"] = iso(g.eligible_until)
        put(item, "max_amount", money(g.max_amount))
        put(item, "phase", g.phase)
        grants.append(item)
    lines = [
        {
            "code": code,
            "grant": grant,
            "milestone": milestone,
            "category": category,
            "amount": money(amount),
        }
        for code, grant, milestone, category, amount in CostLine.objects.filter(
            programme=programme
        ).values_list("code", "grant__code", "milestone__code", "category", "amount")
    ]
    expenditures = []
    for line, on, amount, eligible, note, ref in Expenditure.objects.filter(
        cost_line__programme=programme
    ).values_list("cost_line__code", "on", "amount", "eligible", "note", "document_ref"):
        item = {"cost_line": line, "on": iso(on), "amount": money(amount), "eligible": eligible}
        put(item, "note", note)
        put(item, "document_ref", ref)
        expenditures.append(item)
    budget_lines = []
    for grant, year, product, title, own, ve in BudgetLine.objects.filter(
        grant__programme=programme
    ).values_list(
        "grant__code", "year", "product", "title", "own_share", "commitment_authorisation"
    ):
        item = {
            "grant": grant,
            "year": year,
            "product": product,
            "title": title,
            "own_share": money(own),
        }
        put(item, "commitment_authorisation", money(ve))
        budget_lines.append(item)
    plan = [
        {"grant": grant, "on": iso(on), "amount": money(amount)}
        for grant, on, amount in DrawdownPlanEntry.objects.filter(
            grant__programme=programme
        ).values_list("grant__code", "on", "amount")
    ]
    drawdowns = []
    for grant, requested_on, requested, received_on, received in Drawdown.objects.filter(
        grant__programme=programme
    ).values_list(
        "grant__code", "requested_on", "amount_requested", "received_on", "amount_received"
    ):
        item = {
            "grant": grant,
            "requested_on": iso(requested_on),
            "amount_requested": money(requested),
        }
        put(item, "received_on", iso(received_on))
        put(item, "amount_received", money(received))
        drawdowns.append(item)

    def key(*names):
        return lambda item: tuple(str(item.get(n, "")) for n in names)

    put(out, "grants", grants)
    put(out, "cost_plan", sorted(lines, key=key("code")))
    put(
        out,
        "expenditures",
        sorted(
            expenditures, key=key("cost_line", "on", "amount", "eligible", "note", "document_ref")
        ),
    )
    put(out, "budget_lines", sorted(budget_lines, key=key("grant", "year", "product", "title")))
    put(out, "drawdown_plan", sorted(plan, key=key("grant", "on", "amount")))
    put(out, "drawdowns", sorted(drawdowns, key=key("grant", "requested_on", "amount_requested")))
    return out
