"""Public pages of the participation: a programme's questions and statements with their
answer periods and figures, one item's page, asking a question, a body's statement, and
withdrawing one's own question.

Everything is as of today. A status depends on the date, so it is computed from the stored
dates by the period rules (``plansicht.engine.periods``), never stored: the list reads every
item's dates in two queries and filters and counts in Python, then loads the one page shown.
An item hidden by the moderation shows the moderation's reason, never its text or answer; an
item awaiting release, or about a draft, has no public page (its asker sees their own).

Here too: the comments on a measure page (threaded one level deep), reporting a question,
statement or comment to the moderation (anyone, without an account too), following a
programme, measure, post or item, and a statement's PDF, served only while the statement is
public and shown.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plansicht import clock
from plansicht.accounts.models import Unit
from plansicht.engine import periods
from plansicht.participation import figures as reads
from plansicht.participation.models import (
    FORMER_PARTICIPANT,
    Body,
    Comment,
    Extension,
    Follow,
    Submission,
    period_of,
)
from plansicht.participation.people import display_name, may_take_part
from plansicht.plan.models import Measure, Milestone, Programme
from plansicht.proposals.models import Proposal
from plansicht.services import Actor, ChangedMeanwhile, ServiceError
from plansicht.services import participation as service
from plansicht.staffing.models import Position

from . import limits
from .cache import public_page
from .forms import CommentForm, QuestionForm, ReportForm, StatementForm, SubmissionFilter

PER_PAGE = 50
ON_THE_MEASURE_PAGE = 20  # the latest; the rest on the questions page, filtered by the measure
EXCERPT = 200  # characters of a text in a list
ITEM_PAGE = {Submission.QUESTION: "portal:question", Submission.STATEMENT: "portal:statement"}


def _programme(slug):
    return get_object_or_404(
        Programme.objects.select_related("organisation", "forecast"), slug=slug
    )


def _kind(request) -> str:
    return Submission.STATEMENT if request.GET.get("kind") == "statement" else Submission.QUESTION


def _public_posts(programme):
    """The posts the public positions page shows (funded, or awaited by a public milestone)."""
    return Position.objects.filter(programme=programme).public().order_by("code")


def about_link(programme, item) -> tuple[str, str]:
    """The public page and the name of what ``item`` is about (the programme, a measure, a
    milestone or a post); its fields must be loaded with the item."""
    slug = programme.slug
    if item.milestone_id:
        m = item.milestone
        return reverse("portal:milestone", args=[slug, m.code]), f"{m.code} {m.title}"
    if item.position_id:
        p = item.position
        return reverse("portal:positions", args=[slug]) + f"#post-{slugify(p.code)}", p.title
    if item.measure_id:
        m = item.measure
        return reverse("portal:measure", args=[slug, m.code]), f"{m.code} {m.title}"
    return reverse("portal:overview", args=[slug]), programme.title


@dataclass
class Line:
    """An item as a list shows it, as of today."""

    item: Submission
    status: str  # a status of the period rules, or reads.HIDDEN
    due: date
    extended: bool
    url: str
    about_url: str
    about_label: str

    @property
    def answered_on(self):
        return self.item.answered_on if self.status in periods.ANSWERED else None


def _line(programme, item, status, due, extended) -> Line:
    about_url, about_label = about_link(programme, item)
    return Line(
        item,
        reads.public_status(status, item.hidden),
        due,
        extended,
        reverse(ITEM_PAGE[item.kind], args=[programme.slug, item.code]),
        about_url,
        about_label,
    )


@dataclass
class Group:
    """The figures of the items one unit answers, or of one body's statements."""

    name: str
    figures: periods.Figures


def _groups(briefs, key, names, today, nobody) -> list[Group]:
    by = {}
    for b in briefs:
        by.setdefault(b.fields[key], []).append(b.engine)
    groups = []
    for pk, items in by.items():
        f = periods.figures(items, today)
        if f.total:
            groups.append(Group(names[pk].name if pk in names else nobody, f))
    return sorted(groups, key=lambda g: (g.name == nobody, g.name.casefold()))


def _programme_choices(programme):
    return [("programme", _("The programme as a whole"))] + [
        (f"position:{p.code}", _("Post: %(title)s") % {"title": p.title})
        for p in _public_posts(programme)
    ]


def _measure_choices(measure, milestones):
    choices = [(f"measure:{measure.code}", f"{measure.code} {measure.title}")]
    for m in milestones:
        label = _("Milestone %(code)s %(title)s") % {"code": m.code, "title": m.title}
        choices.append((f"milestone:{m.code}", label))
    return choices


def _statement_choices(programme):
    measures = Measure.objects.filter(programme=programme).public().order_by("code")
    milestones = Milestone.objects.filter(programme=programme).public().order_by("code")
    return [
        ("programme", _("The programme as a whole")),
        (_("Measures"), [(f"measure:{m.code}", f"{m.code} {m.title}") for m in measures]),
        (_("Milestones"), [(f"milestone:{m.code}", f"{m.code} {m.title}") for m in milestones]),
    ]


def _resolve(programme, key):
    """The public item a form's ``about`` names (its choices were public), None for the
    programme."""
    what, _colon, code = key.partition(":")
    if what == "measure":
        return Measure.objects.filter(programme=programme).public().get(code=code)
    if what == "milestone":
        return Milestone.objects.filter(programme=programme).public().get(code=code)
    if what == "position":
        return _public_posts(programme).get(code=code)
    return None


def _public_milestones_of(measure):
    return list(
        Milestone.objects.filter(measure=measure).public().order_by("planned_start", "code")
    )


def question_form(programme, *, data=None, measure=None, milestones=None):
    """The form to ask a question about the programme (or one of its posts), or about
    ``measure`` (or one of its milestones)."""
    if measure is None:
        return QuestionForm(data, choices=_programme_choices(programme), auto_id="ask-%s")
    if milestones is None:
        milestones = _public_milestones_of(measure)
    return QuestionForm(
        data,
        choices=_measure_choices(measure, milestones),
        initial={"context": measure.code},
        auto_id="ask-%s",
    )


def _speaker_bodies(user, programme):
    return list(
        Body.objects.filter(speakers=user, organisation=programme.organisation_id).order_by("name")
    )


def _refusal_time(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _receive(request, programme, kind):
    """A question or statement sent by a participant: stored through the service, then their
    item's page; else (form, HTTP status) with what went wrong, nothing stored."""
    user = request.user
    if not may_take_part(user):
        raise PermissionDenied(_("Only participants with a confirmed e-mail address may ask."))
    if kind == Submission.STATEMENT:
        bodies = _speaker_bodies(user, programme)
        if not bodies:
            raise PermissionDenied(_("Only a body's speakers submit its statements."))
        form = StatementForm(
            request.POST,
            request.FILES,
            bodies=bodies,
            choices=_statement_choices(programme),
            auto_id="ask-%s",
        )
    else:
        measure = None
        context = request.POST.get("context", "")
        if context:
            measure = Measure.objects.filter(programme=programme).public().filter(code=context)
            measure = measure.first()
        form = question_form(programme, data=request.POST, measure=measure)
    if form.filled_by_a_robot():
        # Quietly: nothing says which field gave it away.
        form.add_error(None, _("Your text could not be received. Nothing was stored."))
        return form, 400
    if not form.is_valid():
        return form, 400
    if _refused_for_now(request, form, limits.SUBMISSIONS):
        return form, 429
    data = form.cleaned_data
    body = attachment = None
    if kind == Submission.STATEMENT:
        body = next(b for b in bodies if str(b.pk) == data["body"])  # a valid choice
        attachment = data.get("attachment") or None
    try:
        item = service.submit(
            programme,
            actor=Actor.for_user(user, programme),
            kind=kind,
            text=data["text"],
            about=_resolve(programme, data["about"]),
            author=user,
            author_name=display_name(user),
            body=body,
            attachment=attachment,
        )
    except ServiceError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
        return form, 400
    limits.count(request)
    due = date_format(item.due, "SHORT_DATE_FORMAT")
    if kind == Submission.STATEMENT:
        text = _("Statement %(code)s has been received. It is to be answered by %(due)s.")
    else:
        text = _("Your question %(code)s has been received. It is to be answered by %(due)s.")
    text %= {"code": item.code, "due": due}
    if item.pending:
        text += " " + _("It is shown publicly once a moderator has released it.")
    messages.success(request, text)
    return redirect(ITEM_PAGE[kind], programme.slug, item.code)


def _refused_for_now(request, form, what) -> bool:
    """Put the rate limit's refusal on ``form`` if this account or address sent too much
    within the hour (``limits``); False if it may send."""
    free = limits.free_at(request, what)
    if free is None:
        return False
    form.add_error(
        None,
        _(
            "Many texts were sent from your account or from this connection within the "
            "last hour. To keep the pages free of mass postings, the next one can be sent "
            "from %(time)s. Your text is kept below; nothing was stored."
        )
        % {"time": _refusal_time(free)},
    )
    return True


def _participant_context(request, programme, kind):
    """Who may send what here: ``may_ask`` (a participant), ``bodies`` (theirs, for a
    statement), the login page's address for everyone else."""
    user = request.user
    if not user.is_authenticated:
        return {"may_ask": False, "signed_in": False}
    may = may_take_part(user)
    bodies = _speaker_bodies(user, programme) if may and kind == Submission.STATEMENT else []
    return {"may_ask": may, "signed_in": True, "speaker_bodies": bodies}


@public_page
def questions(request, slug):
    """The questions (or, ``?kind=statement``, the statements) of a programme as of today:
    filtered, 50 a page, with the figures; a participant asks here."""
    programme = _programme(slug)
    kind = _kind(request)
    form, status = None, 200
    if request.method == "POST":
        result = _receive(request, programme, kind)
        if not isinstance(result, tuple):
            return result
        form, status = result
    today = clock.today()
    everything, shown = reads.listing(programme, kind, today)
    units = Unit.objects.in_bulk({b.fields["unit_id"] for b in everything} - {None})
    bodies = None
    if kind == Submission.STATEMENT:
        bodies = {b.pk: b for b in Body.objects.filter(organisation=programme.organisation_id)}
    measures = list(Measure.objects.filter(programme=programme).public().order_by("code"))
    filters = SubmissionFilter(
        request.GET,
        units=sorted(units.values(), key=lambda u: u.name.casefold()),
        bodies=None if bodies is None else sorted(bodies.values(), key=lambda b: b.name),
        measures=measures,
        auto_id="filter-%s",
    )
    if not filters.is_valid() and status == 200:
        status = 400
    chosen = filters.cleaned_data  # the valid filters only
    rows = reads.narrowed(
        shown,
        status=chosen.get("status", ""),
        unit_ids={int(chosen["unit"])} if chosen.get("unit") else None,
        body_ids={int(chosen["body"])} if chosen.get("body") else None,
        measure_id=next((m.pk for m in measures if m.code == chosen.get("measure")), None),
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    loaded = Submission.objects.select_related("measure", "milestone", "position", "body")
    loaded = loaded.in_bulk([b.pk for b in page.object_list])
    page.object_list = [
        _line(programme, loaded[b.pk], b.status, b.due, b.extended) for b in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    nobody = _("no unit named")
    context = {
        "programme": programme,
        "kind": kind,
        "statements": kind == Submission.STATEMENT,
        "page": page,
        "filters": filters,
        "filtered": any(chosen.get(k) for k in ("status", "unit", "body", "measure")),
        "query": query.urlencode(),
        "shown_total": len(shown),
        "figures": periods.figures((b.engine for b in everything), today),
        "waiting": sum(1 for b in everything if b.fields["pending"]),
        "by_unit": _groups(everything, "unit_id", units, today, nobody),
        "by_body": _groups(everything, "body_id", bodies, today, _("no body"))
        if bodies is not None
        else None,
        "period": period_of(programme, kind),
        "question_period": period_of(programme, Submission.QUESTION),
        "statement_period": period_of(programme, Submission.STATEMENT),
        "today": today,
        "nav": "questions",
        **_participant_context(request, programme, kind),
    }
    if context["may_ask"] and form is None:
        if kind == Submission.STATEMENT and context["speaker_bodies"]:
            form = StatementForm(
                bodies=context["speaker_bodies"],
                choices=_statement_choices(programme),
                auto_id="ask-%s",
            )
        elif kind == Submission.QUESTION:
            form = question_form(programme)
    context["form"] = form
    return render(request, "portal/questions.html", context, status=status)


def _item(request, programme, kind, code):
    """The public item, or the asker's own awaiting release; 404 for anything else."""
    base = (
        Submission.objects.filter(programme=programme, kind=kind, code=code)
        .select_related("measure", "milestone", "position", "body", "unit", "answer_unit", "author")
        .prefetch_related(Prefetch("extensions", queryset=Extension.objects.order_by("on", "pk")))
    )
    item = base.public().first()
    if item is None and request.user.is_authenticated:
        own = base.filter(pending=True, author=request.user).first()
        if own is not None and _about_is_public(programme, own):
            item = own
    if item is None:
        raise Http404(_("There is no public question or statement with this code."))
    return item


def _about_is_public(programme, item) -> bool:
    if item.milestone_id:
        return Milestone.objects.filter(pk=item.milestone_id).public().exists()
    if item.measure_id:
        return Measure.objects.filter(pk=item.measure_id).public().exists()
    return True


def _withdraw(request, programme, item):
    if not request.user.is_authenticated or request.user.pk != item.author_id:
        raise PermissionDenied(_("Only the asker may withdraw a question."))
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        service.withdraw(
            item, actor=Actor.for_user(request.user, programme), expected_version=version
        )
    except ChangedMeanwhile:
        messages.error(
            request,
            _(
                "The question was changed meanwhile. It is shown as it is now; look before you "
                "withdraw it."
            ),
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You have withdrawn question %(code)s.") % {"code": item.code})
    return redirect(ITEM_PAGE[item.kind], programme.slug, item.code)


def _item_page(request, slug, code, kind):
    programme = _programme(slug)
    item = _item(request, programme, kind, code)
    if request.method == "POST":
        if kind != Submission.QUESTION or request.POST.get("action") != "withdraw":
            raise PermissionDenied(_("This page takes no other change."))
        return _withdraw(request, programme, item)
    today = clock.today()
    status = item.status(today)
    due = item.due_in_force(today)
    about_url, about_label = about_link(programme, item)
    answered = item.answered_on is not None and item.answered_on <= today
    own = request.user.is_authenticated and request.user.pk == item.author_id
    what = f"{KIND_WORDS[kind]}:{item.code}"
    words = _("Statement %(code)s") if kind == Submission.STATEMENT else _("Question %(code)s")
    return render(
        request,
        "portal/question.html",
        {
            "pdf": _pdf_of(programme, item),
            "report_url": None
            if item.hidden or item.pending
            else reverse("portal:report", args=[programme.slug, KIND_WORDS[kind], item.code]),
            # one's own item awaiting release is followed already, and cannot be followed yet
            "follow": None
            if item.pending
            else follow_control(request, programme, what, words % {"code": item.code}),
            "programme": programme,
            "item": item,
            "statement": kind == Submission.STATEMENT,
            "extensions": [e for e in item.extensions.all() if e.on <= today],
            "status": reads.public_status(status, item.hidden),
            "due": due,
            "extended": due != item.due,
            "answered": answered and not item.hidden,
            "about_url": about_url,
            "about_label": about_label,
            "may_withdraw": own
            and kind == Submission.QUESTION
            and status in (periods.OPEN, periods.OVERDUE),
            "list_url": reverse("portal:questions", args=[programme.slug])
            + ("?kind=statement" if kind == Submission.STATEMENT else ""),
            "nav": "questions",
        },
    )


@public_page
def question(request, slug, code):
    return _item_page(request, slug, code, Submission.QUESTION)


@public_page
def statement(request, slug, code):
    return _item_page(request, slug, code, Submission.STATEMENT)


def _pdf_of(programme, item) -> dict | None:
    """The statement's PDF as its page links it, or None (none, or the statement hidden)."""
    if not item.pdf_shown:
        return None
    try:
        size = item.attachment.size
    except OSError:  # lost from the disk: better no link than a broken one
        return None
    return {
        "url": reverse("portal:statement_pdf", args=[programme.slug, item.code]),
        "name": f"{item.code}.pdf",
        "size": size,
    }


def statement_pdf(request, slug, code):
    """A public, shown statement's PDF, served inline as a PDF (the browser must not guess
    another type); 404 for any other, a hidden one's too. The files are never served from
    MEDIA_URL."""
    programme = _programme(slug)
    item = (
        Submission.objects.filter(
            programme=programme, kind=Submission.STATEMENT, code=code, hidden=False
        )
        .public()
        .first()
    )
    if item is None or not item.attachment:
        raise Http404(_("There is no public PDF of a statement with this code."))
    try:
        handle = item.attachment.open("rb")
    except OSError:
        raise Http404(_("There is no public PDF of a statement with this code.")) from None
    response = FileResponse(handle, content_type="application/pdf", filename=f"{item.code}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    # asked for anew each time: once the moderation hides the statement, it is gone
    response["Cache-Control"] = "no-cache"
    return response


# -- comments ---------------------------------------------------------------------------------


def _on(target) -> dict:
    """The field of a comment that names ``target``, a measure or a proposal."""
    return {"proposal": target} if isinstance(target, Proposal) else {"measure": target}


def _target_url(programme, target) -> str:
    name = "portal:proposal" if isinstance(target, Proposal) else "portal:measure"
    return reverse(name, args=[programme.slug, target.code])


def _comments(target) -> list[Comment]:
    """The public comments on a measure or proposal, oldest first, each with its public
    replies (``comment.shown_replies``): two queries, however many there are."""
    replies = Comment.objects.public().order_by("created", "pk")
    return list(
        Comment.objects.public()
        .filter(parent=None, **_on(target))
        .order_by("created", "pk")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="shown_replies"))
    )


def _replying_to(comments, key) -> Comment | None:
    """The shown comment (or reply) a reply form answers, from ``?reply=`` or the form's
    ``parent``; None for a new comment or anything not shown (a hidden one is not replied to)."""
    try:
        pk = int(key)
    except (TypeError, ValueError):
        return None
    for comment in comments:
        for c in (comment, *comment.shown_replies):
            if c.pk == pk:
                return None if c.hidden or comment.hidden else c
    return None


def receive_comment(request, programme, target):
    """A comment or reply sent from the page of a measure or proposal (``target``): stored
    through the service, then that page at the comment; else (form, HTTP status) with what
    went wrong, nothing stored."""
    user = request.user
    if not may_take_part(user):
        raise PermissionDenied(_("Only participants with a confirmed e-mail address may comment."))
    asked = request.POST.get("parent", "").strip()
    parent = _replying_to(_comments(target), asked) if asked else None
    data = request.POST.copy()
    if asked and parent is None:
        data["parent"] = ""  # shown again as a comment of its own
    form = CommentForm(data, auto_id="comment-%s", replying_to=parent)
    if form.filled_by_a_robot():
        form.add_error(None, _("Your text could not be received. Nothing was stored."))
        return form, 400
    if not form.is_valid():
        return form, 400
    if asked and parent is None:
        form.add_error(
            None,
            _(
                "The comment you reply to is no longer shown. Your text is kept below; "
                "nothing was stored. You may send it as a comment of its own."
            ),
        )
        return form, 400
    if _refused_for_now(request, form, limits.COMMENTS):
        return form, 429
    try:
        comment = service.write_comment(
            target,
            actor=Actor.for_user(user, programme),
            author=user,
            text=form.cleaned_data["text"],
            parent=parent,
        )
    except ServiceError as error:
        form.add_error("text" if error.field == "text" else None, error.message)
        return form, 400
    limits.count(request, limits.COMMENTS)
    address = _target_url(programme, target)
    if comment.pending:
        messages.success(
            request,
            _(
                "Your comment has been received. It is shown publicly once a moderator has "
                "released it."
            ),
        )
        return redirect(address + "#comments")
    messages.success(request, _("Your comment has been published."))
    return redirect(address + f"#comment-{comment.pk}")


def comment_context(request, target, may_comment, comment_form) -> dict:
    """The comments on a measure or proposal with the form to comment or reply."""
    comments = _comments(target)
    context = {
        "comments": comments,
        "comments_total": sum(1 + len(c.shown_replies) for c in comments),
        "former_participant": FORMER_PARTICIPANT,
    }
    if may_comment:
        if comment_form is None:
            replying_to = _replying_to(comments, request.GET.get("reply"))
            comment_form = CommentForm(
                auto_id="comment-%s",
                replying_to=replying_to,
                initial={"parent": replying_to.pk if replying_to else None},
            )
        else:
            replying_to = _replying_to(comments, comment_form.data.get("parent"))
        context["comment_form"] = comment_form
        context["replying_to"] = replying_to
    return context


# -- reports to the moderation ----------------------------------------------------------------

# The kinds of things one reports, as the address names them.
KIND_WORDS = {Submission.QUESTION: "frage", Submission.STATEMENT: "stellungnahme"}
COMMENT_WORD = "kommentar"
PROPOSAL_WORD = "vorschlag"


def _reported(programme, kind, ref):
    """The public question, statement or comment the report page names; 404 otherwise."""
    if kind == COMMENT_WORD:
        if not ref.isdigit():
            raise Http404(_("There is no public comment with this number."))
        item = (
            Comment.objects.public()
            .filter(Q(measure__programme=programme) | Q(proposal__programme=programme))
            .filter(pk=int(ref))
            .exclude(parent__pending=True)  # a reply under a comment not shown
            .select_related("measure", "proposal", "parent")
            .first()
        )
        if item is None:
            raise Http404(_("There is no public comment with this number."))
        return item
    kinds = {word: k for k, word in KIND_WORDS.items()}
    if kind not in kinds:
        raise Http404(_("There is no public question or statement with this code."))
    item = (
        Submission.objects.filter(programme=programme, kind=kinds[kind], code=ref)
        .public()
        .select_related("measure", "milestone", "position", "body")
        .first()
    )
    if item is None:
        raise Http404(_("There is no public question or statement with this code."))
    return item


def _page_of(programme, item) -> str:
    """Where the reported item is shown."""
    if isinstance(item, Comment):
        if item.proposal_id is not None:
            address = reverse("portal:proposal", args=[programme.slug, item.proposal.code])
        else:
            address = reverse("portal:measure", args=[programme.slug, item.measure.code])
        return address + f"#comment-{item.pk}"
    return reverse(ITEM_PAGE[item.kind], args=[programme.slug, item.code])


def report(request, slug, kind, ref):
    """Report a question, statement or comment to the moderation with a reason: anyone may,
    without an account too. Nothing changes publicly; the moderation decides."""
    programme = _programme(slug)
    item = _reported(programme, kind, ref)
    form, status = ReportForm(auto_id="report-%s"), 200
    if request.method == "POST":
        form = ReportForm(request.POST, auto_id="report-%s")
        if item.hidden:
            status = 400  # nothing left to report: the page says so
        elif form.filled_by_a_robot():
            form.add_error(None, _("Your text could not be received. Nothing was stored."))
            status = 400
        elif not form.is_valid():
            status = 400
        elif _refused_for_now(request, form, limits.REPORTS):
            status = 429
        else:
            user = request.user if request.user.is_authenticated else None
            actor = Actor.for_user(user, programme) if user is not None else Actor()
            try:
                service.report(item, actor=actor, reason=form.cleaned_data["reason"])
            except ServiceError as error:
                form.add_error("reason" if error.field == "reason" else None, error.message)
                status = 400
            else:
                limits.count(request, limits.REPORTS)
                messages.success(request, _("Thank you, the moderation will look at it."))
                return redirect(_page_of(programme, item))
    return render(
        request,
        "portal/report.html",
        {
            "programme": programme,
            "item": item,
            "comment": item if isinstance(item, Comment) else None,
            "item_url": _page_of(programme, item),
            "former_participant": FORMER_PARTICIPANT,
            "form": form,
            "nav": "questions" if isinstance(item, Submission) else "measures",
        },
        status=status,
    )


# -- following --------------------------------------------------------------------------------


@dataclass
class FollowControl:
    """The follow button of one thing: ``what`` names it for the form (``programme``,
    ``measure:M1``, ``position:CDO``, ``frage:F1``, ``stellungnahme:S1``, ``vorschlag:V1``),
    ``label`` for a
    screen reader, and whether the participant follows it; ``may`` (a participant),
    ``signed_in`` say what to show instead of the button."""

    what: str
    label: str
    following: bool = False
    may: bool = False
    signed_in: bool = False


def _follow_fields(target) -> dict:
    """The fields a Follow of ``target`` has (besides user and programme)."""
    return {
        "measure": target if isinstance(target, Measure) else None,
        "position": target if isinstance(target, Position) else None,
        "submission": target if isinstance(target, Submission) else None,
        "proposal": target if isinstance(target, Proposal) else None,
    }


def _follow_target(programme, what):
    """(the public thing, its label, its page) that ``what`` names, or None."""
    kind, _colon, code = (what or "").partition(":")
    slug = programme.slug
    if kind == "programme" and not code:
        return programme, programme.title, reverse("portal:overview", args=[slug])
    if kind == "measure":
        m = Measure.objects.filter(programme=programme, code=code).public().first()
        if m is not None:
            return m, f"{m.code} {m.title}", reverse("portal:measure", args=[slug, m.code])
    if kind == "position":
        p = _public_posts(programme).filter(code=code).first()
        if p is not None:
            address = reverse("portal:positions", args=[slug]) + f"#post-{slugify(p.code)}"
            return p, p.title, address
    if kind == PROPOSAL_WORD:
        found = Proposal.objects.filter(programme=programme, code=code).public().first()
        if found is not None:
            label = _("Proposal %(code)s") % {"code": found.code}
            return found, label, reverse("portal:proposal", args=[slug, found.code])
    kinds = {word: k for k, word in KIND_WORDS.items()}
    if kind in kinds:
        item = (
            Submission.objects.filter(programme=programme, kind=kinds[kind], code=code)
            .public()
            .first()
        )
        if item is not None:
            label = (
                _("Statement %(code)s")
                if item.kind == Submission.STATEMENT
                else _("Question %(code)s")
            ) % {"code": item.code}
            return item, label, reverse(ITEM_PAGE[item.kind], args=[slug, item.code])
    return None


def follow_control(request, programme, what, label="", *, may=None) -> FollowControl:
    """The follow button of one thing for this request (one query for a participant, besides
    finding out whether they are one unless ``may`` says)."""
    user = request.user
    control = FollowControl(what, label, signed_in=user.is_authenticated)
    control.may = may_take_part(user) if may is None else may
    if control.may:
        found = _follow_target(programme, what)
        if found is not None:
            target, control.label, _page = found
            control.following = Follow.objects.filter(
                user=user, programme=programme, **_follow_fields(target)
            ).exists()
    return control


def followed_posts(request, programme) -> tuple[bool, set]:
    """Whether the request's user may follow, and the ids of the posts of the programme they
    follow (one query)."""
    user = request.user
    if not may_take_part(user):
        return False, set()
    ids = Follow.objects.filter(
        user=user, programme=programme, position__isnull=False, submission=None
    ).values_list("position_id", flat=True)
    return True, set(ids)


def follow(request, slug):
    """Follow or stop following (POST ``what`` and ``action``), then back to the thing's page.
    Opened (GET) it explains following, with the button for ``?what=`` if that names a
    public thing."""
    programme = _programme(slug)
    if request.method == "POST":
        user = request.user
        if not may_take_part(user):
            raise PermissionDenied(_("Only participants with a confirmed e-mail address follow."))
        found = _follow_target(programme, request.POST.get("what", ""))
        if found is None:
            raise Http404(_("There is nothing public of that name to follow."))
        target, label, address = found
        actor = Actor.for_user(user, programme)
        if request.POST.get("action") == "unfollow":
            existing = Follow.objects.filter(
                user=user, programme=programme, **_follow_fields(target)
            ).first()
            if existing is not None:
                service.unfollow(existing, actor=actor)
            messages.success(request, _("You no longer follow %(what)s.") % {"what": label})
        else:
            try:
                service.follow(user, target, actor=actor)
            except ServiceError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "You follow %(what)s. You get a mail when something happens to it; "
                        "you can stop that in your account."
                    )
                    % {"what": label},
                )
        return redirect(address)
    what = request.GET.get("what", "")
    found = _follow_target(programme, what)
    control = None
    if found is not None:
        control = follow_control(request, programme, what)
        control.label = found[1]
    return render(
        request,
        "portal/follow.html",
        {
            "programme": programme,
            "control": control,
            "target_url": found[2] if found else None,
        },
    )


# -- parts of other pages ---------------------------------------------------------------------


def for_measure(request, programme, measure, milestones, comment_form=None) -> dict:
    """The measure page's part: the latest questions and statements about the measure and its
    milestones as of today, the form to ask about them, its comments with the form to comment
    (``comment_form``: one sent with a problem), and the follow button (a fixed number of
    queries)."""
    today = clock.today()
    items = (
        Submission.objects.filter(programme=programme)
        .filter(Q(measure=measure) | Q(milestone__measure=measure))
        .public()
        .select_related("milestone", "measure")
    )
    rows = reads.rows(items, today)
    lines = [_line(programme, r.item, r.status, r.due, r.extended) for r in rows]
    context = {
        "submissions": lines[:ON_THE_MEASURE_PAGE],
        "submissions_total": len(lines),
        "question_period": period_of(programme, Submission.QUESTION),
        **_participant_context(request, programme, Submission.QUESTION),
    }
    if context["may_ask"]:
        context["form"] = question_form(programme, measure=measure, milestones=milestones)
    context.update(comment_context(request, measure, context["may_ask"], comment_form))
    context["follow"] = follow_control(
        request,
        programme,
        f"measure:{measure.code}",
        f"{measure.code} {measure.title}",
        may=context["may_ask"],
    )
    return context


def shares(programme) -> dict:
    """{"question": Figures, "statement": Figures} of the programme as of today (the share
    answered in time for the overview), in two queries."""
    today = clock.today()
    briefs = reads.briefs(Submission.objects.filter(programme=programme), today, ("kind",))
    return {
        kind: periods.figures((b.engine for b in briefs if b.fields["kind"] == kind), today)
        for kind in (Submission.QUESTION, Submission.STATEMENT)
    }
