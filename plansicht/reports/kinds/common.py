"""Parts several kinds of report share: the measures table, the money of a grant, the posts
and the money chart. Every text in the active language."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from plansicht.forecast.charts import money_chart

from ..content import Bullets, Column, Figure, Paragraph, Section, Table
from ..facts import Facts, step_label
from ..words import day, health, money, share, slip_words


def measures_table(facts: Facts) -> Table:
    """Each published measure: status, percent complete, forecast finish against the current
    and the original plan with the slip in days."""
    rows = []
    for m in facts.measures:
        f = facts.measure_figures(m)
        if f is None:
            continue
        rows.append(
            (
                f"{m.code} {m.title}",
                health(f.health),
                share(f.percent_complete),
                day(f.forecast_finish),
                day(f.baseline_finish),
                slip_words(f.slip_days),
                day(f.original_finish),
                slip_words(f.original_slip_days),
            )
        )
    p = facts.summary
    return Table(
        _("Measures as of %(date)s") % {"date": day(facts.as_of)},
        (
            Column(_("Measure")),
            Column(_("Status")),
            Column(_("Complete"), numeric=True),
            Column(_("Forecast finish")),
            Column(_("Finish in the current plan")),
            Column(_("Against the current plan")),
            Column(_("Finish in the original plan")),
            Column(_("Against the original plan")),
        ),
        tuple(rows),
        footer=(
            (
                _("Programme"),
                health(p.health),
                share(p.percent_complete),
                day(p.forecast_finish),
                day(p.baseline_finish),
                slip_words(p.slip_days),
                day(p.original_finish),
                slip_words(p.original_slip_days),
            ),
        ),
    )


def grant_name(grant) -> str:
    reference = f", {grant.reference}" if grant.reference else ""
    return f"{grant.code} {grant.title} ({grant.funder}{reference})"


def money_table(facts: Facts, g) -> Table:
    """A grant's money as of the cut-off: cost plan, spending, forecast, drawn, at risk."""
    c = g.conditions
    f = g.figures
    total = c.get("total") or {}
    rows = (
        (_("Cost plan (published milestones)"), money(total.get("planned"))),
        (_("Eligible spending to date"), money(f.spent)),
        (_("Forecast cost"), money(total.get("forecast"))),
        (_("Grant money received to date"), money(g.drawn["received"])),
        (_("Cost at risk (falling outside the eligibility period)"), money(f.cost_at_risk)),
        (_("Grant at risk"), money(f.grant_at_risk)),
    )
    return Table(
        _("Money of grant %(code)s as of %(date)s")
        % {"code": g.grant.code, "date": day(facts.as_of)},
        (Column(_("Figure")), Column(_("Amount"), numeric=True)),
        rows,
    )


def own_share_table(facts: Facts, g) -> Table:
    """The city's own share by year: needed, budgeted, missing."""
    rows = tuple(
        (
            str(y.year),
            money(y.own_share_needed),
            money(y.own_share_budgeted),
            money(y.own_share_gap),
        )
        for y in g.figures.years
    )
    return Table(
        _("Own share of grant %(code)s by year") % {"code": g.grant.code},
        (
            Column(_("Year")),
            Column(_("Needed"), numeric=True),
            Column(_("Budgeted"), numeric=True),
            Column(_("Missing"), numeric=True),
        ),
        rows,
    )


def money_figure(facts: Facts, key: str) -> tuple:
    """The portal's chart of the programme's spending by year, and the table of its figures
    (the chart's text alternative points to it). () without funding."""
    rows = facts.money_by_year()
    if not rows:
        return ()
    title = _("Spending of the programme by year")
    figure = Figure(
        title,
        money_chart(rows, title, key),
        _(
            "Planned (approved plan), forecast and actual spending of the programme by year; "
            "the table below gives every figure."
        ),
    )
    table = Table(
        _("Spending of the programme by year as of %(date)s") % {"date": day(facts.as_of)},
        (
            Column(_("Year")),
            Column(_("Planned (approved plan)"), numeric=True),
            Column(_("Forecast"), numeric=True),
            Column(_("Actual"), numeric=True),
        ),
        tuple(
            (str(r["year"]), money(r["planned"]), money(r["forecast"]), money(r["actual"]))
            for r in rows
        ),
    )
    return (figure, table)


def posts_table(facts: Facts) -> Table:
    """The posts and their hiring: current step since when, forecast fill, vacant or not."""
    rows = []
    for p in facts.positions:
        f = facts.post_figures(p)
        step = step_label(getattr(f, "current_step", None))
        since = getattr(f, "current_since", None)
        rows.append(
            (
                f"{p.code} {p.title}",
                p.grant.code if p.grant_id else "–",
                pgettext("hiring step", "%(step)s (since %(date)s)")
                % {"step": step, "date": day(since)}
                if since
                else step,
                day(getattr(f, "fill", None)),
                pgettext("post", "vacant") if getattr(f, "vacant", False) else _("filled"),
            )
        )
    return Table(
        _("Posts as of %(date)s") % {"date": day(facts.as_of)},
        (
            Column(_("Post")),
            Column(_("Grant")),
            Column(_("Hiring step")),
            Column(_("Forecast fill")),
            Column(_("State")),
        ),
        tuple(rows),
    )


def posts_section(facts: Facts) -> Section:
    if not facts.positions:
        return Section(_("Posts"), (Paragraph(_("The programme has no posts recorded.")),))
    vacant = facts.vacant_funded_posts()
    blocks = [posts_table(facts)]
    if vacant:
        blocks.append(
            Paragraph(
                _("Funded posts vacant on %(date)s: %(posts)s.")
                % {"date": day(facts.as_of), "posts": ", ".join(p.code for p in vacant)}
            )
        )
    return Section(_("Posts"), tuple(blocks))


def deviation_items(facts: Facts, deviations) -> Bullets | Paragraph:
    """Each deviation in a sentence: plan and forecast, the slip, the reason and the cause."""
    if not deviations:
        return Paragraph(_("No milestone is late against the current plan."))
    items = []
    for d in deviations:
        m, f = d.milestone, d.forecast
        if f.finished:
            text = _(
                "%(milestone)s (measure %(measure)s): finished on %(finish)s instead of "
                "%(plan)s, %(slip)s."
            )
        else:
            text = _(
                "%(milestone)s (measure %(measure)s): forecast finish %(finish)s instead of "
                "%(plan)s, %(slip)s."
            )
        text %= {
            "milestone": f"{m.code} {m.title}",
            "measure": m.measure.code,
            "finish": day(f.finish),
            "plan": day(f.baseline_finish),
            "slip": slip_words(f.slip_days),
        }
        if d.reason:
            text += " " + _("Reason recorded: %(reason)s") % {"reason": d.reason}
        else:
            text += " " + _("No reason has been recorded.")
        if d.cause:
            text += f" ({d.cause})"
        items.append(text)
    return Bullets(tuple(items))


def risks_section(facts: Facts, risks, *, empty: str) -> Section:
    """The risks (``risks``, the highest score first) and what the city does about them:
    one row each; ``empty`` is said when there is none."""
    heading = _("Risks and what the city does about them")
    if not risks:
        return Section(heading, (Paragraph(empty),))
    rows = tuple(
        (
            f"{r.code} {r.title}",
            f"{r.measure.code} {r.measure.title}" if r.measure_id else "–",
            str(r.likelihood),
            str(r.impact),
            r.mitigation or "–",
            str(r.get_status_display()),
            day(r.next_review),
        )
        for r in risks
    )
    return Section(
        heading,
        (
            Paragraph(
                _(
                    "Likelihood and impact on a scale from 1 (unlikely, small) to 4 (very "
                    "likely, severe); the highest risks first."
                )
            ),
            Table(
                _("Risks as of %(date)s") % {"date": day(facts.as_of)},
                (
                    Column(_("Risk")),
                    Column(_("Measure")),
                    Column(_("Likelihood"), numeric=True),
                    Column(_("Impact"), numeric=True),
                    Column(_("What the city does about it")),
                    Column(_("Status")),
                    Column(_("Next review")),
                ),
                rows,
            ),
        ),
    )


def drawdowns_table(g) -> Table:
    """A grant's drawdowns received by the cut-off: the window, the use and the interest."""
    c = g.conditions
    return Table(
        _("Drawdowns of grant %(code)s and their window") % {"code": g.grant.code},
        (
            Column(_("Received on")),
            Column(_("Amount"), numeric=True),
            Column(_("To be used by")),
            Column(_("Used in time"), numeric=True),
            Column(_("Used late"), numeric=True),
            Column(_("Repaid"), numeric=True),
            Column(_("Unused"), numeric=True),
            Column(_("Interest"), numeric=True),
        ),
        tuple(
            (
                day(d["received_on"]),
                money(d["amount"]),
                day(d["window_end"]),
                money(d["used_in_time"]),
                money(d["used_late"]),
                money(d["repaid"]),
                money(d["unused"]),
                money(d["interest"]),
            )
            for d in c["drawdowns"]
        ),
    )


def period_words(start, end) -> str:
    return _("%(start)s to %(end)s") % {"start": day(start), "end": day(end)}


def grant_rows(grant, *, name: bool = True, rate: bool = True) -> list:
    """A grant as the rows of a report's cover: its name, funding reference, date of the
    grant notice, eligibility period and funding rate."""
    rows = [(_("Grant"), grant_name(grant))] if name else []
    rows += [
        (_("Funding reference"), grant.reference or "–"),
        (_("Date of the grant notice"), day(grant.commitment_date)),
        (_("Eligibility period"), period_words(grant.eligible_from, grant.eligible_until)),
    ]
    if rate:
        rows.append((_("Funding rate"), share(grant.rate * 100)))
    return rows


def dates_rows(facts: Facts, issue_date) -> list:
    """The cut-off date and, once issued, the date of issue."""
    rows = [(_("Cut-off date"), day(facts.as_of))]
    if issue_date is not None:
        rows.append((_("Date of issue"), day(issue_date)))
    return rows


def at_a_glance(rows) -> Table:
    return Table(_("The project at a glance"), (Column(_("Item")), Column(_("Value"))), tuple(rows))
