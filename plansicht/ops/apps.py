from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "plansicht.ops"
    label = "ops"
    verbose_name = "Operations"
