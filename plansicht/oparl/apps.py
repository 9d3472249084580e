from django.apps import AppConfig


class OparlConfig(AppConfig):
    name = "plansicht.oparl"
    label = "oparl"
    verbose_name = "OParl"
