"""Every write: one function per operation a person performs.

Each function checks the input (and, once roles exist, the actor's rights), writes the change
and exactly one history event, and recomputes and stores the forecast, in one transaction.
The office, the API, the importers and the management commands all call these functions.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """A change that cannot be made, with a message a clerk understands. Nothing was stored.

    ``field`` names the input the message is about, when there is one.
    """

    def __init__(self, message, field: str | None = None):
        self.message = message
        self.field = field
        super().__init__(str(message))


class ReasonRequired(ServiceError):
    """The change moves a finish later, which cannot be saved without a reason."""


class ChangedMeanwhile(ServiceError):
    """Someone changed the object after the form was opened at ``expected_version``: saving
    would silently overwrite their change. Nothing was stored.

    ``event`` is the latest event about the object (who changed it, and when; None if no
    event names it), ``current`` the object as it is stored now.
    """

    def __init__(self, message, *, event=None, current=None):
        super().__init__(message)
        self.event = event
        self.current = current


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a signed-in user (``for_user``), or a named process such as a
    command, the importer or a task (``system``). Nobody has rights implicitly: an actor with
    neither a user nor the system flag is refused by every service."""

    user: object = None
    name: str = ""
    unit: object = None
    is_system: bool = False

    @classmethod
    def for_user(cls, user, programme=None):
        """A signed-in user; the unit is the one their staff role names for ``programme``
        (a superuser without a role: the first unit they belong to). A participant is named
        by their display name, never by their account's name or e-mail address: the name is
        what the history shows."""
        from .permissions import role_for

        name = _name_of(user) if user is not None else ""
        unit = None
        if user is not None and programme is not None:
            role = role_for(user, programme)
            unit = role.unit if role is not None and role.unit_id else None
        if unit is None and user is not None:
            unit = user.units.order_by("name").first()
        return cls(user=user, name=name, unit=unit)

    @classmethod
    def system(cls, what: str, unit=None, name: str | None = None):
        """A process acting without a user, named after ``what`` it is (a command, say);
        ``name`` and ``unit`` are what the history shows (the demo replay acts as the
        programme office's unit). It may make every change; use it only where no person acts."""
        if name is None:
            name = str(_("System ({what})")).format(what=what)
        return cls(name=name, unit=unit, is_system=True)


def _name_of(user) -> str:
    """How the history names ``user``: a participant by the name they chose (or as "a
    participant" should it be empty), staff by their full name or else their username."""
    from plansicht.participation.models import Participant

    if user.pk is not None:
        names = Participant.objects.filter(user=user).values_list("display_name", flat=True)
        for display_name in names[:1]:
            return display_name.strip() or str(_("a participant"))
    return user.get_full_name() or user.get_username()


class _Unset:
    def __repr__(self):
        return "UNSET"


UNSET = _Unset()
