"""python manage.py export_opendata SLUG --output DIR: every open data file of a programme."""

import os
import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plansicht.opendata.files import build_all
from plansicht.plan.models import Programme


class Command(BaseCommand):
    help = "Write every open data file of a programme into a directory."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", required=True, help="The directory to write into.")

    def handle(self, *args, slug, output, **options):
        programme = (
            Programme.objects.select_related("organisation", "forecast").filter(slug=slug).first()
        )
        if programme is None:
            raise CommandError(f"There is no programme “{slug}”.")
        target = Path(output)
        if target.exists() and not target.is_dir():
            raise CommandError(f"{target} is not a directory.")
        parent = target if target.exists() else target.parent
        if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            raise CommandError(f"Cannot write into {parent}: it does not exist or is not writable.")
        files = build_all(programme)
        # Written into a temporary directory beside the files first: a failure leaves nothing
        # half-written; each file then replaces its old version whole.
        try:
            temp = Path(tempfile.mkdtemp(prefix=".opendata-", dir=parent))
        except OSError as e:
            raise CommandError(f"Cannot write into {parent}: {e.strerror}.") from e
        try:
            for name, data in files.items():
                (temp / name).write_bytes(data)
            if not target.exists():
                temp.rename(target)
            else:
                for name in files:
                    os.replace(temp / name, target / name)
        except OSError as e:
            raise CommandError(f"Cannot write the files into {target}: {e.strerror}.") from e
        finally:
            if temp.exists():
                shutil.rmtree(temp, ignore_errors=True)
        for name, data in files.items():
            self.stdout.write(f"{target / name}  {len(data)} bytes")
