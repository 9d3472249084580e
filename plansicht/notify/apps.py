from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "plansicht.notify"
    label = "notify"
    verbose_name = "Notifications"
