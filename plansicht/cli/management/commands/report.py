"""Make a report of a programme as of a cut-off date, in one format; with --issue, issue it
(frozen: every format stored with its checksum) and write the issued file."""

from pathlib import Path

from django.core.management.base import BaseCommand, no_translations

from plansicht.reports.build import KINDS, build
from plansicht.reports.render import FORMATS, render
from plansicht.services import Actor, ServiceError
from plansicht.services.reports import LANGUAGES, check_request, issue_report

from .dump_programme import date_option, find_programme


class Command(BaseCommand):
    help = (
        "Write a report of programme SLUG as of a cut-off date to FILE (PDF, DOCX or ODT); "
        "with --issue, also store it frozen as an issued version."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--kind", required=True, help=f"one of: {', '.join(KINDS)}")
        parser.add_argument("--year", type=int, help="the interim proof's year (proof only)")
        parser.add_argument("--as-of", dest="as_of", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--format", dest="fmt", required=True, help="pdf, docx or odt")
        parser.add_argument("--output", required=True, metavar="FILE")
        parser.add_argument("--language", default="de", help="de (default) or en")
        parser.add_argument("--issue", action="store_true", help="store the frozen version")
        parser.add_argument("--issue-date", dest="issue_date", metavar="YYYY-MM-DD")

    @no_translations  # messages of scripts and logs are English; the report has its language
    def handle(self, *args, slug, kind, year, as_of, fmt, output, language, issue, **options):
        cut_off = date_option(self, "--as-of", as_of)
        issue_date = options["issue_date"]
        if issue_date is not None and not issue:
            self.fail("--issue-date: give it with --issue")
        issue_day = date_option(self, "--issue-date", issue_date) if issue_date else None
        if fmt not in FORMATS:
            self.fail(f"--format: {fmt!r} is not a format; choose one of: {', '.join(FORMATS)}")
        if language not in LANGUAGES:
            self.fail(f"--language: {language!r}; choose one of: {', '.join(LANGUAGES)}")
        target = Path(output)
        if not target.parent.is_dir():
            self.fail(f"--output: the folder {target.parent} does not exist")
        programme = find_programme(self, slug)
        try:
            check_request(
                kind,
                as_of=cut_off,
                language=language,
                year=year,
                issue_date=issue_day,
                programme=programme,
            )
            if issue:
                issued = issue_report(
                    programme,
                    kind,
                    actor=Actor.system("report command"),
                    as_of=cut_off,
                    issue_date=issue_day or cut_off,
                    language=language,
                    year=year,
                )
                stored = issued.files.get(format=fmt)
                with stored.file.open("rb") as f:
                    body = f.read()
            else:
                body = render(
                    build(programme, kind, as_of=cut_off, language=language, year=year), fmt
                )
        except ServiceError as e:
            self.fail(f"{_option(e.field)}{e.message}")
        target.write_bytes(body)
        done = f"issued as version {issued.number}; " if issue else ""
        self.stdout.write(f"{done}wrote {target} ({len(body)} bytes)")

    def fail(self, message):
        self.stderr.write(message)
        raise SystemExit(1)


def _option(field) -> str:
    names = {"kind": "--kind", "year": "--year", "language": "--language", "as_of": "--as-of"}
    names["issue_date"] = "--issue-date"
    return f"{names[field]}: " if field in names else ""
