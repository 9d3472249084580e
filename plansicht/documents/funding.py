"""The funding sections of the programme document: grants, cost plan, expenditures, budget
lines, drawdown plan and drawdowns. The schema has checked their shape; here the references,
unique codes and the order of dates."""

from decimal import Decimal

from plansicht.funding import amounts
from plansicht.funding.models import (
    GRANT_FIELDS,
    BudgetLine,
    CostLine,
    Drawdown,
    DrawdownPlanEntry,
    Expenditure,
    Grant,
)

from .check import as_bool, as_code, as_date, as_int, as_text, objects
from .schema import amount_message

SECTIONS = ("grants", "cost_plan", "expenditures", "budget_lines", "drawdown_plan", "drawdowns")


def decimal(c, item, key, path, *, kind="amount"):
    """An amount (or rate, or full-time equivalent) the schema let through, as a Decimal read
    by ``amounts.parse_document`` (the document format, "1234.50"). The schema cannot count a
    JSON number's decimals: a number with too many is refused here."""
    value = item.get(key)
    where = f"{path}.{key}"
    if value is None or isinstance(value, bool) or where in c.shaped:
        return None
    places = 4 if kind == "rate" else 2
    try:
        number = amounts.parse_document(value)
    except amounts.AmountError:
        number = None
    if number is None or -number.as_tuple().exponent > places:
        c.problem(where, amount_message(value, kind))
        return None
    return number


def parse(c, doc, milestone_index) -> dict:
    """Check the funding sections; returns them cleaned (possibly empty)."""
    grants, grant_index = _grants(c, doc)
    lines, line_index = _cost_plan(c, doc, grant_index, milestone_index)
    return {
        "grants": grants,
        "cost_plan": lines,
        "expenditures": _expenditures(c, doc, lines, line_index, grants, grant_index),
        "budget_lines": _budget_lines(c, doc, grant_index),
        "drawdown_plan": _drawdown_plan(c, doc, grant_index),
        "drawdowns": _drawdowns(c, doc, grant_index),
    }


def _grants(c, doc) -> tuple[list, dict]:
    grants = []
    for path, item, known in objects(doc, "grants", "grant"):
        if item is None:
            grants.append({})
            continue
        c.unknown(item, path, known)
        g = {"code": as_code(item, "code")}
        for key in GRANT_FIELDS:
            if key in ("rate", "max_amount"):
                g[key] = decimal(c, item, key, path, kind=key.replace("max_", ""))
            elif key in ("commitment_date", "eligible_from", "eligible_until"):
                g[key] = as_date(item, key)
            else:
                g[key] = as_text(item, key)
        if g["eligible_from"] and g["eligible_until"] and g["eligible_until"] < g["eligible_from"]:
            c.problem(
                f"{path}.eligible_until",
                f"{g['eligible_until']} is before eligible_from {g['eligible_from']}",
            )
        grants.append(g)
    return grants, c.unique(grants, lambda i: f"grants[{i}]", "grant")


def _cost_plan(c, doc, grant_index, milestone_index) -> tuple[list, dict]:
    lines = []
    for path, item, known in objects(doc, "cost_plan", "cost_line"):
        if item is None:
            lines.append({})
            continue
        c.unknown(item, path, known)
        line = {
            "code": as_code(item, "code"),
            "grant": as_code(item, "grant"),
            "milestone": as_code(item, "milestone"),
            "category": item.get("category"),
            "amount": decimal(c, item, "amount", path),
        }
        c.ref(line["grant"], grant_index, f"{path}.grant", "grant")
        c.ref(line["milestone"], milestone_index, f"{path}.milestone", "milestone")
        lines.append(line)
    return lines, c.unique(lines, lambda i: f"cost_plan[{i}]", "cost line")


def _expenditures(c, doc, lines, line_index, grants, grant_index) -> list:
    expenditures = []
    for path, item, known in objects(doc, "expenditures", "expenditure"):
        if item is None:
            continue
        c.unknown(item, path, known)
        e = {
            "cost_line": as_code(item, "cost_line"),
            "on": as_date(item, "on"),
            "amount": decimal(c, item, "amount", path),
            "eligible": as_bool(item, "eligible"),
            "note": as_text(item, "note"),
            "document_ref": as_text(item, "document_ref"),
        }
        c.ref(e["cost_line"], line_index, f"{path}.cost_line", "cost line")
        _warn_outside_period(c, e, path, lines, line_index, grants, grant_index)
        expenditures.append(e)
    return expenditures


def _budget_lines(c, doc, grant_index) -> list:
    budget_lines = []
    for path, item, known in objects(doc, "budget_lines", "budget_line"):
        if item is None:
            continue
        c.unknown(item, path, known)
        b = {
            "grant": as_code(item, "grant"),
            "year": as_int(item, "year"),
            "product": as_text(item, "product"),
            "title": as_text(item, "title"),
            "own_share": decimal(c, item, "own_share", path),
            "commitment_authorisation": decimal(c, item, "commitment_authorisation", path),
        }
        c.ref(b["grant"], grant_index, f"{path}.grant", "grant")
        budget_lines.append(b)
    return budget_lines


def _drawdown_plan(c, doc, grant_index) -> list:
    plan = []
    for path, item, known in objects(doc, "drawdown_plan", "drawdown_plan_entry"):
        if item is None:
            continue
        c.unknown(item, path, known)
        entry = {
            "grant": as_code(item, "grant"),
            "on": as_date(item, "on"),
            "amount": decimal(c, item, "amount", path),
        }
        c.ref(entry["grant"], grant_index, f"{path}.grant", "grant")
        plan.append(entry)
    return plan


def _drawdowns(c, doc, grant_index) -> list:
    drawdowns = []
    for path, item, known in objects(doc, "drawdowns", "drawdown"):
        if item is None:
            continue
        c.unknown(item, path, known)
        d = {
            "grant": as_code(item, "grant"),
            "requested_on": as_date(item, "requested_on"),
            "amount_requested": decimal(c, item, "amount_requested", path),
            "received_on": as_date(item, "received_on"),
            "amount_received": decimal(c, item, "amount_received", path),
        }
        c.ref(d["grant"], grant_index, f"{path}.grant", "grant")
        if d["received_on"] and d["requested_on"] and d["received_on"] < d["requested_on"]:
            c.problem(
                f"{path}.received_on",
                f"{d['received_on']} is before the request {d['requested_on']}",
            )
        drawdowns.append(d)
    return drawdowns


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
