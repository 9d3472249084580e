"""An indicator in words, the same on the public pages and in the office: its values in the
page's language (as written, with the page's decimal separator) and where it stands."""

from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _


def value_text(text) -> str:
    """A value as written ("12.50") in the page's language: "12,50" on German pages; the
    decimals stay as written."""
    if text is None or text == "":
        return "–"
    try:
        return number_format(Decimal(str(text)), use_l10n=True)
    except (InvalidOperation, ValueError):
        return str(text)


def with_unit(text, unit) -> str:
    """A value and its unit: "12,50 Tage"."""
    return f"{value_text(text)} {unit}".strip()


def _date(d) -> str:
    return date_format(d, "SHORT_DATE_FORMAT")


def progress_words(i) -> str:
    """Where an indicator read by ``reads`` stands, in two or three sentences: from where to
    where, the latest value, and how much of the way that is."""
    way = _("From {baseline} ({baseline_on}) to {target} by {target_on}.").format(
        baseline=with_unit(i.baseline_value, i.unit),
        baseline_on=_date(i.baseline_on),
        target=with_unit(i.target_value, i.unit),
        target_on=_date(i.target_on),
    )
    if i.latest is None:
        return f"{way} " + _("No value has been measured yet.")
    latest = _("Latest value: {value} on {date}.").format(
        value=with_unit(i.latest.value, i.unit), date=_date(i.latest.on)
    )
    if i.progress is None:
        return f"{way} {latest} " + _(
            "The target equals the baseline, so there is no progress to measure."
        )
    share = f"{number_format(i.progress, 1)} %"
    if i.progress > 100:
        progress = _("That is {share} of the way: beyond the target.")
    elif i.progress < 0:
        progress = _("That is {share} of the way: further from the target than at the start.")
    else:
        progress = _("That is {share} of the way from the baseline to the target.")
    return f"{way} {latest} {progress.format(share=share)}"
