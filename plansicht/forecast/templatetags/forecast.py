"""Template filters that say forecast figures in words, so status is never colour alone."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

register = template.Library()

HEALTH_LABELS = {
    "green": _("on track"),
    "amber": _("delayed"),
    "red": _("seriously delayed"),
    None: _("no plan to compare"),
}
HEALTH_CLASSES = {"green": "success", "amber": "warning", "red": "danger", None: "info"}


@register.filter
def health_label(health):
    return HEALTH_LABELS.get(health or None, HEALTH_LABELS[None])


@register.filter
def health_class(health):
    return HEALTH_CLASSES.get(health or None, "info")


@register.filter
def health_badge(health, size=""):
    """The status as a badge with its word: colour is never the only cue."""
    small = size == "small"
    return format_html(
        '<span class="kern-badge kern-badge--{}{}"><span class="kern-label{}">{}</span></span>',
        health_class(health),
        " kern-badge--small" if small else "",
        " kern-label--small" if small else "",
        health_label(health),
    )


@register.filter
def slip(days):
    """+57 → "57 days late"; -3 → "3 days early"; 0 → "on time"; None → "–"."""
    if days is None or days == "":
        return "–"
    days = int(days)
    if days > 0:
        return ngettext("%(days)d day late", "%(days)d days late", days) % {"days": days}
    if days < 0:
        return ngettext("%(days)d day early", "%(days)d days early", -days) % {"days": -days}
    return _("on time")


@register.filter
def percent(value):
    if value is None:
        return "–"
    from django.utils.formats import number_format

    return f"{number_format(value, 1)} %"


@register.filter
def abs_days(days):
    """The size of a (possibly negative) number of days, to choose singular or plural."""
    return abs(int(days or 0))


@register.filter
def progress_text(progress):
    """The progress of an unfinished milestone in words. 100 % reported without an actual
    finish is not "done": the finish has not been recorded yet, and the page says so (no
    figure changes)."""
    if progress is None or progress == "":
        return "–"
    if int(progress) >= 100:
        return _("reported 100 %, finish not yet recorded")
    return f"{int(progress)} %"


@register.filter
def running_text(progress):
    """A started, unfinished milestone: "running, 40 %", or the 100 % rule of ``progress_text``."""
    if progress is not None and int(progress) >= 100:
        return _("reported 100 %, finish not yet recorded")
    return _("running, %(pct)s %%") % {"pct": int(progress or 0)}
