"""What the OParl endpoint publishes of one organisation's decision register (the OParl
``Body``), read in a fixed number of queries whatever the number of decisions: the public
decisions (taken by today, as the portal shows them), and from the history events the
``created`` and ``modified`` times of every object and the objects removed since
(tombstones). ``docs/oparl.md`` gives the rules; in short:

- Every change of a decision or of one of its assignments writes one event
  (``plansicht.services.decisions``); a programme document's load or replacement writes one
  event for the whole programme (``programme.loaded``/``programme.replaced``) and none per
  decision. So a decision was created at its ``decision.added`` event or, without one (it came
  with a document), at its programme's first load; it was modified at the latest event about
  it, its assignments or its programme's loads. A decision dated after today is shown from its
  day on: neither time is before the beginning of that day. ``modified`` may come out later
  than the real change, never earlier: a client that asks for ``modified_since`` misses
  nothing.
- A paper's id is its programme and its number (``paper/<slug>/<number>/``), as the programme
  document identifies a decision; a meeting's id is the body and the day
  (``meeting/<body>/<YYYY-MM-DD>/``): one meeting per body and day. The history tells which
  numbers, bodies and days a decision had (``decision.changed`` keeps old and new values,
  ``decision.removed`` the last ones), so a paper or meeting that no longer exists — its
  decision removed, renumbered, moved to another day or body — stays as a tombstone.

Nothing here writes; nothing is cached between requests."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from django.db.models import Max, Min
from django.utils import timezone

from plansicht.decisions.models import Assignment, Decision
from plansicht.history.models import Event
from plansicht.participation.models import Body
from plansicht.plan.models import Programme

LOADS = ("programme.loaded", "programme.replaced")
REPLACED = "programme.replaced"
ADDED, CHANGED, REMOVED = "decision.added", "decision.changed", "decision.removed"
ASSIGNMENT_ACTIONS = ("assignment.added", "assignment.changed", "assignment.removed")
ACTIONS = (*LOADS, ADDED, CHANGED, REMOVED, *ASSIGNMENT_ACTIONS)
# The time of an object the history knows nothing about (only data written around the services).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Stamp:
    created: datetime
    modified: datetime


@dataclass(frozen=True)
class Segment:
    """A state a decision was in — its number, body (id) and day (ISO date), None where the
    history does not tell — from ``start`` until ``end`` (None: still)."""

    number: str | None
    body: int | None
    day: str | None
    start: datetime
    end: datetime | None

    @property
    def shown_from(self) -> datetime:
        """When the state became public: at its start, or at the beginning of its day if that
        came later (a decision dated after today is shown from its day on)."""
        if self.day is None:
            return self.start
        return max(self.start, day_start(date.fromisoformat(self.day)))


@dataclass
class Entry:
    """One item of a list: a live object (``ref``: a decision's pk, a meeting's key) or a
    tombstone (``deleted``)."""

    order: tuple
    ref: object
    stamp: Stamp
    deleted: bool = False


@dataclass
class Row:
    pk: int
    programme: int
    number: str
    body: int
    day: date
    segments: list = field(default_factory=list)
    stamp: Stamp | None = None


def day_start(day: date) -> datetime:
    """The beginning of ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def public_organisations():
    """The organisations the endpoint publishes: those with a programme on the portal."""
    from plansicht.accounts.models import Organisation

    return Organisation.objects.filter(programmes__isnull=False).distinct().order_by("pk")


def body_stamps(organisation_ids) -> dict:
    """{organisation id: Stamp} from the first and the latest event about a programme, decision
    or assignment of its programmes, in one query (EPOCH for one without)."""
    found = {
        row["programme__organisation"]: Stamp(row["first"], row["last"])
        for row in Event.objects.filter(
            programme__organisation__in=list(organisation_ids), public=True, action__in=ACTIONS
        )
        .values("programme__organisation")
        .annotate(first=Min("at"), last=Max("at"))
        .order_by()
    }
    return {pk: found.get(pk, Stamp(EPOCH, EPOCH)) for pk in organisation_ids}


def load_stamps(organisation_ids) -> dict:
    """{organisation id: Stamp} of its programmes' loads: the first and the latest. Bodies
    (councils, committees, advisory councils) come and change only with a programme document,
    so these are their times."""
    found = {
        row["programme__organisation"]: Stamp(row["first"], row["last"])
        for row in Event.objects.filter(
            programme__organisation__in=list(organisation_ids), public=True, action__in=LOADS
        )
        .values("programme__organisation")
        .annotate(first=Min("at"), last=Max("at"))
        .order_by()
    }
    return {pk: found.get(pk, Stamp(EPOCH, EPOCH)) for pk in organisation_ids}


def body_facts(organisation_ids, today: date) -> dict:
    """{organisation id: (Stamp, (first year, last year) or None)} of the organisations'
    bodies, in two queries: the times of ``body_stamps``, modified no earlier than the day
    its latest public decision was shown (the years of the legislative term change with it);
    the years of its public decisions."""
    stamps = body_stamps(organisation_ids)
    dates = {
        row["programme__organisation"]: (row["first"], row["last"])
        for row in Decision.objects.filter(
            programme__organisation__in=list(organisation_ids), date__lte=today
        )
        .values("programme__organisation")
        .annotate(first=Min("date"), last=Max("date"))
        .order_by()
    }
    found = {}
    for pk in organisation_ids:
        stamp, span = stamps[pk], dates.get(pk)
        if span is not None:
            stamp = Stamp(stamp.created, max(stamp.modified, day_start(span[1])))
        found[pk] = (stamp, (span[0].year, span[1].year) if span else None)
    return found


class Register:
    """One organisation's published decisions, meetings and tombstones (see the module)."""

    def __init__(self, organisation, today: date):
        self.today = today
        self.programmes = {
            p.pk: p for p in Programme.objects.filter(organisation=organisation).order_by("slug")
        }
        self.bodies = {b.pk: b for b in Body.objects.filter(organisation=organisation)}
        self._names = {}
        for pk in sorted(self.bodies):
            self._names.setdefault(self.bodies[pk].name, pk)
        rows = [
            Row(pk, programme, number, body, day)
            for pk, programme, number, body, day in Decision.objects.filter(
                programme__organisation=organisation
            ).values_list("pk", "programme_id", "number", "body_id", "date")
        ]
        events = list(
            Event.objects.filter(
                programme__organisation=organisation, public=True, action__in=ACTIONS
            )
            .order_by("at", "id")
            .values("id", "at", "programme_id", "action", "subject_id", "subject_label", "changes")
        )
        assignment_of = dict(
            Assignment.objects.filter(decision__programme__organisation=organisation).values_list(
                "pk", "decision_id"
            )
        )
        self._read(rows, events, assignment_of)

    # -- reading the history ---------------------------------------------------------------

    def _read(self, rows, events, assignment_of):
        loads = defaultdict(list)
        self._replaced = defaultdict(list)
        own = defaultdict(list)  # decision id → its added/changed events
        removals = []
        assignment_events = []
        for e in events:
            if e["action"] in LOADS:
                loads[e["programme_id"]].append(e["at"])
                if e["action"] == REPLACED:
                    self._replaced[e["programme_id"]].append(e["at"])
            elif e["action"] in (ADDED, CHANGED):
                own[e["subject_id"]].append(e)
            elif e["action"] == REMOVED:
                removals.append(e)
            else:
                assignment_events.append(e)
        self._loads = loads
        touched = defaultdict(list)  # decision id → times of events about its assignments
        numbers = {(row.programme, row.number): row.pk for row in rows}
        for e in assignment_events:
            pk = assignment_of.get(e["subject_id"]) if e["subject_id"] is not None else None
            if pk is None:  # a removed assignment: "<number> <code>" names its decision
                pk = self._by_label(numbers, e["programme_id"], e["subject_label"])
            if pk is not None:
                touched[pk].append(e["at"])
        self.segments = []  # of every decision, live and removed
        for row in rows:
            events_of = own.pop(row.pk, [])
            row.segments = self._walk_back(
                (row.number, row.body, row.day.isoformat()), events_of, None, row.programme
            )
            shown = [s.shown_from for s in row.segments if self._shown(s)]
            created = min(shown or [s.start for s in row.segments])
            times = [created, *shown, *(e["at"] for e in events_of), *touched[row.pk]]
            times += loads[row.programme][-1:]
            row.stamp = Stamp(created, max(times))
            self.segments += [(row.programme, s) for s in row.segments]
        for removal, events_of in self._removed(own, removals):
            final = self._final_state(removal, events_of)
            self.segments += [
                (removal["programme_id"], s)
                for s in self._walk_back(final, events_of, removal["at"], removal["programme_id"])
            ]
        self.public = sorted(
            (row for row in rows if row.day <= self.today),
            key=lambda row: (self.programmes[row.programme].slug, row.number),
        )

    @staticmethod
    def _by_label(numbers, programme, label):
        """The decision whose number begins the label, the longest such number."""
        best = None
        for (prog, number), pk in numbers.items():
            if (
                prog == programme
                and label.startswith(number + " ")
                and (best is None or len(number) > best[0])
            ):
                best = (len(number), pk)
        return best[1] if best else None

    def _removed(self, own, removals):
        """(the event that ended it, its added/changed events) of each decision that no longer
        exists. Its events name it by id, its removal only by number: the removal belongs to the
        decision whose latest event before it carried that number. A decision whose events
        match no removal was dropped by a programme document's replacement: the first one after
        its latest event ended it."""
        found = []
        orphans = dict(own)
        for removal in removals:
            best = None
            for pk, events_of in orphans.items():
                before = [e for e in events_of if e["id"] < removal["id"]]
                if (
                    before
                    and before[-1]["programme_id"] == removal["programme_id"]
                    and before[-1]["subject_label"] == removal["subject_label"]
                    and (best is None or before[-1]["id"] > best[1])
                ):
                    best = (pk, before[-1]["id"])
            if best is None:
                found.append((removal, []))
            else:
                found.append((removal, orphans.pop(best[0])))
        for events_of in orphans.values():
            last = events_of[-1]
            replaced = [at for at in self._replaced[last["programme_id"]] if at >= last["at"]]
            if replaced:
                end = {
                    "at": replaced[0],
                    "programme_id": last["programme_id"],
                    "subject_label": last["subject_label"],
                    "changes": {},
                }
                found.append((end, events_of))
        return found

    def _final_state(self, removal, events_of):
        """The number, body and day a removed decision had last: from its removal event (which
        keeps them), else from its own events rolled forward."""
        changes = removal["changes"]
        state = {"number": removal["subject_label"], "body": None, "date": None}
        for e in events_of:
            for key in ("body", "date"):
                if key in e["changes"]:
                    state[key] = e["changes"][key][1]
        for key in ("body", "date"):
            if key in changes and changes[key][0] is not None:
                state[key] = changes[key][0]
        return (state["number"], self._names.get(state["body"]), state["date"])

    def _walk_back(self, final, events_of, end, programme):
        """The decision's states, newest first, from ``final`` back through its events: each
        change's old values are the state before it; an ``added`` event is its beginning,
        else it came with the programme's first load."""
        out = []
        number, body, day = final
        for e in reversed(events_of):
            out.append(Segment(number, body, day, e["at"], end))
            end = e["at"]
            if e["action"] == ADDED:
                return out
            changes = e["changes"]
            if "number" in changes:
                number = changes["number"][0]
            if "body" in changes:
                body = self._names.get(changes["body"][0])
            if "date" in changes:
                day = changes["date"][0]
        born = (self._loads.get(programme) or [EPOCH])[0]
        if end is not None:
            born = min(born, end)
        out.append(Segment(number, body, day, born, end))
        return out

    def _shown(self, segment) -> bool:
        """Whether the state was public at some time: its day had come (by today, and before
        the state ended); a state whose day the history does not tell counts as shown."""
        if segment.day is not None and segment.day > self.today.isoformat():
            return False
        return segment.end is None or segment.shown_from <= segment.end

    # -- what is published -------------------------------------------------------------------

    def papers(self) -> list[Entry]:
        """Every paper, by programme and number: the public decisions and the tombstones of the
        numbers shown once and gone since."""
        live = {(row.programme, row.number) for row in self.public}
        entries = [
            Entry((self.programmes[row.programme].slug, row.number), row.pk, row.stamp)
            for row in self.public
        ]
        gone = defaultdict(list)
        for programme, s in self.segments:
            if s.number is not None and (programme, s.number) not in live:
                gone[programme, s.number].append(s)
        for (programme, number), segments in gone.items():
            stamp = self._ended(segments)
            if stamp is not None:
                key = (self.programmes[programme].slug, number)
                entries.append(Entry(key, key, stamp, deleted=True))
        return sorted(entries, key=lambda e: e.order)

    def paper_tombstone(self, slug, number) -> Entry | None:
        return next(
            (e for e in self.papers() if e.deleted and e.order == (slug, number)),
            None,
        )

    def _ended(self, segments) -> Stamp | None:
        """The times of an object that was shown and is gone: from when it was first shown to
        the end of its last state; None if it was never shown."""
        shown = [s for s in segments if self._shown(s) and s.end is not None]
        if not shown:
            return None
        return Stamp(min(s.shown_from for s in shown), max(s.end for s in shown))

    def meeting_items(self) -> dict:
        """{(body id, ISO day): its public decisions, by programme and number}."""
        found = defaultdict(list)
        for row in self.public:
            found[row.body, row.day.isoformat()].append(row)
        return found

    def meetings(self) -> list[Entry]:
        """Every meeting (a body on a day), by day and body: those with public decisions and
        the tombstones of those that had some once."""
        items = self.meeting_items()
        by_key = defaultdict(list)
        for _programme, s in self.segments:
            if s.body is not None and s.day is not None:
                by_key[s.body, s.day].append(s)
        entries = []
        for key, rows in items.items():
            segments = [s for s in by_key.get(key, []) if self._shown(s)]
            created = min([row.stamp.created for row in rows] + [s.shown_from for s in segments])
            left = [s.end for s in segments if s.end is not None]
            modified = max([row.stamp.modified for row in rows] + left)
            entries.append(Entry((key[1], key[0]), key, Stamp(created, modified)))
        for key, segments in by_key.items():
            if key in items:
                continue
            stamp = self._ended(segments)
            if stamp is not None:
                entries.append(Entry((key[1], key[0]), key, stamp, deleted=True))
        return sorted(entries, key=lambda e: e.order)

    def decisions(self, body=None) -> list[Entry]:
        """The public decisions (as agenda items or consultations), by programme and number;
        of one body where given."""
        return [
            Entry((self.programmes[row.programme].slug, row.number), row.pk, row.stamp)
            for row in self.public
            if body is None or row.body == body
        ]

    def row(self, slug, number) -> Row | None:
        """The public decision of the programme ``slug`` with ``number``, or None."""
        return next(
            (
                row
                for row in self.public
                if row.number == number and self.programmes[row.programme].slug == slug
            ),
            None,
        )
