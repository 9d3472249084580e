"""Office pages for the questions and statements (the programme office, the units that answer
and the moderators): the inbox by due date, one item with the forms to answer, extend and pass
it on, the entry of an item received by letter, e-mail or phone, the moderation queue and the
participation settings; and the dashboard's lists of what is due.

Every office role may read the inbox, the items and the settings. Who may answer, extend or
pass on an item is ``can_answer`` (the programme's editors and administrators, an editor of
the unit responsible); who may enter an item ``can_enter_submissions``; who may moderate
``can_moderate``; the settings are the editors' and administrators' (``can_edit_plan``).
Every change goes through ``plansicht.services.participation``. Participants are shown by
the name they gave, nothing more.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plansicht import clock
from plansicht.accounts.models import StaffRole
from plansicht.engine import periods
from plansicht.history.models import Event
from plansicht.participation import figures
from plansicht.participation.models import Comment, ContentReport, Submission, period_words
from plansicht.plan.models import Measure, Milestone
from plansicht.services import ServiceError
from plansicht.services import participation as service
from plansicht.services.permissions import (
    can_answer,
    can_edit_plan,
    can_enter_submissions,
    can_moderate,
    role_for,
)
from plansicht.staffing.models import Position

from .common import actor, get_programme_for_user, page_context, show_error
from .forms import (
    AnswerForm,
    ExtendForm,
    ForwardForm,
    InboxFilterForm,
    ModerationForm,
    ParticipationSettingsForm,
    SubmissionEntryForm,
)

DUE_SOON_DAYS = 7  # the dashboard's "due this week"
UNANSWERED = (periods.OPEN, periods.OVERDUE)


def _short(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def _context(request, programme, **extra) -> dict:
    user = request.user
    return page_context(
        request,
        programme,
        nav="participation",
        can_enter=can_enter_submissions(user, programme),
        can_moderate=can_moderate(user, programme),
        **extra,
    )


def _items(programme):
    return Submission.objects.filter(programme=programme).select_related(
        "measure", "milestone", "position", "unit", "body"
    )


def _urgency(row) -> tuple:
    """Overdue first, then open, then the rest; each by the due date in force."""
    waiting = not row.item.hidden and row.status in UNANSWERED
    rank = {periods.OVERDUE: 0, periods.OPEN: 1}.get(row.status, 2) if waiting else 2
    return (rank, row.due, row.item.kind, row.item.code)


def _own_unit(role):
    """The unit a unit editor answers for; None for everyone else (all units)."""
    if role is not None and role.role == StaffRole.UNIT_EDITOR:
        return role.unit
    return None


# -- the inbox --------------------------------------------------------------------------------


def _filter_form(request, programme, role) -> InboxFilterForm:
    """The filters from the query string. Until the form is sent: the unanswered items, for
    a unit editor those of their unit."""
    if "filtered" in request.GET:
        data = request.GET
    else:
        data = QueryDict(mutable=True)
        data["status"] = InboxFilterForm.UNANSWERED
        unit = _own_unit(role)
        if unit is not None:
            data["unit"] = str(unit.pk)
    form = InboxFilterForm(data, programme=programme)
    form.is_valid()  # an invalid value is shown at its field and not applied
    return form


def _keep(row, show) -> bool:
    item = row.item
    if show == "all":
        return True
    if item.hidden or row.status == periods.WITHDRAWN:
        return False
    if show == "answered":
        return row.status in periods.ANSWERED
    if show in (periods.OPEN, periods.OVERDUE):
        return row.status == show
    return row.status in UNANSWERED


@login_required
def inbox(request, slug):
    programme = get_programme_for_user(request, slug)
    role = role_for(request.user, programme)
    as_of = clock.today()
    form = _filter_form(request, programme, role)
    chosen = getattr(form, "cleaned_data", {})
    show = chosen.get("status") or InboxFilterForm.UNANSWERED
    items = _items(programme)
    if chosen.get("kind"):
        items = items.filter(kind=chosen["kind"])
    if chosen.get("unit") is not None:
        items = items.filter(unit=chosen["unit"])
    rows = sorted((r for r in figures.rows(items, as_of) if _keep(r, show)), key=_urgency)
    return render(
        request,
        "office/participation_inbox.html",
        _context(
            request,
            programme,
            rows=rows,
            as_of=as_of,
            filter_form=form,
            show_label=dict(InboxFilterForm.SHOW)[show],
            own_unit=_own_unit(role),
            can_edit_settings=can_edit_plan(request.user, programme),
        ),
        status=400 if form.errors else 200,
    )


def due_lists(programme, role, as_of, limit) -> dict:
    """The dashboard's lists for those who answer: overdue items and unanswered ones due
    within the next ``DUE_SOON_DAYS`` days, of the user's unit (a unit editor) or of all,
    each at most ``limit`` rows, with their counts. Hidden and withdrawn items need no
    answer."""
    items = _items(programme).filter(hidden=False, withdrawn_on__isnull=True)
    unit = _own_unit(role)
    if unit is not None:
        items = items.filter(unit=unit)
    rows = sorted(figures.rows(items, as_of), key=_urgency)
    soon = as_of + timedelta(days=DUE_SOON_DAYS)
    overdue = [r for r in rows if r.status == periods.OVERDUE]
    due_soon = [r for r in rows if r.status == periods.OPEN and r.due <= soon]
    query = QueryDict(mutable=True)
    query["filtered"] = "1"
    query["status"] = periods.OVERDUE
    if unit is not None:
        query["unit"] = str(unit.pk)
    return {
        "overdue": overdue[:limit],
        "overdue_count": len(overdue),
        "overdue_query": query.urlencode(),
        "due_soon": due_soon[:limit],
        "due_soon_count": len(due_soon),
        "unit": unit,
        "soon": soon,
    }


# -- one item ---------------------------------------------------------------------------------


def _get_item(programme, kind, code) -> Submission:
    if kind not in (Submission.QUESTION, Submission.STATEMENT):
        raise Http404
    return get_object_or_404(_items(programme), kind=kind, code=code)


def _item_forms(programme, submission) -> dict:
    version = {"version": submission.version}
    return {
        "answer": AnswerForm(prefix="answer", initial={"answer": submission.answer, **version}),
        "extend": ExtendForm(prefix="extend", initial=version),
        "forward": ForwardForm(prefix="forward", programme=programme, initial=version),
    }


@login_required
def item(request, slug, kind, code):
    """One question or statement: what it says, its dates and status, its history, and the
    forms for those who may answer it (the others read; a change they post is refused); for
    moderators, the reports not yet decided."""
    programme = get_programme_for_user(request, slug)
    submission = _get_item(programme, kind, code)
    may_answer = can_answer(request.user, submission)
    forms = _item_forms(programme, submission)
    status = 200
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        op = request.POST.get("op")
        if op not in forms:
            messages.error(request, _("Choose what to save: the answer, an extension or a unit."))
            status = 400
        else:
            done = _act(request, programme, submission, op, forms)
            if done:
                messages.success(request, done)
                return redirect("office:participation_item", programme.slug, kind, code)
            status = 400
    as_of = clock.today()
    rows = figures.rows(Submission.objects.filter(pk=submission.pk), as_of)
    extensions = list(submission.extensions.order_by("on", "pk"))
    # Reports are the moderators' business: the others do not see them.
    reports = (
        list(submission.reports.filter(closed=None).order_by("reported", "pk"))
        if can_moderate(request.user, programme)
        else []
    )
    return render(
        request,
        "office/participation_item.html",
        _context(
            request,
            programme,
            item=submission,
            row=rows[0] if rows else None,
            as_of=as_of,
            extensions=extensions,
            reports=reports,
            may_answer=may_answer,
            is_open=submission.answered_on is None and submission.withdrawn_on is None,
            forms=forms,
            history=_history(submission),
        ),
        status=status,
    )


def _history(submission) -> list:
    """The item's events, each with ``who`` made it: a participant by the name they gave
    (never their account's name), staff as the history names them."""
    events = list(Event.objects.about(submission).select_related("unit")[:50])
    for event in events:
        by_author = submission.author_id is not None and event.user_id == submission.author_id
        event.who = (submission.author_name or _("the participant")) if by_author else event.actor
    return events


def _act(request, programme, submission, op, forms):
    """Validate the posted form and call its service; the success message, or False."""
    if op == "answer":
        form = AnswerForm(request.POST, prefix="answer")
    elif op == "extend":
        form = ExtendForm(request.POST, prefix="extend")
    else:
        form = ForwardForm(request.POST, prefix="forward", programme=programme)
    forms[op] = form
    if not form.is_valid():
        return False
    data = form.cleaned_data
    by = actor(request, programme)
    correcting = submission.answered_on is not None
    try:
        if op == "answer":
            service.answer(
                submission, actor=by, text=data["answer"], expected_version=data["version"]
            )
            if correcting:
                return _(
                    "The answer was corrected. It stays dated %(date)s, the day of the first "
                    "answer."
                ) % {"date": _short(submission.answered_on)}
            return _("The answer was saved, dated %(date)s.") % {
                "date": _short(submission.answered_on)
            }
        if op == "extend":
            service.extend(
                submission,
                actor=by,
                to=data["to"],
                reason=data["reason"],
                expected_version=data["version"],
            )
            return _("The due date was extended to %(date)s.") % {"date": _short(data["to"])}
        service.forward(
            submission,
            actor=by,
            unit=data["unit"],
            reason=data["reason"],
            expected_version=data["version"],
        )
        return _("%(code)s was passed on to %(unit)s.") % {
            "code": submission.code,
            "unit": data["unit"].name,
        }
    except ServiceError as e:
        show_error(form, e)
        return False


# -- entering an item received by letter, e-mail or phone -------------------------------------


def _about_choices(programme) -> list:
    """The select of what an item may be about, grouped: the programme, its public measures,
    milestones and posts (values ``programme``, ``measure:CODE`` …)."""
    measures = Measure.objects.filter(programme=programme).public().order_by("code")
    milestones = (
        Milestone.objects.filter(programme=programme).public().select_related("measure")
    ).order_by("code")
    posts = Position.objects.filter(programme=programme).order_by("code")
    return [
        ("", "—"),
        ("programme", _("The programme as a whole")),
        (_("Measures"), [(f"measure:{m.code}", f"{m.code} {m.title}") for m in measures]),
        (_("Milestones"), [(f"milestone:{m.code}", f"{m.code} {m.title}") for m in milestones]),
        (_("Posts"), [(f"position:{p.code}", f"{p.code} {p.title}") for p in posts]),
    ]


def _about(programme, value):
    """The measure, milestone or post a select value names; None for the programme."""
    what, _colon, code = value.partition(":")
    model = {"measure": Measure, "milestone": Milestone, "position": Position}.get(what)
    if model is None:
        return None
    return get_object_or_404(model, programme=programme, code=code)


@login_required
def new(request, slug):
    programme = get_programme_for_user(request, slug, may=can_enter_submissions)
    choices = _about_choices(programme)
    form = SubmissionEntryForm(programme=programme, about_choices=choices)
    status = 200
    if request.method == "POST":
        form = SubmissionEntryForm(request.POST, programme=programme, about_choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = service.submit(
                    programme,
                    actor=actor(request, programme),
                    kind=data["kind"],
                    text=data["text"],
                    about=_about(programme, data["about"]),
                    author_name=data["author_name"],
                    body=data["body"],
                    received=data["received"],
                )
                messages.success(request, _entered(created))
                return redirect(
                    "office:participation_item", programme.slug, created.kind, created.code
                )
            except ServiceError as e:
                show_error(form, e)
        status = 400
    return render(
        request,
        "office/participation_new.html",
        _context(request, programme, form=form),
        status=status,
    )


def _entered(item) -> str:
    values = {"code": item.code, "due": _short(item.due), "unit": item.unit or "–"}
    if item.kind == Submission.QUESTION:
        return _("Question %(code)s was entered. It is due on %(due)s; %(unit)s answers.") % values
    return _("Statement %(code)s was entered. It is due on %(due)s; %(unit)s answers.") % values


# -- the moderation ---------------------------------------------------------------------------

SUBMISSION, COMMENT = "submission", "comment"  # the page's ``kind`` of an item


@dataclass(eq=False)
class Entry:
    """One question, statement or comment on the moderation page, with its open reports
    (oldest first) and its form."""

    kind: str
    item: Submission | Comment
    reports: list = dataclass_field(default_factory=list)
    form: ModerationForm | None = None

    @property
    def prefix(self) -> str:
        # Questions and statements keep the prefix they had before comments came.
        return f"item{self.item.pk}" if self.kind == SUBMISSION else f"comment{self.item.pk}"

    @property
    def label(self) -> str:
        if self.kind == SUBMISSION:
            return self.item.code
        return _("Comment %(number)s") % {"number": self.item.pk}

    @property
    def day(self):
        """When it came in: the received date, or the day the comment was written."""
        if self.kind == SUBMISSION:
            return self.item.received
        return timezone.localdate(self.item.created)


def _comments(programme):
    return Comment.objects.filter(
        Q(measure__programme=programme) | Q(proposal__programme=programme)
    ).select_related("measure", "proposal", "parent")


def _moderation_entries(programme) -> list[Entry]:
    """Every item that needs or had the moderation: awaiting release, hidden, or reported
    with a report not yet decided; each with its open reports."""
    reports = list(
        ContentReport.objects.filter(closed=None)
        .filter(
            Q(submission__programme=programme)
            | Q(comment__measure__programme=programme)
            | Q(comment__proposal__programme=programme)
        )
        .order_by("reported", "pk")
    )
    open_of = defaultdict(list)
    for report in reports:
        if report.submission_id is not None:
            open_of[SUBMISSION, report.submission_id].append(report)
        else:
            open_of[COMMENT, report.comment_id].append(report)
    wanted = Q(pending=True) | Q(hidden=True)
    submissions = _items(programme).filter(
        wanted | Q(pk__in=[pk for kind, pk in open_of if kind == SUBMISSION])
    )
    comments = _comments(programme).filter(
        wanted | Q(pk__in=[pk for kind, pk in open_of if kind == COMMENT])
    )
    return [
        *(Entry(SUBMISSION, s, open_of[SUBMISSION, s.pk]) for s in submissions),
        *(Entry(COMMENT, c, open_of[COMMENT, c.pk]) for c in comments),
    ]


def _by_day(entry) -> tuple:
    return (entry.day, entry.kind == COMMENT, entry.item.pk)


def _sections(entries) -> dict:
    """The page's three lists: what was reported (the oldest report first; whatever state
    the item is in, its reports are decided there), what waits for release (the oldest
    first) and what is hidden (the latest first)."""
    reported = [e for e in entries if e.reports]
    rest = [e for e in entries if not e.reports]
    return {
        "reported": sorted(reported, key=lambda e: (e.reports[0].reported, e.reports[0].pk)),
        "waiting": sorted((e for e in rest if e.item.pending and not e.item.hidden), key=_by_day),
        "hidden": sorted((e for e in rest if e.item.hidden), key=_by_day, reverse=True),
    }


def _posted_entry(programme, entries, post) -> Entry | None:
    """The item a form names (``kind`` and ``item``; a form without ``kind`` is a question's
    or statement's). One no longer in the lists is looked up all the same: the service then
    tells the moderator what happened meanwhile, and the form keeps what they typed."""
    kind = post.get("kind") or SUBMISSION
    pk = post.get("item", "")
    if kind not in (SUBMISSION, COMMENT) or not pk.isdigit():
        return None
    for entry in entries:
        if entry.kind == kind and entry.item.pk == int(pk):
            return entry
    items = _items(programme) if kind == SUBMISSION else _comments(programme)
    found = items.filter(pk=pk).first()
    return Entry(kind, found) if found is not None else None


@login_required
def moderation(request, slug):
    """What was reported, what awaits release and what is hidden — questions, statements and
    comments — each with the form to decide. Only for moderators (and administrators)."""
    programme = get_programme_for_user(request, slug, may=can_moderate)
    entries = _moderation_entries(programme)
    status = 200
    kept = []  # a decision posted on an item no longer in the lists, with the refusal
    if request.method == "POST":
        chosen = _posted_entry(programme, entries, request.POST)
        op = request.POST.get("op")
        if chosen is None or op not in ("release", "hide"):
            messages.error(
                request,
                _("This item is no longer waiting, hidden or reported. Check the lists below."),
            )
            status = 400
        else:
            done = _moderate(request, programme, chosen, op)
            if done:
                messages.success(request, done)
                return redirect("office:moderation", programme.slug)
            status = 400
            if chosen not in entries:
                kept.append(chosen)
    for entry in entries:
        if entry.form is None:
            entry.form = _moderation_form(entry, initial={"version": entry.item.version})
    return render(
        request,
        "office/participation_moderation.html",
        _context(
            request,
            programme,
            kept=kept,
            **_sections(entries),
            forms=[entry.form for entry in (*kept, *entries)],
        ),
        status=status,
    )


def _moderation_form(entry, **kwargs) -> ModerationForm:
    form = ModerationForm(prefix=entry.prefix, **kwargs)
    if entry.item.hidden:
        form.fields["reason"].help_text = _(
            "Optional. Published in the history when the item is shown again."
        )
    elif entry.reports and not entry.item.pending:
        form.fields["reason"].help_text = _(
            "Needed to hide: the public page shows it in place of the text. Optional when you "
            "reject the reports; then published in the history."
        )
    return form


def moderation_counts(programme) -> dict:
    """The dashboard's figures for moderators: the reports not yet decided, and what awaits
    release (questions, statements and comments)."""
    reports = ContentReport.objects.filter(closed=None).filter(
        Q(submission__programme=programme)
        | Q(comment__measure__programme=programme)
        | Q(comment__proposal__programme=programme)
    )
    waiting = (
        _items(programme).filter(pending=True, hidden=False).count()
        + _comments(programme).filter(pending=True, hidden=False).count()
    )
    return {"reports": reports.count(), "waiting": waiting}


def _moderate(request, programme, entry, op):
    form = entry.form = _moderation_form(entry, data=request.POST)
    if not form.is_valid():
        return False
    data = form.cleaned_data
    by = actor(request, programme)
    item = entry.item
    was_hidden, was_pending = item.hidden, item.pending
    try:
        if op == "hide":
            service.hide(item, actor=by, reason=data["reason"], expected_version=data["version"])
            if entry.kind == COMMENT:
                return _(
                    "%(code)s is hidden. The measure's page shows your reason instead of the text."
                ) % {"code": entry.label}
            return _(
                "%(code)s is hidden. Its public page shows your reason instead of the text."
            ) % {"code": entry.label}
        service.release(item, actor=by, reason=data["reason"], expected_version=data["version"])
    except ServiceError as e:
        show_error(form, e)
        return False
    if was_hidden:
        return _("%(code)s is shown again.") % {"code": entry.label}
    if was_pending:
        return _("%(code)s is released and shown publicly.") % {"code": entry.label}
    return _("The reports on %(code)s are rejected: it stays shown.") % {"code": entry.label}


# -- the settings -----------------------------------------------------------------------------


def _settings(programme) -> dict:
    """The participation settings as the form's fields name them."""
    return {
        "answer_period_kind": programme.answer_period["kind"],
        "answer_period_count": programme.answer_period["count"],
        "statement_period_kind": programme.statement_period["kind"],
        "statement_period_count": programme.statement_period["count"],
        "holiday_region": programme.holiday_region,
        "holiday_categories": ", ".join(programme.holiday_categories),
        "office_unit": programme.office_unit,
        "premoderation": programme.premoderation,
    }


@login_required
def settings(request, slug):
    """The answer periods, the holiday region, the programme office and the pre-moderation:
    every office role reads them, editors and administrators change them."""
    programme = get_programme_for_user(request, slug)
    may_edit = can_edit_plan(request.user, programme)
    stored = _settings(programme)
    form = ParticipationSettingsForm(
        programme=programme,
        initial={**stored, "office_unit": programme.office_unit_id, "version": programme.version},
    )
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = ParticipationSettingsForm(request.POST, programme=programme)
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.save_participation_settings(
                    programme,
                    actor=actor(request, programme),
                    answer_period={
                        "kind": data["answer_period_kind"],
                        "count": data["answer_period_count"],
                    },
                    statement_period={
                        "kind": data["statement_period_kind"],
                        "count": data["statement_period_count"],
                    },
                    holiday_region=data["holiday_region"],
                    holiday_categories=re.split(r"[,;\s]+", data["holiday_categories"]),
                    office_unit=data["office_unit"],
                    premoderation=data["premoderation"],
                    reason=data["reason"],
                    expected_version=data["version"],
                )
                messages.success(
                    request,
                    _(
                        "The participation settings were saved. They count for items received "
                        "from now on."
                    ),
                )
                return redirect("office:participation_settings", programme.slug)
            except ServiceError as e:
                show_error(
                    form,
                    e,
                    stored=_settings,
                    fields={
                        "answer_period.": "answer_period_",
                        "statement_period.": "statement_period_",
                    },
                )
        status = 400
    return render(
        request,
        "office/participation_settings.html",
        _context(
            request,
            programme,
            form=form,
            may_edit=may_edit,
            answer_period=period_words(programme.answer_period),
            statement_period=period_words(programme.statement_period),
        ),
        status=status,
    )
