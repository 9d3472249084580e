"""The risk register: the service's rules and refusals, the optimistic lock, who may, the
programme document, the office's list and dashboard line, and the reports."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from plansicht.accounts.models import Unit
from plansicht.history.models import Event
from plansicht.plan.models import Measure, Programme
from plansicht.risks.models import Risk
from plansicht.services import Actor, ChangedMeanwhile, ServiceError
from plansicht.services import risks as svc

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests", name="Programmbüro")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def programme():
    return Programme.objects.get(slug="testprogramm")


def measure(code):
    return Measure.objects.get(programme__slug="testprogramm", code=code)


def add(actor=SYSTEM, **changes):
    values = {
        "code": "R1",
        "title": "Lieferverzug der Sensoren",
        "likelihood": 3,
        "impact": 4,
        "mitigation": "Zweiter Lieferant ist angefragt.",
        "next_review": date(2025, 7, 1),
        **changes,
    }
    return svc.save_risk(programme(), actor=actor, **values)


# -- service ----------------------------------------------------------------------------------


def test_a_risk_is_entered_with_one_event_and_its_score(personas):
    risk = add(measure=measure("M1"), owner_unit=personas.office, public=True)
    assert (risk.code, risk.score, risk.status, risk.version) == ("R1", 12, "open", 1)
    event = Event.objects.get(action="risk.added")
    assert event.public is True
    assert event.measure == measure("M1")
    assert event.changes["measure"] == [None, "M1"]
    assert event.changes["owner_unit"] == [None, "Programmbüro"]
    assert event.changes["likelihood"] == [None, 3]


def test_an_internal_risk_or_one_of_a_draft_measure_has_an_internal_event(personas):
    add(code="R1")
    add(code="R2", measure=measure("M9"), public=True)
    assert list(Event.objects.filter(action="risk.added").values_list("public", flat=True)) == [
        False,
        False,
    ]
    assert list(Risk.objects.public()) == []


@pytest.mark.parametrize(
    "field,value,words",
    [
        ("likelihood", 0, "from 1 (unlikely) to 4"),
        ("likelihood", 5, "from 1 (unlikely) to 4"),
        ("impact", "x", "from 1 (small) to 4"),
        ("impact", None, "from 1 (small) to 4"),
        ("code", "", "required"),
        ("title", "  ", "required"),
        ("status", "forgotten", "open, being mitigated or closed"),
        ("next_review", "2025-07-01", "Enter a date"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_stored(personas, field, value, words):
    with pytest.raises(ServiceError) as refused:
        add(**{field: value})
    assert refused.value.field == field
    assert words in refused.value.message
    assert not Risk.objects.exists()
    assert not Event.objects.filter(action__startswith="risk.").exists()


def test_a_code_is_unique_in_the_programme_and_a_measure_must_be_its_own(personas):
    add()
    with pytest.raises(ServiceError) as refused:
        add(title="Anderes")
    assert refused.value.field == "code"
    assert "R1 is taken" in refused.value.message
    from .factories import document, load

    other = load(document(slug="anderes"))
    foreign = other.measures.get(code="M1")
    with pytest.raises(ServiceError) as refused:
        add(code="R2", measure=foreign)
    assert refused.value.field == "measure"
    assert Risk.objects.count() == 1


def test_a_unit_of_another_organisation_is_refused(personas):
    from plansicht.accounts.models import Organisation

    stranger = Unit.objects.create(
        organisation=Organisation.objects.create(name="Andere Stadt"), name="Amt"
    )
    with pytest.raises(ServiceError) as refused:
        add(owner_unit=stranger)
    assert refused.value.field == "owner_unit"


def test_a_change_checks_the_version_and_tells_who_changed_it(personas):
    risk = add()
    stale = Risk.objects.get(pk=risk.pk)
    svc.save_risk(
        programme(),
        actor=SYSTEM,
        code="R1",
        title=risk.title,
        likelihood=2,
        impact=4,
        mitigation=risk.mitigation,
        next_review=risk.next_review,
        risk=risk,
        expected_version=1,
    )
    with pytest.raises(ChangedMeanwhile):
        svc.save_risk(
            programme(),
            actor=SYSTEM,
            code="R1",
            title=risk.title,
            likelihood=4,
            impact=4,
            risk=stale,
            expected_version=1,
        )
    stored = Risk.objects.get()
    assert (stored.likelihood, stored.version) == (2, 2)
    assert stale.likelihood == 3  # the refused change left the caller's object as it was
    event = Event.objects.get(action="risk.changed")
    assert event.changes == {"likelihood": [3, 2]}


def test_nothing_to_change_is_refused(personas):
    risk = add()
    with pytest.raises(ServiceError, match="Nothing to change"):
        svc.save_risk(
            programme(),
            actor=SYSTEM,
            code="R1",
            title=risk.title,
            likelihood=3,
            impact=4,
            mitigation=risk.mitigation,
            next_review=risk.next_review,
            risk=risk,
        )


def test_removing_writes_one_event(personas):
    risk = add(public=True)
    svc.delete_risk(risk, actor=SYSTEM, expected_version=1)
    assert not Risk.objects.exists()
    event = Event.objects.get(action="risk.removed")
    assert event.public is True
    assert event.subject_label == "R1 Lieferverzug der Sensoren"
    assert event.changes["code"] == ["R1", None]


@pytest.mark.parametrize("who", ["editor", "admin"])
def test_plan_editors_may(personas, who):
    user = getattr(personas, who)
    risk = add(actor=Actor.for_user(user, programme()))
    svc.delete_risk(risk, actor=Actor.for_user(user, programme()))


@pytest.mark.parametrize("who", ["viewer", "unit_editor", "finance", "hr", "outsider"])
def test_others_may_not(personas, who):
    user = getattr(personas, who)
    with pytest.raises(PermissionDenied):
        add(actor=Actor.for_user(user, programme()))
    risk = add()
    with pytest.raises(PermissionDenied):
        svc.delete_risk(risk, actor=Actor.for_user(user, programme()))
    assert Risk.objects.count() == 1


# -- office -----------------------------------------------------------------------------------


def test_the_office_list_is_by_score_and_says_a_review_date_passed(client, personas):
    # today is 01.06.2025 (the frozen clock)
    add(code="R1", title="Klein", likelihood=1, impact=2, next_review=date(2025, 12, 1))
    add(code="R2", title="Groß", likelihood=4, impact=3, next_review=date(2025, 5, 1))
    add(code="R3", title="Mittel", likelihood=2, impact=3, next_review=None)
    add(
        code="R4",
        title="Vorbei",
        likelihood=4,
        impact=4,
        next_review=date(2025, 1, 1),
        status="closed",
    )
    client.force_login(personas.viewer)
    page = client.get("/office/testprogramm/risks/").content.decode()
    # scores: R4 16, R2 12, R3 6, R1 2
    positions = [page.index(title) for title in ("Vorbei", "Groß", "Mittel", "Klein")]
    assert positions == sorted(positions)
    rows = {title: row for row in page.split("<tr") for title in ("Vorbei", "Groß") if title in row}
    # the office speaks German
    assert "01.05.2025 <strong>Überprüfungstermin überschritten</strong>" in rows["Groß"]
    assert "Überprüfungstermin überschritten" not in rows["Vorbei"]  # closed
    assert page.count("Überprüfungstermin überschritten") == 1


def test_the_dashboard_counts_the_risks_past_their_review_date(client, personas):
    add(code="R1", next_review=date(2025, 5, 31))
    add(code="R2", next_review=date(2025, 4, 1))
    add(code="R3", next_review=date(2025, 6, 1))  # due today: not passed
    add(code="R4", next_review=date(2025, 1, 1), status="closed")
    client.force_login(personas.viewer)
    page = client.get("/office/testprogramm/").content.decode()
    assert (
        '<a class="kern-link" href="/office/testprogramm/risks/">'
        "2 Risiken nach ihrem Überprüfungstermin</a>"
    ) in page


def test_an_editor_enters_a_risk_in_the_office_and_a_bad_likelihood_is_said_on_its_field(
    client, personas
):
    client.force_login(personas.editor)
    form = {
        "code": "R1",
        "title": "Lieferverzug",
        "likelihood": "5",
        "impact": "2",
        "status": "open",
    }
    response = client.post("/office/testprogramm/risks/new/", form)
    assert response.status_code == 400
    assert "von 1 (unwahrscheinlich) bis 4 (sehr wahrscheinlich)" in str(
        response.context["form"].errors["likelihood"]
    )
    assert not Risk.objects.exists()
    form["likelihood"] = "3"
    form["measure"] = str(measure("M2").pk)
    form["public"] = "on"
    response = client.post("/office/testprogramm/risks/new/", form)
    assert response.status_code == 302
    risk = Risk.objects.get()
    assert (risk.score, risk.measure.code, risk.public) == (6, "M2", True)


# -- reports ----------------------------------------------------------------------------------


def report_text(kind):
    from plansicht.reports.build import build
    from plansicht.reports.content import text_of

    return text_of(build(programme(), kind, as_of=date(2025, 6, 1), language="en"))


def risk_table(kind):
    from plansicht.reports.build import build
    from plansicht.reports.content import Table

    report = build(programme(), kind, as_of=date(2025, 6, 1), language="en")
    found = []

    def walk(section):
        for block in section.blocks:
            if isinstance(block, Table) and block.caption == "Risks as of 1 Jun 2025":
                found.append(block)
        for sub in section.sections:
            walk(sub)

    for section in report.sections:
        walk(section)
    return found


def report_risks(personas):
    add(
        code="R1",
        title="Lieferverzug der Sensoren",
        measure=measure("M1"),
        likelihood=3,
        impact=4,
        mitigation="Zweiter Lieferant ist angefragt.",
        next_review=date(2025, 7, 1),
        public=True,
    )
    add(
        code="R2",
        title="Streit mit dem Personalrat",
        likelihood=2,
        impact=2,
        mitigation="Vertrauliche Gespräche mit dem Personalrat.",
        status="mitigating",
        public=False,
    )
    add(code="R3", title="Erledigtes Risiko", likelihood=4, impact=4, status="closed", public=True)
    add(code="R4", title="Geheimes Risiko", measure=measure("M9"), public=True)


def test_the_funder_report_shows_every_open_and_mitigated_risk(personas):
    report_risks(personas)
    (table,) = risk_table("funder")
    assert [row[0] for row in table.rows] == [
        "R1 Lieferverzug der Sensoren",  # 3 × 4 = 12
        "R4 Geheimes Risiko",  # 3 × 4 = 12, the same as R1: by code
        "R2 Streit mit dem Personalrat",
    ]
    assert table.rows[0] == (
        "R1 Lieferverzug der Sensoren",
        "M1 Datenplattform",
        "3",
        "4",
        "Zweiter Lieferant ist angefragt.",
        "open",
        "1 Jul 2025",
    )
    assert [c.label for c in table.columns] == [
        "Risk",
        "Measure",
        "Likelihood",
        "Impact",
        "What the city does about it",
        "Status",
        "Next review",
    ]
    assert "Risks and what the city does about them" in report_text("funder")


def test_the_council_and_public_reports_never_show_an_internal_risk(personas):
    report_risks(personas)
    council = report_text("council")
    assert "Zweiter Lieferant ist angefragt." in council
    assert "Erledigtes Risiko" in council  # public, closed: the council hears it is closed
    for kind in ("council", "public"):
        text = report_text(kind)
        assert "Streit mit dem Personalrat" not in text
        assert "Vertrauliche Gespräche" not in text
        assert "Geheimes Risiko" not in text  # its measure is a draft
    (table,) = risk_table("council")
    assert [row[0] for row in table.rows] == [
        "R3 Erledigtes Risiko",
        "R1 Lieferverzug der Sensoren",
    ]


def test_the_german_report_heading(personas):
    from plansicht.reports.build import build
    from plansicht.reports.content import text_of

    report_risks(personas)
    text = text_of(build(programme(), "council", as_of=date(2025, 6, 1), language="de"))
    assert "Risiken und Gegenmaßnahmen" in text


# -- the programme document -------------------------------------------------------------------


def test_the_document_loads_the_register_and_replacing_replaces_it(today):
    import json

    from plansicht.documents.programme import dump, dumps

    from .factories import load, risks_document

    load(risks_document())
    r1 = Risk.objects.get(code="R1")
    assert (r1.measure.code, r1.owner_unit.name, r1.score, r1.public) == (
        "M1",
        "Stabsstelle Digitalisierung",
        12,
        True,
    )
    assert Risk.objects.get(code="R2").owner_unit.name == "Rechtsamt"  # created
    first = dumps(dump(programme()))
    doc = json.loads(first)
    assert doc["risks"][2] == {
        "code": "R3",
        "title": "Serverausfall",
        "likelihood": 1,
        "impact": 3,
        "status": "closed",
        "public": False,
    }
    doc["risks"] = [dict(doc["risks"][0], likelihood=1)]
    load(doc, replace=True)
    assert list(Risk.objects.values_list("code", "likelihood", "version")) == [("R1", 1, 2)]
    assert Risk.objects.get().pk == r1.pk  # matched by code: the same risk


@pytest.mark.parametrize(
    "change,path",
    [
        ({"likelihood": 5}, "risks[0].likelihood"),
        ({"measure": "M7"}, "risks[0].measure"),
        ({"status": "forgotten"}, "risks[0].status"),
        ({"next_review": "2025-02-30"}, "risks[0].next_review"),
    ],
)
def test_a_bad_risk_in_the_document_is_refused_with_its_path(today, change, path):
    from plansicht.documents.programme import DocumentInvalid, parse

    from .factories import risks_document

    doc = risks_document()
    doc["risks"][0].update(change)
    with pytest.raises(DocumentInvalid) as refused:
        parse(doc)
    assert any(line.startswith(path + ":") for line in str(refused.value).splitlines())


def test_a_code_used_twice_is_refused(today):
    from plansicht.documents.programme import DocumentInvalid, parse

    from .factories import risks_document

    doc = risks_document()
    doc["risks"][2]["code"] = "R1"
    with pytest.raises(DocumentInvalid) as refused:
        parse(doc)
    assert "risks[2].code: risk code 'R1' is used twice (first at risks[0])" in str(refused.value)
