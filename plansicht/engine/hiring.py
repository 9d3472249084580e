"""When will a post be filled? The forecast fill date of a position from its hiring steps.

The rules (published on the methodology page), for a status date ``as_of``:

- Steps dated after ``as_of`` are ignored. The current step is the latest entered (by date; on
  the same date, the later in :data:`STEPS`). A post whose current step is not ``filled`` is
  vacant; only ``filled`` (a regular appointment) fills a post, never a stand-in.
- Filled: the fill date is the date of the ``filled`` step.
- Otherwise: ``fill = max(as_of, entered(current) + hiring_days[current])`` plus the
  ``hiring_days`` of every step after the current one and before ``filled``. An expected fill
  date entered by HR can delay this forecast, never make it earlier. A post with no step known
  yet counts as ``planned`` from ``as_of``.
- A milestone that requires a position cannot start before the fill date plus
  ``onboarding_days``.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

PLANNED = "planned"
IN_ESTABLISHMENT_PLAN = "in_establishment_plan"
ADVERTISED = "advertised"
SELECTION = "selection"
OFFER = "offer"
FILLED = "filled"
STEPS = (PLANNED, IN_ESTABLISHMENT_PLAN, ADVERTISED, SELECTION, OFFER, FILLED)
ORDER = {step: i for i, step in enumerate(STEPS)}

DEFAULT_HIRING_DAYS = {
    PLANNED: 60,
    IN_ESTABLISHMENT_PLAN: 90,
    ADVERTISED: 42,
    SELECTION: 56,
    OFFER: 30,
}
DEFAULT_ONBOARDING_DAYS = 30


@dataclass(frozen=True, slots=True)
class HiringRules:
    hiring_days: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_HIRING_DAYS))
    onboarding_days: int = DEFAULT_ONBOARDING_DAYS


@dataclass(frozen=True, slots=True)
class PositionIn:
    key: Hashable
    steps: Sequence[tuple[str, date]]  # (step, date entered), in any order
    expected_fill: date | None = None


@dataclass(frozen=True, slots=True)
class PositionResult:
    key: Hashable
    fill: date
    vacant: bool
    current_step: str | None  # None: no step known by as_of
    current_since: date | None
    assumed: bool = False  # a what-if set the fill date


def current_step(steps: Sequence[tuple[str, date]], as_of: date) -> tuple[str, date] | None:
    """The latest step entered by ``as_of``; on the same date the later one in STEPS."""
    known = [(on, ORDER[step], step) for step, on in steps if on <= as_of]
    if not known:
        return None
    on, _order, step = max(known)
    return step, on


def fill_date(position: PositionIn, as_of: date, rules: HiringRules) -> PositionResult:
    now = current_step(position.steps, as_of)
    if now is not None and now[0] == FILLED:
        return PositionResult(position.key, now[1], False, FILLED, now[1])
    step, since = now if now is not None else (PLANNED, as_of)
    fill = max(as_of, since + timedelta(days=rules.hiring_days.get(step, 0)))
    later = sum(rules.hiring_days.get(s, 0) for s in STEPS[ORDER[step] + 1 : ORDER[FILLED]])
    fill += timedelta(days=later)
    if position.expected_fill is not None and position.expected_fill > fill:
        fill = position.expected_fill
    return PositionResult(
        position.key, fill, True, now[0] if now else None, now[1] if now else None
    )


def fill_dates(
    positions: Sequence[PositionIn],
    as_of: date,
    rules: HiringRules,
    assume: Mapping[Hashable, date] | None = None,
) -> dict[Hashable, PositionResult]:
    """Every position's forecast fill; ``assume`` fills posts on given dates (the what-if)."""
    results = {}
    assume = assume or {}
    for p in positions:
        if p.key in assume:
            now = current_step(p.steps, as_of)
            results[p.key] = PositionResult(
                p.key,
                assume[p.key],
                assume[p.key] > as_of,
                now[0] if now else None,
                now[1] if now else None,
                assumed=True,
            )
        else:
            results[p.key] = fill_date(p, as_of, rules)
    return results


HOLDER_LEFT = "holder_left"
NEEDED_FROM = "needed_from"
GRANT_NOTICE = "grant_notice"
FIRST_STEP = "first_step"


def vacant_since(
    steps: Sequence[tuple[str, date]],
    as_of: date,
    *,
    needed_from: date | None = None,
    commitment: date | None = None,
) -> tuple[date, str] | None:
    """Since when a post has been vacant, and why that date: ``(date, basis)``.

    Steps dated after ``as_of`` are ignored. A filled post (current step ``filled``) gives
    None. A post filled before is vacant since the step that followed its last ``filled``
    step (``holder_left``). A post never filled is vacant from the date HR entered as
    ``needed_from``; without one, from the later of the grant notice (``commitment``) and
    its first step (``grant_notice`` or ``first_step``). None if none of these is known."""
    known = sorted((on, ORDER[step], step) for step, on in steps if on <= as_of)
    if known and known[-1][2] == FILLED:
        return None
    left = None
    for i, (_on, _order, step) in enumerate(known):
        if step == FILLED and i + 1 < len(known):
            left = known[i + 1][0]
    if left is not None:
        return left, HOLDER_LEFT
    if needed_from is not None:
        return needed_from, NEEDED_FROM
    first = known[0][0] if known else None
    if commitment is not None and (first is None or commitment >= first):
        return commitment, GRANT_NOTICE
    if first is not None:
        return first, FIRST_STEP
    return None


@dataclass(frozen=True, slots=True)
class AlertRules:
    not_in_establishment_plan: int = 90  # days after the grant's commitment
    not_advertised: int = 180  # days after the grant's commitment
    contract_ending: int = 90  # days before the holder's contract ends


def alerts(
    steps: Sequence[tuple[str, date]],
    as_of: date,
    *,
    funded: bool,
    commitment: date | None,
    contract_end: date | None,
    cover: str,
    rules: AlertRules,
) -> list[str]:
    """The alerts of one post, as codes: ``not_in_establishment_plan``, ``not_advertised``,
    ``contract_ending``, ``stand_in_only``."""
    now = current_step(steps, as_of)
    step = now[0] if now else PLANNED
    found = []
    if funded and commitment is not None:
        waited = (as_of - commitment).days
        if ORDER[step] < ORDER[IN_ESTABLISHMENT_PLAN] and waited > rules.not_in_establishment_plan:
            found.append("not_in_establishment_plan")
        if ORDER[step] < ORDER[ADVERTISED] and waited > rules.not_advertised:
            found.append("not_advertised")
    if (
        step == FILLED
        and contract_end is not None
        and (contract_end - as_of).days <= rules.contract_ending
    ):
        found.append("contract_ending")
    if funded and step != FILLED and cover in ("honorary", "interim"):
        found.append("stand_in_only")
    return found
