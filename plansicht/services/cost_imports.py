"""Importing the cost plan from a spreadsheet (``plansicht.imports.cost_table``): create or
update cost lines by code, never delete. All rows in one transaction: either every row is
stored, or nothing.

Every row is written through ``services.funding.save_cost_line``, the office form's service:
the same checks (codes, amount limits, the grant and milestone of this programme), the same
``cost_line.saved`` event (its changes, its milestone, public as the milestone is) and the
same forecast and money at risk recomputed — one event per cost line created or changed, none
for a row that changes nothing, so importing the same file twice writes nothing the second
time. The price: the forecast is computed per written row, not once for the whole import.

Every event gives the import as its reason; a changed planned amount of a stored line needs a
real one (as in the office form): the row's ``Begründung``, else the ``reason`` given to the
import, else the row is refused."""

from django.utils.translation import gettext as _

from plansicht.funding.models import CostLine, Grant
from plansicht.funding.templatetags.funding import euro
from plansicht.imports.cost_table import HEADERS
from plansicht.imports.table import Problem, Table
from plansicht.plan.models import Milestone, Programme

from . import Actor, ServiceError
from .funding import KEEP, save_cost_line
from .imports import ImportResult, all_or_nothing
from .permissions import can_edit_money, check

KIND = "cost_lines"
# save_cost_line's fields as the template's columns.
FIELDS = {"code": "code", "amount": "amount", "category": "category", "closed_on": "closed_on"}


def import_costs(
    programme: Programme,
    table: Table,
    *,
    actor: Actor,
    reason: str = "",
    dry_run: bool = False,
    source: str = "",
) -> ImportResult:
    """Apply the rows of ``table`` to the cost plan of ``programme``; with ``dry_run`` check
    everything the import would do and store nothing. ``source``: the file's name, for the
    events' reason."""
    check(actor, lambda user: can_edit_money(user, programme))
    result = ImportResult(
        created={KIND: 0},
        updated={KIND: 0},
        unchanged={KIND: 0},
        notices=list(table.notices),
        problems=list(table.problems),
        dry_run=dry_run,
    )
    # The rows are checked against the programme even when some cells are unreadable: the
    # clerk sees every problem of the file at once.
    todo = _check(programme, table, result.problems)
    reason = (reason or "").strip()
    return all_or_nothing(
        programme,
        result,
        lambda: _write(programme, table, todo, actor, reason, source, result),
        HEADERS,
    )


def _problem(problems, row, key, message):
    problems.append(Problem(row, HEADERS[key] if key else None, message))


def _check(programme, table, problems) -> list:
    """The rows to write, each with its milestone and grant; the problems across rows and
    against the stored programme added to ``problems``."""

    def problem(row, key, message):
        _problem(problems, row, key, message)

    grants = {g.code: g for g in Grant.objects.filter(programme=programme)}
    milestones = {m.code: m for m in Milestone.objects.filter(programme=programme)}
    first = {}
    todo = []
    for row in table.rows:
        v = row.values
        code = v.get("code")
        if code is None:
            continue
        if code in first:
            problem(
                row.number,
                "code",
                _("{code} appears in row {first} already; give each cost line one row").format(
                    code=code, first=first[code]
                ),
            )
            continue
        first[code] = row.number
        milestone = milestones.get(v.get("milestone"))
        if v.get("milestone") is not None and milestone is None:
            problem(
                row.number,
                "milestone",
                _("{code} is no milestone of this programme").format(code=v["milestone"]),
            )
        grant = grants.get(v.get("grant"))
        if v.get("grant") is not None and grant is None:
            problem(
                row.number,
                "grant",
                _("{code} is no grant of this programme; known: {codes}").format(
                    code=v["grant"], codes=", ".join(sorted(grants)) or "–"
                ),
            )
        if milestone is None or grant is None or None in (v.get("category"), v.get("amount")):
            continue  # the reader or the checks above name the problem
        todo.append((row, milestone, grant))
    return todo


def _write(programme, table, todo, actor, reason, source, result):
    def problem(row, key, message):
        _problem(result.problems, row, key, message)

    lines = {c.code: c for c in CostLine.objects.filter(programme=programme)}
    base = _("Import of {file}").format(file=source or _("a table"))
    for row, milestone, grant in todo:
        v = row.values
        line = lines.get(v["code"])
        closed_on = v.get("closed_on") if table.has("closed_on") else KEEP
        if line is not None:
            same = (
                line.grant_id == grant.pk
                and line.milestone_id == milestone.pk
                and line.category == v["category"]
                and line.amount == v["amount"]
                and (closed_on is KEEP or line.closed_on == closed_on)
            )
            if same:
                result.unchanged[KIND] += 1
                continue
        given = v.get("reason") or reason
        if line is not None and line.amount != v["amount"] and not given:
            problem(
                row.number,
                "amount",
                _(
                    "changes the planned amount of {code} from {old} to {new}; give the reason "
                    "in the column ‚Begründung‘ or for the whole import"
                ).format(code=line.code, old=euro(line.amount), new=euro(v["amount"])),
            )
            continue
        try:
            save_cost_line(
                programme,
                actor=actor,
                code=v["code"],
                grant=grant,
                milestone=milestone,
                category=v["category"],
                amount=v["amount"],
                closed_on=closed_on,
                reason=given or base,
                line=line,
            )
        except ServiceError as e:
            key = FIELDS.get(e.field)
            problem(row.number, key, str(e.message))
            continue
        result.created[KIND] += line is None
        result.updated[KIND] += line is not None
        result.events += 1
