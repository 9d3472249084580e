"""Who may do what in the office. The service functions enforce these rules; the office's
views ask the same functions first, so that a page the user may not use answers 403.

Roles are per organisation (``accounts.StaffRole``): an administrator and an editor may change
the whole plan of their organisation's programmes; an editor of one unit may change the
milestones and the indicators of the measures that unit leads (a measure without a lead unit
belongs to its parent's); a finance officer may change the money (and the dates of
expenditures and drawdowns) and record the funder's acceptance of a milestone, but not the
plan; a viewer may only look. Superusers count as administrators everywhere.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from plansicht.accounts.models import StaffRole
from plansicht.plan.models import Measure

EDIT_PLAN = (StaffRole.ADMIN, StaffRole.EDITOR)
EDIT_MONEY = (StaffRole.ADMIN, StaffRole.FINANCE)
EDIT_POSITIONS = (StaffRole.ADMIN, StaffRole.HR)


def role_for(user, programme) -> StaffRole | None:
    """The user's role for ``programme``, or None. Cached on the user for one request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    cache = user.__dict__.setdefault("_plansicht_roles", {})
    key = programme.organisation_id
    if key not in cache:
        if user.is_superuser:
            cache[key] = StaffRole(user=user, organisation_id=key, role=StaffRole.ADMIN)
        else:
            cache[key] = StaffRole.objects.filter(user=user, organisation_id=key).first()
    return cache[key]


def can_view_office(user, programme) -> bool:
    return role_for(user, programme) is not None


def can_edit_plan(user, programme) -> bool:
    """Change dependencies and freeze plan versions: administrators and programme editors."""
    role = role_for(user, programme)
    return role is not None and role.role in EDIT_PLAN


def can_edit_money(user, programme) -> bool:
    """Cost lines, expenditures, budget lines and drawdowns: finance officers and
    administrators. Plan editors may not change money, finance officers not the plan's dates."""
    role = role_for(user, programme)
    return role is not None and role.role in EDIT_MONEY


def can_edit_positions(user, programme) -> bool:
    """Positions and hiring steps: HR officers and administrators (not the plan, not money)."""
    role = role_for(user, programme)
    return role is not None and role.role in EDIT_POSITIONS


def lead_unit_id(measure: Measure):
    """The unit responsible for a measure: its own lead unit, else its nearest ancestor's."""
    if measure.lead_unit_id is not None:
        return measure.lead_unit_id
    return Measure.objects.filter(pk=measure.pk).responsible_units().get(measure.pk)


def can_edit_milestone(user, milestone) -> bool:
    return _may_edit_measure(user, milestone.programme, milestone.measure)


def can_edit_measure(user, measure) -> bool:
    """Change what belongs to a measure (its indicators and their values): administrators and
    programme editors, and an editor of the unit responsible for it."""
    return _may_edit_measure(user, measure.programme, measure)


def _may_edit_measure(user, programme, measure) -> bool:
    role = role_for(user, programme)
    if role is None:
        return False
    if role.role in EDIT_PLAN:
        return True
    return role.role == StaffRole.UNIT_EDITOR and lead_unit_id(measure) == role.unit_id


def can_record_acceptance(user, programme) -> bool:
    """Record the funder's acceptance of a finished milestone: finance officers (who deal
    with the funder) and administrators."""
    role = role_for(user, programme)
    return role is not None and role.role in EDIT_MONEY


ANSWER_ALL = (StaffRole.ADMIN, StaffRole.EDITOR)


def can_enter_submissions(user, programme) -> bool:
    """Enter a question or statement received by letter, e-mail or phone: administrators and
    editors, and editors of one unit (the item goes to the unit responsible all the same)."""
    role = role_for(user, programme)
    return role is not None and role.role in (*ANSWER_ALL, StaffRole.UNIT_EDITOR)


def can_answer(user, submission) -> bool:
    """Answer, extend or pass on an item: the programme's editors (and administrators), and
    an editor of the unit responsible for it."""
    role = role_for(user, submission.programme)
    if role is None:
        return False
    if role.role in ANSWER_ALL:
        return True
    return role.role == StaffRole.UNIT_EDITOR and role.unit_id == submission.unit_id


def can_moderate(user, programme) -> bool:
    """Release, hide and show again what participants submit: staff with the moderator flag,
    and administrators."""
    role = role_for(user, programme)
    return role is not None and (role.role == StaffRole.ADMIN or role.moderator)


def is_admin(user, programme) -> bool:
    """An administrator of the programme's organisation (organisation-wide settings)."""
    role = role_for(user, programme)
    return role is not None and role.role == StaffRole.ADMIN


def check(actor, allowed) -> None:
    """Refuse ``actor`` unless it may make the change: a user needs ``allowed(user)`` to be
    true; a system actor (``Actor.system``: a command, the importer, a task) may; an actor
    with neither a user nor the system flag may do nothing."""
    if actor.user is not None:
        require(allowed(actor.user))
    elif not actor.is_system:
        raise PermissionDenied(
            _(
                "Only a signed-in user or a named system process may make changes. "
                "Nothing was saved."
            )
        )


def require(allowed: bool):
    if not allowed:
        raise PermissionDenied(_("You may not make this change."))
