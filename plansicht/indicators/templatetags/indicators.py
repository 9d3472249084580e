"""An indicator's values on a page: as written, with the page's decimal separator."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def indicator_value(text) -> str:
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
    return f"{indicator_value(text)} {unit}".strip()
