"""Changing the money: cost lines, expenditures, budget lines, the drawdown plan and drawdowns.

One function per operation, each through ``common.commit`` (one transaction, one history
event, forecast and money at risk recomputed and stored). Finance officers and administrators
may change money; editors of the plan may not. A change to a planned amount needs a reason.
"""

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plansicht.engine import conditions as rules
from plansicht.engine.calendar import EARLIEST, LATEST
from plansicht.forecast import run
from plansicht.funding import amounts
from plansicht.funding.models import (
    GRANT_FIELDS,
    BudgetLine,
    CostLine,
    Drawdown,
    DrawdownPlanEntry,
    Expenditure,
    FunderNotification,
    Grant,
    ProofSubmission,
    Repayment,
)
from plansicht.plan.models import Milestone

from . import Actor, ReasonRequired, ServiceError
from .common import check_date, check_line, commit, create_or_update
from .permissions import can_edit_money, check

KEEP = object()  # a keyword left out: the stored value stays


def _may_edit_money(actor: Actor, programme):
    check(actor, lambda user: can_edit_money(user, programme))


def _amount(value, field, *, required=True) -> Decimal | None:
    """An amount in the document format ("1234.50", a number or a Decimal), within the limits
    of ``plansicht.funding.amounts``; the office forms hand over Decimals read as German."""
    if value is None or value == "":
        if required:
            raise ServiceError(_("Enter an amount in euros, e.g. 1234.50."), field=field)
        return None
    try:
        amount = amounts.check(amounts.parse_document(value))
    except amounts.AmountError as e:
        raise ServiceError(e.message, field=field) from None
    return amount.quantize(amounts.CENT)


def _changes(obj, new: dict) -> dict:
    if obj is None:
        return {key: [None, value] for key, value in new.items()}
    return {
        key: [getattr(obj, key), value] for key, value in new.items() if getattr(obj, key) != value
    }


def _public_changes(model, changes: dict) -> dict:
    """The event keeps old → new of every field except internal ones (notes, invoice numbers),
    which the office sees on the record itself but no public history ever shows."""
    return {
        key: [_plain(old), _plain(new)]
        for key, (old, new) in changes.items()
        if not getattr(model._meta.get_field(key), "internal", False)
    }


def _save(
    model,
    obj,
    new: dict,
    *,
    programme,
    actor,
    reason,
    action,
    label,
    public=True,
    needs_reason=False,
    extra=None,
    milestone_of=None,
    expected_version=None,
):
    """Create ``model`` from ``new`` or update ``obj`` with it, through the one commit path.

    ``milestone_of(obj)`` names the milestone a cost line or an expenditure belongs to: the
    event is about it, and is public only if it (before and after the change) is public."""
    changes = _changes(obj, new)
    if obj is not None and not changes:
        raise ServiceError(_("Nothing to change: the values are the same as before."))
    if needs_reason and not (reason or "").strip():
        raise ReasonRequired(
            _("A change to a planned amount needs a reason. Please give one."), field="reason"
        )
    before = milestone_of(obj) if milestone_of is not None and obj is not None else None
    apply, undo, saved = create_or_update(model, obj, new, extra=extra)

    def event():
        return {
            "subject": saved(),
            "public": public,
            "label": label(saved()),
            "changes": _public_changes(model, changes),
            **_about_milestone(milestone_of and milestone_of(saved()), before),
        }

    commit(
        programme,
        actor=actor,
        reason=reason,
        action=action,
        apply=apply,
        event=event,
        undo=undo,
        versioned=obj,
        expected_version=expected_version,
        forecast=obj is None or run.moves_forecast(model, changes),
    )
    return saved()


def _remove(
    obj,
    *,
    programme,
    actor,
    reason,
    action,
    label,
    fields,
    public=True,
    needs_reason=False,
    milestone_of=None,
    expected_version=None,
):
    if needs_reason and not (reason or "").strip():
        raise ReasonRequired(
            _("A change to a planned amount needs a reason. Please give one."), field="reason"
        )
    changes = _public_changes(type(obj), {key: [getattr(obj, key), None] for key in fields})
    text = label(obj)
    commit(
        programme,
        actor=actor,
        reason=reason,
        action=action,
        apply=obj.delete,
        event={
            "subject": None,
            "public": public,
            "label": text,
            "changes": changes,
            **_about_milestone(milestone_of and milestone_of(obj)),
        },
        versioned=obj,
        expected_version=expected_version,
    )


def _about_milestone(milestone, before=None) -> dict:
    """The event's milestone and measure; an event about a draft milestone (or one in a draft
    measure) is written internal, and stays so."""
    if milestone is None:
        return {}
    event = {"milestone": milestone, "measure": milestone.measure}
    involved = {m.pk for m in (milestone, before) if m is not None}
    if Milestone.objects.filter(pk__in=involved).public_ids() != involved:
        event["public"] = False
    return event


def _plain(value):
    """Values as the event log keeps them: model instances by their code."""
    if isinstance(value, Grant | Milestone | CostLine):
        return value.code
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


# -- cost lines (the cost and financing plan) -----------------------------------------------


def save_cost_line(
    programme,
    *,
    actor: Actor,
    code,
    grant: Grant,
    milestone: Milestone,
    category,
    amount,
    closed_on=KEEP,
    reason="",
    line: CostLine | None = None,
    expected_version: int | None = None,
) -> CostLine:
    """Add a cost line, or change one; planned amounts change only with a reason.
    ``closed_on``: the day the final invoice was in (the rest of the amount is saved), None to
    open it again; left out, it stays as it is."""
    _may_edit_money(actor, programme)
    code = check_line(code, "code", max_length=40)
    if grant.programme_id != programme.pk or milestone.programme_id != programme.pk:
        raise ServiceError(_("Grant and milestone must belong to this programme."))
    if category not in dict(CostLine.CATEGORIES):
        raise ServiceError(_("Choose staff, material or investment."), field="category")
    duplicate = CostLine.objects.filter(programme=programme, code=code)
    if line is not None:
        duplicate = duplicate.exclude(pk=line.pk)
    if duplicate.exists():
        raise ServiceError(
            _("The code %(code)s is taken by another cost line.") % {"code": code}, field="code"
        )
    new = {
        "code": code,
        "grant": grant,
        "milestone": milestone,
        "category": category,
        "amount": _amount(amount, "amount"),
    }
    if closed_on is not KEEP:
        new["closed_on"] = check_date(closed_on, "closed_on", required=False)
    amount_changes = line is None or line.amount != new["amount"]
    return _save(
        CostLine,
        line,
        new,
        programme=programme,
        actor=actor,
        reason=reason,
        action="cost_line.saved",
        label=lambda o: o.code,
        needs_reason=amount_changes,
        extra={"programme": programme},
        milestone_of=lambda o: o.milestone,
        expected_version=expected_version,
    )


def remove_cost_line(line: CostLine, *, actor: Actor, reason="", expected_version=None):
    _may_edit_money(actor, line.programme)
    if line.expenditures.exists():
        raise ServiceError(_("This cost line has expenditures. Move or remove them first."))
    _remove(
        line,
        programme=line.programme,
        actor=actor,
        reason=reason,
        action="cost_line.removed",
        label=lambda o: o.code,
        fields=["grant", "milestone", "category", "amount"],
        needs_reason=True,
        milestone_of=lambda o: o.milestone,
        expected_version=expected_version,
    )


# -- expenditures -----------------------------------------------------------------------------


def save_expenditure(
    line: CostLine,
    *,
    actor: Actor,
    on,
    amount,
    eligible: bool,
    payee="",
    note="",
    document_ref="",
    reason="",
    expenditure: Expenditure | None = None,
    expected_version: int | None = None,
):
    """Record actual spending on a cost line, or correct a recorded one."""
    programme = line.programme
    _may_edit_money(actor, programme)
    new = {
        "cost_line": line,
        "on": check_date(on, "on"),
        "amount": _amount(amount, "amount"),
        "eligible": bool(eligible),
        "payee": check_line(payee, "payee", required=False, max_length=200),
        "note": check_line(note, "note", required=False),
        "document_ref": check_line(document_ref, "document_ref", required=False, max_length=100),
    }
    return _save(
        Expenditure,
        expenditure,
        new,
        programme=programme,
        actor=actor,
        reason=reason,
        action="expenditure.saved",
        label=lambda o: o.cost_line.code,
        milestone_of=lambda o: o.cost_line.milestone,
        expected_version=expected_version,
    )


def remove_expenditure(expenditure: Expenditure, *, actor: Actor, reason="", expected_version=None):
    programme = expenditure.cost_line.programme
    _may_edit_money(actor, programme)
    _remove(
        expenditure,
        programme=programme,
        actor=actor,
        reason=reason,
        action="expenditure.removed",
        label=lambda o: o.cost_line.code,
        fields=["on", "amount", "eligible"],
        milestone_of=lambda o: o.cost_line.milestone,
        expected_version=expected_version,
    )


# -- budget lines -----------------------------------------------------------------------------


def save_budget_line(
    grant: Grant,
    *,
    actor: Actor,
    year,
    product,
    title,
    own_share,
    commitment_authorisation=None,
    reason="",
    budget_line=None,
    expected_version: int | None = None,
):
    _may_edit_money(actor, grant.programme)
    if isinstance(year, bool) or not isinstance(year, int):
        raise ServiceError(_("Enter a year such as 2026."), field="year")
    if not EARLIEST.year <= year <= LATEST.year:
        raise ServiceError(
            _("Enter a year from {earliest} to {latest}.").format(
                earliest=EARLIEST.year, latest=LATEST.year
            ),
            field="year",
        )
    new = {
        "grant": grant,
        "year": year,
        "product": check_line(product, "product", max_length=100),
        "title": check_line(title, "title"),
        "own_share": _amount(own_share, "own_share"),
        "commitment_authorisation": _amount(
            commitment_authorisation, "commitment_authorisation", required=False
        ),
    }
    return _save(
        BudgetLine,
        budget_line,
        new,
        programme=grant.programme,
        actor=actor,
        reason=reason,
        action="budget_line.saved",
        label=lambda o: f"{o.year} {o.product}",
        needs_reason=budget_line is not None and "own_share" in _changes(budget_line, new),
        expected_version=expected_version,
    )


def remove_budget_line(budget_line: BudgetLine, *, actor: Actor, reason="", expected_version=None):
    _may_edit_money(actor, budget_line.grant.programme)
    _remove(
        budget_line,
        programme=budget_line.grant.programme,
        actor=actor,
        reason=reason,
        action="budget_line.removed",
        label=lambda o: f"{o.year} {o.product}",
        fields=["year", "product", "own_share"],
        expected_version=expected_version,
    )


# -- the drawdown plan and drawdowns ----------------------------------------------------------


def save_drawdown_plan_entry(
    grant: Grant, *, actor: Actor, on, amount, reason="", entry=None, expected_version=None
):
    """The drawdown plan is binding: changing a planned date or amount needs a reason."""
    _may_edit_money(actor, grant.programme)
    new = {"grant": grant, "on": check_date(on, "on"), "amount": _amount(amount, "amount")}
    return _save(
        DrawdownPlanEntry,
        entry,
        new,
        programme=grant.programme,
        actor=actor,
        reason=reason,
        action="drawdown_plan.saved",
        label=lambda o: o.grant.code,
        needs_reason=entry is not None and bool(_changes(entry, new)),
        expected_version=expected_version,
    )


def save_drawdown(
    grant: Grant,
    *,
    actor: Actor,
    requested_on,
    amount_requested,
    received_on=None,
    amount_received=None,
    reason="",
    drawdown=None,
    expected_version: int | None = None,
):
    _may_edit_money(actor, grant.programme)
    new = {
        "grant": grant,
        "requested_on": check_date(requested_on, "requested_on"),
        "amount_requested": _amount(amount_requested, "amount_requested"),
        "received_on": check_date(received_on, "received_on", required=False),
        "amount_received": _amount(amount_received, "amount_received", required=False),
    }
    if (new["received_on"] is None) != (new["amount_received"] is None):
        field = "amount_received" if new["amount_received"] is None else "received_on"
        raise ServiceError(
            _("A received drawdown needs both the date and the amount received."), field=field
        )
    if new["received_on"] and new["received_on"] < new["requested_on"]:
        raise ServiceError(
            _("The money cannot arrive before it was requested."), field="received_on"
        )
    return _save(
        Drawdown,
        drawdown,
        new,
        programme=grant.programme,
        actor=actor,
        reason=reason,
        action="drawdown.saved",
        label=lambda o: o.grant.code,
        expected_version=expected_version,
    )


def remove_drawdown_plan_entry(
    entry: DrawdownPlanEntry, *, actor: Actor, reason="", expected_version=None
):
    _may_edit_money(actor, entry.grant.programme)
    _remove(
        entry,
        programme=entry.grant.programme,
        actor=actor,
        reason=reason,
        action="drawdown_plan.removed",
        label=lambda o: o.grant.code,
        fields=["on", "amount"],
        needs_reason=True,
        expected_version=expected_version,
    )


def remove_drawdown(drawdown: Drawdown, *, actor: Actor, reason="", expected_version=None):
    _may_edit_money(actor, drawdown.grant.programme)
    _remove(
        drawdown,
        programme=drawdown.grant.programme,
        actor=actor,
        reason=reason,
        action="drawdown.removed",
        label=lambda o: o.grant.code,
        fields=["requested_on", "amount_requested", "received_on", "amount_received"],
        expected_version=expected_version,
    )


# -- the grant's conditions ---------------------------------------------------------------------


def save_grant_conditions(
    grant: Grant,
    *,
    actor: Actor,
    drawdown_window_kind="",
    drawdown_window_count=None,
    interim_report_months=None,
    final_report_due=None,
    reason="",
    expected_version: int | None = None,
) -> Grant:
    """The grant notice's conditions: the drawdown window and when the proofs of use are due.
    Empty values mean the defaults (2 months; 30 April; six months after the period)."""
    _may_edit_money(actor, grant.programme)
    kind = drawdown_window_kind or ""
    if kind and kind not in (rules.MONTHS, rules.CALENDAR_DAYS):
        raise ServiceError(_("Choose months or calendar days."), field="drawdown_window_kind")
    if bool(kind) != bool(drawdown_window_count):
        raise ServiceError(
            _("Give the window's kind and its length together, or neither for 2 months."),
            field="drawdown_window_count" if kind else "drawdown_window_kind",
        )
    if drawdown_window_count is not None and not 1 <= drawdown_window_count <= 366:
        raise ServiceError(_("Enter a length from 1 to 366."), field="drawdown_window_count")
    if interim_report_months is not None and not 1 <= interim_report_months <= 24:
        raise ServiceError(_("Enter 1 to 24 months."), field="interim_report_months")
    due = check_date(final_report_due, "final_report_due", required=False)
    if due is not None and due < grant.eligible_until:
        raise ServiceError(
            _("The proof of use can only be due after the eligibility period, which ends %(d)s.")
            % {"d": date_format(grant.eligible_until, "SHORT_DATE_FORMAT")},
            field="final_report_due",
        )
    new = {
        "drawdown_window_kind": kind,
        "drawdown_window_count": drawdown_window_count or None,
        "interim_report_months": interim_report_months,
        "final_report_due": due,
    }
    return _save(
        Grant,
        grant,
        new,
        programme=grant.programme,
        actor=actor,
        reason=reason,
        action="grant.conditions_saved",
        label=lambda o: o.code,
        expected_version=expected_version,
    )


def save_repayment(
    grant: Grant, *, actor: Actor, on, amount, reason="", repayment=None, expected_version=None
) -> Repayment:
    """Money paid back to the funder."""
    _may_edit_money(actor, grant.programme)
    new = {"grant": grant, "on": check_date(on, "on"), "amount": _amount(amount, "amount")}
    if new["amount"] <= 0:
        raise ServiceError(_("Enter the amount paid back, more than 0 €."), field="amount")
    return _save(
        Repayment,
        repayment,
        new,
        programme=grant.programme,
        actor=actor,
        reason=reason,
        action="repayment.saved",
        label=lambda o: o.grant.code,
        expected_version=expected_version,
    )


def remove_repayment(repayment: Repayment, *, actor: Actor, reason="", expected_version=None):
    _may_edit_money(actor, repayment.grant.programme)
    _remove(
        repayment,
        programme=repayment.grant.programme,
        actor=actor,
        reason=reason,
        action="repayment.removed",
        label=lambda o: o.grant.code,
        fields=["on", "amount"],
        expected_version=expected_version,
    )


def record_proof(
    grant: Grant, *, actor: Actor, kind, year=None, on, reason="", proof=None, expected_version=None
) -> ProofSubmission:
    """A proof of use sent to the funder: an interim proof for one of the grant's interim
    years, or the final one."""
    _may_edit_money(actor, grant.programme)
    if kind not in (rules.INTERIM, rules.FINAL):
        raise ServiceError(_("Choose the interim proof or the final proof."), field="kind")
    if kind == rules.FINAL:
        year = None
    else:
        years = rules.interim_years(grant.eligible_from, grant.eligible_until)
        if year not in years:
            raise ServiceError(
                _("Interim proofs are due for the years %(first)s to %(last)s; choose one.")
                % {"first": years[0], "last": years[-1]}
                if years
                else _("The grant runs within one year: only the final proof is due."),
                field="year",
            )
    taken = ProofSubmission.objects.filter(grant=grant, kind=kind, year=year)
    if proof is not None:
        taken = taken.exclude(pk=proof.pk)
    if taken.exists():
        raise ServiceError(
            _("This proof is recorded already; correct that entry instead."), field="kind"
        )
    new = {"grant": grant, "kind": kind, "year": year, "on": check_date(on, "on")}
    return _save(
        ProofSubmission,
        proof,
        new,
        programme=grant.programme,
        actor=actor,
        reason=reason,
        action="proof.saved",
        label=lambda o: o.grant.code,
        expected_version=expected_version,
    )


def remove_proof(proof: ProofSubmission, *, actor: Actor, reason="", expected_version=None):
    _may_edit_money(actor, proof.grant.programme)
    _remove(
        proof,
        programme=proof.grant.programme,
        actor=actor,
        reason=reason,
        action="proof.removed",
        label=lambda o: o.grant.code,
        fields=["kind", "year", "on"],
        needs_reason=True,
        expected_version=expected_version,
    )


def record_notification(
    grant: Grant, *, actor: Actor, on, reference="", text=""
) -> FunderNotification:
    """The funder was told (ANBest Nr. 5). It keeps the figures of the stored forecast, so the
    office is asked again only when they get worse. Internal: the event is not public."""
    _may_edit_money(actor, grant.programme)
    stored = getattr(grant, "forecast", None)
    facts = {}
    if stored is not None:
        facts = {
            "grant_at_risk": f"{stored.grant_at_risk:.2f}",
            **(stored.conditions or {}).get("facts", {}),
        }
    new = {
        "grant": grant,
        "on": check_date(on, "on"),
        "reference": check_line(reference, "reference", required=False, max_length=100),
        "text": check_line(text, "text", required=False, max_length=5000),
    }
    return _save(
        FunderNotification,
        None,
        new,
        programme=grant.programme,
        actor=actor,
        reason="",
        action="notification.recorded",
        label=lambda o: o.grant.code,
        public=False,
        extra={"facts": facts},
    )


# -- loading a document -----------------------------------------------------------------------


def replace_funding_state(programme, document: dict):
    """Make the programme's money equal the document's. Grants and cost lines keep their
    identity by code; spending, budget lines and drawdowns are rewritten. Part of
    ``services.programme.load_programme``, which writes the one event."""
    Expenditure.objects.filter(cost_line__programme=programme).delete()
    BudgetLine.objects.filter(grant__programme=programme).delete()
    DrawdownPlanEntry.objects.filter(grant__programme=programme).delete()
    Drawdown.objects.filter(grant__programme=programme).delete()
    Repayment.objects.filter(grant__programme=programme).delete()
    ProofSubmission.objects.filter(grant__programme=programme).delete()
    FunderNotification.objects.filter(grant__programme=programme).delete()
    CostLine.objects.filter(programme=programme).exclude(
        code__in=[c["code"] for c in document.get("cost_plan", [])]
    ).delete()
    Grant.objects.filter(programme=programme).exclude(
        code__in=[g["code"] for g in document.get("grants", [])]
    ).delete()

    grants = {}
    for item in document.get("grants", []):
        grant = Grant.objects.filter(programme=programme, code=item["code"]).first() or Grant(
            programme=programme, code=item["code"]
        )
        for key in GRANT_FIELDS:
            setattr(grant, key, item[key])
        grant.drawdown_window_kind, grant.drawdown_window_count = item.get("drawdown_window") or (
            "",
            None,
        )
        grant.interim_report_months = item.get("interim_report_months")
        grant.final_report_due = item.get("final_report_due")
        if grant.pk:  # a form opened before the load must not overwrite it
            grant.version += 1
        grant.save()
        grants[grant.code] = grant
    milestones = dict(Milestone.objects.filter(programme=programme).values_list("code", "pk"))
    lines = {}
    existing = {line.code: line for line in CostLine.objects.filter(programme=programme)}
    for item in document.get("cost_plan", []):
        line = existing.get(item["code"])
        if line is None:
            line = CostLine(programme=programme, code=item["code"])
        else:  # a form opened before the load must not overwrite it
            line.version += 1
        line.grant = grants[item["grant"]]
        line.milestone_id = milestones[item["milestone"]]
        line.category = item["category"]
        line.amount = item["amount"]
        line.closed_on = item.get("closed_on")
        line.save()
        lines[line.code] = line
    Expenditure.objects.bulk_create(
        Expenditure(
            cost_line=lines[e["cost_line"]],
            on=e["on"],
            amount=e["amount"],
            eligible=e["eligible"],
            payee=e["payee"],
            note=e["note"],
            document_ref=e["document_ref"],
        )
        for e in document.get("expenditures", [])
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            grant=grants[b["grant"]],
            year=b["year"],
            product=b["product"],
            title=b["title"],
            own_share=b["own_share"],
            commitment_authorisation=b["commitment_authorisation"],
        )
        for b in document.get("budget_lines", [])
    )
    DrawdownPlanEntry.objects.bulk_create(
        DrawdownPlanEntry(grant=grants[d["grant"]], on=d["on"], amount=d["amount"])
        for d in document.get("drawdown_plan", [])
    )
    Drawdown.objects.bulk_create(
        Drawdown(
            grant=grants[d["grant"]],
            requested_on=d["requested_on"],
            amount_requested=d["amount_requested"],
            received_on=d["received_on"],
            amount_received=d["amount_received"],
        )
        for d in document.get("drawdowns", [])
    )
    for item in document.get("grants", []):
        grant = grants[item["code"]]
        Repayment.objects.bulk_create(
            Repayment(grant=grant, on=r["on"], amount=r["amount"])
            for r in item.get("repayments", [])
        )
        ProofSubmission.objects.bulk_create(
            ProofSubmission(grant=grant, kind=r["kind"], year=r["year"], on=r["on"])
            for r in item.get("reports_submitted", [])
        )
        FunderNotification.objects.bulk_create(
            FunderNotification(
                grant=grant, on=n["on"], reference=n["reference"], text=n["text"], facts=n["facts"]
            )
            for n in item.get("notifications", [])
        )
