"""The drawdown request draft (Mittelabruf): per grant, the amount to request on the cut-off
date — the grant's share of the eligible spending the forecast expects until the drawdown
window ends, less drawn money still unused, never below 0 (``engine.conditions.drawdown_need``)
— with the cost lines behind it and their need per month, so the finance officer checks and
signs instead of computing. Internal unless the office issues it as public."""

from datetime import date
from fractions import Fraction

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plansicht.engine import conditions
from plansicht.funding.models import CostLine, Drawdown

from ..content import Column, Paragraph, Section, Table
from ..facts import Facts, natural
from ..words import category, day, money, share
from . import common

INTERNAL = True


def title(facts: Facts) -> str:
    return _("Drawdown request for the programme “%(programme)s”") % {
        "programme": facts.programme.title
    }


def sections(facts: Facts, issue_date) -> tuple:
    if not facts.grants:
        return (Section(_("Drawdown request"), (Paragraph(_("The programme has no grant.")),)),)
    return tuple(grant_section(facts, g, issue_date) for g in facts.grants)


def window_words(window: conditions.Window) -> str:
    if window.kind == conditions.CALENDAR_DAYS:
        return ngettext("%(count)d calendar day", "%(count)d calendar days", window.count) % {
            "count": window.count
        }
    return ngettext("%(count)d month", "%(count)d months", window.count) % {"count": window.count}


def need_of(facts: Facts, g) -> tuple[conditions.DrawdownNeed, list]:
    """The engine's drawdown need for grant ``g`` as of the cut-off, and its cost lines (the
    published milestones' lines, by code)."""
    grant = g.grant
    funds = facts.result.funds
    remaining = funds.funding.line_remaining_cents
    milestones = facts.result.forecast.milestones
    lines = sorted(
        CostLine.objects.filter(grant=grant, pk__in=list(remaining)).select_related("milestone"),
        key=lambda line: natural(line.code),
    )
    drawn = funds.conditions.get(grant.pk)
    unused = sum((d.unused_exact for d in drawn.drawdowns.drawdowns), 0) if drawn else 0
    need = conditions.drawdown_need(
        requested_on=facts.as_of,
        window=grant.drawdown_window,
        rate=grant.rate,
        eligible_from=grant.eligible_from,
        eligible_until=grant.eligible_until,
        lines=[
            conditions.NeedLineIn(
                line.pk,
                remaining[line.pk],
                milestones[line.milestone_id].start,
                milestones[line.milestone_id].finish,
            )
            for line in lines
        ],
        unused=unused,
    )
    return need, lines


def month_name(year: int, month: int) -> str:
    return date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")


def grant_section(facts: Facts, g, issue_date) -> Section:
    grant = g.grant
    need, lines = need_of(facts, g)
    heading = common.grant_name(grant)
    request = Table(
        _("Drawdown request under grant %(code)s") % {"code": grant.code},
        (Column(_("Item")), Column(_("Value"))),
        (
            (_("Recipient"), facts.programme.organisation.name),
            *common.grant_rows(grant, name=False),
            (_("Request date"), day(need.requested_on)),
            (_("Drawdown window"), window_words(grant.drawdown_window)),
            (_("To be used by"), day(need.window_end)),
        ),
    )
    amounts = Table(
        _("The amount to request"),
        (Column(_("Item")), Column(_("Amount"), numeric=True)),
        (
            (
                _("Eligible spending expected from %(start)s to %(end)s")
                % {"start": day(need.requested_on), "end": day(need.window_end)},
                money(need.expected),
            ),
            (
                _("of which the grant's share (%(rate)s)") % {"rate": share(grant.rate * 100)},
                money(need.share),
            ),
            (_("less drawn money still unused"), money(need.unused)),
        ),
        footer=((_("Amount to request"), money(need.amount)),),
    )
    blocks = [request, amounts, Paragraph(_explain(need))]
    if facts.as_of > grant.eligible_until:
        blocks.append(
            Paragraph(
                _(
                    "The eligibility period ended on %(date)s: nothing more can be requested "
                    "under this grant, and money drawn but not used must be repaid."
                )
                % {"date": day(grant.eligible_until)}
            )
        )
    by_line = {n.key: n for n in need.lines}
    shown = [line for line in lines if line.pk in by_line]
    if shown:
        months = need.months
        blocks.append(
            Table(
                _("The cost lines behind it: eligible spending expected, by month"),
                (
                    Column(_("Cost line")),
                    Column(_("Milestone")),
                    Column(_("Category")),
                    Column(_("Forecast window")),
                    *(Column(month_name(y, m), numeric=True) for y, m in months),
                    Column(_("Total"), numeric=True),
                    Column(_("Grant share"), numeric=True),
                ),
                tuple(
                    (
                        line.code,
                        f"{line.milestone.code} {line.milestone.title}",
                        category(line.category),
                        _("%(start)s to %(end)s")
                        % {
                            "start": day(facts.milestone_figures(line.milestone).start),
                            "end": day(facts.milestone_figures(line.milestone).finish),
                        },
                        *(money(by_line[line.pk].by_month[ym]) for ym in months),
                        money(by_line[line.pk].expected),
                        money(Fraction(grant.rate) * by_line[line.pk].expected),
                    )
                    for line in shown
                ),
                footer=(
                    (
                        _("Total"),
                        "",
                        "",
                        "",
                        *(money(sum((n.by_month[ym] for n in need.lines), 0)) for ym in months),
                        money(need.expected),
                        money(need.share),
                    ),
                ),
            )
        )
    else:
        blocks.append(
            Paragraph(
                _("No cost line expects eligible spending from %(start)s to %(end)s.")
                % {"start": day(need.requested_on), "end": day(need.window_end)}
            )
        )
    if g.conditions and g.conditions["drawdowns"]:
        blocks.append(common.drawdowns_table(g))
    pending = list(
        Drawdown.objects.filter(grant=grant, requested_on__lte=facts.as_of)
        .exclude(received_on__lte=facts.as_of)
        .order_by("requested_on", "id")
    )
    if pending:
        blocks.append(
            Table(
                _("Requested, not yet received"),
                (Column(_("Requested on")), Column(_("Amount requested"), numeric=True)),
                tuple((day(d.requested_on), money(d.amount_requested)) for d in pending),
                footer=(
                    (
                        _("Total"),
                        money(sum((d.amount_requested for d in pending), 0)),
                    ),
                ),
            )
        )
        blocks.append(
            Paragraph(
                _(
                    "Money requested but not yet received is not deducted above; check that "
                    "it is not requested twice."
                )
            )
        )
    blocks.append(
        Paragraph(
            _(
                "Checked as to content and arithmetic: date, name, signature "
                "______________________________"
            )
        )
    )
    return Section(heading, tuple(blocks))


def _explain(need) -> str:
    text = _(
        "The amount is the grant's share of the eligible spending the forecast expects from "
        "the request date to the end of the drawdown window, less drawn money not yet used "
        "or repaid; it is never below 0. Each cost line's remaining amount is spread evenly "
        "over its milestone's forecast window; days outside the eligibility period do not "
        "count. Amounts are computed exactly and rounded to the cent once per figure."
    )
    if need.amount == 0:
        text += " " + _("Nothing needs to be requested now.")
    return text
