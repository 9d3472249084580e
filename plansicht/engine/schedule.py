"""The forecast of a plan: a forward pass over milestones and their dependencies as of a date.

The rules are published on the methodology page and implemented here exactly:

- a milestone runs from ``start`` to ``finish = start + duration_days`` (calendar days);
- the forecast is what was known on ``as_of``: actual dates after ``as_of`` are ignored;
- not started: ``start = max(planned_start, as_of, FS predecessor finish + lag,
  SS predecessor start + lag)``; started: ``start = actual_start``;
- finished: ``finish = actual_finish``; not finished:
  ``finish = max(start + duration_days, expected_finish, as_of)``;
- slip is the forecast finish minus the finish in the current plan version (the highest-numbered
  one approved on or before ``as_of``); original slip is the same against the first version;
- a measure's figures cover the milestones of its whole subtree, the programme's all milestones.

Dependencies whose predecessor or successor is not among the milestones given (a draft, say)
are ignored. A dependency cycle raises :class:`CycleError` naming every milestone on a cycle.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import attrgetter, itemgetter

from . import hiring
from .health import Thresholds, health, percent, with_money

DEFAULT_THRESHOLDS = Thresholds()
_KEY, _DURATION, _MEASURE = attrgetter("key"), attrgetter("duration_days"), attrgetter("measure")
FS = "FS"
SS = "SS"
DEPENDENCY_TYPES = (FS, SS)


@dataclass(frozen=True, slots=True)
class MilestoneIn:
    key: Hashable
    planned_start: date
    duration_days: int
    measure: Hashable = None
    actual_start: date | None = None
    actual_finish: date | None = None
    expected_finish: date | None = None
    progress: int = 0
    requires: tuple = ()  # keys of positions that must be filled (plus onboarding) to start


@dataclass(frozen=True, slots=True)
class DependencyIn:
    predecessor: Hashable
    successor: Hashable
    type: str = FS
    lag_days: int = 0


@dataclass(frozen=True, slots=True)
class PlanVersionIn:
    """A frozen plan version: its number, approval date and each milestone's finish in it."""

    number: int
    approved_on: date
    finishes: Mapping[Hashable, date]


@dataclass(frozen=True, slots=True)
class MeasureIn:
    key: Hashable
    parent: Hashable = None


@dataclass(slots=True)
class MilestoneResult:
    key: Hashable
    start: date
    finish: date
    started: bool
    finished: bool
    baseline_finish: date | None
    original_finish: date | None
    slip_days: int | None
    original_slip_days: int | None
    health: str | None
    # What made a not-started milestone start later than planned: the predecessor whose
    # finish (FS) or start (SS) plus lag bound it, or the post it waits for; None if its own
    # dates, as_of or an actual date set its start.
    driver: Hashable = None
    driver_position: Hashable = None


class MilestoneResults(Mapping):
    """The result of every milestone, by key. Kept as columns (dates as ordinals) and turned
    into a :class:`MilestoneResult` on access, slip and health included: building 10,000
    objects nobody reads would cost more than the whole forward pass."""

    __slots__ = (
        "_keys",
        "_index",
        "_start",
        "_finish",
        "_fixed_start",
        "_fixed_finish",
        "_base",
        "_orig",
        "_thresholds",
        "_red",
        "_cause",
        "_duration",
    )

    def __init__(
        self,
        keys,
        index,
        start,
        finish,
        fixed_start,
        fixed_finish,
        base,
        orig,
        thresholds,
        cause,
        duration,
    ):
        self._keys, self._index = keys, index
        self._start, self._finish = start, finish
        self._fixed_start, self._fixed_finish = fixed_start, fixed_finish
        self._base, self._orig = base, orig
        self._thresholds, self._red = thresholds, set()
        self._cause, self._duration = cause, duration

    def _driver(self, i) -> tuple:
        """(predecessor key, None) or (None, post key) if the raised start of the milestone at
        position ``i`` sets its finish; a started milestone's start is its own, and a finish
        held up by the expected finish or as_of is not the predecessor's doing."""
        why = self._cause[i]
        if (
            why is None
            or self._fixed_start[i] is not None
            or self._finish[i] != self._start[i] + self._duration[i]
        ):
            return None, None
        return (None, why[0]) if type(why) is tuple else (self._keys[why], None)

    def __getitem__(self, key) -> MilestoneResult:
        i = self._index[key]
        base, orig, finish = self._base[i], self._orig[i], self._finish[i]
        driver, post = self._driver(i)
        slip = finish - base if base is not None else None
        return MilestoneResult(
            key,
            date.fromordinal(self._start[i]),
            date.fromordinal(finish),
            self._fixed_start[i] is not None,
            self._fixed_finish[i] is not None,
            date.fromordinal(base) if base is not None else None,
            date.fromordinal(orig) if orig is not None else None,
            slip,
            finish - orig if orig is not None else None,
            with_money(health(slip, self._thresholds), i in self._red),
            driver,
            post,
        )

    def __iter__(self):
        return iter(self._keys)

    def mark_red(self, keys) -> None:
        """Money at risk makes a milestone red whatever its slip (``health.with_money``)."""
        self._red.update(map(self._index.__getitem__, keys))

    def __len__(self):
        return len(self._keys)


@dataclass(slots=True)
class Summary:
    """The figures of a measure (over its whole subtree) or of the programme (over everything)."""

    key: Hashable
    milestone_count: int
    forecast_finish: date | None
    baseline_finish: date | None
    original_finish: date | None
    slip_days: int | None
    original_slip_days: int | None
    health: str | None
    percent_complete: Decimal | None


@dataclass(slots=True)
class Forecast:
    as_of: date
    current_version: int | None
    original_version: int | None
    milestones: MilestoneResults
    measures: dict[Hashable, Summary]
    programme: Summary
    thresholds: Thresholds = field(default_factory=Thresholds)
    positions: dict = field(default_factory=dict)  # key -> hiring.PositionResult


class CycleError(ValueError):
    """The dependencies form at least one cycle; ``keys`` lists every milestone on a cycle."""

    def __init__(self, keys: Sequence[Hashable]):
        self.keys = list(keys)
        super().__init__("dependency cycle through " + ", ".join(map(str, self.keys)))


def select_versions(
    versions: Iterable[PlanVersionIn], as_of: date
) -> tuple[PlanVersionIn | None, PlanVersionIn | None]:
    """The current (highest-numbered) and first version among those approved by ``as_of``."""
    known = [v for v in versions if v.approved_on <= as_of]
    if not known:
        return None, None
    return max(known, key=lambda v: v.number), min(known, key=lambda v: v.number)


def forecast(
    milestones: Sequence[MilestoneIn],
    dependencies: Iterable[DependencyIn],
    *,
    as_of: date,
    plan_versions: Iterable[PlanVersionIn] = (),
    measures: Iterable[MeasureIn] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    programme_key: Hashable = None,
    positions: Sequence[hiring.PositionIn] = (),
    hiring_rules: hiring.HiringRules | None = None,
    assume: Mapping[Hashable, date] | None = None,
) -> Forecast:
    """Compute the forecast of every milestone, every measure and the programme as of ``as_of``."""
    # Plain lists indexed by position and dates as ordinals: this runs on 10,000 milestones
    # after every change, so the loops stay as bare as the rules allow.
    n = len(milestones)
    keys = list(map(_KEY, milestones))
    index = dict(zip(keys, range(n), strict=True))
    if len(index) != n:
        twice = next(k for i, k in enumerate(keys) if index[k] != i)
        raise ValueError(f"milestone {twice!r} is given twice")

    today = as_of.toordinal()
    duration = list(map(_DURATION, milestones))
    # The not-started rule's own terms: max(planned_start, as_of); predecessors raise it later.
    bound = [o if (o := m.planned_start.toordinal()) > today else today for m in milestones]
    # A milestone that requires a post cannot start before it is filled, plus onboarding.
    rules = hiring_rules or hiring.HiringRules()
    posts = hiring.fill_dates(positions, as_of, rules, assume) if positions else {}
    # Why a bound rose above the milestone's own terms, by position: the predecessor's
    # position (an int) or the post's key in a 1-tuple; None if it never rose.
    cause: list = [None] * n
    if posts:
        onboarding = rules.onboarding_days
        for i, m in enumerate(milestones):
            for key in m.requires:
                post = posts.get(key)
                if post is not None:
                    ready = post.fill.toordinal() + onboarding
                    if ready > bound[i]:
                        bound[i] = ready
                        cause[i] = (key,)
    # Actual dates count only if known by as_of; an actual finish only after an actual start.
    fixed_start = [
        o if (a := m.actual_start) is not None and (o := a.toordinal()) <= today else None
        for m in milestones
    ]
    fixed_finish = [
        o
        if s is not None and (a := m.actual_finish) is not None and (o := a.toordinal()) <= today
        else None
        for m, s in zip(milestones, fixed_start, strict=True)
    ]
    # An unfinished milestone finishes no earlier than its expected finish and as_of.
    floor_finish = [
        o if (e := m.expected_finish) is not None and (o := e.toordinal()) > today else today
        for m in milestones
    ]

    if not isinstance(dependencies, list | tuple):
        dependencies = list(dependencies)
    try:
        successors, waiting = _link(dependencies, index, n, skip_unknown=False)
    except KeyError:  # a dependency on a milestone not given (a draft, say) is ignored
        successors, waiting = _link(dependencies, index, n, skip_unknown=True)

    start = [0] * n
    finish = [0] * n
    order = [i for i in range(n) if not waiting[i]]
    ready = order.append
    for u in order:  # the list grows while we walk it: Kahn's algorithm
        st = fixed_start[u]
        if st is None:
            st = bound[u]
        fi = fixed_finish[u]
        if fi is None:
            fi = st + duration[u]
            if floor_finish[u] > fi:
                fi = floor_finish[u]
        start[u] = st
        finish[u] = fi
        for v, ss, lag in successors[u]:
            candidate = (st if ss else fi) + lag
            if candidate > bound[v]:
                bound[v] = candidate
                cause[v] = u
            left = waiting[v] - 1
            waiting[v] = left
            if not left:
                ready(v)
    if len(order) < n:
        raise CycleError([keys[i] for i in _nodes_on_cycles(successors, waiting)])

    current, original = select_versions(plan_versions, as_of)
    base = _ordinals(keys, current.finishes if current else {})
    orig = base if original is current else _ordinals(keys, original.finishes)
    results = MilestoneResults(
        keys, index, start, finish, fixed_start, fixed_finish, base, orig, thresholds, cause,
        duration,
    )  # fmt: skip

    # Weighted progress: weight max(duration, 1); a milestone finished by as_of counts as 100.
    weights = [x if x > 1 else 1 for x in duration]
    weighted = [
        w * (100 if ff is not None else m.progress)
        for w, ff, m in zip(weights, fixed_finish, milestones, strict=True)
    ]
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, measure in enumerate(map(_MEASURE, milestones)):
        groups[measure].append(i)
    own = {
        measure: _Totals.over(idx, finish, base, orig, weighted, weights)
        for measure, idx in groups.items()
    }
    summaries = {
        key: _summary(key, totals, thresholds)
        for key, totals in _roll_up(list(measures), own).items()
    }
    total = _Totals()  # the programme: every milestone, with or without a measure
    for totals in own.values():
        total.add(totals)
    return Forecast(
        as_of=as_of,
        current_version=current.number if current else None,
        original_version=original.number if original else None,
        milestones=results,
        measures=summaries,
        programme=_summary(programme_key, total, thresholds),
        thresholds=thresholds,
        positions=posts,
    )


def _link(dependencies, index, n, *, skip_unknown):
    """Each milestone's successors as (position, is SS, lag), and its count of predecessors."""
    successors: list[list[tuple[int, bool, int]]] = [[] for _ in range(n)]
    waiting = [0] * n
    if skip_unknown:
        dependencies = [d for d in dependencies if d.predecessor in index and d.successor in index]
    ss = SS
    for d in dependencies:
        s = index[d.successor]
        successors[index[d.predecessor]].append((s, d.type == ss, d.lag_days))
        waiting[s] += 1
    return successors, waiting


def _ordinals(keys, finishes: Mapping) -> list[int | None]:
    return [None if f is None else f.toordinal() for f in map(finishes.get, keys)]


def _later(a: int | None, b: int | None) -> int | None:
    """The later of two ordinals, either of which may be missing."""
    return a if b is None or (a is not None and a >= b) else b


@dataclass(slots=True)
class _Totals:
    """What a summary is made of, over a set of milestones: the latest forecast, approved and
    original finish (ordinals; None if none has one), the progress weighted by duration, the
    weights and the number of milestones."""

    finish: int | None = None
    baseline: int | None = None
    original: int | None = None
    weighted: int = 0
    weight: int = 0
    count: int = 0

    @classmethod
    def over(cls, idx, finish, base, orig, weighted, weights) -> "_Totals":
        """The totals of the milestones at positions ``idx`` (a non-empty list) of the columns."""
        if len(idx) == 1:  # itemgetter of one position gives the value, not a tuple
            (i,) = idx
            return cls(finish[i], base[i], orig[i], weighted[i], weights[i], 1)
        pick = itemgetter(*idx)
        # filter(None, …) drops the missing finishes (an ordinal is at least 1)
        baseline = max(filter(None, pick(base)), default=None)
        return cls(
            max(pick(finish)),
            baseline,
            baseline if orig is base else max(filter(None, pick(orig)), default=None),
            sum(pick(weighted)),
            sum(pick(weights)),
            len(idx),
        )

    def add(self, other: "_Totals") -> None:
        self.finish = _later(self.finish, other.finish)
        self.baseline = _later(self.baseline, other.baseline)
        self.original = _later(self.original, other.original)
        self.weighted += other.weighted
        self.weight += other.weight
        self.count += other.count


def cycle_members(keys: Iterable[Hashable], pairs: Iterable[tuple[Hashable, Hashable]]) -> list:
    """Every key that lies on a cycle of (predecessor, successor) pairs, sorted; [] if none.

    Pairs naming an unknown key are ignored. Keys merely behind a cycle are not listed.
    """
    index = {key: i for i, key in enumerate(keys)}
    names = list(index)
    successors: list[list[tuple[int, bool, int]]] = [[] for _ in names]
    waiting = [0] * len(names)
    for p, s in pairs:
        if p in index and s in index:
            successors[index[p]].append((index[s], False, 0))
            waiting[index[s]] += 1
    order = [i for i, w in enumerate(waiting) if w == 0]
    for u in order:
        for v, _ss, _lag in successors[u]:
            waiting[v] -= 1
            if not waiting[v]:
                order.append(v)
    if len(order) == len(names):
        return []
    return sorted(names[i] for i in _nodes_on_cycles(successors, waiting))


def _roll_up(measures: list[MeasureIn], own: dict[Hashable, _Totals]) -> dict:
    """Add each measure's own totals into every ancestor's: figures cover the subtree."""
    keys = {m.key for m in measures}
    parent = {m.key: (m.parent if m.parent in keys else None) for m in measures}
    subtree = {key: _Totals() for key in keys}
    for key in keys:
        totals = own.get(key)
        if totals is None:
            continue
        node, seen = key, set()
        while node is not None and node not in seen:  # `seen` guards against a bad tree
            seen.add(node)
            subtree[node].add(totals)
            node = parent[node]
    return subtree


def _summary(key: Hashable, totals: _Totals, rules: Thresholds) -> Summary:
    finish, base, orig = totals.finish, totals.baseline, totals.original
    slip = finish - base if finish is not None and base is not None else None
    original_slip = finish - orig if finish is not None and orig is not None else None
    return Summary(
        key=key,
        milestone_count=totals.count,
        forecast_finish=date.fromordinal(finish) if finish is not None else None,
        baseline_finish=date.fromordinal(base) if base is not None else None,
        original_finish=date.fromordinal(orig) if orig is not None else None,
        slip_days=slip,
        original_slip_days=original_slip,
        health=health(slip, rules),
        percent_complete=percent(totals.weighted, totals.weight),
    )


def _nodes_on_cycles(
    successors: list[list[tuple[int, bool, int]]], waiting: list[int]
) -> list[int]:
    """The nodes that lie on a cycle, found as strongly connected components (Tarjan, iterative).

    Only nodes the forward pass could not reach are searched; nodes merely behind a cycle form
    components of one without a self-loop and are left out.
    """
    candidates = [i for i, w in enumerate(waiting) if w > 0]
    inside = set(candidates)
    index_of: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    on_cycle: list[int] = []
    counter = 0
    for root in candidates:
        if root in index_of:
            continue
        work = [(root, 0)]
        while work:
            node, pos = work[-1]
            if pos == 0:
                index_of[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            edges = successors[node]
            advanced = False
            while pos < len(edges):
                nxt = edges[pos][0]
                pos += 1
                if nxt not in inside:
                    continue
                if nxt not in index_of:
                    work[-1] = (node, pos)
                    work.append((nxt, 0))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index_of[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index_of[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                self_loop = any(e[0] == node for e in successors[node])
                if len(component) > 1 or self_loop:
                    on_cycle.extend(component)
    return sorted(on_cycle)
