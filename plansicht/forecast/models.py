"""Stored forecast results, one row per programme, published measure and published milestone.

They are a cache of the engine's output for the date in ``ProgrammeForecast.as_of`` and are
rewritten by ``plansicht.forecast.refresh``; drafts have no rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

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


class ProgrammeForecast(Figures):
    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, primary_key=True, related_name="forecast"
    )
    as_of = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed at"))
    current_version = models.PositiveIntegerField(_("current plan version"), null=True)
    original_version = models.PositiveIntegerField(_("original plan version"), null=True)
    # {"measures": {"green": n, "amber": n, "red": n, "none": n}, "milestones": {...}}
    health_counts = models.JSONField(_("counts by health"), default=dict)

    def __str__(self):
        return f"{self.programme_id} as of {self.as_of}"


class MeasureForecast(Figures):
    measure = models.OneToOneField(
        Measure, on_delete=models.CASCADE, primary_key=True, related_name="forecast"
    )

    def __str__(self):
        return f"measure {self.measure_id}: {self.forecast_finish}"


class MilestoneForecast(models.Model):
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

    def __str__(self):
        return f"milestone {self.milestone_id}: {self.start} – {self.finish}"
