"""Money in words and figures: German amounts ("1.234.567,89 €") on German pages."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euro(value):
    """An amount (Decimal or decimal string) with two decimals and grouping, plus €."""
    if value is None or value == "":
        return "–"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return value
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)} €"


@register.filter
def own_share_percent(rate):
    """The city's share as a percentage: 0.90 → "10", 0.6667 → "33,33"."""
    try:
        share = (1 - Decimal(str(rate))) * 100
    except InvalidOperation:
        return ""
    if share == share.to_integral_value():
        return str(int(share))
    return number_format(share, 2, use_l10n=True)


@register.filter
def category_label(code):
    """A cost category in words (staff → Personal)."""
    from plansicht.funding.models import CostLine

    return dict(CostLine.CATEGORIES).get(code, code)


@register.filter
def flag_label(flag):
    """The financing plan's check of a category in words."""
    from plansicht.funding.models import CONDITION_FLAGS

    return CONDITION_FLAGS.get(flag, flag)


@register.filter
def proof_status_label(status):
    """A proof of use's status in words."""
    from plansicht.funding.models import PROOF_STATUSES

    return PROOF_STATUSES.get(status, status)
