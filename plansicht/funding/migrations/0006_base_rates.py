"""The base rates of § 247 BGB as the Bundesbank published them, from 1 July 2016 (the
first half-year any grant of the programme could draw in): administrators add later ones."""

from datetime import date
from decimal import Decimal

from django.db import migrations

RATES = [
    ("2016-07-01", "-0.88"),
    ("2023-01-01", "1.62"),
    ("2023-07-01", "3.12"),
    ("2024-01-01", "3.62"),
    ("2024-07-01", "3.37"),
    ("2025-01-01", "2.27"),
    ("2025-07-01", "1.27"),
    ("2026-01-01", "1.27"),
]


def add(apps, schema_editor):
    BaseRate = apps.get_model("funding", "BaseRate")
    for since, percent in RATES:
        BaseRate.objects.get_or_create(
            since=date.fromisoformat(since), defaults={"percent": Decimal(percent)}
        )


class Migration(migrations.Migration):
    dependencies = [("funding", "0005_grant_conditions")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
