"""Decidim's accountability results CSV (``;``-separated, as a Decidim "Accountability" component
exports its results) read as plan rows, for ``services.imports.import_plan``:

- each result is a measure with the code ``D`` + its Decidim ``id`` (``D70``), under the
  measure of its ``parent/id``; importing the file again updates the same measures;
- its title and description in the active language (``title/de``), else in English, else in
  the first language that has one; a description's HTML becomes plain text;
- its field of action is its category (``category/name/de`` …), else its parent's, else one
  field "Aus Decidim übernommen";
- a result without children that has a ``start_date`` and an ``end_date`` becomes one
  milestone ``D70-1`` of the same title, planned from the start to the end, with its
  ``progress`` (a percentage, rounded half up).

Problems name the row and the Decidim column. Statuses, scopes and proposal links are not
Plansicht's: they are ignored with a notice."""

import html
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import nh3
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from plansicht.engine import calendar

from .table import CODE, DATE, DAYS, TEXT, Column, Problem, Row, Table, raw_rows, restore, shown

PREFIX = "D"
# The columns read; every other one (status, scope, category id, URLs …) is ignored.
USED = ("title/", "description/", "category/name/")
USED_EXACTLY = ("id", "parent/id", "start_date", "end_date", "progress")


def looks_like_results(data: bytes) -> bool:
    """Whether ``data`` is a CSV whose header has Decidim's ``id`` and ``title/…`` columns."""
    if data[:4] == b"PK\x03\x04":
        return False
    head = data[:4096].split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    names = [name.strip().strip('"').lower() for name in head.split(";")]
    return "id" in names and "parent/id" in names and any(n.startswith("title/") for n in names)


def _text(value) -> str | None:
    text = restore(str(value)).strip() if value is not None else ""
    return text or None


def _plain(markup: str) -> str:
    """A Decidim description (HTML) as plain text: paragraphs kept as blank lines."""
    text = markup.replace("</p>", "\n\n").replace("<br>", "\n").replace("<br/>", "\n")
    text = html.unescape(nh3.clean(text, tags=set()))
    return "\n\n".join(p.strip() for p in text.split("\n\n") if p.strip())


def _id(value) -> int:
    text = _text(value) or ""
    if not text.isdigit() or len(text) > 12:
        raise ValueError(_("{value} is not a Decidim id (a whole number)").format(value=text))
    return int(text)


def _day(value) -> date:
    text = _text(value) or ""
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(
            _("{value} is not a date; Decidim writes it as 2025-12-31").format(value=text)
        ) from None
    if not calendar.in_range(day):
        raise ValueError(
            _("{value} is not a date from {earliest} to {latest}").format(
                value=shown(day), earliest=shown(calendar.EARLIEST), latest=shown(calendar.LATEST)
            )
        )
    return day


def _percent(value) -> int:
    text = _text(value) or ""
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not 0 <= number <= 100:
        raise ValueError(_("{value} is not a percentage from 0 to 100").format(value=text))
    return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _in_language(header: dict, prefix: str, cells: list) -> tuple[str | None, str | None]:
    """(text, column) of the first language that has one: the active, English, the others."""
    for lang in _by_preference(header, prefix):
        index = header[prefix + lang]
        value = _text(cells[index]) if index < len(cells) else None
        if value is not None:
            return value, prefix + lang
    return None, None


def read_results(data: bytes) -> Table:
    """The results as plan rows (keys of ``plan_table.COLUMNS``, with ``progress`` and
    ``measure_description``); problems by row and Decidim column."""
    cells = raw_rows(data)
    header = {}
    for index, name in enumerate(cells[0] if cells else []):
        name = _text(name)
        if name is not None:
            header.setdefault(name.lower(), index)
    columns = {
        "measure": Column("measure", "id", CODE, 40),
        "measure_title": Column("measure_title", _title_header(header), TEXT, 300),
        "measure_description": Column("measure_description", "description", TEXT, 20_000),
        "parent": Column("parent", "parent/id", CODE, 40),
        "field": Column("field", "category/name", TEXT, 300),
        "milestone": Column("milestone", "id", CODE, 40),
        "title": Column("title", _title_header(header), TEXT, 300),
        "start": Column("start", "start_date", DATE),
        "duration": Column("duration", "end_date", DAYS),
        "progress": Column("progress", "progress", DAYS),
    }
    table = Table(columns=columns)
    ignored = sorted(n for n in header if not n.startswith(USED) and n not in USED_EXACTLY)
    if ignored:
        table.notices.append(
            _("Decidim's columns {names} have no place in Plansicht and were ignored.").format(
                names=", ".join(f"‚{n}‘" for n in ignored)
            )
        )
    parsed = []
    for offset, raw in enumerate(cells[1:]):
        if all(_text(c) is None for c in raw):
            continue
        parsed.append(_result(offset + 2, raw, header, table.problems))
    parents = {r["parent"] for r in parsed if r.get("parent") is not None}
    ids = {}
    for result in parsed:
        if result.get("id") is None:
            continue
        if result["id"] in ids:
            table.problems.append(
                Problem(
                    result["row"],
                    "id",
                    _("{id} appears in row {first} already; give each result one row").format(
                        id=result["id"], first=ids[result["id"]]["row"]
                    ),
                )
            )
            continue
        ids[result["id"]] = result
    for result in ids.values():
        parent = result.get("parent")
        if parent is not None and parent not in ids:
            table.problems.append(
                Problem(
                    result["row"],
                    "parent/id",
                    _("{id} is no result of this file; export the parent with it").format(
                        id=parent
                    ),
                )
            )
    fallback = _("Imported from Decidim")
    for result in ids.values():
        values = {
            "measure": f"{PREFIX}{result['id']}",
            "measure_title": result.get("title"),
            "measure_description": result.get("description"),
            "parent": f"{PREFIX}{result['parent']}" if result.get("parent") is not None else None,
            "field": _field(result, ids, fallback),
        }
        start, end = result.get("start"), result.get("end")
        if result["id"] not in parents and start is not None and end is not None:
            if end < start:
                table.problems.append(
                    Problem(result["row"], "end_date", _("is before the start_date"))
                )
            else:
                values.update(
                    milestone=f"{PREFIX}{result['id']}-1",
                    title=result.get("title"),
                    start=start,
                    duration=(end - start).days,
                    progress=result.get("progress"),
                )
        table.rows.append(Row(result["row"], values))
    return table


def _title_header(header: dict) -> str:
    """The title column a problem names: the one of the language read first."""
    titles = _by_preference(header, "title/")
    return "title/" + titles[0] if titles else "title"


def _by_preference(header: dict, prefix: str) -> list[str]:
    """The languages of the ``prefix`` columns: the active first, then English, then the rest."""
    active = (get_language() or "de").split("-")[0]
    languages = [c[len(prefix) :] for c in header if c.startswith(prefix)]
    return sorted(languages, key=lambda lang: (lang != active, lang != "en", lang))


def _result(number: int, raw: list, header: dict, problems: list) -> dict:
    """One row's values by name; a cell's problem is noted and the value left out."""
    result = {"row": number}

    def cell(name):
        index = header.get(name)
        return raw[index] if index is not None and index < len(raw) else None

    for key, name, parse in (
        ("id", "id", _id),
        ("parent", "parent/id", _id),
        ("start", "start_date", _day),
        ("end", "end_date", _day),
        ("progress", "progress", _percent),
    ):
        value = cell(name)
        if _text(value) is None:
            continue
        try:
            result[key] = parse(value)
        except ValueError as e:
            problems.append(Problem(number, name, str(e)))
    if "id" not in result and not any(p.row == number and p.column == "id" for p in problems):
        problems.append(Problem(number, "id", _("is empty; every result has its id")))
    title, title_column = _in_language(header, "title/", raw)
    if title is None:
        problems.append(
            Problem(number, _title_header(header), _("is empty; a result needs a title"))
        )
    elif len(title) > 300:
        problems.append(
            Problem(
                number,
                title_column,
                _("is {length} characters long; at most {n} are allowed").format(
                    length=len(title), n=300
                ),
            )
        )
    else:
        result["title"] = title
    description, _column = _in_language(header, "description/", raw)
    if description is not None:
        result["description"] = _plain(description)
    category, _column = _in_language(header, "category/name/", raw)
    if category is not None:
        result["category"] = category[:300]
    return result


def _field(result: dict, ids: dict, fallback: str) -> str:
    """The result's category, else its nearest ancestor's, else ``fallback``."""
    seen = set()
    while result is not None and result["id"] not in seen:
        seen.add(result["id"])
        if result.get("category"):
            return result["category"]
        result = ids.get(result.get("parent"))
    return fallback
