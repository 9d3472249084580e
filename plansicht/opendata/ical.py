"""iCalendar (RFC 5545), written by hand: the published milestones as to-dos (VTODO, due on
the forecast finish, with their status and progress) and the answer due dates of the open
questions and statements as all-day events (VEVENT), and the periods of the consultations for
the public as events from their opening to their close (never a staff-only one). One calendar
per programme and one per measure (the measure and the measures below it), to subscribe to.

Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character); texts escape
backslash, semicolon, comma and newlines. DTSTAMP is the time the stored forecast was
computed, so the same forecast gives the same file; UIDs stay the same for the same item."""

from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from plansicht import clock
from plansicht.engine import periods
from plansicht.forecast import public_participation, public_rows
from plansicht.plan.models import Measure

MEDIA_TYPE = "text/calendar; charset=utf-8"
OPEN = (periods.OPEN, periods.OVERDUE)


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> bytes:
    """The content line as octets, folded so no physical line exceeds 75 octets."""
    out, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out).encode("utf-8") + b"\r\n"


def _day(d) -> str:
    return d.strftime("%Y%m%d")


def _stamp(programme) -> str:
    forecast = getattr(programme, "forecast", None)
    if forecast is not None:
        from datetime import UTC

        return forecast.computed_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return _day(clock.today()) + "T000000Z"


def _uid(programme, kind, code) -> str:
    return f"{kind}-{quote(code, safe='')}.{programme.slug}@plansicht"


def _url(name, *args) -> str:
    return settings.SITE_URL + reverse(f"portal:{name}", args=args)


def _time(moment) -> str:
    from datetime import UTC

    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def consultation_events(programme, stamp, subtree=None) -> list[str]:
    """One event per consultation for the public, from its opening to its close."""
    lines = []
    for c in public_participation.public_consultations(programme).order_by("opens", "code"):
        if subtree is not None and c.measure_id not in subtree:
            continue
        summary = _("Consultation: %(title)s") % {"title": c.title}
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(programme, 'consultation', c.code)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_time(c.opens)}",
            f"DTEND:{_time(c.closes)}",
            f"SUMMARY:{escape(summary)}",
            "TRANSP:TRANSPARENT",
            f"URL:{_url('consultation', programme.slug, c.code)}",
        ]
        if c.description:
            lines.append(f"DESCRIPTION:{escape(c.description)}")
        lines.append("END:VEVENT")
    return lines


def _status(f) -> str:
    if f is None:
        return "NEEDS-ACTION"
    if f.finished:
        return "COMPLETED"
    return "IN-PROCESS" if f.started else "NEEDS-ACTION"


def calendar(programme, measure=None) -> bytes:
    from .tables import submissions

    stamp = _stamp(programme)
    name = programme.title if measure is None else f"{measure.code} {measure.title}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Plansicht//Open data//DE",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    milestones = public_rows.public_milestones(programme)
    subtree = None
    if measure is not None:
        subtree = set(Measure.objects.filter(programme=programme).public().subtree_ids(measure))
        milestones = milestones.filter(measure_id__in=subtree)
    for m in milestones:
        f = getattr(m, "forecast", None)
        if f is None:
            continue
        lines += [
            "BEGIN:VTODO",
            f"UID:{_uid(programme, 'milestone', m.code)}",
            f"DTSTAMP:{stamp}",
            f"SUMMARY:{escape(f'{m.code} {m.title}')}",
        ]
        if f.start < f.finish:
            lines.append(f"DTSTART;VALUE=DATE:{_day(f.start)}")
        lines += [
            f"DUE;VALUE=DATE:{_day(f.finish)}",
            f"STATUS:{_status(f)}",
            f"PERCENT-COMPLETE:{100 if f.finished else m.progress}",
            f"URL:{_url('milestone', programme.slug, m.code)}",
        ]
        if m.description:
            lines.append(f"DESCRIPTION:{escape(m.description)}")
        if f.finished and m.actual_finish:
            lines.append(f"COMPLETED:{_day(m.actual_finish)}T000000Z")
        lines.append("END:VTODO")
    for item in submissions(programme, clock.today()):
        if item["status"] not in OPEN:
            continue
        if subtree is not None and item["measure_id"] not in subtree:
            continue
        page = "question" if item["kind"] == "question" else "statement"
        label = _("Answer due: question") if page == "question" else _("Answer due: statement")
        due, code = item["due_in_force"], item["code"]
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(programme, page, code)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_day(due)}",
            f"DTEND;VALUE=DATE:{_day(due + timedelta(days=1))}",
            f"SUMMARY:{escape(f'{label} {code}')}",
            "TRANSP:TRANSPARENT",
            f"URL:{_url(page, programme.slug, code)}",
            "END:VEVENT",
        ]
    lines += consultation_events(programme, stamp, subtree)
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)


def programme_calendar(programme) -> bytes:
    return calendar(programme)
