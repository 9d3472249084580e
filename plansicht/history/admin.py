from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the history never changes."""

    list_display = ["at", "programme", "action", "subject_label", "actor", "public"]
    list_filter = ["programme", "action", "public"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
