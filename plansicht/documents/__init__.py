"""Documents Plansicht reads and writes: the programme document (``programme.py``)."""

PROGRAMME_FORMAT = "plansicht.programme/1"
