"""Plansicht: plan, money and posts of a grant-funded city programme, in public."""

# The version an issued report records; the same as pyproject.toml's (a test keeps them equal).
__version__ = "0.1.0"
