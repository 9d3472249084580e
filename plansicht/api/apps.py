from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "plansicht.api"
    label = "api"
    verbose_name = "API"
