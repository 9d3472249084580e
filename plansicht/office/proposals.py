"""Office pages for proposals: the review queue (overdue first, then by the due date in force,
then those below the threshold), one proposal with its decisions and the forms to change its
status and to extend its due date, hiding one (the moderators), and the proposal settings
(the threshold and the programme's own words for the statuses).

Every office role reads the queue, the proposals and the settings; deciding, extending and the
settings are the editors' and administrators' (``can_edit_plan``), hiding the moderators'
(``can_moderate``). Every change goes through ``plansicht.services.proposals``. A proposer is
shown by the name they gave or their body's, nothing more.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from plansicht import clock
from plansicht.engine import periods
from plansicht.engine import proposals as rules
from plansicht.history.models import Event
from plansicht.participation.figures import STATUS_LABELS as ANSWER_STATUS_LABELS
from plansicht.plan.models import Measure, Milestone, PlanVersion
from plansicht.proposals import reads
from plansicht.proposals.models import STATUS_LABELS, Proposal, status_label
from plansicht.reports.models import ChangeRequest
from plansicht.services import ServiceError
from plansicht.services import proposals as service
from plansicht.services.permissions import can_edit_plan, can_moderate

from .common import actor, get_programme_for_user, page_context, show_error
from .forms import (
    ProposalDecisionForm,
    ProposalExtendForm,
    ProposalFilterForm,
    ProposalHideForm,
    ProposalSettingsForm,
)

# Where a proposal stands as of today, in words: the answer statuses and one more. A decided
# one counts as answered (in time, within the extension or late) as a question would.
DEADLINE_LABELS = {
    **ANSWER_STATUS_LABELS,
    rules.BELOW_THRESHOLD: pgettext_lazy("answer status", "below the threshold"),
}
WAITING = (periods.OVERDUE, periods.OPEN, rules.BELOW_THRESHOLD)


def _short(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "–"


@dataclass(frozen=True)
class Line:
    """A proposal in the queue or on its page: the stored object, its state as of today and
    its status in the programme's words."""

    row: reads.Row
    status_word: str

    @property
    def item(self) -> Proposal:
        return self.row.item

    @property
    def state(self):
        return self.row.state

    @property
    def deadline(self) -> str:
        """Where it stands as of today: overdue, open, below the threshold, answered …"""
        return str(DEADLINE_LABELS.get(self.state.status, self.state.status))

    @property
    def extended(self) -> bool:
        return self.state.due is not None and self.state.due != self.state.original_due

    @property
    def waiting(self) -> bool:
        return not self.item.hidden and self.state.status in WAITING


def _lines(programme, as_of, queryset=None) -> list[Line]:
    if queryset is None:
        queryset = _proposals(programme)
    return [
        Line(row, status_label(programme, row.item.status))
        for row in reads.rows(programme, as_of, queryset)
    ]


def _proposals(programme):
    return Proposal.objects.filter(programme=programme).select_related(
        "measure", "milestone", "position", "body"
    )


def _urgency(line: Line) -> tuple:
    """Overdue first, then open (each by the due date in force), then those below the
    threshold (the most supported first), then the decided (the latest first), then the
    withdrawn and hidden."""
    state, item = line.state, line.item
    if item.hidden or state.status == periods.WITHDRAWN:
        return (4, 0, item.pk)
    if state.status == periods.OVERDUE:
        return (0, state.due.toordinal(), item.pk)
    if state.status == periods.OPEN:
        return (1, state.due.toordinal(), item.pk)
    if state.status == rules.BELOW_THRESHOLD:
        return (2, -state.supports, item.received.toordinal(), item.pk)
    return (3, -(state.decided or item.received).toordinal(), item.pk)


def _keep(line: Line, show: str, status: str) -> bool:
    if status and line.item.status != status:
        return False
    if show == "all":
        return True
    if line.item.hidden or line.state.status == periods.WITHDRAWN:
        return False
    if show == ProposalFilterForm.DECIDED:
        return line.state.decided is not None
    if show in WAITING:
        return line.state.status == show
    return line.state.status in WAITING


def status_choices(programme, *, withdrawn=True) -> list[tuple[str, str]]:
    """The six statuses (or five, without ``withdrawn``) in the programme's words."""
    return [
        (status, status_label(programme, status))
        for status in STATUS_LABELS
        if withdrawn or status != rules.WITHDRAWN
    ]


def _context(request, programme, **extra) -> dict:
    return page_context(
        request,
        programme,
        nav="proposals",
        may_decide=can_edit_plan(request.user, programme),
        can_moderate=can_moderate(request.user, programme),
        **extra,
    )


# -- the review queue -------------------------------------------------------------------------


def _filter_form(request, programme) -> ProposalFilterForm:
    if "filtered" in request.GET:
        data = request.GET
    else:
        data = QueryDict(mutable=True)
        data["show"] = ProposalFilterForm.WAITING
    form = ProposalFilterForm(data, status_choices=status_choices(programme))
    form.is_valid()  # an invalid value is shown at its field and not applied
    return form


@login_required
def queue(request, slug):
    """The programme's proposals with their supports against the threshold, the day it was
    reached, the due date in force and where each stands today: overdue first, then by the
    due date, then those below the threshold."""
    programme = get_programme_for_user(request, slug)
    as_of = clock.today()
    form = _filter_form(request, programme)
    chosen = getattr(form, "cleaned_data", {})
    show = chosen.get("show") or ProposalFilterForm.WAITING
    lines = sorted(
        (line for line in _lines(programme, as_of) if _keep(line, show, chosen.get("status"))),
        key=_urgency,
    )
    return render(
        request,
        "office/proposal_queue.html",
        _context(
            request,
            programme,
            lines=lines,
            as_of=as_of,
            filter_form=form,
            show_label=dict(ProposalFilterForm.SHOW)[show],
        ),
        status=400 if form.errors else 200,
    )


def dashboard_counts(programme, as_of) -> dict:
    """The dashboard's figures for those who decide: the proposals overdue and those that
    reached the threshold and wait for a decision."""
    lines = [line for line in _lines(programme, as_of) if line.waiting]
    return {
        "overdue": sum(1 for line in lines if line.state.status == periods.OVERDUE),
        "open": sum(1 for line in lines if line.state.status == periods.OPEN),
    }


# -- one proposal -----------------------------------------------------------------------------


def _get(programme, code) -> Proposal:
    return get_object_or_404(_proposals(programme), code=code)


def link_choices(programme) -> list[tuple[str, str]]:
    """(value, words) for the link field's list: the programme's measures, milestones, plan
    versions and change requests."""
    measures = Measure.objects.filter(programme=programme).order_by("code")
    milestones = Milestone.objects.filter(programme=programme).order_by("code")
    versions = PlanVersion.objects.filter(programme=programme).order_by("number")
    requests = ChangeRequest.objects.filter(programme=programme).order_by("number")
    return [
        *((f"measure:{m.code}", _("Measure %(title)s") % {"title": m.title}) for m in measures),
        *(
            (f"milestone:{m.code}", _("Milestone %(title)s") % {"title": m.title})
            for m in milestones
        ),
        *(
            (f"plan_version:{v.number}", _("Plan version %(label)s") % {"label": v.label})
            for v in versions
        ),
        *(
            (f"change_request:{c.code}", _("Change request of %(date)s") % {"date": _short(c.date)})
            for c in requests
        ),
    ]


def _forms(programme, proposal, data=None, op=None) -> dict:
    """The page's forms, the posted one (``op``) bound to ``data``."""
    initial = {"version": proposal.version}

    def bound(name):
        return {"data": data} if name == op else {"initial": initial}

    return {
        "decide": ProposalDecisionForm(
            prefix="decide",
            status_choices=status_choices(programme, withdrawn=False),
            **bound("decide"),
        ),
        "extend": ProposalExtendForm(prefix="extend", **bound("extend")),
    }


def _page(request, programme, proposal, forms, *, hide_form=None, status=200):
    as_of = clock.today()
    lines = _lines(programme, as_of, _proposals(programme).filter(pk=proposal.pk))
    line = lines[0] if lines else None
    state = line.state if line else None
    may_decide = can_edit_plan(request.user, programme)
    may_hide = can_moderate(request.user, programme)
    if hide_form is None and may_hide and not proposal.hidden:
        hide_form = ProposalHideForm(prefix="hide", initial={"version": proposal.version})
    decisions = [
        (d, status_label(programme, d.status), _link_address(programme, d.link))
        for d in proposal.decisions.order_by("on", "pk")
    ]
    return render(
        request,
        "office/proposal.html",
        _context(
            request,
            programme,
            item=proposal,
            line=line,
            as_of=as_of,
            decisions=decisions,
            extensions=list(proposal.extensions.order_by("on", "pk")),
            forms=forms,
            hide_form=hide_form,
            may_hide=may_hide,
            can_decide=may_decide and proposal.status != rules.WITHDRAWN,
            can_extend=(
                may_decide
                and proposal.is_open
                and state is not None
                and state.due is not None
                and state.decided is None
            ),
            links=link_choices(programme) if may_decide else [],
            history=_history(proposal),
        ),
        status=status,
    )


def _link_address(programme, link: str) -> str | None:
    """The office's page of what a decision's link names (a measure, a milestone, the plan
    versions); None for a change request or an empty link."""
    what, _colon, code = (link or "").partition(":")
    if what in ("measure", "milestone") and code:
        return reverse(f"office:{what}", args=[programme.slug, code])
    if what == "plan_version":
        return reverse("office:plan_versions", args=[programme.slug])
    return None


def _history(proposal) -> list:
    """The proposal's events, each with ``who`` made it: the proposer by the name they gave
    (never their account's name), staff as the history names them. Supports are counted,
    not named: their events are left out."""
    events = list(
        Event.objects.about(proposal)
        .exclude(action__in=["proposal.supported", "proposal.support_withdrawn"])
        .select_related("unit")[:50]
    )
    for event in events:
        by_author = proposal.author_id is not None and event.user_id == proposal.author_id
        event.who = (proposal.shown_author or _("the proposer")) if by_author else event.actor
    return events


@login_required
def proposal(request, slug, code):
    """One proposal: its text, supports, dates and status, its decisions and extensions, its
    history, and for editors the forms to change its status and extend its due date."""
    programme = get_programme_for_user(request, slug)
    item = _get(programme, code)
    if request.method != "POST":
        return _page(request, programme, item, _forms(programme, item))
    if not can_edit_plan(request.user, programme):
        raise PermissionDenied
    op = request.POST.get("op")
    if op not in ("decide", "extend"):
        messages.error(request, _("Choose what to save: a new status or an extension."))
        return _page(request, programme, item, _forms(programme, item), status=400)
    forms = _forms(programme, item, request.POST, op)
    done = _act(request, programme, item, op, forms[op])
    if done:
        messages.success(request, done)
        return redirect("office:proposal", programme.slug, item.code)
    return _page(request, programme, item, forms, status=400)


def _act(request, programme, item, op, form):
    """Validate the posted form and call its service; the success message, or False."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    by = actor(request, programme)
    try:
        if op == "decide":
            decision = service.decide(
                item,
                actor=by,
                status=data["status"],
                reason=data["reason"],
                link=data["link"],
                expected_version=data["version"],
            )
            return _("%(code)s now has the status “%(status)s”, dated %(date)s.") % {
                "code": item.code,
                "status": status_label(programme, decision.status),
                "date": _short(decision.on),
            }
        service.extend(
            item,
            actor=by,
            to=data["to"],
            reason=data["reason"],
            expected_version=data["version"],
        )
        return _("The due date was extended to %(date)s.") % {"date": _short(data["to"])}
    except ServiceError as e:
        show_error(form, e, stored=_stored(programme))
        return False


def _stored(programme):
    """The values stored now under the decision form's names, for the changed-meanwhile
    table: the status and link of the latest decision."""

    def values(current):
        latest = current.decisions.order_by("-on", "-pk").first()
        return {
            "status": current.status,
            "reason": latest.reason if latest else "",
            "link": latest.link if latest else "",
        }

    return values


@login_required
def hide(request, slug, code):
    """Hide a proposal with a public reason (moderators): its page shows the reason instead
    of the text and image, and it leaves the figures. Nothing is deleted."""
    programme = get_programme_for_user(request, slug, may=can_moderate)
    item = _get(programme, code)
    form = ProposalHideForm(prefix="hide", initial={"version": item.version})
    status = 200
    if request.method == "POST":
        form = ProposalHideForm(request.POST, prefix="hide")
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.hide(
                    item,
                    actor=actor(request, programme),
                    reason=data["reason"],
                    expected_version=data["version"],
                )
                messages.success(
                    request,
                    _("%(code)s is hidden. Its public page shows your reason instead of the text.")
                    % {"code": item.code},
                )
                return redirect("office:proposal", programme.slug, item.code)
            except ServiceError as e:
                show_error(form, e, stored=lambda current: {})
        status = 400
    return render(
        request,
        "office/proposal_hide.html",
        _context(request, programme, item=item, form=form),
        status=status,
    )


# -- the settings -----------------------------------------------------------------------------


def _setting_values(programme) -> dict:
    return {
        "threshold": programme.proposal_threshold,
        **{status: (programme.proposal_labels or {}).get(status, "") for status in STATUS_LABELS},
    }


@login_required
def settings(request, slug):
    """The supports a proposal needs to be decided and the programme's words for the six
    statuses: every office role reads them, editors and administrators change them."""
    programme = get_programme_for_user(request, slug)
    may_edit = can_edit_plan(request.user, programme)
    defaults = list(STATUS_LABELS.items())
    form = ProposalSettingsForm(
        defaults=defaults,
        initial={**_setting_values(programme), "version": programme.version},
    )
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = ProposalSettingsForm(request.POST, defaults=defaults)
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.save_settings(
                    programme,
                    actor=actor(request, programme),
                    threshold=data["threshold"],
                    labels={status: data[status] for status in STATUS_LABELS},
                    reason=data["reason"],
                    expected_version=data["version"],
                )
                messages.success(request, _("The proposal settings were saved."))
                return redirect("office:proposal_settings", programme.slug)
            except ServiceError as e:
                show_error(form, e, stored=_setting_values)
        status = 400
    return render(
        request,
        "office/proposal_settings.html",
        _context(
            request,
            programme,
            form=form,
            may_edit=may_edit,
            words=[(str(word), status_label(programme, s)) for s, word in defaults],
        ),
        status=status,
    )
