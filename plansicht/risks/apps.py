from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "plansicht.risks"
    label = "risks"
    verbose_name = "Risks"

    def ready(self):
        from . import history

        history.register()
