"""The plan template: measures and milestones, one milestone (or one measure) a row."""

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from .table import CODE, DATE, DAYS, TEXT, Column, Problem, Table, read, restore, typed

FS, SS = "FS", "SS"
# The German words for the dependency types (Ende–Anfang, Anfang–Anfang), and FS/SS as well.
TYPES = {"EA": FS, "AA": SS, "FS": FS, "SS": SS}
WORDS = {FS: "EA", SS: "AA"}

COLUMNS = [
    Column("measure", "Maßnahme", CODE, 40, "M1"),
    Column("measure_title", "Maßnahme (Titel)", TEXT, 300, "Datenplattform"),
    Column("parent", "Übergeordnete Maßnahme", CODE, 40, ""),
    Column("field", "Handlungsfeld", TEXT, 300, "Verwaltung"),
    Column("milestone", "Meilenstein", CODE, 40, "M1-01"),
    Column("title", "Titel", TEXT, 300, "Ausschreibung"),
    Column("start", "Beginn (geplant)", DATE, example=date(2026, 1, 5)),
    Column("duration", "Dauer (Tage)", DAYS, example=30),
    Column("end", "Ende (geplant)", DATE, example=""),
    Column("lead_unit", "Verantwortlich", TEXT, 200, "Stabsstelle Digitalisierung"),
    Column("predecessors", "Vorgänger", "predecessors", 2000, ""),
    Column("reason", "Begründung", TEXT, 2000, ""),
]
HEADERS = {c.key: c.header for c in COLUMNS}
MEASURE_COLUMNS = ("measure_title", "parent", "field", "lead_unit")


@dataclass(frozen=True)
class Link:
    code: str
    type: str = FS
    lag_days: int = 0

    def __str__(self):
        text = self.code
        if self.type != FS or self.lag_days:
            text += f" {WORDS[self.type]}"
        if self.lag_days:
            text += f"{self.lag_days:+d}"
        return text


_REST = re.compile(r"(?P<type>[A-Za-zÄÖÜäöü]{2})?(?P<lag>[+-]\d{1,5})?")


def predecessors(value) -> tuple[Link, ...]:
    """``A, B EA, C AA+5, D -3`` as links; ValueError naming the first bad entry."""
    text = restore(str(value)).strip() if value is not None else ""
    links, seen = [], set()
    for entry in (e.strip() for e in text.replace(";", ",").split(",")):
        if not entry:
            continue
        code, *rest = entry.split()
        rest = "".join(rest)
        match = _REST.fullmatch(rest)
        if match is None:
            raise ValueError(
                _(
                    "“{entry}” is not a predecessor; write the milestone's code, then EA or AA "
                    "and a lag in days, e.g. “M1-02 AA+5”"
                ).format(entry=entry)
            )
        kind = (match.group("type") or "EA").upper()
        if kind not in TYPES:
            raise ValueError(
                _(
                    "“{entry}”: {kind} is not a dependency type Plansicht knows; only EA (end to "
                    "start) and AA (start to start) are possible"
                ).format(entry=entry, kind=kind)
            )
        if code in seen:
            raise ValueError(_("{code} is listed twice").format(code=code))
        seen.add(code)
        links.append(Link(code, TYPES[kind], int(match.group("lag") or 0)))
    return tuple(links)


def _cell(column: Column, value):
    if column.kind == "predecessors":
        return predecessors(value) if typed(value, column) is not None else ()
    return typed(value, column)


def read_plan(data: bytes, progress=None) -> Table:
    """The plan's rows, each checked on its own; the checks across rows and against the stored
    plan are ``services.imports``'s. A Decidim results CSV is read as such (``decidim_table``)."""
    from .decidim_table import looks_like_results, read_results

    if looks_like_results(data):
        return read_results(data)
    table = read(data, COLUMNS, ["measure"], _cell, progress)
    if table.problems and not table.rows:
        return table
    has_milestones = table.has("milestone")
    if has_milestones:
        for key in ("title", "start"):
            if not table.has(key):
                table.problems.append(_missing_column(HEADERS[key]))
        if not table.has("duration") and not table.has("end"):
            table.problems.append(
                Problem(
                    1,
                    None,
                    _("the column ‚Dauer (Tage)‘ or ‚Ende (geplant)‘ is missing; give one of them"),
                )
            )
    for row in table.rows:
        v = row.values
        if v.get("measure") is None and _blank_cell(row, "measure", table):
            table.problems.append(
                Problem(row.number, HEADERS["measure"], _("is empty; every row names its measure"))
            )
        if not has_milestones or v.get("milestone") is None:
            continue
        for key in ("title", "start"):
            if v.get(key) is None and _blank_cell(row, key, table):
                table.problems.append(Problem(row.number, HEADERS[key], _("is empty")))
        start, duration, end = v.get("start"), v.get("duration"), v.get("end")
        if end is not None and start is not None:
            days = (end - start).days
            if days < 0:
                table.problems.append(
                    Problem(row.number, HEADERS["end"], _("is before the planned start"))
                )
            elif duration is not None and duration != days:
                table.problems.append(
                    Problem(
                        row.number,
                        HEADERS["duration"],
                        _(
                            "{duration} days do not agree with the planned end: from the start "
                            "to the end are {days} days; give one of the two"
                        ).format(duration=duration, days=days),
                    )
                )
            else:
                v["duration"] = days
        if (
            v.get("duration") is None
            and end is None
            and _blank_cell(row, "duration", table)
            and _blank_cell(row, "end", table)
        ):
            table.problems.append(
                Problem(
                    row.number,
                    HEADERS["duration"] if table.has("duration") else HEADERS["end"],
                    _("is empty; give the duration in days or the planned end"),
                )
            )
    return table


def _missing_column(header) -> Problem:
    return Problem(
        1, None, _("the column ‚{header}‘ is missing; the template lists it").format(header=header)
    )


def _blank_cell(row, key, table) -> bool:
    """True if the cell is really blank, not merely unreadable (that problem is reported)."""
    header = HEADERS[key]
    return not any(p.row == row.number and p.column == header for p in table.problems)
