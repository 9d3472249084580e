"""Issuing a report: made once from the data as of its cut-off date, rendered to every format
(the PDF as its archival variant), and frozen — the files, the content they were made from and
the version of Plansicht, each file with its SHA-256 checksum. Issuing again makes a new
version; an issued report never changes. One history event per issue.

The office hands the rendering to the task worker (``request_issue`` → ``issue_in_background``,
django-tasks with its database backend, run by ``manage.py db_worker``): the request is checked
at once, the report is made in the background and the office's job page tells when it is ready.
Issuing a change request (``change-request``) also makes its record (``ChangeRequest``, code
ÄA-1, ÄA-2, … per programme, status drafted) in the same transaction and event; its status
then moves on through :func:`set_change_request_status`, one event each.
"""

import json
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import task

from plansicht import __version__, clock
from plansicht.engine import calendar
from plansicht.funding.models import Grant
from plansicht.plan.models import Programme
from plansicht.reports import content
from plansicht.reports.build import KINDS, build
from plansicht.reports.kinds import proof
from plansicht.reports.models import (
    PUBLIC_KINDS,
    ChangeRequest,
    IssuedFile,
    IssuedReport,
    sha256,
)
from plansicht.reports.render import EXTENSIONS, FORMATS, render

from . import Actor, ServiceError
from .common import check_date, commit
from .permissions import can_edit_money, can_edit_plan, check

LANGUAGES = ("de", "en")
CHANGE_REQUEST = "change-request"  # the kind whose issue makes a ChangeRequest


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


def _check_issue(programme, kind, actor, as_of, issue_date, language, year) -> None:
    """Refuse a request to issue a report: who asks, then what is asked."""
    check(actor, lambda user: may_issue(user, programme))
    check_request(
        kind,
        as_of=as_of,
        language=language,
        year=year,
        issue_date=issue_date,
        programme=programme,
    )


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
    _check_issue(programme, kind, actor, as_of, issue_date, language, year)
    shown = kind in PUBLIC_KINDS if public is None else public
    # A change request prints its code; the record made on issue must get the same one.
    printed = ChangeRequest.next_number(programme) if kind == CHANGE_REQUEST else None
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
        if kind == CHANGE_REQUEST:
            _check_code_still_next(programme, printed)
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
        if kind == CHANGE_REQUEST:
            holder["change_request"] = _new_change_request(programme, issued, printed)

    def changes():
        found = {
            "kind": [None, kind],
            "cut_off": [None, as_of.isoformat()],
            "issue_date": [None, issue_date.isoformat()],
            "number": [None, holder["report"].number],
        }
        if "change_request" in holder:
            found["change_request"] = [None, holder["change_request"].code]
        return found

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
            "changes": changes(),
        },
        forecast=False,
    )
    return holder["report"]


def _canonical(data) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False).encode()


def request_issue(
    programme,
    kind: str,
    *,
    actor: Actor,
    as_of: date,
    issue_date: date,
    language: str = "de",
    year: int | None = None,
    public: bool | None = None,
) -> str:
    """Check a request to issue a report now (who asks, the kind, the dates) and hand the
    making and rendering to the task worker; returns the job's id (see ``job``). Issuing
    happens in ``issue_in_background``, through ``issue_report`` with its one event."""
    if actor.user is None:
        raise ServiceError(_("Only a signed-in user issues a report from the office."))
    _check_issue(programme, kind, actor, as_of, issue_date, language, year)
    result = issue_in_background.enqueue(
        programme.pk,
        actor.user.pk,
        kind,
        as_of.isoformat(),
        issue_date.isoformat(),
        language,
        year,
        public,
        translation.get_language() or "de",
    )
    return str(result.id)


@task()
def issue_in_background(
    programme_id, user_id, kind, as_of, issue_date, language, year, public, ui_language
) -> dict:
    """The task worker's half of ``request_issue``: {"report": its id} once issued, or
    {"error": why not} in the words of the office's language."""
    programme = Programme.objects.get(pk=programme_id)
    user = get_user_model().objects.get(pk=user_id)
    with translation.override(ui_language):
        try:
            issued = issue_report(
                programme,
                kind,
                actor=Actor.for_user(user, programme),
                as_of=date.fromisoformat(as_of),
                issue_date=date.fromisoformat(issue_date),
                language=language,
                year=year,
                public=public,
            )
        except PermissionDenied:
            return {"error": _("You may no longer issue reports of this programme.")}
        except ServiceError as e:
            return {"error": str(e.message)}
    return {"report": issued.pk}


# -- change requests ---------------------------------------------------------------------------


def _check_code_still_next(programme, printed: int) -> None:
    """Refuse to issue a change request whose files print a code another took meanwhile."""
    if ChangeRequest.next_number(programme) != printed:
        raise ServiceError(
            _(
                "Another change request was issued at the same time and took the code "
                "%(code)s. Nothing was issued; issue this one again."
            )
            % {"code": ChangeRequest.code_of(printed)}
        )


def _new_change_request(programme, issued: IssuedReport, number: int) -> ChangeRequest:
    """The record of a change request just issued: the code its files print, status drafted
    since the issue date."""
    return ChangeRequest.objects.create(
        programme=programme,
        number=number,
        code=ChangeRequest.code_of(number),
        date=issued.issue_date,
        status=ChangeRequest.DRAFTED,
        status_on=issued.issue_date,
        issued_report=issued,
    )


def _status_name(status) -> str:
    return str(dict(ChangeRequest.STATUSES).get(status, status))


def set_change_request_status(
    change_request: ChangeRequest,
    status: str,
    *,
    actor: Actor,
    on: date,
    reason: str = "",
    version: int | None = None,
) -> ChangeRequest:
    """Record that ``change_request`` moved on to ``status`` on the date ``on``: drafted →
    sent, sent → approved or rejected; nothing moves back. ``version``: the version the form
    was opened at (a change made meanwhile is refused). One history event, public only if
    the change request was issued as public."""
    programme = change_request.programme
    check(actor, lambda user: may_issue(user, programme))
    if status not in dict(ChangeRequest.STATUSES):
        raise ServiceError(
            _("Choose the status: drafted, sent, approved or rejected."), field="status"
        )
    current = change_request.status
    if status == current:
        raise ServiceError(
            _("Change request %(code)s has the status “%(status)s” already.")
            % {"code": change_request.code, "status": _status_name(status)},
            field="status",
        )
    if status not in change_request.next_statuses:
        if not change_request.next_statuses:
            message = _(
                "Change request %(code)s has the status “%(status)s”, which is final. Issue a "
                "new change request instead."
            )
        elif status == ChangeRequest.DRAFTED:
            message = _(
                "Change request %(code)s has the status “%(status)s”; a status cannot be set "
                "back. A sent request is next approved or rejected."
            )
        else:
            message = _(
                "Change request %(code)s has the status “%(status)s”: it must be sent before "
                "it is approved or rejected."
            )
        raise ServiceError(
            message % {"code": change_request.code, "status": _status_name(current)},
            field="status",
        )
    check_date(on, "on")
    if on < change_request.status_on:
        raise ServiceError(
            _("Give a date on or after %(date)s, the date of its status “%(status)s”.")
            % {
                "date": date_format(change_request.status_on, "SHORT_DATE_FORMAT"),
                "status": _status_name(current),
            },
            field="on",
        )
    if on > clock.today():
        raise ServiceError(
            _("The date lies in the future. Record the status once it is reached."), field="on"
        )
    changes = {"status": [current, status]}
    if on != change_request.status_on:
        changes["status_on"] = [change_request.status_on.isoformat(), on.isoformat()]
    old = (change_request.status, change_request.status_on)

    def apply():
        change_request.status, change_request.status_on = status, on
        change_request.save(update_fields=["status", "status_on", "version"])

    def undo():  # the transaction rolled back: the caller's object keeps its old values
        change_request.status, change_request.status_on = old

    issued = change_request.issued_report
    commit(
        programme,
        actor=actor,
        reason=reason,
        action="change_request.status",
        apply=apply,
        undo=undo,
        event={
            "subject": change_request,
            "public": bool(issued is not None and issued.public),
            "label": change_request.code,
            "changes": changes,
        },
        versioned=change_request,
        expected_version=version,
        forecast=False,
    )
    return change_request
