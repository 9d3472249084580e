"""Proposals and consultations for the tests of the machine formats (API, iCalendar, open
data, report): every public state, and what must never show — a hidden proposal's title and
text, a proposal about a draft, a staff-only consultation, results before the close."""

from datetime import datetime
from zoneinfo import ZoneInfo

from plansicht.consultations.models import Answer, Consultation, Question, Response
from plansicht.plan.models import Measure

BERLIN = ZoneInfo("Europe/Berlin")
SECRET = "STAFFONLY"


def at(day: str, hour: int = 12) -> datetime:
    y, m, d = (int(x) for x in day.split("-"))
    return datetime(y, m, d, hour, tzinfo=BERLIN)


def add_proposals(doc: dict, *, secret: str = SECRET, draft_measure: str | None = None) -> dict:
    """Proposals in the participation document (threshold 2; today 01.06.2025):

    - V1 about M1, two supports (threshold reached 05.05.), taken into the plan on 20.05.
      with a link to M1: decided in time;
    - V2 of the Seniorenbeirat, one support, declined on 12.05. with a reason;
    - V3 hidden by the moderation (its title and text never show);
    - V4 reached the threshold on 06.05. (due 27.05.), not decided: overdue;
    - V5 about a draft measure (when ``draft_measure`` names one): never shown."""
    doc["programme"]["proposal_threshold"] = 2
    proposals = [
        {
            "code": "V1",
            "about": "measure:M1",
            "by": "Anna A.",
            "received": "2025-05-02",
            "title": "Sprechstunde im Rathaus",
            "text": "Bitte eine offene Sprechstunde zur Datenplattform.",
            "supports": ["2025-05-03", "2025-05-05"],
            "decisions": [
                {
                    "on": "2025-05-20",
                    "status": "taken_into_plan",
                    "reason": "Wird in M1 umgesetzt.",
                    "link": "measure:M1",
                }
            ],
        },
        {
            "code": "V2",
            "body": "SB",
            "received": "2025-05-10",
            "title": "Bänke am Radweg",
            "text": "Mehr Bänke entlang der Radwege.",
            "supports": ["2025-05-11"],
            "decisions": [{"on": "2025-05-12", "status": "declined", "reason": "Kein Budget."}],
        },
        {
            "code": "V3",
            "received": "2025-05-10",
            "title": f"{secret} hidden title",
            "text": f"{secret} hidden text",
            "hidden": {"reason": "Beleidigend"},
        },
        {
            "code": "V4",
            "about": "measure:M2",
            "by": "Bernd B.",
            "received": "2025-05-05",
            "title": "Radweg Nord",
            "text": "Ein Radweg im Norden.",
            "supports": ["2025-05-05", "2025-05-06"],
        },
    ]
    if draft_measure:
        proposals.append(
            {
                "code": "V5",
                "about": f"measure:{draft_measure}",
                "received": "2025-05-10",
                "title": f"{secret} about a draft",
                "text": f"{secret} about a draft",
            }
        )
    doc["participation"]["proposals"] = proposals
    return doc


def consultation(programme, code, opens, closes, *, audience=Consultation.PUBLIC, **fields):
    return Consultation.objects.create(
        programme=programme,
        code=code,
        opens=opens,
        closes=closes,
        audience=audience,
        title=fields.pop("title", f"Befragung {code}"),
        **fields,
    )


def questions(c) -> tuple:
    single = Question.objects.create(
        consultation=c,
        number=1,
        kind=Question.SINGLE,
        text="Welches Thema zuerst?",
        required=True,
        choices=["Verkehr", "Bildung", "Verwaltung"],
    )
    rating = Question.objects.create(
        consultation=c, number=2, kind=Question.RATING, text="Wie gut ist der Entwurf?"
    )
    free = Question.objects.create(consultation=c, number=3, kind=Question.TEXT, text="Was fehlt?")
    return single, rating, free


def respond(c, answers, when) -> Response:
    """One response: ``answers`` as [(question, {"choices"|"rating"|"text"...: …})]."""
    response = Response.objects.create(consultation=c, submitted=when, changed=when)
    for q, values in answers:
        Answer.objects.create(response=response, question=q, **values)
    return response


def add_consultations(programme, *, secret: str = SECRET, draft_measure=None) -> dict:
    """Consultations (today 01.06.2025, noon):

    - K1 public, 01.05. – 20.05., closed: three respondents, with results and a summary;
    - K2 public, 25.05. – 15.06., open: one respondent, no results yet;
    - K3 for the city's staff only, closed (never in a public format);
    - K4 public, opening 01.07.: upcoming;
    - K5 about a draft measure (when ``draft_measure`` names one): never shown."""
    m1 = Measure.objects.get(programme=programme, code="M1")
    k1 = consultation(
        programme,
        "K1",
        at("2025-05-01", 9),
        at("2025-05-20", 18),
        title="Smart-City-Leitbild",
        description="Der Entwurf des Leitbilds.",
        measure=m1,
        summary="Wir nehmen den Verkehr zuerst.",
    )
    single, rating, free = questions(k1)
    respond(
        k1,
        [(single, {"choices": [0]}), (rating, {"rating": 4}), (free, {"text": "Mehr Grün."})],
        at("2025-05-02"),
    )
    respond(k1, [(single, {"choices": [0]}), (rating, {"rating": 5})], at("2025-05-03"))
    respond(
        k1,
        [
            (single, {"choices": [1]}),
            (rating, {"rating": 2}),
            (free, {"text": "Freigegeben.", "released": True}),
        ],
        at("2025-05-04"),
    )
    Consultation.objects.filter(pk=k1.pk).update(summary_on=at("2025-05-25").date())
    k2 = consultation(programme, "K2", at("2025-05-25", 9), at("2025-06-15", 18))
    single2, *_rest = questions(k2)
    respond(k2, [(single2, {"choices": [2]})], at("2025-05-26"))
    k3 = consultation(
        programme,
        "K3",
        at("2025-05-01", 9),
        at("2025-05-20", 18),
        audience=Consultation.STAFF,
        title=f"{secret} staff survey",
        description=f"{secret} for the staff",
        summary=f"{secret} summary",
    )
    questions(k3)
    k4 = consultation(programme, "K4", at("2025-07-01", 9), at("2025-07-31", 18))
    found = {"K1": k1, "K2": k2, "K3": k3, "K4": k4}
    if draft_measure:
        found["K5"] = consultation(
            programme,
            "K5",
            at("2025-05-01", 9),
            at("2025-05-20", 18),
            title=f"{secret} about a draft",
            measure=Measure.objects.get(programme=programme, code=draft_measure),
        )
    return found
