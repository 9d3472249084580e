from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "plansicht.funding"
    label = "funding"
    verbose_name = "Funding"
