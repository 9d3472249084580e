"""The funder's status report (Sachstandsbericht): internal until the office issues it."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from plansicht.funding.models import PROOF_STATUSES
from plansicht.indicators.models import Indicator
from plansicht.indicators.reads import with_status
from plansicht.indicators.words import progress_words
from plansicht.plan.models import Milestone

from ..content import Bullets, Column, Paragraph, Section, Table
from ..facts import Facts, natural
from ..words import category, day, flag, money, share
from . import common

INTERNAL = True


def title(facts: Facts) -> str:
    return _("Status report on the programme “%(programme)s”") % {
        "programme": facts.programme.title
    }


def sections(facts: Facts, issue_date) -> tuple:
    return (
        cover(facts, issue_date),
        Section(_("State of the measures"), (common.measures_table(facts),)),
        Section(
            _("Deviations from the plan and their reasons"),
            (common.deviation_items(facts, facts.deviations()),),
        ),
        common.risks_section(
            facts, facts.active_risks(), empty=_("No risk is open or being mitigated.")
        ),
        finances(facts),
        grant_conditions(facts),
        common.posts_section(facts),
        indicators(facts),
        acceptance(facts),
    )


def cover(facts: Facts, issue_date) -> Section:
    p = facts.programme
    rows = [
        (_("Programme"), p.title),
        (_("Recipient"), p.organisation.name),
    ]
    for g in facts.grants:
        rows += common.grant_rows(g.grant)
    rows += common.dates_rows(facts, issue_date)
    return Section(
        _("The project"),
        (
            common.at_a_glance(rows),
            Paragraph(
                _(
                    "This report gives the state of the programme as of %(date)s. The figures "
                    "are those known on that day."
                )
                % {"date": day(facts.as_of)}
            ),
        ),
    )


def finances(facts: Facts) -> Section:
    if not facts.grants:
        return Section(_("Financial status"), (Paragraph(_("The programme has no grant.")),))
    subs = []
    for g in facts.grants:
        blocks = [common.money_table(facts, g), common.own_share_table(facts, g)]
        gaps = [y for y in g.figures.years if y.own_share_gap > 0]
        if gaps:
            blocks.append(
                Paragraph(
                    _("The own share is not fully budgeted: %(gaps)s.")
                    % {
                        "gaps": "; ".join(
                            _("%(year)s missing %(amount)s")
                            % {"year": y.year, "amount": money(y.own_share_gap)}
                            for y in gaps
                        )
                    }
                )
            )
        subs.append(Section(common.grant_name(g.grant), tuple(blocks)))
    return Section(
        _("Financial status"),
        (
            Paragraph(
                _("Cost at risk: %(cost)s; grant at risk: %(grant)s.")
                % {"cost": money(facts.cost_at_risk), "grant": money(facts.grant_at_risk)}
            ),
            *common.money_figure(facts, "report-money"),
        ),
        tuple(subs),
    )


def _proof_name(report) -> str:
    if report["kind"] == "final":
        return _("Proof of use")
    return _("Interim proof of use %(year)s") % {"year": report["year"]}


def _proof_status(status) -> str:
    if status == "open":
        return pgettext("proof status", "open")
    return str(PROOF_STATUSES.get(status, status))


def grant_conditions(facts: Facts) -> Section:
    subs = []
    for g in facts.grants:
        c = g.conditions
        if not c:
            continue
        drawdowns = common.drawdowns_table(g)
        interest = Paragraph(
            _("Interest exposure on money used late or unused: %(amount)s.")
            % {"amount": money(c["interest_exposure"])}
        )
        total = c["total"]
        plan = Table(
            _("Financing plan of grant %(code)s by category") % {"code": g.grant.code},
            (
                Column(_("Category")),
                Column(_("Planned"), numeric=True),
                Column(_("Forecast"), numeric=True),
                Column(_("Over plan"), numeric=True),
                Column(_("Check")),
            ),
            tuple(
                (
                    category(k["category"]),
                    money(k["planned"]),
                    money(k["forecast"]),
                    share(k["over_percent"]),
                    flag(k["flag"]),
                )
                for k in c["categories"]
            ),
            footer=((_("Total"), money(total["planned"]), money(total["forecast"]), "", ""),),
        )
        flagged = [k for k in c["categories"] if k["flag"] != "ok"]
        rule = Paragraph(
            _(
                "20 %% rule: each category may exceed its plan by up to 20 %% if savings "
                "elsewhere offset it. %(result)s"
            )
            % {
                "result": _("Every category is within the rules.")
                if not flagged
                else _("Not within the rules: %(categories)s.")
                % {
                    "categories": ", ".join(
                        f"{category(k['category'])} ({flag(k['flag'])})" for k in flagged
                    )
                }
            }
        )
        proofs = Table(
            _("Proofs of use of grant %(code)s") % {"code": g.grant.code},
            (
                Column(_("Proof")),
                Column(_("Due")),
                Column(_("Submitted on")),
                Column(_("Status")),
            ),
            tuple(
                (
                    _proof_name(r),
                    day(r["due"]),
                    day(r["submitted_on"]),
                    _proof_status(r["status"]),
                )
                for r in c["reports"]
            ),
        )
        overdue = [r for r in c["reports"] if r["status"] == "overdue"]
        blocks = [drawdowns, interest, plan, rule, proofs]
        if overdue:
            blocks.append(
                Paragraph(
                    ngettext(
                        "%(count)d proof of use is overdue: %(proofs)s.",
                        "%(count)d proofs of use are overdue: %(proofs)s.",
                        len(overdue),
                    )
                    % {
                        "count": len(overdue),
                        "proofs": ", ".join(
                            _("%(proof)s (due %(date)s)")
                            % {"proof": _proof_name(r), "date": day(r["due"])}
                            for r in overdue
                        ),
                    }
                )
            )
        subs.append(Section(common.grant_name(g.grant), tuple(blocks)))
    if not subs:
        return Section(_("Conditions of the grant"), (Paragraph(_("The programme has no grant.")),))
    return Section(_("Conditions of the grant"), (), tuple(subs))


def indicators(facts: Facts) -> Section:
    found = with_status(
        Indicator.objects.filter(measure__programme=facts.programme)
        .public()
        .select_related("measure"),
        facts.as_of,
    )
    found.sort(key=lambda i: (natural(i.measure.code), natural(i.code)))
    if not found:
        return Section(_("Indicators"), (Paragraph(_("No indicators are defined.")),))
    return Section(
        _("Indicators"),
        (
            Bullets(
                tuple(f"{i.measure.code} {i.code} {i.title}: {progress_words(i)}" for i in found)
            ),
        ),
    )


def acceptance(facts: Facts) -> Section:
    public = Milestone.objects.filter(programme=facts.programme).public()
    counts = public.acceptance(facts.as_of)
    accepted = sorted(
        public.filter(accepted_on__lte=facts.as_of, actual_finish__lte=facts.as_of),
        key=lambda m: (m.accepted_on, natural(m.code)),
    )
    blocks = [
        Paragraph(
            ngettext(
                "By %(date)s, %(finished)d milestone was finished; the funder accepted "
                "%(accepted)d of them.",
                "By %(date)s, %(finished)d milestones were finished; the funder accepted "
                "%(accepted)d of them.",
                counts["finished"],
            )
            % {
                "date": day(facts.as_of),
                "finished": counts["finished"],
                "accepted": counts["accepted"],
            }
        )
    ]
    if accepted:
        blocks.append(
            Table(
                _("Milestones accepted by the funder"),
                (
                    Column(_("Milestone")),
                    Column(_("Finished on")),
                    Column(_("Accepted on")),
                    Column(_("Funder's reference")),
                ),
                tuple(
                    (
                        f"{m.code} {m.title}",
                        day(m.actual_finish),
                        day(m.accepted_on),
                        m.acceptance_ref or "–",
                    )
                    for m in accepted
                ),
            )
        )
    return Section(_("Accepted by the funder"), tuple(blocks))
