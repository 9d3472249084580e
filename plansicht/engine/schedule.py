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

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .health import Thresholds, health, percent

DEFAULT_THRESHOLDS = Thresholds()
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
    milestones: dict[Hashable, MilestoneResult]
    measures: dict[Hashable, Summary]
    programme: Summary
    thresholds: Thresholds = field(default_factory=Thresholds)


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
) -> Forecast:
    """Compute the forecast of every milestone, every measure and the programme as of ``as_of``."""
    n = len(milestones)
    index: dict[Hashable, int] = {}
    for i, m in enumerate(milestones):
        if m.key in index:
            raise ValueError(f"milestone {m.key!r} is given twice")
        index[m.key] = i

    today = as_of.toordinal()
    # Per milestone: the earliest start it may have so far (the not-started rule's fixed terms).
    bound = [0] * n
    fixed_start: list[int | None] = [None] * n
    fixed_finish: list[int | None] = [None] * n
    floor_finish = [0] * n  # max(expected_finish, as_of) for unfinished milestones
    duration = [0] * n
    for i, m in enumerate(milestones):
        duration[i] = m.duration_days
        actual_start = m.actual_start
        if actual_start is not None and actual_start <= as_of:
            fixed_start[i] = actual_start.toordinal()
            actual_finish = m.actual_finish
            if actual_finish is not None and actual_finish <= as_of:
                fixed_finish[i] = actual_finish.toordinal()
        planned = m.planned_start.toordinal()
        bound[i] = planned if planned > today else today
        expected = m.expected_finish
        if expected is not None and expected.toordinal() > today:
            floor_finish[i] = expected.toordinal()
        else:
            floor_finish[i] = today

    successors: list[list[tuple[int, bool, int]]] = [[] for _ in range(n)]
    waiting = [0] * n  # predecessors not yet computed
    for d in dependencies:
        p = index.get(d.predecessor)
        s = index.get(d.successor)
        if p is None or s is None:
            continue
        successors[p].append((s, d.type == SS, d.lag_days))
        waiting[s] += 1

    start = [0] * n
    finish = [0] * n
    order = [i for i in range(n) if waiting[i] == 0]
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
            waiting[v] -= 1
            if not waiting[v]:
                order.append(v)
    if len(order) < n:
        raise CycleError([milestones[i].key for i in _nodes_on_cycles(successors, waiting)])

    current, original = select_versions(plan_versions, as_of)
    current_finishes = current.finishes if current else {}
    original_finishes = original.finishes if original else {}
    rules = thresholds
    fromordinal = date.fromordinal

    results: dict[Hashable, MilestoneResult] = {}
    # Per-measure accumulators: [max finish, max baseline, max original, sum w*p, sum w, count]
    own: dict[Hashable, list] = {}
    total = [None, None, None, 0, 0, 0]
    for i, m in enumerate(milestones):
        fi = finish[i]
        base = current_finishes.get(m.key)
        orig = original_finishes.get(m.key)
        base_o = base.toordinal() if base is not None else None
        orig_o = orig.toordinal() if orig is not None else None
        slip = fi - base_o if base_o is not None else None
        original_slip = fi - orig_o if orig_o is not None else None
        done = fixed_finish[i] is not None
        results[m.key] = MilestoneResult(
            m.key,
            fromordinal(start[i]),
            fromordinal(fi),
            fixed_start[i] is not None,
            done,
            base,
            orig,
            slip,
            original_slip,
            health(slip, rules),
        )
        weight = duration[i] if duration[i] > 1 else 1
        progress = 100 if done else m.progress
        acc = own.get(m.measure)
        if acc is None:
            acc = own[m.measure] = [None, None, None, 0, 0, 0]
        for a in (acc, total):
            if a[0] is None or fi > a[0]:
                a[0] = fi
            if base_o is not None and (a[1] is None or base_o > a[1]):
                a[1] = base_o
            if orig_o is not None and (a[2] is None or orig_o > a[2]):
                a[2] = orig_o
            a[3] += weight * progress
            a[4] += weight
            a[5] += 1

    measure_list = list(measures)
    summaries = {key: _summary(key, acc, rules) for key, acc in _roll_up(measure_list, own).items()}
    return Forecast(
        as_of=as_of,
        current_version=current.number if current else None,
        original_version=original.number if original else None,
        milestones=results,
        measures=summaries,
        programme=_summary(programme_key, total, rules),
        thresholds=thresholds,
    )


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


def _roll_up(measures: list[MeasureIn], own: dict[Hashable, list]) -> dict[Hashable, list]:
    """Add each measure's own accumulators into every ancestor's: figures cover the subtree."""
    keys = {m.key for m in measures}
    parent = {m.key: (m.parent if m.parent in keys else None) for m in measures}
    subtree = {key: [None, None, None, 0, 0, 0] for key in keys}
    for key in keys:
        acc = own.get(key)
        if acc is None:
            continue
        node, seen = key, set()
        while node is not None and node not in seen:  # `seen` guards against a bad tree
            seen.add(node)
            target = subtree[node]
            for j in (0, 1, 2):
                if acc[j] is not None and (target[j] is None or acc[j] > target[j]):
                    target[j] = acc[j]
            target[3] += acc[3]
            target[4] += acc[4]
            target[5] += acc[5]
            node = parent[node]
    return subtree


def _summary(key: Hashable, acc: list, rules: Thresholds) -> Summary:
    finish, base, orig, weighted, weight, count = acc
    slip = finish - base if finish is not None and base is not None else None
    original_slip = finish - orig if finish is not None and orig is not None else None
    return Summary(
        key=key,
        milestone_count=count,
        forecast_finish=date.fromordinal(finish) if finish is not None else None,
        baseline_finish=date.fromordinal(base) if base is not None else None,
        original_finish=date.fromordinal(orig) if orig is not None else None,
        slip_days=slip,
        original_slip_days=original_slip,
        health=health(slip, rules),
        percent_complete=percent(weighted, weight),
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
