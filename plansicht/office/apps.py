from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "plansicht.office"
    label = "office"
    verbose_name = "Office"
