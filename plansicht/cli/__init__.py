"""The command-line face: ``python manage.py <command>`` for every operation a person might
script. Like the other faces it owns no models and writes only through ``services``."""
