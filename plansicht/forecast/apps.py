from django.apps import AppConfig


class ForecastConfig(AppConfig):
    name = "plansicht.forecast"
    label = "forecast"
    verbose_name = "Forecast"
