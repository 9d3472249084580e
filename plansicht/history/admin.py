from django.contrib import admin

from plansicht.accounts.admin import ReadOnlyAdmin

from .models import Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """Read-only: the history never changes."""

    list_display = ["at", "programme", "action", "subject_label", "actor", "public"]
    list_filter = ["programme", "action", "public"]
