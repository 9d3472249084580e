"""The council's information report (Informationsvorlage): a one-page summary first, then the
details, then participation. Public once issued: no internal field goes in."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plansicht.consultations import reads as consultation_reads
from plansicht.consultations.models import Consultation
from plansicht.decisions import reads as decision_reads
from plansicht.engine import periods
from plansicht.participation import figures as answer_reads
from plansicht.participation.models import Submission
from plansicht.proposals import reads as proposal_reads

from ..content import Bullets, Column, Paragraph, Section, Table
from ..facts import Facts, natural
from ..words import day, health, money, share, slip_words
from . import common

INTERNAL = False


def title(facts: Facts) -> str:
    return _("Information report: state of the programme “%(programme)s”") % {
        "programme": facts.programme.title
    }


def sections(facts: Facts, issue_date) -> tuple:
    submissions = Submission.objects.filter(programme=facts.programme).public()
    questions = answer_reads.rows(submissions.questions().filter(hidden=False), facts.as_of)
    statements = answer_reads.rows(submissions.statements().filter(hidden=False), facts.as_of)
    overdue = decision_reads.overdue(facts.programme, facts.as_of)
    return (
        summary(facts, questions, statements, overdue),
        details(facts),
        participation(facts, submissions, statements),
    )


def _overdue_count(rows) -> int:
    return sum(1 for r in rows if r.status == periods.OVERDUE)


def summary(facts: Facts, questions, statements, overdue) -> Section:
    p = facts.summary
    vacant = facts.vacant_funded_posts()
    items = [
        _("Forecast finish of the programme: %(finish)s (current plan: %(plan)s, %(slip)s).")
        % {
            "finish": day(p.forecast_finish),
            "plan": day(p.baseline_finish),
            "slip": slip_words(p.slip_days),
        },
        _("Status: %(health)s; %(complete)s complete.")
        % {"health": health(p.health), "complete": share(p.percent_complete)},
        _("Money at risk: cost %(cost)s, grant %(grant)s.")
        % {"cost": money(facts.cost_at_risk), "grant": money(facts.grant_at_risk)},
        _("Interest exposure: %(amount)s.") % {"amount": money(facts.interest_exposure)},
        _("Funded posts vacant: %(count)d.") % {"count": len(vacant)},
        _("Overdue questions: %(questions)d; overdue statements: %(statements)d.")
        % {"questions": _overdue_count(questions), "statements": _overdue_count(statements)},
        _("Overdue assignments of council decisions: %(count)d.") % {"count": len(overdue)},
    ]
    blocks = [
        Paragraph(
            _(
                "The administration informs the council about the state of the programme "
                "“%(programme)s” as of %(date)s."
            )
            % {"programme": facts.programme.title, "date": day(facts.as_of)}
        ),
        Bullets(tuple(items)),
    ]
    if overdue:
        blocks.append(
            Table(
                _("Overdue assignments of council decisions"),
                (
                    Column(_("Decision")),
                    Column(_("Assignment")),
                    Column(_("Due")),
                ),
                tuple(
                    (
                        r.assignment.decision.number,
                        f"{r.assignment.code} {r.assignment.title}",
                        day(r.assignment.due),
                    )
                    for r in overdue
                ),
            )
        )
    return Section(_("Summary"), tuple(blocks))


def details(facts: Facts) -> Section:
    money_blocks = [
        Paragraph(
            _("Cost at risk: %(cost)s; grant at risk: %(grant)s.")
            % {"cost": money(facts.cost_at_risk), "grant": money(facts.grant_at_risk)}
        ),
        *common.money_figure(facts, "report-money"),
    ]
    for g in facts.grants:
        money_blocks += [common.money_table(facts, g), common.own_share_table(facts, g)]
    if not facts.grants:
        money_blocks = [Paragraph(_("The programme has no grant."))]
    return Section(
        _("Details"),
        (),
        (
            Section(_("State of the measures"), (common.measures_table(facts),)),
            Section(
                _("Deviations from the plan and their reasons"),
                (common.deviation_items(facts, facts.deviations()),),
            ),
            common.risks_section(
                facts, facts.public_risks(), empty=_("No public risk is recorded.")
            ),
            Section(_("Money"), tuple(money_blocks)),
            common.posts_section(facts),
        ),
    )


def _answered_in_time(facts: Facts, kind) -> str:
    """The share answered in time as the portal's overview counts it (an item awaiting
    release counts: its clock runs)."""
    items = Submission.objects.filter(programme=facts.programme, kind=kind)
    figures = answer_reads.figures(items, facts.as_of)
    if not figures.total:
        return _("none received")
    return share(figures.share_answered_in_time)


def participation(facts: Facts, submissions, statements) -> Section:
    shown = sorted(
        (r for r in statements),
        key=lambda r: (r.item.received, natural(r.item.code)),
    )
    items = []
    for r in shown:
        s = r.item
        text = _("%(code)s – %(body)s, received on %(date)s: %(text)s") % {
            "code": s.code,
            "body": s.body.name if s.body_id else s.shown_author or _("anonymous"),
            "date": day(s.received),
            "text": s.text,
        }
        if s.answered_on is not None and s.answered_on <= facts.as_of:
            text += " " + _("Answer of %(date)s: %(answer)s") % {
                "date": day(s.answered_on),
                "answer": s.answer,
            }
        else:
            text += " " + _("Not yet answered (%(status)s, due %(due)s).") % {
                "status": r.status_label,
                "due": day(r.due),
            }
        items.append(text)
    statement_blocks = (
        (Bullets(tuple(items)),) if items else (Paragraph(_("No statement has been received.")),)
    )
    shares = Paragraph(
        _("Answered in time: questions %(questions)s, statements %(statements)s.")
        % {
            "questions": _answered_in_time(facts, Submission.QUESTION),
            "statements": _answered_in_time(facts, Submission.STATEMENT),
        }
    )
    register = decision_reads.register(facts.programme, facts.as_of)
    register.sort(key=lambda d: (d.decision.date, natural(d.decision.number)))
    rows = []
    for d in register:
        for a in d.assignments:
            rows.append(
                (
                    f"{d.decision.number} {d.decision.title}",
                    f"{a.assignment.code} {a.assignment.title}",
                    day(a.assignment.due),
                    a.status_label,
                    day(a.done_on),
                )
            )
    decision_blocks = (
        (
            Bullets(
                tuple(
                    _("%(number)s of %(date)s (%(body)s): %(title)s – %(result)s")
                    % {
                        "number": d.decision.number,
                        "date": day(d.decision.date),
                        "body": d.decision.body.name,
                        "title": d.decision.title,
                        "result": d.decision.get_result_display(),
                    }
                    for d in register
                )
            ),
            Table(
                _("Assignments of the decisions as of %(date)s") % {"date": day(facts.as_of)},
                (
                    Column(_("Decision")),
                    Column(_("Assignment")),
                    Column(_("Due")),
                    Column(_("Status")),
                    Column(_("Done on")),
                ),
                tuple(rows),
            ),
        )
        if register
        else (Paragraph(_("No decision about the programme has been taken.")),)
    )
    return Section(
        _("Participation"),
        (),
        (
            Section(_("Statements of the advisory councils and their answers"), statement_blocks),
            Section(_("Questions and statements answered in time"), (shares,)),
            proposals_section(facts),
            consultations_section(facts),
            Section(_("Decisions and the state of their assignments"), decision_blocks),
        ),
    )


def _median(value) -> str:
    if value is None:
        return "–"
    return _("%(days)s days") % {"days": number_format(value, 1)}


def _figures_row(label, figures) -> tuple:
    c = figures.counts
    return (
        label,
        str(c[periods.OPEN]),
        str(c[periods.OVERDUE]),
        str(c[periods.ANSWERED_IN_TIME]),
        str(c[periods.ANSWERED_WITHIN_EXTENSION]),
        str(c[periods.ANSWERED_LATE]),
        share(figures.share_answered_in_time),
        _median(figures.median_days_to_answer),
    )


def proposals_section(facts: Facts) -> Section:
    """The proposals' figures as of the cut-off beside the questions' and statements' (the
    same rules, a proposal's counted from the day it reached the threshold)."""
    programme = facts.programme
    threshold = Paragraph(
        ngettext(
            "A proposal supported by %(count)d person must be decided within the answer "
            "period, counted from the day it reached this support.",
            "A proposal supported by %(count)d people must be decided within the answer "
            "period, counted from the day it reached these supports.",
            programme.proposal_threshold,
        )
        % {"count": programme.proposal_threshold}
    )
    rows = []
    for kind, label in (
        (Submission.QUESTION, _("Questions (answered)")),
        (Submission.STATEMENT, _("Statements (answered)")),
    ):
        items = Submission.objects.filter(programme=programme, kind=kind)
        found = answer_reads.figures(items, facts.as_of)
        if found.total:
            rows.append(_figures_row(label, found))
    proposals = proposal_reads.figures(programme, facts.as_of)
    if proposals.total:
        rows.append(_figures_row(_("Proposals (decided)"), proposals))
    heading = _("Questions, statements and proposals: answered or decided in time")
    if not proposals.total:
        threshold = Paragraph(
            threshold.text
            + " "
            + _("No proposal has been decided or has reached the threshold yet.")
        )
    if not rows:
        return Section(heading, (threshold,))
    table = Table(
        _("Answered or decided in time, as of %(date)s") % {"date": day(facts.as_of)},
        (
            Column(_("What")),
            Column(_("Open"), numeric=True),
            Column(_("Overdue"), numeric=True),
            Column(_("In time"), numeric=True),
            Column(_("Within the extension"), numeric=True),
            Column(_("Late"), numeric=True),
            Column(_("Share in time"), numeric=True),
            Column(_("Median"), numeric=True),
        ),
        tuple(rows),
    )
    return Section(heading, (table, threshold))


def consultations_section(facts: Facts) -> Section:
    """The consultations for the public closed by the end of the cut-off date, with the
    office's summary of what the city does with the results (a staff-only one never: the
    report is public)."""
    end = timezone.make_aware(datetime.combine(facts.as_of + timedelta(days=1), time()))
    closed = (
        Consultation.objects.filter(programme=facts.programme, closes__lte=end)
        .public()
        .order_by("closes", "code")
    )
    items = []
    for c in closed:
        text = _("%(title)s (%(opens)s to %(closes)s): %(count)s.") % {
            "title": c.title,
            "opens": day(timezone.localtime(c.opens).date()),
            "closes": day(timezone.localtime(c.closes).date()),
            "count": ngettext(
                "%(n)d respondent", "%(n)d respondents", consultation_reads.respondents(c)
            )
            % {"n": consultation_reads.respondents(c)},
        }
        if c.summary and (c.summary_on is None or c.summary_on <= facts.as_of):
            text += " " + _("What the city does with the results: %(summary)s") % {
                "summary": c.summary
            }
        else:
            text += " " + _("The administration has not yet said what it does with the results.")
        items.append(text)
    blocks = (
        (Bullets(tuple(items)),) if items else (Paragraph(_("No consultation has closed yet.")),)
    )
    return Section(_("Consultations and what the city does with the results"), blocks)
