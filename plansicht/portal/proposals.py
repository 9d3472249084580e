"""Public pages of the proposals: a programme's proposals with their supports, the threshold
and the due date once it is reached; one proposal's page with the office's decisions and
their public reasons; a participant's proposal, support, withdrawal and comments.

Everything is as of today, computed from the stored dates by the rules of
``plansicht.engine.proposals`` (``plansicht.proposals.reads.rows``: a fixed number of queries
for the whole list). A proposal hidden by the moderation shows the moderation's reason, never
its title, text or attachment; one about a draft has no public page. Every write goes through
``plansicht.services.proposals`` (comments through ``services.participation.write_comment``).
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plansicht import clock
from plansicht.engine import proposals as rules
from plansicht.participation.models import TEXT_LENGTH
from plansicht.participation.people import may_take_part
from plansicht.plan.models import Measure, Milestone, Programme
from plansicht.proposals import reads
from plansicht.proposals.models import TITLE_LENGTH, Proposal, Support, status_label
from plansicht.services import Actor, ServiceError
from plansicht.services import proposals as service

from . import limits
from .cache import public_page
from .forms import TEXT_HINT, _trap, _Trapped
from .participation import (
    PROPOSAL_WORD,
    _refused_for_now,
    _resolve,
    _speaker_bodies,
    _statement_choices,
    about_link,
    comment_context,
    follow_control,
    receive_comment,
)

PER_PAGE = 50
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
}
SUPPORT_FILTERS = {
    "reached": gettext_lazy("reached the threshold"),
    "below": gettext_lazy("below the threshold"),
}
SORTINGS = {
    "newest": gettext_lazy("newest first"),
    "supports": gettext_lazy("most supports first"),
    "due": gettext_lazy("due soonest first"),
}


def _programme(slug):
    return get_object_or_404(Programme.objects.select_related("organisation"), slug=slug)


def _public(programme):
    return (
        Proposal.objects.filter(programme=programme)
        .public()
        .select_related("measure", "milestone", "position", "body")
    )


# -- forms ------------------------------------------------------------------------------------


class ProposalFilter(forms.Form):
    """The proposals by status, measure and supports, in an order."""

    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    measure = forms.ChoiceField(label=gettext_lazy("Measure (with its milestones)"), required=False)
    supports = forms.ChoiceField(label=gettext_lazy("Supports"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Order"), required=False)

    def __init__(self, *args, programme=None, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Every status"))] + [
            (s, status_label(programme, s)) for s in rules.STATUSES
        ]
        self.fields["measure"].choices = [("", _("Every measure"))] + [
            (m.code, f"{m.code} {m.title}") for m in measures
        ]
        self.fields["supports"].choices = [("", _("Any number"))] + list(SUPPORT_FILTERS.items())
        self.fields["sort"].choices = list(SORTINGS.items())


class ProposalForm(_Trapped):
    """A participant's proposal: title, text, what it concerns, for whom, an image or PDF."""

    body = forms.ChoiceField(label=gettext_lazy("Proposed by"), required=False)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=TITLE_LENGTH, strip=True)
    text = forms.CharField(
        label=gettext_lazy("Your proposal"),
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=True,
        help_text=TEXT_HINT,
    )
    about = forms.ChoiceField(label=gettext_lazy("It concerns"))
    # Checked by the service (an image by decoding it, a PDF by its content); its message goes
    # on this field.
    attachment = forms.FileField(
        label=gettext_lazy("An image (JPEG, PNG, WebP) or a PDF file"),
        required=False,
        help_text=gettext_lazy(
            "At most 10 MB. An image is stored without its metadata (such as the place where "
            "it was taken). If the form is shown again with a problem, choose the file again: "
            "browsers do not keep it."
        ),
        widget=forms.FileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf,.pdf"}
        ),
    )
    website = _trap()

    field_order = ["body", "title", "text", "about", "attachment", "website"]

    def __init__(self, *args, choices=(), bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = choices
        if bodies:
            self.fields["body"].choices = [("", _("In my own name"))] + [
                (str(b.pk), b.name) for b in bodies
            ]
        else:
            del self.fields["body"]
        self.fields["title"].error_messages["max_length"] = _(
            "The title has at most %(limit_value)d characters (it has %(show_value)d)."
        )

    def clean_title(self):
        return self._checked_text("title", TITLE_LENGTH)

    def clean_text(self):
        return self._checked_text("text", TEXT_LENGTH)


class WithdrawForm(_Trapped):
    reason = forms.CharField(
        label=gettext_lazy("Why you withdraw it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        strip=True,
        help_text=gettext_lazy("Shown publicly with the proposal."),
    )


# -- the list ---------------------------------------------------------------------------------


@dataclass
class Line:
    """A proposal as the list shows it, as of today."""

    item: Proposal
    state: object  # rules.State
    label: str  # its status in the programme's words
    url: str
    about_url: str
    about_label: str

    @property
    def shown_due(self):
        """The due date in force once the threshold is reached and while undecided."""
        return self.state.due if self.state.threshold_reached else None


def _concerns(item, measure) -> bool:
    return item.measure_id == measure.pk or (
        item.milestone_id is not None and item.milestone.measure_id == measure.pk
    )


def _sorted(rows, how):
    if how == "supports":
        return sorted(rows, key=lambda r: (-r.state.supports, -r.item.received.toordinal()))
    if how == "due":
        far = 10**7
        return sorted(
            rows,
            key=lambda r: (
                r.state.due.toordinal() if r.state.due and r.state.decided is None else far,
                -r.item.received.toordinal(),
            ),
        )
    return rows  # newest first: the queryset's order


@public_page
def proposals(request, slug):
    """The proposals of a programme as of today: filtered, sorted, 50 a page."""
    programme = _programme(slug)
    today = clock.today()
    found = reads.rows(programme, today, queryset=_public(programme))
    measures = list(Measure.objects.filter(programme=programme).public().order_by("code"))
    filters = ProposalFilter(
        request.GET, programme=programme, measures=measures, auto_id="filter-%s"
    )
    status = 200 if filters.is_valid() else 400
    chosen = filters.cleaned_data  # the valid filters only
    shown = found
    if chosen.get("status"):
        shown = [r for r in shown if r.item.status == chosen["status"]]
    measure = next((m for m in measures if m.code == chosen.get("measure")), None)
    if measure is not None:
        shown = [r for r in shown if _concerns(r.item, measure)]
    if chosen.get("supports") == "reached":
        shown = [r for r in shown if r.state.threshold_reached is not None]
    elif chosen.get("supports") == "below":
        shown = [r for r in shown if r.state.threshold_reached is None]
    shown = _sorted(shown, chosen.get("sort") or "newest")
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    lines = []
    for row in page.object_list:
        about_url, about_label = about_link(programme, row.item)
        lines.append(
            Line(
                row.item,
                row.state,
                status_label(programme, row.item.status),
                reverse("portal:proposal", args=[programme.slug, row.item.code]),
                about_url,
                about_label,
            )
        )
    page.object_list = lines
    query = request.GET.copy()
    query.pop("page", None)
    counted = reads.figures(programme, today, found)
    return render(
        request,
        "portal/proposals.html",
        {
            "programme": programme,
            "page": page,
            "filters": filters,
            "filtered": any(chosen.get(k) for k in ("status", "measure", "supports")),
            "query": query.urlencode(),
            "total": len(found),
            "threshold": programme.proposal_threshold,
            "figures": counted,
            "today": today,
            "may_propose": may_take_part(request.user),
            "signed_in": request.user.is_authenticated,
            "nav": "proposals",
        },
        status=status,
    )


# -- a new proposal ---------------------------------------------------------------------------


def _choices(programme):
    """What a proposal may concern: the programme, a public measure or milestone."""
    return _statement_choices(programme)


def new_proposal(request, slug):
    """The form for a participant's proposal (GET), and the proposal sent (POST)."""
    programme = _programme(slug)
    user = request.user
    if not may_take_part(user):
        if request.method == "POST":
            raise PermissionDenied(
                _("Only participants with a confirmed e-mail address may make proposals.")
            )
        return render(
            request,
            "portal/proposal_new.html",
            {
                "programme": programme,
                "form": None,
                "signed_in": user.is_authenticated,
                "nav": "proposals",
            },
        )
    bodies = _speaker_bodies(user, programme)
    choices = _choices(programme)
    status = 200
    initial = {}
    wanted = request.GET.get("about", "")
    if wanted:
        initial["about"] = wanted
    if request.method != "POST":
        form = ProposalForm(choices=choices, bodies=bodies, initial=initial, auto_id="propose-%s")
    else:
        form = ProposalForm(
            request.POST, request.FILES, choices=choices, bodies=bodies, auto_id="propose-%s"
        )
        result = _receive(request, programme, form, bodies)
        if not isinstance(result, int):
            return result
        status = result
    return render(
        request,
        "portal/proposal_new.html",
        {
            "programme": programme,
            "form": form,
            "signed_in": True,
            "threshold": programme.proposal_threshold,
            "nav": "proposals",
        },
        status=status,
    )


def _receive(request, programme, form, bodies):
    """Store a proposal sent with ``form`` and go to its page; else the HTTP status, with the
    problems on the form and nothing stored."""
    if form.filled_by_a_robot():
        form.add_error(None, _("Your text could not be received. Nothing was stored."))
        return 400
    if not form.is_valid():
        return 400
    if _refused_for_now(request, form, limits.SUBMISSIONS):
        return 429
    data = form.cleaned_data
    body = next((b for b in bodies if str(b.pk) == data.get("body")), None)
    try:
        item = service.submit(
            programme,
            actor=Actor.for_user(request.user, programme),
            title=data["title"],
            text=data["text"],
            about=_resolve(programme, data["about"]),
            author=request.user,
            body=body,
            attachment=data.get("attachment") or None,
        )
    except ServiceError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
        return 400
    limits.count(request)
    messages.success(
        request,
        _(
            "Your proposal %(code)s has been received. Once %(threshold)s participants support "
            "it, the programme decides on it within its answer period, with a public reason."
        )
        % {"code": item.code, "threshold": programme.proposal_threshold},
    )
    return redirect("portal:proposal", programme.slug, item.code)


# -- one proposal -----------------------------------------------------------------------------


def _link(programme, link: str) -> dict | None:
    """What took a proposal up, as the page shows it: a label and the public page, if any;
    None for a measure or milestone that is not public (a draft's code is never named)."""
    what, _colon, code = link.partition(":")
    slug = programme.slug
    if what == "measure":
        m = Measure.objects.filter(programme=programme, code=code).public().first()
        if m is not None:
            return {
                "label": f"{m.code} {m.title}",
                "url": reverse("portal:measure", args=[slug, code]),
            }
        return None
    if what == "milestone":
        m = Milestone.objects.filter(programme=programme, code=code).public().first()
        if m is not None:
            url = reverse("portal:milestone", args=[slug, code])
            return {"label": f"{m.code} {m.title}", "url": url}
        return None
    if what == "plan_version":
        return {"label": _("Plan version %(number)s") % {"number": code}, "url": None}
    if what == "change_request":
        return {"label": _("Change request %(code)s") % {"code": code}, "url": None}
    return {"label": link, "url": None}


@dataclass
class Shown:
    on: object
    label: str
    reason: str
    link: dict | None


def _attachment(programme, item) -> dict | None:
    """The attachment as the page shows it, or None (none, lost, or the proposal hidden)."""
    if item.hidden or not item.attachment:
        return None
    try:
        size = item.attachment.size
    except OSError:  # lost from the disk: better no link than a broken one
        return None
    extension = item.attachment.name.rsplit(".", 1)[-1].lower()
    return {
        "url": reverse("portal:proposal_file", args=[programme.slug, item.code]),
        "pdf": extension == "pdf",
        "name": f"{item.code}.{extension}",
        "size": size,
    }


def _act(request, programme, item):
    """A participant's support, its withdrawal, or the proposer's withdrawal (POST)."""
    user = request.user
    action = request.POST.get("action")
    if not may_take_part(user):
        raise PermissionDenied(_("Only participants with a confirmed e-mail address take part."))
    actor = Actor.for_user(user, programme)
    address = reverse("portal:proposal", args=[programme.slug, item.code])
    try:
        if action == "support":
            service.support(item, actor=actor, user=user)
            messages.success(request, _("You support proposal %(code)s.") % {"code": item.code})
        elif action == "unsupport":
            service.withdraw_support(item, actor=actor, user=user)
            messages.success(
                request,
                _("You no longer support proposal %(code)s.") % {"code": item.code},
            )
        else:  # withdraw
            if user.pk != item.author_id:
                raise PermissionDenied(_("Only the proposer may withdraw a proposal."))
            form = WithdrawForm(request.POST, auto_id="withdraw-%s")
            reason = form.data.get("reason", "")
            service.withdraw(item, actor=actor, user=user, reason=reason)
            messages.success(
                request, _("You have withdrawn proposal %(code)s.") % {"code": item.code}
            )
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(address)


@public_page
def proposal(request, slug, code):
    """A proposal's page; a participant supports it, comments on it or withdraws it here
    (POST)."""
    programme = _programme(slug)
    item = _public(programme).filter(code=code).select_related("author").first()
    if item is None:
        raise Http404(_("There is no public proposal with this code."))
    comment_form, status = None, 200
    if request.method == "POST":
        if request.POST.get("action") in ("support", "unsupport", "withdraw"):
            return _act(request, programme, item)
        if item.hidden:
            raise PermissionDenied(_("A proposal hidden by the moderation takes no comments."))
        result = receive_comment(request, programme, item)
        if not isinstance(result, tuple):
            return result
        comment_form, status = result
    today = clock.today()
    state = reads.state_of(item, today)
    decisions = [
        Shown(
            d.on,
            status_label(programme, d.status),
            d.reason,
            _link(programme, d.link) if d.link else None,
        )
        for d in item.decisions.filter(on__lte=today).order_by("on", "pk")
    ]
    extensions = list(item.extensions.filter(on__lte=today).order_by("on", "pk"))
    user = request.user
    may = may_take_part(user)
    supported = may and Support.objects.filter(proposal=item, user=user).exists()
    own = user.is_authenticated and user.pk == item.author_id
    about_url, about_label = about_link(programme, item)
    threshold = programme.proposal_threshold
    context = {
        "programme": programme,
        "item": item,
        "state": state,
        "label": status_label(programme, item.status),
        "decisions": decisions,
        "extensions": extensions if state.threshold_reached else [],
        "threshold": threshold,
        "progress": min(state.supports, threshold),
        "missing": max(threshold - state.supports, 0),
        "attachment": _attachment(programme, item),
        "about_url": about_url,
        "about_label": about_label,
        "may": may,
        "signed_in": user.is_authenticated,
        "supported": supported,
        "may_support": may and item.is_open and not item.hidden,
        "may_withdraw": own and item.is_open,
        "withdraw_form": WithdrawForm(auto_id="withdraw-%s") if own and item.is_open else None,
        "follow": follow_control(
            request,
            programme,
            f"{PROPOSAL_WORD}:{item.code}",
            _("Proposal %(code)s") % {"code": item.code},
            may=may,
        ),
        "on_proposal": True,
        "nav": "proposals",
    }
    context.update(comment_context(request, item, may and not item.hidden, comment_form))
    return render(request, "portal/proposal.html", context, status=status)


def proposal_file(request, slug, code):
    """A public, shown proposal's image or PDF, served with its own type (the browser must not
    guess another); 404 for any other, a hidden one's too. Never served from MEDIA_URL."""
    programme = _programme(slug)
    item = Proposal.objects.filter(programme=programme, code=code, hidden=False).public().first()
    missing = _("There is no public image or PDF of a proposal with this code.")
    if item is None or not item.attachment:
        raise Http404(missing)
    extension = item.attachment.name.rsplit(".", 1)[-1].lower()
    if extension not in CONTENT_TYPES:
        raise Http404(missing)
    try:
        handle = item.attachment.open("rb")
    except OSError:
        raise Http404(missing) from None
    response = FileResponse(
        handle, content_type=CONTENT_TYPES[extension], filename=f"{item.code}.{extension}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # asked for anew each time: once the moderation hides the proposal, it is gone
    response["Cache-Control"] = "no-cache"
    return response
