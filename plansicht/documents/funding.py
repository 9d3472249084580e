"""The funding sections of the programme document: grants, cost plan, expenditures, budget
lines, drawdown plan and drawdowns. The schema has checked their shape; here the references,
unique codes and the order of dates."""

from decimal import Decimal

from plansicht.engine import conditions
from plansicht.funding import amounts
from plansicht.funding import models as funding

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
        for key in funding.GRANT_FIELDS:
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
        _conditions(c, item, path, g)
        grants.append(g)
    return grants, c.unique(grants, lambda i: f"grants[{i}]", "grant")


def _conditions(c, item, path, g):
    """The grant's conditions: its drawdown window, when the proofs of use are due and were
    sent, repayments and the notifications of the funder."""
    window = item.get("drawdown_window")
    g["drawdown_window"] = None
    if isinstance(window, dict) and f"{path}.drawdown_window" not in c.shaped:
        kind, count = window.get("kind"), as_int(window, "count")
        if kind in (conditions.MONTHS, conditions.CALENDAR_DAYS) and count:
            g["drawdown_window"] = (kind, count)
    g["interim_report_months"] = as_int(item, "interim_report_months")
    g["final_report_due"] = as_date(item, "final_report_due")
    if (
        g["final_report_due"]
        and g["eligible_until"]
        and g["final_report_due"] < g["eligible_until"]
    ):
        c.problem(
            f"{path}.final_report_due",
            f"{g['final_report_due']} is before the end of the eligibility period "
            f"{g['eligible_until']}; the proof of use can only be due after it",
        )
    g["reports_submitted"] = _reports_submitted(c, item, path, g)
    g["repayments"] = [
        {"on": as_date(r, "on"), "amount": decimal(c, r, "amount", p)}
        for p, r, known in objects(item, "repayments", "repayment", path)
        if r is not None and not c.unknown(r, p, known)
    ]
    g["notifications"] = [
        {
            "on": as_date(n, "on"),
            "reference": as_text(n, "reference"),
            "text": as_text(n, "text"),
            "facts": n.get("facts") if isinstance(n.get("facts"), dict) else {},
        }
        for p, n, known in objects(item, "notifications", "funder_notification", path)
        if n is not None and not c.unknown(n, p, known)
    ]


def _reports_submitted(c, item, path, g) -> list:
    """One interim proof per year of the grant's interim years, one final proof."""
    first, last = g["eligible_from"], g["eligible_until"]
    seen = {}
    out = []
    for p, r, known in objects(item, "reports_submitted", "report_submitted", path):
        if r is None:
            continue
        c.unknown(r, p, known)
        kind, year, on = r.get("kind"), as_int(r, "year"), as_date(r, "on")
        if kind == conditions.INTERIM:
            if year is None:
                c.problem(f"{p}.year", "an interim proof needs the year it covers")
                continue
            # (a period that ends before it starts is reported at eligible_until)
            years = conditions.interim_years(first, last) if first and last else None
            if years is not None and first <= last and year not in years:
                c.problem(
                    f"{p}.year",
                    f"no interim proof is due for {year}: the grant's interim years are "
                    f"{years[0]} to {years[-1]}"
                    if years
                    else f"no interim proof is due for {year}: the grant runs within one year",
                )
                continue
        elif kind == conditions.FINAL:
            if year is not None:
                c.problem(f"{p}.year", "the final proof covers the whole grant: leave out year")
                continue
        else:
            continue
        if (kind, year) in seen:
            c.problem(p, f"this proof is listed twice (first at {seen[kind, year]})")
            continue
        seen[kind, year] = p
        out.append({"kind": kind, "year": year, "on": on})
    return out


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
            "closed_on": as_date(item, "closed_on"),
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
            "payee": as_text(item, "payee"),
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
    for g in funding.Grant.objects.filter(programme=programme).order_by("code"):
        item = {"code": g.code, "funder": g.funder, "title": g.title}
        put(item, "reference", g.reference)
        item["rate"] = rate(g.rate)
        item["commitment_date"] = iso(g.commitment_date)
        item["eligible_from"] = iso(g.eligible_from)
        item["eligible_until"] = iso(g.eligible_until)
        put(item, "max_amount", money(g.max_amount))
        put(item, "phase", g.phase)
        if g.drawdown_window_kind and g.drawdown_window_count:
            item["drawdown_window"] = {
                "kind": g.drawdown_window_kind,
                "count": g.drawdown_window_count,
            }
        put(item, "interim_report_months", g.interim_report_months)
        put(item, "final_report_due", iso(g.final_report_due))
        put(item, "reports_submitted", _dump_proofs(g, put, iso))
        put(
            item,
            "repayments",
            [
                {"on": iso(on), "amount": money(amount)}
                for on, amount in funding.Repayment.objects.filter(grant=g)
                .order_by("on", "amount")
                .values_list("on", "amount")
            ],
        )
        put(item, "notifications", _dump_notifications(g, put, iso))
        grants.append(item)
    lines = []
    for code, grant, milestone, category, amount, closed_on in funding.CostLine.objects.filter(
        programme=programme
    ).values_list("code", "grant__code", "milestone__code", "category", "amount", "closed_on"):
        item = {
            "code": code,
            "grant": grant,
            "milestone": milestone,
            "category": category,
            "amount": money(amount),
        }
        put(item, "closed_on", iso(closed_on))
        lines.append(item)
    expenditures = []
    for line, on, amount, eligible, payee, note, ref in funding.Expenditure.objects.filter(
        cost_line__programme=programme
    ).values_list("cost_line__code", "on", "amount", "eligible", "payee", "note", "document_ref"):
        item = {"cost_line": line, "on": iso(on), "amount": money(amount), "eligible": eligible}
        put(item, "payee", payee)
        put(item, "note", note)
        put(item, "document_ref", ref)
        expenditures.append(item)
    budget_lines = []
    for grant, year, product, title, own, ve in funding.BudgetLine.objects.filter(
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
        for grant, on, amount in funding.DrawdownPlanEntry.objects.filter(
            grant__programme=programme
        ).values_list("grant__code", "on", "amount")
    ]
    drawdowns = []
    for grant, requested_on, requested, received_on, received in funding.Drawdown.objects.filter(
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
            expenditures,
            key=key("cost_line", "on", "amount", "eligible", "payee", "note", "document_ref"),
        ),
    )
    put(out, "budget_lines", sorted(budget_lines, key=key("grant", "year", "product", "title")))
    put(out, "drawdown_plan", sorted(plan, key=key("grant", "on", "amount")))
    put(out, "drawdowns", sorted(drawdowns, key=key("grant", "requested_on", "amount_requested")))
    return out


def _dump_proofs(grant, put, iso) -> list:
    out = []
    for kind, year, on in funding.ProofSubmission.objects.filter(grant=grant).values_list(
        "kind", "year", "on"
    ):
        item = {"kind": kind}
        put(item, "year", year)
        item["on"] = iso(on)
        out.append(item)
    # Interim proofs by year, then the final one.
    return sorted(out, key=lambda r: (r["kind"] == conditions.FINAL, r.get("year") or 0))


def _dump_notifications(grant, put, iso) -> list:
    out = []
    for n in funding.FunderNotification.objects.filter(grant=grant).order_by("on", "id"):
        item = {"on": iso(n.on)}
        put(item, "reference", n.reference)
        put(item, "text", n.text)
        put(item, "facts", n.facts)
        out.append(item)
    return out
