"""The council decisions in OParl 1.1 at /oparl/v1/: the whole endpoint walked from the System
object, following every URL it names, every object (embedded ones too) valid against the
official schema of its type; the rules of the specification text that the schemas do not
check (paged lists, created/modified, tombstones, absolute ids); the data as a council
information system reads it, worked out by hand from ``factories.decisions_document`` (the
test clock stands at 01.06.2025 12:00 in Berlin, when the document is loaded)."""

import json
import os
import re
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft7Validator, FormatChecker

from plansicht.decisions.models import Decision
from plansicht.participation.models import Body
from plansicht.plan.models import Measure
from plansicht.services import Actor
from plansicht.services import decisions as service

from .factories import decisions_document, load

pytestmark = pytest.mark.django_db
SITE = "https://plansicht.example.de"
ROOT = SITE + "/oparl/v1/"
OPARL = "https://schema.oparl.org/1.1/"
SLUG = "testprogramm"
SYSTEM = Actor.system("tests", name="Programmbüro")


def standards() -> Path | None:
    """The folder of the official schemas (``shared/standards`` beside the repository): from
    ``PLANSICHT_STANDARDS``, else beside this clone, else where the project keeps it."""
    candidates = [
        os.environ.get("PLANSICHT_STANDARDS"),
        Path(settings.BASE_DIR).parent / "shared" / "standards",
        "/work/shared/standards",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "oparl" / "schema").is_dir():
            return Path(candidate)
    return None


STANDARDS = standards()
needs_schemas = pytest.mark.skipif(
    STANDARDS is None,
    reason="the official OParl schemas (shared/standards/oparl/schema) are not here: set "
    "PLANSICHT_STANDARDS to the folder shared/standards",
)


def _is_url(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def _is_date_time(value) -> bool:
    """RFC 3339 (as OParl wants it): a date, a time and the offset from UTC."""
    if not isinstance(value, str):
        return True
    if not DATE_TIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


# Draft 7's checker with OParl's "url" (absolute http(s)) and "date-time" checked here: the
# latter needs a package jsonschema does not install, without which it passes anything.
FORMATS = FormatChecker()
for _name, _check in Draft7Validator.FORMAT_CHECKER.checkers.items():
    FORMATS.checkers[_name] = _check
FORMATS.checks("url")(_is_url)
FORMATS.checks("date-time")(_is_date_time)


def validator(type_name):
    schema = json.loads((STANDARDS / "oparl" / "schema" / f"{type_name}.json").read_text())
    return Draft7Validator(schema, format_checker=FORMATS)


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    return SITE


@pytest.fixture
def programme(today, site):
    return load(decisions_document())


def pk(number):
    return Decision.objects.get(programme__slug=SLUG, number=number).pk


def body_pk(code):
    return Body.objects.get(code=code).pk


def fetch(client, url, status=200):
    """GET ``url`` (absolute, from SITE_URL); the JSON it answers, with OParl's headers."""
    assert url.startswith(SITE + "/"), url
    response = client.get(url[len(SITE) :])
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"] == "application/json; charset=utf-8", url
    assert response["Access-Control-Allow-Origin"] == "*", url
    return json.loads(response.content.decode("utf-8"))


def when(value) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


def embedded(obj):
    """Every OParl object inside ``obj`` (itself included), at any depth."""
    if isinstance(obj, dict):
        if isinstance(obj.get("type"), str) and obj["type"].startswith(OPARL):
            yield obj
        for value in obj.values():
            yield from embedded(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from embedded(value)


def urls_in(obj):
    """Every URL of the endpoint that ``obj`` names, at any depth."""
    if isinstance(obj, str):
        if obj.startswith(ROOT):
            yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from urls_in(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from urls_in(value)


def check_object(obj):
    """One object as the specification wants it: valid against its type's schema, the type
    exactly 1.1's, an absolute id from SITE_URL, created and modified as date-times with a
    time zone, modified not before created."""
    type_name = obj["type"].removeprefix(OPARL)
    assert obj["type"] == OPARL + type_name
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator(type_name).iter_errors(obj)
    ]
    assert not errors, (obj["id"], errors)
    assert obj["id"].startswith(ROOT), obj["id"]
    assert when(obj["modified"]) >= when(obj["created"]), obj["id"]
    if obj.get("deleted"):
        assert set(obj) == {"id", "type", "created", "modified", "deleted"}, obj


def walk(client):
    """Every response of the endpoint reached from the System object: {url: JSON}. Each list
    page and object is checked; an object in a list is the one its id answers."""
    seen, queue, served = set(), [ROOT], {}
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        data = fetch(client, url)
        served[url] = data
        if "data" in data:  # a list page
            assert set(data) == {"data", "pagination", "links"}, url
            assert set(data["pagination"]) == {
                "totalElements",
                "elementsPerPage",
                "currentPage",
                "totalPages",
            }
            assert data["links"]["self"] in (url, url + "?page=1"), url
            assert ("next" in data["links"]) == (
                data["pagination"]["currentPage"] < data["pagination"]["totalPages"]
            )
        else:
            assert data["id"] == url
        for obj in embedded(data):
            check_object(obj)
        queue += [u for u in urls_in(data) if u not in seen]
    # an object listed or embedded is the very object its id answers
    for data in list(served.values()):
        for obj in embedded(data):
            assert served[obj["id"]] == obj, obj["id"]
    return served


def objects_of(served, type_name):
    found = {}
    for data in served.values():
        for obj in embedded(data):
            if obj["type"] == OPARL + type_name:
                found[obj["id"]] = obj
    return found


def paper_url(number):
    return f"{ROOT}paper/{SLUG}/{number.replace(' ', '%20')}/"


def list_of(client, url):
    """Every object of a list, page after page."""
    found, page = [], fetch(client, url)
    found += page["data"]
    while "next" in page["links"]:
        page = fetch(client, page["links"]["next"])
        found += page["data"]
    return found


# -- the whole endpoint -------------------------------------------------------------------------


@needs_schemas
def test_every_object_the_endpoint_serves_is_valid_oparl(client, programme):
    served = walk(client)
    counts = {
        name: len(objects_of(served, name))
        for name in (
            "System",
            "Body",
            "LegislativeTerm",
            "Organization",
            "Paper",
            "Consultation",
            "Meeting",
            "AgendaItem",
        )
    }
    # five bodies (three advisory ones, the council, a committee); three decisions, on three
    # days: the council's of 01.05.2022 and 14.03.2024, the committee's of 20.01.2025
    assert counts == {
        "System": 1,
        "Body": 1,
        "LegislativeTerm": 1,
        "Organization": 5,
        "Paper": 3,
        "Consultation": 3,
        "Meeting": 3,
        "AgendaItem": 3,
    }
    # the lists OParl requires but Plansicht has nothing for are there, empty
    body = served[f"{ROOT}body/"]["data"][0]
    for key in ("person", "file", "locationList", "membership"):
        assert served[body[key]]["data"] == [], key
        assert served[body[key]]["pagination"]["totalElements"] == 0
    # every portal page the objects name opens
    for obj in objects_of(served, "Paper").values():
        path = urlsplit(obj["web"]).path
        assert client.get(path).status_code == 200, obj["web"]


def test_the_system_object_is_the_entry_point(client, programme):
    system = fetch(client, ROOT)
    assert system == {
        "id": ROOT,
        "type": OPARL + "System",
        "oparlVersion": "https://schema.oparl.org/1.1/",
        "name": "Plansicht",
        "body": ROOT + "body/",
        "website": SITE + "/",
        "created": "2025-06-01T12:00:00+02:00",
        "modified": "2025-06-01T12:00:00+02:00",
    }
    assert "contactEmail" not in system  # no personal address; none is configured


def test_the_city_is_the_body_with_one_legislative_term_from_the_decisions_years(client, programme):
    bodies = fetch(client, ROOT + "body/")
    assert bodies["pagination"]["totalElements"] == 1
    body = bodies["data"][0]
    org = programme.organisation_id
    assert body["id"] == f"{ROOT}body/{org}/"
    assert body["name"] == "Stadt Teststadt" and body["classification"] == "Stadt"
    assert body["paper"] == f"{ROOT}body/{org}/paper/"
    assert body["organization"] == f"{ROOT}body/{org}/organization/"
    assert body["meeting"] == f"{ROOT}body/{org}/meeting/"
    assert body["person"] == f"{ROOT}body/{org}/person/"
    (term,) = body["legislativeTerm"]
    # decisions in 2022, 2024 and 2025
    assert (term["name"], term["startDate"], term["endDate"]) == (
        "Beschlüsse 2022–2025",
        "2022-01-01",
        "2025-12-31",
    )
    assert body["keyword"] == [f"Programm: Testprogramm – {SITE}/p/testprogramm/"]


def test_the_bodies_are_organizations_classified_by_their_kind(client, programme):
    org = programme.organisation_id
    found = {o["shortName"]: o for o in list_of(client, f"{ROOT}body/{org}/organization/")}
    assert {code: o["classification"] for code, o in found.items()} == {
        "SB": "Beirat",
        "JP": "Jugendvertretung",
        "PR": "Personalrat",
        "RAT": "Rat",
        "DA": "Ausschuss",
    }
    assert {o["organizationType"] for o in found.values()} == {"Gremium"}
    council = found["RAT"]
    assert council["name"] == "Rat der Stadt Teststadt"
    meetings = list_of(client, council["meeting"])
    assert [m["start"] for m in meetings] == [
        "2022-05-01T00:00:00+02:00",
        "2024-03-14T00:00:00+01:00",
    ]
    consultations = list_of(client, council["consultation"])
    assert [c["paper"] for c in consultations] == [
        paper_url("DS 0050/2022"),
        paper_url("DS 0100/2024"),
    ]
    assert list_of(client, found["SB"]["meeting"]) == []


def test_a_decision_is_a_paper_with_its_authoritative_consultation(client, programme):
    paper = fetch(client, paper_url("DS 0100/2024"))
    council = body_pk("RAT")
    meeting = f"{ROOT}meeting/{council}/2024-03-14/"
    assert paper["reference"] == "DS 0100/2024"
    assert paper["name"] == "Einrichtung der Stelle Chief Digital Officer"
    assert paper["date"] == "2024-03-14"
    assert paper["paperType"] == "Beschlussvorlage"
    assert paper["body"] == f"{ROOT}body/{programme.organisation_id}/"
    assert paper["web"] == f"{SITE}/p/testprogramm/beschluesse/{pk('DS 0100/2024')}/"
    (consultation,) = paper["consultation"]
    assert consultation == {
        "id": f"{ROOT}consultation/{SLUG}/DS%200100/2024/",
        "type": OPARL + "Consultation",
        "paper": paper["id"],
        "agendaItem": f"{ROOT}agendaitem/{SLUG}/DS%200100/2024/",
        "meeting": meeting,
        "organization": [f"{ROOT}organization/{council}/"],
        "authoritative": True,
        "role": "Entscheidung",
        "created": "2025-06-01T12:00:00+02:00",
        "modified": "2025-06-01T12:00:00+02:00",
    }
    # what OParl has no field for: the assignments and what the decision is about, with the
    # portal's pages (the post is funded, so the positions page shows it)
    assert paper["keyword"] == [
        "Auftrag A1 (fällig 31.12.2024): Die Stelle ist besetzt.",
        "Auftrag A2 (fällig 30.06.2025): Die Stelle steht im Stellenplan.",
        f"Stelle: Chief Digital Officer – {SITE}/p/testprogramm/positions/#post-cdo",
        f"Maßnahme M1 Datenplattform – {SITE}/p/testprogramm/measures/M1/",
        f"Zuwendung: Modellprojekte Smart Cities (KfW) – {SITE}/p/testprogramm/finance/",
    ]
    committee = fetch(client, paper_url("DS 0200/2025"))
    assert committee["keyword"][-4:] == [
        "Planstand 2 „Änderungsplan 2022“",
        f"Maßnahme M1 Datenplattform – {SITE}/p/testprogramm/measures/M1/",
        f"Maßnahme M1.1 Sensorik – {SITE}/p/testprogramm/measures/M1.1/",
        "Im Ratsinformationssystem: https://ratsinfo.example.org/vo0200",
    ]


def test_the_meeting_holds_the_decision_as_its_agenda_item(client, programme):
    council = body_pk("RAT")
    meeting = fetch(client, f"{ROOT}meeting/{council}/2024-03-14/")
    assert meeting["name"] == "Rat der Stadt Teststadt, Sitzung am 14.03.2024"
    assert meeting["start"] == "2024-03-14T00:00:00+01:00"
    assert meeting["organization"] == [f"{ROOT}organization/{council}/"]
    (item,) = meeting["agendaItem"]
    assert item["order"] == 1 and item["meeting"] == meeting["id"]
    assert item["name"] == "Einrichtung der Stelle Chief Digital Officer"
    assert item["result"] == "beschlossen"
    assert item["keyword"] == ["Abstimmung: 30 dafür, 4 dagegen, 2 Enthaltungen"]
    assert item["consultation"] == f"{ROOT}consultation/{SLUG}/DS%200100/2024/"
    assert "resolutionText" not in item  # the decision has no text
    committee = fetch(client, f"{ROOT}agendaitem/{SLUG}/DS%200200/2025/")
    assert committee["result"] == "mit Änderungen beschlossen"
    assert (
        committee["resolutionText"]
        == "Der Ausschuss beschließt die Ausschreibung **mit Änderungen**."
    )


def test_two_decisions_of_one_body_on_one_day_are_one_meeting(client, programme):
    service.save_decision(
        programme,
        actor=SYSTEM,
        number="DS 0010/2024",
        body=Body.objects.get(code="RAT"),
        date=date(2024, 3, 14),
        title="Bericht zur Umsetzung",
        result="noted",
    )
    meeting = fetch(client, f"{ROOT}meeting/{body_pk('RAT')}/2024-03-14/")
    assert [(i["order"], i["name"], i["result"]) for i in meeting["agendaItem"]] == [
        (1, "Bericht zur Umsetzung", "zur Kenntnis genommen"),
        (2, "Einrichtung der Stelle Chief Digital Officer", "beschlossen"),
    ]


# -- lists --------------------------------------------------------------------------------------


def test_lists_are_paged_in_a_stable_order(client, programme):
    papers = f"{ROOT}body/{programme.organisation_id}/paper/"
    first = fetch(client, papers + "?elementsPerPage=2")
    assert [p["reference"] for p in first["data"]] == ["DS 0050/2022", "DS 0100/2024"]
    assert first["pagination"] == {
        "totalElements": 3,
        "elementsPerPage": 2,
        "currentPage": 1,
        "totalPages": 2,
    }
    assert first["links"] == {
        "first": papers + "?elementsPerPage=2&page=1",
        "next": papers + "?elementsPerPage=2&page=2",
        "last": papers + "?elementsPerPage=2&page=2",
        "self": papers + "?elementsPerPage=2&page=1",
    }
    second = fetch(client, first["links"]["next"])
    assert [p["reference"] for p in second["data"]] == ["DS 0200/2025"]
    assert second["pagination"]["currentPage"] == 2
    assert second["links"]["prev"] == first["links"]["self"]
    assert "next" not in second["links"]
    # the same order every time, and without a page size all on the first page
    assert fetch(client, papers + "?elementsPerPage=2") == first
    assert [p["reference"] for p in fetch(client, papers)["data"]] == [
        "DS 0050/2022",
        "DS 0100/2024",
        "DS 0200/2025",
    ]
    # beyond the last page, and a page that is not a number
    assert fetch(client, papers + "?elementsPerPage=2&page=3", status=404)["status"] == 404
    assert fetch(client, papers + "?page=zwei", status=400)["status"] == 400


def test_lists_are_filtered_by_created_and_modified(client, programme, time_machine):
    time_machine.move_to(datetime.fromisoformat("2025-06-03T09:30:00+02:00"), tick=False)
    ds = Decision.objects.get(number="DS 0200/2025")
    service.save_assignment(
        ds, actor=SYSTEM, code="A5", title="Bericht", due=date(2025, 12, 31), kind="recorded"
    )
    papers = f"{ROOT}body/{programme.organisation_id}/paper/"
    since = fetch(client, papers + "?modified_since=2025-06-02T00:00:00%2B02:00")["data"]
    assert [p["reference"] for p in since] == ["DS 0200/2025"]
    # a "+" left unencoded arrives as a space, and is read as meant
    assert fetch(client, papers + "?modified_since=2025-06-02T00:00:00+02:00")["data"] == since
    until = fetch(client, papers + "?modified_until=2025-06-02T00:00:00%2B02:00")
    assert [p["reference"] for p in until["data"]] == ["DS 0050/2022", "DS 0100/2024"]
    assert "modified_until=2025-06-02T00%3A00%3A00%2B02%3A00" in until["links"]["self"]
    assert fetch(client, papers + "?created_since=2025-06-02T00:00:00%2B02:00")["data"] == []
    assert fetch(client, papers + "?created_until=gestern", status=400)["status"] == 400


# -- created and modified -----------------------------------------------------------------------


def test_created_and_modified_follow_the_history(client, programme, time_machine):
    # loaded at 01.06.2025 12:00 with the document: no event per decision, the load's time
    assert fetch(client, paper_url("DS 0100/2024"))["created"] == "2025-06-01T12:00:00+02:00"
    time_machine.move_to(datetime.fromisoformat("2025-06-02T09:00:00+02:00"), tick=False)
    made = service.save_decision(
        programme,
        actor=SYSTEM,
        number="DS 0300/2025",
        body=Body.objects.get(code="DA"),
        date=date(2025, 5, 22),
        title="Beteiligungsplattform",
        result="adopted",
    )
    time_machine.move_to(datetime.fromisoformat("2025-06-02T15:00:00+02:00"), tick=False)
    service.save_assignment(
        made, actor=SYSTEM, code="A1", title="Ausschreibung", due=date(2025, 9, 30), kind="recorded"
    )
    time_machine.move_to(datetime.fromisoformat("2025-06-03T08:00:00+02:00"), tick=False)
    old = Decision.objects.get(number="DS 0100/2024")
    service.save_decision(
        programme,
        actor=SYSTEM,
        decision=old,
        number=old.number,
        body=old.body,
        date=old.date,
        title="Einrichtung der Stelle CDO",
        result=old.result,
        votes_yes=30,
        votes_no=4,
        votes_abstain=2,
        positions=list(old.positions.all()),
        measures=list(old.measures.all()),
        grants=list(old.grants.all()),
    )
    new = fetch(client, paper_url("DS 0300/2025"))
    assert (new["created"], new["modified"]) == (
        "2025-06-02T09:00:00+02:00",  # entered
        "2025-06-02T15:00:00+02:00",  # its assignment added
    )
    assert new["consultation"][0]["modified"] == new["modified"]
    changed = fetch(client, paper_url("DS 0100/2024"))
    assert (changed["created"], changed["modified"]) == (
        "2025-06-01T12:00:00+02:00",
        "2025-06-03T08:00:00+02:00",
    )
    untouched = fetch(client, paper_url("DS 0050/2022"))
    assert untouched["modified"] == "2025-06-01T12:00:00+02:00"
    # a meeting is as new as its newest agenda item; the body as its latest change
    meeting = fetch(client, f"{ROOT}meeting/{body_pk('DA')}/2025-05-22/")
    assert (meeting["created"], meeting["modified"]) == (
        "2025-06-02T09:00:00+02:00",
        "2025-06-02T15:00:00+02:00",
    )
    body = fetch(client, f"{ROOT}body/{programme.organisation_id}/")
    assert (body["created"], body["modified"]) == (
        "2025-06-01T12:00:00+02:00",
        "2025-06-03T08:00:00+02:00",
    )


# -- removed objects ----------------------------------------------------------------------------


@needs_schemas
def test_a_removed_decision_stays_as_a_tombstone(client, programme, time_machine):
    time_machine.move_to(datetime.fromisoformat("2025-06-04T10:00:00+02:00"), tick=False)
    service.delete_decision(
        Decision.objects.get(number="DS 0200/2025"), actor=SYSTEM, reason="doppelt erfasst"
    )
    tombstone = {
        "id": paper_url("DS 0200/2025"),
        "type": OPARL + "Paper",
        "created": "2025-06-01T12:00:00+02:00",
        "modified": "2025-06-04T10:00:00+02:00",
        "deleted": True,
    }
    papers = fetch(client, f"{ROOT}body/{programme.organisation_id}/paper/")["data"]
    assert [p.get("reference") for p in papers] == ["DS 0050/2022", "DS 0100/2024", None]
    assert papers[2] == tombstone
    assert fetch(client, paper_url("DS 0200/2025")) == tombstone
    # its meeting had no other item: gone too; its consultation and agenda item just end
    committee = body_pk("DA")
    assert fetch(client, f"{ROOT}meeting/{committee}/2025-01-20/") == {
        "id": f"{ROOT}meeting/{committee}/2025-01-20/",
        "type": OPARL + "Meeting",
        "created": "2025-06-01T12:00:00+02:00",
        "modified": "2025-06-04T10:00:00+02:00",
        "deleted": True,
    }
    fetch(client, f"{ROOT}consultation/{SLUG}/DS%200200/2025/", status=404)
    fetch(client, f"{ROOT}agendaitem/{SLUG}/DS%200200/2025/", status=404)
    # only the ones that were shown: a new tombstone for a changed one shows only since then
    since = fetch(
        client,
        f"{ROOT}body/{programme.organisation_id}/paper/?modified_since=2025-06-04T00:00:00%2B02:00",
    )
    assert since["data"] == [tombstone]
    walk(client)  # and all is still valid OParl


def test_a_renumbered_or_moved_decision_leaves_a_tombstone_at_its_old_address(
    client, programme, time_machine
):
    time_machine.move_to(datetime.fromisoformat("2025-06-05T11:00:00+02:00"), tick=False)
    old = Decision.objects.get(number="DS 0050/2022")
    service.save_decision(
        programme,
        actor=SYSTEM,
        decision=old,
        number="DS 0051/2022",
        body=old.body,
        date=date(2022, 5, 2),
        title=old.title,
        result=old.result,
        plan_versions=list(old.plan_versions.all()),
    )
    assert fetch(client, paper_url("DS 0050/2022"))["deleted"] is True
    moved = fetch(client, paper_url("DS 0051/2022"))
    assert (moved["created"], moved["modified"]) == (
        "2025-06-01T12:00:00+02:00",
        "2025-06-05T11:00:00+02:00",
    )
    council = body_pk("RAT")
    assert fetch(client, f"{ROOT}meeting/{council}/2022-05-01/")["deleted"] is True
    assert fetch(client, f"{ROOT}meeting/{council}/2022-05-02/")["agendaItem"][0]["name"] == (
        "Änderungsplan 2022"
    )


def test_a_decision_entered_in_the_office_and_dropped_by_a_replacement_is_a_tombstone(
    client, programme, time_machine
):
    time_machine.move_to(datetime.fromisoformat("2025-06-02T09:00:00+02:00"), tick=False)
    service.save_decision(
        programme,
        actor=SYSTEM,
        number="DS 0300/2025",
        body=Body.objects.get(code="DA"),
        date=date(2025, 5, 22),
        title="Beteiligungsplattform",
        result="adopted",
    )
    time_machine.move_to(datetime.fromisoformat("2025-06-06T14:00:00+02:00"), tick=False)
    load(decisions_document(), replace=True)  # the document does not hold DS 0300/2025
    assert fetch(client, paper_url("DS 0300/2025")) == {
        "id": paper_url("DS 0300/2025"),
        "type": OPARL + "Paper",
        "created": "2025-06-02T09:00:00+02:00",
        "modified": "2025-06-06T14:00:00+02:00",
        "deleted": True,
    }
    assert fetch(client, f"{ROOT}meeting/{body_pk('DA')}/2025-05-22/")["deleted"] is True
    # the replacement may have changed the rest: they count as modified then
    assert fetch(client, paper_url("DS 0100/2024"))["modified"] == "2025-06-06T14:00:00+02:00"


def test_unknown_objects_answer_404_in_json(client, programme):
    council = body_pk("RAT")
    for url in (
        paper_url("DS 9999/2025"),
        f"{ROOT}paper/nirgendwo/DS%200100/2024/",
        f"{ROOT}meeting/{council}/2024-03-15/",
        f"{ROOT}meeting/{council}/gestern/",
        f"{ROOT}meeting/99999/2024-03-14/",
        f"{ROOT}organization/99999/",
        f"{ROOT}body/99999/",
        f"{ROOT}body/{programme.organisation_id}/nichts/",
        f"{ROOT}gibt-es-nicht/",
    ):
        assert fetch(client, url, status=404) == {
            "status": 404,
            "detail": "Dieses Objekt gibt es nicht.",
        }


def test_an_address_without_its_final_slash_is_sent_on(client, programme):
    response = client.get(f"/oparl/v1/body/{programme.organisation_id}/paper?page=1")
    assert response.status_code == 301
    assert response["Location"] == f"/oparl/v1/body/{programme.organisation_id}/paper/?page=1"
    assert client.get("/oparl/v1/nichts").status_code == 404


def test_the_interface_is_read_only_and_open_to_web_clients(client, programme):
    client = Client(enforce_csrf_checks=True)  # as a real client: no CSRF token
    response = client.post("/oparl/v1/")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD, OPTIONS"
    assert json.loads(response.content)["status"] == 405
    head = client.head("/oparl/v1/")
    assert head.status_code == 200 and head["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/oparl/v1/body/")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"
    # the same words whatever language the browser asks for
    english = client.get(
        paper_url("DS 0100/2024")[len(SITE) :].replace("%20", " "), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert json.loads(english.content)["keyword"][0].startswith("Auftrag A1")


# -- only what is public ------------------------------------------------------------------------


def test_a_decision_dated_after_today_is_published_on_its_day(client, today, site, time_machine):
    doc = decisions_document()
    doc["decisions"][0].update(date="2025-06-30", assignments=[])  # DS 0100/2024: after today
    programme = load(doc)
    papers = list_of(client, f"{ROOT}body/{programme.organisation_id}/paper/")
    assert [p["reference"] for p in papers] == ["DS 0050/2022", "DS 0200/2025"]
    fetch(client, paper_url("DS 0100/2024"), status=404)
    fetch(client, f"{ROOT}meeting/{body_pk('RAT')}/2025-06-30/", status=404)
    assert (
        fetch(client, f"{ROOT}body/{programme.organisation_id}/")["legislativeTerm"][0]["endDate"]
        == "2025-12-31"
    )
    # on its day it appears, created and modified then: a client that asks what changed since
    # the day before finds it, though nothing was written that day
    time_machine.move_to(datetime.fromisoformat("2025-07-01T10:00:00+02:00"), tick=False)
    paper = fetch(client, paper_url("DS 0100/2024"))
    assert (paper["created"], paper["modified"]) == (
        "2025-06-30T00:00:00+02:00",
        "2025-06-30T00:00:00+02:00",
    )
    since = f"{ROOT}body/{programme.organisation_id}/paper/?modified_since=2025-06-29T00:00:00Z"
    assert [p["reference"] for p in fetch(client, since)["data"]] == ["DS 0100/2024"]
    body = fetch(client, f"{ROOT}body/{programme.organisation_id}/")
    assert body["modified"] == "2025-06-30T00:00:00+02:00"


def test_a_draft_measure_is_never_named(client, programme):
    Measure.objects.filter(code="M1.1").update(draft=True)
    paper = fetch(client, paper_url("DS 0200/2025"))
    assert not [k for k in paper["keyword"] if "M1.1" in k or "Sensorik" in k]
    assert f"Maßnahme M1 Datenplattform – {SITE}/p/testprogramm/measures/M1/" in paper["keyword"]


# -- queries ------------------------------------------------------------------------------------


def many_decisions(n):
    """The decisions document with ``n`` decisions, every one with an assignment and links, on
    ``n`` different days of the council and the committee."""
    doc = decisions_document()
    first = doc["decisions"][1]
    doc["decisions"] = [
        {
            **first,
            "number": f"DS {i:04d}/2024",
            "body": "RAT" if i % 2 else "DA",
            "date": f"2024-{1 + i % 12:02d}-{1 + i // 12:02d}",
            "assignments": [
                {
                    "code": "A1",
                    "title": "Bericht",
                    "due": "2025-12-31",
                    "done_when": {"recorded": None},
                }
            ],
        }
        for i in range(n)
    ]
    return doc


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_list_page_takes_the_same_number_of_queries_for_2_and_20_decisions(client, today, site):
    programme = load(many_decisions(2))
    org = programme.organisation_id
    council = body_pk("RAT")
    lists = [
        f"/oparl/v1/body/{org}/{part}/"
        for part in ("paper", "meeting", "agendaitem", "consultation", "organization")
    ] + [f"/oparl/v1/organization/{council}/meeting/", "/oparl/v1/body/"]
    few = {url: queries(client, url) for url in lists}
    load(many_decisions(20), replace=True)
    assert len(fetch(client, f"{SITE}/oparl/v1/body/{org}/paper/")["data"]) == 20
    assert {url: queries(client, url) for url in lists} == few
