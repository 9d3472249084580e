"""The council's information report (Informationsvorlage): a one-page summary first, then the
details, then participation. Public once issued: no internal field goes in."""

from django.utils.translation import gettext as _

from plansicht.decisions import reads as decision_reads
from plansicht.engine import periods
from plansicht.participation import figures as answer_reads
from plansicht.participation.models import Submission

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
            Section(_("Decisions and the state of their assignments"), decision_blocks),
        ),
    )
