"""A spreadsheet (XLSX, or CSV in UTF-8 or Windows-1252, ``;`` or ``,`` separated) as rows of
typed values: dates, whole numbers, amounts and texts, each cell checked, every problem kept
as (row, column, message) with rows numbered as the spreadsheet shows them (the header is
row 1). Headers are matched without regard to case, spaces and hyphens; unknown columns are
ignored with a notice; blank rows are skipped; the exports' formula neutralisation is undone."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plansicht.engine import calendar
from plansicht.opendata.cells import restore

MAX_ROWS = 100_000
TEXT, CODE, DATE, DAYS, MONEY = "text", "code", "date", "days", "money"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the German header of the template
    kind: str = TEXT
    max_length: int = 300
    example: object = ""


@dataclass
class Problem:
    """One problem: ``row`` as the spreadsheet numbers it (None: the whole file), ``column``
    the template's header (None: the whole row)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self):
        if self.row is not None and self.column is not None:
            return _("Row {row}, column ‚{column}‘: {message}").format(
                row=self.row, column=self.column, message=self.message
            )
        if self.row is not None:
            return _("Row {row}: {message}").format(row=self.row, message=self.message)
        return str(self.message)


@dataclass
class Row:
    number: int
    values: dict  # column key → typed value (None: blank)


@dataclass
class Table:
    columns: dict  # column key → Column, for the columns the file has
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def has(self, key) -> bool:
        return key in self.columns


class Unreadable(Exception):
    """The file is neither an XLSX workbook nor a CSV text."""


def normalise(header) -> str:
    return re.sub(r"[\s\-‐‑–_]+", "", str(header or "")).casefold()


# -- reading the raw cells -------------------------------------------------------------------


def raw_rows(data: bytes) -> list[list]:
    """The cells of the first sheet (XLSX) or of the CSV text, row by row."""
    if data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    return _csv_rows(data)


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # a damaged or foreign zip file
        raise Unreadable(_("The file cannot be read as an Excel workbook (XLSX).")) from e
    try:
        sheet = book.worksheets[0]
        return [
            list(row)
            for _i, row in zip(range(MAX_ROWS + 1), sheet.iter_rows(values_only=True), strict=False)
        ]
    finally:
        book.close()


def _csv_rows(data: bytes) -> list[list]:
    if b"\x00" in data:
        raise Unreadable(_("The file is neither an Excel workbook (XLSX) nor a CSV text."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


# -- typed cells -----------------------------------------------------------------------------

_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})")
_WHOLE = re.compile(r"\d{1,3}(?:\.\d{3})+|\d+")
_AMOUNT = re.compile(r"-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d{1,2})?")


def shown(value) -> str:
    """A cell's value as the message quotes it."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def as_text(value, column: Column) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = shown(value)
    text = restore(str(value)).strip()
    if not text:
        return None
    if "\x00" in text:
        raise ValueError(_("contains a character text cannot hold (NUL); remove it"))
    if column.kind == CODE and any(c.isspace() for c in text):
        raise ValueError(_("“{value}” is not a code: a code has no spaces").format(value=text))
    if len(text) > column.max_length:
        raise ValueError(
            _("is {length} characters long; at most {n} are allowed").format(
                length=len(text), n=column.max_length
            )
        )
    return text


def as_date(value) -> date | None:
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        text = restore(str(value)).strip()
        match = _DATE.fullmatch(text)
        try:
            if match is None:
                raise ValueError
            day, month, year = (int(g) for g in match.groups())
            if len(match.group(3)) == 2:
                year += 2000
            value = date(year, month, day)
        except ValueError:
            raise ValueError(
                _("{value} is not a date; write it as 31.12.2025").format(value=text)
            ) from None
    if not calendar.in_range(value):
        raise ValueError(
            _("{value} is not a date from {earliest} to {latest}").format(
                value=shown(value),
                earliest=shown(calendar.EARLIEST),
                latest=shown(calendar.LATEST),
            )
        )
    return value


def as_days(value) -> int:
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        text = restore(str(value)).strip()
        if not _WHOLE.fullmatch(text):
            raise ValueError(
                _("{value} is not a whole number of days (0 or more)").format(value=text)
            )
        value = int(text.replace(".", ""))
    if value < 0 or value > 36_500:
        raise ValueError(
            _("{value} is not a whole number of days from 0 to 36.500").format(value=value)
        )
    return value


def as_money(value) -> Decimal:
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        amount = Decimal(str(value))
        shown_value = shown(value)
    else:
        shown_value = restore(str(value)).strip()
        if not _AMOUNT.fullmatch(shown_value):
            raise ValueError(
                _("{value} is not an amount; write it as 1.234,50").format(value=shown_value)
            )
        amount = Decimal(shown_value.replace(".", "").replace(",", "."))
    if not amount.is_finite() or abs(amount) >= Decimal("10000000000"):
        raise ValueError(_("{value} is not an amount").format(value=shown_value))
    if amount.as_tuple().exponent < -2:
        raise ValueError(_("{value} has more than two decimal places").format(value=shown_value))
    try:
        return amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(_("{value} is not an amount").format(value=shown_value)) from None


def typed(value, column: Column):
    """A cell's value for ``column`` (None for a blank cell); ValueError with the message."""
    if value is None or (isinstance(value, str) and not restore(value).strip()):
        return None
    if column.kind == DATE:
        return as_date(value)
    if column.kind == DAYS:
        return as_days(value)
    if column.kind == MONEY:
        return as_money(value)
    return as_text(value, column)


# -- the table -------------------------------------------------------------------------------


PROGRESS_EVERY = 1000  # rows


def read(
    data: bytes, columns: list[Column], required: list[str], parse_cell=None, progress=None
) -> Table:
    """The rows of ``data`` for the template ``columns``; ``required`` keys must be headers.
    ``parse_cell(key, value)`` may type a column of its own (else ``typed``); ``progress(done,
    total)`` is told every thousand rows how many of the file's rows are read."""
    try:
        cells = raw_rows(data)
    except Unreadable as e:
        return Table(columns={}, problems=[Problem(None, None, str(e))])
    if len(cells) > MAX_ROWS:
        return Table(
            columns={},
            problems=[
                Problem(None, None, _("The file has more than {n} rows.").format(n=MAX_ROWS))
            ],
        )
    while cells and all(_blank(c) for c in cells[0]):
        cells.pop(0)
    by_name = {normalise(c.header): c for c in columns}
    table = Table(columns={})
    if not cells:
        table.problems.append(Problem(None, None, _("The file is empty.")))
        return table
    positions = {}
    for index, header in enumerate(cells[0]):
        if _blank(header):
            continue
        header = restore(str(header)).strip()
        column = by_name.get(normalise(header))
        if column is None:
            table.notices.append(
                _("Column ‚{header}‘ is not part of the template and was ignored.").format(
                    header=header
                )
            )
        elif column.key in table.columns:
            table.problems.append(
                Problem(1, column.header, _("this column appears twice; keep one"))
            )
        else:
            table.columns[column.key] = column
            positions[column.key] = index
    for key in required:
        if key not in table.columns:
            header = next(c.header for c in columns if c.key == key)
            table.problems.append(
                Problem(
                    1,
                    None,
                    _("the column ‚{header}‘ is missing; the template lists it").format(
                        header=header
                    ),
                )
            )
    if table.problems:
        return table
    total = len(cells) - 1
    for offset, raw in enumerate(cells[1:]):
        number = offset + 2
        if progress is not None and offset % PROGRESS_EVERY == 0:
            progress(offset, total)
        if all(_blank(c) for c in raw):
            continue
        values = {}
        for key, index in positions.items():
            value = raw[index] if index < len(raw) else None
            column = table.columns[key]
            try:
                values[key] = parse_cell(column, value) if parse_cell else typed(value, column)
            except ValueError as e:
                table.problems.append(Problem(number, column.header, str(e)))
                values[key] = None
        table.rows.append(Row(number, values))
    if progress is not None:
        progress(total, total)
    return table


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
