"""Mail to participants: one function sends every mail, with the one-click unsubscribe of
RFC 8058 (``List-Unsubscribe`` and ``List-Unsubscribe-Post``) that works without login, and
only to a confirmed address. Mails are written in the site's first language (LANGUAGE_CODE,
German)."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

SALT = "plansicht.notify.unsubscribe"


def address_of(user) -> str | None:
    """The user's confirmed address (the primary one first); None if none is confirmed."""
    found = (
        EmailAddress.objects.filter(user=user, verified=True)
        .order_by("-primary", "pk")
        .values_list("email", flat=True)
        .first()
    )
    return found


def unsubscribe_token(user, follow=None) -> str:
    """A signed token naming the user and the follow to end (None: every follow)."""
    return signing.dumps({"u": user.pk, "f": follow.pk if follow else None}, salt=SALT)


def read_token(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) and "u" in data else None


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def unsubscribe_url(user, follow=None) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("notify:unsubscribe", args=[unsubscribe_token(user, follow)])
    return absolute(path)


def subject(template: str, context: dict) -> str:
    """The subject line of a mail, in the site's language, on one line."""
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(f"notify/mail/{template}_subject.txt", context)
    return " ".join(text.split())


def send(user, template: str, context: dict, *, follow=None) -> bool:
    """Render ``notify/mail/<template>_subject.txt`` and ``…_body.txt`` and send them to the
    user's confirmed address; False (and nothing sent) without one."""
    to = address_of(user)
    if to is None:
        return False
    stop = unsubscribe_url(user, follow)
    context = {**context, "unsubscribe_url": stop, "site_url": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(f"notify/mail/{template}_body.txt", context)
    message = EmailMessage(
        subject=subject(template, context),
        body=body,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{stop}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.send()
    return True
