"""Office pages for the grant's conditions (Nebenbestimmungen): per grant the drawdowns with
their window and the interest they expose the city to, the lines of the financing plan, the
proofs of use due, and whether the funder must be told (ANBest Nr. 5); the forms for a grant's
conditions and for recording that the funder was told. The figures come from the stored
forecast (``forecast.conditions``); every change goes through ``services.funding``.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from plansicht.forecast import conditions as stored_conditions
from plansicht.forecast import run
from plansicht.funding.models import CostLine, Grant
from plansicht.services import funding as funding_service
from plansicht.services.permissions import can_edit_money

from .common import actor, get_programme_for_user, initial_from, page_context, submit
from .forms import GrantConditionsForm, NotificationForm


def _context(request, programme, **extra):
    return page_context(
        request,
        programme,
        nav="finance",
        section="conditions",
        can_edit_money=can_edit_money(request.user, programme),
        **extra,
    )


@login_required
def conditions(request, slug):
    programme = get_programme_for_user(request, slug)
    forecast = getattr(programme, "forecast", None)
    return render(
        request,
        "office/conditions.html",
        _context(
            request,
            programme,
            forecast=forecast,
            grants=stored_conditions.grant_conditions(programme),
            category_labels=dict(CostLine.CATEGORIES),
        ),
    )


def _grant(programme, code) -> Grant:
    return get_object_or_404(
        Grant.objects.select_related("forecast"), programme=programme, code=code
    )


def _grant_form(request, slug, code, form_class, *, initial, save, done, title, intro):
    """A form about one grant, saved through ``save(grant, actor=…, **data)`` (a service);
    back to the conditions once saved."""
    programme = get_programme_for_user(request, slug, may=can_edit_money)
    grant = _grant(programme, code)
    form = form_class(request.POST if request.method == "POST" else None, initial=initial(grant))
    back = reverse("office:conditions", args=[programme.slug])
    status = 200
    if request.method == "POST":
        by = actor(request, programme)
        if submit(
            request, form, lambda **data: save(grant, actor=by, **data), done % {"code": grant.code}
        ):
            return redirect(back)
        status = 400
    return render(
        request,
        "office/finance_form.html",
        _context(
            request,
            programme,
            form=form,
            title=title % {"code": grant.code},
            intro=intro,
            back=back,
            back_label=_("Back to the conditions without saving"),
        ),
        status=status,
    )


@login_required
def edit(request, slug, code):
    """The grant notice's conditions: drawdown window, when the proofs are due."""
    return _grant_form(
        request,
        slug,
        code,
        GrantConditionsForm,
        initial=lambda grant: initial_from(grant, GrantConditionsForm),
        save=funding_service.save_grant_conditions,
        done=_("The conditions of grant %(code)s were saved and the forecast updated."),
        title=_("Conditions of grant %(code)s"),
        intro=_(
            "Leave the fields empty for the usual rules: drawn money used within 2 months, "
            "interim proofs due 30 April, the proof of use six months after the period."
        ),
    )


@login_required
def notify(request, slug, code):
    """Record that the funder was told: the figures of now are kept with it."""
    return _grant_form(
        request,
        slug,
        code,
        NotificationForm,
        initial=lambda grant: {"on": run.today()},
        save=funding_service.record_notification,
        done=_(
            "Recorded: the funder of grant %(code)s was told. You will be asked "
            "again only when the figures get worse."
        ),
        title=_("The funder of grant %(code)s was told"),
        intro=_(
            "Record the letter or e-mail with which you told the funder of the money at "
            "risk, a line of the financing plan exceeded or drawn money unused past its "
            "window (ANBest Nr. 5). Plansicht keeps today's figures with it."
        ),
    )
