"""Office pages for the money: the finance dashboard, the cost and financing plan (KFP), and
lists and forms for cost lines, expenditures, budget lines, the drawdown plan and drawdowns.

The pages read the stored forecast and compute nothing heavy; every change goes through
``plansicht.services.funding``. Every office role may read; only the roles that may change
money (``can_edit_money``: finance officers and administrators) may open a form or post one.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plansicht.forecast import run, summaries
from plansicht.funding.models import (
    BudgetLine,
    CostLine,
    Drawdown,
    DrawdownPlanEntry,
    Expenditure,
    Grant,
)
from plansicht.funding.templatetags.funding import euro
from plansicht.plan.models import Milestone
from plansicht.services import ChangedMeanwhile, ServiceError
from plansicht.services import funding as funding_service
from plansicht.services.permissions import can_edit_milestone, can_edit_money

from .conflicts import show_changed_meanwhile
from .forms import (
    BudgetLineForm,
    CostLineForm,
    DrawdownForm,
    DrawdownPlanEntryForm,
    ExpenditureForm,
    RemoveCostLineForm,
    RemoveDrawdownPlanEntryForm,
    RemoveForm,
)
from .plan import _actor, _context, get_programme_for_user

ZERO = Decimal("0.00")
EXPENDITURES_PER_PAGE = 100
MONEY_BY_YEAR = ("planned", "forecast", "actual")


def get_programme_for_money(request, slug):
    """The programme, if the user may change its money; else 403."""
    programme = get_programme_for_user(request, slug)
    if not can_edit_money(request.user, programme):
        raise PermissionDenied
    return programme


def _finance_context(request, programme, section, **extra):
    return _context(
        request,
        programme,
        nav="finance",
        section=section,
        can_edit_money=can_edit_money(request.user, programme),
        **extra,
    )


def _forecast(programme):
    return getattr(programme, "forecast", None)


def _decimal(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


def _public_milestone_ids(programme) -> set:
    return set(Milestone.objects.filter(programme=programme).public().values_list("pk", flat=True))


# -- the finance dashboard --------------------------------------------------------------------


@login_required
def finance(request, slug):
    programme = get_programme_for_user(request, slug)
    forecast = _forecast(programme)
    at_risk = summaries.milestones_at_risk(programme)
    for row in at_risk:
        row.editable = can_edit_milestone(request.user, row.milestone)
    grants = summaries.grant_summaries(programme, at_risk)
    by_year = [
        {"year": row["year"], **{key: _decimal(row.get(key)) for key in MONEY_BY_YEAR}}
        for row in (forecast.money_by_year if forecast else [])
    ]
    return render(
        request,
        "office/finance.html",
        _finance_context(
            request,
            programme,
            "overview",
            forecast=forecast,
            grants=grants,
            several_grants=len(grants) > 1,
            by_year=by_year,
        ),
    )


# -- the cost and financing plan (KFP) --------------------------------------------------------


@login_required
def kfp(request, slug):
    programme = get_programme_for_user(request, slug)
    table = summaries.kfp_table(programme)
    return render(
        request,
        "office/kfp.html",
        _finance_context(
            request,
            programme,
            "kfp",
            forecast=table["forecast"],
            version=table["version"],
            category_labels=[label for _key, label in CostLine.CATEGORIES],
            measures=table["measures"],
            year_totals=table["year_totals"],
            totals=table["totals"],
            total=table["total"],
        ),
    )


# -- forms: one way to show, check and save them ----------------------------------------------


def _form_page(request, programme, section, *, form, save, title, back, remove_url=None):
    """Show ``form``; on POST validate it and call ``save(cleaned_data)`` (a service call that
    returns the success message). A ServiceError goes onto its field, else onto the form; the
    form's hidden version reaches the service as ``expected_version``."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            if "version" in data:
                data["expected_version"] = data.pop("version")
            try:
                done = save(data)
            except ChangedMeanwhile as e:
                show_changed_meanwhile(form, e)
            except ServiceError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, done)
                return redirect(back)
        status = 400
    return render(
        request,
        "office/finance_form.html",
        _finance_context(
            request,
            programme,
            section,
            form=form,
            title=title,
            back=back,
            remove_url=remove_url,
        ),
        status=status,
    )


def _remove_page(request, programme, section, *, form_class, remove, title, facts, back):
    """Ask before removing; on POST call ``remove(reason)`` (a service call)."""
    form = form_class(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                done = remove(form.cleaned_data["reason"])
            except ServiceError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, done)
                return redirect(back)
        status = 400
    return render(
        request,
        "office/finance_remove.html",
        _finance_context(
            request, programme, section, form=form, title=title, facts=facts, back=back
        ),
        status=status,
    )


def _data(request):
    return request.POST if request.method == "POST" else None


def _only_grant(programme):
    grants = list(Grant.objects.filter(programme=programme)[:2])
    return grants[0] if len(grants) == 1 else None


# -- cost lines -------------------------------------------------------------------------------


@login_required
def cost_lines(request, slug):
    programme = get_programme_for_user(request, slug)
    public = _public_milestone_ids(programme)
    lines = list(
        CostLine.objects.filter(programme=programme)
        .select_related("grant", "milestone")
        .order_by("code")
    )
    sums = Expenditure.objects.filter(cost_line__programme=programme).totals_by_line()
    for line in lines:
        line.is_public = line.milestone_id in public
        line.spent = sums.get(line.pk, {}).get("eligible", ZERO)
        line.ineligible = sums.get(line.pk, {}).get("ineligible", ZERO)
    return render(
        request,
        "office/cost_lines.html",
        _finance_context(
            request,
            programme,
            "cost_lines",
            lines=lines,
            total=sum((line.amount for line in lines), ZERO),
            total_spent=sum((line.spent or ZERO for line in lines), ZERO),
            total_ineligible=sum((line.ineligible or ZERO for line in lines), ZERO),
        ),
    )


@login_required
def cost_line_edit(request, slug, code=None):
    programme = get_programme_for_money(request, slug)
    line = None
    if code is not None:
        line = get_object_or_404(CostLine, programme=programme, code=code)
        initial = {
            "code": line.code,
            "grant": line.grant_id,
            "milestone": line.milestone_id,
            "category": line.category,
            "amount": line.amount,
            "version": line.version,
        }
    else:
        initial = {"grant": _only_grant(programme)}
    form = CostLineForm(_data(request), programme=programme, initial=initial)

    def save(data):
        saved = funding_service.save_cost_line(
            programme, actor=_actor(request, programme), line=line, **data
        )
        return _("Cost line %(code)s was saved and the forecast updated.") % {"code": saved.code}

    return _form_page(
        request,
        programme,
        "cost_lines",
        form=form,
        save=save,
        title=_("Cost line %(code)s") % {"code": code} if line else _("New cost line"),
        back=reverse("office:cost_lines", args=[programme.slug]),
        remove_url=reverse("office:cost_line_remove", args=[programme.slug, code])
        if line
        else None,
    )


@login_required
def cost_line_remove(request, slug, code):
    programme = get_programme_for_money(request, slug)
    line = get_object_or_404(
        CostLine.objects.select_related("grant", "milestone"), programme=programme, code=code
    )

    def remove(reason):
        funding_service.remove_cost_line(line, actor=_actor(request, programme), reason=reason)
        return _("Cost line %(code)s was removed and the forecast updated.") % {"code": code}

    return _remove_page(
        request,
        programme,
        "cost_lines",
        form_class=RemoveCostLineForm,
        remove=remove,
        title=_("Remove cost line %(code)s?") % {"code": code},
        facts=[
            (_("Grant"), str(line.grant)),
            (_("Milestone"), f"{line.milestone.code} {line.milestone.title}"),
            (_("Category"), line.get_category_display()),
            (_("Planned amount"), euro(line.amount)),
        ],
        back=reverse("office:cost_line", args=[programme.slug, code]),
    )


# -- expenditures -----------------------------------------------------------------------------


@login_required
def expenditures(request, slug):
    programme = get_programme_for_user(request, slug)
    rows = (
        Expenditure.objects.filter(cost_line__programme=programme)
        .counting()
        .select_related("cost_line", "cost_line__grant")
        .order_by("-on", "-id")
    )
    totals = rows.totals()
    page = Paginator(rows, EXPENDITURES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "office/expenditures.html",
        _finance_context(
            request,
            programme,
            "expenditures",
            page=page,
            total_eligible=totals["eligible"],
            total_ineligible=totals["ineligible"],
            as_of=run.today(),
        ),
    )


@login_required
def expenditure_edit(request, slug, pk=None):
    programme = get_programme_for_money(request, slug)
    expenditure = None
    if pk is not None:
        expenditure = get_object_or_404(
            Expenditure.objects.select_related("cost_line"), pk=pk, cost_line__programme=programme
        )
        initial = {
            "cost_line": expenditure.cost_line_id,
            "on": expenditure.on,
            "amount": expenditure.amount,
            "eligible": expenditure.eligible,
            "note": expenditure.note,
            "document_ref": expenditure.document_ref,
            "version": expenditure.version,
        }
    else:
        initial = {"on": run.today(), "eligible": True}
    form = ExpenditureForm(_data(request), programme=programme, initial=initial)

    def save(data):
        saved = funding_service.save_expenditure(
            data.pop("cost_line"),
            actor=_actor(request, programme),
            expenditure=expenditure,
            **data,
        )
        if saved.eligible and saved.lies_outside_period():
            grant = saved.cost_line.grant
            messages.warning(
                request,
                _(
                    "The date %(on)s lies outside the eligibility period of grant %(code)s "
                    "(%(start)s–%(end)s): the amount counts as not eligible."
                )
                % {
                    "on": date_format(saved.on, "SHORT_DATE_FORMAT"),
                    "code": grant.code,
                    "start": date_format(grant.eligible_from, "SHORT_DATE_FORMAT"),
                    "end": date_format(grant.eligible_until, "SHORT_DATE_FORMAT"),
                },
            )
        return _("The expenditure was saved and the forecast updated.")

    return _form_page(
        request,
        programme,
        "expenditures",
        form=form,
        save=save,
        title=_("Expenditure") if expenditure else _("New expenditure"),
        back=reverse("office:expenditures", args=[programme.slug]),
        remove_url=reverse("office:expenditure_remove", args=[programme.slug, pk])
        if expenditure
        else None,
    )


@login_required
def expenditure_remove(request, slug, pk):
    programme = get_programme_for_money(request, slug)
    expenditure = get_object_or_404(
        Expenditure.objects.select_related("cost_line", "cost_line__grant"),
        pk=pk,
        cost_line__programme=programme,
    )

    def remove(reason):
        funding_service.remove_expenditure(
            expenditure, actor=_actor(request, programme), reason=reason
        )
        return _("The expenditure was removed and the forecast updated.")

    return _remove_page(
        request,
        programme,
        "expenditures",
        form_class=RemoveForm,
        remove=remove,
        title=_("Remove this expenditure?"),
        facts=[
            (_("Cost line"), expenditure.cost_line.code),
            (_("Date"), date_format(expenditure.on, "SHORT_DATE_FORMAT")),
            (_("Amount"), euro(expenditure.amount)),
            (
                _("Eligible for the grant"),
                _("yes")
                if expenditure.eligible and not expenditure.lies_outside_period()
                else _("no"),
            ),
            (_("Note"), expenditure.note or "–"),
        ],
        back=reverse("office:expenditure", args=[programme.slug, pk]),
    )


# -- budget lines -----------------------------------------------------------------------------


@login_required
def budget_lines(request, slug):
    programme = get_programme_for_user(request, slug)
    rows = list(
        BudgetLine.objects.filter(grant__programme=programme)
        .select_related("grant")
        .order_by("year", "product", "id")
    )
    return render(
        request,
        "office/budget_lines.html",
        _finance_context(
            request,
            programme,
            "budget_lines",
            rows=rows,
            total=sum((row.own_share for row in rows), ZERO),
        ),
    )


@login_required
def budget_line_edit(request, slug, pk=None):
    programme = get_programme_for_money(request, slug)
    budget_line = None
    if pk is not None:
        budget_line = get_object_or_404(BudgetLine, pk=pk, grant__programme=programme)
        initial = {
            "grant": budget_line.grant_id,
            "year": budget_line.year,
            "product": budget_line.product,
            "title": budget_line.title,
            "own_share": budget_line.own_share,
            "commitment_authorisation": budget_line.commitment_authorisation,
            "version": budget_line.version,
        }
    else:
        initial = {"grant": _only_grant(programme), "year": run.today().year}
    form = BudgetLineForm(_data(request), programme=programme, initial=initial)

    def save(data):
        saved = funding_service.save_budget_line(
            data.pop("grant"),
            actor=_actor(request, programme),
            budget_line=budget_line,
            **data,
        )
        return _("The budget line %(year)s %(product)s was saved and the forecast updated.") % {
            "year": saved.year,
            "product": saved.product,
        }

    return _form_page(
        request,
        programme,
        "budget_lines",
        form=form,
        save=save,
        title=_("Budget line") if budget_line else _("New budget line"),
        back=reverse("office:budget_lines", args=[programme.slug]),
        remove_url=reverse("office:budget_line_remove", args=[programme.slug, pk])
        if budget_line
        else None,
    )


@login_required
def budget_line_remove(request, slug, pk):
    programme = get_programme_for_money(request, slug)
    budget_line = get_object_or_404(
        BudgetLine.objects.select_related("grant"), pk=pk, grant__programme=programme
    )

    def remove(reason):
        funding_service.remove_budget_line(
            budget_line, actor=_actor(request, programme), reason=reason
        )
        return _("The budget line was removed and the forecast updated.")

    return _remove_page(
        request,
        programme,
        "budget_lines",
        form_class=RemoveForm,
        remove=remove,
        title=_("Remove this budget line?"),
        facts=[
            (_("Grant"), str(budget_line.grant)),
            (_("Budget year"), budget_line.year),
            (_("Product / cost centre"), budget_line.product),
            (_("Title"), budget_line.title),
            (_("Own share budgeted"), euro(budget_line.own_share)),
        ],
        back=reverse("office:budget_line", args=[programme.slug, pk]),
    )


# -- the drawdown plan and drawdowns ----------------------------------------------------------


@login_required
def drawdown_plan(request, slug):
    programme = get_programme_for_user(request, slug)
    rows = list(
        DrawdownPlanEntry.objects.filter(grant__programme=programme)
        .select_related("grant")
        .order_by("on", "id")
    )
    return render(
        request,
        "office/drawdown_plan.html",
        _finance_context(
            request,
            programme,
            "drawdown_plan",
            rows=rows,
            total=sum((row.amount for row in rows), ZERO),
        ),
    )


@login_required
def drawdown_plan_entry_edit(request, slug, pk=None):
    programme = get_programme_for_money(request, slug)
    entry = None
    if pk is not None:
        entry = get_object_or_404(DrawdownPlanEntry, pk=pk, grant__programme=programme)
        initial = {
            "grant": entry.grant_id,
            "on": entry.on,
            "amount": entry.amount,
            "version": entry.version,
        }
    else:
        initial = {"grant": _only_grant(programme)}
    form = DrawdownPlanEntryForm(_data(request), programme=programme, initial=initial)

    def save(data):
        funding_service.save_drawdown_plan_entry(
            data.pop("grant"), actor=_actor(request, programme), entry=entry, **data
        )
        return _("The drawdown plan was saved and the forecast updated.")

    return _form_page(
        request,
        programme,
        "drawdown_plan",
        form=form,
        save=save,
        title=_("Drawdown plan entry") if entry else _("New drawdown plan entry"),
        back=reverse("office:drawdown_plan", args=[programme.slug]),
        remove_url=reverse("office:drawdown_plan_entry_remove", args=[programme.slug, pk])
        if entry
        else None,
    )


@login_required
def drawdown_plan_entry_remove(request, slug, pk):
    programme = get_programme_for_money(request, slug)
    entry = get_object_or_404(
        DrawdownPlanEntry.objects.select_related("grant"), pk=pk, grant__programme=programme
    )

    def remove(reason):
        funding_service.remove_drawdown_plan_entry(
            entry, actor=_actor(request, programme), reason=reason
        )
        return _("The drawdown plan entry was removed.")

    return _remove_page(
        request,
        programme,
        "drawdown_plan",
        form_class=RemoveDrawdownPlanEntryForm,
        remove=remove,
        title=_("Remove this drawdown plan entry?"),
        facts=[
            (_("Grant"), str(entry.grant)),
            (_("Date"), entry.on),
            (_("Amount"), euro(entry.amount)),
        ],
        back=reverse("office:drawdown_plan_entry", args=[programme.slug, pk]),
    )


@login_required
def drawdowns(request, slug):
    programme = get_programme_for_user(request, slug)
    rows = list(
        Drawdown.objects.filter(grant__programme=programme)
        .select_related("grant")
        .order_by("requested_on", "id")
    )
    return render(
        request,
        "office/drawdowns.html",
        _finance_context(
            request,
            programme,
            "drawdowns",
            rows=rows,
            total_requested=sum((row.amount_requested for row in rows), ZERO),
            total_received=sum((row.amount_received or ZERO for row in rows), ZERO),
        ),
    )


@login_required
def drawdown_edit(request, slug, pk=None):
    programme = get_programme_for_money(request, slug)
    drawdown = None
    if pk is not None:
        drawdown = get_object_or_404(Drawdown, pk=pk, grant__programme=programme)
        initial = {
            "grant": drawdown.grant_id,
            "requested_on": drawdown.requested_on,
            "amount_requested": drawdown.amount_requested,
            "received_on": drawdown.received_on,
            "amount_received": drawdown.amount_received,
            "version": drawdown.version,
        }
    else:
        initial = {"grant": _only_grant(programme), "requested_on": run.today()}
    form = DrawdownForm(_data(request), programme=programme, initial=initial)

    def save(data):
        funding_service.save_drawdown(
            data.pop("grant"), actor=_actor(request, programme), drawdown=drawdown, **data
        )
        return _("The drawdown was saved and the forecast updated.")

    return _form_page(
        request,
        programme,
        "drawdowns",
        form=form,
        save=save,
        title=_("Drawdown") if drawdown else _("New drawdown"),
        back=reverse("office:drawdowns", args=[programme.slug]),
        remove_url=reverse("office:drawdown_remove", args=[programme.slug, pk])
        if drawdown
        else None,
    )


@login_required
def drawdown_remove(request, slug, pk):
    programme = get_programme_for_money(request, slug)
    drawdown = get_object_or_404(
        Drawdown.objects.select_related("grant"), pk=pk, grant__programme=programme
    )

    def remove(reason):
        funding_service.remove_drawdown(drawdown, actor=_actor(request, programme), reason=reason)
        return _("The drawdown was removed and the forecast updated.")

    return _remove_page(
        request,
        programme,
        "drawdowns",
        form_class=RemoveForm,
        remove=remove,
        title=_("Remove this drawdown?"),
        facts=[
            (_("Grant"), str(drawdown.grant)),
            (_("Requested on"), drawdown.requested_on),
            (_("Amount requested"), euro(drawdown.amount_requested)),
        ],
        back=reverse("office:drawdown", args=[programme.slug, pk]),
    )
