"""``{% load questions %}``: a question's or statement's status in words, as a badge (colour is
never the only cue), and the figures of the answer periods as the pages print them."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from plansicht.engine import periods
from plansicht.participation import holidays
from plansicht.participation.figures import PUBLIC_STATUS_LABELS
from plansicht.participation.models import period_words as models_period_words

register = template.Library()

WORDS = PUBLIC_STATUS_LABELS  # the office's words for each status, and one for what was hidden
BADGES = {
    periods.OPEN: "info",
    periods.OVERDUE: "danger",
    periods.ANSWERED_IN_TIME: "success",
    periods.ANSWERED_WITHIN_EXTENSION: "success",
    periods.ANSWERED_LATE: "warning",
}


@register.filter
def status_words(status):
    return WORDS.get(status, "–")


@register.filter
def status_badge(status):
    """The status as a small badge with its words; withdrawn and hidden ones as plain words."""
    if status not in BADGES:
        return status_words(status)
    return format_html(
        '<span class="kern-badge kern-badge--{} kern-badge--small">'
        '<span class="kern-label kern-label--small">{}</span></span>',
        BADGES[status],
        WORDS[status],
    )


@register.filter
def days_figure(value):
    """A median number of days with one decimal: "20,5 Tage"; "–" for none."""
    if value is None:
        return "–"
    return _("%(days)s days") % {"days": number_format(value, 1)}


@register.filter
def period_words(period):
    """An answer period in words: "15 working days", "1 month"."""
    return models_period_words({"kind": period.kind, "count": period.count})


@register.filter
def region_name(region):
    """A holiday region by its name where the calendar knows one, else its code."""
    return holidays.region_name(region)
