"""Load a programme document; all or nothing."""

import json
import sys

from django.core.management.base import BaseCommand, no_translations

from plansicht.documents.programme import TOO_DEEP, DocumentInvalid, object_pairs, parse
from plansicht.services import Actor, ServiceError
from plansicht.services.programme import load_programme


class Command(BaseCommand):
    help = (
        "Load a programme document (format plansicht.programme/1). An invalid document is "
        "refused with every problem on its own line as 'path: message', and nothing is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON document, or - for standard input")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace the state of an existing programme with the same slug (history is kept)",
        )
        parser.add_argument("--reason", default="", help="why the plan is loaded or replaced")

    @no_translations  # scripts and logs get one language: English
    def handle(self, *args, file, replace, reason, **options):
        try:
            if file == "-":
                data = json.load(sys.stdin, object_pairs_hook=object_pairs)
            else:
                with open(file, encoding="utf-8") as f:
                    data = json.load(f, object_pairs_hook=object_pairs)
        except RecursionError:  # json's decoder recurses per level: far past MAX_DEPTH here
            self.fail([TOO_DEEP])
        except OSError as e:
            self.fail([(file, f"cannot be read: {e.strerror}")])
        except UnicodeDecodeError:
            self.fail([(file, "is not UTF-8 text; save it as UTF-8 and try again")])
        except json.JSONDecodeError as e:
            self.fail([(file, f"is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}")])
        try:
            self.stderr.write("Checking the document …")
            document, warnings = parse(data)
        except DocumentInvalid as e:
            self.fail(e.problems)
        for path, message in warnings:
            self.stderr.write(f"{path}: {message}")
        self.stderr.write(
            f"Storing {len(document['milestones'])} milestones and "
            f"{len(document['dependencies'])} dependencies, then computing the forecast …"
        )
        try:
            programme = load_programme(
                document, replace=replace, reason=reason, actor=Actor.system("load_programme")
            )
        except ServiceError as e:
            self.fail([(e.field or file, e.message)])
        self.stdout.write(f"Loaded programme {programme.slug}.")

    def fail(self, problems):
        for path, message in problems:
            self.stderr.write(f"{path}: {message}")
        self.stderr.write("Nothing was stored.")
        raise SystemExit(1)
