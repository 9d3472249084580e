"""Proposals: a participant (or a body, through its speaker) proposes a new or changed
measure or milestone; others support it; one that reaches the programme's threshold must be
decided within the answer period, with a public reason (``plansicht.engine.proposals``).

Writes go through ``plansicht.services.proposals``; reads use the QuerySet methods here and
``reads.py``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plansicht.engine import proposals as rules
from plansicht.participation.models import (
    FORMER_PARTICIPANT,
    REASON_LENGTH,
    TEXT_LENGTH,
    Body,
    Contribution,
)
from plansicht.plan.models import CODE_LENGTH, Programme, hidden_measure_ids, optional_link

TITLE_LENGTH = 200
LINK_LENGTH = 80

# The fixed meanings, with their default words; a programme may name them its own way
# (``Programme.proposal_labels``), as Decidim lets a space do.
STATUS_LABELS = {
    rules.SUBMITTED: pgettext_lazy("proposal status", "submitted"),
    rules.UNDER_REVIEW: pgettext_lazy("proposal status", "under review"),
    rules.TAKEN_INTO_PLAN: pgettext_lazy("proposal status", "taken into the plan"),
    rules.PARTLY_TAKEN: pgettext_lazy("proposal status", "partly taken up"),
    rules.DECLINED: pgettext_lazy("proposal status", "declined"),
    rules.WITHDRAWN: pgettext_lazy("proposal status", "withdrawn"),
}
STATUS_CHOICES = list(STATUS_LABELS.items())


def status_label(programme, status: str) -> str:
    """A status in the programme's words (its own label, else the default)."""
    own = (programme.proposal_labels or {}).get(status) if programme is not None else None
    return own or str(STATUS_LABELS.get(status, status))


class ProposalQuerySet(models.QuerySet):
    def public(self):
        """What the public sees: proposals about the programme or a public measure or
        milestone (hidden ones too: they show the moderation's reason, not the text)."""
        hidden = hidden_measure_ids()
        return (
            self.exclude(measure_id__in=hidden)
            .exclude(milestone__draft=True)
            .exclude(milestone__measure_id__in=hidden)
        )


class Proposal(Contribution):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="proposals")
    code = models.CharField(_("code"), max_length=CODE_LENGTH)
    body = optional_link(Body, "proposals", _("body"))
    received = models.DateField(_("received"))
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    text = models.TextField(_("text"))
    # The current status (the last decision's, else submitted), kept for the lists' filters.
    status = models.CharField(
        _("status"), max_length=20, choices=STATUS_CHOICES, default=rules.SUBMITTED
    )
    # An image (stored without its metadata) or a PDF, served through a view that checks the
    # proposal is public, never from MEDIA_URL.
    attachment = models.FileField(
        _("image or PDF"), upload_to="proposals/%Y/", blank=True, default="", max_length=200
    )
    hidden = models.BooleanField(_("hidden by the moderation"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True, default="")
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-received", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="proposal_code_unique")
        ]
        indexes = [models.Index(fields=["programme", "-received"], name="proposal_list")]

    def __str__(self):
        return self.code

    @property
    def about(self):
        return self.milestone or self.position or self.measure

    def about_key(self) -> str | None:
        """``measure:CODE``, ``milestone:CODE``, ``position:CODE``; None for the programme."""
        if self.milestone_id:
            return f"milestone:{self.milestone.code}"
        if self.position_id:
            return f"position:{self.position.code}"
        if self.measure_id:
            return f"measure:{self.measure.code}"
        return None

    @property
    def shown_author(self) -> str:
        if self.body_id is not None:
            return self.body.name
        if self.author_name:
            return self.author_name
        if self.author_id is None:
            return str(FORMER_PARTICIPANT)
        return ""

    @property
    def attachment_is_pdf(self) -> bool:
        return bool(self.attachment) and self.attachment.name.lower().endswith(".pdf")

    @property
    def is_open(self) -> bool:
        return self.status in rules.UNDECIDED


class Support(models.Model):
    """One participant's support, dated; withdrawing it deletes it (only current supports
    count). A deleted account's supports stay, without the person."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal_supports",
    )
    on = models.DateField(_("supported on"))

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            # One per participant, also when two requests arrive at once.
            models.UniqueConstraint(fields=["proposal", "user"], name="support_once")
        ]

    def __str__(self):
        return f"{self.proposal} {self.on}"


class Decision(models.Model):
    """A change of a proposal's status, dated, with its public reason; ``link`` names what
    took it up: ``measure:CODE``, ``milestone:CODE``, ``plan_version:N`` or
    ``change_request:CODE``. Never removed."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="decisions")
    on = models.DateField(_("on"))
    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES)
    reason = models.TextField(_("reason"), blank=True, default="", max_length=TEXT_LENGTH)
    link = models.CharField(_("taken up by"), max_length=LINK_LENGTH, blank=True, default="")

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("decision on a proposal")
        verbose_name_plural = _("decisions on proposals")

    def __str__(self):
        return f"{self.proposal} {self.on} {self.status}"


class Extension(models.Model):
    """A later due date, granted on a date with a public reason. Never removed."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="extensions")
    on = models.DateField(_("granted on"))
    to = models.DateField(_("extended to"))
    reason = models.TextField(_("reason"), max_length=REASON_LENGTH)

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self):
        return f"{self.on} → {self.to}"
