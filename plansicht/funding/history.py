"""How the money's history events read: actions and change keys, registered in ``ready()``.
Amounts read like every amount on the page (``euro``)."""

from django.utils.translation import gettext_lazy as _

from plansicht.history import registry
from plansicht.history.registry import MONEY, Key, as_date, choice, text, yes_no


def register():
    from .models import CostLine, Grant, ProofSubmission
    from .templatetags.funding import euro

    registry.register(
        "funding",
        actions={
            "cost_line.saved": (_("Cost plan changed"), MONEY),
            "cost_line.removed": (_("Cost line removed"), MONEY),
            "expenditure.saved": (_("Spending recorded"), MONEY),
            "expenditure.removed": (_("Spending removed"), MONEY),
            "budget_line.saved": (_("Budget line changed"), MONEY),
            "budget_line.removed": (_("Budget line removed"), MONEY),
            "drawdown_plan.saved": (_("Drawdown plan changed"), MONEY),
            "drawdown_plan.removed": (_("Drawdown plan entry removed"), MONEY),
            "drawdown.saved": (_("Drawdown recorded"), MONEY),
            "drawdown.removed": (_("Drawdown removed"), MONEY),
            "grant.conditions_saved": (_("Grant conditions changed"), MONEY),
            "repayment.saved": (_("Repayment recorded"), MONEY),
            "repayment.removed": (_("Repayment removed"), MONEY),
            "proof.saved": (_("Proof of use submitted"), MONEY),
            "proof.removed": (_("Proof of use removed"), MONEY),
            "notification.recorded": (_("Funder notified"), MONEY),
        },
        keys={
            "code": Key(_("code")),
            "grant": Key(_("grant")),
            "milestone": Key(_("milestone")),
            "cost_line": Key(_("cost line")),
            "category": Key(_("category"), choice(CostLine.CATEGORIES)),
            "amount": Key(_("amount"), euro),
            "on": Key(_("date"), as_date),  # of a payment or a drawdown plan entry
            "eligible": Key(_("eligible"), yes_no),
            "year": Key(_("year"), text),  # 2026, never "2.026"
            "product": Key(_("product / cost centre")),
            "title": Key(_("title")),
            "own_share": Key(_("own share budgeted"), euro),
            "commitment_authorisation": Key(_("commitment authorisation"), euro),
            "requested_on": Key(_("requested on"), as_date),
            "amount_requested": Key(_("amount requested"), euro),
            "received_on": Key(_("received on"), as_date),
            "amount_received": Key(_("amount received"), euro),
            "drawdown_window_kind": Key(
                _("drawdown window"), choice(Grant._meta.get_field("drawdown_window_kind").choices)
            ),
            "drawdown_window_count": Key(_("drawdown window length"), text),
            "interim_report_months": Key(_("interim proof due (months after the year)"), text),
            "final_report_due": Key(_("proof of use due"), as_date),
            "closed_on": Key(_("closed on"), as_date),
            "kind": Key(_("proof"), choice(ProofSubmission.KINDS)),
            "reference": Key(_("reference")),
        },
    )
