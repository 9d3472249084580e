from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "plansicht.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import history

        history.register()
