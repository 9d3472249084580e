"""A real SMTP server for mail tests: aiosmtpd on 127.0.0.1 at a free port, with Django's SMTP
backend pointed at it, so a test reads the mails as a mail program would get them (headers
encoded, bodies transfer-encoded, every recipient from the SMTP envelope).

Use the ``smtp_server`` fixture (``tests/conftest.py``)::

    def test_x(client, smtp_server):
        ...
        mail = smtp_server.only(to="erika@example.org")
        link = smtp_server.link(mail, r"/konto/confirm-email/")
"""

import re
import socket
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass
class Received:
    """One mail as the server got it: the envelope and the parsed message."""

    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Mailbox:
    """What the server received, in order, with helpers to read it."""

    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        """The mails whose SMTP envelope names ``address`` as a recipient."""
        with self.lock:
            return [
                r.message
                for r in self.received
                if address.lower() in (x.lower() for x in r.recipients)
            ]

    def only(self, to: str | None = None) -> EmailMessage:
        """The one mail (to ``address``); fails if there are none or several."""
        found = self.messages if to is None else self.to(to)
        assert len(found) == 1, f"expected one mail{f' to {to}' if to else ''}, got {len(found)}"
        return found[0]

    def clear(self):
        with self.lock:
            self.received.clear()

    @staticmethod
    def text(message: EmailMessage) -> str:
        """The plain-text body (of a multipart mail, its text/plain part), decoded, with its
        line ends as \\n (SMTP sends \\r\\n)."""
        part = message.get_body(preferencelist=("plain",))
        assert part is not None, "the mail has no plain-text part"
        return part.get_content().replace("\r\n", "\n")

    @classmethod
    def links(cls, message: EmailMessage) -> list[str]:
        return LINK.findall(cls.text(message))

    @classmethod
    def link(cls, message: EmailMessage, pattern: str) -> str:
        """The first link in the text body that matches the regular expression ``pattern``."""
        for link in cls.links(message):
            if re.search(pattern, link):
                return link
        raise AssertionError(f"no link matching {pattern!r} in:\n{cls.text(message)}")


class _Handler:
    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        with self.mailbox.lock:
            self.mailbox.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), message)
            )
        return "250 Message accepted for delivery"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def start(host: str = "127.0.0.1"):
    """Start a server; returns (controller, mailbox). ``controller.stop()`` ends it."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox(host=host, port=free_port(host))
    controller = Controller(_Handler(mailbox), hostname=host, port=mailbox.port)
    controller.start()
    return controller, mailbox
