"""Questions and statements with their official answers: one function per operation, each
through ``common.commit`` with one history event. None of them can move the forecast
(``forecast=False``).

Dates follow the answer-period rules of ``plansicht.engine.periods``: the received date is
today's (or, for an item the office enters from a letter, e-mail or call, the date it came
in); an answer is dated the day it is saved, and a correction keeps the first answer's date;
an extension is granted today, to a later date taken as given, and never after the answer.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plansicht import clock
from plansicht.accounts.models import StaffRole, Unit
from plansicht.content import markdown
from plansicht.engine import periods
from plansicht.history.models import Event
from plansicht.participation import holidays
from plansicht.participation.models import (
    NAME_LENGTH,
    REASON_LENGTH,
    TEXT_LENGTH,
    Body,
    Comment,
    ContentReport,
    Extension,
    Follow,
    Participant,
    Submission,
    due_for,
    responsible_unit,
)
from plansicht.participation.people import display_name
from plansicht.plan.models import Measure, Milestone
from plansicht.proposals.models import Proposal
from plansicht.staffing.models import Position

from . import Actor, ServiceError
from .common import (
    check_date_range,
    check_pdf,
    commit,
    commit_extension,
    commit_settings,
    event_about,
    text_checker,
)
from .permissions import can_answer, can_edit_plan, can_enter_submissions, can_moderate, check

PREFIX = {Submission.QUESTION: "F", Submission.STATEMENT: "S"}  # Frage, Stellungnahme


def _short(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


LABELS = {
    "text": gettext_lazy("Text"),
    "answer": gettext_lazy("Answer"),
    "reason": gettext_lazy("Reason"),
    "author_name": gettext_lazy("Name"),
}


_text = text_checker(LABELS, TEXT_LENGTH)


def _event(submission: Submission, changes: dict, *, public=None) -> dict:
    """The event fields every participation event shares: about the item, in the history of
    its measure (a milestone's: its measure's), public once the item is released."""
    return event_about(
        submission, changes, public=(not submission.pending) if public is None else public
    )


def next_code(programme, kind) -> str:
    """The next free code of its kind in the programme: F1, F2, … and S1, S2, …"""
    prefix = PREFIX[kind]
    codes = Submission.objects.filter(programme=programme, kind=kind, code__startswith=prefix)
    numbers = [
        int(code[len(prefix) :])
        for code in codes.values_list("code", flat=True)
        if code[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1}"


def submit(
    programme,
    *,
    actor: Actor,
    kind: str,
    text: str,
    about=None,
    author=None,
    author_name: str = "",
    body: Body | None = None,
    received: date | None = None,
    attachment=None,
) -> Submission:
    """Receive a question or a statement about the programme (``about`` None) or a measure,
    milestone or post. With ``received`` it is one the office enters from a letter, e-mail or
    call (the staff member needs the right to); without, it is received today."""
    if kind not in PREFIX:
        raise ServiceError(_("Choose a question or a statement."), field="kind")
    if received is None:
        received = clock.today()
        if author is not None:
            check(actor, lambda user: user == author)
        else:
            check(actor, lambda user: can_enter_submissions(user, programme))
    else:
        check(actor, lambda user: can_enter_submissions(user, programme))
        if not isinstance(received, date):
            raise ServiceError(_("Enter the date it was received."), field="received")
        check_date_range(received, "received")
        if received > clock.today():
            raise ServiceError(
                _("The received date lies in the future. Enter the date it reached you."),
                field="received",
            )
    text = _text(text, "text")
    author_name = _text(author_name, "author_name", required=False, limit=200)
    if "@" in author_name:
        raise ServiceError(
            _("Enter a name, not an e-mail address: the name is shown publicly."),
            field="author_name",
        )
    target = _about(programme, kind, about)
    if kind == Submission.STATEMENT:
        if body is None or body.organisation_id != programme.organisation_id:
            raise ServiceError(_("Choose the body whose statement it is."), field="body")
    elif body is not None:
        raise ServiceError(_("Only statements are submitted for a body."), field="body")
    if attachment is not None:
        _check_attachment(kind, attachment)
    unit = responsible_unit(programme, **target)
    try:
        due = due_for(programme, kind, received)
    except (OverflowError, ValueError) as error:
        raise ServiceError(str(error), field="received") from None
    # Pre-moderation holds what participants submit online; the office's entries are shown.
    pending = programme.premoderation and kind == Submission.QUESTION and author is not None
    holder = {}

    def apply():
        # Two items at the same moment could draw the same number: the unique constraint
        # refuses the second, whose transaction is then rolled back whole.
        holder["item"] = item = Submission.objects.create(
            programme=programme,
            kind=kind,
            code=next_code(programme, kind),
            author=author,
            author_name=author_name,
            body=body,
            received=received,
            due=due,
            text=text,
            unit=unit,
            pending=pending,
            **target,
        )
        if attachment is not None:
            item.attachment.save(f"{item.code}.pdf", attachment, save=True)
        if author is not None:  # an asker follows their own question
            Follow.objects.get_or_create(user=author, programme=programme, submission=item)

    commit(
        programme,
        actor=actor,
        reason="",
        action=f"{kind}.received",
        apply=apply,
        event=lambda: _event(
            holder["item"],
            {
                "received": [None, received.isoformat()],
                "due": [None, due.isoformat()],
                "unit": [None, unit.name if unit else None],
            },
        ),
        forecast=False,
    )
    return holder["item"]


def _check_attachment(kind, upload) -> None:
    """One PDF with a statement (``common.check_pdf``: a PDF by its content, at most 10 MB)."""
    if kind != Submission.STATEMENT:
        raise ServiceError(_("Only a statement may carry a PDF."), field="attachment")
    check_pdf(
        upload,
        field="attachment",
        not_pdf=_("The file is not a PDF. Attach the statement as a PDF file."),
    )


def _about(programme, kind, about) -> dict:
    """{"measure"|"milestone"|"position": item} for an item of the programme, {} for None."""
    if about is None:
        return {}
    if isinstance(about, Measure | Milestone | Position) and about.programme_id == programme.pk:
        if isinstance(about, Position):
            if kind == Submission.STATEMENT:
                raise ServiceError(
                    _("A statement is about the programme, a measure or a milestone."),
                    field="about",
                )
            return {"position": about}
        if getattr(about, "draft", False):
            raise ServiceError(_("This item is not published."), field="about")
        return {type(about).__name__.lower(): about}
    raise ServiceError(_("Choose what it is about."), field="about")


def answer(submission: Submission, *, actor: Actor, text: str, expected_version=None):
    """Give the official answer, dated today, by the actor's unit; or correct it (the first
    answer's date stays)."""
    check(actor, lambda user: can_answer(user, submission))
    text = _text(text, "answer")
    if submission.withdrawn_on is not None:
        raise ServiceError(_("The asker withdrew this item; it is not answered any more."))
    today = clock.today()
    correcting = submission.answered_on is not None
    unit = actor.unit or submission.unit
    old = {"answer": submission.answer, "answered_on": submission.answered_on}
    old_unit = submission.answer_unit

    def apply():
        submission.answer = text
        if not correcting:
            submission.answered_on = max(today, submission.received)
            submission.answer_unit = unit
        submission.save(update_fields=["answer", "answered_on", "answer_unit", "version"])

    def undo():
        submission.answer, submission.answered_on = old["answer"], old["answered_on"]
        submission.answer_unit = old_unit

    # The answer's text is public on the item's page. The event of the first answer carries
    # its date; a correction keeps the old and the new text for the office (an internal
    # event), so that a text the moderation hides later never reaches a public history.
    if correcting:
        changes = {"answer": [old["answer"], text]}
    else:
        changes = {"answered_on": [None, max(today, submission.received).isoformat()]}
    commit(
        submission.programme,
        actor=actor,
        reason="",
        action="submission.answer_corrected" if correcting else "submission.answered",
        apply=apply,
        undo=undo,
        event=lambda: _event(submission, changes, public=False if correcting else None),
        versioned=submission,
        expected_version=expected_version,
        forecast=False,
    )


def extend(
    submission: Submission, *, actor: Actor, to: date, reason: str, expected_version=None
) -> Extension:
    """Extend the due date, granted today, to a later date (taken as given) with a public
    reason. Not after the answer."""
    check(actor, lambda user: can_answer(user, submission))
    if not isinstance(to, date):
        raise ServiceError(_("Enter the new due date."), field="to")
    check_date_range(to, "to")
    reason = _text(reason, "reason", limit=REASON_LENGTH)
    if submission.answered_on is not None:
        raise ServiceError(_("This item is answered; its due date can no longer be extended."))
    if submission.withdrawn_on is not None:
        raise ServiceError(_("The asker withdrew this item."))
    today = clock.today()
    return commit_extension(
        submission,
        submission.extensions,
        actor=actor,
        action="submission.extended",
        to=to,
        reason=reason,
        in_force=submission.due_in_force(today),
        today=today,
        event=_event,
        expected_version=expected_version,
    )


def forward(
    submission: Submission, *, actor: Actor, unit: Unit, reason: str, expected_version=None
):
    """Pass the item to another unit of the organisation to answer."""
    check(actor, lambda user: can_answer(user, submission))
    if not isinstance(unit, Unit) or unit.organisation_id != submission.programme.organisation_id:
        raise ServiceError(_("Choose a unit of the organisation."), field="unit")
    if unit.pk == submission.unit_id:
        raise ServiceError(_("The item is with this unit already."), field="unit")
    reason = _text(reason, "reason", required=False, limit=REASON_LENGTH)
    old = submission.unit

    def apply():
        submission.unit = unit
        submission.save(update_fields=["unit", "version"])

    def undo():
        submission.unit = old

    commit(
        submission.programme,
        actor=actor,
        reason=reason,
        action="submission.forwarded",
        apply=apply,
        undo=undo,
        event=lambda: _event(submission, {"unit": [old.name if old else None, unit.name]}),
        versioned=submission,
        expected_version=expected_version,
        forecast=False,
    )


def _moderated_event(item, changes: dict) -> dict:
    """The event of a moderation decision: public (the reason is), about the item."""
    if isinstance(item, Comment):
        return {
            "subject": item,
            "label": str(_("comment {number}").format(number=item.pk)),
            "measure": _comment_measure(item),
            "public": True,
            "changes": changes,
        }
    return _event(item, changes, public=True)


def hide(item: Submission | Comment, *, actor: Actor, reason: str, expected_version=None):
    """Hide a question, statement or comment with a public reason: the page shows the reason
    instead of the text, and a hidden question leaves the figures. Nothing is deleted; the
    reports about it are decided."""
    programme = _programme_of(item)
    check(actor, lambda user: can_moderate(user, programme))
    reason = _text(reason, "reason", limit=REASON_LENGTH)
    old = (item.hidden, item.hidden_reason)

    def apply():
        # Checked after the version: a moderator whose page is out of date is told who
        # decided meanwhile, rather than only that the item is hidden.
        if item.hidden:
            raise ServiceError(_("This item is hidden already."))
        item.hidden, item.hidden_reason = True, reason
        item.save(update_fields=["hidden", "hidden_reason", "version"])
        _decide_reports(item)

    def undo():
        item.hidden, item.hidden_reason = old

    commit(
        programme,
        actor=actor,
        reason=reason,
        action="comment.hidden" if isinstance(item, Comment) else "submission.hidden",
        apply=apply,
        undo=undo,
        event=lambda: _moderated_event(item, {"hidden": [False, True]}),
        versioned=item,
        expected_version=expected_version,
        forecast=False,
    )


def release(item: Submission | Comment, *, actor: Actor, reason: str = "", expected_version=None):
    """Release an item awaiting moderation, or show a hidden one again (or keep it shown after
    a report: the reports are decided)."""
    programme = _programme_of(item)
    check(actor, lambda user: can_moderate(user, programme))
    reason = _text(reason, "reason", required=False, limit=REASON_LENGTH)
    old = (item.pending, item.hidden, item.hidden_reason)
    changes = {}
    if item.pending:
        changes["pending"] = [True, False]
    if item.hidden:
        changes["hidden"] = [True, False]

    def apply():
        # Checked after the version, as in ``hide``.
        if not item.pending and not item.hidden and not item.reports.filter(closed=None).exists():
            raise ServiceError(_("This item is shown already."))
        item.pending = item.hidden = False
        item.hidden_reason = ""
        item.save(update_fields=["pending", "hidden", "hidden_reason", "version"])
        _decide_reports(item)

    def undo():
        item.pending, item.hidden, item.hidden_reason = old

    commit(
        programme,
        actor=actor,
        reason=reason,
        action="comment.released" if isinstance(item, Comment) else "submission.released",
        apply=apply,
        undo=undo,
        event=lambda: _moderated_event(item, changes),
        versioned=item,
        expected_version=expected_version,
        forecast=False,
    )


def _programme_of(item):
    return comment_target(item).programme if isinstance(item, Comment) else item.programme


def _decide_reports(item):
    item.reports.filter(closed=None).update(closed=clock.now())


def report(item: Submission | Comment, *, actor: Actor, reason: str) -> ContentReport:
    """Anyone may report a question, statement or comment to the moderation with a reason.
    The report is internal, and the reporter is named nowhere (the office's history shows
    "anonymous")."""
    if actor.user is None and not actor.is_system:
        # Visitors without an account may report too: the face names them as the public.
        actor = Actor.system("report", name=str(_("a visitor")))
    elif actor.user is not None:
        # Who reported is shown nowhere, in the office neither: the event keeps the account
        # (for abuse), its history line names no one.
        actor = Actor(user=actor.user, name=str(_("anonymous")))
    reason = _text(reason, "reason", limit=REASON_LENGTH)
    programme = _programme_of(item)
    holder = {}

    def apply():
        holder["report"] = ContentReport.objects.create(
            submission=item if isinstance(item, Submission) else None,
            comment=item if isinstance(item, Comment) else None,
            reason=reason,
            reported=clock.now(),
        )

    event = _moderated_event(item, {})
    event["public"] = False
    commit(
        programme,
        actor=actor,
        reason=reason,
        action="content.reported",
        apply=apply,
        event=event,
        forecast=False,
    )
    return holder["report"]


def _commented(target):
    """(the measure, the proposal) a comment is written on: one of them is None."""
    if isinstance(target, Measure):
        if target.draft or not Measure.objects.filter(pk=target.pk).public().exists():
            raise ServiceError(_("This item is not published."))
        return target, None
    if isinstance(target, Proposal):
        if target.hidden or not Proposal.objects.filter(pk=target.pk).public().exists():
            raise ServiceError(_("This item is not published."))
        return None, target
    raise ServiceError(_("This cannot be commented on."))


def comment_target(comment: Comment):
    """What a comment is written on: its measure or its proposal."""
    return comment.measure if comment.measure_id is not None else comment.proposal


def _comment_measure(comment: Comment):
    """The measure a comment's history event names: its measure, or its proposal's."""
    if comment.measure_id is not None:
        return comment.measure
    proposal = comment.proposal
    if proposal.milestone_id is not None:
        return proposal.milestone.measure
    return proposal.measure


def write_comment(
    target, *, actor: Actor, author, text: str, parent: Comment | None = None
) -> Comment:
    """A participant comments on a public measure or proposal, or replies to a comment on it
    (one level deep: a reply to a reply answers the first comment). Waits for release if the
    programme pre-moderates."""
    check(actor, lambda user: user == author)
    measure, proposal = _commented(target)
    if parent is not None:
        if (parent.measure_id, parent.proposal_id) != (
            getattr(measure, "pk", None),
            getattr(proposal, "pk", None),
        ):
            raise ServiceError(
                _("Reply to a comment on this proposal.")
                if proposal is not None
                else _("Reply to a comment on this measure."),
                field="parent",
            )
        parent = parent.parent or parent
    text = _text(text, "text")
    programme = target.programme
    holder = {}

    def apply():
        holder["comment"] = Comment.objects.create(
            measure=measure,
            proposal=proposal,
            parent=parent,
            author=author,
            author_name=display_name(author),
            text=text,
            created=clock.now(),
            pending=programme.premoderation,
        )

    commit(
        programme,
        actor=actor,
        reason="",
        action="comment.written",
        apply=apply,
        event=lambda: {
            "subject": holder["comment"],
            "label": str(_("comment {number}").format(number=holder["comment"].pk)),
            "measure": _comment_measure(holder["comment"]),
            "public": not programme.premoderation,
            "changes": {},
        },
        forecast=False,
    )
    return holder["comment"]


def withdraw(submission: Submission, *, actor: Actor, expected_version=None):
    """The asker withdraws an unanswered question (today)."""
    check(actor, lambda user: submission.author_id is not None and user.pk == submission.author_id)
    if submission.answered_on is not None:
        raise ServiceError(_("This question is answered; it can no longer be withdrawn."))
    if submission.withdrawn_on is not None:
        raise ServiceError(_("This question is withdrawn already."))
    today = clock.today()

    def apply():
        submission.withdrawn_on = today
        submission.save(update_fields=["withdrawn_on", "version"])

    def undo():
        submission.withdrawn_on = None

    commit(
        submission.programme,
        actor=actor,
        reason="",
        action="submission.withdrawn",
        apply=apply,
        undo=undo,
        event=lambda: _event(submission, {"withdrawn_on": [None, today.isoformat()]}),
        versioned=submission,
        expected_version=expected_version,
        forecast=False,
    )


# -- following ------------------------------------------------------------------------------


def follow(user, target, *, actor: Actor) -> Follow:
    """Follow a programme, a measure, a post, a question or statement or a proposal: mails tell what
    happens to it. A participant follows for themself only; following twice changes nothing.
    Following is the participant's own setting, not a change of the programme: no event."""
    check(actor, lambda acting: acting == user)
    fields = _follow_fields(target)
    if fields is None:
        raise ServiceError(_("This cannot be followed."))
    found, _created = Follow.objects.get_or_create(user=user, **fields)
    return found


def _follow_fields(target) -> dict | None:
    from plansicht.plan.models import Programme

    none = {"measure": None, "position": None, "submission": None, "proposal": None}
    if isinstance(target, Programme):
        return {"programme": target, **none}
    if isinstance(target, Measure) and not target.draft:
        return {"programme": target.programme, **none, "measure": target}
    if isinstance(target, Position):
        return {"programme": target.programme, **none, "position": target}
    if isinstance(target, Submission) and not target.pending:
        return {"programme": target.programme, **none, "submission": target}
    if isinstance(target, Proposal):
        return {"programme": target.programme, **none, "proposal": target}
    return None


# -- the programme's settings ------------------------------------------------------------------


def _period(value, field: str) -> dict:
    """An answer period as stored: {"kind", "count"}, checked."""
    if isinstance(value, periods.Period):
        value = {"kind": value.kind, "count": value.count}
    kind = value.get("kind") if isinstance(value, dict) else None
    count = value.get("count") if isinstance(value, dict) else None
    if kind not in periods.KINDS:
        raise ServiceError(
            _("Choose how the period is counted: working days, calendar days or months."),
            field=f"{field}.kind",
        )
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 366:
        raise ServiceError(_("Enter a whole number from 1 to 366."), field=f"{field}.count")
    return {"kind": kind, "count": count}


def _holiday_region(region, categories) -> tuple[str, list[str]]:
    """The region as an ISO 3166-2 code the holidays calendar knows, and its categories."""
    region = (region or "").strip().upper() if isinstance(region, str) else ""
    if not region:
        raise ServiceError(
            _("Enter the region whose public holidays count, e.g. DE-RP."),
            field="holiday_region",
        )
    if holidays.problem(region, ()):
        raise ServiceError(
            _(
                "“{region}” is not a region the holidays calendar knows. Enter an ISO 3166-2 "
                "code such as DE-RP (Rhineland-Palatinate) or DE-BY (Bavaria), or DE for the "
                "nationwide holidays only."
            ).format(region=region),
            field="holiday_region",
        )
    cleaned = []
    for category in categories or ():
        category = str(category).strip().lower()
        if category and category not in cleaned:
            cleaned.append(category)
    if holidays.problem(region, cleaned):
        known = holidays.categories_of(region)
        unknown = next(c for c in cleaned if c not in known)
        message = _("The calendar knows no holiday category “{category}” here; it knows: {known}.")
        raise ServiceError(
            message.format(category=unknown, known=", ".join(known)), field="holiday_categories"
        )
    return region, cleaned


def save_participation_settings(
    programme,
    *,
    actor: Actor,
    answer_period,
    statement_period,
    holiday_region: str,
    holiday_categories,
    office_unit: Unit | None,
    premoderation: bool,
    reason: str = "",
    expected_version=None,
) -> None:
    """Change the answer periods, the region whose public holidays they skip, the programme
    office and the pre-moderation. The due dates of items received before stay as stored: a
    changed period counts for items received from now on."""
    check(actor, lambda user: can_edit_plan(user, programme))
    values = {
        "answer_period": _period(answer_period, "answer_period"),
        "statement_period": _period(statement_period, "statement_period"),
    }
    values["holiday_region"], values["holiday_categories"] = _holiday_region(
        holiday_region, holiday_categories
    )
    if office_unit is not None and (
        not isinstance(office_unit, Unit)
        or office_unit.organisation_id != programme.organisation_id
    ):
        raise ServiceError(_("Choose a unit of the organisation."), field="office_unit")
    values["office_unit"] = office_unit
    values["premoderation"] = bool(premoderation)
    old = {key: getattr(programme, key) for key in values}
    changes = {}
    for key, value in values.items():
        before = old[key]
        if key == "office_unit":
            if getattr(before, "pk", None) != getattr(value, "pk", None):
                changes[key] = [getattr(before, "name", None), getattr(value, "name", None)]
        elif before != value:
            changes[key] = [before, value]
    if not changes:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    commit_settings(
        programme,
        actor=actor,
        reason=_text(reason, "reason", required=False, limit=REASON_LENGTH),
        action="programme.participation_settings",
        values=values,
        changes=changes,
        expected_version=expected_version,
    )


# -- loading a programme document ------------------------------------------------------------


def detach_participation(programme, document: dict):
    """Before the plan of a document replaces the programme's: remove the items the document
    lacks and loosen the rest from the measures, milestones and posts they are about (set
    again by ``replace_participation_state``), so that the plan can drop what it must."""
    section = document.get("participation", {})
    keep = {(Submission.QUESTION, q["code"]) for q in section.get("questions", [])} | {
        (Submission.STATEMENT, s["code"]) for s in section.get("statements", [])
    }
    items = Submission.objects.filter(programme=programme)
    for pk, kind, code in items.values_list("pk", "kind", "code"):
        if (kind, code) not in keep:
            Submission.objects.filter(pk=pk).delete()
    items.update(measure=None, milestone=None, position=None)


def replace_participation_state(programme, organisation, document: dict):
    """Make the programme's settings, bodies, questions and statements equal the document's,
    items matched by kind and code (they keep their identity and history). Part of
    ``services.programme.load_programme``, which writes the one event."""
    data = document["programme"]
    section = document.get("participation", {})
    units = {}

    def unit(name):
        if not name:
            return None
        if name not in units:
            units[name] = Unit.objects.get_or_create(organisation=organisation, name=name)[0]
        return units[name]

    for key in ("answer_period", "statement_period", "holiday_region", "holiday_categories"):
        setattr(programme, key, data[key])
    programme.premoderation = data["premoderation"]
    programme.office_unit = unit(data["office_unit"])
    programme.save(
        update_fields=[
            "answer_period",
            "statement_period",
            "holiday_region",
            "holiday_categories",
            "premoderation",
            "office_unit",
        ]
    )
    bodies = {}
    for b in section.get("bodies", []):
        body, _created = Body.objects.update_or_create(
            organisation=organisation,
            code=b["code"],
            defaults={"name": b["name"], "kind": b["kind"]},
        )
        bodies[b["code"]] = body
    lookup = {
        "measure": {m.code: m for m in Measure.objects.filter(programme=programme)},
        "milestone": {
            m.code: m
            for m in Milestone.objects.filter(programme=programme).select_related("measure")
        },
        "position": {p.code: p for p in Position.objects.filter(programme=programme)},
    }
    existing = {(s.kind, s.code): s for s in Submission.objects.filter(programme=programme)}
    for key, kind in (("questions", Submission.QUESTION), ("statements", Submission.STATEMENT)):
        for item in section.get(key, []):
            s = existing.get((kind, item["code"]))
            if s is None:
                s = Submission(programme=programme, kind=kind, code=item["code"])
            else:  # a form opened before the load must not overwrite it
                s.version += 1
            what, code = item["about"]
            target = {} if what == "programme" else {what: lookup[what][code]}
            s.measure = target.get("measure")
            s.milestone = target.get("milestone")
            s.position = target.get("position")
            s.author_name = item["by"]
            s.body = bodies.get(item["body"]) if item["body"] else None
            if s.body is None and item["body"]:
                s.body = Body.objects.get(organisation=organisation, code=item["body"])
            s.received, s.due, s.text = item["received"], item["due"], item["text"]
            s.unit = unit(item["unit"]) if item["unit"] else responsible_unit(programme, **target)
            answer = item["answer"]
            s.answered_on = answer["on"] if answer else None
            s.answer = answer["text"] if answer else ""
            s.answer_unit = unit(answer["unit"]) if answer else None
            s.hidden = item["hidden"] is not None
            s.hidden_reason = item["hidden"]["reason"] if item["hidden"] else ""
            s.withdrawn_on = item["withdrawn"]["on"] if item["withdrawn"] else None
            s.pending = item["pending"]
            s.save()
            s.extensions.all().delete()
            Extension.objects.bulk_create(
                Extension(submission=s, on=e["on"], to=e["to"], reason=e["reason"])
                for e in item["extensions"]
            )


# -- participants' accounts ------------------------------------------------------------------
#
# A participant's own account data (the display name, how they get mail, what they follow) is
# personal data, not part of a programme's record: these functions write no history event, so
# that nothing about a person outlives their account there (data minimisation, Art. 5 (1) c
# GDPR). The history keeps what happens to the programme's questions and statements.


NAME_REQUIRED = gettext_lazy("Enter the name to be shown with your questions and comments.")


def check_display_name(value) -> str:
    """The display name as it is stored: required, at most 200 characters, no control or
    direction characters, and no e-mail address (it is shown publicly). ServiceError on the
    field ``display_name`` if not."""
    try:
        value = markdown.check(
            value or "", max_length=NAME_LENGTH, field_label=gettext_lazy("Display name")
        )
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages), field="display_name") from None
    value = " ".join(value.split())  # one line, single spaces
    if not value:
        raise ServiceError(str(NAME_REQUIRED), field="display_name")
    if "@" in value:
        raise ServiceError(
            _(
                "The name is shown publicly with your questions and comments: enter a name, "
                "not your e-mail address."
            ),
            field="display_name",
        )
    return value


def _is_themself(user):
    return lambda acting: acting.pk == user.pk


def register_participant(user, *, actor: Actor, display_name: str) -> Participant:
    """Give a newly signed-up account its participant profile (called by the sign-up, as the
    new user). Their e-mail address is the account library's and is confirmed there."""
    check(actor, _is_themself(user))
    display_name = check_display_name(display_name)
    if Participant.objects.filter(user=user).exists():
        raise ServiceError(_("This account takes part already."))
    return Participant.objects.create(user=user, display_name=display_name)


def _participant(user) -> Participant:
    participant = Participant.objects.filter(user=user).first()
    if participant is None:
        raise ServiceError(_("This account is not a participant's account."))
    return participant


def change_participant(user, *, actor: Actor, display_name: str, mail_mode: str) -> Participant:
    """Change the name shown and how notices come by mail. The new name is shown with every
    question and statement the participant submitted, the earlier ones too."""
    check(actor, _is_themself(user))
    participant = _participant(user)
    display_name = check_display_name(display_name)
    if mail_mode not in dict(Participant.MAIL_MODES):
        raise ServiceError(_("Choose how you want to get notices."), field="mail_mode")
    with transaction.atomic():
        participant.display_name = display_name
        participant.mail_mode = mail_mode
        participant.save(update_fields=["display_name", "mail_mode"])
        Submission.objects.filter(author=user).update(author_name=display_name)
        Comment.objects.filter(author=user).update(author_name=display_name)
        Proposal.objects.filter(author=user).update(author_name=display_name)
    return participant


def unfollow(follow: Follow, *, actor: Actor) -> None:
    """Stop following: no more mail about it."""
    check(actor, lambda acting: acting.pk == follow.user_id)
    Follow.objects.filter(pk=follow.pk).delete()


def delete_participant(user, *, actor: Actor) -> None:
    """Delete a participant's account, by the participant or a system process (a command
    carrying out a deletion request): their follows, their profile, their e-mail addresses and
    the user go; what they submitted stays, without their name (``Submission.shown_author``
    then says "former participant"), and the speakers of bodies lose them.

    No history event is written: one that named the person would keep what the deletion
    removes (Art. 17 GDPR), and one that did not would say nothing about a programme. For the
    same reason the events they caused as an actor lose the actor's name (the one exception
    to the rule that events never change; the event itself, its date and what it says about
    the item stay). Staff accounts are not deleted here."""
    check(actor, _is_themself(user))
    _participant(user)
    if user.is_staff or user.is_superuser or StaffRole.objects.filter(user=user).exists():
        raise ServiceError(
            _("This account has a role in the office; an administrator removes it there.")
        )
    with transaction.atomic():
        Submission.objects.filter(author=user).update(author=None, author_name="")
        Comment.objects.filter(author=user).update(author=None, author_name="")
        # A body's proposal keeps the body's name; the supports and consultation answers stay,
        # without the person (their foreign keys are set to null with the user).
        Proposal.objects.filter(author=user).update(author=None, author_name="")
        Event.objects.filter(user=user).update(user=None, actor="")
        Follow.objects.filter(user=user).delete()
        user.bodies_spoken_for.clear()
        Participant.objects.filter(user=user).delete()
        user.delete()
