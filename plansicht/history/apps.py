from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "plansicht.history"
    label = "history"
    verbose_name = "History"
