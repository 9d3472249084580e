from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "plansicht.decisions"
    label = "decisions"
    verbose_name = "Council decisions"

    def ready(self):
        from . import history

        history.register()
