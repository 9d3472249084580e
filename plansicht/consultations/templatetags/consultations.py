"""The consultations' words in templates, shared by the portal and the office."""

from django import template

from plansicht.consultations.reads import moment_words

register = template.Library()


@register.filter
def moment(value) -> str:
    """A moment in local time: 31.12.2026, 18:00 Uhr."""
    return moment_words(value) if value else "–"
