"""Office parts for change requests (Änderungsanträge): their table on the reports page, with a
small form per row to set the status, and the page that form posts to (it shows the form
again, with a reason, when the status cannot be set). Issuing a ``change-request`` report
makes the record; its status moves on through ``plansicht.services.reports``.

Whoever may issue reports (``may_issue``: editors of the plan, finance officers,
administrators) sets the status; every office role sees the table.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plansicht.forecast import run
from plansicht.reports.models import ChangeRequest
from plansicht.services import reports as service

from .common import actor, get_programme_for_user, page_context, submit
from .forms import date_field, reason_field, version_field


class StatusForm(forms.Form):
    """The next status of a change request and the day it was reached. Every status is
    accepted here (the service says which may follow); the select offers the next ones."""

    status = forms.ChoiceField(label=gettext_lazy("New status"), choices=ChangeRequest.STATUSES)
    on = date_field(gettext_lazy("Status date"), required=True)
    reason = reason_field(help_text=gettext_lazy("Recorded with the status in the history."))
    version = version_field()

    def __init__(self, *args, change_request, **kwargs):
        kwargs.setdefault("auto_id", f"cr{change_request.pk}-%s")
        kwargs.setdefault("initial", {"version": change_request.version, "on": run.today()})
        super().__init__(*args, **kwargs)
        self.offered(change_request)

    def offered(self, change_request):
        """Offer only the statuses that may follow the one stored now."""
        names = dict(ChangeRequest.STATUSES)
        self.fields["status"].choices = [(s, names[s]) for s in change_request.next_statuses]


def table(request, programme) -> dict:
    """The reports page's part: every change request of the programme, the newest first,
    with its status form where the user may set one and the status is not final."""
    may = service.may_issue(request.user, programme)
    rows = []
    for found in (
        ChangeRequest.objects.filter(programme=programme)
        .select_related("issued_report")
        .prefetch_related("issued_report__files")
    ):
        form = StatusForm(change_request=found) if may and found.next_statuses else None
        rows.append((found, form))
    return {"change_requests": rows}


@login_required
def status(request, slug, pk):
    """GET: the form to set the status of one change request; POST: set it."""
    programme = get_programme_for_user(request, slug, may=service.may_issue)
    found = get_object_or_404(ChangeRequest.objects.filter(programme=programme), pk=pk)
    form = StatusForm(request.POST or None, change_request=found)
    code = 200
    if request.method == "POST":
        form.fields["status"].choices = ChangeRequest.STATUSES  # the service decides
        by = actor(request, programme)
        done = _("Change request %(code)s: status set.") % {"code": found.code}
        saved = submit(
            request,
            form,
            lambda status, on, reason, expected_version: service.set_change_request_status(
                found, status, actor=by, on=on, reason=reason, version=expected_version
            ),
            done,
            stored=lambda current: {"status": current.status, "on": current.status_on},
        )
        if saved:
            return redirect("office:reports", programme.slug)
        found.refresh_from_db()
        form.offered(found)
        code = 400
    return render(
        request,
        "office/change_request_status.html",
        page_context(request, programme, nav="reports", form=form, change_request=found),
        status=code,
    )
