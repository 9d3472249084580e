"""Write the whole site (database and media folder) into one archive file."""

from pathlib import Path

from django.core.management.base import BaseCommand, no_translations
from django.db import DatabaseError

from plansicht.cli.backup import BackupError, backup, vendor_name


class Command(BaseCommand):
    help = (
        "Write a backup of the whole site into FILE (tar.gz): the database (SQLite: a "
        "consistent copy made while the site runs; PostgreSQL: pg_dump), every file of the "
        "media folder, and a manifest with the version and a SHA-256 checksum of every file. "
        "Restore it with the restore command (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write, e.g. plansicht-2025-06-01.tar.gz")

    @no_translations  # scripts and logs get one language: English
    def handle(self, *args, file, **options):
        target = Path(file)
        try:
            manifest = backup(target)
        except BackupError as e:
            self.fail(str(e))
        except DatabaseError as e:
            self.fail(f"The database cannot be used: {str(e).strip().splitlines()[-1]}")
        except OSError as e:
            self.fail(f"{e.filename or target}: cannot be written: {e.strerror}")
        media = sum(1 for f in manifest["files"] if f["path"].startswith("media/"))
        self.stdout.write(
            f"Wrote {target}: the {vendor_name(manifest['database'])} database and {media} "
            f"media files (Plansicht {manifest['plansicht_version']}, {manifest['created']})."
        )

    def fail(self, message):
        self.stderr.write(message)
        self.stderr.write("No backup was written.")
        raise SystemExit(1)
