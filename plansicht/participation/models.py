"""Participation: bodies (advisory councils, the student council, the staff council …), the
questions and statements people submit about a programme and its items, and the official
answers to them, with the answer periods of ``plansicht.engine.periods``.

Writes go through ``plansicht.services.participation``; reads use the QuerySet methods here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from plansicht.accounts.models import Organisation, Unit
from plansicht.engine import periods
from plansicht.plan.models import (
    CODE_LENGTH,
    Measure,
    Milestone,
    Programme,
    hidden_measure_ids,
    optional_link,
)
from plansicht.staffing.models import Position

from . import holidays

TEXT_LENGTH = 10_000  # a question, a statement, an answer
REASON_LENGTH = 2_000  # of an extension, of hiding
NAME_LENGTH = 200
# Shown as the author of an item whose participant deleted their account (gender-neutral).
FORMER_PARTICIPANT = _("Former participant")


class Body(models.Model):
    """An organisation that states its view (Popolo/OParl: an organisation with a
    classification): an advisory council, the student council, a committee. Its speakers are
    participants an administrator confirmed."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="bodies",
        verbose_name=_("organisation"),
    )
    code = models.CharField(_("code"), max_length=CODE_LENGTH)
    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    kind = models.CharField(
        _("kind"),
        max_length=50,
        help_text=_(
            "A classification such as advisory_council, youth_body, staff_council, council, "
            "committee."
        ),
    )
    speakers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="bodies_spoken_for",
        verbose_name=_("speakers"),
        help_text=_(
            "Participants confirmed to speak for the body: they may submit its statements."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="body_code_unique")
        ]

    def __str__(self):
        return self.name


class Participant(models.Model):
    """What a participant's account holds besides the e-mail address (django-allauth keeps
    that, verified): the name shown with their contributions, and how they get mail."""

    SINGLE = "single"
    DIGEST = "digest"
    MAIL_MODES = [(SINGLE, _("one mail per notice")), (DIGEST, _("one daily digest"))]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participant"
    )
    display_name = models.CharField(
        _("display name"),
        max_length=NAME_LENGTH,
        help_text=_("Shown with your questions and comments. Not your e-mail address."),
    )
    mail_mode = models.CharField(
        _("notifications"), max_length=10, choices=MAIL_MODES, default=SINGLE
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self):
        return self.display_name


class Follow(models.Model):
    """A participant follows a programme, a measure, a question or a post, and is told by mail
    what happens to it. An asker follows their own question."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    submission = models.ForeignKey(
        "Submission", null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    proposal = models.ForeignKey(
        "proposals.Proposal",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
    )
    created = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "measure", "position", "submission", "proposal"],
                name="follow_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        target = self.submission or self.proposal or self.measure or self.position
        return f"{self.user} → {target or self.programme}"


class Contribution(models.Model):
    """What a participant's contribution (a question or statement, a proposal) is about, and
    who made it. The related names follow the model: ``measure.submissions``,
    ``measure.proposals`` …"""

    # What it is about: the programme (all three empty), a measure, a milestone or a post.
    measure = optional_link(Measure, "%(class)ss", _("measure"))
    milestone = optional_link(Milestone, "%(class)ss", _("milestone"))
    position = optional_link(Position, "%(class)ss", _("post"))
    # Who: a participant's account (empty for one received on paper, or once the account is
    # deleted), and the name shown — never an e-mail address.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="%(class)ss",
        verbose_name=_("participant"),
    )
    author_name = models.CharField(_("by"), max_length=NAME_LENGTH, blank=True, default="")

    class Meta:
        abstract = True


class SubmissionQuerySet(models.QuerySet):
    def questions(self):
        return self.filter(kind=Submission.QUESTION)

    def statements(self):
        return self.filter(kind=Submission.STATEMENT)

    def public(self):
        """What the public sees: released items about the programme or a public measure,
        milestone or post (hidden ones too: they show the moderation's reason, not the text)."""
        hidden = hidden_measure_ids()
        return (
            self.filter(pending=False)
            .exclude(measure_id__in=hidden)
            .exclude(milestone__draft=True)
            .exclude(milestone__measure_id__in=hidden)
        )

    def counted(self):
        """The items the figures count: neither hidden by the moderation nor withdrawn (an
        item awaiting release counts: its clock runs)."""
        return self.filter(hidden=False)

    def for_measure(self, measure):
        return self.filter(measure=measure)


class Submission(Contribution):
    """A question or a statement, with its official answer. The received date and the unit
    responsible are stored when it comes in; so is its original due date, which never
    changes (extensions are kept apart)."""

    QUESTION = "question"
    STATEMENT = "statement"
    KINDS = [(QUESTION, _("question")), (STATEMENT, _("statement"))]

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="submissions")
    kind = models.CharField(_("kind"), max_length=10, choices=KINDS)
    code = models.CharField(_("code"), max_length=CODE_LENGTH)
    body = optional_link(Body, "statements", _("body"))
    received = models.DateField(_("received"))
    due = models.DateField(_("due (original)"))
    text = models.TextField(_("text"))
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
        verbose_name=_("responsible unit"),
    )
    answer = models.TextField(_("answer"), blank=True, default="")
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    hidden = models.BooleanField(_("hidden by the moderation"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True, default="")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    pending = models.BooleanField(
        _("awaiting release"),
        default=False,
        help_text=_("Not yet released by a moderator; its due date runs all the same."),
    )
    # A statement may carry one PDF (checked by the service: a PDF, at most 10 MB). It is
    # served through a view that checks the statement is public, never from MEDIA_URL.
    attachment = models.FileField(
        _("PDF attachment"), upload_to="statements/%Y/", blank=True, default="", max_length=200
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-received", "-pk"]
        verbose_name = _("question or statement")
        verbose_name_plural = _("questions and statements")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "code"], name="submission_code_unique"
            ),
        ]
        indexes = [models.Index(fields=["programme", "kind", "-received"], name="submission_list")]

    def __str__(self):
        return self.code

    @property
    def about(self):
        """The item it is about (a milestone, a post, a measure), or None for the programme."""
        return self.milestone or self.position or self.measure

    @property
    def shown_author(self) -> str:
        """The name shown with the item: the one given, or "former participant" once the
        participant deleted their account (author and name are then both empty)."""
        if self.author_name:
            return self.author_name
        if self.author_id is None:
            return str(FORMER_PARTICIPANT)
        return ""

    @property
    def pdf_shown(self) -> bool:
        """Whether its public page links its PDF: it has one, and is not hidden by the
        moderation."""
        return bool(self.attachment) and not self.hidden

    def about_key(self) -> str:
        """``programme``, ``measure:CODE``, ``milestone:CODE`` or ``position:CODE``."""
        if self.milestone_id:
            return f"milestone:{self.milestone.code}"
        if self.position_id:
            return f"position:{self.position.code}"
        if self.measure_id:
            return f"measure:{self.measure.code}"
        return "programme"

    def engine_item(self, extensions=None) -> periods.ItemIn:
        """The item as the period rules read it (``extensions``: prefetched, in order)."""
        if extensions is None:
            extensions = self.extensions.all()
        return periods.ItemIn(
            received=self.received,
            due=self.due,
            extensions=tuple((e.on, e.to) for e in extensions),
            answered=self.answered_on,
            withdrawn=self.withdrawn_on,
            hidden=self.hidden,
        )

    def status(self, as_of):
        return periods.status(self.engine_item(), as_of)

    def due_in_force(self, as_of):
        return periods.due_in_force(self.engine_item(), as_of)


class Extension(models.Model):
    """A later due date, granted on a date with a public reason. Never removed."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="extensions")
    on = models.DateField(_("granted on"))
    to = models.DateField(_("extended to"))
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self):
        return f"{self.on} → {self.to}"


class CommentQuerySet(models.QuerySet):
    def public(self):
        """Released comments on public measures and on proposals about the programme or a
        public measure or milestone (hidden ones too: they show the reason)."""
        hidden = hidden_measure_ids()
        return (
            self.filter(pending=False)
            .exclude(measure_id__in=hidden)
            .exclude(proposal__measure_id__in=hidden)
            .exclude(proposal__milestone__draft=True)
            .exclude(proposal__milestone__measure_id__in=hidden)
        )


class Comment(models.Model):
    """A participant's comment on a measure or a proposal, or a reply to one (one level deep).
    Comments are not answered officially."""

    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    proposal = models.ForeignKey(
        "proposals.Proposal",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    author_name = models.CharField(_("by"), max_length=NAME_LENGTH, blank=True, default="")
    text = models.TextField(_("text"))
    created = models.DateTimeField(_("written"))
    hidden = models.BooleanField(_("hidden by the moderation"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True, default="")
    pending = models.BooleanField(_("awaiting release"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(measure__isnull=False, proposal__isnull=True)
                | models.Q(measure__isnull=True, proposal__isnull=False),
                name="comment_on_one_item",
            )
        ]

    def __str__(self):
        return f"{(self.measure or self.proposal).code} #{self.pk}"


class ContentReport(models.Model):
    """Someone reports a question, statement or comment to the moderation, with a reason. The
    reporter stays anonymous to the public; a report is closed when a moderator decided."""

    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.TextField(_("reason"))
    reported = models.DateTimeField(_("reported"))
    closed = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["reported", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(submission__isnull=False, comment__isnull=True)
                | models.Q(submission__isnull=True, comment__isnull=False),
                name="report_names_one_item",
            )
        ]

    def __str__(self):
        return self.reason[:60]


# How an answer period is counted, in words (``plansicht.engine.periods.KINDS``).
PERIOD_KINDS = [
    (periods.WORKING_DAYS, _("working days")),
    (periods.CALENDAR_DAYS, _("calendar days")),
    (periods.MONTHS, _("months")),
]


def period_words(value) -> str:
    """An answer period as stored ({"kind", "count"}) in words: "15 working days"."""
    if not isinstance(value, dict):
        return str(value)
    kind, count = value.get("kind"), value.get("count")
    if not isinstance(count, int):
        return str(value)
    if kind == periods.WORKING_DAYS:
        text = ngettext("%(count)d working day", "%(count)d working days", count)
    elif kind == periods.CALENDAR_DAYS:
        text = ngettext("%(count)d calendar day", "%(count)d calendar days", count)
    elif kind == periods.MONTHS:
        text = ngettext("%(count)d month", "%(count)d months", count)
    else:
        return str(value)
    return text % {"count": count}


def period_of(programme, kind) -> periods.Period:
    """The programme's answer period for questions or for statements."""
    raw = programme.answer_period if kind == Submission.QUESTION else programme.statement_period
    return periods.Period(raw["kind"], raw["count"])


def due_for(programme, kind, received):
    """The original due date of a ``kind`` of item the programme received on ``received``."""
    region = holidays.calendar(programme.holiday_region, programme.holiday_categories)
    return periods.due_date(received, period_of(programme, kind), region)


def responsible_unit(programme, *, measure=None, milestone=None, position=None):
    """The unit that answers: the measure's lead unit (inherited from the parent), for a
    milestone its measure's; for the programme and its posts, the programme office."""
    if milestone is not None:
        measure = milestone.measure
    if measure is not None:
        if measure.lead_unit_id is not None:
            return measure.lead_unit
        unit_id = Measure.objects.filter(pk=measure.pk).responsible_units().get(measure.pk)
        return Unit.objects.filter(pk=unit_id).first() if unit_id else None
    return programme.office_unit
