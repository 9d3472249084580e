"""Django's admin is for configuration only; the plan itself changes through the services
(the office and the commands), so that every change writes its history event."""

from django.contrib import admin

from plansicht.accounts.admin import ReadOnlyAdmin

from .models import Programme


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["title", "slug", "organisation", "amber_days", "red_days"]
