"""The funder's acceptance of a finished milestone: the second kind of done. A unit reports a
milestone complete (its actual finish, ``services.plan.record_actual``); the funder accepts it
later, on or after that finish, under its own reference, often with a letter (a PDF the
office keeps; it is never served publicly). Finance officers and administrators record it.

It moves no stored figure (``forecast=False``): the forecast reads the actual finish, never
the acceptance."""

from datetime import date

from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plansicht import clock
from plansicht.history.models import Event
from plansicht.plan.history import DOCUMENT_ATTACHED as ATTACHED
from plansicht.plan.history import DOCUMENT_REPLACED as REPLACED
from plansicht.plan.models import Milestone

from . import Actor, ServiceError
from .common import check_date, check_pdf
from .permissions import can_record_acceptance, check
from .plan import commit_milestone

REF_LENGTH = Milestone._meta.get_field("acceptance_ref").max_length


def record_acceptance(
    milestone: Milestone,
    *,
    actor: Actor,
    accepted_on: date | None,
    acceptance_ref: str = "",
    document=None,
    remove_document: bool = False,
    reason: str = "",
    expected_version: int | None = None,
) -> Event:
    """Record (or correct) that the funder accepted ``milestone`` on ``accepted_on`` under
    ``acceptance_ref``, with the funder's letter as ``document`` (an uploaded PDF; None keeps
    the one stored, ``remove_document`` removes it). ``accepted_on`` None clears the
    acceptance, its reference and its document."""
    check(actor, lambda user: can_record_acceptance(user, milestone.programme))
    ref = (acceptance_ref or "").strip()
    if len(ref) > REF_LENGTH:
        raise ServiceError(
            _("At most %(n)d characters.") % {"n": REF_LENGTH}, field="acceptance_ref"
        )
    if accepted_on is None:
        if ref or document is not None:
            raise ServiceError(
                _("Enter the date the funder accepted the milestone."), field="accepted_on"
            )
    else:
        _check_accepted_on(milestone, accepted_on)
    if document is not None:
        check_pdf(
            document,
            field="acceptance_document",
            not_pdf=_("The file is not a PDF. Attach the funder's acceptance as a PDF file."),
        )
    had = bool(milestone.acceptance_document)
    keeps = had and not remove_document and accepted_on is not None
    if document is not None:
        stored = REPLACED if had else ATTACHED
    else:
        stored = ATTACHED if keeps else None
    changes = {
        key: [old, new]
        for key, old, new in (
            ("accepted_on", milestone.accepted_on, accepted_on),
            ("acceptance_ref", milestone.acceptance_ref, ref),
            ("acceptance_document", ATTACHED if had else None, stored),
        )
        if old != new
    }
    if not changes:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    action = (
        "milestone.accepted"
        if milestone.accepted_on is None and accepted_on is not None
        else "milestone.acceptance_corrected"
    )
    old = (milestone.accepted_on, milestone.acceptance_ref, milestone.acceptance_document.name)

    def apply():
        milestone.accepted_on, milestone.acceptance_ref = accepted_on, ref
        if document is not None:
            name = f"{slugify(milestone.code) or 'milestone'}.pdf"
            milestone.acceptance_document.save(name, document, save=False)
        elif stored is None:
            milestone.acceptance_document = ""
        milestone.save(update_fields=["accepted_on", "acceptance_ref", "acceptance_document"])

    def undo():  # the transaction rolled back: the caller's object keeps its old values
        milestone.accepted_on, milestone.acceptance_ref = old[0], old[1]
        milestone.acceptance_document.name = old[2]

    return commit_milestone(
        milestone,
        changes,
        actor=actor,
        reason=reason,
        action=action,
        expected_version=expected_version,
        apply=apply,
        undo=undo,
        forecast=False,
    )


def _check_accepted_on(milestone, accepted_on):
    check_date(accepted_on, "accepted_on")
    finish = milestone.actual_finish
    if finish is None:
        raise ServiceError(
            _(
                "Only a milestone reported complete can be accepted by the funder. Record "
                "its actual finish first."
            ),
            field="accepted_on",
        )
    if accepted_on < finish:
        raise ServiceError(
            _(
                "The funder cannot accept the milestone on {accepted}, before it was "
                "finished on {finish}."
            ).format(
                accepted=date_format(accepted_on, "SHORT_DATE_FORMAT"),
                finish=date_format(finish, "SHORT_DATE_FORMAT"),
            ),
            field="accepted_on",
        )
    if accepted_on > clock.today():
        raise ServiceError(
            _(
                "{date} lies in the future. Record the acceptance once the funder has given it."
            ).format(date=date_format(accepted_on, "SHORT_DATE_FORMAT")),
            field="accepted_on",
        )
