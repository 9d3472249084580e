"""The plan of a programme: fields of action, the measure tree, milestones, dependencies and
the frozen plan versions (baselines) that slips are measured against.

Writes go through ``plansicht.services.plan``; reads use the QuerySet methods here.
"""

import secrets
from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from plansicht.accounts.fields import InternalTextField
from plansicht.accounts.models import Organisation, Unit
from plansicht.engine import periods

CODE_LENGTH = 40
# A milestone's dates and progress: what the forecast reads besides its measure.
SCHEDULE_FIELDS = (
    "planned_start",
    "duration_days",
    "actual_start",
    "actual_finish",
    "expected_finish",
    "progress",
)
# A milestone's own values, as the programme document carries them and a load stores them
# (besides its code, its measure and the positions it waits for).
MILESTONE_FIELDS = (
    "title",
    "description",
    *SCHEDULE_FIELDS,
    "draft",
    "internal_note",
    "accepted_on",
    "acceptance_ref",
)


def _answer_period():
    return {"kind": periods.QUESTIONS_DEFAULT.kind, "count": periods.QUESTIONS_DEFAULT.count}


def _statement_period():
    return {"kind": periods.STATEMENTS_DEFAULT.kind, "count": periods.STATEMENTS_DEFAULT.count}


def new_public_version() -> int:
    """A fresh token, never one a page was cached under before (not even of a programme that
    was removed and made again under the same short name)."""
    return secrets.randbits(62)


class ProgrammeQuerySet(models.QuerySet):
    def touch(self) -> int:
        """Mark these programmes' public pages as changed: a new ``public_version``."""
        return self.update(public_version=new_public_version())


class Programme(models.Model):
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=300)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("organisation"),
    )
    amber_days = models.PositiveIntegerField(
        _("amber from days of slip"),
        default=30,
        help_text=_("A slip of up to this many days is green; more is amber."),
    )
    red_days = models.PositiveIntegerField(
        _("red from days of slip"),
        default=90,
        help_text=_("A slip of up to this many days is amber; more is red."),
    )
    # Hiring: typical days per step before "filled" (missing steps take the defaults of
    # plansicht.engine.hiring), onboarding, and the alert thresholds of the staffing page.
    hiring_days = models.JSONField(_("typical days per hiring step"), default=dict, blank=True)
    onboarding_days = models.PositiveIntegerField(_("onboarding days"), default=30)
    alert_establishment_days = models.PositiveIntegerField(
        _("alert: not in the establishment plan after (days from the grant notice)"), default=90
    )
    alert_advertised_days = models.PositiveIntegerField(
        _("alert: not advertised after (days from the grant notice)"), default=180
    )
    alert_contract_days = models.PositiveIntegerField(
        _("alert: contract ends within (days) with no successor sought"), default=90
    )
    # Participation: the answer periods ({"kind": …, "count": N}, plansicht.engine.periods),
    # the region whose public holidays they skip, the unit that answers for the programme and
    # its posts, and whether questions and comments wait for a moderator's release.
    answer_period = models.JSONField(_("answer period for questions"), default=_answer_period)
    statement_period = models.JSONField(
        _("answer period for statements"), default=_statement_period
    )
    holiday_region = models.CharField(
        _("region of the public holidays"),
        max_length=20,
        default="DE-RP",
        help_text=_("An ISO 3166-2 code such as DE-RP (Rhineland-Palatinate)."),
    )
    holiday_categories = models.JSONField(
        _("further holiday categories"),
        default=list,
        blank=True,
        help_text=_("For example catholic, for Assumption Day in Catholic parts of Bavaria."),
    )
    office_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("programme office"),
        help_text=_("Answers the questions about the programme as a whole and about its posts."),
    )
    premoderation = models.BooleanField(
        _("questions and comments wait for release"),
        default=False,
        help_text=_("If set, a moderator releases each question and comment before it is shown."),
    )
    # Proposals: the supports after which one must be decided within the answer period, and
    # the programme's own words for the statuses ({status: label}; the meanings are fixed).
    proposal_threshold = models.PositiveIntegerField(
        _("supports a proposal needs to be decided"),
        default=50,
        validators=[MinValueValidator(1)],
    )
    proposal_labels = models.JSONField(
        _("words for the statuses of proposals"), default=dict, blank=True
    )
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Bumped by every change the public pages may show (every history event, every stored
    # forecast): the portal's cached pages carry it in their keys, so none is ever stale.
    public_version = models.PositiveBigIntegerField(default=new_public_version, editable=False)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amber_days__lte=models.F("red_days")),
                name="programme_amber_not_above_red",
            )
        ]

    def __str__(self):
        return self.title


class FieldOfAction(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="fields_of_action"
    )
    code = models.CharField(_("code"), max_length=CODE_LENGTH)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = _("field of action")
        verbose_name_plural = _("fields of action")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="field_code_unique")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


HIDDEN_MEASURES_SQL = """
    WITH RECURSIVE hidden(id) AS (
        SELECT id FROM plan_measure WHERE draft = %s
        UNION
        SELECT child.id FROM plan_measure child JOIN hidden ON child.parent_id = hidden.id
    )
    SELECT id FROM hidden
"""


def finished_by(as_of, prefix="") -> models.Q:
    """Milestones finished by ``as_of``: reported complete (actual finish) on or before it.
    ``prefix`` reaches them from another model (``"milestones__"`` from a measure)."""
    return models.Q(**{f"{prefix}actual_finish__lte": as_of})


def accepted_by(as_of, prefix="") -> models.Q:
    """Milestones finished and accepted by the funder by ``as_of``."""
    return finished_by(as_of, prefix) & models.Q(**{f"{prefix}accepted_on__lte": as_of})


def optional_link(to, related_name: str, verbose_name, on_delete=models.PROTECT):
    """A link that may be empty (meaning the programme as a whole, or no one): to a measure, a
    milestone, a post or a body, which by default cannot be removed while something links to it."""
    return models.ForeignKey(
        to,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        verbose_name=verbose_name,
    )


def hidden_measure_ids() -> RawSQL:
    """A subquery of every measure that is a draft or lies below one, at any depth."""
    return RawSQL(HIDDEN_MEASURES_SQL, (True,))


class MeasureQuerySet(models.QuerySet):
    def public(self):
        """Measures that are published and whose every ancestor is published."""
        return self.filter(draft=False).exclude(pk__in=hidden_measure_ids())

    def responsible_units(self) -> dict:
        """{measure id: the unit responsible for it} for the measures of this queryset's
        programmes: its own lead unit, else its nearest ancestor's (None if none has one)."""
        tree = {
            pk: (parent, lead)
            for pk, parent, lead in self.model.objects.filter(
                programme_id__in=self.values("programme_id")
            ).values_list("pk", "parent_id", "lead_unit_id")
        }

        def lead(pk):
            seen = set()
            while pk is not None and pk not in seen:
                seen.add(pk)
                parent, unit = tree.get(pk, (None, None))
                if unit is not None:
                    return unit
                pk = parent
            return None

        return {pk: lead(pk) for pk in tree}

    def led_by(self, unit_id):
        """The measures ``unit_id`` is responsible for: those it leads, and those without a lead
        unit whose nearest ancestor with one is led by it."""
        units = self.responsible_units()
        return self.filter(pk__in=[pk for pk, unit in units.items() if unit == unit_id])

    def subtree_ids(self, root) -> list[int]:
        """The ids of the measure ``root`` and of every measure of this queryset below it (a
        public queryset: the public ones; a branch under a measure left out stops there).
        One query; [] if ``root`` is not in the queryset."""
        children, found = {}, False
        for pk, parent in self.values_list("pk", "parent_id"):
            children.setdefault(parent, []).append(pk)
            found = found or pk == root.pk
        if not found:
            return []
        subtree, todo, seen = [], [root.pk], set()
        while todo:
            pk = todo.pop()
            if pk in seen:  # a bad tree must not loop
                continue
            seen.add(pk)
            subtree.append(pk)
            todo.extend(children.get(pk, ()))
        return subtree


class Measure(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="measures")
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("field of action"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent measure"),
    )
    code = models.CharField(_("code"), max_length=CODE_LENGTH)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, default="")
    lead_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_measures",
        verbose_name=_("lead unit"),
    )
    draft = models.BooleanField(
        _("draft"), default=False, help_text=_("Drafts are not public and not in any figure.")
    )
    internal_note = InternalTextField(_("internal note"))

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="measure_code_unique")
        ]
        indexes = [
            # Every public read starts from the drafts (hidden_measure_ids): few of them, also
            # among the measures of every city of the installation.
            models.Index(fields=["id"], condition=models.Q(draft=True), name="measure_drafts")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class MilestoneQuerySet(models.QuerySet):
    def public(self):
        """Published milestones of published measures (at every depth of the measure tree)."""
        return self.filter(draft=False).exclude(measure_id__in=hidden_measure_ids())

    def public_ids(self) -> set[int]:
        """The ids of the public milestones among these (see :meth:`public`)."""
        return set(self.public().values_list("pk", flat=True))

    def led_by(self, unit_id):
        """The milestones of the measures ``unit_id`` is responsible for (``Measure.led_by``)."""
        measures = Measure.objects.filter(programme_id__in=self.values("programme_id"))
        return self.filter(measure__in=measures.led_by(unit_id))

    def acceptance(self, as_of) -> dict:
        """{"finished": N, "accepted": M}: of these milestones, those finished by ``as_of``
        (actual finish on or before it) and, of them, those the funder accepted by then.
        Call it on ``.public()`` for the published figures."""
        return self.aggregate(
            finished=models.Count("pk", filter=finished_by(as_of)),
            accepted=models.Count("pk", filter=accepted_by(as_of)),
        )


class Milestone(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="milestones")
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("measure")
    )
    code = models.CharField(_("code"), max_length=CODE_LENGTH)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, default="")
    planned_start = models.DateField(_("planned start"))
    duration_days = models.PositiveIntegerField(_("duration in days"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_finish = models.DateField(_("actual finish"), null=True, blank=True)
    expected_finish = models.DateField(
        _("expected finish"),
        null=True,
        blank=True,
        help_text=_("Can delay the forecast, never make it earlier."),
    )
    progress = models.PositiveSmallIntegerField(
        _("progress in percent"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    draft = models.BooleanField(
        _("draft"), default=False, help_text=_("Drafts are not public and not in any figure.")
    )
    internal_note = InternalTextField(_("internal note"))
    # The second kind of done: the funder accepts a milestone reported complete (on or after
    # its actual finish). The document is the office's copy of the funder's letter; it is
    # never served publicly (``plansicht.services.acceptance``).
    accepted_on = models.DateField(_("accepted by the funder on"), null=True, blank=True)
    acceptance_ref = models.CharField(
        _("funder's reference"), max_length=200, blank=True, default=""
    )
    acceptance_document = models.FileField(
        _("funder's acceptance (PDF)"),
        upload_to="acceptances/%Y/",
        blank=True,
        default="",
        max_length=200,
    )
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="milestone_code_unique"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="milestone_progress_max_100"
            ),
            models.CheckConstraint(
                condition=models.Q(actual_finish__isnull=True)
                | models.Q(actual_start__isnull=False, actual_finish__gte=models.F("actual_start")),
                name="milestone_actual_finish_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_on__isnull=True)
                | models.Q(actual_finish__isnull=False, accepted_on__gte=models.F("actual_finish")),
                name="milestone_accepted_after_finish",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def is_public(self) -> bool:
        """Whether the public may see it: published, in a published measure at every depth."""
        return type(self).objects.filter(pk=self.pk).public().exists()

    @property
    def planned_finish(self):
        return self.planned_start + timedelta(days=self.duration_days)


class Dependency(models.Model):
    FS = "FS"
    SS = "SS"
    TYPES = [(FS, _("finish to start")), (SS, _("start to start"))]

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="dependencies")
    predecessor = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        related_name="successor_links",
        verbose_name=_("predecessor"),
    )
    successor = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        related_name="predecessor_links",
        verbose_name=_("successor"),
    )
    type = models.CharField(_("type"), max_length=2, choices=TYPES, default=FS)
    lag_days = models.IntegerField(_("lag in days"), default=0)

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="dependency_unique"),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")), name="dependency_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.predecessor.code} → {self.successor.code} ({self.type} {self.lag_days:+d})"


class PlanVersion(models.Model):
    """A frozen, approved plan (baseline): every published milestone's start and finish then."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="plan_versions")
    number = models.PositiveIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=300)
    approved_on = models.DateField(_("approved on"))
    decision_ref = models.CharField(_("decision reference"), max_length=300)
    # The change request to the funder this version rests on, if any (``reports`` names it;
    # a string reference: the plan imports no report).
    change_request = models.ForeignKey(
        "reports.ChangeRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_versions",
        verbose_name=_("change request"),
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="plan_version_unique")
        ]

    def __str__(self):
        return f"{self.number}: {self.label}"


class PlanVersionEntry(models.Model):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="entries")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="plan_entries")
    start = models.DateField(_("start"))
    finish = models.DateField(_("finish"))

    class Meta:
        verbose_name = _("plan version entry")
        verbose_name_plural = _("plan version entries")
        constraints = [
            models.UniqueConstraint(fields=["version", "milestone"], name="plan_entry_unique"),
            models.CheckConstraint(
                condition=models.Q(finish__gte=models.F("start")),
                name="plan_entry_finish_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.version_id}/{self.milestone_id}: {self.start} – {self.finish}"
