from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "plansicht.indicators"
    label = "indicators"
    verbose_name = "Indicators"

    def ready(self):
        from . import history

        history.register()
