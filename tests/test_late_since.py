"""Why and since when an item is late, as stored with the forecast."""

from datetime import date

import pytest
from django.urls import reverse

from plansicht.forecast import run
from plansicht.forecast.models import MeasureForecast, MilestoneForecast
from plansicht.plan.models import Milestone
from plansicht.services import Actor
from plansicht.services import plan as svc

from .factories import funded_document, load, staffed_document

pytestmark = pytest.mark.django_db
OFFICE = Actor.system("tests", name="Programmbüro")


def stored(code):
    return MilestoneForecast.objects.get(milestone__code=code)


def measure(code):
    return MeasureForecast.objects.get(measure__code=code)


def test_a_milestone_held_up_by_its_predecessor_stores_that_predecessor(today):
    load()
    c = stored("C")  # B runs late; C waits for B's finish + 5 days
    assert c.driver_milestone.code == "B"
    assert c.driver_position is None
    assert stored("D").driver_milestone is None  # starts on its own planned start


def test_an_item_late_without_an_event_is_late_since_the_day_after_its_approved_finish(today):
    load()
    assert stored("B").late_since == date(2025, 4, 3)  # approved finish 02.04.2025
    assert stored("C").late_since == date(2025, 5, 11)  # approved finish 10.05.2025
    assert stored("A").late_since is None  # finished 10 days late: within the tolerance
    assert stored("D").late_since is None
    assert measure("M1").late_since == date(2025, 5, 11)
    assert measure("M2").late_since is None


def test_the_event_that_makes_an_item_late_dates_it(today):
    load()
    svc.reschedule(
        Milestone.objects.get(code="D"),
        actor=OFFICE,
        expected_finish=date(2026, 1, 31),
        reason="Vergabe wiederholt",
    )
    assert stored("D").late_since == today  # the reschedule's date, not the approved finish
    assert measure("M2").late_since == today


def test_time_passing_makes_an_item_late_since_the_day_after_its_approved_finish(today):
    load()
    assert stored("D").late_since is None
    run.refresh(Milestone.objects.get(code="D").programme, date(2025, 11, 15))
    assert stored("D").late_since == date(2025, 9, 30)  # approved finish 29.09.2025


def test_staying_late_keeps_the_first_date_and_becoming_on_time_clears_it(today, monkeypatch):
    load()
    d = Milestone.objects.get(code="D")
    svc.reschedule(d, actor=OFFICE, expected_finish=date(2026, 1, 31), reason="Vergabe")
    monkeypatch.setattr(run, "today", lambda: date(2025, 8, 1))
    svc.reschedule(d, actor=OFFICE, expected_finish=date(2026, 3, 31), reason="noch später")
    assert stored("D").late_since == date(2025, 6, 1)
    run.refresh(d.programme, date(2025, 9, 1))
    assert stored("D").late_since == date(2025, 6, 1)
    svc.reschedule(d, actor=OFFICE, expected_finish=None, duration_days=60)  # 30.09.: 1 day
    assert stored("D").late_since is None
    assert measure("M2").late_since is None


def page(client, name, *args):
    response = client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_a_milestone_late_through_its_predecessor_says_so_with_a_link(client, today):
    programme = load()
    b_url = reverse("portal:milestone", args=[programme.slug, "B"])
    text = page(client, "portal:milestone", programme.slug, "C")
    assert f'Verspätet, weil <a class="kern-link" href="{b_url}">B</a> später fertig wird' in text
    assert "Verspätet seit 11.05.2025" in text
    table = page(client, "portal:measure", programme.slug, "M1.1.1")
    assert f'Verspätet, weil <a class="kern-link" href="{b_url}">B</a> später fertig wird' in table


def test_a_finished_milestone_says_how_much_later_it_finished_not_delayed(client, today):
    programme = load()
    text = page(client, "portal:milestone", programme.slug, "A")
    assert "abgeschlossen, 10 Tage später als geplant" in text


def test_a_green_slip_says_it_is_within_the_tolerance(client, today):
    programme = load()
    d = Milestone.objects.get(code="D")
    svc.reschedule(d, actor=OFFICE, expected_finish=date(2025, 10, 4), reason="Urlaub")
    text = page(client, "portal:milestone", programme.slug, "D")
    assert "5 Tage Verzug, innerhalb der Toleranz von 30 Tagen" in text


def test_a_measure_red_only_through_a_sub_measure_names_it(client, today):
    programme = load()
    c = Milestone.objects.get(code="C")
    svc.reschedule(c, actor=OFFICE, expected_finish=date(2026, 3, 1), reason="Lieferverzug")
    child_url = reverse("portal:measure", args=[programme.slug, "M1.1"])
    text = page(client, "portal:measure", programme.slug, "M1")
    assert (
        f'Rot, weil die Teilmaßnahme <a class="kern-link" href="{child_url}">M1.1</a> rot ist'
        in text
    )
    assert "Verspätet seit 11.05.2025" in text  # late since time passed its approved finish
    own = page(client, "portal:measure", programme.slug, "M1.1.1")  # red through its own
    assert "weil die Teilmaßnahme" not in own


def test_a_milestone_waiting_for_a_vacant_post_names_the_post(client, today):
    programme = load(staffed_document())
    late = MilestoneForecast.objects.filter(driver_position__isnull=False, slip_days__gt=0)
    assert late.exists()
    f = late.select_related("milestone", "driver_position").first()
    text = page(client, "portal:milestone", programme.slug, f.milestone.code)
    assert f"Verspätet, weil die Stelle {f.driver_position.code} noch nicht besetzt ist" in text


def test_the_money_at_risk_list_explains_a_milestone_without_a_reason_of_its_own(client, today):
    doc = funded_document()
    doc["grants"][0]["eligible_until"] = "2025-06-30"  # C, held up by B, now runs past it
    programme = load(doc)
    at_risk = MilestoneForecast.objects.filter(cost_at_risk__gt=0, driver_milestone__isnull=False)
    assert [f.milestone.code for f in at_risk] == ["C"]
    text = page(client, "portal:finance", programme.slug)
    b_url = reverse("portal:milestone", args=[programme.slug, "B"])
    assert f'Verspätet, weil <a class="kern-link" href="{b_url}">B</a> später fertig wird' in text


def test_the_office_milestone_page_says_since_when_it_is_late(client, personas):
    client.force_login(personas.admin)
    response = client.get(
        reverse("office:milestone", args=[personas.programme.slug, "C"]),
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert "verspätet seit 11.05.2025" in " ".join(response.content.decode().split())
