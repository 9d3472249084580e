"""Office pages for a measure and its indicators: the measure's page (its milestones with their
two kinds of done, its indicators with their values, and the forms to add an indicator and to
record a value), one indicator (change or remove it) and one value (correct or remove it).

Every office role may read the measure's page; an editor of the unit responsible for the
measure, the programme's editors and administrators may change its indicators
(``can_edit_measure``). Every change goes through ``plansicht.services.indicators``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from plansicht import clock
from plansicht.history.models import Event
from plansicht.indicators import reads
from plansicht.indicators.models import Indicator, IndicatorValue
from plansicht.indicators.words import progress_words
from plansicht.plan.models import Measure, Milestone
from plansicht.services import ServiceError
from plansicht.services import indicators as indicator_service
from plansicht.services.permissions import can_edit_measure

from .common import actor, get_programme_for_user, initial_from, page_context, show_error, submit
from .forms import IndicatorForm, IndicatorValueForm, RemoveForm


def _measure(programme, code) -> Measure:
    return get_object_or_404(
        Measure.objects.select_related("programme", "lead_unit", "parent"),
        programme=programme,
        code=code,
    )


@login_required
def measure(request, slug, code):
    """The measure's page; POST ``op`` "indicator" adds an indicator, "value" records a value
    of the indicator named in ``indicator``."""
    programme = get_programme_for_user(request, slug)
    measure = _measure(programme, code)
    may_edit = can_edit_measure(request.user, measure)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    today = clock.today()
    indicators = reads.of_measure(measure, today)
    new_indicator = IndicatorForm(prefix="indicator")
    value_forms = {
        i.pk: IndicatorValueForm(prefix=f"value-{i.pk}", initial={"on": today}) for i in indicators
    }
    status = 200
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "indicator":
                new_indicator = IndicatorForm(request.POST, prefix="indicator")
                done = _add_indicator(request, programme, measure, new_indicator)
            elif op == "value":
                indicator = next(
                    (i for i in indicators if str(i.pk) == request.POST.get("indicator")), None
                )
                if indicator is None:
                    raise PermissionDenied
                form = value_forms[indicator.pk] = IndicatorValueForm(
                    request.POST, prefix=f"value-{indicator.pk}"
                )
                done = _record_value(request, programme, indicator, form)
            else:
                raise PermissionDenied
        except ServiceError as e:
            form = new_indicator if op == "indicator" else value_forms[indicator.pk]
            show_error(form, e)
            done = False
        if done:
            messages.success(request, done)
            return redirect("office:measure", programme.slug, measure.code)
        status = 400
    for i in indicators:
        i.words = progress_words(i)
        i.value_form = value_forms[i.pk]
    milestones = list(Milestone.objects.filter(measure=measure).order_by("planned_start", "code"))
    return render(
        request,
        "office/measure.html",
        page_context(
            request,
            programme,
            measure=measure,
            may_edit=may_edit,
            milestones=milestones,
            acceptance=Milestone.objects.filter(measure=measure).public().acceptance(today),
            indicators=indicators,
            forms=[new_indicator, *value_forms.values()],
            new_indicator=new_indicator,
            nav="milestones",
        ),
        status=status,
    )


def _add_indicator(request, programme, measure, form):
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    data.pop("version")
    saved = indicator_service.save_indicator(measure, actor=actor(request, programme), **data)
    return _("Indicator %(code)s was added.") % {"code": saved.code}


def _record_value(request, programme, indicator, form):
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    data.pop("version")
    indicator_service.save_indicator_value(indicator, actor=actor(request, programme), **data)
    return _("The value of indicator %(code)s was recorded.") % {"code": indicator.code}


def _edit_page(
    request,
    programme,
    item,
    measure,
    *,
    form_class,
    prefix,
    save,
    remove,
    done,
    template,
    **context,
):
    """The page of one ``item`` (an indicator or a value) of ``measure``: change it (``op``
    "save", through ``save(actor=…, **data)``) or remove it ("remove", through
    ``remove(actor=…, reason=…, expected_version=…)``); ``done`` holds the message of each.
    Back to the measure once done."""
    if not can_edit_measure(request.user, measure):
        raise PermissionDenied
    form = form_class(initial=initial_from(item, form_class), prefix=prefix)
    removal = RemoveForm(initial={"version": item.version}, prefix="remove")
    status = 200
    if request.method == "POST":
        op = request.POST.get("op")
        by = actor(request, programme)
        if op == "save":
            form = form_class(request.POST, prefix=prefix)
            ok = submit(request, form, lambda **data: save(actor=by, **data), done["save"])
        elif op == "remove":
            removal = RemoveForm(request.POST, prefix="remove")
            ok = submit(request, removal, lambda **data: remove(actor=by, **data), done["remove"])
        else:
            raise PermissionDenied
        if ok:
            return redirect("office:measure", programme.slug, measure.code)
        status = 400
    return render(
        request,
        template,
        page_context(
            request,
            programme,
            measure=measure,
            form=form,
            remove=removal,
            history=Event.objects.about(item).select_related("unit")[:30],
            nav="milestones",
            **context,
        ),
        status=status,
    )


@login_required
def indicator(request, slug, pk):
    """One indicator: change it (``op`` "save") or remove it with its values ("remove")."""
    programme = get_programme_for_user(request, slug)
    item = get_object_or_404(
        Indicator.objects.select_related("measure", "measure__programme"),
        measure__programme=programme,
        pk=pk,
    )
    item.actuals = list(item.values.order_by("on", "pk"))
    return _edit_page(
        request,
        programme,
        item,
        item.measure,
        form_class=IndicatorForm,
        prefix="indicator",
        save=lambda **data: indicator_service.save_indicator(item.measure, indicator=item, **data),
        remove=lambda **data: indicator_service.delete_indicator(item, **data),
        done={
            "save": _("Indicator %(code)s was saved.") % {"code": item.code},
            "remove": _("Indicator %(code)s was removed.") % {"code": item.code},
        },
        template="office/indicator.html",
        indicator=item,
    )


@login_required
def indicator_value(request, slug, pk):
    """One value of an indicator: correct it (``op`` "save") or remove it ("remove")."""
    programme = get_programme_for_user(request, slug)
    value = get_object_or_404(
        IndicatorValue.objects.select_related("indicator", "indicator__measure"),
        indicator__measure__programme=programme,
        pk=pk,
    )
    indicator = value.indicator
    return _edit_page(
        request,
        programme,
        value,
        indicator.measure,
        form_class=IndicatorValueForm,
        prefix="value",
        save=lambda **data: indicator_service.save_indicator_value(
            indicator, indicator_value=value, **data
        ),
        remove=lambda **data: indicator_service.delete_indicator_value(value, **data),
        done={"save": _("The value was corrected."), "remove": _("The value was removed.")},
        template="office/indicator_value.html",
        value=value,
        indicator=indicator,
    )
