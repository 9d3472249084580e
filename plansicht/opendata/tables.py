"""The programme's public tables in machine formats: CSV with a Frictionless Table Schema and
``datapackage.json``, a README of every column (German first, then English), the same tables
as one XLSX workbook, and the whole public programme as one JSON document.

The rows are the portal's (``plansicht.forecast.public_rows``): what the public pages show,
nothing internal. Machine formats: ISO dates (2025-12-31), amounts with a point and two
decimals (1234.50), no currency sign; a missing value is an empty cell (JSON: null)."""

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from plansicht import clock
from plansicht.decisions.models import Decision
from plansicht.forecast import public_participation, public_rows
from plansicht.funding.models import CostLine
from plansicht.indicators import reads as indicator_reads
from plansicht.participation import figures as participation_figures
from plansicht.participation.models import Submission
from plansicht.plan.models import Dependency, Measure, Milestone

from .cells import neutralise


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Frictionless: string, integer, number, date, boolean
    title_de: str
    title_en: str
    description_de: str
    description_en: str


def _columns() -> dict[str, tuple[Column, ...]]:
    """Every table's columns, in order, from ``columns.csv`` beside this module: the CSV
    header, the Frictionless type and the titles and descriptions the README and the XLSX
    show, German and English."""
    found = {}
    with open(Path(__file__).with_name("columns.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            table = row.pop("table")
            found.setdefault(table, []).append(Column(**row))
    return {table: tuple(columns) for table, columns in found.items()}


COLUMNS = _columns()


@dataclass(frozen=True)
class Table:
    name: str  # the resource's name; the CSV file is name + ".csv"
    title_de: str
    title_en: str
    rows: object  # rows(programme) -> tuples, in the order of the table's columns

    @property
    def columns(self) -> tuple[Column, ...]:
        return COLUMNS[self.name]

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"


# -- rows ------------------------------------------------------------------------------------


def _measures(programme):
    found = (
        Measure.objects.filter(programme=programme)
        .public()
        .select_related("parent", "field_of_action", "lead_unit", "forecast")
        .order_by("code", "pk")
    )
    for m in found:
        r = public_rows.measure_row(m)
        yield (
            r["code"],
            r["title"],
            r["description"],
            r["parent"],
            r["field_of_action"],
            r["lead_unit"],
            *(r[name] for name in public_rows.FIGURES),
            r["late_since"],
            r["milestone_count"],
        )


MEASURES = Table(
    "massnahmen",
    "Maßnahmen",
    "Measures",
    _measures,
)


def _milestones(programme):
    for m in public_rows.public_milestones(programme):
        r = public_rows.milestone_row(m)
        f = r["forecast"] or {}
        yield (
            r["code"],
            r["title"],
            r["description"],
            r["measure"],
            r["planned_start"],
            r["duration_days"],
            r["expected_finish"],
            r["actual_start"],
            r["actual_finish"],
            r["progress"],
            r["accepted_on"],
            *(
                f.get(k)
                for k in (
                    "start",
                    "finish",
                    "started",
                    "finished",
                    "baseline_finish",
                    "original_finish",
                    "slip_days",
                    "health",
                    "late_since",
                    "cost_at_risk",
                    "grant_at_risk",
                    "late_because_of_milestone",
                    "late_because_of_post",
                )
            ),
        )


MILESTONES = Table(
    "meilensteine",
    "Meilensteine",
    "Milestones",
    _milestones,
)


def _dependencies(programme):
    shown = Milestone.objects.filter(programme=programme).public_ids()
    for d in (
        Dependency.objects.filter(programme=programme)
        .select_related("predecessor", "successor")
        .order_by("successor__code", "predecessor__code")
    ):
        if d.predecessor_id in shown and d.successor_id in shown:
            yield (d.predecessor.code, d.successor.code, d.type, d.lag_days)


DEPENDENCIES = Table(
    "abhaengigkeiten",
    "Abhängigkeiten",
    "Dependencies",
    _dependencies,
)

CATEGORY_KEYS = [key for key, _label in CostLine.CATEGORIES]


def _cost_plan(programme):
    forecast = getattr(programme, "forecast", None)
    stored = forecast.kfp if forecast else {}
    shown = set(
        Measure.objects.filter(programme=programme, code__in=list(stored))
        .public()
        .values_list("code", flat=True)
    )
    for code in sorted(shown):
        for year in sorted(stored[code], key=int):
            for category in CATEGORY_KEYS:
                if category in stored[code][year]:
                    yield (code, int(year), category, Decimal(stored[code][year][category]))


COST_PLAN = Table(
    "kostenplan",
    "Kosten- und Finanzierungsplan",
    "Cost and financing plan",
    _cost_plan,
)


def _money_by_year(programme):
    forecast = getattr(programme, "forecast", None)
    for r in forecast.money_by_year if forecast else []:
        yield (int(r["year"]), *(Decimal(r[k]) for k in ("planned", "forecast", "actual")))


MONEY = Table(
    "geld_nach_jahr",
    "Ausgaben nach Jahr",
    "Spending by year",
    _money_by_year,
)


def _positions(programme):
    for p in public_rows.public_positions(programme):
        r = public_rows.position_row(p)
        yield (
            r["code"],
            r["title"],
            r["grant"],
            r["vacant"],
            r["filled_since"],
            r["current_step"],
            r["current_since"],
            r["vacant_since"],
            r["days_vacant"],
            r["forecast_fill"],
            r["cover"],
            r["vacancy_cost"],
            r["month_cost"],
            ",".join(r["waiting_milestones"]),
        )


POSITIONS = Table(
    "stellen",
    "Geförderte Stellen",
    "Funded posts",
    _positions,
)


def submissions(programme, today) -> list[dict]:
    """The public questions and statements as their pages show them as of ``today``,
    newest first."""
    out = []
    for kind in (Submission.QUESTION, Submission.STATEMENT):
        _everything, shown = participation_figures.listing(programme, kind, today)
        loaded = (
            Submission.objects.select_related(
                "measure", "milestone", "position", "body", "unit", "answer_unit"
            )
            .prefetch_related("extensions")
            .in_bulk([b.pk for b in shown])
        )
        for b in shown:
            item = loaded[b.pk]
            row = public_rows.submission_row(programme, item, b.status, b.due, today)
            row["kind"] = "question" if kind == Submission.QUESTION else "statement"
            row["measure_id"] = item.measure_id or (
                item.milestone.measure_id if item.milestone_id else None
            )
            out.append(row)
    return out


def _submissions(programme):
    for r in submissions(programme, clock.today()):
        yield (
            r["kind"],
            r["code"],
            r["about"]["kind"],
            r["about"]["code"],
            r["body"],
            r["received"],
            r["due"],
            r["due_in_force"],
            r["status"],
            r["text"],
            r["responsible_unit"],
            r["answer"],
            r["answered_on"],
            r["answered_by"],
            r["withdrawn_on"],
        )


SUBMISSIONS = Table(
    "fragen_und_stellungnahmen",
    "Fragen und Stellungnahmen",
    "Questions and statements",
    _submissions,
)


def decisions(programme, today) -> list[dict]:
    found = Decision.objects.for_programme(programme).taken_by(today).newest_first()
    return public_rows.decision_rows(programme, found, today)


def _decisions(programme):
    for r in decisions(programme, clock.today()):
        votes = r["votes"] or {}
        yield (
            r["number"],
            r["title"],
            r["body"],
            r["body_name"],
            r["date"],
            r["result"],
            votes.get("yes"),
            votes.get("no"),
            votes.get("abstain"),
            r["url"],
            ",".join(m["code"] for m in r["measures"]),
        )


DECISIONS = Table(
    "beschluesse",
    "Beschlüsse",
    "Council decisions",
    _decisions,
)


def _assignments(programme):
    for r in decisions(programme, clock.today()):
        for a in r["assignments"]:
            yield (
                r["number"],
                a["code"],
                a["title"],
                a["due"],
                a["done_when"],
                a["milestone"],
                a["position"],
                a["step"],
                a["plan_version"],
                a["status"],
                a["done_on"],
            )


ASSIGNMENTS = Table(
    "auftraege",
    "Aufträge aus Beschlüssen",
    "Assignments of decisions",
    _assignments,
)


def indicators(programme, today):
    found = indicator_reads.public_of(programme)
    return [
        public_rows.indicator_row(i)
        for i in indicator_reads.measured_by(indicator_reads.with_status(found, today), today)
    ]


def _indicators(programme):
    for r in indicators(programme, clock.today()):
        latest = r["latest"] or {}
        yield (
            r["measure"],
            r["code"],
            r["title"],
            r["unit"],
            Decimal(r["baseline"]["value"]),
            r["baseline"]["on"],
            Decimal(r["target"]["value"]),
            r["target"]["on"],
            Decimal(latest["value"]) if latest else None,
            latest.get("on"),
            r["progress_percent"],
        )


INDICATORS = Table(
    "indikatoren",
    "Indikatoren",
    "Indicators",
    _indicators,
)


def _indicator_values(programme):
    for r in indicators(programme, clock.today()):
        for v in r["values"]:
            yield (r["measure"], r["code"], v["on"], Decimal(v["value"]), v["note"])


INDICATOR_VALUES = Table(
    "indikatorwerte",
    "Werte der Indikatoren",
    "Indicator values",
    _indicator_values,
)


def _proposals(programme):
    for r in public_participation.proposals(programme, clock.today()):
        last = r["decisions"][-1] if r["decisions"] else {}
        yield (
            r["code"],
            r["about"]["kind"],
            r["about"]["code"],
            r["by"],
            r["body"],
            r["received"],
            r["title"],
            r["text"],
            r["hidden"],
            r["status"],
            r["supports"],
            r["threshold_reached"],
            r["due"],
            r["original_due"],
            r["decided"],
            r["deadline_status"],
            last.get("reason"),
            last.get("link"),
        )


PROPOSALS = Table(
    "vorschlaege",
    "Vorschläge",
    "Proposals",
    _proposals,
)


def consultations(programme) -> list[dict]:
    """The consultations for the public (never a staff-only one), the latest opening first,
    their results only once closed."""
    return [
        public_participation.consultation_row(c)
        for c in public_participation.public_consultations(programme)
    ]


def _consultations(programme):
    for r in consultations(programme):
        yield (
            r["code"],
            r["title"],
            r["description"],
            r["measure"],
            r["opens"],
            r["closes"],
            r["phase"],
            len(r["questions"]),
            r["respondents"],
            r["summary"],
        )


CONSULTATIONS = Table(
    "befragungen",
    "Befragungen",
    "Consultations",
    _consultations,
)


def _consultation_results(programme):
    for r in consultations(programme):
        texts = {q["number"]: q["text"] for q in r["questions"]}
        for q in r["results"] or ():  # null until the close
            head = (r["code"], q["number"], texts.get(q["number"]), q["kind"], q["respondents"])
            for c in q["choices"]:
                yield (*head, c["label"], c["count"], c["share"], q["mean"])
            for text in q["texts"]:
                yield (*head, text, None, None, None)


CONSULTATION_RESULTS = Table(
    "befragungsergebnisse",
    "Ergebnisse der Befragungen",
    "Results of the consultations",
    _consultation_results,
)

TABLES = (
    MEASURES,
    MILESTONES,
    DEPENDENCIES,
    COST_PLAN,
    MONEY,
    POSITIONS,
    SUBMISSIONS,
    DECISIONS,
    ASSIGNMENTS,
    INDICATORS,
    INDICATOR_VALUES,
    PROPOSALS,
    CONSULTATIONS,
    CONSULTATION_RESULTS,
)

# -- the formats ------------------------------------------------------------------------------


def machine(value) -> str:
    """A cell of a machine format: ISO date, point decimal, true/false; empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def rows_of(table: Table, programme) -> list[tuple]:
    return list(table.rows(programme))


def csv_bytes(table: Table, programme, rows=None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    for row in rows if rows is not None else rows_of(table, programme):
        writer.writerow([neutralise(machine(v)) if isinstance(v, str) else machine(v) for v in row])
    return out.getvalue().encode("utf-8")


def _csv_maker(table):
    return lambda programme: csv_bytes(table, programme)


def schema(table: Table) -> dict:
    return {
        "fields": [
            {
                "name": c.name,
                "title": c.title_de,
                "type": c.type,
                "description": f"{c.description_de} / {c.description_en}",
            }
            for c in table.columns
        ],
        "missingValues": [""],
    }


def datapackage(programme) -> bytes:
    doc = {
        "profile": "tabular-data-package",
        "name": f"plansicht-{programme.slug}".lower(),
        "title": f"{programme.title} – {programme.organisation.name}",
        "description": "Öffentliche Daten des Programms aus Plansicht / "
        "The programme's public data from Plansicht",
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": t.name,
                "path": t.file_name,
                "title": f"{t.title_de} / {t.title_en}",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema(t),
            }
            for t in TABLES
        ],
    }
    forecast = getattr(programme, "forecast", None)
    if forecast is not None:
        doc["created"] = forecast.computed_at.replace(microsecond=0).isoformat()
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def readme(programme) -> bytes:
    lines = [
        f"# {programme.title}: offene Daten / open data",
        "",
        "Die öffentlichen Tabellen des Programms als CSV (UTF-8, Komma-getrennt, erste Zeile: "
        "Spaltennamen), beschrieben in `datapackage.json` (Frictionless Data Package). "
        "Datumsangaben im ISO-Format (2025-12-31), Beträge in Euro mit Dezimalpunkt (1234.50) ohne "
        "Währungszeichen; leere Zelle: kein Wert. Texte, die mit =, +, -, @ beginnen, stehen "
        "mit vorangestelltem Apostroph.",
        "",
        "The programme's public tables as CSV (UTF-8, comma-separated, first row: column "
        "names), described in `datapackage.json` (Frictionless Data Package). Dates in ISO "
        "format, amounts in euros with a decimal point and no currency sign; an empty cell: no "
        "value. Texts that begin with =, +, -, @ are written with a leading apostrophe.",
    ]
    for t in TABLES:
        lines += [
            "",
            f"## `{t.file_name}` – {t.title_de} / {t.title_en}",
            "",
            "| Spalte / column | Typ / type | Titel | Title | Beschreibung | Description |",
            "|---|---|---|---|---|---|",
        ]
        for c in t.columns:
            cells = (
                f"`{c.name}`",
                c.type,
                c.title_de,
                c.title_en,
                c.description_de,
                c.description_en,
            )
            lines.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _fixed_time(programme) -> datetime:
    forecast = getattr(programme, "forecast", None)
    if forecast is not None:
        return forecast.computed_at.replace(tzinfo=None, microsecond=0)
    return datetime.combine(clock.today(), time())


def _cell(value):
    """A spreadsheet cell: a text neutralised; a point in time in local time (a spreadsheet
    knows no offsets)."""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def xlsx(programme) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for t in TABLES:
        sheet = book.create_sheet(t.title_de[:31])
        sheet.append([c.title_de for c in t.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows_of(t, programme):
            sheet.append([_cell(v) for v in row])
        for i, c in enumerate(t.columns, start=1):
            letter = sheet.cell(row=1, column=i).column_letter
            sheet.column_dimensions[letter].width = max(12, min(40, len(c.title_de) + 2))
            fmt = {
                "date": "DD.MM.YYYY",
                "datetime": "DD.MM.YYYY HH:MM",
                "number": "#,##0.00",
            }.get(c.type)
            if fmt:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = fmt
        sheet.freeze_panes = "A2"
    stamp = _fixed_time(programme)
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.creator = "Plansicht"
    book.properties.title = programme.title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    raise TypeError(type(value))


def programme_json(programme) -> bytes:
    """The whole public programme as one JSON document (the API's rows, not the internal
    programme document)."""
    today = clock.today()
    forecast = getattr(programme, "forecast", None)
    base = settings.SITE_URL
    items = submissions(programme, today)
    for item in items:
        item.pop("measure_id")
    measures = (
        Measure.objects.filter(programme=programme)
        .public()
        .select_related("parent", "field_of_action", "lead_unit", "forecast")
        .order_by("code", "pk")
    )
    doc = {
        "programme": {
            "slug": programme.slug,
            "title": programme.title,
            "organisation": programme.organisation.name,
            "as_of": forecast.as_of if forecast else None,
            **{k: getattr(forecast, k, None) for k in public_rows.FIGURES},
            "milestone_count": getattr(forecast, "milestone_count", 0),
            "portal_url": f"{base}/p/{programme.slug}/",
        },
        "measures": [public_rows.measure_row(m) for m in measures],
        "milestones": [
            public_rows.milestone_row(m) for m in public_rows.public_milestones(programme)
        ],
        "dependencies": [
            dict(zip(("predecessor", "successor", "type", "lag_days"), r, strict=True))
            for r in _dependencies(programme)
        ],
        "cost_plan": [
            dict(zip(("measure", "year", "category", "amount"), r, strict=True))
            for r in _cost_plan(programme)
        ],
        "money_by_year": [
            dict(zip(("year", "planned", "forecast", "actual"), r, strict=True))
            for r in _money_by_year(programme)
        ],
        "positions": [public_rows.position_row(p) for p in public_rows.public_positions(programme)],
        "questions": [i for i in items if i["kind"] == "question"],
        "statements": [i for i in items if i["kind"] == "statement"],
        "decisions": decisions(programme, today),
        "indicators": indicators(programme, today),
        "proposals": public_participation.proposals(programme, today),
        "consultations": consultations(programme),
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2, default=_plain) + "\n").encode("utf-8")


def _title_now(table: Table) -> str:
    return table.title_en if (get_language() or "de").startswith("en") else table.title_de


_title = lazy(_title_now, str)


def open_files():
    from .files import OpenFile

    return [
        *(
            OpenFile(t.file_name, _title(t), "text/csv; charset=utf-8", _csv_maker(t))
            for t in TABLES
        ),
        OpenFile(
            "datapackage.json",
            _("Description of the tables (Frictionless Data Package)"),
            "application/json",
            datapackage,
        ),
        OpenFile(
            "README.md", _("Description of every column"), "text/markdown; charset=utf-8", readme
        ),
        OpenFile(
            "plansicht.xlsx",
            _("All tables as a spreadsheet (XLSX)"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx,
        ),
        OpenFile(
            "programm.json",
            _("The whole public programme (JSON)"),
            "application/json",
            programme_json,
        ),
    ]
