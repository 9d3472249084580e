"""Office pages for the funder's acceptance of a finished milestone: the form (the finance
role: ``can_record_acceptance``) and the funder's letter, which every office role may open and
which is never served publicly. Every change goes through ``plansicht.services.acceptance``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plansicht.history.models import Event
from plansicht.services import ServiceError
from plansicht.services.acceptance import record_acceptance
from plansicht.services.permissions import can_record_acceptance

from .common import actor, get_milestone, get_programme_for_user, page_context, show_error
from .forms import AcceptanceForm


@login_required
def acceptance(request, slug, code):
    programme = get_programme_for_user(request, slug, may=can_record_acceptance)
    milestone = get_milestone(programme, code)
    initial = {
        "accepted_on": milestone.accepted_on,
        "acceptance_ref": milestone.acceptance_ref,
        "version": milestone.version,
    }
    form = AcceptanceForm(initial=initial)
    status = 200
    if request.method == "POST":
        form = AcceptanceForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record_acceptance(
                    milestone,
                    actor=actor(request, programme),
                    accepted_on=data["accepted_on"],
                    acceptance_ref=data["acceptance_ref"],
                    document=data["acceptance_document"] or None,
                    remove_document=data["remove_document"],
                    reason=data["reason"],
                    expected_version=data["version"],
                )
            except ServiceError as e:
                show_error(form, e)
            else:
                messages.success(
                    request,
                    _("The funder's acceptance of %(code)s was saved.") % {"code": milestone.code},
                )
                return redirect("office:milestone", programme.slug, milestone.code)
        status = 400
    history = Event.objects.about(milestone).filter(action__startswith="milestone.accept")
    return render(
        request,
        "office/milestone_acceptance.html",
        page_context(
            request,
            programme,
            milestone=milestone,
            form=form,
            history=history.select_related("unit")[:30],
            nav="milestones",
        ),
        status=status,
    )


@login_required
def document(request, slug, code):
    """The funder's letter, for the office only: served as a PDF, never guessed otherwise."""
    programme = get_programme_for_user(request, slug)
    milestone = get_milestone(programme, code)
    if not milestone.acceptance_document:
        raise Http404(_("No letter of the funder is stored for this milestone."))
    try:
        handle = milestone.acceptance_document.open("rb")
    except OSError:
        raise Http404(_("No letter of the funder is stored for this milestone.")) from None
    name = f"{slugify(milestone.code) or 'milestone'}-acceptance.pdf"
    response = FileResponse(handle, content_type="application/pdf", filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
