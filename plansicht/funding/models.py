"""The money side of a programme. Writes go through ``plansicht.services.funding``.

The planned distribution of a cost line by year is never stored: it follows from its
milestone's dates (the KFP table is derived, never typed twice).
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from plansicht.accounts.fields import InternalCharField, InternalTextField
from plansicht.engine import conditions
from plansicht.plan.models import CODE_LENGTH, Milestone, Programme

MONEY = {"max_digits": 14, "decimal_places": 2}
# A grant's values besides its code, as the programme document carries them and a load stores them.
GRANT_FIELDS = (
    "funder",
    "title",
    "reference",
    "rate",
    "commitment_date",
    "eligible_from",
    "eligible_until",
    "max_amount",
    "phase",
)


class Grant(models.Model):
    """A grant (Zuwendung): the funder pays ``rate`` of eligible costs within its period."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="grants")
    code = models.CharField(_("code"), max_length=CODE_LENGTH)
    funder = models.CharField(_("funder"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(_("funding reference"), max_length=100, blank=True, default="")
    rate = models.DecimalField(
        _("funding rate"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Share of eligible costs the funder pays, e.g. 0.90."),
    )
    commitment_date = models.DateField(_("date of the grant notice"))
    eligible_from = models.DateField(_("eligible from"))
    eligible_until = models.DateField(_("eligible until"))
    max_amount = models.DecimalField(_("maximum grant"), null=True, blank=True, **MONEY)
    phase = models.CharField(_("phase"), max_length=100, blank=True, default="")
    # The grant's conditions (Nebenbestimmungen); empty means the default named in the help.
    drawdown_window_kind = models.CharField(
        _("drawdown window"),
        max_length=20,
        blank=True,
        default="",
        choices=[
            (conditions.MONTHS, _("months")),
            (conditions.CALENDAR_DAYS, _("calendar days")),
        ],
        help_text=_(
            "How soon drawn money must be spent. Without it: 2 months (ANBest-Gk of most "
            "Länder); the federal ANBest-P says 6 weeks (42 calendar days)."
        ),
    )
    drawdown_window_count = models.PositiveSmallIntegerField(
        _("drawdown window length"), null=True, blank=True
    )
    interim_report_months = models.PositiveSmallIntegerField(
        _("interim proof due (months after the year)"),
        null=True,
        blank=True,
        help_text=_("Without it: 4 months after 31 December, so 30 April."),
    )
    final_report_due = models.DateField(
        _("proof of use due"),
        null=True,
        blank=True,
        help_text=_(
            "Without it: the last day of the sixth month after the end of the eligibility "
            "period (ANBest-P Nr. 6.1)."
        ),
    )
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="grant_code_unique"),
            models.CheckConstraint(
                condition=models.Q(eligible_until__gte=models.F("eligible_from")),
                name="grant_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gte=0, rate__lte=1), name="grant_rate_between_0_and_1"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def drawdown_window(self) -> conditions.Window:
        if self.drawdown_window_kind and self.drawdown_window_count:
            return conditions.Window(self.drawdown_window_kind, self.drawdown_window_count)
        return conditions.DEFAULT_WINDOW

    @property
    def interim_months(self) -> int:
        return self.interim_report_months or conditions.DEFAULT_INTERIM_MONTHS

    @property
    def final_due(self):
        return self.final_report_due or conditions.default_final_due(self.eligible_until)


class CostLine(models.Model):
    """A line of the cost and financing plan: the planned eligible cost of a milestone's work."""

    STAFF = "staff"
    MATERIAL = "material"
    INVESTMENT = "investment"
    CATEGORIES = [(STAFF, _("staff")), (MATERIAL, _("material")), (INVESTMENT, _("investment"))]

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cost_lines")
    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, related_name="cost_lines", verbose_name=_("grant")
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.PROTECT,
        related_name="cost_lines",
        verbose_name=_("milestone"),
        help_text=_("The cost follows this milestone's dates in the cost and financing plan."),
    )
    code = models.CharField(
        _("code"), max_length=CODE_LENGTH, help_text=_("As in the funder's cost plan, e.g. K1.")
    )
    category = models.CharField(_("category"), max_length=20, choices=CATEGORIES)
    amount = models.DecimalField(_("planned amount"), validators=[MinValueValidator(0)], **MONEY)
    closed_on = models.DateField(
        _("closed on"),
        null=True,
        blank=True,
        help_text=_(
            "The day the final invoice was in: from then on the rest of the planned amount is "
            "saved, not spent later."
        ),
    )
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="cost_line_code_unique"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="cost_line_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.get_category_display()})"


class ExpenditureQuerySet(models.QuerySet):
    def counting(self):
        """Each expenditure with ``outside_period`` (dated before its grant's
        ``eligible_from`` or after its ``eligible_until``) and ``counts_eligible``: marked
        eligible and dated within the period, both days included. Spending outside the period
        is never eligible, whatever its flag; the money engine counts it the same way."""
        inside = Q(
            on__gte=F("cost_line__grant__eligible_from"),
            on__lte=F("cost_line__grant__eligible_until"),
        )
        if "counts_eligible" in self.query.annotations:
            return self
        return self.annotate(
            outside_period=ExpressionWrapper(~inside, output_field=models.BooleanField()),
            counts_eligible=ExpressionWrapper(
                Q(eligible=True) & inside, output_field=models.BooleanField()
            ),
        )

    def totals(self) -> dict:
        """{"eligible": what counts as eligible, "ineligible": the rest}, zero when none."""
        sums = self.counting().aggregate(
            eligible=Sum("amount", filter=Q(counts_eligible=True)),
            ineligible=Sum("amount", filter=Q(counts_eligible=False)),
        )
        return {key: value or Decimal("0.00") for key, value in sums.items()}

    def totals_by_line(self) -> dict:
        """{cost line id: {"eligible", "ineligible"}} as :meth:`totals` counts them."""
        rows = (
            self.counting()
            .order_by()
            .values("cost_line_id")
            .annotate(
                eligible=Sum("amount", filter=Q(counts_eligible=True)),
                ineligible=Sum("amount", filter=Q(counts_eligible=False)),
            )
        )
        return {
            row["cost_line_id"]: {
                "eligible": row["eligible"] or Decimal("0.00"),
                "ineligible": row["ineligible"] or Decimal("0.00"),
            }
            for row in rows
        }


class Expenditure(models.Model):
    """Actual spending (Ist) on a cost line, eligible or not. Spending dated outside the
    grant's eligibility period counts as not eligible, whatever ``eligible`` says."""

    cost_line = models.ForeignKey(
        CostLine, on_delete=models.PROTECT, related_name="expenditures", verbose_name=_("cost line")
    )
    on = models.DateField(_("date"), help_text=_("The day the money was paid."))
    amount = models.DecimalField(_("amount"), **MONEY)
    eligible = models.BooleanField(_("eligible"), default=True)
    # Internal: invoices and staff-cost notes may name people.
    payee = InternalCharField(
        _("payee"),
        max_length=200,
        help_text=_(
            "Who was paid, as on the receipt list of the proof of use. Internal, never published."
        ),
    )
    note = InternalCharField(
        _("note"),
        max_length=300,
        help_text=_("Internal: seen in the office only, never published."),
    )
    document_ref = InternalCharField(
        _("document reference"),
        max_length=100,
        help_text=_("For example the invoice or booking number. Internal, never published."),
    )
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ExpenditureQuerySet.as_manager()

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")

    def __str__(self):
        return f"{self.cost_line.code} {self.on} {self.amount}"

    def lies_outside_period(self) -> bool:
        """Dated outside its grant's eligibility period: it counts as not eligible."""
        grant = self.cost_line.grant
        return not grant.eligible_from <= self.on <= grant.eligible_until


class BudgetLine(models.Model):
    """The own share the municipal budget holds for a grant in one year (Haushaltsansatz)."""

    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("grant")
    )
    year = models.PositiveIntegerField(_("year"))
    product = models.CharField(_("product / cost centre"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    own_share = models.DecimalField(
        _("own share budgeted"),
        help_text=_("The city's own money for this grant in this year, in euros."),
        **MONEY,
    )
    commitment_authorisation = models.DecimalField(
        _("commitment authorisation (VE)"),
        null=True,
        blank=True,
        help_text=_("Verpflichtungsermächtigung for later years, in euros."),
        **MONEY,
    )
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["year", "product"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self):
        return f"{self.year} {self.product} {self.title}"


class DrawdownPlanEntry(models.Model):
    """The binding drawdown plan (Mittelabrufplan): what is to be requested by when."""

    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, related_name="drawdown_plan", verbose_name=_("grant")
    )
    on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("drawdown plan entry")
        verbose_name_plural = _("drawdown plan entries")

    def __str__(self):
        return f"{self.grant.code} {self.on} {self.amount}"


class Drawdown(models.Model):
    """Money requested from the funder, and received."""

    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, related_name="drawdowns", verbose_name=_("grant")
    )
    requested_on = models.DateField(_("requested on"))
    amount_requested = models.DecimalField(_("amount requested"), **MONEY)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    amount_received = models.DecimalField(_("amount received"), null=True, blank=True, **MONEY)
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["requested_on", "id"]
        verbose_name = _("drawdown")
        verbose_name_plural = _("drawdowns")

    def __str__(self):
        return f"{self.grant.code} {self.requested_on} {self.amount_requested}"


# The words of the conditions' results (engine.conditions), once, for every page and report.
CONDITION_FLAGS = {
    conditions.OK: _("within the rules"),
    conditions.NOT_OFFSET: _("over plan, not offset by savings elsewhere"),
    conditions.NEEDS_CONSENT: _("over plan by more than 20 %: the funder must consent"),
}
PROOF_STATUSES = {
    conditions.OPEN: _("due"),
    conditions.OVERDUE: _("overdue"),
    conditions.SUBMITTED_IN_TIME: _("submitted in time"),
    conditions.SUBMITTED_LATE: _("submitted late"),
}


class Repayment(models.Model):
    """Grant money paid back to the funder (unused drawn money, say)."""

    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, related_name="repayments", verbose_name=_("grant")
    )
    on = models.DateField(_("repaid on"))
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **MONEY)
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")

    def __str__(self):
        return f"{self.grant.code} {self.on} {self.amount}"


class ProofSubmission(models.Model):
    """An interim proof of use (Zwischennachweis, one per year) or the final proof
    (Verwendungsnachweis) sent to the funder, and when."""

    INTERIM = conditions.INTERIM
    FINAL = conditions.FINAL
    KINDS = [(INTERIM, _("interim proof of use")), (FINAL, _("proof of use"))]

    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, related_name="proofs", verbose_name=_("grant")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=KINDS)
    year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    on = models.DateField(_("submitted on"))
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["kind", "year"]
        verbose_name = _("proof of use submitted")
        verbose_name_plural = _("proofs of use submitted")
        constraints = [
            models.UniqueConstraint(fields=["grant", "kind", "year"], name="proof_once_a_year"),
            models.UniqueConstraint(
                fields=["grant"], condition=Q(kind="final"), name="proof_final_once"
            ),
        ]

    def __str__(self):
        return f"{self.grant.code} {self.kind} {self.year or ''} {self.on}"


class FunderNotification(models.Model):
    """The funder was told (ANBest Nr. 5): of money at risk, a line of the financing plan
    exceeded, drawn money unused past its window. ``facts`` keeps what was true then, so the
    office is asked again only when the figures get worse."""

    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("grant")
    )
    on = models.DateField(_("notified on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True, default="")
    text = InternalTextField(
        _("what was reported"), help_text=_("Internal: seen in the office only.")
    )
    # {"grant_at_risk": "1234.50", "flags": ["material:needs_consent"], "unused_late": "0.00"}
    facts = models.JSONField(_("figures when notified"), default=dict, blank=True)
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("notification of the funder")
        verbose_name_plural = _("notifications of the funder")

    def __str__(self):
        return f"{self.grant.code} {self.on}"


class BaseRate(models.Model):
    """The base rate of § 247 BGB (Basiszinssatz), in percent, in force from ``since``; set by
    the Bundesbank each 1 January and 1 July. Interest on drawn money used late is charged at
    5 percentage points above it (§ 49a (4) VwVfG). Administrators add new rates here."""

    since = models.DateField(_("in force from"), unique=True)
    percent = models.DecimalField(_("base rate (percent)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["since"]
        verbose_name = _("base rate")
        verbose_name_plural = _("base rates")

    def __str__(self):
        return f"{self.since}: {self.percent} %"

    @classmethod
    def table(cls) -> tuple:
        """The rates for the engine, oldest first."""
        return tuple(
            conditions.BaseRate(since, percent)
            for since, percent in cls.objects.order_by("since").values_list("since", "percent")
        )
