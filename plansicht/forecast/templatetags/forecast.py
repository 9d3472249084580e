"""Template filters that say forecast figures in words, so status is never colour alone."""

from django import template
from django.urls import reverse
from django.utils.formats import date_format
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
def health_badge(health, size="", label=None):
    """The status as a badge with its word: colour is never the only cue."""
    small = size == "small"
    return format_html(
        '<span class="kern-badge kern-badge--{}{}"><span class="kern-label{}">{}</span></span>',
        health_class(health),
        " kern-badge--small" if small else "",
        " kern-label--small" if small else "",
        health_label(health) if label is None else label,
    )


@register.simple_tag
def status(f, programme, size=""):
    """A stored forecast's status badge and slip in words: a finished milestone says how much
    later than planned it finished (not "delayed"); a green slip says it is within the
    tolerance."""
    if not f:  # no stored forecast
        return health_badge(None, size)
    days = f.slip_days
    if getattr(f, "finished", False):
        if days is not None and days > 0:
            words = ngettext(
                "finished, %(days)d day later than planned",
                "finished, %(days)d days later than planned",
                days,
            ) % {"days": days}
            return health_badge(f.health, size, words)
        return format_html("{} {}", health_badge(f.health, size, _("finished")), slip(days))
    return format_html("{} {}", health_badge(f.health, size), slip_text(f, programme))


@register.simple_tag
def slip_text(f, programme):
    """The slip in words; a green slip says it is within the tolerance (the amber threshold)."""
    days = getattr(f, "slip_days", None)
    if f and f.health == "green" and days is not None and days > 0:
        return ngettext(
            "%(days)d day late, within the tolerance of %(tolerance)d days",
            "%(days)d days late, within the tolerance of %(tolerance)d days",
            days,
        ) % {"days": days, "tolerance": programme.amber_days}
    return slip(days)


@register.simple_tag
def late_because(f, programme, starts=False, public=True):
    """Why a late milestone is late when the cause is another: the predecessor that holds its
    start back (linked if public) or the post it waits for; "" otherwise."""
    days = getattr(f, "slip_days", None)
    if not days or days <= 0 or f.finished:
        return ""
    if f.driver_milestone_id is not None:
        code = f.driver_milestone.code
        if public:
            code = format_html(
                '<a class="kern-link" href="{}">{}</a>',
                reverse("portal:milestone", args=[programme.slug, code]),
                code,
            )
        text = (
            _("late because {milestone} starts late")
            if starts
            else _("late because {milestone} finishes late")
        )
        return format_html(str(text), milestone=code)
    if f.driver_position_id is not None:
        return format_html(
            str(_("late because post {post} is not yet filled")), post=f.driver_position.code
        )
    return ""


@register.filter
def late_since(day):
    """14.03.2024 → "late since 14.03.2024"; None → ""."""
    if not day:
        return ""
    return _("late since {date}").format(date=date_format(day, "SHORT_DATE_FORMAT"))


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
