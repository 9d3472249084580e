"""The change request draft (Änderungsantrag): the dates and costs the forecast proposes against
the current approved plan version, the cost plan by year before and after, the extension of
the eligibility period if the work runs past it, and the reasons — for the office to edit,
sign and send. Internal unless the office issues it as public; issuing one makes its record
(``ChangeRequest``, see ``services.reports``).

"Approved" is the plan version current at the cut-off (the one the forecast measures slips
against); without one, the milestones' own planned dates (the current plan). The plan version
keeps dates, not amounts: the cost plan before is the cost lines spread over the approved
dates, in whole cents per year, as the cost and financing plan (KFP) spreads them; after is
the forecast's spending by year (spent by the cut-off plus the rest as it falls).
"""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from plansicht.engine.money import cents
from plansicht.funding.models import CostLine
from plansicht.history.models import Event
from plansicht.plan.models import Milestone, PlanVersion, PlanVersionEntry

from ..content import Column, Paragraph, Section, Table
from ..facts import Facts
from ..models import ChangeRequest
from ..words import day, money
from . import common

INTERNAL = True
ZERO = Decimal("0.00")


def title(facts: Facts) -> str:
    return _("Change request on the programme “%(programme)s”") % {
        "programme": facts.programme.title
    }


def sections(facts: Facts, issue_date) -> tuple:
    version = approved_version(facts)
    dates = proposed_dates(facts, version)
    extensions = eligibility_extensions(facts)
    return (
        cover(facts, issue_date, version),
        dates_section(facts, version, dates),
        costs_section(facts, version, extensions),
        Section(
            _("Reasons"),
            (
                Paragraph(
                    _(
                        "The milestones late against the approved plan, with the reason "
                        "recorded for each and what holds it back:"
                    )
                ),
                common.deviation_items(facts, facts.deviations()),
            ),
        ),
        closing(facts, dates, extensions),
    )


# -- what is compared -----------------------------------------------------------------------


def approved_version(facts: Facts) -> PlanVersion | None:
    """The plan version current at the cut-off (the newest approved by then), or None."""
    number = facts.result.forecast.current_version
    if number is None:
        return None
    return PlanVersion.objects.filter(programme=facts.programme, number=number).first()


def _version_name(version: PlanVersion) -> str:
    return _("plan version %(number)s “%(label)s” of %(date)s") % {
        "number": version.number,
        "label": version.label,
        "date": day(version.approved_on),
    }


def proposed_dates(facts: Facts, version) -> list:
    """The published milestones whose forecast start or finish differs from the approved
    dates (or that the approved version does not hold): [(milestone, forecast, approved
    (start, finish) or None, reason)], by code."""
    if version is not None:
        approved = {
            pk: (start, finish)
            for pk, start, finish in PlanVersionEntry.objects.filter(version=version).values_list(
                "milestone_id", "start", "finish"
            )
        }
    else:
        approved = {m.pk: (m.planned_start, m.planned_finish) for m in facts.milestones}
    found = []
    for m in facts.milestones:
        f = facts.milestone_figures(m)
        if f is None:
            continue
        was = approved.get(m.pk)
        if was is None or was != (f.start, f.finish):
            found.append((m, f, was))
    reasons = (
        Event.objects.public()
        .for_programme(facts.programme)
        .latest_reasons(Milestone, [m.pk for m, _f, _w in found], until=facts.as_of)
    )
    return [(m, f, was, reasons.get(m.pk, "")) for m, f, was in found]


def eligibility_extensions(facts: Facts) -> list:
    """Per grant whose work the forecast finishes after its eligibility period: (grant money,
    the proposed new end = the latest forecast finish of the milestones of its cost lines
    still open at the cut-off, those milestones' codes)."""
    published = {m.pk: m for m in facts.milestones}
    out = []
    for g in facts.grants:
        grant = g.grant
        finishes = defaultdict(list)
        for milestone_id, closed_on in CostLine.objects.filter(
            grant=grant, milestone_id__in=published
        ).values_list("milestone_id", "closed_on"):
            if closed_on is not None and closed_on <= facts.as_of:
                continue
            f = facts.milestone_figures(published[milestone_id])
            if f is not None and f.finish > grant.eligible_until:
                finishes[f.finish].append(published[milestone_id].code)
        if finishes:
            end = max(finishes)
            out.append((g, end, sorted(set(finishes[end]))))
    return out


# -- the sections ---------------------------------------------------------------------------


def cover(facts: Facts, issue_date, version) -> Section:
    p = facts.programme
    rows = [(_("Programme"), p.title), (_("Recipient"), p.organisation.name)]
    if issue_date is not None:
        # Issuing it makes the record with this code (services.reports checks it is still next).
        code = ChangeRequest.code_of(ChangeRequest.next_number(p))
        rows.insert(0, (_("Change request"), code))
    for g in facts.grants:
        rows += common.grant_rows(g.grant, rate=False)
    if version is not None:
        rows.append(
            (
                _("Approved plan compared against"),
                _("Plan version %(number)s “%(label)s”, approved on %(date)s (%(decision)s)")
                % {
                    "number": version.number,
                    "label": version.label,
                    "date": day(version.approved_on),
                    "decision": version.decision_ref,
                },
            )
        )
    else:
        rows.append(
            (_("Approved plan compared against"), _("none approved; the current plan instead"))
        )
    rows += common.dates_rows(facts, issue_date)
    blocks = [
        Table(
            _("The change request at a glance"),
            (Column(_("Item")), Column(_("Value"))),
            tuple(rows),
        )
    ]
    if version is not None:
        blocks.append(
            Paragraph(
                _(
                    "%(recipient)s asks for the following changes to the approved plan, "
                    "%(version)s. The proposed dates and costs are the forecast as of "
                    "%(date)s, from the figures known on that day."
                )
                % {
                    "recipient": p.organisation.name,
                    "version": _version_name(version),
                    "date": day(facts.as_of),
                }
            )
        )
    else:
        blocks.append(
            Paragraph(
                _(
                    "No plan version had been approved by %(date)s. This draft therefore "
                    "compares the forecast against the current plan: the milestones' own "
                    "planned dates. The proposed dates and costs are the forecast as of "
                    "%(date)s, from the figures known on that day."
                )
                % {"date": day(facts.as_of)}
            )
        )
    return Section(_("The change request"), tuple(blocks))


def _days(value: int | None) -> str:
    """A difference in days with its sign: +30, -9, 0."""
    if value is None:
        return "–"
    return f"{value:+d}" if value else "0"


def dates_section(facts: Facts, version, dates) -> Section:
    heading = _("Proposed dates")
    if not dates:
        return Section(
            heading,
            (
                Paragraph(
                    _(
                        "The forecast keeps every date of the approved plan: no change of "
                        "dates is requested."
                    )
                ),
            ),
        )
    rows = []
    for m, f, was, reason in dates:
        start, finish = was if was is not None else (None, None)
        rows.append(
            (
                f"{m.code} {m.title}",
                day(start),
                day(finish),
                day(f.start),
                day(f.finish),
                _days((f.finish - finish).days if finish is not None else None),
                reason or "–",
            )
        )
    blocks = [
        Paragraph(
            _(
                "Each published milestone whose forecast start or finish differs from the "
                "approved plan. The proposed dates are the forecast as of %(date)s; for a "
                "milestone already finished, its actual dates. The difference is that of the "
                "finish, in calendar days (+ later, - earlier)."
            )
            % {"date": day(facts.as_of)}
        ),
        Table(
            _("Approved and proposed dates as of %(date)s") % {"date": day(facts.as_of)},
            (
                Column(_("Milestone")),
                Column(_("Approved start")),
                Column(_("Approved finish")),
                Column(_("Proposed start")),
                Column(_("Proposed finish")),
                Column(_("Difference in days"), numeric=True),
                Column(_("Reason recorded")),
            ),
            tuple(rows),
        ),
    ]
    new = [m.code for m, _f, was, _r in dates if was is None]
    if new:
        blocks.append(
            Paragraph(
                _(
                    "Not in the approved plan (no approved dates): %(milestones)s. The request "
                    "proposes to add them with the dates given."
                )
                % {"milestones": ", ".join(new)}
            )
        )
    p = facts.summary
    if p.forecast_finish is not None and p.baseline_finish is not None:
        blocks.append(
            Paragraph(
                _(
                    "The programme's forecast finish is %(forecast)s; in the approved plan it "
                    "is %(approved)s."
                )
                % {"forecast": day(p.forecast_finish), "approved": day(p.baseline_finish)}
            )
        )
    return Section(heading, tuple(blocks))


def _signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + money(value)


def cost_years(facts: Facts) -> list:
    """[(year, before, after)] in cents (Decimal): the cost plan by the approved dates (the
    KFP's whole cents, all measures) and the forecast's spending by year."""
    funds = facts.result.funds
    if funds is None:
        return []
    before = defaultdict(lambda: ZERO)
    for years in funds.kfp.values():
        for year, categories in years.items():
            before[year] += cents(sum(categories.values()))
    after = {
        year: cents(figures["forecast"]) for year, figures in funds.by_year.get(None, {}).items()
    }
    return [
        (year, before.get(year, ZERO), after.get(year, ZERO))
        for year in sorted(set(before) | set(after))
    ]


def costs_section(facts: Facts, version, extensions) -> Section:
    heading = _("Proposed costs: the cost plan by year before and after")
    years = cost_years(facts)
    if not years:
        return Section(heading, (Paragraph(_("The programme has no grant and so no cost plan.")),))
    total_before = sum((b for _y, b, _a in years), ZERO)
    total_after = sum((a for _y, _b, a in years), ZERO)
    before_label = (
        _("Before: by the approved plan") if version is not None else _("Before: current plan")
    )
    blocks = [
        Paragraph(
            _(
                "Before: the cost lines of the published milestones spread over the approved "
                "dates in proportion to their days, as the cost and financing plan spreads "
                "them. After: the spending the forecast expects, i.e. what was spent by "
                "%(date)s plus the rest of each cost line as it falls over the proposed "
                "dates."
            )
            % {"date": day(facts.as_of)}
        ),
        Table(
            _("Cost plan by year before and after, as of %(date)s") % {"date": day(facts.as_of)},
            (
                Column(_("Year")),
                Column(before_label, numeric=True),
                Column(_("After: proposed (forecast)"), numeric=True),
                Column(_("Difference"), numeric=True),
            ),
            tuple(
                (str(year), money(before), money(after), _signed(after - before))
                for year, before, after in years
            ),
            footer=(
                (
                    _("Total"),
                    money(total_before),
                    money(total_after),
                    _signed(total_after - total_before),
                ),
            ),
        ),
    ]
    extended = {g.grant.pk: (end, codes) for g, end, codes in extensions}
    for g in facts.grants:
        grant = g.grant
        if grant.pk in extended:
            end, codes = extended[grant.pk]
            blocks.append(
                Paragraph(
                    _(
                        "The eligibility period of grant %(grant)s must be extended: it ends "
                        "on %(until)s, but the forecast finishes %(milestones)s on %(finish)s. "
                        "Cost falling outside the period: %(cost)s; grant at risk: %(risk)s. "
                        "An extension of the eligibility period to %(finish)s is requested."
                    )
                    % {
                        "grant": grant.code,
                        "until": day(grant.eligible_until),
                        "milestones": ", ".join(codes),
                        "finish": day(end),
                        "cost": money(g.figures.cost_at_risk),
                        "risk": money(g.figures.grant_at_risk),
                    }
                )
            )
        else:
            blocks.append(
                Paragraph(
                    _(
                        "The eligibility period of grant %(grant)s (to %(until)s) covers the "
                        "forecast: no extension is requested."
                    )
                    % {"grant": grant.code, "until": day(grant.eligible_until)}
                )
            )
    return Section(heading, tuple(blocks))


def _listing(items: list) -> str:
    """a, b and c."""
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def closing(facts: Facts, dates, extensions) -> Section:
    asks = []
    if dates:
        asks.append(_("the proposed dates"))
    asks.append(_("the cost plan by year as set out above"))
    for g, end, _codes in extensions:
        asks.append(
            _("the extension of the eligibility period of grant %(grant)s to %(date)s")
            % {"grant": g.grant.code, "date": day(end)}
        )
    return Section(
        _("Request"),
        (
            Paragraph(
                _("%(recipient)s requests approval of %(items)s.")
                % {"recipient": facts.programme.organisation.name, "items": _listing(asks)}
            ),
            Paragraph(_("Place, date: ________________________________")),
            Paragraph(_("Signature: ________________________________")),
            Paragraph(_("Name and function: ________________________________")),
        ),
    )
