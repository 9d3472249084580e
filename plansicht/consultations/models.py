"""Consultations: time-boxed questionnaires on a topic, a draft document or a measure, for
the public or for the city's staff only. A participant answers once and may change the
answers until the close; the results are published after the close (never before, except to
the office), free-text answers only once a moderator released them, and the office writes a
public summary of what the city does with them.

Writes go through ``plansicht.services.consultations``; reads use ``reads.py``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plansicht.participation.models import TEXT_LENGTH
from plansicht.plan.models import CODE_LENGTH, Measure, Programme, hidden_measure_ids, optional_link

TITLE_LENGTH = 200
CHOICE_LENGTH = 200
ANSWER_LENGTH = 5_000


class ConsultationQuerySet(models.QuerySet):
    def public(self):
        """Consultations for the public, about the programme or a public measure."""
        return self.filter(audience=Consultation.PUBLIC).exclude(
            measure_id__in=hidden_measure_ids()
        )


class Consultation(models.Model):
    PUBLIC = "public"
    STAFF = "staff"
    AUDIENCES = [(PUBLIC, _("the public")), (STAFF, _("the city's staff only"))]

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="consultations")
    code = models.CharField(_("code"), max_length=CODE_LENGTH)
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    description = models.TextField(_("what it is about"), blank=True, default="")
    measure = optional_link(Measure, "consultations", _("measure"))
    # A draft document (a PDF) put to consultation, served through a view that checks who
    # may see the consultation.
    document = models.FileField(
        _("draft document (PDF)"),
        upload_to="consultations/%Y/",
        blank=True,
        default="",
        max_length=200,
    )
    opens = models.DateTimeField(_("opens"))
    closes = models.DateTimeField(_("closes"))
    audience = models.CharField(_("for"), max_length=10, choices=AUDIENCES, default=PUBLIC)
    # What the city does with the results, written by the office after the close.
    summary = models.TextField(_("what the city does with the results"), blank=True, default="")
    summary_on = models.DateField(_("summary of"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="consultation_code_unique"),
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="consultation_opens_before_it_closes",
            ),
        ]

    def __str__(self):
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens <= now < self.closes

    def is_closed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes


class Question(models.Model):
    TEXT = "text"
    SINGLE = "single"
    MULTIPLE = "multiple"
    RATING = "rating"
    KINDS = [
        (TEXT, _("free text")),
        (SINGLE, _("single choice")),
        (MULTIPLE, _("multiple choice")),
        (RATING, _("rating from 1 to 5")),
    ]

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=KINDS)
    text = models.CharField(_("question"), max_length=TEXT_LENGTH)
    required = models.BooleanField(_("required"), default=False)
    # The choices of a single or multiple choice question, in order (a list of strings).
    choices = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("question of a consultation")
        verbose_name_plural = _("questions of a consultation")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="consultation_question_number"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:60]}"


class Response(models.Model):
    """One participant's answers to a consultation: one per participant, changed until the
    close. A deleted account's response stays, without the person."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_responses",
    )
    submitted = models.DateTimeField(_("first answered"))
    changed = models.DateTimeField(_("last changed"))

    class Meta:
        ordering = ["submitted", "pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "user"], name="response_once")
        ]

    def __str__(self):
        return f"{self.consultation.code} #{self.pk}"


class Answer(models.Model):
    """The answer to one question: ``text`` for free text, ``choices`` (the numbers of the
    chosen choices, from 0) for single and multiple choice, ``rating`` 1 to 5. A free-text
    answer is published only once a moderator released it."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("answer"), blank=True, default="", max_length=ANSWER_LENGTH)
    choices = models.JSONField(_("chosen"), default=list, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    released = models.BooleanField(_("released by the moderation"), default=False)
    hidden = models.BooleanField(_("hidden by the moderation"), default=False)

    class Meta:
        ordering = ["question__number", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="answer_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.response} {self.question.number}"
