"""Django's admin for the money: only the base rates of § 247 BGB, which an administrator adds
each half-year (1 January, 1 July) as the Bundesbank publishes them. Everything else about
money changes in the office, through the services, with its history event."""

from django.contrib import admin

from .models import BaseRate


@admin.register(BaseRate)
class BaseRateAdmin(admin.ModelAdmin):
    list_display = ["since", "percent"]
    ordering = ["-since"]
