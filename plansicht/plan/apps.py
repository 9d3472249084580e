from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "plansicht.plan"
    label = "plan"
    verbose_name = "Plan"

    def ready(self):
        from . import history

        history.register()
