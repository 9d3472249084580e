"""Proposals with their supports and the office's decisions: one function per operation, each
through ``common.commit`` with one history event (``forecast=False``: a proposal moves no
date or amount of the plan; a measure it becomes is written by the plan's own services).

Dates: a proposal is received today; a support is dated the day it is given; a decision and
an extension are dated the day they are saved. The rules of the threshold and the due date
are ``plansicht.engine.proposals``'.
"""

import io
import re
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plansicht import clock
from plansicht.engine import proposals as rules
from plansicht.participation.models import Body, Follow
from plansicht.participation.people import display_name, may_take_part
from plansicht.plan.models import Measure, Milestone, PlanVersion
from plansicht.proposals import reads
from plansicht.proposals.models import (
    LINK_LENGTH,
    REASON_LENGTH,
    TEXT_LENGTH,
    TITLE_LENGTH,
    Decision,
    Extension,
    Proposal,
    Support,
)
from plansicht.reports.models import ChangeRequest
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
from .permissions import can_edit_plan, can_moderate, check

PREFIX = "V"  # Vorschlag
IMAGE_LIMIT = 10 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
LINK_PATTERN = re.compile(
    r"^(measure|milestone|change_request):(\S(?:.*\S)?)$|^plan_version:(\d+)$"
)

LABELS = {
    "title": gettext_lazy("Title"),
    "text": gettext_lazy("Text"),
    "reason": gettext_lazy("Reason"),
}


_text = text_checker(LABELS, TEXT_LENGTH)


def _event(proposal: Proposal, changes: dict, *, public=True) -> dict:
    return event_about(proposal, changes, public=public)


def next_code(programme) -> str:
    """The next free code: V1, V2, …"""
    numbers = [
        int(code[len(PREFIX) :])
        for code in Proposal.objects.filter(programme=programme).values_list("code", flat=True)
        if code.startswith(PREFIX) and code[len(PREFIX) :].isdigit()
    ]
    return f"{PREFIX}{max(numbers, default=0) + 1}"


def _about(programme, about) -> dict:
    if about is None:
        return {}
    if isinstance(about, Measure | Milestone) and about.programme_id == programme.pk:
        if about.draft or (isinstance(about, Milestone) and about.measure.draft):
            raise ServiceError(_("This item is not published."), field="about")
        return {type(about).__name__.lower(): about}
    raise ServiceError(_("Choose the measure or milestone it concerns."), field="about")


def clean_image(upload) -> ContentFile:
    """An uploaded image as stored: decoded and written anew by Pillow, so that nothing but
    the pixels is kept (no EXIF with the camera's position, no comments); JPEG, PNG or WebP,
    at most 10 MB and 40 megapixels."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload.size > IMAGE_LIMIT:
        raise ServiceError(_("The file is larger than 10 MB. Make it smaller."), field="attachment")
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            kind = image.format
            if kind not in IMAGE_FORMATS:
                raise ServiceError(
                    _("Attach a JPEG, PNG or WebP image or a PDF file."), field="attachment"
                )
            if image.width * image.height > 40_000_000:
                raise ServiceError(
                    _("The image is too large. Make it smaller."), field="attachment"
                )
            image = ImageOps.exif_transpose(image)  # keep it upright without its EXIF
            if kind == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            clean = Image.new(image.mode, image.size)
            clean.paste(image)
            if "transparency" in image.info and kind == "PNG":
                clean.info["transparency"] = image.info["transparency"]
            out = io.BytesIO()
            clean.save(out, format=kind)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ServiceError(
            _("The file is neither an image nor a PDF. Attach a JPEG, PNG or WebP image or a PDF."),
            field="attachment",
        ) from None
    return ContentFile(out.getvalue(), name=f"image.{IMAGE_FORMATS[kind]}")


def _attachment(upload) -> tuple[object, str]:
    """(the file to store, its extension): a PDF as given, an image without its metadata."""
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        check_pdf(upload, field="attachment", not_pdf="")
        return upload, "pdf"
    cleaned = clean_image(upload)
    return cleaned, cleaned.name.rsplit(".", 1)[1]


def submit(
    programme,
    *,
    actor: Actor,
    title: str,
    text: str,
    about=None,
    author=None,
    body: Body | None = None,
    attachment=None,
) -> Proposal:
    """A participant proposes a new or changed measure or milestone, in their own name or for
    a body they speak for; received today. The proposer follows it."""
    check(actor, lambda user: author is not None and user == author)
    if not may_take_part(author):
        raise ServiceError(
            _("Only participants with a confirmed e-mail address may make proposals.")
        )
    title = " ".join(_text(title, "title", limit=TITLE_LENGTH).split())
    text = _text(text, "text")
    if body is not None and (
        body.organisation_id != programme.organisation_id
        or not body.speakers.filter(pk=author.pk).exists()
    ):
        raise ServiceError(_("You do not speak for this body."), field="body")
    target = _about(programme, about)
    stored = _attachment(attachment) if attachment is not None else None
    author_name = display_name(author)
    received = clock.today()
    holder = {}

    def apply():
        holder["item"] = item = Proposal.objects.create(
            programme=programme,
            code=next_code(programme),
            author=author,
            author_name=author_name,
            body=body,
            received=received,
            title=title,
            text=text,
            **target,
        )
        if stored is not None:
            upload, extension = stored
            item.attachment.save(f"{item.code}.{extension}", upload, save=True)
        Follow.objects.get_or_create(user=author, programme=programme, proposal=item)

    commit(
        programme,
        actor=actor,
        reason="",
        action="proposal.received",
        apply=apply,
        event=lambda: _event(holder["item"], {"received": [None, received.isoformat()]}),
        forecast=False,
    )
    return holder["item"]


def _threshold_changes(proposal, before, after) -> dict:
    """The event's changes of a support given or withdrawn: the count, and the day the
    threshold was reached when that moved."""
    changes = {"supports": [before.supports, after.supports]}
    if before.threshold_reached != after.threshold_reached:
        changes["threshold_reached"] = [
            before.threshold_reached.isoformat() if before.threshold_reached else None,
            after.threshold_reached.isoformat() if after.threshold_reached else None,
        ]
    return changes


def _commit_supports(proposal, actor, action, apply, before, today) -> None:
    """Record a change of the supports as one internal event: the count, and the day the
    threshold was reached where that moved."""
    commit(
        proposal.programme,
        actor=actor,
        reason="",
        action=action,
        apply=apply,
        event=lambda: _event(
            proposal,
            _threshold_changes(proposal, before, reads.state_of(proposal, today)),
            public=False,
        ),
        forecast=False,
    )


def support(proposal: Proposal, *, actor: Actor, user) -> Support:
    """Support a proposal, dated today: once per participant, while it is open."""
    check(actor, lambda acting: acting == user)
    if not may_take_part(user):
        raise ServiceError(
            _("Only participants with a confirmed e-mail address may support proposals.")
        )
    if not proposal.is_open or proposal.hidden:
        raise ServiceError(_("This proposal is decided; it takes no more supports."))
    today = clock.today()
    before = reads.state_of(proposal, today)
    holder = {}

    def apply():
        try:
            with transaction.atomic():
                holder["support"] = Support.objects.create(proposal=proposal, user=user, on=today)
        except IntegrityError:
            raise ServiceError(_("You support this proposal already.")) from None

    _commit_supports(proposal, actor, "proposal.supported", apply, before, today)
    return holder["support"]


def withdraw_support(proposal: Proposal, *, actor: Actor, user) -> None:
    """Withdraw one's support while the proposal is open: it no longer counts, and the day the
    threshold was reached may move later or be undone."""
    check(actor, lambda acting: acting == user)
    if not proposal.is_open:
        raise ServiceError(_("This proposal is decided; supports can no longer be withdrawn."))
    today = clock.today()
    before = reads.state_of(proposal, today)

    def apply():
        if not Support.objects.filter(proposal=proposal, user=user).delete()[0]:
            raise ServiceError(_("You do not support this proposal."))

    _commit_supports(proposal, actor, "proposal.support_withdrawn", apply, before, today)


def check_link(programme, link: str) -> str:
    """A link as stored: ``measure:CODE``, ``milestone:CODE``, ``plan_version:N`` or
    ``change_request:CODE``, naming something of the programme."""
    link = (link or "").strip()
    match = LINK_PATTERN.match(link) if len(link) <= LINK_LENGTH else None
    if match is None:
        raise ServiceError(
            _(
                "Name what took the proposal up as measure:CODE, milestone:CODE, "
                "plan_version:NUMBER or change_request:CODE."
            ),
            field="link",
        )
    what, code, number = match.groups()
    found = {
        "measure": lambda: Measure.objects.filter(programme=programme, code=code).exists(),
        "milestone": lambda: Milestone.objects.filter(programme=programme, code=code).exists(),
        "change_request": lambda: ChangeRequest.objects.filter(
            programme=programme, code=code
        ).exists(),
        None: lambda: PlanVersion.objects.filter(programme=programme, number=int(number)).exists(),
    }[what]()
    if not found:
        raise ServiceError(
            _("The programme has no {what} {code}.").format(
                what=what or "plan_version", code=code or number
            ),
            field="link",
        )
    return link


def decide(
    proposal: Proposal,
    *,
    actor: Actor,
    status: str,
    reason: str,
    link: str = "",
    expected_version=None,
) -> Decision:
    """Change a proposal's status, dated today, with a public reason. ``taken_into_plan`` and
    ``partly_taken`` name what took it up; withdrawing is the proposer's (:func:`withdraw`)."""
    programme = proposal.programme
    check(actor, lambda user: can_edit_plan(user, programme))
    if status not in rules.STATUSES or status == rules.WITHDRAWN:
        raise ServiceError(_("Choose the new status."), field="status")
    if proposal.status == rules.WITHDRAWN:
        raise ServiceError(_("The proposer withdrew this proposal."))
    if status == proposal.status and status in rules.UNDECIDED:
        raise ServiceError(_("The proposal has this status already."), field="status")
    reason = _text(reason, "reason", limit=TEXT_LENGTH)
    if status in rules.TAKEN:
        if not (link or "").strip():
            raise ServiceError(
                _("Name the measure, milestone, plan version or change request that took it up."),
                field="link",
            )
        link = check_link(programme, link)
    elif (link or "").strip():
        link = check_link(programme, link)
    else:
        link = ""
    return _decide(proposal, actor, status, reason, link, expected_version)


def _decide(proposal, actor, status, reason, link, expected_version) -> Decision:
    today = clock.today()
    old = proposal.status
    holder = {}

    def apply():
        holder["decision"] = Decision.objects.create(
            proposal=proposal,
            on=max(today, proposal.received),
            status=status,
            reason=reason,
            link=link,
        )
        proposal.status = status
        proposal.save(update_fields=["status", "version"])

    def undo():
        proposal.status = old

    changes = {"status": [old, status]}
    if link:
        changes["link"] = [None, link]
    commit(
        proposal.programme,
        actor=actor,
        reason=reason,
        action="proposal.decided",
        apply=apply,
        undo=undo,
        event=lambda: _event(proposal, changes),
        versioned=proposal,
        expected_version=expected_version,
        forecast=False,
    )
    return holder["decision"]


def withdraw(proposal: Proposal, *, actor: Actor, user, reason: str = "") -> Decision:
    """The proposer withdraws their proposal while it is open; it takes no part in the
    figures from then on."""
    check(actor, lambda acting: acting == user and proposal.author_id == user.pk)
    if not proposal.is_open:
        raise ServiceError(_("This proposal is decided; it can no longer be withdrawn."))
    reason = _text(reason, "reason", required=False, limit=REASON_LENGTH)
    return _decide(proposal, actor, rules.WITHDRAWN, reason, "", None)


def extend(proposal: Proposal, *, actor: Actor, to, reason: str, expected_version=None):
    """Extend the due date of a proposal that reached its threshold, granted today, to a later
    date, with a public reason. Not after the decision."""
    check(actor, lambda user: can_edit_plan(user, proposal.programme))
    if not isinstance(to, date):
        raise ServiceError(_("Enter the new due date."), field="to")
    check_date_range(to, "to")
    reason = _text(reason, "reason", limit=REASON_LENGTH)
    today = clock.today()
    current = reads.state_of(proposal, today)
    if current.decided is not None or not proposal.is_open:
        raise ServiceError(_("This proposal is decided; its due date can no longer be extended."))
    if current.due is None:
        raise ServiceError(
            _("The proposal has not reached its threshold; it has no due date to extend.")
        )
    return commit_extension(
        proposal,
        proposal.extensions,
        actor=actor,
        action="proposal.extended",
        to=to,
        reason=reason,
        in_force=current.due,
        today=today,
        event=_event,
        expected_version=expected_version,
    )


def hide(proposal: Proposal, *, actor: Actor, reason: str, expected_version=None) -> None:
    """Hide a proposal with a public reason: its page shows the reason instead of the text and
    image, and it leaves the figures. Nothing is deleted."""
    check(actor, lambda user: can_moderate(user, proposal.programme))
    reason = _text(reason, "reason", limit=REASON_LENGTH)

    def apply():
        if proposal.hidden:
            raise ServiceError(_("This item is hidden already."))
        proposal.hidden, proposal.hidden_reason = True, reason
        proposal.save(update_fields=["hidden", "hidden_reason", "version"])

    def undo():
        proposal.hidden, proposal.hidden_reason = False, ""

    commit(
        proposal.programme,
        actor=actor,
        reason=reason,
        action="proposal.hidden",
        apply=apply,
        undo=undo,
        event=lambda: _event(proposal, {"hidden": [False, True]}),
        versioned=proposal,
        expected_version=expected_version,
        forecast=False,
    )


def save_settings(
    programme, *, actor: Actor, threshold, labels: dict, reason: str = "", expected_version=None
) -> None:
    """Change the supports after which a proposal must be decided, and the programme's words
    for the statuses (empty: the default words)."""
    check(actor, lambda user: can_edit_plan(user, programme))
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int)
        or not 1 <= threshold <= 1_000_000
    ):
        raise ServiceError(_("Enter a whole number of supports, at least 1."), field="threshold")
    cleaned = {}
    for status, label in (labels or {}).items():
        if status not in rules.STATUSES:
            raise ServiceError(_("Unknown status {status}.").format(status=status), field="labels")
        label = " ".join(str(label or "").split())
        if len(label) > 60:
            raise ServiceError(_("A word for a status has at most 60 characters."), field=status)
        if label:
            cleaned[status] = label
    changes = {}
    if programme.proposal_threshold != threshold:
        changes["proposal_threshold"] = [programme.proposal_threshold, threshold]
    if (programme.proposal_labels or {}) != cleaned:
        changes["proposal_labels"] = [programme.proposal_labels or {}, cleaned]
    if not changes:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    commit_settings(
        programme,
        actor=actor,
        reason=_text(reason, "reason", required=False, limit=REASON_LENGTH),
        action="programme.proposal_settings",
        values={"proposal_threshold": threshold, "proposal_labels": cleaned},
        changes=changes,
        expected_version=expected_version,
    )


# -- loading a programme document ------------------------------------------------------------


def detach_proposals(programme, document: dict):
    """Before the plan of a document replaces the programme's: remove the proposals the
    document lacks and loosen the rest from what they concern (set again by
    ``replace_proposals_state``)."""
    keep = {p["code"] for p in document.get("participation", {}).get("proposals", [])}
    items = Proposal.objects.filter(programme=programme)
    items.exclude(code__in=keep).delete()
    items.update(measure=None, milestone=None, position=None)


def replace_proposals_state(programme, organisation, document: dict):
    """Make the programme's proposals equal the document's, matched by code (they keep their
    identity and history). Part of ``services.programme.load_programme``."""
    programme.proposal_threshold = document["programme"]["proposal_threshold"]
    programme.proposal_labels = document["programme"]["proposal_labels"]
    programme.save(update_fields=["proposal_threshold", "proposal_labels"])
    lookup = {
        "measure": {m.code: m for m in Measure.objects.filter(programme=programme)},
        "milestone": {m.code: m for m in Milestone.objects.filter(programme=programme)},
        "position": {p.code: p for p in Position.objects.filter(programme=programme)},
    }
    bodies = {b.code: b for b in Body.objects.filter(organisation=organisation)}
    existing = {p.code: p for p in Proposal.objects.filter(programme=programme)}
    for item in document.get("participation", {}).get("proposals", []):
        p = existing.get(item["code"])
        if p is None:
            p = Proposal(programme=programme, code=item["code"])
        else:
            p.version += 1
        p.measure = p.milestone = p.position = None
        if item["about"] is not None:
            what, code = item["about"]
            setattr(p, what, lookup[what][code])
        p.author_name = item["by"] or ""
        p.body = bodies.get(item["body"]) if item["body"] else None
        p.received, p.title, p.text = item["received"], item["title"], item["text"]
        p.hidden = item["hidden"] is not None
        p.hidden_reason = item["hidden"]["reason"] if item["hidden"] else ""
        p.status = item["decisions"][-1]["status"] if item["decisions"] else rules.SUBMITTED
        p.save()
        # Supports in the document are dates only: those of accounts stay matched to their
        # accounts where the dates agree, the rest are kept without a person.
        kept = list(p.supports.order_by("on", "pk"))
        wanted = sorted(item["supports"])
        by_date: dict = {}
        for s in kept:
            by_date.setdefault(s.on, []).append(s)
        new = []
        for on in wanted:
            if by_date.get(on):
                by_date[on].pop(0)
            else:
                new.append(Support(proposal=p, on=on))
        stale = [s.pk for group in by_date.values() for s in group]
        Support.objects.filter(pk__in=stale).delete()
        Support.objects.bulk_create(new)
        p.decisions.all().delete()
        Decision.objects.bulk_create(
            Decision(
                proposal=p, on=d["on"], status=d["status"], reason=d["reason"], link=d["link"] or ""
            )
            for d in item["decisions"]
        )
        p.extensions.all().delete()
        Extension.objects.bulk_create(
            Extension(proposal=p, on=e["on"], to=e["to"], reason=e["reason"])
            for e in item["extensions"]
        )
