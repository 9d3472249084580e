"""Recompute and store every programme's forecast for today. Run it daily (see README)."""

import time

from django.core.management.base import BaseCommand, no_translations

from plansicht.forecast import run


class Command(BaseCommand):
    help = (
        "Recompute and store the forecast of every programme as of today (Europe/Berlin). "
        "The forecast depends on the date, so run this once a day, shortly after midnight."
    )

    @no_translations  # scripts and logs get one language: English
    def handle(self, *args, **options):
        started = time.monotonic()
        count = 0
        for programme in run.refresh_all():
            count += 1
            self.stderr.write(f"{programme.slug}: forecast stored")
        self.stdout.write(
            f"Refreshed {count} programme(s) as of {run.today().isoformat()} "
            f"in {time.monotonic() - started:.1f} s."
        )
