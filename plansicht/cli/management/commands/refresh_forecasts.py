"""Recompute and store every programme's forecast for today. Run it daily (see README)."""

import time

from django.core.management.base import BaseCommand, no_translations
from django.db import transaction

from plansicht.forecast import run
from plansicht.notify import hooks
from plansicht.plan.models import Programme


class Command(BaseCommand):
    help = (
        "Recompute and store the forecast of every programme as of today (Europe/Berlin). "
        "The forecast depends on the date, so run this once a day, shortly after midnight."
    )

    @no_translations  # scripts and logs get one language: English
    def handle(self, *args, **options):
        started = time.monotonic()
        count = 0
        for programme in Programme.objects.order_by("slug"):
            followed = hooks.measure_states(programme)
            with transaction.atomic():
                run.refresh(programme)
                hooks.forecast_stored(programme, followed)  # tells followers after the commit
            count += 1
            self.stderr.write(f"{programme.slug}: forecast stored")
        self.stdout.write(
            f"Refreshed {count} programme(s) as of {run.today().isoformat()} "
            f"in {time.monotonic() - started:.1f} s."
        )
