"""Report a programme's questions and statements with their status as of a date, and the
figures; stores nothing."""

import json

from django.core.management.base import BaseCommand, no_translations

from plansicht import clock
from plansicht.participation import figures as reads
from plansicht.participation.models import Submission
from plansicht.proposals import reads as proposal_reads

from .dump_programme import add_status_arguments, date_option, find_programme, utf8_output


def _iso(value):
    return value.isoformat() if value is not None else None


def _decimal(value):
    return str(value) if value is not None else None


def as_json(programme, as_of) -> dict:
    out = {}
    numbers = {}
    for key, kind in (("questions", Submission.QUESTION), ("statements", Submission.STATEMENT)):
        items = Submission.objects.filter(programme=programme, kind=kind)
        out[key] = [
            {
                "code": row.item.code,
                "received": _iso(row.item.received),
                "due": _iso(row.due),
                "original_due": _iso(row.item.due),
                "answered": _iso(row.item.answered_on)
                if row.item.answered_on is not None and row.item.answered_on <= as_of
                else None,
                "status": row.status,
            }
            for row in sorted(reads.rows(items, as_of), key=lambda r: r.item.code)
        ]
        f = reads.figures(items, as_of)
        numbers[key] = {
            **f.counts,
            "share_answered_in_time": _decimal(f.share_answered_in_time),
            "median_days_to_answer": _decimal(f.median_days_to_answer),
        }
    found = proposal_reads.rows(programme, as_of)
    out["proposals"] = [
        {
            "code": row.item.code,
            "received": _iso(row.item.received),
            "supports": row.state.supports,
            "threshold_reached": _iso(row.state.threshold_reached),
            "due": _iso(row.state.due),
            "original_due": _iso(row.state.original_due),
            "decided": _iso(row.state.decided),
            "status": row.state.status,
        }
        for row in sorted(found, key=lambda r: r.item.code)
    ]
    f = proposal_reads.figures(programme, as_of, found)
    numbers["proposals"] = {
        **f.counts,
        "share_answered_in_time": _decimal(f.share_answered_in_time),
        "median_days_to_answer": _decimal(f.median_days_to_answer),
    }
    return {**out, "figures": numbers}


class Command(BaseCommand):
    help = (
        "Show the questions, statements and proposals of programme SLUG with their status as "
        "of a date (default today), and the figures; stores nothing."
    )

    def add_arguments(self, parser):
        add_status_arguments(parser)

    @no_translations  # scripts and logs get one language: English
    def handle(self, *args, slug, as_of, json: bool, **options):
        status_date = date_option(self, "--as-of", as_of) if as_of else clock.today()
        programme = find_programme(self, slug)
        data = as_json(programme, status_date)
        utf8_output(self)
        if json:
            self.stdout.write(_dumps(data))
            return
        out = self.stdout.write
        out(f"{programme.title} ({programme.slug}), as of {status_date:%d.%m.%Y}")
        for key, title in (("questions", "Questions"), ("statements", "Statements")):
            f = data["figures"][key]
            out("")
            out(
                f"{title}: {f['open']} open, {f['overdue']} overdue, {f['answered_in_time']} "
                f"answered in time, {f['answered_within_extension']} within an extension, "
                f"{f['answered_late']} late"
            )
            share = f["share_answered_in_time"]
            median = f["median_days_to_answer"]
            out(
                f"  answered in time: {share + ' %' if share else '–'}; "
                f"median days to answer: {median or '–'}"
            )
            for item in data[key]:
                answered = item["answered"] or "–"
                out(
                    f"  {item['code']:<10} received {item['received']}  due {item['due']}  "
                    f"answered {answered:<10}  {item['status']}"
                )
        f = data["figures"]["proposals"]
        out("")
        out(
            f"Proposals (threshold {programme.proposal_threshold} supports): {f['open']} open, "
            f"{f['overdue']} overdue, {f['answered_in_time']} decided in time, "
            f"{f['answered_within_extension']} within an extension, {f['answered_late']} late"
        )
        for item in data["proposals"]:
            out(
                f"  {item['code']:<10} supports {item['supports']:<5} threshold reached "
                f"{item['threshold_reached'] or '–':<10}  due {item['due'] or '–':<10}  "
                f"decided {item['decided'] or '–':<10}  {item['status']}"
            )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
