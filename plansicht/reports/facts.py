"""What every report reads of a programme as of its cut-off date, gathered once: the forecast
computed as of that date (``forecast.run.compute``, never the stored one, which is as of
today), the published measures and milestones, the grants with their money and conditions,
the posts, and the deviations with their recorded reasons.

Nothing is computed here that the engine or a read module computes; this module only picks
the figures and keeps a stable order (by code, then date).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.db.models import Q
from django.utils.translation import gettext as _

from plansicht.forecast import conditions
from plansicht.forecast.run import Result, compute, year_rows
from plansicht.funding.models import Grant
from plansicht.history.models import Event
from plansicht.plan.models import Dependency, Measure, Milestone
from plansicht.risks.models import Risk
from plansicht.staffing.models import STEP_CHOICES, Position

ZERO = Fraction(0)


def natural(code: str):
    """M2 before M10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]


@dataclass
class Deviation:
    """A published milestone whose forecast finish lies after its finish in the current plan:
    the forecast, the latest reason recorded about it by the cut-off, and the milestone or post
    that holds it back (in words, or "")."""

    milestone: Milestone
    forecast: object  # engine MilestoneResult
    reason: str
    cause: str


@dataclass
class GrantMoney:
    """A grant as of the cut-off: the money engine's result, its conditions (the pages' form,
    ``conditions.readable``) and its drawdowns to date."""

    grant: Grant
    figures: object  # engine GrantResult
    conditions: dict
    drawn: dict  # {"planned", "requested", "received"}: exact amounts


@dataclass
class Facts:
    programme: object
    as_of: date
    result: Result
    measures: list = field(default_factory=list)  # published, by code
    milestones: list = field(default_factory=list)  # published, by code
    grants: list = field(default_factory=list)  # [GrantMoney] by code
    positions: list = field(default_factory=list)  # funded or awaited by a published milestone
    # The risk register as it stands when the report is made (risks keep no history of their
    # own values), the highest score first; internal ones included: each kind picks its own.
    risks: list = field(default_factory=list)
    for_public: bool = False  # the report is to be public: nothing internal in it
    year: int | None = None  # the interim proof's year; None for the final proof and the rest

    def active_risks(self) -> list:
        """The risks open or being mitigated; internal ones too, unless the report is to be
        public (``for_public``)."""
        shown = self.public_risks() if self.for_public else self.risks
        return [r for r in shown if r.status != Risk.CLOSED]

    def public_risks(self) -> list:
        """The public risks about no measure or a published one."""
        public = {m.pk for m in self.measures}
        return [
            r for r in self.risks if r.public and (r.measure_id is None or r.measure_id in public)
        ]

    @property
    def summary(self):
        """The programme's schedule figures (engine ``Summary``)."""
        return self.result.forecast.programme

    def measure_figures(self, measure):
        return self.result.forecast.measures.get(measure.pk)

    def milestone_figures(self, milestone):
        return self.result.forecast.milestones.get(milestone.pk)

    def post_figures(self, position):
        return self.result.forecast.positions.get(position.pk)

    @property
    def cost_at_risk(self) -> Fraction:
        return sum((g.figures.cost_at_risk for g in self.grants), ZERO)

    @property
    def grant_at_risk(self) -> Fraction:
        return sum((g.figures.grant_at_risk for g in self.grants), ZERO)

    @property
    def interest_exposure(self):
        return sum(
            (g.conditions["interest_exposure"] for g in self.grants if g.conditions),
            conditions.ZERO,
        )

    def money_by_year(self) -> list:
        """The programme's spending by year (planned, forecast, actual) as the stored forecast
        keeps it: [{"year", "planned", "forecast", "actual"}], amounts as decimal strings."""
        funds = self.result.funds
        return year_rows(funds.by_year.get(None, {})) if funds else []

    def vacant_funded_posts(self) -> list:
        return [
            p
            for p in self.positions
            if p.grant_id is not None and getattr(self.post_figures(p), "vacant", False)
        ]

    def deviations(self) -> list[Deviation]:
        """The published milestones late against the current plan as of the cut-off, by code,
        each with the latest public reason written by then about it."""
        late = [
            (m, f)
            for m in self.milestones
            if (f := self.milestone_figures(m)) is not None and (f.slip_days or 0) > 0
        ]
        reasons = (
            Event.objects.public()
            .for_programme(self.programme)
            .latest_reasons(Milestone, [m.pk for m, _f in late], until=self.as_of)
        )
        public = {m.pk for m in self.milestones}
        drivers = {f.driver for _m, f in late if f.driver is not None}
        starts = set(
            Dependency.objects.filter(
                predecessor__in=drivers, successor__in=[m.pk for m, _f in late], type="SS"
            ).values_list("predecessor_id", "successor_id")
        )
        codes, posts = self.result.milestone_codes, self.result.position_codes or {}
        out = []
        for m, f in late:
            cause = ""
            if not f.finished and f.driver is not None and f.driver in public:
                text = (
                    _("late because {milestone} starts late")
                    if (f.driver, m.pk) in starts
                    else _("late because {milestone} finishes late")
                )
                cause = text.format(milestone=codes[f.driver])
            elif not f.finished and f.driver_position is not None:
                cause = _("late because post {post} is not yet filled").format(
                    post=posts.get(f.driver_position, "")
                )
            out.append(Deviation(m, f, reasons.get(m.pk, ""), cause))
        return out


def step_label(step) -> str:
    return str(dict(STEP_CHOICES).get(step, "")) if step else "–"


def gather(programme, as_of: date) -> Facts:
    """Everything the reports read of ``programme`` as of ``as_of``."""
    result = compute(programme, as_of)
    measures = sorted(
        Measure.objects.filter(programme=programme).public().select_related("lead_unit"),
        key=lambda m: natural(m.code),
    )
    milestones = sorted(
        Milestone.objects.filter(programme=programme).public().select_related("measure"),
        key=lambda m: natural(m.code),
    )
    grants = []
    funds = result.funds
    for grant in Grant.objects.filter(programme=programme).order_by("code"):
        if funds is None or grant.pk not in funds.funding.grants:
            continue
        c = funds.conditions.get(grant.pk)
        grants.append(
            GrantMoney(
                grant,
                funds.funding.grants[grant.pk],
                conditions.readable(conditions.as_json(c)) if c is not None else {},
                funds.drawdowns.get(
                    grant.pk, {"planned": ZERO, "requested": ZERO, "received": ZERO}
                ),
            )
        )
    public_ids = [m.pk for m in milestones]
    positions = list(
        Position.objects.filter(programme=programme)
        .filter(Q(grant__isnull=False) | Q(required_by__in=public_ids))
        .select_related("grant", "unit")
        .distinct()
        .order_by("code")
    )
    risks = list(
        Risk.objects.for_programme(programme).by_score().select_related("measure", "owner_unit")
    )
    return Facts(programme, as_of, result, measures, milestones, grants, positions, risks)
