"""The programme's risk register: what may go wrong, how likely and how bad (each on a 1–4
scale), and what the city does about it. A risk is internal (the office and the internal
reports only) or public (the council's and the public reports, too).

Writes go through ``plansicht.services.risks``; reads are the QuerySet methods here.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from plansicht.accounts.models import Unit
from plansicht.plan.models import CODE_LENGTH, Measure, Programme, hidden_measure_ids

TITLE_LENGTH = 300
MITIGATION_LENGTH = 5_000
SCALE_MIN, SCALE_MAX = 1, 4
# A risk's own fields, in the office form's order: what the programme document carries, a
# load stores, the office edits and ``services.risks`` may change.
RISK_FIELDS = (
    "code",
    "title",
    "measure",
    "owner_unit",
    "likelihood",
    "impact",
    "mitigation",
    "status",
    "next_review",
    "public",
)


def scale_field(label, help_text):
    return models.PositiveSmallIntegerField(
        label,
        validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)],
        help_text=help_text,
    )


class RiskQuerySet(models.QuerySet):
    def for_programme(self, programme):
        return self.filter(programme=programme)

    def public(self):
        """The public risks that are about no measure or about a published one."""
        return (
            self.filter(public=True)
            .filter(models.Q(measure__isnull=True) | models.Q(measure__draft=False))
            .exclude(measure_id__in=hidden_measure_ids())
        )

    def active(self):
        """Open or being mitigated: not closed."""
        return self.exclude(status=Risk.CLOSED)

    def review_passed(self, today):
        """Not closed, with a review date before ``today``."""
        return self.active().filter(next_review__lt=today)

    def by_score(self):
        """Highest score (likelihood × impact) first, then the code."""
        return self.annotate(score_value=models.F("likelihood") * models.F("impact")).order_by(
            "-score_value", "-impact", "code", "pk"
        )


class Risk(models.Model):
    OPEN, MITIGATING, CLOSED = "open", "mitigating", "closed"
    STATUSES = [
        (OPEN, _("open")),
        (MITIGATING, _("being mitigated")),
        (CLOSED, _("closed")),
    ]

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="risks", verbose_name=_("programme")
    )
    code = models.CharField(_("code"), max_length=CODE_LENGTH, help_text=_("For example R1."))
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    measure = models.ForeignKey(
        Measure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risks",
        verbose_name=_("measure"),
    )
    owner_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risks",
        verbose_name=_("owner unit"),
    )
    likelihood = scale_field(_("likelihood"), _("1 unlikely, 2 possible, 3 likely, 4 very likely."))
    impact = scale_field(_("impact"), _("1 small, 2 noticeable, 3 serious, 4 severe."))
    mitigation = models.TextField(
        _("what the city does about it"), max_length=MITIGATION_LENGTH, blank=True, default=""
    )
    status = models.CharField(_("status"), max_length=20, choices=STATUSES, default=OPEN)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Internal risks appear only in the office and in the internal reports."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="risk_code_unique"),
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=SCALE_MIN, likelihood__lte=SCALE_MAX),
                name="risk_likelihood_scale",
            ),
            models.CheckConstraint(
                condition=models.Q(impact__gte=SCALE_MIN, impact__lte=SCALE_MAX),
                name="risk_impact_scale",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def score(self) -> int:
        """Likelihood × impact: 1 to 16."""
        return self.likelihood * self.impact
