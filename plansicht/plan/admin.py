"""Django's admin is for configuration only; the plan itself changes through the services
(the office and the commands), so that every change writes its history event."""

from django.contrib import admin

from .models import Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "organisation", "amber_days", "red_days"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
