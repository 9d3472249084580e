"""The office's pages for posts and hiring (Murat, HR): who may read and change posts, hiring
steps and details through the forms with the service's refusals on the right field, the what-if
that shows the money a hire saves and stores nothing, and the alerts on the dashboard."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from plansicht.accounts.models import Unit
from plansicht.forecast.models import (
    GrantForecast,
    MilestoneForecast,
    PositionForecast,
    ProgrammeForecast,
)
from plansicht.history.models import Event
from plansicht.staffing.models import HiringStep, Position

from .factories import load, staffed_document

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
]
OFFICE_ROLES = set(PERSONAS) - {"outsider"}
POSITION_ROLES = {"hr", "admin"}
WHAT_IF = {"post": "CDO", "filled_on": "2025-06-01"}


@pytest.fixture
def persona_document():
    return staffed_document()


@pytest.fixture
def people(personas):
    """The personas on the staffed document."""
    return personas


def de(message, **values) -> str:
    """A message as the German pages show it, filled in."""
    with translation.override("de"):
        return escape(translation.gettext(message) % values)


def url(name, *args):
    return reverse(f"office:{name}", args=[SLUG, *args])


def details(**extra):
    """The details form of CDO as stored, with ``extra`` changed."""
    cdo = Position.objects.get(code="CDO")
    data = {
        "op": "details",
        "details-title": cdo.title,
        "details-unit": str(cdo.unit_id or ""),
        "details-fte": "1,00",
        "details-pay_grade": cdo.pay_grade,
        "details-grant": str(cdo.grant_id or ""),
        "details-cover": cdo.cover,
        "details-expected_fill": "",
        "details-holder": cdo.holder,
        "details-contract_end": "",
        "details-reason": "",
    }
    data.update({f"details-{key}": value for key, value in extra.items()})
    return data


def step(step="filled", on="2025-05-15", reason="Besetzt zum 15.5."):
    return {"op": "step", "step-step": step, "step-on": on, "step-reason": reason}


def stored_state():
    """Everything a what-if must leave alone."""
    return (
        Event.objects.count(),
        HiringStep.objects.count(),
        list(Position.objects.order_by("pk").values()),
        list(ProgrammeForecast.objects.values("pk", "forecast_finish", "health", "grant_at_risk")),
        list(MilestoneForecast.objects.order_by("pk").values()),
        list(PositionForecast.objects.order_by("pk").values()),
        list(GrantForecast.objects.order_by("pk").values("pk", "grant_at_risk", "cost_at_risk")),
    )


# -- the permission matrix --------------------------------------------------------------------


# Who may open and post to which page: test_office_permissions.py.


@pytest.mark.parametrize("persona", sorted(POSITION_ROLES))
def test_hr_and_administrators_may_post(client, people, persona):
    client.force_login(getattr(people, persona))
    response = client.post(url("position", "CDO"), details(cover="interim", reason="Vertretung"))
    assert response.status_code == 302
    assert response["Location"] == url("position", "CDO")
    assert Position.objects.get(code="CDO").cover == "interim"
    event = Event.objects.get(action="position.changed")
    assert (event.user, event.changes) == (
        getattr(people, persona),
        {"cover": ["honorary", "interim"]},
    )


def test_readers_see_no_forms_and_hr_does(client, people):
    client.force_login(people.viewer)
    page = client.get(url("position", "CDO")).content.decode()
    assert 'name="op"' not in page and 'name="step-step"' not in page
    client.force_login(people.hr)
    page = client.get(url("position", "CDO")).content.decode()
    assert 'value="step"' in page and 'value="details"' in page


def test_the_office_navigation_links_posts_and_the_what_if(client, people):
    client.force_login(people.viewer)
    page = client.get(url("dashboard")).content.decode()
    assert f'href="{url("positions")}"' in page
    assert f'href="{url("what_if")}"' in page


def test_a_post_that_does_not_exist_is_404(client, people):
    client.force_login(people.hr)
    assert client.get(url("position", "NOPE")).status_code == 404


# -- the list and the post page ---------------------------------------------------------------


def test_the_list_shows_step_fill_date_stand_in_waiting_milestones_cost_and_alerts(client, people):
    client.force_login(people.hr)
    response = client.get(url("positions"))
    page = response.content.decode()
    assert url("position", "CDO") in page and url("position", "PL") in page
    assert "01.03.2025" in page  # in the establishment plan since
    assert "07.10.2025" in page  # forecast fill date
    # Never filled: vacant since its first step, not since the grant notice of 2020.
    assert de("vacant since %(date)s, since the first hiring step", date="01.01.2024") in page
    assert "5.580,00 €" in page  # vacancy cost
    # Filled on 1.7. instead of 1.6., 2700 € more grant money is at risk (test_staffing).
    assert de("each month of delay costs %(amount)s grant money", amount="2.700,00 €") in page
    cdo = next(p for p in response.context["posts"] if p.code == "CDO")
    assert len(cdo.alert_texts) == 2  # not advertised, stand-in only
    assert "1704" in cdo.alert_texts[0]  # days since the grant notice
    pl = next(p for p in response.context["posts"] if p.code == "PL")
    assert len(pl.alert_texts) == 1 and "15.07.2025" in pl.alert_texts[0]
    # HR may not edit milestone D: the link goes to the public page.
    assert reverse("portal:milestone", args=[SLUG, "D"]) in page
    assert url("milestone", "D") not in page


def test_a_plan_editor_gets_the_office_link_to_a_waiting_milestone(client, people):
    client.force_login(people.editor)
    page = client.get(url("positions")).content.decode()
    assert url("milestone", "D") in page


def test_the_post_page_shows_its_steps_oldest_first(client, people):
    client.force_login(people.viewer)
    response = client.get(url("position", "CDO"))
    assert [on for _label, on in response.context["steps"]] == [
        date(2024, 1, 1),
        date(2025, 3, 1),
    ]
    page = response.content.decode().split('id="steps-heading"')[1]
    assert page.index("01.01.2024") < page.index("01.03.2025")


@pytest.mark.parametrize("persona", sorted(OFFICE_ROLES))
def test_a_private_holder_name_is_shown_in_the_office(client, people, persona):
    assert Position.objects.get(code="CDO").holder_public is False
    client.force_login(getattr(people, persona))
    response = client.get(url("position", "CDO"))
    assert response.status_code == 200
    assert "Erika Muster" in response.content.decode()


def test_a_private_holder_name_stays_off_the_public_posts_page(client, people):
    page = client.get(reverse("portal:positions", args=[SLUG])).content.decode()
    assert "Erika Muster" not in page


# -- hiring steps and details through the forms -----------------------------------------------


def test_hr_enters_the_filled_step_and_the_stored_forecast_follows(client, people):
    assert PositionForecast.objects.get(position__code="CDO").vacant is True
    client.force_login(people.hr)
    response = client.post(url("position", "CDO"), step(), follow=True)
    assert response.redirect_chain == [(url("position", "CDO"), 302)]
    stored = PositionForecast.objects.get(position__code="CDO")
    assert (stored.vacant, stored.fill, stored.current_step) == (False, date(2025, 5, 15), "filled")
    assert MilestoneForecast.objects.get(milestone__code="D").start == date(2025, 7, 1)
    event = Event.objects.get(action="position.step")
    assert (event.user, event.reason) == (people.hr, "Besetzt zum 15.5.")
    assert [str(m) for m in response.context["messages"]]


def test_a_step_in_the_future_is_refused_on_the_date_field(client, people):
    client.force_login(people.hr)
    response = client.post(url("position", "CDO"), step(step="advertised", on="2025-07-01"))
    assert response.status_code == 400
    form = response.context["forms"]["step"]
    assert list(form.errors) == ["on"]
    assert not Event.objects.filter(action="position.step").exists()


def test_the_same_step_on_the_same_date_is_refused_on_the_step_field(client, people):
    client.force_login(people.hr)
    before = stored_state()
    response = client.post(
        url("position", "CDO"), step(step="in_establishment_plan", on="2025-03-01")
    )
    assert response.status_code == 400
    form = response.context["forms"]["step"]
    assert list(form.errors) == ["step"]
    assert escape(form.errors["step"][0]) in response.content.decode()
    assert stored_state() == before


def test_hr_enters_the_day_a_post_is_needed_from_and_the_vacancy_counts_from_then(client, people):
    client.force_login(people.hr)
    response = client.post(
        url("position", "CDO"), details(needed_from="01.07.2024", reason="Bedarf ab Juli")
    )
    assert response.status_code == 302
    assert Position.objects.get(code="CDO").needed_from == date(2024, 7, 1)
    stored = PositionForecast.objects.get(position__code="CDO")
    assert (stored.vacant_since, stored.vacant_basis, stored.days_vacant) == (
        date(2024, 7, 1),
        "needed_from",
        335,
    )
    event = Event.objects.get(action="position.changed")
    assert event.changes == {"needed_from": [None, "2024-07-01"]}
    page = client.get(url("position", "CDO")).content.decode()
    assert de("vacant since %(date)s, needed from that day", date="01.07.2024") in page
    public = client.get(reverse("portal:positions", args=[SLUG])).content.decode()
    assert de("vacant since %(date)s, needed from that day", date="01.07.2024") in public


def test_a_step_without_a_date_is_refused_by_the_form(client, people):
    client.force_login(people.hr)
    response = client.post(url("position", "CDO"), step(on=""))
    assert response.status_code == 400
    assert "on" in response.context["forms"]["step"].errors


def test_a_holder_leaving_moves_finishes_later_and_needs_a_reason(client, people):
    client.force_login(people.hr)
    cdo = url("position", "CDO")
    assert client.post(cdo, step()).status_code == 302
    response = client.post(cdo, step(step="advertised", on="2025-06-01", reason=""))
    assert response.status_code == 400
    assert list(response.context["forms"]["step"].errors) == ["reason"]
    assert PositionForecast.objects.get(position__code="CDO").vacant is False


def test_hr_changes_details_in_german_number_format(client, people):
    client.force_login(people.hr)
    unit = Unit.objects.get(name="Tiefbauamt")
    response = client.post(
        url("position", "CDO"),
        details(
            fte="0,5",
            unit=str(unit.pk),
            pay_grade="E 15",
            expected_fill="2025-12-01",
            holder_public="on",
            reason="Teilzeit",
        ),
    )
    assert response.status_code == 302
    cdo = Position.objects.get(code="CDO")
    assert (str(cdo.fte), cdo.unit, cdo.pay_grade) == ("0.50", unit, "E 15")
    assert cdo.holder_public is True
    assert PositionForecast.objects.get(position=cdo).fill == date(2025, 12, 1)


def test_an_fte_out_of_range_gets_the_service_message_on_its_field(client, people):
    client.force_login(people.hr)
    response = client.post(url("position", "CDO"), details(fte="0"))
    assert response.status_code == 400
    assert list(response.context["forms"]["details"].errors) == ["fte"]
    assert Position.objects.get(code="CDO").fte == 1


def test_an_fte_that_is_no_number_is_refused_by_the_form(client, people):
    client.force_login(people.hr)
    response = client.post(url("position", "CDO"), details(fte="eins"))
    assert response.status_code == 400
    assert list(response.context["forms"]["details"].errors) == ["fte"]


def test_a_unit_of_another_organisation_cannot_be_chosen(client, people):
    from plansicht.accounts.models import Organisation

    stranger = Organisation.objects.create(name="Nachbarstadt")
    unit = Unit.objects.create(organisation=stranger, name="Personalamt")
    client.force_login(people.hr)
    response = client.post(url("position", "CDO"), details(unit=str(unit.pk)))
    assert response.status_code == 400
    assert "unit" in response.context["forms"]["details"].errors
    assert Position.objects.get(code="CDO").unit.name == "Stabsstelle Digitalisierung"


def test_saving_unchanged_details_says_so(client, people):
    client.force_login(people.hr)
    response = client.post(url("position", "CDO"), details())
    assert response.status_code == 400
    assert response.context["forms"]["details"].non_field_errors()
    assert not Event.objects.filter(action="position.changed").exists()


def test_an_unknown_operation_is_a_bad_request(client, people):
    client.force_login(people.hr)
    response = client.post(url("position", "CDO"), {"op": "delete"})
    assert response.status_code == 400


# -- the what-if ------------------------------------------------------------------------------


def test_the_what_if_shows_the_money_a_hire_saves_and_stores_nothing(client, people):
    client.force_login(people.hr)
    before = stored_state()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("what_if"), WHAT_IF)
    assert response.status_code == 200
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert writes == []
    assert stored_state() == before
    page = response.content.decode()
    assert "2.520,00 €" in page and "8.100,00 €" in page
    comparison = response.context["comparison"]
    assert comparison["fill"]["planned"] == date(2025, 10, 7)
    assert str(comparison["grants"]["saved"]) == "5580.00"
    rows = {row["milestone"].code: row for row in comparison["milestones"]["rows"]}
    assert rows["D"]["direct"] is True
    assert rows["D"]["planned"].finish == date(2026, 2, 4)
    assert rows["D"]["assumed"].finish < rows["D"]["planned"].finish
    programme = comparison["programme"]
    assert programme["assumed"].forecast_finish < programme["planned"].forecast_finish


def test_the_what_if_link_of_a_post_preselects_it_without_an_error(client, people):
    client.force_login(people.viewer)
    page = client.get(url("position", "CDO")).content.decode()
    link = url("what_if") + "?post=CDO"
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound and not form.errors
    assert response.context["comparison"] is None
    assert '<option value="CDO" selected>' in response.content.decode()
    assert 'class="errorlist' not in response.content.decode()


def with_more_posts():
    """The staffed document plus CUO, vacant, which only the started milestone B waits for,
    and DS, vacant, which no milestone waits for."""
    doc = staffed_document()
    steps = [{"step": "planned", "on": "2024-01-01"}]
    doc["positions"] += [
        {"code": "CUO", "title": "Chief Urban Officer", "grant": "G1", "steps": steps},
        {"code": "DS", "title": "Data Scientist", "grant": "G1", "steps": steps},
    ]
    doc["milestones"][1]["requires_positions"] = ["CUO"]  # B, started on 15.2.2025
    load(doc, replace=True, reason="more posts")


@pytest.mark.parametrize(
    ("code", "effect", "message"),
    [
        (
            "DS",
            "none_waiting",
            "No published milestone waits for this post, so no finish date and no money change.",
        ),
        (
            "CUO",
            "none_moves",
            "None of the milestones waiting for this post moves: each has started already or "
            "cannot start earlier for other reasons. So no finish date and no money change.",
        ),
    ],
)
def test_a_what_if_that_moves_nothing_says_why_and_no_change(client, people, code, effect, message):
    with_more_posts()
    client.force_login(people.viewer)
    response = client.get(url("what_if"), {"post": code, "filled_on": "2025-06-01"})
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison["effect"] == effect
    assert comparison["fill"]["assumed"] < comparison["fill"]["planned"]  # days earlier…
    page = response.content.decode()
    assert de(message) in page  # …and the reason nothing follows from it
    assert de("Grant at risk: no change (%(planned)s).", planned="8.100,00 €") in page
    same = de(
        "Grant at risk: %(assumed)s instead of %(planned)s.",
        assumed="8.100,00 €",
        planned="8.100,00 €",
    )
    assert same not in page
    saved = page.split(de("Total"))[1]
    assert de("no change") in saved.split("</tr>")[0]


def test_a_what_if_that_moves_the_waiting_milestone_says_nothing_of_the_kind(client, people):
    client.force_login(people.viewer)
    response = client.get(url("what_if"), WHAT_IF)
    assert response.context["comparison"]["effect"] == ""
    page = response.content.decode()
    assert (
        de(
            "Grant at risk: %(assumed)s instead of %(planned)s.",
            assumed="2.520,00 €",
            planned="8.100,00 €",
        )
        in page
    )


def test_the_what_if_form_alone_computes_nothing(client, people):
    client.force_login(people.viewer)
    response = client.get(url("what_if"))
    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert not response.context["form"].is_bound


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"post": "CDO", "filled_on": "2025-13-01"}, "filled_on"),
        ({"post": "CDO", "filled_on": "bald"}, "filled_on"),
        ({"post": "CDO", "filled_on": ""}, "filled_on"),
        ({"post": "CDO", "filled_on": "2025-05-01"}, "filled_on"),  # before today
        ({"post": "NOPE", "filled_on": "2025-06-01"}, "post"),
        ({"post": "PL", "filled_on": "2025-06-01"}, "post"),  # already filled
    ],
)
def test_a_bad_what_if_is_400_with_a_message_on_the_field(client, people, query, field):
    client.force_login(people.viewer)
    before = stored_state()
    response = client.get(url("what_if"), query)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert escape(form.errors[field][0]) in response.content.decode()
    assert response.context["comparison"] is None
    assert stored_state() == before


# -- the dashboard ----------------------------------------------------------------------------


def test_the_dashboard_lists_the_alerts_on_posts(client, people):
    client.force_login(people.hr)  # the role that acts on them
    response = client.get(url("dashboard"))
    rows = {row["position"].code: row["alerts"] for row in response.context["post_alerts"]}
    assert set(rows) == {"CDO", "PL"}
    assert len(rows["CDO"]) == 2  # not advertised, stand-in only
    page = response.content.decode()
    assert f'href="{url("position", "CDO")}"' in page
    assert all(escape(text) in page for text in rows["CDO"] + rows["PL"])


def test_a_filled_post_loses_its_stand_in_alert_on_the_dashboard(client, people):
    client.force_login(people.hr)
    client.post(url("position", "CDO"), step())
    response = client.get(url("dashboard"))
    rows = {row["position"].code for row in response.context["post_alerts"]}
    assert rows == {"PL"}
