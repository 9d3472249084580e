"""The half-yearly public progress report, in plain language: the half-year (1 January to
30 June, or 1 July to 31 December) ending on or before the cut-off date, told with the facts
known at the end of that half-year. Public: no internal field goes in."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plansicht.engine import periods
from plansicht.participation import figures as answer_reads
from plansicht.participation.models import Submission

from ..content import Bullets, Paragraph, Section
from ..facts import Facts
from ..words import day, money
from . import common

INTERNAL = False


def half_year(cut_off: date) -> tuple[date, date]:
    """The half-year ending on or before ``cut_off``: (first day, last day)."""
    year = cut_off.year
    if cut_off >= date(year, 12, 31):
        return date(year, 7, 1), date(year, 12, 31)
    if cut_off >= date(year, 6, 30):
        return date(year, 1, 1), date(year, 6, 30)
    return date(year - 1, 7, 1), date(year - 1, 12, 31)


def facts_as_of(cut_off: date) -> date:
    """The report tells the half-year with what was known at its end."""
    return half_year(cut_off)[1]


def _period_name(start: date, end: date) -> str:
    first = start.month == 1
    name = _("first half of %(year)d") if first else _("second half of %(year)d")
    return name % {"year": start.year}


def title(facts: Facts) -> str:
    return _("Progress report on the programme “%(programme)s”") % {
        "programme": facts.programme.title
    }


def subtitle(facts: Facts, issue_date) -> str:
    start, end = half_year(facts.as_of)
    period = (_("First half of %(year)d") if start.month == 1 else _("Second half of %(year)d")) % {
        "year": start.year
    }
    text = _("%(period)s (%(start)s to %(end)s)") % {
        "period": period,
        "start": day(start),
        "end": day(end),
    }
    if issue_date is not None:
        text += " · " + _("issued on %(date)s") % {"date": day(issue_date)}
    return text


def sections(facts: Facts, issue_date) -> tuple:
    start, end = half_year(facts.as_of)
    return (
        Section(
            _("About this report"),
            (
                Paragraph(
                    _(
                        "This report tells in plain words how the programme “%(programme)s” "
                        "got on in the %(period)s, from %(start)s to %(end)s."
                    )
                    % {
                        "programme": facts.programme.title,
                        "period": _period_name(start, end),
                        "start": day(start),
                        "end": day(end),
                    }
                ),
            ),
        ),
        finished(facts, start, end),
        late(facts),
        money_section(facts),
        questions(facts, start, end),
    )


def finished(facts: Facts, start: date, end: date) -> Section:
    done = sorted(
        (
            m
            for m in facts.milestones
            if getattr(facts.milestone_figures(m), "finished", False)
            and m.actual_finish is not None
            and start <= m.actual_finish <= end
        ),
        key=lambda m: (m.actual_finish, m.code),
    )
    if not done:
        block = Paragraph(_("No step of the plan was finished in this half-year."))
    else:
        block = Bullets(
            tuple(
                _("%(milestone)s (part of %(measure)s): finished on %(date)s.")
                % {
                    "milestone": f"{m.code} {m.title}",
                    "measure": f"{m.measure.code} {m.measure.title}",
                    "date": day(m.actual_finish),
                }
                for m in done
            )
        )
    return Section(_("What was finished"), (block,))


def late(facts: Facts) -> Section:
    open_late = [d for d in facts.deviations() if not d.forecast.finished]
    if not open_late:
        return Section(
            _("What is late, and why"), (Paragraph(_("Nothing is late against the plan.")),)
        )
    items = []
    for d in open_late:
        m, f = d.milestone, d.forecast
        text = _(
            "%(milestone)s: planned to be finished by %(plan)s, now expected on %(finish)s "
            "(%(days)s)."
        ) % {
            "milestone": f"{m.code} {m.title}",
            "plan": day(f.baseline_finish),
            "finish": day(f.finish),
            "days": ngettext("%(days)d day later", "%(days)d days later", f.slip_days)
            % {"days": f.slip_days},
        }
        if d.reason:
            text += " " + _("Why: %(reason)s") % {"reason": d.reason}
        if d.cause:
            text += f" ({d.cause})"
        items.append(text)
    return Section(_("What is late, and why"), (Bullets(tuple(items)),))


def money_section(facts: Facts) -> Section:
    if not facts.grants:
        text = _("The programme has no grant.")
    elif facts.grant_at_risk > 0:
        text = _(
            "If nothing changes, %(cost)s of costs will fall after the grant ends, and "
            "%(grant)s of grant money could be lost."
        ) % {"cost": money(facts.cost_at_risk), "grant": money(facts.grant_at_risk)}
    else:
        text = _("No grant money is at risk.")
    return Section(
        _("Money"),
        (Paragraph(text), *common.money_figure(facts, "report-money")),
    )


def questions(facts: Facts, start: date, end: date) -> Section:
    blocks = []
    for kind, sentence in (
        (
            Submission.QUESTION,
            lambda n, t: ngettext(
                "%(total)d question came in; %(in_time)d of them were answered in time.",
                "%(total)d questions came in; %(in_time)d of them were answered in time.",
                t,
            ),
        ),
        (
            Submission.STATEMENT,
            lambda n, t: ngettext(
                "%(total)d statement came in; %(in_time)d of them were answered in time.",
                "%(total)d statements came in; %(in_time)d of them were answered in time.",
                t,
            ),
        ),
    ):
        items = Submission.objects.filter(programme=facts.programme, kind=kind, received__gte=start)
        figures = answer_reads.figures(items, end)
        in_time = figures.counts[periods.ANSWERED_IN_TIME]
        blocks.append(
            sentence(in_time, figures.total) % {"total": figures.total, "in_time": in_time}
        )
    return Section(
        _("Questions answered"),
        (Paragraph(_("In this half-year:") + " " + " ".join(blocks)),),
    )
