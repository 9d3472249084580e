"""Proposals and consultations in the open data: the CSV tables, the whole programme's JSON,
the calendar's consultation periods and the DCAT-AP.de catalogue's datasets with their
periods — public consultations only, their results only once closed."""

import csv
import io
import json

import pytest
from django.core.cache import cache

from plansicht.consultations.models import Consultation
from plansicht.opendata import dcat, files, ical
from plansicht.plan.models import Measure

from .factories import load, participation_document
from .proposals_data import SECRET, add_consultations, add_proposals, at
from .test_opendata import parse_ical
from .test_opendata_standards import needs_standards, shacl

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(today, settings):
    settings.SITE_URL = "https://plansicht.example.de"
    doc = participation_document()
    doc["measures"].append(
        {"code": "MD", "title": "Entwurf", "field_of_action": "F1", "draft": True}
    )
    programme = load(add_proposals(doc, draft_measure="MD"))
    add_consultations(programme, draft_measure="MD")
    return programme


@pytest.fixture
def built(programme):
    return files.build_all(programme)


def rows(built, name):
    return list(csv.DictReader(io.StringIO(built[name].decode("utf-8"))))


def test_no_file_holds_a_staff_only_consultation_a_hidden_text_or_a_draft(built):
    for name, data in built.items():
        if name.endswith(".xlsx"):
            continue
        assert SECRET not in data.decode("utf-8"), name


def test_the_proposals_table(built):
    found = {r["code"]: r for r in rows(built, "vorschlaege.csv")}
    assert set(found) == {"V1", "V2", "V3", "V4"}
    v1 = found["V1"]
    assert (v1["about_kind"], v1["about_code"], v1["by"], v1["received"]) == (
        "measure",
        "M1",
        "Anna A.",
        "2025-05-02",
    )
    assert (v1["supports"], v1["threshold_reached"], v1["due"], v1["decided"]) == (
        "2",
        "2025-05-05",
        "2025-05-26",
        "2025-05-20",
    )
    assert (v1["status"], v1["deadline_status"], v1["link"]) == (
        "taken_into_plan",
        "answered_in_time",
        "measure:M1",
    )
    assert (found["V2"]["by"], found["V2"]["reason"]) == ("Seniorenbeirat", "Kein Budget.")
    assert (found["V3"]["hidden"], found["V3"]["title"], found["V3"]["text"]) == ("true", "", "")
    assert found["V4"]["deadline_status"] == "overdue"


def test_the_consultations_table_has_the_periods_and_the_results_only_of_closed_ones(built):
    found = {r["code"]: r for r in rows(built, "befragungen.csv")}
    assert set(found) == {"K1", "K2", "K4"}
    assert (found["K1"]["opens"], found["K1"]["closes"]) == (
        "2025-05-01T09:00:00+02:00",
        "2025-05-20T18:00:00+02:00",
    )
    assert (found["K1"]["phase"], found["K1"]["respondents"], found["K1"]["measure"]) == (
        "closed",
        "3",
        "M1",
    )
    assert found["K1"]["summary"] == "Wir nehmen den Verkehr zuerst."
    assert (found["K2"]["phase"], found["K2"]["respondents"], found["K2"]["summary"]) == (
        "open",
        "",
        "",
    )
    results = rows(built, "befragungsergebnisse.csv")
    assert {r["consultation"] for r in results} == {"K1"}  # K2 is open: nothing yet
    shares = [(r["choice"], r["count"], r["share"]) for r in results if r["question"] == "1"]
    assert shares == [
        ("Verkehr", "2", "66.7"),
        ("Bildung", "1", "33.3"),
        ("Verwaltung", "0", "0.0"),
    ]
    ratings = [r for r in results if r["question"] == "2"]
    assert [r["count"] for r in ratings] == ["0", "1", "0", "1", "1"]
    assert {r["mean"] for r in ratings} == {"3.7"}
    assert [r["choice"] for r in results if r["question"] == "3"] == ["Freigegeben."]


def test_the_json_has_proposals_and_consultations(built):
    doc = json.loads(built["programm.json"])
    assert [p["code"] for p in doc["proposals"]] == ["V3", "V2", "V4", "V1"]
    by_code = {c["code"]: c for c in doc["consultations"]}
    assert set(by_code) == {"K1", "K2", "K4"}
    assert by_code["K2"]["results"] is None
    assert by_code["K1"]["results"][0]["choices"][0] == {
        "label": "Verkehr",
        "count": 2,
        "share": "66.7",
    }
    assert by_code["K1"]["opens"] == "2025-05-01T09:00:00+02:00"


def test_results_appear_once_a_consultation_has_closed(programme, time_machine, client):
    url = f"/p/{programme.slug}/daten/befragungsergebnisse.csv"
    assert b"K2" not in client.get(url).content
    time_machine.move_to(at("2025-06-15", 19), tick=False)  # K2 closed at 18:00
    cache.clear()
    assert b"K2" in client.get(url).content  # rebuilt without any change of its own


def test_the_calendar_has_each_public_consultations_period(built, programme):
    components = parse_ical(built["plansicht.ics"])
    events = {c[1]: c for c in components if c[0] == "BEGIN:VEVENT"}
    consultations = sorted(uid for uid in events if uid.startswith("UID:consultation-"))
    assert consultations == [
        "UID:consultation-K1.testprogramm@plansicht",
        "UID:consultation-K2.testprogramm@plansicht",
        "UID:consultation-K4.testprogramm@plansicht",
    ]
    k1 = events["UID:consultation-K1.testprogramm@plansicht"]
    assert "DTSTART:20250501T070000Z" in k1 and "DTEND:20250520T160000Z" in k1
    assert "SUMMARY:Befragung: Smart-City-Leitbild" in k1
    assert any(line.startswith("URL:https://plansicht.example.de/p/testprogramm/") for line in k1)
    assert sum(line.startswith("DTSTAMP:") for line in k1) == 1
    # the UIDs stay the same when the consultation changes
    Consultation.objects.filter(code="K1").update(title="Leitbild, neu")
    again = parse_ical(ical.calendar(programme))
    assert any(c[1] == "UID:consultation-K1.testprogramm@plansicht" for c in again)
    # a measure's calendar: the consultations about it (and the measures below it) only
    m1 = Measure.objects.get(programme=programme, code="M1")
    sub = parse_ical(ical.calendar(programme, m1))
    assert [c[1] for c in sub if c[1].startswith("UID:consultation-")] == [
        "UID:consultation-K1.testprogramm@plansicht"
    ]


def test_the_catalogue_has_a_dataset_per_public_consultation_with_its_period(programme):
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCAT, DCTERMS

    ttl = files.find("katalog.ttl").make(programme)
    assert SECRET not in ttl.decode()
    g = Graph().parse(data=ttl, format="turtle")
    base = "https://plansicht.example.de/p/testprogramm/daten/"
    k1 = URIRef(base + "#befragung-K1")
    assert (URIRef(base + "#katalog"), DCAT.dataset, k1) in g
    (period,) = g.objects(k1, DCTERMS.temporal)
    assert str(g.value(period, DCAT.startDate)) == "2025-05-01T09:00:00+02:00"
    assert str(g.value(period, DCAT.endDate)) == "2025-05-20T18:00:00+02:00"
    assert URIRef(base + "#befragungen.csv") in set(g.objects(k1, DCAT.distribution))
    datasets = {str(d) for d in g.subjects(DCTERMS.temporal, None)}
    assert datasets == {base + f"#befragung-{c}" for c in ("K1", "K2", "K4")}


@needs_standards
def test_the_catalogue_with_the_consultations_conforms_to_the_dcat_ap_de_shapes(programme):
    ttl = dcat.make(programme, [f for f in files.FILES if f.name != files.CATALOGUE])
    conforms, text = shacl(ttl)
    assert conforms, text
    conforms, text = shacl(ttl, vocabularies=True)
    assert conforms, text


def test_the_datapackage_with_the_new_tables_validates(built, tmp_path):
    from frictionless import Package

    for name, data in built.items():
        (tmp_path / name).write_bytes(data)
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
