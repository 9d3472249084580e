"""Issuing a report: made once from the data as of its cut-off date, rendered to every format
(the PDF as its archival variant), and frozen — the files, the content they were made from and
the version of Plansicht, each file with its SHA-256 checksum. Issuing again makes a new
version; an issued report never changes. One history event per issue.
"""

import json
from datetime import date

from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils.translation import gettext as _

from plansicht import __version__
from plansicht.engine import calendar
from plansicht.funding.models import Grant
from plansicht.reports import content
from plansicht.reports.build import KINDS, build
from plansicht.reports.kinds import proof
from plansicht.reports.models import PUBLIC_KINDS, IssuedFile, IssuedReport, sha256
from plansicht.reports.render import EXTENSIONS, FORMATS, render

from . import Actor, ServiceError
from .common import commit
from .permissions import can_edit_money, can_edit_plan, check

LANGUAGES = ("de", "en")


def may_issue(user, programme) -> bool:
    """Editors of the plan and finance officers (and administrators) issue reports."""
    return can_edit_plan(user, programme) or can_edit_money(user, programme)


def check_request(kind, *, as_of, language, year=None, issue_date=None, programme=None):
    """Refuse a request the builders cannot answer, in words a clerk understands. Given the
    ``programme``, a proof of use is refused when no grant of it has a day in the period
    the proof covers (a year outside every eligibility period, say)."""
    if kind not in KINDS:
        raise ServiceError(
            _("There is no report of the kind “%(kind)s”; choose one of: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(KINDS)},
            field="kind",
        )
    if year is not None and kind != "proof":
        raise ServiceError(_("A year is given only for an interim proof of use."), field="year")
    if language not in LANGUAGES:
        raise ServiceError(_("Choose German (de) or English (en)."), field="language")
    for field, value in (("as_of", as_of), ("issue_date", issue_date)):
        if value is not None and not calendar.in_range(value):
            raise ServiceError(
                _("Give a date from %(first)s to %(last)s.")
                % {"first": calendar.EARLIEST.isoformat(), "last": calendar.LATEST.isoformat()},
                field=field,
            )
    if issue_date is not None and issue_date < as_of:
        raise ServiceError(
            _("A report is issued on or after its cut-off date."), field="issue_date"
        )
    if kind == "proof" and programme is not None:
        periods = Grant.objects.filter(programme=programme).values_list(
            "eligible_from", "eligible_until"
        )
        refused = proof.refusal(list(periods), year, as_of)
        if refused is not None:
            field, message = refused
            raise ServiceError(message, field=field)


def issue_report(
    programme,
    kind: str,
    *,
    actor: Actor,
    as_of: date,
    issue_date: date,
    language: str = "de",
    year: int | None = None,
    public: bool | None = None,
) -> IssuedReport:
    """Make, render and freeze a report. ``public`` defaults by kind: council and public
    reports are public once issued, the others internal unless the office says otherwise."""
    check(actor, lambda user: may_issue(user, programme))
    check_request(
        kind,
        as_of=as_of,
        language=language,
        year=year,
        issue_date=issue_date,
        programme=programme,
    )
    shown = kind in PUBLIC_KINDS if public is None else public
    report = build(
        programme,
        kind,
        as_of=as_of,
        language=language,
        issue_date=issue_date,
        public=shown,
        year=year,
    )
    data = content.as_data(report)
    files = {fmt: render(report, fmt, archival=True) for fmt in FORMATS}
    holder = {}

    def apply():
        number = (
            IssuedReport.objects.filter(
                programme=programme, kind=kind, year=year, language=language
            ).aggregate(n=Max("number"))["n"]
            or 0
        ) + 1
        issued = IssuedReport.objects.create(
            programme=programme,
            kind=kind,
            year=year,
            language=language,
            cut_off=as_of,
            issue_date=issue_date,
            number=number,
            public=shown,
            title=report.title,
            data=data,
            data_sha256=sha256(_canonical(data)),
            plansicht_version=__version__,
            issued_by=actor.name,
        )
        for fmt, body in files.items():
            which = f"{kind}-{year}" if year is not None else kind
            name = f"{programme.slug}-{which}-{as_of.isoformat()}-v{number}.{EXTENSIONS[fmt]}"
            stored = IssuedFile(report=issued, format=fmt, size=len(body), sha256=sha256(body))
            stored.file.save(name, ContentFile(body), save=False)
            stored.save()
        holder["report"] = issued

    commit(
        programme,
        actor=actor,
        reason="",
        action="report.issued",
        apply=apply,
        event=lambda: {
            "subject": holder["report"],
            "public": shown,
            "label": holder["report"].title,
            "changes": {
                "kind": [None, kind],
                "cut_off": [None, as_of.isoformat()],
                "issue_date": [None, issue_date.isoformat()],
                "number": [None, holder["report"].number],
            },
        },
        forecast=False,
    )
    return holder["report"]


def _canonical(data) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
