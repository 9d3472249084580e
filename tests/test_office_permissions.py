"""The permission matrix over every office page, generated from the URL configuration:
anonymous → the login page, wrong role → 403, right role → 200; a change sent by a wrong role
is refused with 403 and stores nothing, the same change by the right role is stored with one
history event.

Every URL name of ``plansicht.office.urls`` needs a row in ``ACCESS`` (who may read, who may
change) and, if its address has a code or a row id, a sample in ``CODES`` or ``ROWS``; a page
without them fails ``test_every_office_page_has_a_row_in_the_matrix``, so none is forgotten.
"""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from plansicht.accounts.models import ApiToken
from plansicht.consultations.models import Answer, Consultation, Question, Response
from plansicht.decisions.models import Assignment, Decision
from plansicht.funding.models import (
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
from plansicht.history.models import Event
from plansicht.imports.models import ImportJob
from plansicht.imports.template import plan_template
from plansicht.indicators.models import Indicator, IndicatorValue
from plansicht.office import urls as office_urls
from plansicht.participation.models import Body, Extension, Submission
from plansicht.plan.models import Dependency, Milestone, PlanVersion, Programme
from plansicht.proposals.models import Decision as ProposalDecision
from plansicht.proposals.models import Extension as ProposalExtension
from plansicht.proposals.models import Proposal
from plansicht.reports.models import ChangeRequest, IssuedFile, IssuedReport
from plansicht.risks.models import Risk
from plansicht.services import Actor
from plansicht.services.imports import ImportResult
from plansicht.services.reports import request_issue
from plansicht.services.tokens import create_token
from plansicht.staffing.models import HiringStep, Position

from .factories import decisions_document, hiring_settings_form

SLUG = "testprogramm"
PERSONAS = [
    "outsider",
    "viewer",
    "other_unit_editor",
    "unit_editor",
    "editor",
    "finance",
    "hr",
    "admin",
    "moderator",
    "participant",
]
OFFICE = frozenset(PERSONAS) - {"outsider", "participant"}
# Milestone B belongs to M1.1, whose lead unit is inherited from M1 ("Stabsstelle
# Digitalisierung"): its unit editor may change B, the one of Tiefbauamt may not.
MILESTONE_B = frozenset({"unit_editor", "editor", "admin"})
PLAN = frozenset({"editor", "admin"})
MONEY = frozenset({"finance", "admin"})
POSTS = frozenset({"hr", "admin"})
# Questions and statements: editors of any unit may enter one received on paper; an item about
# M1 (F1) is answered by its unit editor, the editors and administrators; only administrators
# and staff flagged as moderators (the moderator persona, a viewer) moderate. A participant has
# no office page at all.
ENTER = frozenset({"unit_editor", "other_unit_editor", "editor", "admin"})
ANSWER_F1 = MILESTONE_B
MODERATE = frozenset({"admin", "moderator"})
ADMIN_ONLY = frozenset({"admin"})
# An API token is revoked by its owner (the sample token is the finance officer's) or an
# administrator.
TOKEN_OWNER = frozenset({"finance", "admin"})

# URL name → (who gets 200 on GET, who may POST a change; None: the page changes nothing).
ACCESS = {
    "index": (frozenset(PERSONAS), None),  # a login is enough; it lists the user's programmes
    "dashboard": (OFFICE, None),
    "milestones": (OFFICE, None),
    "milestone": (OFFICE, MILESTONE_B),
    "plan_versions": (OFFICE, PLAN),
    # the plan import and its templates: whoever may edit the plan
    "plan_import": (PLAN, PLAN),
    "plan_import_template": (PLAN, None),
    "plan_import_current": (PLAN, None),
    "plan_import_job": (PLAN, PLAN),  # a large file's dry run, applied from its page
    "positions": (OFFICE, None),
    "hiring_settings": (OFFICE, POSTS),
    "position": (OFFICE, POSTS),
    "what_if": (OFFICE, None),
    "finance": (OFFICE, None),
    "kfp": (OFFICE, None),
    "cost_lines": (OFFICE, None),
    "cost_line_new": (MONEY, MONEY),
    "cost_line": (MONEY, MONEY),
    "cost_line_remove": (MONEY, MONEY),
    "expenditures": (OFFICE, None),
    "expenditure_new": (MONEY, MONEY),
    "expenditure": (MONEY, MONEY),
    "expenditure_remove": (MONEY, MONEY),
    "budget_lines": (OFFICE, None),
    "budget_line_new": (MONEY, MONEY),
    "budget_line": (MONEY, MONEY),
    "budget_line_remove": (MONEY, MONEY),
    "drawdown_plan": (OFFICE, None),
    "drawdown_plan_entry_new": (MONEY, MONEY),
    "drawdown_plan_entry": (MONEY, MONEY),
    "drawdown_plan_entry_remove": (MONEY, MONEY),
    "drawdowns": (OFFICE, None),
    "drawdown_new": (MONEY, MONEY),
    "drawdown": (MONEY, MONEY),
    "drawdown_remove": (MONEY, MONEY),
    "repayments": (OFFICE, None),
    "repayment_new": (MONEY, MONEY),
    "repayment": (MONEY, MONEY),
    "repayment_remove": (MONEY, MONEY),
    "proofs": (OFFICE, None),
    "proof_new": (MONEY, MONEY),
    "proof": (MONEY, MONEY),
    "proof_remove": (MONEY, MONEY),
    "conditions": (OFFICE, None),
    "conditions_edit": (MONEY, MONEY),
    "conditions_notify": (MONEY, MONEY),
    # Reports: every office role reads the issued ones; editors and finance issue them.
    "reports": (OFFICE, PLAN | MONEY),
    "report_file": (OFFICE, None),
    "report_job": (OFFICE, None),
    "change_request_status": (PLAN | MONEY, PLAN | MONEY),
    "participation": (OFFICE, None),
    "participation_new": (ENTER, ENTER),
    "participation_item": (OFFICE, ANSWER_F1),
    "moderation": (MODERATE, MODERATE),
    "participation_settings": (OFFICE, PLAN),
    # Proposals: every office role reads them; editors decide, extend and set the threshold;
    # moderators hide one.
    "proposals": (OFFICE, None),
    "proposal": (OFFICE, PLAN),
    "proposal_hide": (MODERATE, MODERATE),
    "proposal_settings": (OFFICE, PLAN),
    # consultations: every office role reads them and their results (interim ones too);
    # editors create, change and summarise them, moderators release free-text answers
    "consultations": (OFFICE, None),
    "consultation_new": (PLAN, PLAN),
    # who counts as staff: an organisation-wide setting, the administrators'
    "consultation_staff": (ADMIN_ONLY, ADMIN_ONLY),
    "consultation": (OFFICE, None),
    "consultation_edit": (PLAN, PLAN),
    "consultation_summary": (PLAN, PLAN),
    "consultation_moderation": (MODERATE, MODERATE),
    # A measure's indicators: M1's unit editor, the editors and administrators (as B's).
    "measure": (OFFICE, MILESTONE_B),
    "indicator": (MILESTONE_B, MILESTONE_B),
    "indicator_value": (MILESTONE_B, MILESTONE_B),
    # The funder's acceptance: the finance role; its letter may be read by every office role.
    "milestone_acceptance": (MONEY, MONEY),
    "acceptance_document": (OFFICE, None),
    # council decisions: every office role reads them, editors of the plan change them
    "decisions": (OFFICE, None),
    "decision_new": (PLAN, PLAN),
    "decision": (OFFICE, PLAN),
    "decision_remove": (PLAN, PLAN),
    "assignment_new": (PLAN, PLAN),
    "assignment": (PLAN, PLAN),
    "assignment_remove": (PLAN, PLAN),
    # the risk register: every office role reads it, editors of the plan change it
    "risks": (OFFICE, None),
    "risk_new": (PLAN, PLAN),
    "risk": (PLAN, PLAN),
    "risk_remove": (PLAN, PLAN),
    # API tokens: every office role makes its own (with its role or a lesser one)
    "tokens": (OFFICE, OFFICE),
    "token_revoke": (TOKEN_OWNER, TOKEN_OWNER),
}
# The login and logout pages are the way in and out, outside the matrix (tested below).
WAY_IN_AND_OUT = {"login", "logout"}
# Pages whose change the task worker makes: the page queues one task (its one event is
# written when the worker runs it).
BACKGROUND = {"reports", "plan_import_job"}

# Sample arguments: <slug> is always the test programme; <code> and <pk> per URL name.
CODES = {
    "milestone": "B",
    "position": "CDO",
    "cost_line": "K1",
    "cost_line_remove": "K1",
    "participation_item": "F1",
    "conditions_edit": "G1",
    "conditions_notify": "G1",
    "measure": "M1",
    "milestone_acceptance": "A",
    "acceptance_document": "A",
    "proposal": "V1",
    "proposal_hide": "V1",
    "consultation": "U1",
    "consultation_edit": "U1",
    "consultation_summary": "U1",
    "consultation_moderation": "U1",
}
KINDS = {"participation_item": "question"}
ROWS = {
    "expenditure": Expenditure,
    "expenditure_remove": Expenditure,
    "budget_line": BudgetLine,
    "budget_line_remove": BudgetLine,
    "drawdown_plan_entry": DrawdownPlanEntry,
    "drawdown_plan_entry_remove": DrawdownPlanEntry,
    "drawdown": Drawdown,
    "drawdown_remove": Drawdown,
    "report_file": IssuedReport,
    "change_request_status": ChangeRequest,
    "repayment": Repayment,
    "repayment_remove": Repayment,
    "proof": ProofSubmission,
    "proof_remove": ProofSubmission,
    "indicator": Indicator,
    "indicator_value": IndicatorValue,
    "decision": Decision,  # the first: DS 0100/2024
    "decision_remove": Decision,
    "assignment_new": Decision,
    "assignment": Assignment,  # the first: A1 of DS 0100/2024
    "assignment_remove": Assignment,
    "risk": Risk,
    "risk_remove": Risk,
    "token_revoke": ApiToken,  # the finance officer's
}


def plan_import():
    """The current plan as the import template, with B's title changed: one event."""
    import hashlib
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from plansicht.imports.template import plan_template

    book = load_workbook(io.BytesIO(plan_template(Programme.objects.get(slug=SLUG))))
    for row in book.active.iter_rows(min_row=2):
        if row[4].value == "B":
            row[5].value = "Beschaffung der Sensoren"
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    return {
        "op": "apply",
        "digest": hashlib.sha256(data).hexdigest(),
        "file": SimpleUploadedFile("plan.xlsx", data),
    }


def grant():
    return str(CostLine.objects.get(code="K1").grant_id)


# A change each page would store for the right role (proven by the test that it is stored).
CHANGES = {
    "milestone": lambda: {"op": "progress", "progress-progress": "50", "progress-reason": ""},
    "plan_versions": lambda: {
        "label": "Änderungsplan 2025",
        "approved_on": "2025-06-01",
        "decision_ref": "Ratsbeschluss 3/2025",
    },
    "plan_import": plan_import,
    "plan_import_job": lambda: {"op": "apply"},
    "hiring_settings": lambda: hiring_settings_form(onboarding_days=20),
    "position": lambda: {"op": "step", "step-step": "advertised", "step-on": "2025-05-15"},
    "cost_line_new": lambda: {
        "code": "K7",
        "grant": grant(),
        "milestone": str(Milestone.objects.get(code="D").pk),
        "category": "material",
        "amount": "10,00",
        "reason": "Nachtrag",
    },
    "cost_line": lambda: {
        "code": "K1",
        "grant": grant(),
        "milestone": str(Milestone.objects.get(code="D").pk),
        "category": "staff",
        "amount": "9.100,00",
        "reason": "Tariferhöhung",
    },
    "cost_line_remove": lambda: {"reason": "entfällt"},
    "expenditure_new": lambda: {
        "cost_line": str(CostLine.objects.get(code="K2").pk),
        "on": "2025-05-20",
        "amount": "10,00",
        "eligible": "on",
    },
    "expenditure": lambda: {
        "cost_line": str(CostLine.objects.get(code="K2").pk),
        "on": "2025-05-16",
        "amount": "500,00",
        "eligible": "on",
    },
    "expenditure_remove": lambda: {"reason": "doppelt gebucht"},
    "budget_line_new": lambda: {
        "grant": grant(),
        "year": "2026",
        "product": "1.11.01",
        "title": "Smart City Eigenanteil",
        "own_share": "100,00",
    },
    "budget_line": lambda: {
        "grant": grant(),
        "year": "2025",
        "product": "1.11.01",
        "title": "Smart City Eigenanteil",
        "own_share": "1.100,00",
        "reason": "Nachtragshaushalt",
    },
    "budget_line_remove": lambda: {"reason": "entfällt"},
    "drawdown_plan_entry_new": lambda: {"grant": grant(), "on": "2025-09-30", "amount": "500"},
    "drawdown_plan_entry": lambda: {
        "grant": grant(),
        "on": "2025-03-31",
        "amount": "2.100,00",
        "reason": "mehr",
    },
    "drawdown_plan_entry_remove": lambda: {"reason": "entfällt"},
    "drawdown_new": lambda: {
        "grant": grant(),
        "requested_on": "2025-05-20",
        "amount_requested": "100",
    },
    "drawdown": lambda: {
        "grant": grant(),
        "requested_on": "2025-04-02",
        "amount_requested": "1350",
        "received_on": "2025-04-21",
        "amount_received": "1350",
    },
    "drawdown_remove": lambda: {"reason": "Fehlbuchung"},
    "reports": lambda: {
        "kind": "council",
        "as_of": "01.06.2025",
        "issue_date": "01.06.2025",
        "language": "de",
    },
    "change_request_status": lambda: {"status": "sent", "on": "01.06.2025"},
    "repayment_new": lambda: {"grant": grant(), "on": "2025-05-25", "amount": "100,00"},
    "repayment": lambda: {"grant": grant(), "on": "2025-05-21", "amount": "50,00"},
    "repayment_remove": lambda: {"reason": "Fehlbuchung"},
    "proof_new": lambda: {"grant": grant(), "kind": "interim", "year": "2022", "on": "2023-04-28"},
    "proof": lambda: {"grant": grant(), "kind": "interim", "year": "2021", "on": "2022-04-21"},
    "proof_remove": lambda: {"reason": "falsch erfasst"},
    "conditions_edit": lambda: {
        "drawdown_window_kind": "calendar_days",
        "drawdown_window_count": "42",
        "interim_report_months": "",
        "final_report_due": "",
    },
    "conditions_notify": lambda: {"on": "2025-05-30", "reference": "Schreiben 12/2025"},
    "participation_new": lambda: {
        "kind": "question",
        "about": "measure:M2",
        "author_name": "Anruf Frau K.",
        "received": "30.05.2025",
        "text": "Wann beginnt der Radweg?",
    },
    # F1 is answered: the change corrects its answer
    "participation_item": lambda: {"op": "answer", "answer-answer": "Im Oktober."},
    "moderation": lambda: {"item": str(Submission.objects.get(code="F8").pk), "op": "release"},
    "measure": lambda: {
        "op": "value",
        "indicator": str(Indicator.objects.get().pk),
        f"value-{Indicator.objects.get().pk}-on": "31.05.2025",
        f"value-{Indicator.objects.get().pk}-value": "19,5",
    },
    "indicator": lambda: {
        "op": "save",
        "indicator-code": "I1",
        "indicator-title": "Bearbeitungsdauer Bauantrag (Median)",
        "indicator-unit": "Tage",
        "indicator-baseline_value": "30",
        "indicator-baseline_on": "01.01.2024",
        "indicator-target_value": "10",
        "indicator-target_on": "31.12.2026",
    },
    "indicator_value": lambda: {"op": "save", "value-on": "31.03.2025", "value-value": "17"},
    "milestone_acceptance": lambda: {"accepted_on": "05.03.2025", "acceptance_ref": "ZB 9"},
    "proposal": lambda: {
        "op": "decide",
        "decide-status": "under_review",
        "decide-reason": "Wir prüfen den Vorschlag.",
    },
    "proposal_hide": lambda: {"hide-reason": "Enthält persönliche Daten."},
    "proposal_settings": lambda: {"threshold": "10", "declined": "nicht umsetzbar"},
    "participation_settings": lambda: {
        "answer_period_kind": "working_days",
        "answer_period_count": "20",
        "statement_period_kind": "months",
        "statement_period_count": "1",
        "holiday_region": "DE-RP",
        "office_unit": "",
    },
}


def consultation_rows(*rows) -> dict:
    """The editor's question rows as the office form posts them."""
    data = {
        "questions-TOTAL_FORMS": str(len(rows)),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for i, (kind, text, choices) in enumerate(rows):
        data.update(
            {
                f"questions-{i}-kind": kind,
                f"questions-{i}-text": text,
                f"questions-{i}-choices": choices,
            }
        )
    return data


CHANGES.update(
    {
        "consultation_new": lambda: {
            "title": "Radverkehr",
            "opens": "2025-07-01T09:00",
            "closes": "31.07.2025 18:00",
            "audience": "public",
            **consultation_rows(("rating", "Wie gut?", "")),
        },
        # U1 has answers: its title changes, its questions stay as they are
        "consultation_edit": lambda: {
            "title": "Leitbild 2030",
            "opens": "2025-05-01T09:00",
            "closes": "2025-05-31T18:00",
            "audience": "public",
            "version": str(Consultation.objects.get(code="U1").version),
            **consultation_rows(("text", "Was fehlt?", ""), ("single", "Variante?", "A\nB")),
        },
        "consultation_summary": lambda: {"summary": "Wir setzen Variante A um."},
        "consultation_staff": lambda: {"domains": "musterstadt.de", "group": ""},
        "consultation_moderation": lambda: {
            "answer": str(Answer.objects.get(question__kind="text").pk),
            "op": "release",
        },
    }
)


def council():
    return str(Body.objects.get(code="RAT").pk)


CHANGES.update(
    {
        "decision_new": lambda: {
            "number": "DS 0400/2025",
            "body": council(),
            "date": "2025-05-30",
            "title": "Beteiligungsplattform",
            "result": "adopted",
        },
        "decision": lambda: {
            "number": "DS 0100/2024",
            "body": council(),
            "date": "2024-03-14",
            "title": "Einrichtung der Stelle CDO",
            "result": "adopted",
            "votes_yes": "30",
            "votes_no": "4",
            "votes_abstain": "2",
        },
        "decision_remove": lambda: {"reason": "doppelt erfasst"},
        "assignment_new": lambda: {
            "code": "A9",
            "title": "Bericht an den Rat",
            "due": "2025-12-31",
            "kind": "recorded",
        },
        "assignment": lambda: {
            "code": "A1",
            "title": "Die Stelle ist besetzt.",
            "due": "2025-03-31",
            "kind": "position_step",
            "position": str(Position.objects.get(code="CDO").pk),
            "step": "filled",
        },
        "assignment_remove": lambda: {"reason": "Fehleingabe"},
        "risk_new": lambda: {
            "code": "R9",
            "title": "Fachkräftemangel",
            "likelihood": "3",
            "impact": "2",
            "status": "open",
        },
        "risk": lambda: {
            "code": "R1",
            "title": "Lieferverzug der Sensoren",
            "likelihood": "2",
            "impact": "4",
            "status": "mitigating",
        },
        "risk_remove": lambda: {"reason": "doppelt erfasst"},
        # a viewer's token: the role every office role may give one
        "tokens": lambda: {"name": "Auswertung", "role": "viewer", "expires_on": "30.08.2025"},
        "token_revoke": lambda: {"reason": ""},
    }
)
STORED = [
    DBTaskResult,  # a refused request queues no task
    ImportJob,
    Programme,
    Milestone,
    Dependency,
    PlanVersion,
    Position,
    HiringStep,
    CostLine,
    Expenditure,
    BudgetLine,
    DrawdownPlanEntry,
    Drawdown,
    Repayment,
    ProofSubmission,
    FunderNotification,
    Grant,
    IssuedReport,
    ChangeRequest,
    Submission,
    Extension,
    Proposal,
    ProposalDecision,
    ProposalExtension,
    Indicator,
    IndicatorValue,
    Decision,
    Assignment,
    Risk,
    ApiToken,
    Consultation,
    Question,
    Response,
    Answer,
    Event,
]


@pytest.fixture
def persona_document():
    """The staffed document with questions and statements and council decisions
    (``decisions_document``)."""
    return decisions_document()


@pytest.fixture
def personas(personas, settings, tmp_path):
    """The personas' programme with an indicator of M1 (I1, with one value) and milestone A
    accepted by the funder, with its letter (for the indicator and acceptance pages)."""
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from plansicht.services import indicators as indicator_service
    from plansicht.services.acceptance import record_acceptance

    settings.MEDIA_ROOT = tmp_path
    system = Actor.system("tests")
    indicator = indicator_service.save_indicator(
        personas.programme.measures.get(code="M1"),
        actor=system,
        code="I1",
        title="Bearbeitungsdauer Bauantrag",
        unit="Tage",
        baseline_value="30",
        baseline_on=date(2024, 1, 1),
        target_value="10",
        target_on=date(2026, 12, 31),
    )
    indicator_service.save_indicator_value(
        indicator, actor=system, on=date(2025, 3, 31), value="18"
    )
    record_acceptance(
        Milestone.objects.get(programme=personas.programme, code="A"),
        actor=system,
        accepted_on=date(2025, 3, 3),
        document=SimpleUploadedFile("a.pdf", b"%PDF-1.7 ...", "application/pdf"),
    )
    # An issued (internal) report with its PDF, for the office's download of it.
    report = IssuedReport.objects.create(
        programme=personas.programme,
        kind="funder",
        language="de",
        cut_off=date(2025, 5, 31),
        issue_date=date(2025, 6, 1),
        number=1,
        title="Sachstandsbericht",
        data={},
        data_sha256="0" * 64,
        plansicht_version="0.1.0",
        issued_by="tests",
    )
    stored = IssuedFile(report=report, format="pdf", size=12, sha256="0" * 64)
    stored.file.save("sachstand.pdf", ContentFile(b"%PDF-1.7 ..."), save=False)
    stored.save()
    # A report handed to the task worker from the office, for the page that follows it.
    request_issue(
        personas.programme,
        "public",
        actor=Actor.for_user(personas.editor, personas.programme),
        as_of=date(2025, 5, 31),
        issue_date=date(2025, 6, 1),
    )
    # A change request drafted on 30.05.2025, for the form that sets its status.
    ChangeRequest.objects.create(
        programme=personas.programme,
        number=1,
        code="ÄA-1",
        date=date(2025, 5, 30),
        status_on=date(2025, 5, 30),
        issued_report=report,
    )
    # A risk of the register, for its form and remove pages.
    Risk.objects.create(
        programme=personas.programme,
        code="R1",
        title="Lieferverzug der Sensoren",
        likelihood=3,
        impact=4,
    )
    # A large plan file the task worker checked without a problem, for the page that applies it.
    data = plan_template(personas.programme)
    ImportJob.objects.create(
        programme=personas.programme,
        user=personas.editor,
        name="plan.xlsx",
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        dry_run=True,
        state=ImportJob.DONE,
        result=ImportResult().as_data(),
    )
    # A proposal by the participant, for its page and the form that hides it.
    from plansicht.services import proposals as proposal_service

    proposal_service.submit(
        personas.programme,
        actor=Actor.for_user(personas.participant),
        author=personas.participant,
        title="Sitzbänke am Radweg",
        text="Bitte Bänke aufstellen.",
    )
    # A closed consultation (U1) with one response and its free-text answer, unreleased.
    from datetime import datetime

    from plansicht import clock
    from plansicht.services import consultations

    consultation = consultations.save_consultation(
        personas.programme,
        actor=system,
        title="Smart-City-Leitbild",
        opens=datetime(2025, 5, 1, 9),
        closes=datetime(2025, 5, 31, 18),
        questions=[
            {"kind": "text", "text": "Was fehlt?"},
            {"kind": "single", "text": "Variante?", "choices": ["A", "B"]},
        ],
    )
    with clock.at(datetime(2025, 5, 15, 12)):
        consultations.answer(
            consultation,
            actor=Actor(user=personas.participant),
            user=personas.participant,
            answers={1: "Mehr Bäume", 2: 0},
        )
    # The finance officer's API token, for the page that revokes it.
    create_token(
        personas.programme,
        actor=system,
        user=personas.finance,
        name="Kassenimport",
        role="finance",
    )
    return personas


def office_names():
    return [p.name for p in office_urls.urlpatterns]


def address(name):
    """The page's address with sample arguments for every part of its route."""
    pattern = next(p for p in office_urls.urlpatterns if p.name == name)
    kwargs = {}
    for key in pattern.pattern.converters:
        if key == "slug":
            kwargs[key] = SLUG
        elif key == "code":
            kwargs[key] = CODES[name]
        elif key == "pk":
            kwargs[key] = ROWS[name].objects.order_by("pk").first().pk
        elif key == "kind":
            kwargs[key] = KINDS[name]
        elif key == "fmt":
            kwargs[key] = "pdf"
        elif key == "job" and name == "plan_import_job":
            kwargs[key] = ImportJob.objects.get(dry_run=True).pk
        elif key == "job":
            kwargs[key] = DBTaskResult.objects.order_by("enqueued_at").first().id
        else:
            raise AssertionError(f"office:{name}: no sample for <{key}>; add one in address()")
    return reverse(f"office:{name}", kwargs=kwargs)


def form_errors(response):
    context = response.context or {}
    forms = list(context.get("forms", {}).values()) + [context.get("form")]
    return [f.errors for f in forms if f is not None and f.errors]


def stored():
    """Everything a refused change must leave alone."""
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in STORED}


def test_every_office_page_has_a_row_in_the_matrix():
    names = set(office_names())
    assert names - WAY_IN_AND_OUT == set(ACCESS), "add the new page to ACCESS"
    assert {name for name, (_, post) in ACCESS.items() if post} == set(CHANGES)


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_anonymous_visitors_are_sent_to_the_login_page_and_post_nothing(client, personas, name):
    url = address(name)
    before = stored()
    for response in (client.get(url), client.post(url, CHANGES.get(name, dict)())):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("office:login"))
    assert stored() == before


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_each_role_gets_200_or_403(client, personas, name):
    url = address(name)
    readers, _ = ACCESS[name]
    answered = {}
    for persona in PERSONAS:
        client.force_login(getattr(personas, persona))
        answered[persona] = client.get(url).status_code
    assert answered == {p: 200 if p in readers else 403 for p in PERSONAS}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_a_wrong_role_cannot_change_anything(client, personas, name):
    url = address(name)
    _, changers = ACCESS[name]
    before = stored()
    answered = {}
    for persona in sorted(set(PERSONAS) - changers):
        client.force_login(getattr(personas, persona))
        answered[persona] = client.post(url, CHANGES[name]()).status_code
    assert answered == dict.fromkeys(answered, 403)
    assert stored() == before


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_the_right_role_changes_it_with_one_event(client, personas, name):
    url = address(name)
    _, changers = ACCESS[name]
    for persona in sorted(changers):
        user = getattr(personas, persona)
        client.force_login(user)
        with transaction.atomic():
            before = Event.objects.count()
            queued = DBTaskResult.objects.count()
            response = client.post(url, CHANGES[name]())
            assert response.status_code == 302, (persona, form_errors(response))
            if name in BACKGROUND:
                # Handed to the task worker, whose one event tests/test_reports_issue.py sees.
                assert DBTaskResult.objects.count() == queued + 1, persona
                transaction.set_rollback(True)
                continue
            assert Event.objects.count() == before + 1, persona
            assert Event.objects.order_by("-pk").first().user == user
            transaction.set_rollback(True)


@pytest.mark.parametrize("name", sorted(n for n, (_, post) in ACCESS.items() if post is None))
def test_a_page_that_changes_nothing_stores_nothing_when_posted_to(client, personas, name):
    client.force_login(personas.admin)
    before = stored()
    response = client.post(address(name), {"reason": "x", "op": "dates"})
    assert response.status_code < 500
    assert stored() == before


def test_the_login_page_is_open_and_logging_out_ends_the_session(client, personas):
    assert client.get(reverse("office:login")).status_code == 200
    client.force_login(personas.viewer)
    assert client.get(address("dashboard")).status_code == 200
    assert client.post(reverse("office:logout")).status_code == 302
    response = client.get(address("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("office:login"))


def test_the_office_start_page_lists_no_programme_to_an_outsider(client, personas):
    client.force_login(personas.outsider)
    response = client.get(reverse("office:index"))
    assert response.status_code == 200
    assert b"testprogramm" not in response.content


@pytest.fixture
def other_city(personas):
    """An administrator (also a moderator) of another city, with its own programme."""
    from plansicht.accounts.models import StaffRole, Unit

    from .factories import document, load

    # A plan of its own without items: the sample changes look this programme's items up by code.
    doc = document(slug="anderswo", measures=[], milestones=[], dependencies=[], plan_versions=[])
    doc["programme"]["organisation"] = "Stadt Anderswo"
    elsewhere = load(doc)
    user = get_user_model().objects.create_user("anderswo", password="pw-anderswo")
    unit = Unit.objects.create(organisation=elsewhere.organisation, name="Hauptamt")
    StaffRole.objects.create(
        user=user,
        organisation=elsewhere.organisation,
        role=StaffRole.ADMIN,
        moderator=True,
        unit=unit,
    )
    return user


def test_an_administrator_of_another_city_sees_and_changes_nothing_here(
    client, personas, other_city
):
    """Every office page of this programme, read and written, by an administrator and moderator
    of another city: 403 each time, nothing stored; the office's start page lists only theirs."""
    client.force_login(other_city)
    start = client.get(reverse("office:index")).content.decode()
    assert "anderswo" in start and "testprogramm" not in start
    before = stored()
    answered = {}
    for name in sorted(ACCESS):
        if name == "index":
            continue
        url = address(name)
        answered[name] = client.get(url).status_code
        answered[name + " (post)"] = client.post(url, CHANGES.get(name, dict)()).status_code
    assert answered == dict.fromkeys(answered, 403)
    assert stored() == before
