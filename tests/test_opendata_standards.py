"""The exports in other people's standards, validated against the official files in
``shared/standards`` (IATI XSD and codelists, Popolo JSON Schemas, DCAT-AP.de SHACL shapes,
the Decidim results Table Schema), and holding nothing internal or personal."""

import csv
import io
import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings

from plansicht.accounts.models import Organisation
from plansicht.opendata import dcat, decidim, iati, popolo
from plansicht.plan.models import Measure

from .factories import indicated_document, load, staffed_document
from .test_public_leaks import MARK, leaky  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def standards_dir():
    candidates = [
        os.environ.get("PLANSICHT_STANDARDS"),
        Path(django_settings.BASE_DIR).parent / "shared" / "standards",
        "/work/shared/standards",
    ]
    for c in candidates:
        if c and (Path(c) / "iati").is_dir():
            return Path(c)
    return None


STANDARDS = standards_dir()
needs_standards = pytest.mark.skipif(
    STANDARDS is None,
    reason="The official standards files are missing: set PLANSICHT_STANDARDS to the folder "
    "shared/standards.",
)

FILES = [
    SimpleNamespace(name="massnahmen.csv", title="Maßnahmen", media_type="text/csv"),
    SimpleNamespace(
        name="plan.xlsx",
        title="Plan als Tabelle",
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    SimpleNamespace(name="iati.xml", title="IATI-Aktivitäten", media_type="application/xml"),
    SimpleNamespace(name="popolo.json", title="Stellen (Popolo)", media_type="application/json"),
    SimpleNamespace(name="katalog.ttl", title="Katalog", media_type="text/turtle"),
]


@pytest.fixture
def programme(today, settings):
    settings.SITE_URL = "https://plansicht.example.de"
    settings.IATI_ORG_REF = "DE-EXAMPLE-TESTSTADT"
    settings.DECIDIM_STATUS_IDS = {"green": 11, "amber": 12, "red": 13}
    doc = staffed_document()
    doc["positions"][1]["grant"] = "G1"  # the project lead, funded: a public post
    indicated = indicated_document()
    doc["measures"] = indicated["measures"]
    for m in doc["milestones"]:
        if m["code"] == "A":
            m["accepted_on"] = "2025-03-03"
    programme = load(doc)
    Organisation.objects.filter(pk=programme.organisation_id).update(
        ags="07315000",
        dcat_contributor_id="http://dcat-ap.de/def/contributors/stadtMainz",
        contact_email="opendata@teststadt.example",
        contact_url="https://teststadt.example/kontakt",
    )
    programme.refresh_from_db()
    return programme


# -- IATI ------------------------------------------------------------------------------------


def iati_errors(xml: bytes) -> list[str]:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(STANDARDS / "iati/schema/iati-activities-schema.xsd")))
    doc = etree.fromstring(xml)
    errors = [] if schema.validate(doc) else [str(e) for e in schema.error_log]
    # Codes: each mapping without a condition whose codelist is here (iati/SOURCE.md).
    codelists = STANDARDS / "iati/codelists"
    mapping = etree.parse(str(codelists / "mapping.xml"))
    for m in mapping.iter("mapping"):
        ref = (
            m.findtext("codelist").strip()
            if m.find("codelist") is None
            else m.find("codelist").get("ref")
        )
        if m.find("condition") is not None or not (codelists / f"{ref}.xml").exists():
            continue
        codes = {c.text for c in etree.parse(str(codelists / f"{ref}.xml")).iter("code")}
        path = m.findtext("path").replace("//iati-activities/", "/iati-activities/")
        for value in doc.getroottree().xpath(path):
            if str(value) not in codes:
                errors.append(f"{path}: {value} is not in {ref}")
    return errors


@needs_standards
def test_the_iati_file_validates_against_the_xsd_and_the_codelists(programme):
    xml = iati.make(programme)
    assert iati_errors(xml) == []


@needs_standards
def test_the_iati_file_holds_the_programme_and_each_published_measure(programme):
    from lxml import etree

    doc = etree.fromstring(iati.make(programme))
    ids = doc.xpath("//iati-activity/iati-identifier/text()")
    assert ids == [
        "DE-EXAMPLE-TESTSTADT-testprogramm",
        "DE-EXAMPLE-TESTSTADT-testprogramm-M1",
        "DE-EXAMPLE-TESTSTADT-testprogramm-M1.1",
        "DE-EXAMPLE-TESTSTADT-testprogramm-M1.1.1",
        "DE-EXAMPLE-TESTSTADT-testprogramm-M2",
    ]  # not the draft M9
    assert set(doc.xpath("//reporting-org/@type")) == {"11"}
    m1 = doc.xpath("//iati-activity[iati-identifier='DE-EXAMPLE-TESTSTADT-testprogramm-M1']")[0]
    # A started (milestone A finished, B running), so in implementation; started 05.01.2025.
    assert m1.xpath("activity-status/@code") == ["2"]
    assert m1.xpath("activity-date[@type='2']/@iso-date") == ["2025-01-05"]
    assert m1.xpath("activity-date[@type='1']/@iso-date") == ["2025-01-01"]
    # Eligible spending by 01.06.2025 on M1's own milestone A: K3's 1,000.00 on 20.02.2025.
    spent = [
        (t.xpath("transaction-date/@iso-date")[0], t.findtext("value"))
        for t in m1.xpath("transaction[transaction-type/@code='4']")
    ]
    assert spent == [("2025-02-20", "1000.00")]
    # Results: I1 from 30 to 10 days (descending), latest by 01.06.2025: 18; I2 0 → 120, 70.
    indicators = m1.xpath("result/indicator")
    assert [i.get("ascending") for i in indicators] == ["0", "1"]
    assert [i.xpath("baseline/@value")[0] for i in indicators] == ["30", "0"]
    assert [i.xpath("period/target/@value")[0] for i in indicators] == ["10", "120"]
    assert [i.xpath("period/actual/@value")[0] for i in indicators] == ["18", "70"]
    top = doc.xpath("//iati-activity")[0]
    received = [
        (t.xpath("transaction-date/@iso-date")[0], t.findtext("value"))
        for t in top.xpath("transaction[transaction-type/@code='1']")
    ]
    assert received == [("2025-04-20", "1350.00")]
    assert top.xpath("budget/@type") and set(top.xpath("budget/@type")) == {"1"}


@needs_standards
def test_a_changed_status_code_is_caught_by_the_codelist_check(programme):
    xml = iati.make(programme).replace(b'activity-status code="2"', b'activity-status code="9"')
    assert any("ActivityStatus" in e for e in iati_errors(xml))


# -- Popolo ----------------------------------------------------------------------------------


def popolo_errors(data: dict) -> list[str]:
    from jsonschema import Draft3Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT3

    d = STANDARDS / "popolo/schemas"
    schemas = {p.name: json.loads(p.read_text()) for p in d.glob("*.json")}
    registry = Registry().with_resources(
        (s["id"].rstrip("#"), Resource(s, specification=DRAFT3)) for s in schemas.values()
    )
    errors = []
    for key, schema in (
        ("organizations", "organization.json"),
        ("persons", "person.json"),
        ("posts", "post.json"),
        ("memberships", "membership.json"),
    ):
        v = Draft3Validator(schemas[schema], registry=registry)
        for item in data[key]:
            errors += [f"{key} {item.get('id')}: {e.message}" for e in v.iter_errors(item)]
    return errors


@needs_standards
def test_the_popolo_file_validates_and_a_vacancy_has_no_membership(programme):
    data = json.loads(popolo.make(programme))
    assert popolo_errors(data) == []
    posts = {p["id"]: p for p in data["posts"]}
    assert set(posts) == {"testprogramm/stelle/CDO", "testprogramm/stelle/PL"}
    # The CDO post is vacant (a stand-in does not fill it): no membership, no name.
    assert [m["post_id"] for m in data["memberships"]] == ["testprogramm/stelle/PL"]
    # The project lead's holder is named publicly; the CDO's former holder never.
    assert data["persons"] == [{"id": "testprogramm/stelle/PL/inhaber", "name": "Max Beispiel"}]
    assert data["memberships"][0]["person_id"] == "testprogramm/stelle/PL/inhaber"
    assert "Erika Muster" not in popolo.make(programme).decode()


@needs_standards
def test_a_filled_post_whose_holder_is_not_public_has_a_membership_without_a_person(programme):
    from plansicht.staffing.models import Position

    Position.objects.filter(code="PL").update(holder_public=False)
    data = json.loads(popolo.make(programme))
    assert popolo_errors(data) == []
    assert data["persons"] == []
    assert [m["person_id"] for m in data["memberships"]] == [None]
    assert "Max Beispiel" not in json.dumps(data)


# -- DCAT-AP.de ------------------------------------------------------------------------------


def shacl(ttl: bytes, *, vocabularies=False):
    import pyshacl
    from rdflib import Graph

    d = STANDARDS / "dcat-ap-de/shacl"
    names = ["dcat-ap-SHACL", "dcat-ap-SHACL-DE", "dcat-ap-spec-german-additions"]
    names.append("dcat-ap-de-deprecated")
    if vocabularies:
        names.append("dcat-ap-de-controlledvocabularies")
    shapes = Graph()
    for name in names:
        shapes.parse(d / f"{name}.ttl", format="turtle")
    data = Graph().parse(data=ttl, format="turtle")
    if vocabularies:
        data.parse(STANDARDS / "dcat-ap-de/vocab-stub.ttl", format="turtle")
        # Concepts this export uses that the stub does not list yet (vocab-stub.ttl: "add a
        # line per new concept IRI used").
        data.parse(
            data="""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://publications.europa.eu/resource/authority/file-type/XLSX>
    skos:inScheme <http://publications.europa.eu/resource/authority/file-type> .
<http://dcat-ap.de/def/contributors/stadtMainz>
    skos:inScheme <http://dcat-ap.de/def/contributors> .""",
            format="turtle",
        )
    conforms, _graph, text = pyshacl.validate(data, shacl_graph=shapes)
    return conforms, text


@needs_standards
def test_the_catalogue_conforms_to_the_dcat_ap_de_shapes(programme):
    conforms, text = shacl(dcat.make(programme, FILES))
    assert conforms, text


@needs_standards
def test_the_catalogue_conforms_with_the_controlled_vocabularies(programme):
    conforms, text = shacl(dcat.make(programme, FILES), vocabularies=True)
    assert conforms, text


def test_the_catalogue_names_licence_place_contact_and_absolute_urls(programme):
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCAT, DCTERMS

    g = Graph().parse(data=dcat.make(programme, FILES), format="turtle")
    urls = sorted(str(u) for u in g.objects(None, DCAT.downloadURL))
    assert urls == [
        "https://plansicht.example.de/p/testprogramm/daten/iati.xml",
        "https://plansicht.example.de/p/testprogramm/daten/katalog.ttl",
        "https://plansicht.example.de/p/testprogramm/daten/massnahmen.csv",
        "https://plansicht.example.de/p/testprogramm/daten/plan.xlsx",
        "https://plansicht.example.de/p/testprogramm/daten/popolo.json",
    ]
    assert set(g.objects(None, DCTERMS.license)) == {
        URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
    }
    assert list(g.objects(None, DCTERMS.spatial)) == [
        URIRef("http://dcat-ap.de/def/politicalGeocoding/municipalityKey/07315000")
    ]
    text = dcat.make(programme, FILES).decode()
    assert "politicalGeocodingURI" not in text
    assert "mailto:opendata@teststadt.example" in text
    assert "contributors/stadtMainz" in text


def test_the_licence_is_the_organisations(programme):
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS

    Organisation.objects.filter(pk=programme.organisation_id).update(
        open_data_licence="http://dcat-ap.de/def/licenses/dl-zero-de/2.0"
    )
    programme.refresh_from_db()
    g = Graph().parse(data=dcat.make(programme, FILES), format="turtle")
    assert set(g.objects(None, DCTERMS.license)) == {
        URIRef("http://dcat-ap.de/def/licenses/dl-zero-de/2.0")
    }


# -- Decidim ---------------------------------------------------------------------------------


def decidim_schema() -> dict:
    """The official-fixture schema with the locale columns of a German Decidim (de, en), as
    results.schema.json says to adapt them."""
    schema = json.loads((STANDARDS / "decidim-accountability/results.schema.json").read_text())
    fields = []
    for f in schema["fields"]:
        stem, _sep, locale = f["name"].rpartition("/")
        if locale in ("ca", "es"):
            if locale == "ca":
                fields.append({**f, "name": f"{stem}/de"})
            continue
        fields.append(f)
    schema["fields"] = fields
    return schema


@needs_standards
def test_the_decidim_csv_validates_against_the_results_schema(programme, tmp_path):
    from frictionless import Dialect, Resource, Schema, formats

    (tmp_path / "results.csv").write_bytes(decidim.make(programme))
    report = Resource(
        path="results.csv",
        basepath=str(tmp_path),
        schema=Schema.from_descriptor(decidim_schema()),
        dialect=Dialect(controls=[formats.CsvControl(delimiter=";")]),
    ).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    # The official fixture's columns, German for Catalan and without Spanish.
    official = (STANDARDS / "decidim-accountability/valid_result.csv").read_text()
    header = official.splitlines()[0].split(";")
    expected = {h.replace("/ca", "/de") for h in header if not h.endswith("/es")}
    assert set(decidim.COLUMNS) == expected


def test_the_decidim_rows_carry_ids_parents_status_and_titles(programme):
    rows = list(csv.DictReader(io.StringIO(decidim.make(programme).decode()), delimiter=";"))
    ids = {m.code: m.pk for m in Measure.objects.filter(programme=programme)}
    by_id = {int(r["id"]): r for r in rows}
    assert set(by_id) == {ids["M1"], ids["M1.1"], ids["M1.1.1"], ids["M2"]}  # no draft M9
    assert by_id[ids["M1.1"]]["parent/id"] == str(ids["M1"])
    assert by_id[ids["M1"]]["parent/id"] == ""
    assert by_id[ids["M1"]]["title/de"] == by_id[ids["M1"]]["title/en"] == "Datenplattform"
    health = {r["status/key"]: r["status/id"] for r in rows if r["status/key"]}
    assert set(health.values()) <= {"11", "12", "13"}
    assert all(health[k] == {"green": "11", "amber": "12", "red": "13"}[k] for k in health)


def test_a_title_that_starts_a_formula_is_neutralised(programme):
    Measure.objects.filter(programme=programme, code="M2").update(title="=HYPERLINK(1)")
    text = decidim.make(programme).decode()
    assert ";'=HYPERLINK(1);'=HYPERLINK(1);" in text


# -- nothing internal ------------------------------------------------------------------------


def test_no_standard_export_holds_anything_internal_draft_or_personal(leaky):  # noqa: F811
    outputs = {
        "iati": iati.make(leaky),
        "popolo": popolo.make(leaky),
        "decidim": decidim.make(leaky),
        "dcat": dcat.make(leaky, FILES),
    }
    for name, data in outputs.items():
        text = data.decode()
        assert MARK not in text, f"{name} shows internal or draft content"
        assert "Geheim" not in text, f"{name} shows a draft"
