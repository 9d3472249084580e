"""Nothing internal or draft reaches a public page, at any depth of the measure tree.

Internal fields are found by introspecting the models (fields declared internal), not by a
hand-written list, so a new internal field is covered the day it is added. The pages are found
by walking the portal's URL configuration: every URL name needs its sample arguments in
``SAMPLES``, so a new public page is covered the day it is added.
"""

import io
import json
from datetime import date
from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from plansicht.accounts.fields import internal_fields
from plansicht.api.urls import api
from plansicht.decisions.models import Decision
from plansicht.funding.models import Grant
from plansicht.history.registry import KINDS
from plansicht.indicators.models import Indicator
from plansicht.oparl import urls as oparl_urls
from plansicht.oparl.objects import BODY_LISTS
from plansicht.participation.models import Body, Comment, ContentReport, Follow, Submission
from plansicht.plan.models import Measure, Milestone
from plansicht.portal import urls as portal_urls
from plansicht.proposals.models import Proposal, Support
from plansicht.reports.models import IssuedReport
from plansicht.services import Actor, indicators, participation, reports
from plansicht.services import plan as svc
from plansicht.staffing.models import Position

from .factories import load, participation_document
from .proposals_data import add_consultations, add_proposals

pytestmark = pytest.mark.django_db
MARK = "LEAKMARK"


def plansicht_models():
    return [m for m in apps.get_models() if m.__module__.startswith("plansicht.")]


def test_the_models_declare_internal_fields():
    declared = {(m.__name__, f.name) for m in plansicht_models() for f in internal_fields(m)}
    assert {
        ("Measure", "internal_note"),
        ("Milestone", "internal_note"),
        ("Expenditure", "payee"),
        ("Expenditure", "note"),
        ("Expenditure", "document_ref"),
    } <= declared


@pytest.fixture
def leaky(today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the statements' PDFs
    doc = participation_document()
    # The holder of a post that is not named publicly.
    doc["positions"][0]["holder"] = f"{MARK} private holder"
    # Drafts at every depth: a draft measure below a published one, a published measure below
    # a draft one, a draft milestone in a published measure, one that a public one waits for.
    doc["measures"] += [
        {
            "code": f"{MARK}-M1.2",
            "title": f"{MARK} draft sub-measure",
            "field_of_action": "F1",
            "parent": "M1",
            "draft": True,
            "description": MARK,
        },
        {
            "code": f"{MARK}-M1.2.1",
            "title": f"{MARK} below a draft",
            "field_of_action": "F1",
            "parent": f"{MARK}-M1.2",
        },
        {
            "code": f"{MARK}-M9.1",
            "title": f"{MARK} below draft M9",
            "field_of_action": "F2",
            "parent": "M9",
        },
    ]
    doc["milestones"] += [
        {
            "code": f"{MARK}-a",
            "measure": f"{MARK}-M1.2.1",
            "title": f"{MARK} hidden deep",
            "planned_start": "2025-07-01",
            "duration_days": 10,
        },
        {
            "code": f"{MARK}-b",
            "measure": "M1",
            "title": f"{MARK} draft milestone",
            "planned_start": "2025-07-01",
            "duration_days": 10,
            "draft": True,
        },
        {
            "code": f"{MARK}-c",
            "measure": f"{MARK}-M9.1",
            "title": f"{MARK} below draft M9",
            "planned_start": "2025-07-01",
            "duration_days": 10,
        },
    ]
    doc["dependencies"].append({"predecessor": f"{MARK}-b", "successor": "D"})
    # The funder was told: whether, when and what is the office's.
    doc["grants"][0]["notifications"] = [
        {"on": "2025-05-02", "reference": f"{MARK} reference", "text": f"{MARK} letter"}
    ]
    # An indicator of a draft measure, and the funder's acceptance of a draft milestone.
    draft_measure = next(m for m in doc["measures"] if m["code"] == f"{MARK}-M1.2")
    draft_measure["indicators"] = [
        {
            "code": "K1",
            "title": f"{MARK} indicator of a draft",
            "unit": MARK,
            "baseline": {"value": "0", "on": "2025-01-01"},
            "target": {"value": "10", "on": "2025-12-31"},
            "actuals": [{"on": "2025-05-01", "value": "3", "note": MARK}],
        }
    ]
    # A published measure's indicator with a value dated after today: not measured yet, so
    # not shown yet.
    next(m for m in doc["measures"] if m["code"] == "M1")["indicators"] = [
        {
            "code": "K2",
            "title": "Online-Dienste",
            "unit": "Dienste",
            "baseline": {"value": "0", "on": "2025-01-01"},
            "target": {"value": "10", "on": "2025-12-31"},
            "actuals": [
                {"on": "2025-05-01", "value": "3", "note": "Stichprobe"},
                {"on": "2025-12-01", "value": "9", "note": f"{MARK} not measured yet"},
            ],
        }
    ]
    next(m for m in doc["milestones"] if m["code"] == f"{MARK}-b").update(
        actual_start="2025-05-01",
        actual_finish="2025-05-10",
        accepted_on="2025-05-20",
        acceptance_ref=f"{MARK} reference of a draft",
    )
    # Questions and statements that must not show: a hidden one's text and answer, one
    # awaiting release, and ones about drafts at any depth.
    questions = {q["code"]: q for q in doc["participation"]["questions"]}
    questions["F7"]["text"] = f"{MARK} hidden question"
    questions["F7"]["answer"] = {"on": "2025-05-20", "text": f"{MARK} answer to a hidden one"}
    questions["F8"]["text"] = f"{MARK} awaiting release"
    for code, about in (
        ("F20", f"measure:{MARK}-M1.2"),
        ("F21", f"measure:{MARK}-M1.2.1"),
        ("F22", f"milestone:{MARK}-b"),
        ("F23", f"milestone:{MARK}-a"),
        ("F24", "milestone:Z"),
    ):
        doc["participation"]["questions"].append(
            {"code": code, "about": about, "by": MARK, "received": "2025-05-20", "text": MARK}
        )
    doc["participation"]["statements"] += [
        {
            "code": "S2",
            "about": f"measure:{MARK}-M9.1",
            "body": "SB",
            "received": "2025-05-20",
            "text": f"{MARK} statement about a draft",
        },
        {
            "code": "S3",
            "about": "measure:M1",
            "body": "JP",
            "received": "2025-05-20",
            "text": f"{MARK} hidden statement",
            "hidden": {"reason": "Persönliche Daten"},
        },
    ]
    # Council decisions: public, but what they link to is shown only where it is public —
    # a draft measure at any depth, a draft milestone's condition; a decision dated after
    # today is not shown yet.
    doc["participation"]["bodies"].append({"code": "RAT", "name": "Rat", "kind": "council"})
    doc["decisions"] = [
        {
            "number": "DS 1/2025",
            "body": "RAT",
            "date": "2025-03-01",
            "title": "Datenplattform",
            "result": "adopted",
            "links": {
                "measures": ["M1", f"{MARK}-M1.2", f"{MARK}-M1.2.1", f"{MARK}-M9.1", "M9"],
                "positions": ["CDO"],
            },
            "assignments": [
                {
                    "code": "A1",
                    "title": "Erledigt",
                    "due": "2025-12-31",
                    "done_when": {"milestone": f"{MARK}-b"},
                },
                {
                    "code": "A2",
                    "title": "Stelle besetzt",
                    "due": "2025-04-30",
                    "done_when": {"position": "CDO", "step": "filled"},
                },
            ],
        },
        {
            "number": f"{MARK} 2/2025",
            "body": "RAT",
            "date": "2025-06-30",
            "title": f"{MARK} not yet decided",
            "result": "adopted",
            "links": {"measures": ["M1"], "positions": ["CDO"]},
        },
    ]
    # Proposals: a hidden one's title and text, one about a draft, a decision's link to a draft.
    add_proposals(doc, secret=MARK, draft_measure=f"{MARK}-M1.2")
    doc["participation"]["proposals"].append(
        {
            "code": "V6",
            "received": "2025-05-10",
            "title": "Teilweise",
            "text": "Teilweise übernommen.",
            "decisions": [
                {
                    "on": "2025-05-12",
                    "status": "partly_taken",
                    "reason": "Teilweise.",
                    "link": f"measure:{MARK}-M1.2",
                }
            ],
        }
    )
    programme = load(doc)
    # Consultations: one for the staff only and one about a draft are never public; an open
    # one's answers are not published before the close.
    consultations = add_consultations(programme, secret=MARK, draft_measure=f"{MARK}-M1.2")
    from plansicht.consultations.models import Answer

    Answer.objects.filter(response__consultation=consultations["K2"]).update(
        text=f"{MARK} answer before the close", released=True
    )
    # Statements' PDFs: a public one's is served, a hidden one's and a draft's never.
    for code, content in (("S1", "public"), ("S2", MARK), ("S3", MARK)):
        item = Submission.objects.get(programme=programme, code=code)
        item.attachment.save(f"{code}.pdf", ContentFile(f"%PDF-1.4 {content}".encode()))
    # The funder's letter accepting a public milestone is the office's, never public.
    a = Milestone.objects.get(programme=programme, code="A")
    a.accepted_on = date(2025, 3, 1)
    a.acceptance_document.save(f"{MARK}.pdf", ContentFile(b"%PDF-1.4 " + MARK.encode()))
    # Comments that must not show: a hidden one's text (its reply shows), one awaiting
    # release, one on a measure below a draft; and a report's reason.
    m1 = Measure.objects.get(programme=programme, code="M1")
    below_draft = Measure.objects.get(programme=programme, code=f"{MARK}-M9.1")
    now = timezone.now()
    shown = Comment.objects.create(measure=m1, author_name="Anna A.", text="Gut so.", created=now)
    hidden = Comment.objects.create(
        measure=m1,
        author_name="Bernd B.",
        text=f"{MARK} hidden comment",
        created=now,
        hidden=True,
        hidden_reason="Beleidigend",
    )
    Comment.objects.create(
        measure=m1, parent=hidden, author_name="Anna A.", text="Sachlich bleiben!", created=now
    )
    Comment.objects.create(
        measure=m1, parent=shown, text=f"{MARK} awaiting release", created=now, pending=True
    )
    Comment.objects.create(measure=below_draft, text=f"{MARK} below a draft", created=now)
    ContentReport.objects.create(comment=shown, reason=f"{MARK} report", reported=now)
    # Proposals: a public one with an image, a hidden one (its title, text and image never
    # shown, only the moderation's reason), one about a draft (no page, no file), and a
    # comment on the public one.
    proposer = get_user_model().objects.create_user("proposer", email=f"{MARK}-p@example.org")
    for code, title, about, hidden in (
        ("VP1", "Mehr Bänke", {"measure": m1}, False),
        ("VP2", f"{MARK} hidden proposal", {}, True),
        ("VP3", f"{MARK} proposal about a draft", {"measure": below_draft}, False),
    ):
        proposal = Proposal.objects.create(
            programme=programme,
            code=code,
            author=proposer,
            author_name="Paula P.",
            received=date(2025, 5, 20),
            title=title,
            text=title,
            hidden=hidden,
            hidden_reason="Werbung" if hidden else "",
            **about,
        )
        content = b"%PDF-1.4 public" if code == "VP1" else b"%PDF-1.4 " + MARK.encode()
        proposal.attachment.save(f"{code}.pdf", ContentFile(content))
        Support.objects.create(proposal=proposal, on=date(2025, 5, 21))
    Comment.objects.create(
        proposal=Proposal.objects.get(code="VP1"), author_name="Anna A.", text="Ja!", created=now
    )
    Comment.objects.create(
        proposal=Proposal.objects.get(code="VP3"), text=f"{MARK} on a draft's proposal", created=now
    )
    # An asker's account: its e-mail address is never shown.
    asker = get_user_model().objects.create_user("asker", email=f"{MARK}@example.org")
    Submission.objects.filter(code="F1").update(author=asker)
    # Every internal field of every row, found by introspection.
    for model in plansicht_models():
        fields = internal_fields(model)
        for obj in model.objects.all():
            for field in fields:
                setattr(obj, field.name, f"{MARK} internal {model.__name__}.{field.name}")
            if fields:
                obj.save(update_fields=[f.name for f in fields])
    # Reports issued after the internal fields were set: a public council report, an
    # internal funder report and a proof of use issued as public (without its receipts).
    for kind, public in (("council", None), ("funder", None), ("proof", True)):
        reports.issue_report(
            programme,
            kind,
            actor=Actor.system("tests"),
            as_of=date(2025, 6, 1),
            issue_date=date(2025, 6, 1),
            public=public,
        )
    # Internal events: changes to drafts, a dependency on a draft.
    actor = Actor.system("tests", name="Programmbüro")
    svc.set_progress(
        Milestone.objects.get(code=f"{MARK}-b"),
        10,
        actor=actor,
        reason=f"{MARK} reason about a draft",
    )
    svc.reschedule(
        Milestone.objects.get(code=f"{MARK}-a"),
        actor=actor,
        planned_start=date(2025, 8, 1),
        reason=f"{MARK} reason deep",
    )
    svc.add_dependency(
        Milestone.objects.get(code=f"{MARK}-c"),
        Milestone.objects.get(code="C"),
        actor=actor,
        reason=f"{MARK} hidden predecessor",
    )
    indicator = Indicator.objects.get(code="K1")
    indicators.save_indicator_value(
        indicator, actor=actor, on=date(2025, 5, 31), value="4", reason=f"{MARK} draft measure"
    )
    _consultations(programme)
    return programme


def _consultations(programme):
    """U1: public and closed, with a hidden and an unreleased free-text answer and a draft;
    U2: staff only and open, with its draft; U3: public, about a draft measure."""
    from datetime import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from plansicht import clock
    from plansicht.consultations.models import Answer
    from plansicht.services import consultations as consulting

    system = Actor.system("tests")
    questions = [
        {"kind": "single", "text": "Variante?", "choices": ["A", "B"]},
        {"kind": "text", "text": "Was fehlt?"},
    ]
    public = consulting.save_consultation(
        programme,
        actor=system,
        title="Smart-City-Leitbild",
        opens=datetime(2025, 5, 1, 9),
        closes=datetime(2025, 5, 31, 18),
        questions=questions,
        document=SimpleUploadedFile("d.pdf", b"%PDF-1.4 Leitbild"),
    )
    consulting.save_consultation(
        programme,
        actor=system,
        title=f"{MARK} staff only",
        description=f"{MARK} internal survey",
        audience="staff",
        opens=datetime(2025, 5, 1, 9),
        closes=datetime(2025, 12, 31, 18),
        questions=[dict(questions[0], text=f"{MARK} question")],
        document=SimpleUploadedFile("d.pdf", f"%PDF-1.4 {MARK}".encode()),
    )
    consulting.save_consultation(
        programme,
        actor=system,
        title=f"{MARK} about a draft",
        measure=Measure.objects.get(programme=programme, code=f"{MARK}-M1.2"),
        opens=datetime(2025, 5, 1, 9),
        closes=datetime(2025, 5, 31, 18),
        questions=questions,
        document=SimpleUploadedFile("d.pdf", f"%PDF-1.4 {MARK}".encode()),
    )
    people = []
    for i in range(3):
        user = get_user_model().objects.create_user(f"answering{i}", email=f"a{i}@example.org")
        EmailAddress.objects.create(user=user, email=f"a{i}@example.org", verified=True)
        participation.register_participant(user, actor=Actor(user=user), display_name=f"{MARK}")
        people.append(user)
    with clock.at(datetime(2025, 5, 15, 12)):
        for i, user in enumerate(people):
            consulting.answer(
                public,
                actor=Actor(user=user),
                user=user,
                answers={1: i % 2, 2: "Mehr Bäume" if i == 0 else f"{MARK} answer {i}"},
            )
    Answer.objects.filter(text="Mehr Bäume").update(released=True)
    Answer.objects.filter(text=f"{MARK} answer 1").update(released=True, hidden=True)


def public_measures(programme):
    return list(
        Measure.objects.filter(programme=programme)
        .public()
        .order_by("code")
        .values_list("code", flat=True)
    )


def public_milestones(programme):
    return list(
        Milestone.objects.filter(programme=programme)
        .public()
        .order_by("code")
        .values_list("code", flat=True)
    )


def history_filters(programme):
    """The history unfiltered, by each kind of change, by each public measure, by dates."""
    return [
        "",
        *(f"?kind={kind}" for kind in KINDS),
        *(f"?measure={code}" for code in public_measures(programme)),
        "?date_from=2025-01-01&date_until=2025-12-31",
        "?kind=plan&measure=M1&date_from=2020-01-01",
    ]


def public_items(programme, kind):
    return list(
        Submission.objects.filter(programme=programme, kind=kind)
        .public()
        .order_by("code")
        .values_list("code", flat=True)
    )


def public_comments(programme):
    return list(
        Comment.objects.public()
        .filter(Q(measure__programme=programme) | Q(proposal__programme=programme))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def reportable(programme):
    """The report page of every public question, statement and comment (a hidden one's too:
    it says there is nothing left to report)."""
    return [
        *(("frage", c) for c in public_items(programme, Submission.QUESTION)),
        *(("stellungnahme", c) for c in public_items(programme, Submission.STATEMENT)),
        *(("kommentar", str(pk)) for pk in public_comments(programme)),
    ]


FOLLOW_QUERIES = (
    "",
    "?what=programme",
    "?what=measure:M1",
    "?what=position:CDO",
    "?what=frage:F1",
    "?what=frage:F7",
    "?what=stellungnahme:S3",
    "?what=vorschlag:V1",
    "?what=vorschlag:V2",
)


QUESTION_FILTERS = (
    "",
    "?status=open",
    "?status=overdue",
    "?status=answered",
    "?measure=M1",
    "?measure=M2",
    "?kind=statement",
    "?kind=statement&measure=M1",
)


PROPOSAL_FILTERS = (
    "",
    "?status=submitted",
    "?measure=M1",
    "?supports=reached",
    "?supports=below",
    "?sort=supports",
    "?sort=due",
)


DECISION_FILTERS = ("", "?body=RAT", "?year=2025", "?body=RAT&year=2025")


def shown_decisions(programme):
    """The decisions taken by today (those after it have no page yet)."""
    return list(
        Decision.objects.filter(programme=programme, date__lte=date.today())
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# Portal URL name → (its arguments, the query strings to add) for every sample of the page.
SAMPLES = {
    "index": lambda p: [({}, "")],
    "accessibility": lambda p: [({}, "")],
    "imprint": lambda p: [({}, "")],
    "easy_language": lambda p: [({}, "")],
    "sign_language": lambda p: [({}, "")],
    "overview": lambda p: [({"slug": p.slug}, "")],
    # "hidden" matches only drafts, "internal" only internal fields.
    "measures": lambda p: [({"slug": p.slug}, q) for q in ("", "?q=hidden", "?q=internal")],
    "measure": lambda p: [({"slug": p.slug, "code": c}, "") for c in public_measures(p)],
    "milestone": lambda p: [({"slug": p.slug, "code": c}, "") for c in public_milestones(p)],
    "history": lambda p: [({"slug": p.slug}, q) for q in history_filters(p)],
    "finance": lambda p: [({"slug": p.slug}, "")],
    "positions": lambda p: [({"slug": p.slug}, "")],
    "measure_finance": lambda p: [({"slug": p.slug, "code": c}, "") for c in public_measures(p)],
    "methodology": lambda p: [({"slug": p.slug}, "")],
    "questions": lambda p: [({"slug": p.slug}, q) for q in QUESTION_FILTERS],
    "question": lambda p: [
        ({"slug": p.slug, "code": c}, "") for c in public_items(p, Submission.QUESTION)
    ],
    "statement": lambda p: [
        ({"slug": p.slug, "code": c}, "") for c in public_items(p, Submission.STATEMENT)
    ],
    "report": lambda p: [
        ({"slug": p.slug, "kind": kind, "ref": ref}, "") for kind, ref in reportable(p)
    ],
    "decisions": lambda p: [({"slug": p.slug}, q) for q in DECISION_FILTERS],
    "reports": lambda p: [({"slug": p.slug}, "")],
    "decision": lambda p: [({"slug": p.slug, "pk": pk}, "") for pk in shown_decisions(p)],
    # The follow button is sent (POST) from the pages above; opened, it explains following.
    "follow": lambda p: [({"slug": p.slug}, q) for q in FOLLOW_QUERIES],
    "opendata": lambda p: [({"slug": p.slug}, "")],
    "proposals": lambda p: [({"slug": p.slug}, q) for q in PROPOSAL_FILTERS],
    "proposal": lambda p: [({"slug": p.slug, "code": c}, "") for c in public_proposals(p)],
    "proposal_new": lambda p: [({"slug": p.slug}, "")],
    "consultations": lambda p: [({"slug": p.slug}, "")],
    "consultation": lambda p: [({"slug": p.slug, "code": c}, "") for c in public_consultations(p)],
}


# A participant's own pages (signed in, not public): URL name → whether it is an HTML page.
# Opened by a participant who follows every measure, draft ones included, they must name
# nothing internal or draft either.
PARTICIPANT_PAGES = {"account": True, "account_export": False, "account_delete": True}


# The Atom feeds (XML, no <h1>): URL name → its sample arguments.
FEEDS = {
    "feed": lambda p: [{"slug": p.slug}],
    "measure_feed": lambda p: [{"slug": p.slug, "code": c} for c in public_measures(p)],
}


# The open data files (not HTML): URL name → its sample arguments, every file and calendar.
def open_data_names():
    from plansicht.opendata.files import FILES

    return [f.name for f in FILES]


OPEN_DATA = {
    "opendata_file": lambda p: [{"slug": p.slug, "name": n} for n in open_data_names()],
    "opendata_measure_calendar": lambda p: [
        {"slug": p.slug, "code": c} for c in public_measures(p)
    ],
    # a closed public consultation's results (the others' answer 404, tested below)
    "consultation_results_csv": lambda p: [
        {"slug": p.slug, "code": c} for c in public_consultations(p, closed=True)
    ],
}


# The kinds of report the leak programme has issued as public.
KINDS_SHOWN = ("council", "proof")

# Files served by a view (not HTML): URL name → (its sample arguments, those that must 404).
FILES = {
    "statement_pdf": (
        lambda p: [{"slug": p.slug, "code": "S1"}],
        lambda p: [{"slug": p.slug, "code": c} for c in ("S2", "S3")],  # a draft's, hidden
    ),
    # A public proposal's PDF; a hidden one's and one about a draft never.
    "proposal_file": (
        lambda p: [{"slug": p.slug, "code": "VP1"}],
        lambda p: [{"slug": p.slug, "code": c} for c in ("VP2", "VP3")],
    ),
    # The issued council report and the proof issued as public are public; the funder
    # report internal.
    "report_file": (
        lambda p: [{"slug": p.slug, "pk": issued(p, kind), "fmt": "pdf"} for kind in KINDS_SHOWN],
        lambda p: [{"slug": p.slug, "pk": issued(p, "funder"), "fmt": "pdf"}],
    ),
    # a public consultation's draft; a staff-only one's and one about a draft measure never
    "consultation_pdf": (
        lambda p: [{"slug": p.slug, "code": "U1"}],
        lambda p: [{"slug": p.slug, "code": c} for c in ("U2", "U3")],
    ),
}


# The OParl interface (JSON, ``plansicht.oparl``): URL name → its sample arguments, every
# object and every list it serves for the programme's organisation.
def oparl_bodies(programme):
    return list(
        Body.objects.filter(organisation=programme.organisation_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def shown_decision_keys(programme):
    return list(
        Decision.objects.filter(programme=programme, date__lte=date.today())
        .order_by("pk")
        .values_list("number", "body_id", "date")
    )


OPARL = {
    "system": lambda p: [{}],
    "bodies": lambda p: [{}],
    "body": lambda p: [{"pk": p.organisation_id}],
    "body_list": lambda p: [{"pk": p.organisation_id, "part": part} for part in BODY_LISTS],
    "legislativeterm": lambda p: [{"pk": p.organisation_id}],
    "organization": lambda p: [{"pk": pk} for pk in oparl_bodies(p)],
    "organization_list": lambda p: [
        {"pk": pk, "part": part} for pk in oparl_bodies(p) for part in ("meeting", "consultation")
    ],
    "meeting": lambda p: [
        {"body": body, "day": day.isoformat()} for _n, body, day in shown_decision_keys(p)
    ],
    "paper": lambda p: [{"slug": p.slug, "number": n} for n, _b, _d in shown_decision_keys(p)],
    "consultation": lambda p: [
        {"slug": p.slug, "number": n} for n, _b, _d in shown_decision_keys(p)
    ],
    "agendaitem": lambda p: [{"slug": p.slug, "number": n} for n, _b, _d in shown_decision_keys(p)],
}


def issued(programme, kind):
    return IssuedReport.objects.get(programme=programme, kind=kind).pk


# -- the API -----------------------------------------------------------------------------------

API = "/api/v1/programmes"


def api_get_routes() -> set[str]:
    """Every GET route of the API, as its OpenAPI document names it."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return {path for path, methods in schema["paths"].items() if "get" in methods}


def _code(code):
    return quote(code, safe="")


def public_grants(programme):
    return list(Grant.objects.filter(programme=programme).values_list("code", flat=True))


def every_measure_code(programme):
    """The published measures and the drafts (a filter naming a draft shows nothing)."""
    return list(
        Measure.objects.filter(programme=programme).order_by("code").values_list("code", flat=True)
    )


API_QUESTION_FILTERS = (
    "",
    "?status=open",
    "?status=overdue",
    "?status=answered",
    "?unit=Programmbüro",
    "?unit=Stabsstelle%20Digitalisierung",
)


def public_proposals(programme):
    from plansicht.proposals.models import Proposal

    return list(
        Proposal.objects.filter(programme=programme)
        .public()
        .order_by("code")
        .values_list("code", flat=True)
    )


def public_consultations(programme, *, closed=False):
    """Every public consultation (``closed``: only those whose results are published)."""
    from django.utils import timezone

    from plansicht.consultations.models import Consultation

    found = Consultation.objects.filter(programme=programme)
    if closed:
        found = found.filter(closes__lte=timezone.now())
    return list(found.public().order_by("code").values_list("code", flat=True))


def _filters(path, queries):
    return lambda p: [f"{API}/{p.slug}/{path}{q}" for q in queries]


def _each(path, codes):
    return lambda p: [f"{API}/{p.slug}/{path}/{_code(c)}" for c in codes(p)]


# API GET route → the addresses to fetch for a programme: every public object and every
# filter (filters naming drafts too); each list with page_size=100, so one page holds all.
API_SAMPLES = {
    "/api/v1/programmes/": lambda p: [f"{API}/?page_size=100"],
    "/api/v1/programmes/{slug}/": lambda p: [f"{API}/{p.slug}/"],
    "/api/v1/programmes/{slug}/measures/": _filters(
        "measures/", ("?page_size=100", "?parent=M1", f"?parent={MARK}-M1.2", "?field=F2")
    ),
    "/api/v1/programmes/{slug}/measures/{code}": _each("measures", public_measures),
    "/api/v1/programmes/{slug}/milestones/": lambda p: [
        f"{API}/{p.slug}/milestones/?page_size=100",
        f"{API}/{p.slug}/milestones/?late=true",
        *(f"{API}/{p.slug}/milestones/?measure={_code(c)}" for c in every_measure_code(p)),
    ],
    "/api/v1/programmes/{slug}/milestones/{code}": _each("milestones", public_milestones),
    "/api/v1/programmes/{slug}/history/": lambda p: [
        f"{API}/{p.slug}/history/?page_size=100",
        *(f"{API}/{p.slug}/history/?page_size=100&kind={kind}" for kind in KINDS),
        *(f"{API}/{p.slug}/history/?measure={_code(c)}" for c in every_measure_code(p)),
        f"{API}/{p.slug}/history/?date_from=2025-01-01&date_until=2025-12-31",
    ],
    "/api/v1/programmes/{slug}/grants/": _filters("grants/", ("?page_size=100",)),
    "/api/v1/programmes/{slug}/grants/{code}": _each("grants", public_grants),
    "/api/v1/programmes/{slug}/finance/": _filters("finance/", ("",)),
    "/api/v1/programmes/{slug}/finance/{code}": _each("finance", public_measures),
    "/api/v1/programmes/{slug}/positions/": _filters(
        "positions/", ("?page_size=100", "?vacant=true", "?vacant=false")
    ),
    "/api/v1/programmes/{slug}/positions/{code}": _each(
        "positions",
        lambda p: Position.objects.filter(programme=p).public().values_list("code", flat=True),
    ),
    "/api/v1/programmes/{slug}/questions/": lambda p: [
        *(f"{API}/{p.slug}/questions/{q}" for q in API_QUESTION_FILTERS),
        *(f"{API}/{p.slug}/questions/?measure={_code(c)}" for c in every_measure_code(p)),
    ],
    "/api/v1/programmes/{slug}/questions/{code}": _each(
        "questions", lambda p: public_items(p, Submission.QUESTION)
    ),
    "/api/v1/programmes/{slug}/statements/": lambda p: [
        *(f"{API}/{p.slug}/statements/{q}" for q in API_QUESTION_FILTERS),
        *(f"{API}/{p.slug}/statements/?body={b}" for b in ("SB", "JP", "PR", "RAT")),
        *(f"{API}/{p.slug}/statements/?measure={_code(c)}" for c in every_measure_code(p)),
    ],
    "/api/v1/programmes/{slug}/statements/{code}": _each(
        "statements", lambda p: public_items(p, Submission.STATEMENT)
    ),
    "/api/v1/programmes/{slug}/bodies/": _filters("bodies/", ("?page_size=100",)),
    "/api/v1/programmes/{slug}/decisions/": _filters(
        "decisions/",
        (
            "?page_size=100",
            "?body=RAT",
            "?year=2025",
            "?number=DS%201%2F2025",
            f"?number={MARK}%202%2F2025",
        ),
    ),
    "/api/v1/programmes/{slug}/decisions/{id}": lambda p: [
        f"{API}/{p.slug}/decisions/{pk}" for pk in shown_decisions(p)
    ],
    "/api/v1/programmes/{slug}/indicators/": lambda p: [
        f"{API}/{p.slug}/indicators/?page_size=100",
        *(f"{API}/{p.slug}/indicators/?measure={_code(c)}" for c in every_measure_code(p)),
    ],
    "/api/v1/programmes/{slug}/proposals/": lambda p: [
        f"{API}/{p.slug}/proposals/?page_size=100",
        *(f"{API}/{p.slug}/proposals/?status={s}" for s in PROPOSAL_STATUSES),
        *(f"{API}/{p.slug}/proposals/?deadline={s}" for s in PROPOSAL_DEADLINES),
        *(f"{API}/{p.slug}/proposals/?measure={_code(c)}" for c in every_measure_code(p)),
    ],
    "/api/v1/programmes/{slug}/proposals/{code}": _each("proposals", public_proposals),
    "/api/v1/programmes/{slug}/consultations/": _filters("consultations/", ("?page_size=100",)),
    "/api/v1/programmes/{slug}/consultations/{code}": _each("consultations", public_consultations),
}

PROPOSAL_STATUSES = (
    "submitted",
    "under_review",
    "taken_into_plan",
    "partly_taken",
    "declined",
    "withdrawn",
)
PROPOSAL_DEADLINES = ("below_threshold", "open", "overdue", "answered")

# Keys no answer of the API has, at any depth: internal fields, the spending's records, a
# person's data.
FORBIDDEN_KEYS = {
    "internal_note",
    "document_ref",
    "payee",
    "receipts",
    "expenditures",
    "email",
    "holder",
    "speakers",
    "author",
}


def walk(value, key=None):
    """Every (key, value) of a JSON document, at any depth (a list's items under its key)."""
    yield key, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v, key)


def test_every_api_route_has_samples_in_the_leak_test():
    assert api_get_routes() == set(API_SAMPLES), (
        "add the API route to API_SAMPLES with a sample of every object and filter"
    )


def test_no_api_answer_holds_anything_internal_draft_or_personal(client, leaky):
    urls = [url for samples in API_SAMPLES.values() for url in samples(leaky)]
    assert len(urls) > 100
    found = set()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        for key, value in walk(response.json()):
            found.add(key)
            assert key not in FORBIDDEN_KEYS, f"{url} has {key}"
            if isinstance(value, str):
                assert MARK not in value, f"{url} shows internal or draft content: {value}"
                assert "Geheim" not in value, f"{url} names a draft: {value}"
                assert "@" not in value, f"{url} shows an e-mail address: {value}"
    # The answers held something: the figures, the texts and the values the test looks into.
    assert {"conditions", "changes", "answer", "assignments", "values", "at_risk"} <= found


def test_the_api_shows_hidden_items_and_drafts_links_as_the_portal_does(client, leaky):
    hidden = client.get(f"{API}/{leaky.slug}/questions/F7").json()
    assert (hidden["status"], hidden["hidden_reason"], hidden["text"], hidden["answer"]) == (
        "hidden",
        "Beleidigend",
        None,
        None,
    )
    statement = client.get(f"{API}/{leaky.slug}/statements/S3").json()
    assert statement["pdf_url"] is None and statement["text"] is None
    shown = client.get(f"{API}/{leaky.slug}/statements/S1").json()
    assert shown["pdf_url"].endswith("/p/testprogramm/stellungnahmen/S1/pdf/")
    for path in ("questions/F8", "questions/F20", "questions/F24", "statements/S2"):
        assert client.get(f"{API}/{leaky.slug}/{path}").status_code == 404, path
    decision = client.get(f"{API}/{leaky.slug}/decisions/", {"number": "DS 1/2025"}).json()
    (d,) = decision["results"]
    assert [m["code"] for m in d["measures"]] == ["M1"]  # the drafts left out, never named
    assert d["posts"] == [{"code": "CDO", "title": "Chief Digital Officer"}]
    assert d["assignments"][0]["milestone"] is None  # a draft milestone's condition
    future = Decision.objects.get(programme=leaky, number=f"{MARK} 2/2025")
    assert client.get(f"{API}/{leaky.slug}/decisions/{future.pk}").status_code == 404
    (indicator,) = client.get(f"{API}/{leaky.slug}/indicators/").json()["results"]
    assert [v["on"] for v in indicator["values"]] == ["2025-05-01"]  # not the one of December


def test_the_api_shows_proposals_and_consultations_as_the_portal_does(client, leaky):
    assert public_consultations(leaky) == ["K1", "K2", "K4", "U1"]  # not K3, U2 (staff), K5, U3
    for path in ("proposals/V5", "consultations/K3", "consultations/K5"):
        assert client.get(f"{API}/{leaky.slug}/{path}").status_code == 404, path
    hidden = client.get(f"{API}/{leaky.slug}/proposals/V3").json()
    assert (hidden["title"], hidden["text"], hidden["hidden_reason"]) == (None, None, "Beleidigend")
    (decision,) = client.get(f"{API}/{leaky.slug}/proposals/V6").json()["decisions"]
    assert decision["link"] is None  # a draft's code is never named
    assert client.get(f"{API}/{leaky.slug}/consultations/K2").json()["results"] is None
    assert client.get(f"{API}/{leaky.slug}/consultations/K1").json()["results"]


def test_the_calendar_and_the_catalogue_name_no_staff_only_consultation(client, leaky):
    for name in ("plansicht.ics", "katalog.ttl", "befragungen.csv", "programm.json"):
        url = reverse("portal:opendata_file", kwargs={"slug": leaky.slug, "name": name})
        text = client.get(url).content.decode()
        assert "consultation-K1" in text or "K1" in text, name
        assert MARK not in text and "K3" not in text and "K5" not in text, name


def test_every_public_page_has_samples_in_the_leak_test():
    names = set(SAMPLES) | set(PARTICIPANT_PAGES) | set(FEEDS) | set(FILES) | set(OPEN_DATA)
    assert {p.name for p in portal_urls.urlpatterns} == names, (
        "add the page to SAMPLES (for a participant's own page: PARTICIPANT_PAGES; a feed: "
        "FEEDS; a file: FILES; an open data file: OPEN_DATA)"
    )


def test_no_open_data_file_holds_anything_internal_draft_or_personal(client, leaky):
    import zipfile

    urls = [
        reverse(f"portal:{name}", kwargs=kw) for name, kws in OPEN_DATA.items() for kw in kws(leaky)
    ]
    assert len(urls) > 15
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content
        if url.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(content)) as book:
                content = b"".join(book.read(n) for n in book.namelist())
        text = content.decode("utf-8")
        assert MARK not in text, f"{url} shows internal or draft content"
        assert "Geheim" not in text, f"{url} names a draft"
        assert "@example.org" not in text, f"{url} shows an e-mail address"
        if url.endswith(".json"):
            for key, _value in walk(json.loads(text)):
                assert key not in FORBIDDEN_KEYS, f"{url} has {key}"


def test_every_oparl_url_has_samples_in_the_leak_test():
    names = {p.name for p in oparl_urls.urlpatterns if p.name}
    assert names == set(OPARL), "add the OParl URL to OPARL"


def test_the_oparl_interface_shows_nothing_internal_draft_or_personal(client, leaky):
    urls = [
        reverse(f"oparl:{name}", kwargs=kwargs)
        for name, samples in OPARL.items()
        for kwargs in samples(leaky)
    ]
    assert len(urls) > 20
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json; charset=utf-8", url
        text = response.content.decode()
        assert MARK not in text and "Geheim" not in text, f"{url} shows internal or draft content"
        assert "@" not in text, f"{url} shows an e-mail address"
    # a decision dated after today is not published yet: no paper, no meeting
    future = Decision.objects.get(number=f"{MARK} 2/2025")
    for url in (
        reverse("oparl:paper", kwargs={"slug": leaky.slug, "number": future.number}),
        reverse("oparl:meeting", kwargs={"body": future.body_id, "day": "2025-06-30"}),
    ):
        assert client.get(url).status_code == 404, url
    # the draft measures a public decision is about are left out of its keywords
    paper = client.get(reverse("oparl:paper", kwargs={"slug": leaky.slug, "number": "DS 1/2025"}))
    assert any("Maßnahme M1 " in word for word in json.loads(paper.content)["keyword"])


def test_only_public_shown_statements_pdfs_are_served(client, leaky):
    for name, (served, refused) in FILES.items():
        for kwargs in served(leaky):
            response = client.get(reverse(f"portal:{name}", kwargs=kwargs))
            assert response.status_code == 200, kwargs
            assert response["Content-Type"] == "application/pdf"
            assert MARK.encode() not in b"".join(response.streaming_content)
        for kwargs in refused(leaky):
            assert client.get(reverse(f"portal:{name}", kwargs=kwargs)).status_code == 404, kwargs
    # the stored files have no address of their own
    for item in [*Submission.objects.exclude(attachment=""), *Proposal.objects.all()]:
        assert client.get("/media/" + item.attachment.name).status_code == 404
    for milestone in Milestone.objects.exclude(acceptance_document=""):
        assert client.get("/media/" + milestone.acceptance_document.name).status_code == 404


def test_a_hidden_comment_shows_its_reason_and_never_its_text(client, leaky):
    html = client.get(reverse("portal:measure", args=[leaky.slug, "M1"])).content.decode()
    assert "Von der Moderation ausgeblendet: Beleidigend" in html
    assert "Gut so." in html and "Sachlich bleiben!" in html
    assert MARK not in html


def test_no_feed_shows_anything_internal_draft_or_hidden(client, leaky):
    system = Actor.system("test")
    for code in ("F5", "F20", "F21"):  # F20 and F21 are about drafts: never in a feed
        item = Submission.objects.get(programme=leaky, code=code)
        participation.answer(item, actor=system, text=f"Antwort {MARK}")
    urls = [
        reverse(f"portal:{name}", kwargs=kw) for name, kws in FEEDS.items() for kw in kws(leaky)
    ]
    assert len(urls) > 3
    entries = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/atom+xml"), url
        text = response.content.decode()
        entries += text.count("<entry>")
        assert MARK not in text, f"{url} shows internal, draft or hidden content"
        assert "@" not in text, url
    assert entries >= 3  # the load, and F5's answer in the programme's and in M2's feed
    programme_feed = client.get(reverse("portal:feed", args=[leaky.slug])).content.decode()
    assert "F5" in programme_feed and "/p/testprogramm/fragen/F5/" in programme_feed


def public_urls(programme, prefix=""):
    urls = []
    for name, samples in SAMPLES.items():
        for kwargs, query in samples(programme):
            urls.append(prefix + reverse(f"portal:{name}", kwargs=kwargs) + query)
    return urls


def test_no_public_page_shows_anything_internal_or_draft(client, leaky):
    pages = public_urls(leaky) + public_urls(leaky, prefix="/en")
    assert len(pages) > 60
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "<h1" in text, url
        assert MARK not in text, f"{url} shows internal or draft content"


def test_draft_measures_and_milestones_have_no_public_page(client, leaky):
    for code in (f"{MARK}-M1.2", f"{MARK}-M1.2.1", "M9", f"{MARK}-M9.1"):
        assert client.get(reverse("portal:measure", args=[leaky.slug, code])).status_code == 404
    for code in (f"{MARK}-a", f"{MARK}-b", f"{MARK}-c", "X", "Z"):
        assert client.get(reverse("portal:milestone", args=[leaky.slug, code])).status_code == 404


def test_hidden_pending_and_draft_items_have_no_public_text(client, leaky):
    assert set(public_items(leaky, Submission.QUESTION)) == {f"F{n}" for n in range(1, 8)}
    for code in ("F8", "F20", "F21", "F22", "F23", "F24"):
        assert client.get(reverse("portal:question", args=[leaky.slug, code])).status_code == 404
    assert client.get(reverse("portal:statement", args=[leaky.slug, "S2"])).status_code == 404
    hidden = client.get(reverse("portal:question", args=[leaky.slug, "F7"])).content.decode()
    assert "Beleidigend" in hidden and MARK not in hidden


def test_unknown_things_give_a_real_404_page(client, leaky):
    for url in (
        "/p/nirgendwo/",
        "/p/testprogramm/measures/NOPE/",
        "/p/testprogramm/milestones/NOPE/",
        "/p/nirgendwo/history/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "<h1" in response.content.decode()


def test_a_participants_own_pages_show_nothing_internal_or_draft(client, leaky):
    user = get_user_model().objects.create_user("p-erika", password="x")
    EmailAddress.objects.create(user=user, email="erika@example.org", verified=True, primary=True)
    participation.register_participant(user, actor=Actor(user=user), display_name="Erika M.")
    Follow.objects.create(user=user, programme=leaky)
    for measure in Measure.objects.filter(programme=leaky):
        Follow.objects.create(user=user, programme=leaky, measure=measure)
    with translation.override("de"):
        pages = [(reverse(f"portal:{name}"), html) for name, html in PARTICIPANT_PAGES.items()]
    for url, _html in pages:
        assert client.get(url).status_code == 302, url  # not public
    client.force_login(user)
    for prefix in ("", "/en"):
        for path, html in pages:
            url = prefix + path
            response = client.get(url)
            assert response.status_code == 200, url
            text = response.content.decode()
            assert not html or "<h1" in text, url
            assert MARK not in text and "Geheim" not in text, (
                f"{url} shows internal or draft content"
            )


@pytest.mark.parametrize("kind", ["council", "proof"])
def test_an_issued_public_report_holds_nothing_internal_or_draft(leaky, kind):
    report = IssuedReport.objects.get(programme=leaky, kind=kind)
    assert report.public
    assert MARK not in json.dumps(report.data, ensure_ascii=False)


def test_a_staff_only_consultation_and_one_about_a_draft_have_no_public_trace(client, leaky):
    """Not on their pages (404), not in the list, the CSV, the feeds or the history."""
    for code in ("U2", "U3"):
        for name in ("consultation", "consultation_pdf", "consultation_results_csv"):
            url = reverse(f"portal:{name}", args=[leaky.slug, code])
            assert client.get(url).status_code == 404, url
    listing = client.get(reverse("portal:consultations", args=[leaky.slug])).content.decode()
    assert "Smart-City-Leitbild" in listing and MARK not in listing
    page = client.get(reverse("portal:consultation", args=[leaky.slug, "U1"])).content.decode()
    assert "Mehr Bäume" in page  # the released answer; the hidden and the waiting not
    assert MARK not in page
    for url in (
        reverse("portal:feed", args=[leaky.slug]),
        reverse("portal:history", args=[leaky.slug]),
    ):
        assert MARK not in client.get(url).content.decode(), url
