"""``{% load decisions %}``: an assignment's status in words, as a badge (colour is never the
only cue), and a decision's result and vote in words; the portal and the office share them."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from plansicht.decisions.models import Decision
from plansicht.decisions.reads import STATUS_LABELS
from plansicht.engine import assignments as rules

register = template.Library()

BADGES = {
    rules.OPEN: "info",
    rules.OVERDUE: "danger",
    rules.DONE_IN_TIME: "success",
    rules.DONE_LATE: "warning",
}


@register.filter
def assignment_status(status):
    """The status in words."""
    return STATUS_LABELS.get(status, "–")


@register.filter
def assignment_badge(status):
    """The status as a small badge with its words."""
    if status not in BADGES:
        return "–"
    return format_html(
        '<span class="kern-badge kern-badge--{} kern-badge--small">'
        '<span class="kern-label kern-label--small">{}</span></span>',
        BADGES[status],
        STATUS_LABELS[status],
    )


@register.filter
def result_words(result):
    return dict(Decision.RESULTS).get(result, result)


@register.filter
def vote_words(decision):
    """ "30 for, 4 against, 2 abstentions", or a dash when no vote is recorded."""
    votes = decision.votes
    if votes is None:
        return "–"
    yes, no, abstain = votes
    return _("%(yes)d for, %(no)d against, %(abstain)d abstentions") % {
        "yes": yes,
        "no": no,
        "abstain": abstain,
    }
