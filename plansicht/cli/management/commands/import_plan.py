"""Import the plan (measures and milestones) of programme SLUG from an XLSX or CSV file in the
documented template, or from Decidim's accountability results CSV, recognised by its header
(docs/import.md); with --costs the cost plan (cost lines) instead; with
--dry-run only check it. Every problem is listed by
row and column; exit 1 when there is one, and then nothing is changed."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import translation

from plansicht.imports.cost_table import read_costs
from plansicht.imports.plan_table import read_plan
from plansicht.services import Actor, ServiceError
from plansicht.services.cost_imports import import_costs
from plansicht.services.imports import import_plan

from .dump_programme import find_programme

LANGUAGES = ("de", "en")
KIND_WORDS = {
    "de": {
        "fields_of_action": "Handlungsfelder",
        "measures": "Maßnahmen",
        "milestones": "Meilensteine",
        "cost_lines": "Kostenpositionen",
    },
    "en": {
        "fields_of_action": "fields of action",
        "measures": "measures",
        "milestones": "milestones",
        "cost_lines": "cost lines",
    },
}


class Command(BaseCommand):
    help = (
        "Import the plan of programme SLUG from FILE (XLSX or CSV with the template's German "
        "headers, or Decidim's accountability results CSV); --costs imports the cost plan "
        "instead; --dry-run checks it and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--programme", required=True, metavar="SLUG")
        parser.add_argument("--dry-run", dest="dry_run", action="store_true")
        parser.add_argument(
            "--costs", action="store_true", help="the file is the cost plan (cost lines)"
        )
        parser.add_argument(
            "--reason",
            default="",
            help="the reason for finishes moved later (--costs: for changed planned amounts)",
        )
        parser.add_argument("--language", default="de", help="of the messages: de (default) or en")

    def handle(self, *args, file, programme, dry_run, costs, reason, language, **options):
        if language not in LANGUAGES:
            self.fail(f"--language: {language!r}; choose one of: {', '.join(LANGUAGES)}")
        path = Path(file)
        if not path.is_file():
            self.fail(f"{file}: no such file")
        target = find_programme(self, programme)
        with translation.override(language):
            read, apply = (read_costs, import_costs) if costs else (read_plan, import_plan)
            table = read(path.read_bytes())
            try:
                result = apply(
                    target,
                    table,
                    actor=Actor.system("import_plan --costs" if costs else "import_plan"),
                    reason=reason,
                    dry_run=dry_run,
                    source=path.name,
                )
            except ServiceError as e:
                self.fail(str(e.message))
            for notice in result.notices:
                self.stdout.write(str(notice))
            if result.problems:
                for problem in result.problems:
                    self.stderr.write(str(problem))
                raise SystemExit(1)
            words = KIND_WORDS[language]
            lines = []
            for kind in result.created:
                counts = (
                    result.created[kind],
                    result.updated[kind],
                    result.unchanged[kind],
                )
                if language == "de":
                    lines.append(
                        f"{words[kind]}: {counts[0]} neu, {counts[1]} geändert, "
                        f"{counts[2]} unverändert"
                    )
                else:
                    lines.append(
                        f"{words[kind]}: {counts[0]} new, {counts[1]} changed, "
                        f"{counts[2]} unchanged"
                    )
            self.stdout.write("\n".join(lines))
            if dry_run:
                self.stdout.write(
                    "Probelauf: nichts gespeichert."
                    if language == "de"
                    else "Dry run: nothing stored."
                )
            else:
                self.stdout.write(
                    f"{result.events} Ereignisse geschrieben."
                    if language == "de"
                    else f"{result.events} events written."
                )

    def fail(self, message):
        self.stderr.write(message)
        raise SystemExit(1)
