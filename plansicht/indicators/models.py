"""A measure's indicators: what it is meant to change, measured (online services available,
processing time in days), each with a baseline, a target and the actual values by date.

Values are decimals kept as written (``"70"``, ``"12.50"``): stored as text in the format of
``plansicht.engine.indicators`` and read as numbers only by its rules. Writes go through
``plansicht.services.indicators``; reads are in ``reads.py``.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from plansicht.engine import indicators as rules
from plansicht.plan.models import CODE_LENGTH, Measure, hidden_measure_ids

TITLE_LENGTH = 300
UNIT_LENGTH = 50
NOTE_LENGTH = 300
# An indicator's and a value's own fields, in the office form's order: what the programme
# document carries, a load stores, the office edits and ``services.indicators`` may change.
INDICATOR_FIELDS = (
    "code",
    "title",
    "unit",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
)
VALUE_FIELDS = ("on", "value", "note")


def check_value(text):
    """A value as written: an optional minus, digits, optionally a point and 1–4 digits."""
    if not rules.is_value(text):
        raise ValidationError(
            _("Enter a number such as 70 or 12.5, with at most four decimal places."),
            code="invalid",
        )


def value_field(label):
    """A decimal kept as written, e.g. "12.50"."""
    return models.CharField(label, max_length=rules.VALUE_LENGTH, validators=[check_value])


class IndicatorQuerySet(models.QuerySet):
    def public(self):
        """The indicators of published measures (published at every depth of the tree)."""
        return self.filter(measure__draft=False).exclude(measure_id__in=hidden_measure_ids())


class Indicator(models.Model):
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("measure")
    )
    code = models.CharField(_("code"), max_length=CODE_LENGTH)
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    unit = models.CharField(
        _("unit"), max_length=UNIT_LENGTH, help_text=_("For example “days” or “services”.")
    )
    baseline_value = value_field(_("baseline value"))
    baseline_on = models.DateField(_("baseline date"))
    target_value = value_field(_("target value"))
    target_on = models.DateField(_("target date"))
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["measure", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=models.Q(target_on__gte=models.F("baseline_on")),
                name="indicator_target_not_before_baseline",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class IndicatorValue(models.Model):
    """An actual value of an indicator, measured on a date."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    on = models.DateField(_("date"))
    value = value_field(_("value"))
    note = models.CharField(_("note"), max_length=NOTE_LENGTH, blank=True, default="")
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        # by date; of one date in the order entered (the document's order)
        ordering = ["on", "pk"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")

    def __str__(self):
        return f"{self.indicator.code} {self.on}: {self.value}"
