"""The cost plan template: one cost line a row (Kostenposition, Meilenstein, Kategorie, Betrag,
Zuwendung; optionally Abgeschlossen am and Begründung)."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from plansicht.funding.models import CostLine

from .table import CODE, DATE, MONEY, TEXT, Column, Problem, Table, read, restore, typed

CATEGORY = "category"
# The template's words for the categories, matched without regard to case.
CATEGORIES = {
    "personal": CostLine.STAFF,
    "sachkosten": CostLine.MATERIAL,
    "investitionen": CostLine.INVESTMENT,
}
WORDS = {CostLine.STAFF: "Personal", CostLine.MATERIAL: "Sachkosten"}
WORDS[CostLine.INVESTMENT] = "Investitionen"

COLUMNS = [
    Column("code", "Kostenposition", CODE, 40, "K1"),
    Column("milestone", "Meilenstein", CODE, 40, "M1-01"),
    Column("category", "Kategorie", CATEGORY, 40, "Personal"),
    Column("amount", "Betrag", MONEY, example=Decimal("12500.00")),
    Column("grant", "Zuwendung", CODE, 40, "G1"),
    Column("closed_on", "Abgeschlossen am", DATE, example=date(2026, 6, 30)),
    Column("reason", "Begründung", TEXT, 2000, ""),
]
HEADERS = {c.key: c.header for c in COLUMNS}
REQUIRED = ("code", "milestone", "category", "amount", "grant")


def category(value) -> str:
    """``Personal``, ``Sachkosten`` or ``Investitionen`` (any case) as the stored code."""
    text = restore(str(value)).strip()
    found = CATEGORIES.get(text.casefold())
    if found is None:
        raise ValueError(
            _("“{value}” is not a category; write Personal, Sachkosten or Investitionen").format(
                value=text
            )
        )
    return found


def _cell(column: Column, value):
    if column.kind == CATEGORY:
        return category(value) if typed(value, column) is not None else None
    if column.kind == MONEY:
        amount = typed(value, column)
        if amount is not None and amount < 0:
            raise ValueError(
                _("{value} is negative; a planned amount is 0 or more").format(
                    value=restore(str(value)).strip()
                )
            )
        return amount
    return typed(value, column)


def read_costs(data: bytes) -> Table:
    """The cost plan's rows, each checked on its own; the checks across rows and against the
    stored programme are ``services.cost_imports``'s."""
    table = read(data, COLUMNS, list(REQUIRED), _cell)
    if table.problems and not table.rows:
        return table
    for row in table.rows:
        for key in REQUIRED:
            if row.values.get(key) is None and _blank_cell(row, key, table):
                table.problems.append(Problem(row.number, HEADERS[key], _("is empty")))
    return table


def _blank_cell(row, key, table) -> bool:
    """True if the cell is really blank, not merely unreadable (that problem is reported)."""
    header = HEADERS[key]
    return not any(p.row == row.number and p.column == header for p in table.problems)
