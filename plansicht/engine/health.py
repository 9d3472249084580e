"""The status rules (Ampel): how a slip in days becomes green, amber or red."""

from dataclasses import dataclass
from decimal import Decimal

GREEN = "green"
AMBER = "amber"
RED = "red"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """A programme's published thresholds: slip up to amber_days is green, up to red_days amber."""

    amber_days: int = 30
    red_days: int = 90


def health(slip_days: int | None, thresholds: Thresholds) -> str | None:
    """Green up to amber_days of slip, amber up to red_days, red beyond; None without a slip."""
    if slip_days is None:
        return None
    if slip_days <= thresholds.amber_days:
        return GREEN
    if slip_days <= thresholds.red_days:
        return AMBER
    return RED


def with_money(slip_health: str | None, at_risk: bool) -> str | None:
    """Any cent at risk makes it red, whatever its slip: the health of a milestone, a measure
    or the programme once money is counted (``at_risk``: cost of it, or of its subtree, falls
    outside the grant's eligibility)."""
    return RED if at_risk else slip_health


def percent(weighted_progress: int, weight: int) -> Decimal | None:
    """weighted_progress / weight as a percentage with one decimal, rounded half up, exactly."""
    if weight <= 0:
        return None
    tenths, rest = divmod(weighted_progress * 10, weight)
    if 2 * rest >= weight:
        tenths += 1
    return Decimal(tenths).scaleb(-1)
