from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "plansicht.content"
    label = "content"
    verbose_name = "Site texts"
