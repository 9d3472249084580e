"""Django's admin is for configuration only; the plan itself is changed in the office."""

from django.contrib import admin

from .models import FieldOfAction, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "organisation", "amber_days", "red_days"]
    readonly_fields = ["slug", "organisation"]


@admin.register(FieldOfAction)
class FieldOfActionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "programme"]
    list_filter = ["programme"]
