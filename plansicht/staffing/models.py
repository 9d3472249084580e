"""Positions (Stellen) and their hiring steps, following Popolo: a post exists whether or not
someone holds it. Writes go through ``plansicht.services.staffing``."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from plansicht.accounts.models import Unit
from plansicht.engine import hiring
from plansicht.funding.models import Grant
from plansicht.plan.models import CODE_LENGTH, Milestone, Programme

# The programme's alert thresholds for posts: {alert code (document key): Programme field}.
ALERT_FIELDS = {
    "not_in_establishment_plan": "alert_establishment_days",
    "not_advertised": "alert_advertised_days",
    "contract_ending": "alert_contract_days",
}

# A post's details besides its code and hiring steps, in the office form's order: what the
# programme document carries, a load stores, the office edits and
# ``services.staffing.save_position`` may change.
POSITION_FIELDS = (
    "title",
    "unit",
    "fte",
    "pay_grade",
    "grant",
    "cover",
    "needed_from",
    "expected_fill",
    "holder",
    "holder_public",
    "contract_end",
)

STEP_CHOICES = [
    (hiring.PLANNED, _("planned")),
    (hiring.IN_ESTABLISHMENT_PLAN, _("in the establishment plan")),
    (hiring.ADVERTISED, _("advertised")),
    (hiring.SELECTION, _("selection (with staff council consent)")),
    (hiring.OFFER, _("offer made")),
    (hiring.FILLED, _("filled")),
]


class PositionQuerySet(models.QuerySet):
    def public(self):
        """The posts the public sees — on the positions page, as what a question is about, as
        a decision's link: those funded by a grant, and those a published milestone waits for."""
        return self.filter(
            models.Q(grant__isnull=False) | models.Q(required_by__in=Milestone.objects.public())
        ).distinct()

    def public_ids(self) -> set[int]:
        """The ids of the public posts among these (see :meth:`public`)."""
        return set(self.public().values_list("pk", flat=True))


class Position(models.Model):
    NONE = "none"
    HONORARY = "honorary"
    INTERIM = "interim"
    COVERS = [
        (NONE, _("nobody")),
        (HONORARY, _("honorary stand-in")),
        (INTERIM, _("interim stand-in")),
    ]

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="positions")
    code = models.CharField(_("code"), max_length=CODE_LENGTH)
    title = models.CharField(_("title"), max_length=300)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="positions",
        verbose_name=_("unit"),
    )
    fte = models.DecimalField(
        _("full-time equivalent"), max_digits=4, decimal_places=2, default=Decimal("1.00")
    )
    pay_grade = models.CharField(
        _("pay grade"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("For example E 13 TVöD or A 13."),
    )
    grant = models.ForeignKey(
        Grant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="positions",
        verbose_name=_("funded by"),
    )
    cover = models.CharField(
        _("stand-in"),
        max_length=10,
        choices=COVERS,
        default=NONE,
        help_text=_("A stand-in does not fill the post: it stays vacant in the forecast."),
    )
    needed_from = models.DateField(
        _("needed from"),
        null=True,
        blank=True,
        help_text=_(
            "For a post never filled: the day it is needed from. It counts as vacant from then; "
            "without it, from the grant notice or its first hiring step, whichever is later."
        ),
    )
    expected_fill = models.DateField(
        _("expected fill date"),
        null=True,
        blank=True,
        help_text=_("Can delay the forecast fill date, never bring it forward."),
    )
    holder = models.CharField(_("holder"), max_length=200, blank=True, default="")
    holder_public = models.BooleanField(
        _("name the holder publicly"),
        default=False,
        help_text=_("Only for public leadership roles, and only with the holder's consent."),
    )
    contract_end = models.DateField(_("contract end of the holder"), null=True, blank=True)
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    required_by = models.ManyToManyField(
        Milestone,
        blank=True,
        related_name="required_positions",
        verbose_name=_("milestones waiting for this post"),
    )

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="position_code_unique")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def current_step_label(self):
        """The stored forecast's current step, in words."""
        forecast = getattr(self, "forecast", None)
        return dict(STEP_CHOICES).get(forecast.current_step, "") if forecast else ""


class HiringStep(models.Model):
    """A step of the hiring procedure, with the date it was entered; the list is the post's
    history: a holder leaving is a step back to ``planned`` or ``advertised``."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=30, choices=STEP_CHOICES)
    on = models.DateField(_("entered on"))

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("hiring step")
        verbose_name_plural = _("hiring steps")

    def __str__(self):
        return f"{self.position.code} {self.step} {self.on}"
