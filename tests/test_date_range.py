"""One date range for everything a person enters: 01.01.1990–31.12.2100. Outside it the office,
the loader, the services and the commands say so and store nothing; dates the engine computes
may lie later and are shown, and a chain that would run past the year 9999 is refused."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from plansicht.engine import calendar
from plansicht.forecast import run
from plansicht.forecast.models import MilestoneForecast
from plansicht.funding.models import BudgetLine, CostLine, Grant
from plansicht.history.models import Event
from plansicht.plan.models import Milestone, PlanVersionEntry, Programme
from plansicht.services import Actor, ServiceError
from plansicht.services import funding as money_svc
from plansicht.services import plan as plan_svc
from plansicht.services import staffing as staffing_svc

from .factories import document, funded_document, load, staffed_document
from .test_commands import command, problems, write

pytestmark = pytest.mark.django_db
OFFICE = Actor.system("tests", name="Programmbüro")
RANGE_EN = "Enter a date from 1 Jan 1990 to 31 Dec 2100."  # English short dates


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def changes():
    return Event.objects.exclude(action__in=["programme.loaded", "programme.replaced"]).count()


def test_the_range_is_1990_to_2100_inclusive():
    assert calendar.in_range(date(1990, 1, 1)) and calendar.in_range(date(2100, 12, 31))
    assert not calendar.in_range(date(1989, 12, 31))
    assert not calendar.in_range(date(2101, 1, 1))
    assert not calendar.in_range(date(1, 1, 1)) and not calendar.in_range(date(9999, 12, 31))


# -- the loader ---------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "1989-12-31", "2101-01-01", "9999-12-31"])
def test_the_loader_refuses_a_date_outside_the_range_naming_the_range(tmp_path, today, day):
    doc = document()
    doc["milestones"][2]["planned_start"] = day
    code, _out, err = command("load_programme", write(tmp_path, doc))
    assert code == 1
    assert problems(err) == [
        f"milestones[2].planned_start: {day} is outside the dates Plansicht accepts; "
        "give a date from 1990-01-01 to 2100-12-31"
    ]
    assert not Milestone.objects.exists()


def test_the_loader_checks_every_kind_of_date_and_budget_years(tmp_path, today):
    doc = staffed_document()
    doc["plan_versions"][0]["milestones"][0]["finish"] = "9999-01-01"
    doc["grants"][0]["eligible_until"] = "2200-01-01"
    doc["positions"][0]["steps"][0]["on"] = "0001-01-01"
    doc["budget_lines"][0]["year"] = 2101
    code, _out, err = command("load_programme", write(tmp_path, doc))
    assert code == 1
    paths = [line.split(":")[0] for line in problems(err)]
    assert paths == [
        "plan_versions[0].milestones[0].finish",
        "grants[0].eligible_until",
        "budget_lines[0].year",
        "positions[0].steps[0].on",
    ]


def test_the_edges_of_the_range_load(tmp_path, today):
    doc = document()
    doc["milestones"][2]["planned_start"] = "1990-01-01"
    doc["milestones"][3]["planned_start"] = "2100-12-31"
    code, _out, err = command("load_programme", write(tmp_path, doc))
    assert code == 0, err


# -- services -----------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1989, 12, 31), date(9999, 12, 31)])
def test_services_refuse_an_entered_date_outside_the_range_on_its_field(today, day):
    programme = load(funded_document())
    c = Milestone.objects.get(code="C")
    calls = [
        ("planned_start", lambda: plan_svc.reschedule(c, actor=OFFICE, planned_start=day)),
        ("expected_finish", lambda: plan_svc.reschedule(c, actor=OFFICE, expected_finish=day)),
        ("actual_start", lambda: plan_svc.record_actual(c, actor=OFFICE, actual_start=day)),
        (
            "approved_on",
            lambda: plan_svc.freeze_plan_version(
                programme, actor=OFFICE, label="V", approved_on=day, decision_ref="B"
            ),
        ),
    ]
    grant = Grant.objects.get(programme=programme, code="G1")
    line = CostLine.objects.get(programme=programme, code="K2")
    calls += [
        (
            "on",
            lambda: money_svc.save_expenditure(
                line, actor=OFFICE, on=day, amount="10.00", eligible=True
            ),
        ),
        ("on", lambda: money_svc.save_drawdown_plan_entry(grant, actor=OFFICE, on=day, amount=1)),
        (
            "requested_on",
            lambda: money_svc.save_drawdown(
                grant, actor=OFFICE, requested_on=day, amount_requested=1
            ),
        ),
    ]
    for field, call in calls:
        with pytest.raises(ServiceError) as e:
            call()
        assert (e.value.field, str(e.value.message)) == (field, RANGE_EN)
    assert changes() == 0


def test_staffing_services_refuse_dates_outside_the_range(today):
    load(staffed_document())
    from plansicht.staffing.models import Position

    post = Position.objects.order_by("code").first()
    with pytest.raises(ServiceError) as e:
        staffing_svc.record_step(post, "advertised", date(1, 1, 1), actor=OFFICE)
    assert (e.value.field, str(e.value.message)) == ("on", RANGE_EN)
    for field in ("expected_fill", "contract_end"):
        with pytest.raises(ServiceError) as e:
            staffing_svc.save_position(post, actor=OFFICE, **{field: date(9999, 12, 31)})
        assert (e.value.field, str(e.value.message)) == (field, RANGE_EN)
    assert changes() == 0


def test_a_budget_year_outside_the_range_names_the_range(today):
    load(funded_document())
    grant = Grant.objects.get(code="G1")
    with pytest.raises(ServiceError) as e:
        money_svc.save_budget_line(
            grant, actor=OFFICE, year=2101, product="P", title="T", own_share=1
        )
    assert (e.value.field, str(e.value.message)) == ("year", "Enter a year from 1990 to 2100.")
    assert BudgetLine.objects.count() == 1


def test_a_chain_past_the_year_9999_is_refused_with_a_clear_message_and_nothing_stored(today):
    load()
    c = Milestone.objects.get(code="C")
    with pytest.raises(ServiceError) as e:
        plan_svc.reschedule(c, actor=OFFICE, duration_days=10**7, reason="Test")
    assert "after the year 9999" in str(e.value.message)
    assert Milestone.objects.get(code="C").duration_days == 30
    assert changes() == 0


def test_computed_dates_after_2100_are_stored_and_shown(client, today):
    """A chain of long durations reaches 2300: no error, the pages show it."""
    doc = document()
    for m in doc["milestones"]:
        m.pop("actual_start", None), m.pop("actual_finish", None)
        m["duration_days"] = 36500
        m["progress"] = 0
    load(doc)
    finish = MilestoneForecast.objects.order_by("-finish").first().finish
    assert finish.year > 2100
    response = client.get(reverse("portal:measure", args=["testprogramm", "M1"]))
    assert response.status_code == 200
    assert date_format(finish, "SHORT_DATE_FORMAT") in response.content.decode()


def test_the_loader_refuses_a_chain_past_the_year_9999(tmp_path, today):
    doc = document()
    codes = [m["code"] for m in doc["milestones"]]
    doc["milestones"] += [
        {
            "code": f"K{i}",
            "measure": "M2",
            "title": f"Kette {i}",
            "planned_start": "2100-01-01",
            "duration_days": 36500,
        }
        for i in range(90)
    ]
    doc["dependencies"] += [{"predecessor": f"K{i}", "successor": f"K{i + 1}"} for i in range(89)]
    assert "K0" not in codes
    code, _out, err = command("load_programme", write(tmp_path, doc))
    assert code == 1, err
    (line,) = [p for p in problems(err) if not p.startswith("Storing ")]
    assert line.endswith(
        "The forecast cannot be computed: the durations and lags add up to a date after the "
        "year 9999. Shorten a duration or a lag."
    )
    assert not Milestone.objects.exists()


# -- the office ---------------------------------------------------------------------------------


def test_the_office_puts_the_range_on_the_date_field(client, personas):
    client.force_login(personas.editor)
    url = reverse("office:milestone", args=["testprogramm", "C"])
    for day in ("01.01.0001", "9999-12-31", "31.12.1989"):
        response = client.post(
            url,
            {
                "op": "dates",
                "dates-planned_start": day,
                "dates-duration_days": "30",
                "dates-expected_finish": "",
                "dates-reason": "x",
            },
        )
        assert response.status_code == 400
        errors = response.context["forms"]["dates"].errors
        assert errors == {"planned_start": [RANGE_EN]}
    assert changes() == 0


def test_the_german_office_names_the_range_in_german(client, personas):
    client.force_login(personas.editor)
    with translation.override("de"):
        url = reverse("office:milestone", args=["testprogramm", "C"])
    response = client.post(
        url,
        {"op": "actuals", "actuals-actual_start": "0001-01-01", "actuals-reason": ""},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    assert "Bitte ein Datum vom 01.01.1990 bis zum 31.12.2100 eingeben." in (
        response.content.decode()
    )


# -- the forecast command -----------------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "2101-01-01"])
def test_forecast_as_of_outside_the_range_exits_1_naming_the_range(today, as_of):
    load()
    code, out, err = command("forecast", "testprogramm", "--as-of", as_of)
    assert code == 1 and out == ""
    assert err.strip() == (
        f"--as-of: {as_of} is outside the dates Plansicht accepts; give a date from "
        "1990-01-01 to 2100-12-31"
    )


def test_forecast_assume_outside_the_range_exits_1_naming_the_range(today):
    load(staffed_document())
    from plansicht.staffing.models import Position

    post = Position.objects.order_by("code").first().code
    code, _out, err = command("forecast", "testprogramm", "--assume", f"{post}=9999-12-31")
    assert code == 1
    assert "--assume: 9999-12-31 is outside the dates Plansicht accepts" in err


# -- what was stored before the rule ------------------------------------------------------------


def test_pages_show_a_plan_version_that_kept_a_date_in_year_1_or_9999(client, today):
    load(funded_document())
    entries = PlanVersionEntry.objects.filter(milestone__code="C")
    entries.update(start=date(1, 1, 1), finish=date(1, 1, 2))
    Milestone.objects.filter(code="D").update(planned_start=date(9999, 12, 1), duration_days=0)
    run.refresh(Programme.objects.get())
    for url in (
        reverse("portal:measure", args=["testprogramm", "M1.1.1"]),
        reverse("portal:measure", args=["testprogramm", "M2"]),
        reverse("portal:overview", args=["testprogramm"]),
        reverse("portal:finance", args=["testprogramm"]),
    ):
        assert client.get(url).status_code == 200, url


def test_the_what_if_and_the_forecast_command_explain_a_chain_past_the_year_9999(client, personas):
    """Stored before the rule: a duration of 3 million days. No 500, no traceback."""
    load(staffed_document(), replace=True, reason="posts for the test")
    Milestone.objects.filter(code="D").update(duration_days=3_000_000)
    client.force_login(personas.hr)
    url = reverse("office:what_if", args=["testprogramm"])
    response = client.get(url, {"post": "CDO", "filled_on": "2025-09-01"})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "filled_on": [
            "The forecast cannot be computed: the durations and lags add up to a date after "
            "the year 9999. Shorten a duration or a lag."
        ]
    }
    code, out, err = command("forecast", "testprogramm")
    assert code == 1 and out == ""
    assert err.strip() == (
        "forecast: the durations and lags add up to a date after the year 9999; "
        "shorten a duration or a lag"
    )
