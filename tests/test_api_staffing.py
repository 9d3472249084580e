"""Posts in the API: where hiring stands and what a vacancy costs, figured by hand from
``staffed_document`` as of the test clock (01.06.2025); never a holder's name.

The document: the CDO post, funded by G1 (90 % of eligible costs until 31.08.2025), planned
since 01.01.2024 and in the establishment plan since 01.03.2025, with an honorary stand-in;
milestone D (9,000.00 of staff cost, 90 days from 01.07.2025) waits for it. Hiring takes 90
days in the establishment plan, then 42 advertised, 56 selection and 30 for the offer; a new
holder needs 30 days to start. The project lead PL (not funded, nothing waits for it) is filled
since 01.05.2023 by Max Beispiel, named publicly."""

import pytest

from .factories import decisions_document, load, staffed_document

pytestmark = pytest.mark.django_db

API = "/api/v1/programmes/testprogramm"


def test_a_vacant_post_with_its_hiring_and_what_the_vacancy_costs(client, today):
    load(staffed_document())
    page = client.get(f"{API}/positions/").json()
    assert [p["code"] for p in page["results"]] == ["CDO"]  # PL: not funded, nobody waits
    cdo = page["results"][0]
    assert cdo == client.get(f"{API}/positions/CDO").json()
    assert (cdo["title"], cdo["grant"], cdo["grant_title"]) == (
        "Chief Digital Officer",
        "G1",
        "Modellprojekte Smart Cities",
    )
    assert cdo["vacant"] is True and cdo["filled_since"] is None
    assert (cdo["current_step"], cdo["current_since"]) == ("in_establishment_plan", "2025-03-01")
    # Vacant since its first hiring step (later than the grant notice of 01.10.2020): from
    # 01.01.2024 to 01.06.2025 are 366 + 151 days.
    assert (cdo["vacant_since"], cdo["vacant_since_basis"], cdo["days_vacant"]) == (
        "2024-01-01",
        "first_step",
        517,
    )
    # The 90 days in the establishment plan ran out on 30.05.: from today 42 + 56 + 30 days.
    assert cdo["forecast_fill"] == "2025-10-07"
    assert (cdo["cover"], cdo["cover_label"]) == ("honorary", "ehrenamtliche Vertretung")
    # D starts 30 days after the fill, on 06.11., so all its 9,000.00 falls after 31.08.:
    # grant at risk 8,100.00. Filled today, D would start as planned on 01.07. with 28 of its
    # 90 days after 31.08. (2,520.00 at risk): the vacancy costs 5,580.00. Filled a month
    # later, D would start on 31.07. with 58 days after 31.08. (5,220.00): 2,700.00 a month.
    assert (cdo["vacancy_cost"], cdo["month_cost"]) == ("5580.00", "2700.00")
    assert cdo["waiting_milestones"] == ["D"]
    assert cdo["decisions"] == []


def test_a_filled_post_says_since_when_and_names_no_holder(client, today):
    doc = staffed_document()
    doc["positions"][1]["grant"] = "G1"  # PL, funded now: the positions page shows it
    load(doc)
    response = client.get(f"{API}/positions/PL")
    pl = response.json()
    assert (pl["vacant"], pl["filled_since"]) == (False, "2023-05-01")
    for key in ("current_step", "vacant_since", "forecast_fill", "cover", "vacancy_cost"):
        assert pl[key] is None, key  # as the page: nothing of a vacancy
    text = client.get(f"{API}/positions/").content.decode()
    assert "Max Beispiel" not in text and "Erika Muster" not in text
    assert "2025-07-15" not in text  # the holder's contract end
    assert [p["code"] for p in client.get(f"{API}/positions/?vacant=false").json()["results"]] == [
        "PL"
    ]
    assert [p["code"] for p in client.get(f"{API}/positions/?vacant=true").json()["results"]] == [
        "CDO"
    ]


def test_a_post_lists_the_council_decisions_about_it(client, today):
    load(decisions_document())
    cdo = client.get(f"{API}/positions/CDO").json()
    assert [(d["number"], d["date"]) for d in cdo["decisions"]] == [("DS 0100/2024", "2024-03-14")]
    decision = client.get(f"{API}/decisions/{cdo['decisions'][0]['id']}").json()
    assert decision["number"] == "DS 0100/2024"


def test_a_post_the_portal_does_not_show_is_not_found(client, today):
    load(staffed_document())
    for code in ("PL", "NOPE"):
        response = client.get(f"{API}/positions/{code}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404
        assert response.json() == {
            "detail": f"This programme shows no post {code}.",
            "errors": [],
        }
