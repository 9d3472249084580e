from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "plansicht.imports"
    label = "imports"
    verbose_name = "Imports"
