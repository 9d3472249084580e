from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "plansicht.proposals"
    label = "proposals"
    verbose_name = "Proposals"

    def ready(self):
        from . import history

        history.register()
