"""Importing the plan from a spreadsheet (``plansicht.imports.plan_table``): create or update
measures and milestones by code, never delete; a milestone's predecessors become exactly
those listed. All rows in one transaction: either every row is stored, or nothing.

One import writes one history event per field of action it creates and per measure and
milestone it creates or changes (a milestone's new predecessors are part of its event), and
none for what stays the same: importing the same file twice writes nothing the second time.
The forecast is computed once before and once after the whole import, not per row. Every
event gives the import as its reason; where a milestone's finish moves later, the row's
``Begründung`` or else the ``reason`` given to the import (without either: refused)."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plansicht.accounts.models import Unit
from plansicht.engine.schedule import cycle_members
from plansicht.forecast import run
from plansicht.history.models import record_many
from plansicht.imports.plan_table import HEADERS, MEASURE_COLUMNS, Link
from plansicht.imports.table import Problem, Table
from plansicht.notify import hooks
from plansicht.plan.models import Dependency, FieldOfAction, Measure, Milestone, Programme

from . import Actor
from .common import beyond_calendar_message
from .permissions import can_edit_plan, check

KINDS = ("fields_of_action", "measures", "milestones")


@dataclass
class ImportResult:
    created: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    updated: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unchanged: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    notices: list = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    events: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_data(self) -> dict:
        """As JSON keeps it (an import job's result); ``from_data`` reads it back."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "notices": [str(n) for n in self.notices],
            "problems": [[p.row, p.column, str(p.message)] for p in self.problems],
            "events": self.events,
            "dry_run": self.dry_run,
        }

    @classmethod
    def from_data(cls, data: dict) -> "ImportResult":
        return cls(
            created=data["created"],
            updated=data["updated"],
            unchanged=data["unchanged"],
            notices=data["notices"],
            problems=[Problem(*p) for p in data["problems"]],
            events=data["events"],
            dry_run=data["dry_run"],
        )


class _Refused(Exception):
    """Roll the transaction back: the problems are in the result."""


def import_plan(
    programme: Programme,
    table: Table,
    *,
    actor: Actor,
    reason: str = "",
    dry_run: bool = False,
    source: str = "",
) -> ImportResult:
    """Apply the rows of ``table`` to ``programme``; with ``dry_run`` check everything the
    import would do (the forecast and the reasons included) and store nothing. ``source``:
    the file's name, for the events' reason."""
    check(actor, lambda user: can_edit_plan(user, programme))
    result = ImportResult(notices=list(table.notices), problems=list(table.problems))
    result.dry_run = dry_run
    reason = (reason or "").strip()
    return all_or_nothing(
        programme,
        result,
        lambda: _Import(programme, table, actor, reason, source, result).run(),
        HEADERS,
    )


def all_or_nothing(programme, result: ImportResult, write, headers) -> ImportResult:
    """Run ``write()`` in one transaction with the programme locked, unless the file already
    has problems; roll everything back when it finds any, or for a dry run. The problems come
    back row by row in the template's order of columns (``headers``), and no event counts."""
    if not result.problems:
        try:
            with transaction.atomic():
                Programme.objects.select_for_update().filter(pk=programme.pk).exists()
                write()
                if result.problems or result.dry_run:
                    raise _Refused
        except _Refused:
            pass
        except run.BeyondCalendar:
            result.problems.append(Problem(None, None, beyond_calendar_message()))
    if result.problems:
        result.events = 0
        order = list(headers.values())
        result.problems.sort(key=lambda problem: _in_order(problem, order))
    return result


def _in_order(problem: Problem, order: list):
    """Row by row as the spreadsheet shows them, in the template's order of columns; the
    problems of the whole file last."""
    column = order.index(problem.column) if problem.column in order else -1
    return (problem.row is None, problem.row or 0, column)


class _Import:
    def __init__(self, programme, table, actor, reason, source, result):
        self.programme, self.table, self.actor = programme, table, actor
        self.reason, self.result = reason, result
        self.base_reason = reason or _("Import of {file}").format(file=source or _("a table"))
        self.problems = result.problems
        self.events = []  # (kind, dict for record(), milestone code or None)

    def problem(self, row, key, message):
        """A problem named by the file's own header of ``key`` (a Decidim file's differ)."""
        column = self.table.columns.get(key)
        header = column.header if column is not None else HEADERS.get(key)
        self.problems.append(Problem(row, header if key else None, message))

    # -- checks across rows --------------------------------------------------------------

    def gather(self):
        """{measure code: {column: (value, row)}} and {milestone code: row}."""
        measures, milestones = {}, {}
        for row in self.table.rows:
            code = row.values.get("measure")
            if code is None:
                continue
            seen = measures.setdefault(code, {"_row": row.number})
            for key in (*MEASURE_COLUMNS, "measure_description"):
                if not self.table.has(key):
                    continue
                value = row.values.get(key)
                if value is None:
                    continue
                if key in seen and seen[key][0] != value:
                    first, other = seen[key][1], seen[key][0]
                    self.problem(
                        row.number,
                        key,
                        _(
                            "“{value}” differs from row {first} (“{other}”); a measure's columns "
                            "must agree in every row"
                        ).format(value=value, first=first, other=other),
                    )
                seen.setdefault(key, (value, row.number))
            ms = row.values.get("milestone")
            if ms is not None:
                if ms in milestones:
                    self.problem(
                        row.number,
                        "milestone",
                        _(
                            "{code} appears in row {first} already; give each milestone one row"
                        ).format(code=ms, first=milestones[ms].number),
                    )
                else:
                    milestones[ms] = row
        return measures, milestones

    def run(self):
        p = self.programme
        measures_in, milestones_in = self.gather()
        stored_measures = {m.code: m for m in Measure.objects.filter(programme=p)}
        stored_milestones = {
            m.code: m for m in Milestone.objects.filter(programme=p).select_related("measure")
        }
        fields = {f.code: f for f in FieldOfAction.objects.filter(programme=p)}
        by_title = {}
        for f in fields.values():
            by_title.setdefault(f.title, f)
        known_measures = set(stored_measures) | set(measures_in)
        known_milestones = set(stored_milestones) | set(milestones_in)

        # Measures: what each will be.
        wanted = {}
        for code, seen in measures_in.items():
            stored = stored_measures.get(code)
            row = seen["_row"]
            want = {}
            title = seen.get("measure_title", (None,))[0]
            if title is None and stored is None:
                self.problem(row, "measure_title", _("is empty; a new measure needs a title"))
            want["title"] = title if title is not None else getattr(stored, "title", "")
            if self.table.has("field") and "field" in seen:
                want["field"] = seen["field"][0]
            elif stored is None:
                self.problem(
                    row,
                    "field" if self.table.has("field") else None,
                    _("is empty; a new measure needs its field of action")
                    if self.table.has("field")
                    else _(
                        "a new measure needs its field of action: add the column ‚Handlungsfeld‘"
                    ),
                )
            if self.table.has("parent"):
                parent = seen.get("parent", (None, row))
                if parent[0] is not None and parent[0] not in known_measures:
                    self.problem(
                        parent[1],
                        "parent",
                        _("{code} is no measure of this programme nor of this file").format(
                            code=parent[0]
                        ),
                    )
                want["parent"] = parent[0]
            if self.table.has("lead_unit"):
                want["lead_unit"] = seen.get("lead_unit", (None,))[0]
            if self.table.has("measure_description"):
                want["description"] = seen.get("measure_description", (None,))[0] or ""
            wanted[code] = want
        # The measure tree may not loop.
        parents = {c: m.parent.code if m.parent_id else None for c, m in stored_measures.items()}
        parents.update({c: w["parent"] for c, w in wanted.items() if "parent" in w})
        for code in wanted:
            chain, node = [], code
            while node is not None and node not in chain:
                chain.append(node)
                node = parents.get(node)
            if node == code:
                self.problem(
                    measures_in[code]["_row"],
                    "parent",
                    _("the measure tree loops: {chain}; a measure cannot lie below itself").format(
                        chain=" → ".join([*chain, code])
                    ),
                )

        # Milestones and their predecessors.
        links = {}
        if self.table.has("predecessors"):
            for code, row in milestones_in.items():
                for link in row.values.get("predecessors") or ():
                    if link.code not in known_milestones:
                        self.problem(
                            row.number,
                            "predecessors",
                            _("{code} is no milestone of this programme nor of this file").format(
                                code=link.code
                            ),
                        )
                links[code] = tuple(row.values.get("predecessors") or ())
        stored_links = {}
        for d in Dependency.objects.filter(programme=p).select_related("predecessor", "successor"):
            stored_links.setdefault(d.successor.code, []).append(
                Link(d.predecessor.code, d.type, d.lag_days)
            )
        pairs = {(link.code, succ) for succ, ls in {**stored_links, **links}.items() for link in ls}
        on_cycle = cycle_members(sorted(known_milestones), sorted(pairs))
        if on_cycle:
            self.problem(
                None,
                None,
                _(
                    "The predecessors form a cycle through {codes}: a milestone cannot wait for "
                    "itself."
                ).format(codes=", ".join(on_cycle)),
            )
        if self.problems:
            return

        as_of = run.today()
        before = run.compute(p, as_of)
        followed = hooks.measure_states(p)
        self.apply_measures(wanted, stored_measures, fields, by_title)
        own_later = self.apply_milestones(milestones_in, stored_milestones, links, stored_links)
        after = run.compute(p, as_of)
        self.check_later(before, after, own_later, milestones_in)
        if self.problems:
            return
        run.store(p, after, event_at=as_of, moved=run.moved(before, after))
        hooks.forecast_stored(p, followed)
        self.write_events(before, after)

    # -- writing ---------------------------------------------------------------------------

    def count(self, kind, what):
        getattr(self.result, what)[kind] += 1

    def apply_measures(self, wanted, stored, fields, by_title):
        p = self.programme
        units = {}
        for want in wanted.values():
            name = want.get("lead_unit")
            if name and name not in units:
                unit, created = Unit.objects.get_or_create(organisation=p.organisation, name=name)
                units[name] = unit
                if created:
                    self.result.notices.append(
                        _("The unit “{name}” was new and has been created.").format(name=name)
                    )
        for want in wanted.values():
            if "field" in want:
                value = want["field"]
                f = fields.get(value) or by_title.get(value)
                if f is None:
                    number = len(fields) + 1
                    while f"HF{number}" in fields:
                        number += 1
                    f = FieldOfAction.objects.create(programme=p, code=f"HF{number}", title=value)
                    fields[f.code] = by_title[value] = f
                    self.count("fields_of_action", "created")
                    self.events.append(
                        {
                            "action": "field_of_action.created",
                            "subject": f,
                            "changes": {"code": [None, f.code], "title": [None, value]},
                            "public": True,
                        }
                    )
                want["field"] = f
        self.measures = dict(stored)
        # First every measure, then the parents: a parent may come later in the file.
        pending = []
        for code, want in wanted.items():
            m = stored.get(code)
            new = m is None
            if new:
                m = Measure(programme=p, code=code, draft=False)
            old = {
                "title": m.title if not new else None,
                "field_of_action": m.field_of_action.code if not new else None,
                "parent": (m.parent.code if m.parent_id else None) if not new else None,
                "lead_unit": (m.lead_unit.name if m.lead_unit_id else None) if not new else None,
            }
            if "description" in want:
                old["description"] = m.description if not new else None
                m.description = want["description"]
            m.title = want["title"]
            if "field" in want:
                m.field_of_action = want["field"]
            if "lead_unit" in want:
                m.lead_unit = units.get(want["lead_unit"])
            self.measures[code] = m
            pending.append((code, m, new, old, want))
        for _code, m, new, _old, _want in pending:
            if new:
                m.save()
        for code, m, new, old, want in pending:
            if "parent" in want:
                m.parent = self.measures[want["parent"]] if want["parent"] else None
            now = {
                "title": m.title,
                "field_of_action": m.field_of_action.code,
                "parent": m.parent.code if m.parent_id else None,
                "lead_unit": m.lead_unit.name if m.lead_unit_id else None,
            }
            if "description" in want:
                now["description"] = m.description or None
                old["description"] = old["description"] or None
            changes = {k: [old[k], v] for k, v in now.items() if old[k] != v}
            if new:
                changes = {k: [None, v] for k, v in now.items() if v is not None}
            if new or changes:
                m.save()
                self.count("measures", "created" if new else "updated")
                self.events.append(
                    {
                        "action": "measure.created" if new else "measure.changed",
                        "subject": m,
                        "measure": m,
                        "changes": changes,
                        "measure_code": code,
                    }
                )
            else:
                self.count("measures", "unchanged")

    def apply_milestones(self, rows, stored, links, stored_links):
        """Returns the codes of the milestones whose own planned finish moves later."""
        p = self.programme
        later = set()
        self.milestones = dict(stored)
        self.linked = {}
        pending = []
        for code, row in rows.items():
            v = row.values
            m = stored.get(code)
            new = m is None
            measure = self.measures.get(v["measure"])
            if measure is None:  # the row's measure is only stored, not in the file's rows
                measure = Measure.objects.get(programme=p, code=v["measure"])
            if new:
                m = Milestone(programme=p, code=code, draft=False, progress=0)
                old = dict.fromkeys(("measure", "title", "planned_start", "duration_days"))
            else:
                old = {
                    "measure": m.measure.code,
                    "title": m.title,
                    "planned_start": m.planned_start,
                    "duration_days": m.duration_days,
                }
                if v["start"].toordinal() + v["duration"] > (
                    m.planned_start.toordinal() + m.duration_days
                ):
                    later.add(code)
            # Progress only from a file that has it (Decidim's results), and only where given.
            progress = v.get("progress")
            if progress is not None:
                old["progress"] = None if new else m.progress
            m.measure = measure
            m.title = v["title"]
            m.planned_start = v["start"]
            m.duration_days = v["duration"]
            now = {
                "measure": measure.code,
                "title": m.title,
                "planned_start": m.planned_start,
                "duration_days": m.duration_days,
            }
            if progress is not None:
                m.progress = now["progress"] = progress
            changes = {k: [old[k], val] for k, val in now.items() if old[k] != val}
            self.milestones[code] = m
            pending.append((code, m, new, changes))
        # New milestones in batches (a 10,000-row plan is one INSERT per 500), changed ones
        # one by one; then the dependencies of every milestone whose list changed, at once.
        Milestone.objects.bulk_create([m for _c, m, new, _ch in pending if new], batch_size=500)
        for _code, m, new, changes in pending:
            if changes and not new:
                m.version += 1
                m.save()
        replaced, dependencies = [], []
        for code, m, new, changes in pending:
            if code in links:
                old_links = sorted(stored_links.get(code, []), key=str)
                new_links = sorted(links[code], key=str)
                if [str(link) for link in old_links] != [str(link) for link in new_links]:
                    if not new:
                        replaced.append(m.pk)
                    dependencies += [
                        Dependency(
                            programme=p,
                            predecessor=self.milestones[link.code],
                            successor=m,
                            type=link.type,
                            lag_days=link.lag_days,
                        )
                        for link in new_links
                    ]
                    changes["predecessors"] = [
                        ", ".join(map(str, old_links)) or None if not new else None,
                        ", ".join(map(str, new_links)) or None,
                    ]
                    if changes["predecessors"][0] == changes["predecessors"][1]:
                        del changes["predecessors"]
                    else:  # the event is public only when every milestone it names is
                        self.linked[code] = [link.code for link in (*old_links, *new_links)]
            if new or changes:
                self.count("milestones", "created" if new else "updated")
                self.events.append(
                    {
                        "action": "milestone.created" if new else "milestone.changed",
                        "subject": m,
                        "measure": m.measure,
                        "milestone": m,
                        "changes": changes,
                        "milestone_code": code,
                    }
                )
            else:
                self.count("milestones", "unchanged")
        for start in range(0, len(replaced), 500):
            Dependency.objects.filter(successor__in=replaced[start : start + 500]).delete()
        Dependency.objects.bulk_create(dependencies, batch_size=500)
        return later

    def check_later(self, before, after, own_later, rows):
        """Every milestone whose finish moves later needs a reason: its row's Begründung, or
        the import's reason."""
        later = {}
        new = after.forecast.milestones
        for key, old in before.forecast.milestones.items():
            now = new.get(key)
            if now is not None and now.finish > old.finish:
                later[after.milestone_codes[key]] = (old.finish, now.finish)
        for code in own_later:
            if code not in later:
                m = self.milestones[code]
                later[code] = (None, m.planned_finish)
        self.later = later
        for code in sorted(later):
            row = rows.get(code)
            given = row.values.get("reason") if row is not None else None
            if given or self.reason:
                continue
            old, now = later[code]
            if old is None:
                message = _(
                    "moves the planned finish of {code} later, to {new}; give the reason in the "
                    "column ‚Begründung‘ or for the whole import"
                ).format(code=code, new=date_format(now, "SHORT_DATE_FORMAT"))
            else:
                message = _(
                    "moves the finish of {code} from {old} to {new}; give the reason in the "
                    "column ‚Begründung‘ or for the whole import"
                ).format(
                    code=code,
                    old=date_format(old, "SHORT_DATE_FORMAT"),
                    new=date_format(now, "SHORT_DATE_FORMAT"),
                )
            if row is not None:
                self.problem(row.number, "reason" if self.table.has("reason") else None, message)
            else:
                self.problem(None, None, _("The import {message}").format(message=message))

    def write_events(self, before, after):
        public_measures = set(
            Measure.objects.filter(programme=self.programme).public().values_list("pk", flat=True)
        )
        public_milestones = Milestone.objects.filter(programme=self.programme).public_ids()
        rows = {}
        for row in self.table.rows:
            if row.values.get("milestone"):
                rows[row.values["milestone"]] = row
        for e in self.events:
            code = e.pop("milestone_code", None)
            e.pop("measure_code", None)
            reason = self.base_reason
            if code is not None:
                m = e["milestone"]
                e["public"] = m.pk in public_milestones and all(
                    self.milestones[other].pk in public_milestones
                    for other in self.linked.get(code, ())
                )
                old = before.forecast.milestones.get(m.pk)
                now = after.forecast.milestones.get(m.pk)
                if old and now and old.finish != now.finish:
                    e["changes"]["forecast_finish"] = [old.finish, now.finish]
                if code in self.later:
                    given = rows[code].values.get("reason") if code in rows else None
                    reason = given or self.reason
            elif "measure" in e:
                e["public"] = e["measure"].pk in public_measures
            e.update(
                programme=self.programme,
                reason=reason,
                user=self.actor.user,
                actor=self.actor.name,
                unit=self.actor.unit,
            )
        for written in record_many(self.events):
            hooks.event_written(written)
            self.result.events += 1
