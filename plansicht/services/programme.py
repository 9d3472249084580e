"""Loading a whole programme document: the plan with its indicators, the funding, the
positions, the participation, the council decisions and the risks, in one transaction with
one history event."""

from django.db import transaction
from django.utils.translation import gettext as _

from plansicht.accounts.models import Organisation
from plansicht.forecast import run
from plansicht.history.models import record
from plansicht.plan.models import Programme
from plansicht.staffing.models import ALERT_FIELDS

from . import Actor, ServiceError
from .common import beyond_calendar_message
from .decisions import detach_decisions, replace_decisions_state
from .funding import replace_funding_state
from .indicators import replace_indicator_state
from .participation import detach_participation, replace_participation_state
from .permissions import check, role_for
from .plan import replace_plan_state
from .proposals import detach_proposals, replace_proposals_state
from .risks import replace_risks_state
from .staffing import replace_staffing_state


def _is_admin(user, programme) -> bool:
    role = role_for(user, programme)
    return role is not None and role.role == role.ADMIN


def load_programme(
    document: dict, *, actor: Actor, replace: bool = False, reason: str = ""
) -> Programme:
    """Store a checked programme document (see ``plansicht.documents.programme.parse``).

    A new slug creates the programme. An existing slug is refused unless ``replace``: then the
    programme's state becomes the document's. Measures and milestones are matched by code and
    keep their identity (and history); what the document lacks is removed. Events are never
    removed: the history gains one event for the load or replacement.
    """
    data = document["programme"]
    with transaction.atomic():
        programme = Programme.objects.select_for_update().filter(slug=data["slug"]).first()
        check(actor, lambda user: programme is None or _is_admin(user, programme))
        if programme is not None and not replace:
            raise ServiceError(
                _(
                    "A programme with the short name “{slug}” exists already. To replace its plan "
                    "with this document, load it with --replace."
                ).format(slug=data["slug"]),
                field="programme.slug",
            )
        organisation, _created = Organisation.objects.get_or_create(name=data["organisation"])
        created = programme is None
        if created:
            programme = Programme(slug=data["slug"])
        else:  # a form opened before the load must not overwrite it
            programme.version += 1
        programme.title = data["title"]
        programme.organisation = organisation
        programme.amber_days = data["amber_days"]
        programme.red_days = data["red_days"]
        programme.hiring_days = data["hiring_days"]
        programme.onboarding_days = data["onboarding_days"]
        for key, field in ALERT_FIELDS.items():
            setattr(
                programme,
                field,
                data["alert_days"].get(key, Programme._meta.get_field(field).default),
            )
        programme.save()
        detach_participation(programme, document)
        detach_proposals(programme, document)
        detach_decisions(programme, document)
        counts = replace_plan_state(programme, organisation, document)
        replace_indicator_state(programme, document)
        replace_funding_state(programme, document)
        replace_staffing_state(programme, organisation, document)
        replace_participation_state(programme, organisation, document)
        replace_proposals_state(programme, organisation, document)
        replace_decisions_state(programme, organisation, document)
        replace_risks_state(programme, organisation, document)
        try:
            run.refresh(programme)
        except run.BeyondCalendar:
            raise ServiceError(beyond_calendar_message()) from None
        record(
            action="programme.loaded" if created else "programme.replaced",
            programme=programme,
            subject=programme,
            label=programme.title,
            changes=counts,
            reason=(reason or "").strip(),
            public=True,
            user=actor.user,
            actor=actor.name,
            unit=actor.unit,
        )
    return programme
