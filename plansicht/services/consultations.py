"""Consultations: saving one with its questions, a participant's answers (changed until the
close), the moderation of free-text answers and the summary of what the city does with the
results. One function per operation, each through ``common.commit`` with one history event
(``forecast=False``: a consultation moves no date or amount of the plan).

Times are entered as local time (the site's time zone, Europe/Berlin) and stored aware. A
staff-only consultation's events are never public; a participant's answers are recorded
without their name or what they answered.
"""

import re
import unicodedata
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plansicht import clock
from plansicht.consultations import reads
from plansicht.consultations.models import (
    ANSWER_LENGTH,
    CHOICE_LENGTH,
    TITLE_LENGTH,
    Answer,
    Consultation,
    Question,
    Response,
)
from plansicht.content import markdown
from plansicht.engine import calendar
from plansicht.participation.models import TEXT_LENGTH
from plansicht.participation.people import may_take_part
from plansicht.plan.models import Measure

from . import Actor, ServiceError
from .common import check_pdf, commit, commit_settings, range_message
from .permissions import can_edit_plan, can_moderate, check, is_admin

PREFIX = "U"  # Umfrage
MAX_QUESTIONS = 50
MAX_CHOICES = 20
DESCRIPTION_LENGTH = 20_000
SUMMARY_LENGTH = 20_000
KINDS = {k for k, _label in Question.KINDS}
CHOICE_KINDS = (Question.SINGLE, Question.MULTIPLE)

LABELS = {
    "description": gettext_lazy("What it is about"),
    "summary": gettext_lazy("What the city does with the results"),
    "answer": gettext_lazy("Answer"),
}


def _markdown(value, field: str, limit: int, label_key: str | None = None) -> str:
    if not isinstance(value, str | None):
        raise ServiceError(_("Enter a text."), field=field)
    try:
        return markdown.check(value or "", max_length=limit, field_label=LABELS[label_key or field])
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages), field=field) from None


def _line(value, field: str, limit: int, *, required=True) -> str:
    if not isinstance(value, str | None):
        raise ServiceError(_("Enter a text."), field=field)
    value = " ".join((value or "").split())
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        raise ServiceError(_("The text holds a character that cannot be stored."), field=field)
    if required and not value:
        raise ServiceError(_("This field is required."), field=field)
    if len(value) > limit:
        raise ServiceError(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return value


def local_moment(value, field: str) -> datetime:
    """A moment entered as local time (naive: the site's time zone), aware, in the calendar
    Plansicht accepts."""
    if not isinstance(value, datetime):
        raise ServiceError(_("Enter a date and a time."), field=field)
    if timezone.is_naive(value):
        try:
            value = timezone.make_aware(value)
        except Exception:  # pragma: no cover - a moment skipped by the change to summer time
            raise ServiceError(_("Enter a date and a time."), field=field) from None
    if not calendar.in_range(timezone.localdate(value)):
        raise ServiceError(range_message(), field=field)
    return value


moment_words = reads.moment_words


def next_code(programme) -> str:
    """The next free code: U1, U2, …"""
    numbers = [
        int(code[len(PREFIX) :])
        for code in Consultation.objects.filter(programme=programme).values_list("code", flat=True)
        if code.startswith(PREFIX) and code[len(PREFIX) :].isdigit()
    ]
    return f"{PREFIX}{max(numbers, default=0) + 1}"


def _questions(questions) -> list[dict]:
    """The questions as stored: ``kind``, ``text``, ``required``, ``choices`` (a list, empty
    but for choice questions, which need at least two different ones)."""
    if not isinstance(questions, list | tuple) or not questions:
        raise ServiceError(_("Add at least one question."), field="questions")
    if len(questions) > MAX_QUESTIONS:
        raise ServiceError(_("At most %(n)d questions.") % {"n": MAX_QUESTIONS}, field="questions")
    cleaned = []
    for number, q in enumerate(questions, start=1):
        prefix = f"questions.{number}."
        if not isinstance(q, dict):
            raise ServiceError(_("Question %(n)d is not readable.") % {"n": number}, "questions")
        kind = q.get("kind")
        if not isinstance(kind, str) or kind not in KINDS:
            raise ServiceError(
                _("Question %(n)d: choose its kind.") % {"n": number}, field=prefix + "kind"
            )
        text = _line(q.get("text"), prefix + "text", TEXT_LENGTH)
        required = q.get("required", False)
        if not isinstance(required, bool):
            raise ServiceError(
                _("Question %(n)d: say whether it is required.") % {"n": number},
                field=prefix + "required",
            )
        choices = q.get("choices") or []
        if not isinstance(choices, list | tuple):
            raise ServiceError(
                _("Question %(n)d: give its choices one per line.") % {"n": number},
                field=prefix + "choices",
            )
        choices = [_line(c, prefix + "choices", CHOICE_LENGTH, required=False) for c in choices]
        choices = [c for c in choices if c]
        if kind in CHOICE_KINDS:
            if len(choices) < 2:
                raise ServiceError(
                    _("Question %(n)d: give at least two choices, one per line.") % {"n": number},
                    field=prefix + "choices",
                )
            if len(choices) > MAX_CHOICES:
                raise ServiceError(
                    _("Question %(n)d: at most %(max)d choices.")
                    % {"n": number, "max": MAX_CHOICES},
                    field=prefix + "choices",
                )
            if len({c.casefold() for c in choices}) != len(choices):
                raise ServiceError(
                    _("Question %(n)d: each choice may appear only once.") % {"n": number},
                    field=prefix + "choices",
                )
        elif choices:
            raise ServiceError(
                _("Question %(n)d: only a single or multiple choice question has choices.")
                % {"n": number},
                field=prefix + "choices",
            )
        cleaned.append({"kind": kind, "text": text, "required": required, "choices": choices})
    return cleaned


def stored_questions(consultation) -> list[dict]:
    return [
        {"kind": q.kind, "text": q.text, "required": q.required, "choices": list(q.choices)}
        for q in consultation.questions.order_by("number")
    ]


def _event(consultation, changes: dict, *, public: bool) -> dict:
    measure = consultation.measure
    return {
        "subject": consultation,
        "label": consultation.code,
        "measure": measure,
        # nobody but the staff sees a staff-only consultation, its events included
        "public": public and consultation.audience == Consultation.PUBLIC,
        "changes": changes,
    }


def save_consultation(
    programme,
    *,
    actor: Actor,
    title: str,
    opens,
    closes,
    questions,
    audience: str = Consultation.PUBLIC,
    description: str = "",
    measure: Measure | None = None,
    document=None,
    consultation: Consultation | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Consultation:
    """Create a consultation (``consultation`` None) or change one: its questions only while
    nobody has answered. ``opens`` and ``closes`` are local time."""
    check(actor, lambda user: can_edit_plan(user, programme))
    if consultation is not None and consultation.programme_id != programme.pk:
        raise ServiceError(_("This consultation belongs to another programme."))
    title = _line(title, "title", TITLE_LENGTH)
    description = _markdown(description, "description", DESCRIPTION_LENGTH)
    if not isinstance(audience, str) or audience not in (Consultation.PUBLIC, Consultation.STAFF):
        raise ServiceError(_("Choose who is asked."), field="audience")
    if measure is not None and (
        not isinstance(measure, Measure) or measure.programme_id != programme.pk
    ):
        raise ServiceError(_("Choose a measure of this programme."), field="measure")
    opens = local_moment(opens, "opens")
    closes = local_moment(closes, "closes")
    if opens >= closes:
        raise ServiceError(_("The consultation must open before it closes."), field="closes")
    if document is not None:
        check_pdf(document, field="document", not_pdf=_("Attach the draft document as a PDF."))
    cleaned = _questions(questions)
    old_questions = stored_questions(consultation) if consultation is not None else []
    questions_changed = cleaned != old_questions
    if (
        consultation is not None
        and questions_changed
        and Response.objects.filter(consultation=consultation).exists()
    ):
        raise ServiceError(
            _(
                "Participants have answered already, so the questions can no longer be "
                "changed: the answers would no longer fit them. Title, description, dates and "
                "the document may still be changed."
            ),
            field="questions",
        )
    values = {
        "title": title,
        "description": description,
        "measure": measure,
        "opens": opens,
        "closes": closes,
        "audience": audience,
    }
    changes = {}
    if consultation is None:
        changes = {
            "title": [None, title],
            "opens": [None, opens.isoformat()],
            "closes": [None, closes.isoformat()],
            "audience": [None, audience],
            "questions": [None, len(cleaned)],
        }
    else:
        for key in ("title", "audience"):
            if getattr(consultation, key) != values[key]:
                changes[key] = [getattr(consultation, key), values[key]]
        for key in ("opens", "closes"):
            if getattr(consultation, key) != values[key]:
                changes[key] = [getattr(consultation, key).isoformat(), values[key].isoformat()]
        if consultation.description != description:
            changes["description"] = [consultation.description or None, description or None]
        if consultation.measure_id != (measure.pk if measure else None):
            changes["measure"] = [
                consultation.measure.code if consultation.measure else None,
                measure.code if measure else None,
            ]
        if questions_changed:
            changes["questions"] = [len(old_questions), len(cleaned)]
        if document is not None:
            changes["document"] = [bool(consultation.document), True]
        if not changes:
            raise ServiceError(_("Nothing to change: the values are the same as before."))
    reason = _line(reason, "reason", 1000, required=False)
    old = {key: getattr(consultation, key) for key in values} if consultation else {}
    holder = {"item": consultation}

    def apply():
        item = consultation
        if item is None:
            item = Consultation(programme=programme, code=next_code(programme))
        for key, value in values.items():
            setattr(item, key, value)
        item.save()
        if questions_changed:
            item.questions.all().delete()
            Question.objects.bulk_create(
                Question(consultation=item, number=n, **q) for n, q in enumerate(cleaned, 1)
            )
        if document is not None:
            item.document.save(f"{item.code}.pdf", document, save=True)
        holder["item"] = item

    def undo():
        for key, value in old.items():
            setattr(consultation, key, value)

    commit(
        programme,
        actor=actor,
        reason=reason,
        action="consultation.saved",
        apply=apply,
        undo=undo if consultation is not None else None,
        event=lambda: _event(holder["item"], changes, public=True),
        versioned=consultation,
        expected_version=expected_version,
        forecast=False,
    )
    return holder["item"]


# -- answering --------------------------------------------------------------------------------


def _answer_value(question: Question, value):
    """The answer to ``question`` as stored ({text|choices|rating}), or None where it is not
    answered; ServiceError (at the field ``q<number>``) for a value that cannot be."""
    field = f"q{question.number}"
    if question.kind == Question.TEXT:
        if not isinstance(value, str | None):
            raise ServiceError(_("Enter a text."), field=field)
        text = _markdown(value, field, ANSWER_LENGTH, "answer")
        return {"text": text} if text else None
    if question.kind == Question.RATING:
        if value in (None, ""):
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ServiceError(_("Choose a rating from 1 to 5."), field=field)
        try:
            rating = int(value)
        except ValueError:
            raise ServiceError(_("Choose a rating from 1 to 5."), field=field) from None
        if not 1 <= rating <= 5 or str(rating) != str(value).strip():
            raise ServiceError(_("Choose a rating from 1 to 5."), field=field)
        return {"rating": rating}
    if value in (None, "", []):
        return None
    if isinstance(value, int | str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ServiceError(_("Choose one of the choices."), field=field)
    indices = []
    for v in value:
        if isinstance(v, bool):
            raise ServiceError(_("Choose one of the choices."), field=field)
        if isinstance(v, str) and v.strip().isdigit() and len(v.strip()) < 4:
            v = int(v.strip())
        if not isinstance(v, int) or not 0 <= v < len(question.choices):
            raise ServiceError(_("Choose one of the choices."), field=field)
        indices.append(v)
    indices = sorted(set(indices))
    if question.kind == Question.SINGLE and len(indices) != 1:
        raise ServiceError(_("Choose exactly one of the choices."), field=field)
    return {"choices": indices}


def not_open_message(consultation, now=None) -> str | None:
    """Why the consultation takes no answers now, or None while it is open."""
    now = now or clock.now()
    if now < consultation.opens:
        return _("The consultation opens on {when}; it takes no answers before.").format(
            when=moment_words(consultation.opens)
        )
    if now >= consultation.closes:
        return _("The consultation closed on {when}; it takes no more answers.").format(
            when=moment_words(consultation.closes)
        )
    return None


def answer(consultation: Consultation, *, actor: Actor, user, answers: dict) -> Response:
    """A participant's answers (``answers``: question number → value: a text, the number of
    the chosen choice from 0, a list of them, a rating 1–5), between the open and the close.
    The second time, the same response is changed. A free-text answer waits for the
    moderation; an unchanged one keeps its release."""
    check(actor, lambda acting: acting == user)
    if not may_take_part(user):
        raise ServiceError(
            _("Only participants with a confirmed e-mail address may answer consultations.")
        )
    if not reads.may_see(consultation, user):
        raise ServiceError(_("This consultation is for the city's staff only."))
    refused = not_open_message(consultation)
    if refused:
        raise ServiceError(refused)
    if not isinstance(answers, dict):
        raise ServiceError(_("The answers are not readable."))
    questions = list(consultation.questions.order_by("number"))
    numbers = {q.number for q in questions}
    for key in answers:
        if key not in numbers:
            raise ServiceError(_("The consultation has no question %(n)s.") % {"n": key})
    given = {}
    for q in questions:
        value = _answer_value(q, answers.get(q.number))
        if value is None and q.required:
            raise ServiceError(_("Please answer this question."), field=f"q{q.number}")
        given[q.pk] = value
    if not any(given.values()):
        raise ServiceError(_("Answer at least one question."))
    now = clock.now()
    holder = {}

    def apply():
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    consultation=consultation, user=user, submitted=now, changed=now
                )
            holder["first"] = True
        except IntegrityError:
            # answered before (or a second request at the same time): change that response
            response = Response.objects.select_for_update().get(
                consultation=consultation, user=user
            )
            response.changed = now
            response.save(update_fields=["changed"])
            holder["first"] = False
        stored = {a.question_id: a for a in response.answers.all()}
        for q in questions:
            value, old = given[q.pk], stored.get(q.pk)
            if value is None:
                if old is not None:
                    old.delete()
                continue
            if old is None:
                Answer.objects.create(response=response, question=q, **value)
                continue
            if q.kind == Question.TEXT and old.text != value["text"]:
                old.released = old.hidden = False  # a changed text waits for the moderation
            for key, v in value.items():
                setattr(old, key, v)
            old.save()
        holder["response"] = response

    def event():
        count = Response.objects.filter(consultation=consultation).count()
        before = count - 1 if holder["first"] else count
        return _event(consultation, {"responses": [before, count]}, public=False)

    commit(
        consultation.programme,
        # recorded without the person: who answered what is nobody's business
        actor=Actor(name=str(_("a participant"))),
        reason="",
        action="consultation.answered",
        apply=apply,
        event=event,
        forecast=False,
    )
    return holder["response"]


# -- moderation and summary -------------------------------------------------------------------

RELEASE, HIDE = "release", "hide"


def moderate_answer(answer: Answer, *, actor: Actor, op: str, reason: str = "") -> Answer:
    """Release a free-text answer for the published results, or hide it (a hidden one may be
    released later)."""
    consultation = answer.question.consultation
    check(actor, lambda user: can_moderate(user, consultation.programme))
    if answer.question.kind != Question.TEXT:
        raise ServiceError(_("Only free-text answers are moderated."))
    if op == RELEASE:
        if answer.released and not answer.hidden:
            raise ServiceError(_("This answer is released already."))
        target = (True, False)
    elif op == HIDE:
        if answer.hidden:
            raise ServiceError(_("This answer is hidden already."))
        target = (False, True)
    else:
        raise ServiceError(_("Choose whether to release or hide the answer."), field="op")
    reason = _line(reason, "reason", 1000, required=False)
    old = (answer.released, answer.hidden)

    def apply():
        answer.released, answer.hidden = target
        answer.save(update_fields=["released", "hidden"])

    def undo():
        answer.released, answer.hidden = old

    changes = {}
    if old[0] != target[0]:
        changes["released"] = [old[0], target[0]]
    if old[1] != target[1]:
        changes["hidden"] = [old[1], target[1]]
    commit(
        consultation.programme,
        actor=actor,
        reason=reason,
        action="consultation.answers_moderated",
        apply=apply,
        undo=undo,
        event=lambda: _event(consultation, changes, public=False),
        forecast=False,
    )
    return answer


def publish_summary(
    consultation: Consultation,
    *,
    actor: Actor,
    summary: str,
    expected_version: int | None = None,
) -> Consultation:
    """The office's public summary of what the city does with the results, after the close;
    dated today. Saved again, it replaces the one before."""
    check(actor, lambda user: can_edit_plan(user, consultation.programme))
    if not consultation.is_closed(clock.now()):
        raise ServiceError(
            _("The summary is written after the close, on {when}.").format(
                when=moment_words(consultation.closes)
            )
        )
    summary = _markdown(summary, "summary", SUMMARY_LENGTH)
    if not summary:
        raise ServiceError(_("Please enter a text."), field="summary")
    if summary == consultation.summary:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    old = (consultation.summary, consultation.summary_on)
    today = clock.today()

    def apply():
        consultation.summary, consultation.summary_on = summary, today
        consultation.save(update_fields=["summary", "summary_on", "version"])

    def undo():
        consultation.summary, consultation.summary_on = old

    commit(
        consultation.programme,
        actor=actor,
        reason="",
        action="consultation.summary",
        apply=apply,
        undo=undo,
        event=lambda: _event(consultation, {"summary": [old[0] or None, summary]}, public=True),
        versioned=consultation,
        expected_version=expected_version,
        forecast=False,
    )
    return consultation


# -- who counts as staff -------------------------------------------------------------------------

DOMAIN_PATTERN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


def save_staff_audience(
    programme, *, actor: Actor, domains, group: str, expected_version=None
) -> None:
    """Say who counts as the city's staff for staff-only consultations, besides the office's
    users: participants whose verified e-mail address is in one of ``domains``, and — with
    single sign-on — members of ``group``. An administrator's setting for the whole
    organisation; the event is written in the programme it was changed from."""
    check(actor, lambda user: is_admin(user, programme))
    organisation = programme.organisation
    cleaned = []
    for raw in domains or ():
        domain = str(raw).strip().lower().lstrip("@")
        if not domain:
            continue
        if len(domain) > 253 or not DOMAIN_PATTERN.match(domain):
            raise ServiceError(
                _("“{domain}” is not a domain. Enter domains such as musterstadt.de.").format(
                    domain=domain[:60]
                ),
                field="domains",
            )
        if domain not in cleaned:
            cleaned.append(domain)
    group = _line(group, "group", 200, required=False)
    changes = {}
    if list(organisation.staff_email_domains or []) != cleaned:
        changes["staff_email_domains"] = [list(organisation.staff_email_domains or []), cleaned]
    if organisation.staff_group != group:
        changes["staff_group"] = [organisation.staff_group or None, group or None]
    if not changes:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    commit_settings(
        programme,
        actor=actor,
        reason="",
        action="consultation.staff_audience",
        values={"staff_email_domains": cleaned, "staff_group": group},
        changes=changes,
        expected_version=expected_version,
        target=organisation,
        public=False,
        label=organisation.name,
    )
