"""Council decisions (Beschlüsse) about a programme and the assignments (Aufträge) they give
the administration, each with a due date and a condition the data can check
(``plansicht.engine.assignments`` holds the rules).

Writes go through ``plansicht.services.decisions``; reads use the QuerySet methods here and
``reads.py`` (statuses as of a date).

The fields follow OParl 1.1 where they fit, so that the open data can publish a decision as
an OParl ``Paper`` with its authoritative ``Consultation`` and ``AgendaItem``:

=====================  ========================================================================
Plansicht              OParl 1.1
=====================  ========================================================================
``number``             ``Paper.reference`` (the Drucksachennummer, e.g. "DS 0112/2025")
``title``              ``Paper.name``
``body``               ``Consultation.organization`` of the consultation with
                       ``authoritative: true`` (the ``Organization``'s ``classification``:
                       the body's ``kind``, council or committee)
``date``               ``Meeting.start`` (its date) of that consultation's meeting; not
                       ``Paper.date``, which is the day the paper was published
``result``             ``AgendaItem.result`` (OParl leaves it free text; here one of five codes,
                       written out in words as the agenda item would say them)
``text``               ``AgendaItem.resolutionText``
``url``                ``Paper.web``
``votes_*``            no OParl field (OParl 1.1 has no vote counts); published beside it
links                  no OParl field: the plan versions, posts, measures and grants it is about
assignments            no OParl field: what it asks the administration to do, by when
=====================  ========================================================================
"""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from plansicht.engine import assignments as rules
from plansicht.funding.models import Grant
from plansicht.participation.models import Body
from plansicht.plan.models import (
    CODE_LENGTH,
    Measure,
    Milestone,
    PlanVersion,
    Programme,
    optional_link,
)
from plansicht.staffing.models import STEP_CHOICES, Position

TEXT_LENGTH = 10_000  # the text of a decision (markdown)
URL_LENGTH = 500
MAX_VOTES = 100_000
MAX_PLAN_VERSION = 100_000  # as the programme document's plan version numbers
# The kinds of body that decide (``Body.kind``): the council and its committees.
COUNCIL, COMMITTEE = "council", "committee"
DECIDING_KINDS = (COUNCIL, COMMITTEE)


class DecisionQuerySet(models.QuerySet):
    def for_programme(self, programme):
        return self.filter(programme=programme)

    def taken_by(self, as_of):
        """The decisions taken on or before ``as_of``."""
        return self.filter(date__lte=as_of)

    def in_order(self):
        """By date, then number: as the register and the forecast list them."""
        return self.order_by("date", "number", "pk")

    def newest_first(self):
        return self.order_by("-date", "-number", "-pk")

    def by_body(self, body):
        return self.filter(body=body)

    def in_year(self, year: int):
        return self.filter(date__year=year)

    def about_measure(self, measure):
        """The decisions that name ``measure`` among their links."""
        return self.filter(measures=measure)

    def about_position(self, position):
        return self.filter(positions=position)

    def about_plan_version(self, plan_version):
        return self.filter(plan_versions=plan_version)

    def about_grant(self, grant):
        return self.filter(grants=grant)


class Decision(models.Model):
    """A decision of the council or one of its committees about the programme. Public, as
    the council's decisions are; see the module's docstring for its OParl names."""

    ADOPTED = "adopted"
    ADOPTED_WITH_CHANGES = "adopted_with_changes"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    NOTED = "noted"
    RESULTS = [
        (ADOPTED, _("adopted")),
        (ADOPTED_WITH_CHANGES, _("adopted with changes")),
        (REJECTED, _("rejected")),
        (DEFERRED, _("deferred")),
        (NOTED, _("noted")),
    ]

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="decisions")
    number = models.CharField(
        _("number"),
        max_length=CODE_LENGTH,
        help_text=_("The council paper's number, e.g. DS 0112/2025."),
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("decided by"),
        help_text=_("The council or the committee that decided."),
    )
    date = models.DateField(_("date of the decision"))
    title = models.CharField(_("title"), max_length=300)
    result = models.CharField(_("result"), max_length=30, choices=RESULTS)
    text = models.TextField(
        _("text of the decision"),
        blank=True,
        default="",
        help_text=_("In the small Markdown subset (paragraphs, emphasis, lists, links)."),
    )
    url = models.URLField(
        _("link to the decision"),
        max_length=URL_LENGTH,
        blank=True,
        default="",
        help_text=_("Its page in the council information system, e.g. https://…"),
    )
    votes_yes = models.PositiveIntegerField(
        _("votes for"), null=True, blank=True, validators=[MaxValueValidator(MAX_VOTES)]
    )
    votes_no = models.PositiveIntegerField(
        _("votes against"), null=True, blank=True, validators=[MaxValueValidator(MAX_VOTES)]
    )
    votes_abstain = models.PositiveIntegerField(
        _("abstentions"), null=True, blank=True, validators=[MaxValueValidator(MAX_VOTES)]
    )
    plan_versions = models.ManyToManyField(
        PlanVersion, blank=True, related_name="decisions", verbose_name=_("plan versions")
    )
    positions = models.ManyToManyField(
        Position, blank=True, related_name="decisions", verbose_name=_("posts")
    )
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="decisions", verbose_name=_("measures")
    )
    grants = models.ManyToManyField(
        Grant, blank=True, related_name="decisions", verbose_name=_("grants")
    )
    # The change request to the funder the decision is about, if any (a string reference:
    # the decisions import no report).
    change_request = models.ForeignKey(
        "reports.ChangeRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
        verbose_name=_("change request"),
    )
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "number"]
        verbose_name = _("council decision")
        verbose_name_plural = _("council decisions")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="decision_number_unique"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def votes(self) -> tuple[int, int, int] | None:
        """(for, against, abstentions), or None when no votes are recorded."""
        if self.votes_yes is None:
            return None
        return (self.votes_yes, self.votes_no or 0, self.votes_abstain or 0)


class AssignmentQuerySet(models.QuerySet):
    def for_programme(self, programme):
        return self.filter(decision__programme=programme)

    def with_facts(self):
        """With what their conditions read: the milestone, the post and its hiring steps."""
        return self.select_related("decision", "decision__body", "milestone", "position")


class Assignment(models.Model):
    """What a decision asks the administration to do (an Auftrag), by when, and how the data
    tells that it is done (``kind``: the fields of the other kinds stay empty)."""

    KINDS = [
        (rules.MILESTONE, _("a milestone is finished")),
        (rules.POSITION_STEP, _("a post reaches a hiring step")),
        (rules.PLAN_VERSION, _("a plan version is approved")),
        (rules.RECORDED, _("the office records it as done")),
    ]

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="assignments")
    code = models.CharField(
        _("code"),
        max_length=CODE_LENGTH,
        help_text=_("Unique within the decision, e.g. A1 or 2.b."),
    )
    title = models.CharField(_("what is to be done"), max_length=300)
    due = models.DateField(_("due"))
    kind = models.CharField(_("done when"), max_length=20, choices=KINDS)
    milestone = optional_link(Milestone, "assignments", _("milestone"))
    position = optional_link(Position, "assignments", _("post"))
    step = models.CharField(
        _("hiring step"), max_length=30, choices=STEP_CHOICES, blank=True, default=""
    )
    plan_version_number = models.PositiveIntegerField(
        _("plan version number"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_PLAN_VERSION)],
        help_text=_("May name a version that is not approved yet."),
    )
    recorded_on = models.DateField(
        _("recorded as done on"),
        null=True,
        blank=True,
        help_text=_("Empty while it is not done."),
    )
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["decision", "code"], name="assignment_code_unique"),
        ]

    def __str__(self):
        return f"{self.decision.number} {self.code}"
