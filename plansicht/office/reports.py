"""Office pages for reports: the issued reports (public and internal) with their files, the
form that issues one, and the page that follows the issuing: the request is checked at once,
the report is made and rendered by the task worker, and the job's page tells when it is ready
(``plansicht.services.reports.request_issue``)."""

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

from plansicht.forecast import run
from plansicht.reports.build import KINDS
from plansicht.reports.models import KINDS as KIND_NAMES
from plansicht.reports.models import IssuedFile, IssuedReport
from plansicht.reports.render import MEDIA_TYPES
from plansicht.services import reports as service

from . import change_requests
from .common import actor, get_programme_for_user, page_context, submit
from .forms import date_field


class IssueForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Report"),
        choices=[(k, label) for k, label in KIND_NAMES if k in KINDS],
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year of the interim proof of use"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=gettext_lazy(
            "Only for a proof of use: the year of an interim proof; leave it empty for the "
            "final proof of use."
        ),
    )
    as_of = date_field(gettext_lazy("Cut-off date"), required=True)
    issue_date = date_field(gettext_lazy("Issue date"), required=True)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=[("de", gettext_lazy("German")), ("en", gettext_lazy("English"))],
    )
    public = forms.BooleanField(
        label=gettext_lazy("Publish on the portal"),
        required=False,
        help_text=gettext_lazy(
            "Council and progress reports are public; the others only if you tick this. A "
            "public proof of use leaves out its list of receipts."
        ),
    )


@login_required
def reports(request, slug):
    programme = get_programme_for_user(request, slug)
    may = service.may_issue(request.user, programme)
    form = None
    status = 200
    if may:
        today = run.today()
        form = IssueForm(
            request.POST if request.method == "POST" else None,
            initial={"as_of": today, "issue_date": today, "language": "de"},
        )
        if request.method == "POST":
            job = submit(
                request,
                form,
                lambda kind, public, **data: service.request_issue(
                    programme,
                    kind,
                    actor=actor(request, programme),
                    public=public or None,
                    **data,
                ),
            )
            if job:
                return redirect("office:report_job", programme.slug, job)
            status = 400
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "office/reports.html",
        page_context(
            request,
            programme,
            nav="reports",
            form=form,
            reports=IssuedReport.objects.filter(programme=programme).prefetch_related("files"),
            **change_requests.table(request, programme),
        ),
        status=status,
    )


@login_required
def report_file(request, slug, pk, fmt):
    programme = get_programme_for_user(request, slug)
    stored = IssuedFile.objects.filter(
        report__programme=programme, report__pk=pk, format=fmt
    ).first()
    if stored is None:
        raise Http404(_("There is no issued report with this number and format."))
    return FileResponse(
        stored.file.open("rb"),
        content_type=MEDIA_TYPES[fmt],
        as_attachment=fmt != "pdf",
        filename=stored.file.name.rsplit("/", 1)[-1],
    )


# The job's state as the page names it, from the task's status and what it returned.
WAITING, RUNNING, READY, FAILED = "waiting", "running", "ready", "failed"


@login_required
def report_job(request, slug, job):
    """Where a report being issued stands: waiting for the worker, being made, ready (with
    its files) or not issued (with the reason). The page asks again by itself every few
    seconds (``job.js``) and says so; without JavaScript a link asks again."""
    programme = get_programme_for_user(request, slug)
    try:
        result = service.issue_in_background.get_result(str(job))
    except (TaskResultDoesNotExist, TaskResultMismatch):
        raise Http404(_("There is no such report being issued.")) from None
    if not result.args or result.args[0] != programme.pk:
        raise Http404(_("There is no such report being issued."))
    report = message = None
    if result.status == TaskResultStatus.SUCCESSFUL:
        value = result.return_value or {}
        report = (
            IssuedReport.objects.filter(programme=programme, pk=value.get("report"))
            .prefetch_related("files")
            .first()
        )
        state = READY if report is not None else FAILED
        message = value.get("error")
    elif result.status == TaskResultStatus.FAILED:
        state = FAILED
    elif result.status == TaskResultStatus.RUNNING:
        state = RUNNING
    else:
        state = WAITING
    kind = dict(KIND_NAMES).get(result.args[2], result.args[2])
    return render(
        request,
        "office/report_job.html",
        page_context(
            request,
            programme,
            nav="reports",
            state=state,
            kind=kind,
            cut_off=date.fromisoformat(result.args[3]),
            report=report,
            message=message,
            enqueued_at=result.enqueued_at,
        ),
    )
