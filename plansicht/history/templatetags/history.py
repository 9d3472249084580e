"""Template helpers that tell an event in words: what changed, from what to what, and by whom.

The words come from the registry (``plansicht.history.registry``), filled by the app that
writes each action; this module knows no domain app."""

from django import template

from plansicht.history import registry

register = template.Library()


@register.filter
def action_label(event):
    return registry.action_label(event.action)


@register.filter
def change_rows(event):
    """[(what, old, new)] in words and in the page's formats, in a stable order."""
    return registry.describe(event.action, event.changes)


@register.filter
def public_author(event):
    """Public pages name the unit, never a person: data minimisation."""
    return event.public_author
