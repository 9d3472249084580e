from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "plansicht.funding"
    label = "funding"
    verbose_name = "Funding"

    def ready(self):
        from . import history

        history.register()
