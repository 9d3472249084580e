"""How the participation's history events read: actions and change keys, registered in
``ready()``."""

from django.utils.translation import gettext_lazy as _

from plansicht.history import registry
from plansicht.history.registry import EMPTY, PARTICIPATION, Key, as_date, yes_no

from .models import period_words


def categories(value) -> str:
    """A stored list of holiday categories: "catholic, …", or a dash for none."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or EMPTY
    return str(value)


def register():
    registry.register(
        "participation",
        actions={
            "question.received": (_("Question received"), PARTICIPATION),
            "statement.received": (_("Statement received"), PARTICIPATION),
            "submission.answered": (_("Answered"), PARTICIPATION),
            "submission.answer_corrected": (_("Answer corrected"), PARTICIPATION),
            "submission.extended": (_("Due date extended"), PARTICIPATION),
            "submission.forwarded": (_("Passed to another unit"), PARTICIPATION),
            "submission.released": (_("Released by the moderation"), PARTICIPATION),
            "submission.hidden": (_("Hidden by the moderation"), PARTICIPATION),
            "submission.withdrawn": (_("Withdrawn"), PARTICIPATION),
            "comment.written": (_("Comment written"), PARTICIPATION),
            "comment.hidden": (_("Comment hidden by the moderation"), PARTICIPATION),
            "comment.released": (_("Comment released by the moderation"), PARTICIPATION),
            "content.reported": (_("Reported to the moderation"), PARTICIPATION),
            "programme.participation_settings": (
                _("Participation settings changed"),
                PARTICIPATION,
            ),
        },
        keys={
            "received": Key(_("received"), as_date),
            "due": Key(_("due"), as_date),
            "unit": Key(_("responsible unit")),
            "answered_on": Key(_("answered on"), as_date),
            "answer": Key(_("answer")),
            "to": Key(_("extended to"), as_date),
            "hidden": Key(_("hidden"), yes_no),
            "pending": Key(_("awaiting release"), yes_no),
            "withdrawn_on": Key(_("withdrawn on"), as_date),
            "answer_period": Key(_("answer period for questions"), period_words),
            "statement_period": Key(_("answer period for statements"), period_words),
            "holiday_region": Key(_("region of the public holidays")),
            "holiday_categories": Key(_("further holiday categories"), categories),
            "office_unit": Key(_("programme office")),
            "premoderation": Key(_("questions and comments wait for release"), yes_no),
        },
    )
