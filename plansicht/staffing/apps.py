from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "plansicht.staffing"
    label = "staffing"
    verbose_name = "Staffing"

    def ready(self):
        from . import history

        history.register()
