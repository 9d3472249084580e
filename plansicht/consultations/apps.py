from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "plansicht.consultations"
    label = "consultations"
    verbose_name = "Consultations"

    def ready(self):
        from . import history

        history.register()
