"""The proof of use (Verwendungsnachweis), or the interim proof of one year (Zwischennachweis,
``facts.year``): the narrative part (Sachbericht: the measures, what was achieved, the
deviations with their reasons), the figures (zahlenmäßiger Nachweis: income, and spending by
the headings of the financing plan, planned against actual) and the list of receipts
(Belegliste). Internal unless the office issues it as public; a public one has no list of
receipts and nothing else internal.

The period a proof covers, for each grant: the interim proof its calendar year, the final
proof the whole eligibility period — within the grant's eligibility period and up to the
cut-off. Spending counts when it is dated in that period; only the cost lines of published
milestones take part, as in every other figure of the money. Amounts are summed as Decimals,
so every total adds up to the cent.
"""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from plansicht.engine.money import cents
from plansicht.funding.models import BudgetLine, CostLine, Drawdown, Expenditure, Repayment

from ..content import Column, Paragraph, Section, Table
from ..facts import Facts, natural
from ..words import category, day, money, share
from . import common

INTERNAL = True
ZERO = Decimal("0.00")


class NothingToProve(ValueError):
    """No grant of the programme has a day in the period the proof covers."""


def period(eligible_from: date, eligible_until: date, year: int | None, as_of: date):
    """The days (first, last) a proof covers of a grant eligible from ``eligible_from`` to
    ``eligible_until``: of the interim proof of ``year`` that calendar year, of the final
    proof (``year`` None) the whole eligibility period, and never a day after the cut-off
    ``as_of``. None when no day is left."""
    start, end = eligible_from, min(eligible_until, as_of)
    if year is not None:
        start, end = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
    return (start, end) if start <= end else None


def refusal(periods, year: int | None, as_of: date) -> tuple[str, str] | None:
    """Why no proof can be made of grants eligible for ``periods`` [(from, until)] for
    ``year`` (None: the final proof) as of ``as_of``: (the request's field at fault, the
    reason in words); None when one can."""
    if not periods:
        return "kind", _("The programme has no grant, so there is no use of funds to prove.")
    if any(period(start, end, year, as_of) for start, end in periods):
        return None
    if year is not None and not any(start.year <= year <= end.year for start, end in periods):
        return "year", _(
            "No grant of the programme is eligible in %(year)s (eligibility periods: "
            "%(periods)s); choose a year within them."
        ) % {
            "year": year,
            "periods": ", ".join(
                _("%(start)s to %(end)s") % {"start": day(start), "end": day(end)}
                for start, end in sorted(periods)
            ),
        }
    return "as_of", _(
        "The cut-off date %(date)s lies before the period the proof covers; choose a later one."
    ) % {"date": day(as_of)}


def covered(facts: Facts) -> list:
    """[(GrantMoney, (first day, last day))] of the grants the proof covers, by code. Raises
    NothingToProve (with the reason in words) when there is none."""
    out = []
    for g in facts.grants:
        days = period(g.grant.eligible_from, g.grant.eligible_until, facts.year, facts.as_of)
        if days is not None:
            out.append((g, days))
    if not out:
        _field, reason = refusal(
            [(g.grant.eligible_from, g.grant.eligible_until) for g in facts.grants],
            facts.year,
            facts.as_of,
        )
        raise NothingToProve(reason)
    return out


def _span(grants) -> tuple[date, date]:
    return min(days[0] for _g, days in grants), max(days[1] for _g, days in grants)


def _from_to(days) -> str:
    return _("%(start)s to %(end)s") % {"start": day(days[0]), "end": day(days[1])}


def title(facts: Facts) -> str:
    if facts.year is not None:
        return _("Interim proof of use for %(year)s on the programme “%(programme)s”") % {
            "year": facts.year,
            "programme": facts.programme.title,
        }
    return _("Proof of use on the programme “%(programme)s”") % {"programme": facts.programme.title}


def subtitle(facts: Facts, issue_date) -> str:
    start, end = _span(covered(facts))
    words = {"start": day(start), "end": day(end), "date": day(facts.as_of)}
    if issue_date is not None:
        return _("Period %(start)s to %(end)s; as of %(date)s, issued on %(issued)s") % {
            **words,
            "issued": day(issue_date),
        }
    return _("Period %(start)s to %(end)s; as of %(date)s") % words


def sections(facts: Facts, issue_date) -> tuple:
    grants = covered(facts)
    money_of = _Money(facts, grants)
    out = [
        cover(facts, grants, issue_date),
        narrative(facts, grants),
        figures(facts, grants, money_of),
    ]
    if not facts.for_public:
        out.append(receipts(facts, grants, money_of))
    return tuple(out)


def _proof_due(g, year) -> date | None:
    kind = "final" if year is None else "interim"
    for r in (g.conditions or {}).get("reports", []):
        if r["kind"] == kind and r["year"] == year:
            return r["due"]
    return None


def cover(facts: Facts, grants, issue_date) -> Section:
    p = facts.programme
    rows = [(_("Programme"), p.title), (_("Recipient"), p.organisation.name)]
    for g, days in grants:
        grant = g.grant
        rows += common.grant_rows(grant)
        rows.append((_("Period of this proof"), _from_to(days)))
        due = _proof_due(g, facts.year)
        if due is not None:
            rows.append((_("Proof due on"), day(due)))
    rows += common.dates_rows(facts, issue_date)
    start, end = _span(grants)
    return Section(
        _("The project"),
        (
            common.at_a_glance(rows),
            Paragraph(
                _(
                    "This proof accounts for the use of the grant from %(start)s to %(end)s. "
                    "The figures are those known on %(date)s."
                )
                % {"start": day(start), "end": day(end), "date": day(facts.as_of)}
            ),
        ),
    )


# -- the narrative part (Sachbericht) -----------------------------------------------------------


def narrative(facts: Facts, grants) -> Section:
    start, end = _span(grants)
    return Section(
        _("Narrative report"),
        (),
        (
            Section(_("State of the measures"), (common.measures_table(facts),)),
            achieved(facts, start, end),
            Section(
                _("Deviations from the plan and their reasons"),
                (common.deviation_items(facts, facts.deviations()),),
            ),
        ),
    )


def achieved(facts: Facts, start: date, end: date) -> Section:
    """The published milestones finished in the period (as the forecast of the cut-off knows
    them), by date of finish."""
    done = []
    for m in facts.milestones:
        f = facts.milestone_figures(m)
        if f is not None and f.finished and start <= f.finish <= end:
            done.append((f.finish, natural(m.code), m, f))
    done.sort(key=lambda row: row[:2])
    heading = _("What was achieved")
    if not done:
        return Section(
            heading,
            (
                Paragraph(
                    _("No milestone was finished from %(start)s to %(end)s.")
                    % {"start": day(start), "end": day(end)}
                ),
            ),
        )
    return Section(
        heading,
        (
            Table(
                _("Milestones finished from %(start)s to %(end)s")
                % {"start": day(start), "end": day(end)},
                (
                    Column(_("Milestone")),
                    Column(_("Measure")),
                    Column(_("Finished on")),
                    Column(_("Finish in the current plan")),
                ),
                tuple(
                    (
                        f"{m.code} {m.title}",
                        f"{m.measure.code} {m.measure.title}",
                        day(f.finish),
                        day(f.baseline_finish),
                    )
                    for _finish, _code, m, f in done
                ),
            ),
        ),
    )


# -- the figures (zahlenmäßiger Nachweis) -------------------------------------------------------


class _Money:
    """The cost lines of the published milestones and the payments on them in the periods,
    read once for every grant the proof covers."""

    def __init__(self, facts: Facts, grants):
        published = [m.pk for m in facts.milestones]
        self.lines = {
            line.pk: line
            for line in CostLine.objects.filter(
                programme=facts.programme,
                grant__in=[g.grant.pk for g, _days in grants],
                milestone__in=published,
            ).select_related("milestone")
        }
        start, end = _span(grants)
        days = {g.grant.pk: d for g, d in grants}
        self.payments = {g.grant.pk: [] for g, _days in grants}
        for e in Expenditure.objects.filter(
            cost_line__in=list(self.lines), on__gte=start, on__lte=end
        ).order_by("on", "id"):
            line = self.lines[e.cost_line_id]
            first, last = days[line.grant_id]
            if first <= e.on <= last:
                e.cost_line = line
                self.payments[line.grant_id].append(e)

    def categories(self, grant) -> list:
        """The headings of the grant's financing plan, in the plan's order."""
        used = {line.category for line in self.lines.values() if line.grant_id == grant.pk}
        return [code for code, _label in CostLine.CATEGORIES if code in used]


def _years(facts: Facts, grant) -> tuple[int, int]:
    if facts.year is not None:
        return facts.year, facts.year
    return grant.eligible_from.year, grant.eligible_until.year


def _sum(amounts) -> Decimal:
    return sum(amounts, ZERO)


def income_table(facts: Facts, g, days) -> Table:
    """The grant received (less what was paid back) and the own share budgeted: for the
    interim proof in its year, for the final proof up to the cut-off."""
    grant = g.grant
    drawdowns = Drawdown.objects.filter(grant=grant, received_on__lte=facts.as_of)
    repayments = Repayment.objects.filter(grant=grant, on__lte=facts.as_of)
    if facts.year is not None:
        first, last = date(facts.year, 1, 1), min(date(facts.year, 12, 31), facts.as_of)
        drawdowns = drawdowns.filter(received_on__gte=first, received_on__lte=last)
        repayments = repayments.filter(on__gte=first, on__lte=last)
        caption = _("Income of grant %(code)s from %(start)s to %(end)s") % {
            "code": grant.code,
            "start": day(first),
            "end": day(last),
        }
    else:
        caption = _("Income of grant %(code)s up to %(date)s") % {
            "code": grant.code,
            "date": day(facts.as_of),
        }
    received = drawdowns.aggregate(s=Sum("amount_received"))["s"] or ZERO
    repaid = repayments.aggregate(s=Sum("amount"))["s"] or ZERO
    low, high = _years(facts, grant)
    own = (
        BudgetLine.objects.filter(grant=grant, year__gte=low, year__lte=high).aggregate(
            s=Sum("own_share")
        )["s"]
        or ZERO
    )
    years = str(low) if low == high else _("%(first)s to %(last)s") % {"first": low, "last": high}
    return Table(
        caption,
        (Column(_("Income")), Column(_("Amount"), numeric=True)),
        (
            (_("Grant money received"), money(received)),
            (_("Grant money paid back"), money(-repaid if repaid else ZERO)),
            (_("Own share budgeted for %(years)s") % {"years": years}, money(own)),
        ),
        footer=((_("Total"), money(received - repaid + own)),),
    )


def _planned(facts: Facts, g, money_of: _Money) -> dict:
    """{category: planned amount}: of the interim proof's year in the cost and financing plan
    by year (whole cents per line and year), of the final proof the whole plan."""
    if facts.year is not None:
        funds = facts.result.funds
        by_year = funds.kfp_by_grant.get(g.grant.pk, {}) if funds else {}
        return {code: cents(amount) for code, amount in by_year.get(facts.year, {}).items()}
    planned: dict = {}
    for line in money_of.lines.values():
        if line.grant_id == g.grant.pk:
            planned[line.category] = planned.get(line.category, ZERO) + line.amount
    return planned


def spending_table(facts: Facts, g, days, money_of: _Money) -> Table:
    grant = g.grant
    planned = _planned(facts, g, money_of)
    actual: dict = {}
    for e in money_of.payments[grant.pk]:
        if e.eligible:
            actual[e.cost_line.category] = actual.get(e.cost_line.category, ZERO) + e.amount
    rows = []
    for code in money_of.categories(grant):
        p, a = planned.get(code, ZERO), actual.get(code, ZERO)
        rows.append((category(code), money(p), money(a), money(a - p)))
    total_p, total_a = _sum(planned.values()), _sum(actual.values())
    if facts.year is not None:
        plan_label = _("Planned for %(year)s (financing plan by year)") % {"year": facts.year}
    else:
        plan_label = _("Planned (whole financing plan)")
    return Table(
        _("Spending of grant %(code)s by the headings of the financing plan, %(period)s")
        % {"code": grant.code, "period": _from_to(days)},
        (
            Column(_("Heading of the financing plan")),
            Column(plan_label, numeric=True),
            Column(_("Actual eligible spending"), numeric=True),
            Column(_("Actual less planned"), numeric=True),
        ),
        tuple(rows),
        footer=((_("Total"), money(total_p), money(total_a), money(total_a - total_p)),),
    )


def ineligible_blocks(g, days, money_of: _Money) -> tuple:
    """The spending not eligible in the period, on its own: the city pays it alone."""
    grant = g.grant
    spent: dict = {}
    for e in money_of.payments[grant.pk]:
        if not e.eligible:
            spent[e.cost_line.category] = spent.get(e.cost_line.category, ZERO) + e.amount
    if not spent:
        return (Paragraph(_("No spending in the period is marked as not eligible.")),)
    return (
        Table(
            _("Spending on grant %(code)s not eligible, %(period)s")
            % {"code": grant.code, "period": _from_to(days)},
            (Column(_("Heading of the financing plan")), Column(_("Amount"), numeric=True)),
            tuple(
                (category(code), money(spent[code]))
                for code, _label in CostLine.CATEGORIES
                if code in spent
            ),
            footer=((_("Total"), money(_sum(spent.values()))),),
        ),
        Paragraph(
            _(
                "Spending that is not eligible is paid by the city alone; it is in no other "
                "figure of this proof."
            )
        ),
    )


def figures(facts: Facts, grants, money_of: _Money) -> Section:
    subs = []
    for g, days in grants:
        grant = g.grant
        eligible = _sum(e.amount for e in money_of.payments[grant.pk] if e.eligible)
        subs.append(
            Section(
                common.grant_name(grant),
                (
                    income_table(facts, g, days),
                    spending_table(facts, g, days, money_of),
                    Paragraph(
                        _(
                            "Eligible spending from %(start)s to %(end)s: %(spent)s; the "
                            "grant's share of it at %(rate)s: %(grant)s."
                        )
                        % {
                            "start": day(days[0]),
                            "end": day(days[1]),
                            "spent": money(eligible),
                            "rate": share(grant.rate * 100),
                            "grant": money(Fraction(grant.rate) * Fraction(eligible)),
                        }
                    ),
                    *ineligible_blocks(g, days, money_of),
                ),
            )
        )
    return Section(_("Statement of figures"), (), tuple(subs))


# -- the list of receipts (Belegliste), internal ------------------------------------------------


def _receipts_table(caption: str, payments) -> Table:
    """The payments in date order (then as recorded): date, payee, purpose, receipt number,
    cost line and amount, with their total."""
    return Table(
        caption,
        (
            Column(_("Date")),
            Column(pgettext("receipt list", "Payee")),
            Column(_("Purpose")),
            Column(_("Receipt no.")),
            Column(_("Cost line")),
            Column(_("Amount"), numeric=True),
        ),
        tuple(
            (
                day(e.on),
                e.payee or "–",
                e.note or f"{e.cost_line.milestone.code} {e.cost_line.milestone.title}",
                e.document_ref or "–",
                e.cost_line.code,
                money(e.amount),
            )
            for e in payments
        ),
        footer=((_("Total"), "", "", "", "", money(_sum(e.amount for e in payments))),),
    )


def receipts(facts: Facts, grants, money_of: _Money) -> Section:
    """Per grant, the eligible payments of the period (their total is the actual spending of
    the figures), then those not eligible on their own."""
    subs = []
    for g, days in grants:
        grant = g.grant
        payments = money_of.payments[grant.pk]
        words = {"code": grant.code, "period": _from_to(days)}
        eligible = [e for e in payments if e.eligible]
        ineligible = [e for e in payments if not e.eligible]
        blocks = []
        if eligible:
            blocks.append(
                _receipts_table(
                    _("Eligible receipts of grant %(code)s, %(period)s, in date order") % words,
                    eligible,
                )
            )
        if ineligible:
            blocks.append(
                _receipts_table(
                    _("Receipts of grant %(code)s not eligible, %(period)s, in date order") % words,
                    ineligible,
                )
            )
        if not payments:
            blocks.append(Paragraph(_("No payment is recorded in the period.")))
        else:
            blocks.append(
                Paragraph(
                    _(
                        "All payments from %(start)s to %(end)s: %(total)s, of which "
                        "%(eligible)s eligible and %(ineligible)s not eligible."
                    )
                    % {
                        "start": day(days[0]),
                        "end": day(days[1]),
                        "total": money(_sum(e.amount for e in payments)),
                        "eligible": money(_sum(e.amount for e in eligible)),
                        "ineligible": money(_sum(e.amount for e in ineligible)),
                    }
                )
            )
        subs.append(Section(common.grant_name(grant), tuple(blocks)))
    return Section(
        _("List of receipts"),
        (
            Paragraph(
                _(
                    "Internal: the list of receipts is for the funder and is never published. "
                    "The purpose is the note recorded with the payment, or else the milestone "
                    "its cost line pays for."
                )
            ),
        ),
        tuple(subs),
    )
