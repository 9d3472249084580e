"""Who may take part: a participant is a user with a verified e-mail address (django-allauth's
double opt-in) and a display name. Staff accounts take part in the office, not here."""

from allauth.account.models import EmailAddress

from .models import Participant


def may_take_part(user) -> bool:
    """Signed in, active, with a confirmed e-mail address and a participant profile."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return (
        Participant.objects.filter(user=user).exists()
        and EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def display_name(user) -> str:
    """The name shown with the user's contributions ("" for a user without a profile)."""
    participant = Participant.objects.filter(user=user).first()
    return participant.display_name if participant else ""
