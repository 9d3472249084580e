from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "plansicht.portal"
    label = "portal"
    verbose_name = "Portal"
