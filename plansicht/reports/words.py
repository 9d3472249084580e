"""Figures in words for the reports, in the active language, exactly as the pages write them:
they call the pages' own filters (``euro``, ``health_label``, ``slip``, ``percent``) so a
report and a page never disagree on a figure."""

from decimal import Decimal
from fractions import Fraction

from django.utils.formats import date_format

from plansicht.engine.money import cents
from plansicht.forecast.templatetags.forecast import health_label, percent, slip
from plansicht.funding.templatetags.funding import category_label, euro, flag_label


def money(value) -> str:
    """An amount (Decimal, Fraction, int or decimal string) as ``1.234,50 €``; exact amounts
    are rounded to the cent once, as the stored forecast rounds them."""
    if value is None or value == "":
        return "–"
    if isinstance(value, (Fraction, int)):
        value = cents(value)
    return euro(Decimal(str(value)))


def day(value) -> str:
    """A date as ``31.12.2025`` (the page's short format); None as ``–``."""
    return date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def health(value) -> str:
    return str(health_label(value))


def slip_words(days) -> str:
    return str(slip(days))


def share(value) -> str:
    """A percentage with one decimal: ``58,3 %``; None as ``–``."""
    return str(percent(value))


def category(code) -> str:
    return str(category_label(code))


def flag(code) -> str:
    return str(flag_label(code))
