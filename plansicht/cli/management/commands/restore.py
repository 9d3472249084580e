"""Restore a backup into an empty database and an empty media folder; all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, no_translations
from django.db import DatabaseError

from plansicht.cli.backup import BackupError, restore, vendor_name


class Command(BaseCommand):
    help = (
        "Restore a backup written by the backup command into this site's database and media "
        "folder. Both must be empty: the command never overwrites data. The archive's "
        "checksums, its database kind (SQLite or PostgreSQL) and its version are checked "
        "first; any problem exits 1 and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive written by the backup command")

    @no_translations  # scripts and logs get one language: English
    def handle(self, *args, file, **options):
        source = Path(file)
        try:
            restored = restore(source)
        except BackupError as e:
            self.fail(str(e))
        except DatabaseError as e:
            self.fail(f"The database cannot be used: {str(e).strip().splitlines()[-1]}")
        except OSError as e:
            self.fail(f"{e.filename or source}: {e.strerror}")
        self.stdout.write(
            f"Restored the {vendor_name(restored.vendor)} database and {restored.files} media "
            f"files from {source} (made {restored.created} by Plansicht {restored.version})."
        )
        if pending := restored.pending_migrations:
            self.stdout.write(
                f"This version has {pending} database migration{'' if pending == 1 else 's'} "
                "the backup does not have yet: run `manage.py migrate` next."
            )

    def fail(self, message):
        self.stderr.write(message)
        self.stderr.write("Nothing was changed.")
        raise SystemExit(1)
