"""Office pages for the risk register: the list by score (the highest first) with the review
dates passed marked in words, the forms to enter, change and remove a risk; and the
dashboard's count of the risks past their review date.

Every office role may read; whoever may edit the plan (``can_edit_plan``: editors and
administrators) may open a form or post one. Every change goes through
``plansicht.services.risks``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plansicht import clock
from plansicht.risks.models import RISK_FIELDS, Risk
from plansicht.services import risks as service
from plansicht.services.permissions import can_edit_plan

from .common import actor, get_programme_for_user, initial_from, page_context, submit
from .forms import RemoveForm, RiskForm


def _context(request, programme, **extra) -> dict:
    return page_context(
        request,
        programme,
        nav="risks",
        may_edit=can_edit_plan(request.user, programme),
        **extra,
    )


def _risk(programme, pk) -> Risk:
    return get_object_or_404(Risk.objects.for_programme(programme), pk=pk)


def review_passed_count(programme, as_of) -> dict | None:
    """The dashboard's line: how many risks (not closed) are past their review date (None:
    the register is empty)."""
    risks = Risk.objects.for_programme(programme)
    if not risks.exists():
        return None
    return {"count": risks.review_passed(as_of).count()}


@login_required
def risk_list(request, slug):
    """Every risk, the highest score first; a review date passed is said in words."""
    programme = get_programme_for_user(request, slug)
    today = clock.today()
    risks = list(
        Risk.objects.for_programme(programme).by_score().select_related("measure", "owner_unit")
    )
    for risk in risks:
        risk.review_passed = (
            risk.status != Risk.CLOSED and risk.next_review is not None and risk.next_review < today
        )
    return render(
        request,
        "office/risks.html",
        _context(request, programme, risks=risks, today=today),
    )


def _stored(risk) -> dict:
    return {name: getattr(risk, name) for name in RISK_FIELDS}


def _save(request, programme, form, risk=None):
    by = actor(request, programme)
    return submit(
        request,
        form,
        lambda **data: service.save_risk(programme, actor=by, risk=risk, **data),
        stored=_stored,
    )


def _form_page(request, programme, form, title, status, risk=None):
    return render(
        request,
        "office/risk_form.html",
        _context(request, programme, form=form, title=title, risk=risk),
        status=status,
    )


@login_required
def risk_new(request, slug):
    programme = get_programme_for_user(request, slug, may=can_edit_plan)
    form = RiskForm(request.POST or None, programme=programme)
    status = 200
    if request.method == "POST":
        saved = _save(request, programme, form)
        if saved is not None:
            messages.success(request, _("Risk %(code)s was entered.") % {"code": saved.code})
            return redirect("office:risks", programme.slug)
        status = 400
    return _form_page(request, programme, form, _("New risk"), status)


@login_required
def risk(request, slug, pk):
    programme = get_programme_for_user(request, slug, may=can_edit_plan)
    found = _risk(programme, pk)
    form = RiskForm(
        request.POST or None, programme=programme, initial=initial_from(found, RiskForm)
    )
    status = 200
    if request.method == "POST":
        if _save(request, programme, form, found) is not None:
            messages.success(request, _("Risk %(code)s was saved.") % {"code": found.code})
            return redirect("office:risks", programme.slug)
        status = 400
    title = _("Risk %(code)s") % {"code": found.code}
    return _form_page(request, programme, form, title, status, found)


@login_required
def risk_remove(request, slug, pk):
    programme = get_programme_for_user(request, slug, may=can_edit_plan)
    found = _risk(programme, pk)
    form = RemoveForm(request.POST or None, initial={"version": found.version})
    status = 200
    if request.method == "POST":
        by = actor(request, programme)
        done = _("Risk %(code)s was removed.") % {"code": found.code}
        if submit(request, form, lambda **data: service.delete_risk(found, actor=by, **data), done):
            return redirect("office:risks", programme.slug)
        status = 400
    review = date_format(found.next_review, "SHORT_DATE_FORMAT") if found.next_review else "–"
    return render(
        request,
        "office/risk_remove.html",
        _context(
            request,
            programme,
            form=form,
            title=_("Remove risk %(code)s?") % {"code": found.code},
            facts=[
                (_("Title"), found.title),
                (_("Score"), str(found.score)),
                (_("Status"), found.get_status_display()),
                (_("Next review"), review),
            ],
            back=reverse("office:risks", args=[programme.slug]),
        ),
        status=status,
    )
