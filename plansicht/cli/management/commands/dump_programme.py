"""Print a programme as a document that loads back to the same state."""

import sys
from datetime import date

from django.core.management.base import BaseCommand, no_translations

from plansicht.documents.programme import dump, dumps
from plansicht.engine import calendar
from plansicht.plan.models import Programme


class Command(BaseCommand):
    help = "Print the programme document of SLUG (UTF-8 JSON) on standard output."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    @no_translations  # scripts and logs get one language: English
    def handle(self, *args, slug, **options):
        programme = find_programme(self, slug)
        utf8_output(self)
        self.stdout.write(dumps(dump(programme)), ending="")


def utf8_output(command):
    """Documents are UTF-8 whatever the locale of the shell says."""
    if command.stdout._out is sys.stdout and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")


def date_option(command, option, text) -> date:
    """A date given on the command line, in 1990–2100; anything else exits 1, saying why."""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        command.stderr.write(f"{option}: {text!r} is not a date; write it as YYYY-MM-DD")
        raise SystemExit(1) from None
    if not calendar.in_range(value):
        command.stderr.write(
            f"{option}: {text} is outside the dates Plansicht accepts; give a date from "
            f"{calendar.EARLIEST.isoformat()} to {calendar.LATEST.isoformat()}"
        )
        raise SystemExit(1)
    return value


def add_status_arguments(parser):
    """SLUG, --as-of and --json: what every command that reports a programme's state takes."""
    parser.add_argument("slug")
    parser.add_argument(
        "--as-of",
        dest="as_of",
        metavar="YYYY-MM-DD",
        help="the status date (default: today in Europe/Berlin)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a summary")


def find_programme(command, slug):
    programme = Programme.objects.select_related("organisation").filter(slug=slug).first()
    if programme is None:
        known = ", ".join(Programme.objects.order_by("slug").values_list("slug", flat=True))
        command.stderr.write(
            f"{slug}: no programme has this short name"
            + (f"; known programmes: {known}" if known else "; no programme is loaded yet")
        )
        raise SystemExit(1)
    return programme
