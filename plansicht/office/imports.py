"""The office page that imports the plan from a spreadsheet (``services.imports``), and the
import template to download: empty (the documented example row) or with the current plan.

Who may: whoever may edit the plan (``can_edit_plan``: editors and administrators).

The first submit of a file is always a dry run: the page shows the counts, the notices and
every problem by row and column. The checked file's bytes are kept in the user's session
(server side, in the database) under their SHA-256; the "Apply" button sends that digest back,
and the import runs again on exactly those bytes (or on the same file sent again with the
button), checking everything anew, all or nothing. A digest that does not match the kept bytes
(another file checked in another tab meanwhile, or the session ended) applies nothing and asks
for the file again."""

import base64
import hashlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plansicht.imports.models import ImportJob
from plansicht.imports.plan_table import read_plan
from plansicht.imports.template import plan_template
from plansicht.services import ServiceError
from plansicht.services.import_jobs import apply_checked, request_import
from plansicht.services.imports import KINDS, ImportResult, import_plan
from plansicht.services.permissions import can_edit_plan

from .common import actor, get_programme_for_user, page_context

MAX_BYTES = 10 * 1024 * 1024
SESSION_KEY = "plan_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.FileInput,
        help_text=gettext_lazy("An Excel workbook (XLSX) or a CSV text in the template's layout."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy(
            "Stored with every change; needed where a finish moves later and the row gives no "
            "reason in the column ‚Begründung‘."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s large; at most %(limit)s are possible.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_BYTES)}
            )
        return upload


class ApplyForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
    reason = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)
    file = forms.FileField(required=False)  # the same file sent again, instead of the kept one


def _kind_names():
    return {
        "fields_of_action": _("Fields of action"),
        "measures": _("Measures"),
        "milestones": _("Milestones"),
    }


def _counts(result):
    names = _kind_names()
    return [
        {
            "name": names[k],
            "created": result.created[k],
            "updated": result.updated[k],
            "unchanged": result.unchanged[k],
        }
        for k in KINDS
    ]


def _run(request, programme, data, name, reason, *, dry_run):
    return import_plan(
        programme,
        read_plan(data),
        actor=actor(request, programme),
        reason=reason,
        dry_run=dry_run,
        source=name,
    )


@login_required
def plan_import(request, slug):
    programme = get_programme_for_user(request, slug, may=can_edit_plan)
    form = UploadForm()
    result = apply_form = None
    status = 200
    error = ""
    if request.method == "POST" and request.POST.get("op") == "apply":
        done = _apply(request, programme)
        if done is True:
            return redirect("office:plan_import", programme.slug)
        result, error = done
        status = 400
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            checked = _check(request, programme, form)
            if isinstance(checked, ImportJob):
                return redirect("office:plan_import_job", programme.slug, checked.pk)
            result, apply_form = checked
        if not form.is_valid() or (result is not None and not result.ok):
            status = 400
    return render(
        request,
        "office/plan_import.html",
        page_context(
            request,
            programme,
            nav="plan_import",
            form=form,
            result=result,
            counts=_counts(result) if result else None,
            apply_form=apply_form,
            error=error,
        ),
        status=status,
    )


def _check(request, programme, form):
    """The dry run of the uploaded file: here and now (the result, and the form that applies
    it when it has no problem), or for a large file by the task worker (its job)."""
    upload = form.cleaned_data["file"]
    data = upload.read()
    reason = form.cleaned_data["reason"]
    try:
        if len(data) > settings.IMPORT_BACKGROUND_BYTES:
            return request_import(
                programme, data, upload.name, actor=actor(request, programme), reason=reason
            )
        result = _run(request, programme, data, upload.name, reason, dry_run=True)
    except ServiceError as e:
        form.add_error(None, e.message)
        return None, None
    digest = hashlib.sha256(data).hexdigest()
    request.session[SESSION_KEY] = {
        "programme": programme.pk,
        "digest": digest,
        "name": upload.name,
        "data": base64.b64encode(data).decode("ascii"),
    }
    apply_form = ApplyForm(initial={"digest": digest, "reason": reason}) if result.ok else None
    return result, apply_form


@login_required
def plan_import_job(request, slug, job):
    """Where a large file handed to the task worker stands (``services.import_jobs``): waiting,
    rows read, checking; then what the dry run or the import found. A dry run without problems
    is applied from here, on the very bytes it checked."""
    programme = get_programme_for_user(request, slug, may=can_edit_plan)
    found = ImportJob.objects.filter(programme=programme, pk=job).first()
    if found is None:
        raise Http404(_("There is no such import."))
    error = ""
    if request.method == "POST" and request.POST.get("op") == "apply":
        try:
            applying = apply_checked(found, actor=actor(request, programme))
        except ServiceError as e:
            error = e.message
        else:
            return redirect("office:plan_import_job", programme.slug, applying.pk)
    outcome = found.result or {}
    result = ImportResult.from_data(outcome) if "created" in outcome else None
    return render(
        request,
        "office/import_job.html",
        page_context(
            request,
            programme,
            nav="plan_import",
            job=found,
            rows_read=number_format(found.rows_read, force_grouping=True),
            rows_total=number_format(found.rows_total or 0, force_grouping=True),
            result=result,
            counts=_counts(result) if result else None,
            error=error or outcome.get("error", ""),
            can_apply=bool(result and result.ok and found.dry_run and found.data),
        ),
        status=400 if error else 200,
    )


def _apply(request, programme):
    """True when the import was stored; else (the result with its problems, or None, and an
    error message)."""
    form = ApplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return None, _("The import could not be applied; upload the file again.")
    digest = form.cleaned_data["digest"]
    upload = form.cleaned_data.get("file")
    if upload:
        if upload.size > MAX_BYTES:
            return None, _("The file is too large; upload it again.")
        data, name = upload.read(), upload.name
    else:
        kept = request.session.get(SESSION_KEY) or {}
        if kept.get("programme") != programme.pk:
            kept = {}
        data = base64.b64decode(kept["data"]) if kept.get("data") else b""
        name = kept.get("name", "")
    if not data or hashlib.sha256(data).hexdigest() != digest:
        return None, _(
            "The checked file is no longer at hand (another file was checked meanwhile, or "
            "the session ended); nothing was imported. Upload the file again."
        )
    try:
        result = _run(request, programme, data, name, form.cleaned_data["reason"], dry_run=False)
    except ServiceError as e:
        return None, e.message
    if not result.ok:
        return result, _("Nothing was imported: the file has problems now.")
    request.session.pop(SESSION_KEY, None)
    counts = {k: (result.created[k], result.updated[k]) for k in KINDS}
    messages.success(
        request,
        _(
            "The plan was imported from %(file)s. Fields of action: %(fields_new)d new; "
            "measures: %(measures_new)d new, %(measures_changed)d changed; milestones: "
            "%(milestones_new)d new, %(milestones_changed)d changed; %(events)d changes recorded."
        )
        % {
            "file": name,
            "fields_new": counts["fields_of_action"][0],
            "measures_new": counts["measures"][0],
            "measures_changed": counts["measures"][1],
            "milestones_new": counts["milestones"][0],
            "milestones_changed": counts["milestones"][1],
            "events": result.events,
        },
    )
    return True


def _xlsx(data, filename):
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def plan_import_template(request, slug):
    get_programme_for_user(request, slug, may=can_edit_plan)
    return _xlsx(plan_template(), "plansicht-importvorlage.xlsx")


@login_required
def plan_import_current(request, slug):
    programme = get_programme_for_user(request, slug, may=can_edit_plan)
    return _xlsx(plan_template(programme), f"plansicht-plan-{programme.slug}.xlsx")
