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

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from plansicht import clock
from plansicht.decisions.models import Decision
from plansicht.forecast import public_rows
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


@dataclass(frozen=True)
class Table:
    name: str  # the resource's name; the CSV file is name + ".csv"
    title_de: str
    title_en: str
    columns: tuple[Column, ...]
    rows: object  # rows(programme) -> list of tuples, in the order of the columns

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"


def C(name, type_, title_de, title_en, description_de, description_en) -> Column:  # noqa: N802
    return Column(name, type_, title_de, title_en, description_de, description_en)


# -- rows ------------------------------------------------------------------------------------

MEASURE_FIGURES = (
    C(
        "forecast_finish",
        "date",
        "Prognose Ende",
        "Forecast finish",
        "Voraussichtliches Ende laut Prognose.",
        "The forecast finish.",
    ),
    C(
        "baseline_finish",
        "date",
        "Ende laut aktuellem Plan",
        "Finish in the current plan",
        "Ende im aktuell gültigen Planstand.",
        "The finish in the current plan version.",
    ),
    C(
        "original_finish",
        "date",
        "Ende laut ursprünglichem Plan",
        "Finish in the original plan",
        "Ende im ursprünglichen Planstand.",
        "The finish in the original plan version.",
    ),
    C(
        "slip_days",
        "integer",
        "Verzug (Tage)",
        "Slip (days)",
        "Tage später als im aktuellen Plan (negativ: früher).",
        "Days later than the current plan (negative: earlier).",
    ),
    C(
        "health",
        "string",
        "Ampel",
        "Health",
        "green, amber oder red; leer: nichts zu beurteilen.",
        "green, amber or red; empty: nothing to judge.",
    ),
    C(
        "percent_complete",
        "number",
        "Fertigstellung (%)",
        "Percent complete",
        "Fertigstellungsgrad in Prozent.",
        "How far it is complete, in percent.",
    ),
    C(
        "cost_at_risk",
        "number",
        "Gefährdete Kosten (EUR)",
        "Cost at risk (EUR)",
        "Geplante Kosten außerhalb der Bewilligungszeiträume, in Euro.",
        "Planned cost outside the grants' periods, in euros.",
    ),
    C(
        "grant_at_risk",
        "number",
        "Gefährdete Zuwendung (EUR)",
        "Grant at risk (EUR)",
        "Zuwendung, die dadurch gefährdet ist, in Euro.",
        "The grant money at risk, in euros.",
    ),
)


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
            *(r[c.name] for c in MEASURE_FIGURES),
            r["late_since"],
            r["milestone_count"],
        )


MEASURES = Table(
    "massnahmen",
    "Maßnahmen",
    "Measures",
    (
        C("code", "string", "Maßnahme", "Measure", "Kennung der Maßnahme.", "The measure's code."),
        C("title", "string", "Titel", "Title", "Titel der Maßnahme.", "The measure's title."),
        C("description", "string", "Beschreibung", "Description", "Beschreibung.", "Description."),
        C(
            "parent",
            "string",
            "Übergeordnete Maßnahme",
            "Parent measure",
            "Kennung der übergeordneten Maßnahme; leer: keine.",
            "The parent's code; empty: none.",
        ),
        C(
            "field_of_action",
            "string",
            "Handlungsfeld",
            "Field of action",
            "Kennung des Handlungsfelds.",
            "The code of its field of action.",
        ),
        C(
            "lead_unit",
            "string",
            "Verantwortlich",
            "Lead unit",
            "Die federführende Organisationseinheit.",
            "The unit that leads it.",
        ),
        *MEASURE_FIGURES,
        C(
            "late_since",
            "date",
            "Verspätet seit",
            "Late since",
            "Seit wann der Verzug die Warnschwelle überschreitet.",
            "Since when its slip exceeds the amber threshold.",
        ),
        C(
            "milestone_count",
            "integer",
            "Meilensteine",
            "Milestones",
            "Zahl der veröffentlichten Meilensteine.",
            "The number of published milestones.",
        ),
    ),
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
    (
        C(
            "code",
            "string",
            "Meilenstein",
            "Milestone",
            "Kennung des Meilensteins.",
            "The milestone's code.",
        ),
        C("title", "string", "Titel", "Title", "Titel.", "Title."),
        C("description", "string", "Beschreibung", "Description", "Beschreibung.", "Description."),
        C(
            "measure",
            "string",
            "Maßnahme",
            "Measure",
            "Kennung der Maßnahme.",
            "The code of its measure.",
        ),
        C(
            "planned_start",
            "date",
            "Beginn (geplant)",
            "Planned start",
            "Geplanter Beginn.",
            "The planned start.",
        ),
        C(
            "duration_days",
            "integer",
            "Dauer (Tage)",
            "Duration (days)",
            "Geplante Dauer in Tagen.",
            "The planned duration in days.",
        ),
        C(
            "expected_finish",
            "date",
            "Erwartetes Ende",
            "Expected finish",
            "Von der Verwaltung erwartetes Ende, falls angegeben.",
            "The finish the office expects, if given.",
        ),
        C(
            "actual_start",
            "date",
            "Tatsächlicher Beginn",
            "Actual start",
            "Tatsächlicher Beginn.",
            "The actual start.",
        ),
        C(
            "actual_finish",
            "date",
            "Tatsächliches Ende",
            "Actual finish",
            "Tatsächliches Ende.",
            "The actual finish.",
        ),
        C(
            "progress",
            "integer",
            "Fortschritt (%)",
            "Progress (%)",
            "Fortschritt in Prozent.",
            "Progress in percent.",
        ),
        C(
            "accepted_on",
            "date",
            "Abgenommen am",
            "Accepted on",
            "Tag der Abnahme durch den Zuwendungsgeber.",
            "The day the funder accepted it.",
        ),
        C(
            "forecast_start",
            "date",
            "Prognose Beginn",
            "Forecast start",
            "Beginn laut Prognose.",
            "The forecast start.",
        ),
        C(
            "forecast_finish",
            "date",
            "Prognose Ende",
            "Forecast finish",
            "Ende laut Prognose.",
            "The forecast finish.",
        ),
        C(
            "started",
            "boolean",
            "Begonnen",
            "Started",
            "Ob er begonnen hat (true/false).",
            "Whether it has started (true/false).",
        ),
        C(
            "finished",
            "boolean",
            "Abgeschlossen",
            "Finished",
            "Ob er abgeschlossen ist (true/false).",
            "Whether it is finished (true/false).",
        ),
        *(c for c in MEASURE_FIGURES[1:5]),
        C(
            "late_since",
            "date",
            "Verspätet seit",
            "Late since",
            "Seit wann der Verzug die Warnschwelle überschreitet.",
            "Since when its slip exceeds the amber threshold.",
        ),
        *MEASURE_FIGURES[6:8],
        C(
            "late_because_of_milestone",
            "string",
            "Verzögert durch Meilenstein",
            "Late because of milestone",
            "Der Meilenstein, der den Beginn verzögert.",
            "The milestone that holds back its start.",
        ),
        C(
            "late_because_of_post",
            "string",
            "Verzögert durch Stelle",
            "Late because of post",
            "Die Stelle, deren Besetzung den Beginn verzögert.",
            "The post whose filling holds back its start.",
        ),
    ),
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
    (
        C(
            "predecessor",
            "string",
            "Vorgänger",
            "Predecessor",
            "Kennung des Vorgängers.",
            "The predecessor's code.",
        ),
        C(
            "successor",
            "string",
            "Nachfolger",
            "Successor",
            "Kennung des Nachfolgers.",
            "The successor's code.",
        ),
        C(
            "type",
            "string",
            "Art",
            "Type",
            "FS: Ende–Anfang (EA), SS: Anfang–Anfang (AA).",
            "FS: finish to start, SS: start to start.",
        ),
        C(
            "lag_days",
            "integer",
            "Versatz (Tage)",
            "Lag (days)",
            "Versatz in Tagen.",
            "The lag in days.",
        ),
    ),
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
    (
        C(
            "measure",
            "string",
            "Maßnahme",
            "Measure",
            "Kennung der Maßnahme.",
            "The measure's code.",
        ),
        C("year", "integer", "Jahr", "Year", "Haushaltsjahr.", "The year."),
        C(
            "category",
            "string",
            "Kategorie",
            "Category",
            "staff (Personal), material (Sachkosten) oder investment (Investitionen).",
            "staff, material or investment.",
        ),
        C(
            "amount",
            "number",
            "Betrag (EUR)",
            "Amount (EUR)",
            "Geplanter Betrag nach den Terminen des aktuellen Plans, in Euro.",
            "The planned amount by the current plan's dates, in euros.",
        ),
    ),
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
    (
        C("year", "integer", "Jahr", "Year", "Jahr.", "The year."),
        C(
            "planned",
            "number",
            "Geplant (EUR)",
            "Planned (EUR)",
            "Laut Kosten- und Finanzierungsplan, in Euro.",
            "By the cost plan, in euros.",
        ),
        C(
            "forecast",
            "number",
            "Prognose (EUR)",
            "Forecast (EUR)",
            "Ausgegeben plus der Rest nach den Prognoseterminen, in Euro.",
            "Spent, plus the rest by the forecast dates, in euros.",
        ),
        C(
            "actual",
            "number",
            "Ist (EUR)",
            "Actual (EUR)",
            "Bis zum Stichtag der Prognose ausgegeben, in Euro.",
            "Spent by the forecast's date, in euros.",
        ),
    ),
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
    (
        C("code", "string", "Stelle", "Post", "Kennung der Stelle.", "The post's code."),
        C("title", "string", "Bezeichnung", "Title", "Bezeichnung der Stelle.", "Its title."),
        C(
            "grant",
            "string",
            "Zuwendung",
            "Grant",
            "Kennung der fördernden Zuwendung.",
            "The code of the grant that funds it.",
        ),
        C(
            "vacant",
            "boolean",
            "Unbesetzt",
            "Vacant",
            "Ob die Stelle unbesetzt ist.",
            "Whether the post is vacant.",
        ),
        C(
            "filled_since",
            "date",
            "Besetzt seit",
            "Filled since",
            "Besetzt seit.",
            "When filled: since when.",
        ),
        C(
            "current_step",
            "string",
            "Besetzungsschritt",
            "Hiring step",
            "Unbesetzt: der erreichte Schritt (planned, in_establishment_plan, advertised, "
            "selection, offer).",
            "When vacant: the hiring step it stands at.",
        ),
        C(
            "current_since",
            "date",
            "Schritt seit",
            "Step since",
            "Seit wann in diesem Schritt.",
            "Since when at this step.",
        ),
        C(
            "vacant_since",
            "date",
            "Unbesetzt seit",
            "Vacant since",
            "Unbesetzt seit.",
            "Vacant since.",
        ),
        C(
            "days_vacant",
            "integer",
            "Tage unbesetzt",
            "Days vacant",
            "Tage unbesetzt.",
            "Days vacant.",
        ),
        C(
            "forecast_fill",
            "date",
            "Prognose Besetzung",
            "Forecast fill",
            "Voraussichtliche Besetzung.",
            "The forecast fill date.",
        ),
        C(
            "cover",
            "string",
            "Vertretung",
            "Cover",
            "none, honorary oder interim.",
            "none, honorary or interim.",
        ),
        C(
            "vacancy_cost",
            "number",
            "Kosten der Vakanz (EUR)",
            "Vacancy cost (EUR)",
            "Wegen der Vakanz gefährdete Zuwendung, in Euro.",
            "The grant money at risk because of the vacancy, in euros.",
        ),
        C(
            "month_cost",
            "number",
            "Kosten je Monat (EUR)",
            "Cost per month (EUR)",
            "Was jeder Monat Verzögerung kostet, in Euro.",
            "What each month of delay costs.",
        ),
        C(
            "waiting_milestones",
            "string",
            "Wartende Meilensteine",
            "Waiting milestones",
            "Kennungen der Meilensteine, die auf die Stelle warten, durch Kommas getrennt.",
            "The codes of the milestones waiting for it, separated by commas.",
        ),
    ),
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
    (
        C(
            "kind",
            "string",
            "Art",
            "Kind",
            "question (Frage) oder statement (Stellungnahme).",
            "question or statement.",
        ),
        C("code", "string", "Kennung", "Code", "Kennung.", "Its code."),
        C(
            "about_kind",
            "string",
            "Betrifft (Art)",
            "About (kind)",
            "programme, measure, milestone oder position.",
            "programme, measure, milestone or position.",
        ),
        C(
            "about_code",
            "string",
            "Betrifft (Kennung)",
            "About (code)",
            "Kennung der Maßnahme, des Meilensteins oder der Stelle.",
            "The code of the measure, milestone or post.",
        ),
        C(
            "body",
            "string",
            "Gremium",
            "Body",
            "Kennung des Gremiums einer Stellungnahme.",
            "The code of the body that submitted a statement.",
        ),
        C("received", "date", "Eingegangen", "Received", "Eingangsdatum.", "The day received."),
        C(
            "due",
            "date",
            "Antwort fällig (ursprünglich)",
            "Answer due (original)",
            "Ursprüngliche Antwortfrist.",
            "The original due date.",
        ),
        C(
            "due_in_force",
            "date",
            "Antwort fällig",
            "Answer due",
            "Antwortfrist mit den gewährten Verlängerungen.",
            "The due date with its extensions.",
        ),
        C(
            "status",
            "string",
            "Stand",
            "Status",
            "open, overdue, answered_in_time, answered_within_extension, answered_late, "
            "withdrawn oder hidden (von der Moderation ausgeblendet: ohne Text und Antwort).",
            "open, overdue, answered_in_time, answered_within_extension, answered_late, "
            "withdrawn or hidden (hidden by the moderation: no text, no answer).",
        ),
        C(
            "text",
            "string",
            "Text",
            "Text",
            "Der Text; leer, wenn ausgeblendet.",
            "Its text; empty when hidden.",
        ),
        C(
            "responsible_unit",
            "string",
            "Zuständig",
            "Responsible unit",
            "Die antwortende Organisationseinheit.",
            "The unit that answers it.",
        ),
        C("answer", "string", "Antwort", "Answer", "Die Antwort.", "The answer."),
        C(
            "answered_on",
            "date",
            "Beantwortet am",
            "Answered on",
            "Tag der Antwort.",
            "The day answered.",
        ),
        C(
            "answered_by",
            "string",
            "Beantwortet von",
            "Answered by",
            "Die Organisationseinheit, die geantwortet hat.",
            "The unit that answered.",
        ),
        C(
            "withdrawn_on",
            "date",
            "Zurückgezogen am",
            "Withdrawn on",
            "Tag der Rücknahme.",
            "The day withdrawn.",
        ),
    ),
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
    (
        C(
            "number",
            "string",
            "Drucksache",
            "Number",
            "Nummer der Vorlage.",
            "The decision's number.",
        ),
        C("title", "string", "Titel", "Title", "Titel.", "Title."),
        C(
            "body",
            "string",
            "Gremium",
            "Body",
            "Kennung des beschließenden Gremiums.",
            "The code of the body that decided.",
        ),
        C(
            "body_name",
            "string",
            "Gremium (Name)",
            "Body (name)",
            "Name des Gremiums.",
            "The body's name.",
        ),
        C("date", "date", "Datum", "Date", "Tag des Beschlusses.", "The day of the decision."),
        C(
            "result",
            "string",
            "Ergebnis",
            "Result",
            "adopted, adopted_with_changes, rejected, deferred oder noted.",
            "adopted, adopted_with_changes, rejected, deferred or noted.",
        ),
        C("votes_yes", "integer", "Ja-Stimmen", "Votes yes", "Ja-Stimmen.", "Votes yes."),
        C("votes_no", "integer", "Nein-Stimmen", "Votes no", "Nein-Stimmen.", "Votes no."),
        C(
            "votes_abstain",
            "integer",
            "Enthaltungen",
            "Abstentions",
            "Enthaltungen.",
            "Abstentions.",
        ),
        C(
            "url",
            "string",
            "Ratsinformationssystem",
            "Council information system",
            "Adresse im Ratsinformationssystem.",
            "Its page in the council information system.",
        ),
        C(
            "measures",
            "string",
            "Maßnahmen",
            "Measures",
            "Kennungen der betroffenen Maßnahmen, durch Kommas getrennt.",
            "The codes of the measures it is about, separated by commas.",
        ),
    ),
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
    (
        C(
            "decision",
            "string",
            "Drucksache",
            "Decision",
            "Nummer des Beschlusses.",
            "The decision's number.",
        ),
        C(
            "code",
            "string",
            "Auftrag",
            "Assignment",
            "Kennung des Auftrags.",
            "The assignment's code.",
        ),
        C("title", "string", "Titel", "Title", "Was zu tun ist.", "What is to be done."),
        C("due", "date", "Fällig", "Due", "Frist.", "The due date."),
        C(
            "done_when",
            "string",
            "Erledigt, wenn",
            "Done when",
            "milestone, position_step, plan_version oder recorded.",
            "milestone, position_step, plan_version or recorded.",
        ),
        C(
            "milestone",
            "string",
            "Meilenstein",
            "Milestone",
            "Kennung des Meilensteins.",
            "The milestone's code.",
        ),
        C("position", "string", "Stelle", "Post", "Kennung der Stelle.", "The post's code."),
        C(
            "step",
            "string",
            "Besetzungsschritt",
            "Hiring step",
            "Der zu erreichende Besetzungsschritt.",
            "The hiring step the post is to reach.",
        ),
        C(
            "plan_version",
            "integer",
            "Planstand",
            "Plan version",
            "Nummer des Planstands.",
            "The plan version's number.",
        ),
        C(
            "status",
            "string",
            "Stand",
            "Status",
            "open, overdue, done_in_time oder done_late.",
            "open, overdue, done_in_time or done_late.",
        ),
        C("done_on", "date", "Erledigt am", "Done on", "Tag der Erledigung.", "The day done."),
    ),
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
    (
        C(
            "measure",
            "string",
            "Maßnahme",
            "Measure",
            "Kennung der Maßnahme.",
            "The measure's code.",
        ),
        C(
            "code",
            "string",
            "Indikator",
            "Indicator",
            "Kennung (je Maßnahme eindeutig).",
            "Its code (unique within its measure).",
        ),
        C("title", "string", "Titel", "Title", "Titel.", "Title."),
        C("unit", "string", "Einheit", "Unit", "Einheit der Werte.", "The values' unit."),
        C(
            "baseline_value",
            "number",
            "Ausgangswert",
            "Baseline",
            "Ausgangswert.",
            "The baseline value.",
        ),
        C(
            "baseline_on",
            "date",
            "Ausgangswert am",
            "Baseline on",
            "Stichtag des Ausgangswerts.",
            "The baseline's date.",
        ),
        C("target_value", "number", "Zielwert", "Target", "Zielwert.", "The target value."),
        C(
            "target_on",
            "date",
            "Ziel bis",
            "Target by",
            "Stichtag des Ziels.",
            "The target's date.",
        ),
        C(
            "latest_value",
            "number",
            "Letzter Wert",
            "Latest value",
            "Der letzte gemessene Wert.",
            "The latest value measured.",
        ),
        C(
            "latest_on",
            "date",
            "Letzter Wert am",
            "Latest on",
            "Tag des letzten Werts.",
            "The latest value's date.",
        ),
        C(
            "progress_percent",
            "number",
            "Fortschritt (%)",
            "Progress (%)",
            "Anteil des Wegs vom Ausgangs- zum Zielwert, in Prozent.",
            "How much of the way from baseline to target, in percent.",
        ),
    ),
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
    (
        C(
            "measure",
            "string",
            "Maßnahme",
            "Measure",
            "Kennung der Maßnahme.",
            "The measure's code.",
        ),
        C(
            "indicator",
            "string",
            "Indikator",
            "Indicator",
            "Kennung des Indikators.",
            "The indicator's code.",
        ),
        C("on", "date", "Datum", "Date", "Tag der Messung.", "The day measured."),
        C("value", "number", "Wert", "Value", "Gemessener Wert.", "The value measured."),
        C("note", "string", "Anmerkung", "Note", "Anmerkung.", "Note."),
    ),
    _indicator_values,
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
            sheet.append([neutralise(v) if isinstance(v, str) else v for v in row])
        for i, c in enumerate(t.columns, start=1):
            letter = sheet.cell(row=1, column=i).column_letter
            sheet.column_dimensions[letter].width = max(12, min(40, len(c.title_de) + 2))
            fmt = {"date": "DD.MM.YYYY", "number": "#,##0.00"}.get(c.type)
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
