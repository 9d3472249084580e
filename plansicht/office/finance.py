"""Office pages for the money: the finance dashboard, the cost and financing plan (KFP), and
lists and forms for cost lines, expenditures, budget lines, the drawdown plan and drawdowns.

The pages read the stored forecast and compute nothing heavy; every change goes through
``plansicht.services.funding``. Every office role may read; only the roles that may change
money (``can_edit_money``: finance officers and administrators) may open a form or post one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plansicht.forecast import conditions, run, summaries
from plansicht.funding.models import (
    BudgetLine,
    CostLine,
    Drawdown,
    DrawdownPlanEntry,
    Expenditure,
    ProofSubmission,
    Repayment,
)
from plansicht.funding.templatetags.funding import euro
from plansicht.plan.models import Milestone
from plansicht.services import funding as funding_service
from plansicht.services.permissions import can_edit_milestone, can_edit_money

from .common import actor, get_programme_for_user, initial_from, page_context, submit
from .forms import (
    BudgetLineForm,
    CostLineForm,
    DrawdownForm,
    DrawdownPlanEntryForm,
    ExpenditureForm,
    ProofForm,
    RemoveCostLineForm,
    RemoveDrawdownPlanEntryForm,
    RemoveForm,
    RepaymentForm,
)

ZERO = Decimal("0.00")
EXPENDITURES_PER_PAGE = 100
MONEY_BY_YEAR = ("planned", "forecast", "actual")


def _finance_context(request, programme, section, **extra):
    return page_context(
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


# -- the finance dashboard --------------------------------------------------------------------


@login_required
def finance(request, slug):
    programme = get_programme_for_user(request, slug)
    forecast = _forecast(programme)
    at_risk = summaries.milestones_at_risk(programme)
    for row in at_risk:
        row.editable = can_edit_milestone(request.user, row.milestone)
    grants = summaries.grant_summaries(programme, at_risk)
    checked = conditions.grant_conditions(programme)
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
            notify=[g for g in checked if g["notify"]],
            overdue_proofs=[(g["grant"], r) for g in checked for r in g["overdue_proofs"]],
            interest_exposure=sum(
                (g["conditions"].get("interest_exposure") or ZERO for g in checked), ZERO
            ),
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


# -- the money entries: one table, three views ------------------------------------------------


@dataclass(frozen=True)
class Entries:
    """One kind of money entry: its list, its form, its remove page and the service calls.

    The URLs are ``<path>/`` (the list, URL name ``section``), ``<path>/new/`` (``<one>_new``),
    ``<path>/<key>/`` (``<one>``) and ``<path>/<key>/remove/`` (``<one>_remove``), where the key
    is the entry's ``code`` or ``pk``. Titles and messages are formatted with the entry's
    fields (``%(code)s``)."""

    section: str  # the list's URL name, also the finance menu's entry
    one: str  # the URL name of one entry
    path: str
    key: str  # "code" (a path) or "pk" (a number)
    model: type
    within: str  # the lookup from an entry to its programme
    related: tuple  # select_related for one entry
    form_class: type
    remove_form_class: type
    save: Callable  # the service: save(parent, *, actor, <keyword>=entry or None, **data)
    parent: str | None  # the form field given first to ``save``; None: the programme
    keyword: str
    remove: Callable  # the service: remove(entry, *, actor, reason)
    new: Callable  # the initial values of a new entry: new(programme) -> dict
    rows: Callable  # the list page's context: rows(request, programme) -> dict
    facts: Callable  # what the remove page shows: facts(entry) -> [(label, value)]
    heading: str
    caption: str
    add: str  # the list's button
    empty: str  # the list without entries
    columns: int
    title: str  # the form of an entry
    new_title: str
    remove_title: str
    saved: str
    removed: str
    after_save: Callable | None = None  # after_save(request, saved): a warning, say

    @property
    def template(self) -> str:
        """The list's template; it extends ``office/_money_list.html``."""
        return f"office/{self.section}.html"

    @property
    def new_url_name(self) -> str:
        return f"office:{self.one}_new"


def _only_grant(programme):
    grants = list(programme.grants.all()[:2])
    return grants[0] if len(grants) == 1 else None


def _words(text, entry) -> str:
    """A title or message of the table, with the entry's fields filled in."""
    return str(text) % (vars(entry) if entry is not None else {})


def _get(entries, programme, key: dict):
    """The entry the URL names (``{"code": …}`` or ``{"pk": …}``), if it is the programme's."""
    return get_object_or_404(
        entries.model.objects.select_related(*entries.related),
        **{entries.within: programme},
        **key,
    )


def _url(entries, name, programme, entry=None) -> str:
    args = [programme.slug] if entry is None else [programme.slug, getattr(entry, entries.key)]
    return reverse(f"office:{name}", args=args)


@login_required
def entry_list(request, slug, entries):
    programme = get_programme_for_user(request, slug)
    context = entries.rows(request, programme)
    if can_edit_money(request.user, programme):
        for row in context["rows"]:
            row.edit_url = _url(entries, entries.one, programme, row)
    return render(
        request,
        entries.template,
        _finance_context(request, programme, entries.section, entries=entries, **context),
    )


@login_required
def entry_edit(request, slug, entries, **key):
    """Show the form; on POST validate it and save through the service. A ServiceError goes
    onto its field, else onto the form; the form's hidden version reaches the service as
    ``expected_version``."""
    programme = get_programme_for_user(request, slug, may=can_edit_money)
    entry = _get(entries, programme, key) if key else None
    initial = initial_from(entry, entries.form_class) if entry else entries.new(programme)
    form = entries.form_class(
        request.POST if request.method == "POST" else None, programme=programme, initial=initial
    )
    back = _url(entries, entries.section, programme)
    status = 200
    if request.method == "POST":
        by = actor(request, programme)

        def save(**data):
            parent = programme if entries.parent is None else data.pop(entries.parent)
            return entries.save(parent, actor=by, **{entries.keyword: entry}, **data)

        saved = submit(request, form, save)
        if saved is not None:
            if entries.after_save is not None:
                entries.after_save(request, saved)
            messages.success(request, _words(entries.saved, saved))
            return redirect(back)
        status = 400
    return render(
        request,
        "office/finance_form.html",
        _finance_context(
            request,
            programme,
            entries.section,
            form=form,
            title=_words(entries.title, entry) if entry else str(entries.new_title),
            back=back,
            remove_url=_url(entries, f"{entries.one}_remove", programme, entry) if entry else None,
        ),
        status=status,
    )


@login_required
def entry_remove(request, slug, entries, **key):
    """Ask before removing; on POST remove through the service, with the reason given."""
    programme = get_programme_for_user(request, slug, may=can_edit_money)
    entry = _get(entries, programme, key)
    form = entries.remove_form_class(
        request.POST if request.method == "POST" else None, initial={"version": entry.version}
    )
    back = _url(entries, entries.one, programme, entry)
    status = 200
    if request.method == "POST":
        by = actor(request, programme)
        done = _words(entries.removed, entry)
        if submit(request, form, lambda **data: entries.remove(entry, actor=by, **data), done):
            return redirect(back)
        status = 400
    return render(
        request,
        "office/finance_remove.html",
        _finance_context(
            request,
            programme,
            entries.section,
            form=form,
            title=_words(entries.remove_title, entry),
            facts=entries.facts(entry),
            back=back,
        ),
        status=status,
    )


def urls(entries) -> list:
    """The four URLs of a kind of entry (see ``Entries``)."""
    base = f"<slug:slug>/finance/{entries.path}/"
    key = "<path:code>" if entries.key == "code" else "<int:pk>"
    kind = {"entries": entries}
    return [
        path(base, entry_list, kind, name=entries.section),
        path(f"{base}new/", entry_edit, kind, name=f"{entries.one}_new"),
        path(f"{base}{key}/remove/", entry_remove, kind, name=f"{entries.one}_remove"),
        path(f"{base}{key}/", entry_edit, kind, name=entries.one),
    ]


# -- cost lines -------------------------------------------------------------------------------


def _cost_line_rows(request, programme):
    public = Milestone.objects.filter(programme=programme).public_ids()
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
    return {
        "rows": lines,
        "lines": lines,
        "total": sum((line.amount for line in lines), ZERO),
        "total_spent": sum((line.spent or ZERO for line in lines), ZERO),
        "total_ineligible": sum((line.ineligible or ZERO for line in lines), ZERO),
    }


def _cost_line_facts(line):
    return [
        (_("Grant"), str(line.grant)),
        (_("Milestone"), f"{line.milestone.code} {line.milestone.title}"),
        (_("Category"), line.get_category_display()),
        (_("Planned amount"), euro(line.amount)),
    ]


COST_LINES = Entries(
    section="cost_lines",
    one="cost_line",
    path="cost-lines",
    key="code",
    model=CostLine,
    within="programme",
    related=("grant", "milestone"),
    form_class=CostLineForm,
    remove_form_class=RemoveCostLineForm,
    save=funding_service.save_cost_line,
    parent=None,
    keyword="line",
    remove=funding_service.remove_cost_line,
    new=lambda programme: {"grant": _only_grant(programme)},
    rows=_cost_line_rows,
    facts=_cost_line_facts,
    heading=gettext_lazy("Cost lines"),
    caption=gettext_lazy("Cost lines"),
    add=gettext_lazy("Add a cost line"),
    empty=gettext_lazy("No cost lines yet."),
    columns=7,
    title=gettext_lazy("Cost line %(code)s"),
    new_title=gettext_lazy("New cost line"),
    remove_title=gettext_lazy("Remove cost line %(code)s?"),
    saved=gettext_lazy("Cost line %(code)s was saved and the forecast updated."),
    removed=gettext_lazy("Cost line %(code)s was removed and the forecast updated."),
)


# -- expenditures -----------------------------------------------------------------------------


def _expenditure_rows(request, programme):
    rows = (
        Expenditure.objects.filter(cost_line__programme=programme)
        .counting()
        .select_related("cost_line", "cost_line__grant")
        .order_by("-on", "-id")
    )
    totals = rows.totals()
    page = Paginator(rows, EXPENDITURES_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "rows": page,
        "page": page,
        "total_eligible": totals["eligible"],
        "total_ineligible": totals["ineligible"],
        "as_of": run.today(),
    }


def _expenditure_facts(expenditure):
    return [
        (_("Cost line"), expenditure.cost_line.code),
        (_("Date"), date_format(expenditure.on, "SHORT_DATE_FORMAT")),
        (_("Amount"), euro(expenditure.amount)),
        (
            _("Eligible for the grant"),
            _("yes") if expenditure.eligible and not expenditure.lies_outside_period() else _("no"),
        ),
        (_("Payee"), expenditure.payee or "–"),
        (_("Note"), expenditure.note or "–"),
    ]


def _warn_outside_period(request, saved):
    """An eligible expenditure dated outside its grant's eligibility counts as not eligible."""
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


EXPENDITURES = Entries(
    section="expenditures",
    one="expenditure",
    path="expenditures",
    key="pk",
    model=Expenditure,
    within="cost_line__programme",
    related=("cost_line", "cost_line__grant"),
    form_class=ExpenditureForm,
    remove_form_class=RemoveForm,
    save=funding_service.save_expenditure,
    parent="cost_line",
    keyword="expenditure",
    remove=funding_service.remove_expenditure,
    new=lambda programme: {"on": run.today(), "eligible": True},
    rows=_expenditure_rows,
    facts=_expenditure_facts,
    heading=gettext_lazy("Expenditures"),
    caption=gettext_lazy("Expenditures, newest first"),
    add=gettext_lazy("Record an expenditure"),
    empty=gettext_lazy("No expenditures recorded yet."),
    columns=6,
    title=gettext_lazy("Expenditure"),
    new_title=gettext_lazy("New expenditure"),
    remove_title=gettext_lazy("Remove this expenditure?"),
    saved=gettext_lazy("The expenditure was saved and the forecast updated."),
    removed=gettext_lazy("The expenditure was removed and the forecast updated."),
    after_save=_warn_outside_period,
)


# -- budget lines -----------------------------------------------------------------------------


def _budget_line_rows(request, programme):
    rows = list(
        BudgetLine.objects.filter(grant__programme=programme)
        .select_related("grant")
        .order_by("year", "product", "id")
    )
    return {"rows": rows, "total": sum((row.own_share for row in rows), ZERO)}


def _budget_line_facts(budget_line):
    return [
        (_("Grant"), str(budget_line.grant)),
        (_("Budget year"), budget_line.year),
        (_("Product / cost centre"), budget_line.product),
        (_("Title"), budget_line.title),
        (_("Own share budgeted"), euro(budget_line.own_share)),
    ]


BUDGET_LINES = Entries(
    section="budget_lines",
    one="budget_line",
    path="budget-lines",
    key="pk",
    model=BudgetLine,
    within="grant__programme",
    related=("grant",),
    form_class=BudgetLineForm,
    remove_form_class=RemoveForm,
    save=funding_service.save_budget_line,
    parent="grant",
    keyword="budget_line",
    remove=funding_service.remove_budget_line,
    new=lambda programme: {"grant": _only_grant(programme), "year": run.today().year},
    rows=_budget_line_rows,
    facts=_budget_line_facts,
    heading=gettext_lazy("Budget lines"),
    caption=gettext_lazy("Budget lines by year"),
    add=gettext_lazy("Add a budget line"),
    empty=gettext_lazy("No budget lines yet."),
    columns=6,
    title=gettext_lazy("Budget line"),
    new_title=gettext_lazy("New budget line"),
    remove_title=gettext_lazy("Remove this budget line?"),
    saved=gettext_lazy("The budget line %(year)s %(product)s was saved and the forecast updated."),
    removed=gettext_lazy("The budget line was removed and the forecast updated."),
)


# -- the drawdown plan and drawdowns ----------------------------------------------------------


def _drawdown_plan_rows(request, programme):
    rows = list(
        DrawdownPlanEntry.objects.filter(grant__programme=programme)
        .select_related("grant")
        .order_by("on", "id")
    )
    return {"rows": rows, "total": sum((row.amount for row in rows), ZERO)}


def _drawdown_plan_facts(entry):
    return [
        (_("Grant"), str(entry.grant)),
        (_("Date"), entry.on),
        (_("Amount"), euro(entry.amount)),
    ]


DRAWDOWN_PLAN = Entries(
    section="drawdown_plan",
    one="drawdown_plan_entry",
    path="drawdown-plan",
    key="pk",
    model=DrawdownPlanEntry,
    within="grant__programme",
    related=("grant",),
    form_class=DrawdownPlanEntryForm,
    remove_form_class=RemoveDrawdownPlanEntryForm,
    save=funding_service.save_drawdown_plan_entry,
    parent="grant",
    keyword="entry",
    remove=funding_service.remove_drawdown_plan_entry,
    new=lambda programme: {"grant": _only_grant(programme)},
    rows=_drawdown_plan_rows,
    facts=_drawdown_plan_facts,
    heading=gettext_lazy("Drawdown plan"),
    caption=gettext_lazy("Drawdown plan by date"),
    add=gettext_lazy("Add a planned drawdown"),
    empty=gettext_lazy("No drawdown plan yet."),
    columns=3,
    title=gettext_lazy("Drawdown plan entry"),
    new_title=gettext_lazy("New drawdown plan entry"),
    remove_title=gettext_lazy("Remove this drawdown plan entry?"),
    saved=gettext_lazy("The drawdown plan was saved and the forecast updated."),
    removed=gettext_lazy("The drawdown plan entry was removed."),
)


def _drawdown_rows(request, programme):
    rows = list(
        Drawdown.objects.filter(grant__programme=programme)
        .select_related("grant")
        .order_by("requested_on", "id")
    )
    return {
        "rows": rows,
        "total_requested": sum((row.amount_requested for row in rows), ZERO),
        "total_received": sum((row.amount_received or ZERO for row in rows), ZERO),
    }


def _drawdown_facts(drawdown):
    return [
        (_("Grant"), str(drawdown.grant)),
        (_("Requested on"), drawdown.requested_on),
        (_("Amount requested"), euro(drawdown.amount_requested)),
    ]


DRAWDOWNS = Entries(
    section="drawdowns",
    one="drawdown",
    path="drawdowns",
    key="pk",
    model=Drawdown,
    within="grant__programme",
    related=("grant",),
    form_class=DrawdownForm,
    remove_form_class=RemoveForm,
    save=funding_service.save_drawdown,
    parent="grant",
    keyword="drawdown",
    remove=funding_service.remove_drawdown,
    new=lambda programme: {"grant": _only_grant(programme), "requested_on": run.today()},
    rows=_drawdown_rows,
    facts=_drawdown_facts,
    heading=gettext_lazy("Drawdowns"),
    caption=gettext_lazy("Drawdowns by request date"),
    add=gettext_lazy("Record a drawdown"),
    empty=gettext_lazy("No drawdowns yet."),
    columns=5,
    title=gettext_lazy("Drawdown"),
    new_title=gettext_lazy("New drawdown"),
    remove_title=gettext_lazy("Remove this drawdown?"),
    saved=gettext_lazy("The drawdown was saved and the forecast updated."),
    removed=gettext_lazy("The drawdown was removed and the forecast updated."),
)


# -- repayments and proofs of use ---------------------------------------------------------


def _repayment_rows(request, programme):
    rows = list(
        Repayment.objects.filter(grant__programme=programme)
        .select_related("grant")
        .order_by("on", "id")
    )
    return {"rows": rows, "total": sum((row.amount for row in rows), ZERO)}


def _repayment_facts(repayment):
    return [
        (_("Grant"), str(repayment.grant)),
        (_("Repaid on"), date_format(repayment.on, "SHORT_DATE_FORMAT")),
        (_("Amount"), euro(repayment.amount)),
    ]


REPAYMENTS = Entries(
    section="repayments",
    one="repayment",
    path="repayments",
    key="pk",
    model=Repayment,
    within="grant__programme",
    related=("grant",),
    form_class=RepaymentForm,
    remove_form_class=RemoveForm,
    save=funding_service.save_repayment,
    parent="grant",
    keyword="repayment",
    remove=funding_service.remove_repayment,
    new=lambda programme: {"grant": _only_grant(programme), "on": run.today()},
    rows=_repayment_rows,
    facts=_repayment_facts,
    heading=gettext_lazy("Repayments"),
    caption=gettext_lazy("Money paid back to the funder, by date"),
    add=gettext_lazy("Record a repayment"),
    empty=gettext_lazy("No money paid back."),
    columns=3,
    title=gettext_lazy("Repayment"),
    new_title=gettext_lazy("New repayment"),
    remove_title=gettext_lazy("Remove this repayment?"),
    saved=gettext_lazy("The repayment was saved and the conditions updated."),
    removed=gettext_lazy("The repayment was removed and the conditions updated."),
)


def _proof_rows(request, programme):
    rows = list(
        ProofSubmission.objects.filter(grant__programme=programme)
        .select_related("grant")
        .order_by("grant__code", "kind", "year")
    )
    return {"rows": rows}


def _proof_facts(proof):
    return [
        (_("Grant"), str(proof.grant)),
        (_("Proof"), proof.get_kind_display()),
        (_("Year covered"), proof.year or "–"),
        (_("Submitted on"), date_format(proof.on, "SHORT_DATE_FORMAT")),
    ]


PROOFS = Entries(
    section="proofs",
    one="proof",
    path="proofs",
    key="pk",
    model=ProofSubmission,
    within="grant__programme",
    related=("grant",),
    form_class=ProofForm,
    remove_form_class=RemoveCostLineForm,
    save=funding_service.record_proof,
    parent="grant",
    keyword="proof",
    remove=funding_service.remove_proof,
    new=lambda programme: {"grant": _only_grant(programme), "on": run.today()},
    rows=_proof_rows,
    facts=_proof_facts,
    heading=gettext_lazy("Proofs of use submitted"),
    caption=gettext_lazy("Proofs of use sent to the funder"),
    add=gettext_lazy("Record a proof of use"),
    empty=gettext_lazy("No proof of use submitted yet."),
    columns=3,
    title=gettext_lazy("Proof of use"),
    new_title=gettext_lazy("Proof of use submitted"),
    remove_title=gettext_lazy("Remove this proof of use?"),
    saved=gettext_lazy("The proof of use was recorded and the conditions updated."),
    removed=gettext_lazy("The proof of use was removed and the conditions updated."),
)
