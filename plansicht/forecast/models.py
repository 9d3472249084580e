"""Stored forecast results, one row per programme, published measure and published milestone.

They are a cache of the engine's output for the date in ``ProgrammeForecast.as_of`` and are
rewritten by ``plansicht.forecast.refresh``; drafts have no rows.
"""

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from plansicht.funding.models import Grant
from plansicht.plan.models import Measure, Milestone, Programme

HEALTH_CHOICES = [("green", _("green")), ("amber", _("amber")), ("red", _("red"))]


class Figures(models.Model):
    """The figures of a measure (over its subtree) or of the whole programme."""

    forecast_finish = models.DateField(_("forecast finish"), null=True)
    baseline_finish = models.DateField(_("finish in the current plan"), null=True)
    original_finish = models.DateField(_("finish in the original plan"), null=True)
    slip_days = models.IntegerField(_("slip in days"), null=True)
    original_slip_days = models.IntegerField(_("slip against the original plan"), null=True)
    # null: no slip to judge, which is not any colour
    health = models.CharField(_("health"), max_length=5, choices=HEALTH_CHOICES, null=True)  # noqa: DJ001
    percent_complete = models.DecimalField(
        _("percent complete"), max_digits=4, decimal_places=1, null=True
    )
    milestone_count = models.PositiveIntegerField(_("milestones"), default=0)

    class Meta:
        abstract = True


class LateSince(models.Model):
    """Since when an item's slip has exceeded the amber threshold (null: not late)."""

    late_since = models.DateField(_("late since"), null=True)

    class Meta:
        abstract = True


class Money(models.Model):
    """Money at risk over a measure's subtree or the programme, and spending by year."""

    cost_at_risk = models.DecimalField(
        _("cost at risk"), max_digits=14, decimal_places=2, default=0
    )
    grant_at_risk = models.DecimalField(
        _("grant at risk"), max_digits=14, decimal_places=2, default=0
    )
    # [{"year", "planned", "forecast", "actual"}], amounts as decimal strings
    money_by_year = models.JSONField(_("money by year"), default=list)

    class Meta:
        abstract = True


class ProgrammeForecast(Figures, Money):
    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, primary_key=True, related_name="forecast"
    )
    as_of = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed at"))
    current_version = models.PositiveIntegerField(_("current plan version"), null=True)
    original_version = models.PositiveIntegerField(_("original plan version"), null=True)
    # {"measures": {"green": n, "amber": n, "red": n, "none": n}, "milestones": {...}}
    health_counts = models.JSONField(_("counts by health"), default=dict)
    # {measure code: {year: {category: amount}}}: the cost and financing plan (KFP) by the
    # baseline dates, derived, never typed.
    kfp = models.JSONField(_("cost and financing plan"), default=dict)

    def __str__(self):
        return f"{self.programme_id} as of {self.as_of}"


class MeasureForecast(Figures, Money, LateSince):
    measure = models.OneToOneField(
        Measure, on_delete=models.CASCADE, primary_key=True, related_name="forecast"
    )

    def __str__(self):
        return f"measure {self.measure_id}: {self.forecast_finish}"


class MilestoneForecast(LateSince):
    milestone = models.OneToOneField(
        Milestone, on_delete=models.CASCADE, primary_key=True, related_name="forecast"
    )
    start = models.DateField(_("forecast start"))
    finish = models.DateField(_("forecast finish"))
    started = models.BooleanField(_("started"))
    finished = models.BooleanField(_("finished"))
    baseline_finish = models.DateField(_("finish in the current plan"), null=True)
    original_finish = models.DateField(_("finish in the original plan"), null=True)
    slip_days = models.IntegerField(_("slip in days"), null=True)
    original_slip_days = models.IntegerField(_("slip against the original plan"), null=True)
    # null: no slip to judge, which is not any colour
    health = models.CharField(_("health"), max_length=5, choices=HEALTH_CHOICES, null=True)  # noqa: DJ001
    cost_at_risk = models.DecimalField(
        _("cost at risk"), max_digits=14, decimal_places=2, default=0
    )
    grant_at_risk = models.DecimalField(
        _("grant at risk"), max_digits=14, decimal_places=2, default=0
    )
    # What set a not-started milestone's start later than planned (both null: its own dates).
    driver_milestone = models.ForeignKey(
        Milestone,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("late because of milestone"),
    )
    driver_position = models.ForeignKey(
        "staffing.Position",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("late because of post"),
    )

    class Meta:
        indexes = [
            # The money pages ask for the milestones with money at risk: few, even among the
            # 146,000 milestones of 73 cities; without it every stored forecast is read.
            models.Index(
                fields=["milestone"],
                condition=models.Q(cost_at_risk__gt=0),
                name="milestone_forecast_at_risk",
            )
        ]

    def __str__(self):
        return f"milestone {self.milestone_id}: {self.start} – {self.finish}"


class GrantForecast(models.Model):
    """A grant's money as of the forecast's date: spent, at risk, own share by year."""

    grant = models.OneToOneField(
        Grant, on_delete=models.CASCADE, primary_key=True, related_name="forecast"
    )
    spent = models.DecimalField(_("spent"), max_digits=14, decimal_places=2, default=0)
    remaining = models.DecimalField(_("remaining"), max_digits=14, decimal_places=2, default=0)
    cost_at_risk = models.DecimalField(
        _("cost at risk"), max_digits=14, decimal_places=2, default=0
    )
    grant_at_risk = models.DecimalField(
        _("grant at risk"), max_digits=14, decimal_places=2, default=0
    )
    ineligible_spent = models.DecimalField(
        _("ineligible spending"), max_digits=14, decimal_places=2, default=0
    )
    # [{"year", "spent", "falling_eligible", "falling_at_risk", "own_share_needed",
    #   "own_share_budgeted", "own_share_gap", "ineligible"}], amounts as decimal strings
    years = models.JSONField(_("by year"), default=list)
    drawdown_planned = models.DecimalField(
        _("drawdowns planned to date"), max_digits=14, decimal_places=2, default=0
    )
    drawdown_requested = models.DecimalField(
        _("requested to date"), max_digits=14, decimal_places=2, default=0
    )
    drawdown_received = models.DecimalField(
        _("received to date"), max_digits=14, decimal_places=2, default=0
    )
    # The grant's conditions as ``forecast.conditions.stored`` writes them (the machine form of
    # ``forecast --json`` with the facts the duty to notify compares).
    conditions = models.JSONField(_("grant conditions"), default=dict)

    def __str__(self):
        return f"grant {self.grant_id}"


class PositionForecast(models.Model):
    """A post as of the forecast's date: when it will be filled, how long it has been vacant,
    what filling it today would save, and its alerts."""

    position = models.OneToOneField(
        "staffing.Position", on_delete=models.CASCADE, primary_key=True, related_name="forecast"
    )
    fill = models.DateField(_("forecast fill date"))
    vacant = models.BooleanField(_("vacant"))
    current_step = models.CharField(_("current step"), max_length=30, blank=True, default="")
    current_since = models.DateField(_("since"), null=True)
    days_vacant = models.PositiveIntegerField(_("days vacant"), null=True)
    # Since when the post has been vacant, and on what that date rests (engine.hiring).
    vacant_since = models.DateField(_("vacant since"), null=True)
    # holder_left, needed_from, grant_notice or first_step; empty when not vacant
    vacant_basis = models.CharField(_("vacant since, basis"), max_length=20, blank=True, default="")
    # Grant at risk now minus grant at risk if the post were filled today (a what-if).
    vacancy_cost = models.DecimalField(
        _("grant at risk from the vacancy"), max_digits=14, decimal_places=2, default=0
    )
    # Grant at risk if filled one month after today minus grant at risk if filled today.
    month_cost = models.DecimalField(
        _("grant at risk per month of delay"), max_digits=14, decimal_places=2, default=0
    )
    alerts = models.JSONField(_("alerts"), default=list)

    def __str__(self):
        return f"position {self.position_id}: {self.fill}"

    @property
    def vacant_since_text(self) -> str:
        """ "vacant since 01.03.2024, since the holder left", in the active language."""
        if not self.vacant or self.vacant_since is None:
            return ""
        day = {"date": date_format(self.vacant_since, "SHORT_DATE_FORMAT")}
        if self.vacant_basis == "holder_left":
            return gettext("vacant since %(date)s, since the holder left") % day
        if self.vacant_basis == "needed_from":
            if not self.days_vacant:  # needed from today or a later day
                return gettext("needed from %(date)s") % day
            return gettext("vacant since %(date)s, needed from that day") % day
        if self.vacant_basis == "grant_notice":
            return gettext("vacant since %(date)s, since the grant notice") % day
        return gettext("vacant since %(date)s, since the first hiring step") % day
