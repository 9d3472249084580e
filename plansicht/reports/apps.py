from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "plansicht.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self):
        from . import history

        history.register()
