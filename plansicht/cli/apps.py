from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "plansicht.cli"
    label = "cli"
    verbose_name = "Commands"
