from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "plansicht.participation"
    label = "participation"
    verbose_name = "Participation"

    def ready(self):
        from . import history

        history.register()
