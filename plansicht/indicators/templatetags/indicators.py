"""An indicator's values on a page: as written, with the page's decimal separator."""

from django import template

from plansicht.indicators.words import value_text

register = template.Library()


@register.filter
def indicator_value(text) -> str:
    """``{{ value|indicator_value }}``: "12.50" reads "12,50" on German pages."""
    return value_text(text)
