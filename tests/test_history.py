"""The history in words: every action and change key has a label from the app that writes it,
every value reads like the rest of the page in both languages, events about drafts stay
internal, and the public history page links, filters and pages."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse as django_reverse
from django.utils import translation

from plansicht.accounts.models import StaffRole, Unit
from plansicht.funding.models import BudgetLine, CostLine, Drawdown, DrawdownPlanEntry, Grant
from plansicht.history import registry
from plansicht.history.models import Event, record
from plansicht.plan.models import Dependency, Measure, Milestone, Programme
from plansicht.services import Actor
from plansicht.services import funding as money
from plansicht.services import plan as plan_svc
from plansicht.services import staffing as posts
from plansicht.staffing.models import Position

from .factories import load, staffed_document

pytestmark = pytest.mark.django_db
OFFICE = Actor.system("tests", name="Programmbüro")
SLUG = "testprogramm"


def reverse(name, args=()):
    """German addresses (no prefix), whatever language the last request left active."""
    with translation.override("de"):
        return django_reverse(name, args=args)


@pytest.fixture
def programme(today):
    return load(staffed_document())


@pytest.fixture
def persona_document():
    return staffed_document()


def public_history(client, prefix="", query=""):
    response = client.get(prefix + reverse("portal:history", args=[SLUG]) + query)
    assert response.status_code == 200
    return response.content.decode()


# -- 1. the registry ---------------------------------------------------------------------------


def test_an_event_with_an_unregistered_action_or_change_key_is_refused(programme):
    with pytest.raises(ValueError, match="milestone.teleported"):
        record(action="milestone.teleported", programme=programme)
    with pytest.raises(ValueError, match="colour"):
        record(action="milestone.progress", programme=programme, changes={"colour": [1, 2]})
    assert not Event.objects.filter(action="milestone.teleported").exists()


def run_every_operation(programme):
    """The main operations of every service, each once."""
    d, c = Milestone.objects.get(code="D"), Milestone.objects.get(code="C")
    plan_svc.reschedule(d, actor=OFFICE, duration_days=95, reason="später")
    plan_svc.set_progress(d, 10, actor=OFFICE)
    plan_svc.record_actual(d, actor=OFFICE, actual_start=date(2025, 5, 2))
    plan_svc.record_actual(d, actor=OFFICE, actual_finish=date(2025, 5, 30))
    plan_svc.record_actual(d, actor=OFFICE, actual_start=None, actual_finish=None, reason="x")
    plan_svc.add_dependency(c, d, actor=OFFICE, type="SS", lag_days=3)
    plan_svc.remove_dependency(Dependency.objects.get(predecessor=c, successor=d), actor=OFFICE)
    plan_svc.freeze_plan_version(
        programme, actor=OFFICE, label="Plan 3", approved_on=date(2025, 5, 1), decision_ref="R 3"
    )
    grant = Grant.objects.get(code="G1")
    line = money.save_cost_line(
        programme,
        actor=OFFICE,
        code="K7",
        grant=grant,
        milestone=d,
        category="material",
        amount="1234.50",
        reason="neu",
    )
    spent = money.save_expenditure(line, actor=OFFICE, on=date(2025, 5, 3), amount="10", eligible=1)
    money.remove_expenditure(spent, actor=OFFICE)
    money.remove_cost_line(line, actor=OFFICE, reason="doch nicht")
    budget = money.save_budget_line(
        grant,
        actor=OFFICE,
        year=2026,
        product="1.11",
        title="Eigenanteil",
        own_share="500",
        commitment_authorisation="100",
    )
    money.remove_budget_line(budget, actor=OFFICE)
    entry = money.save_drawdown_plan_entry(grant, actor=OFFICE, on=date(2025, 9, 30), amount="9")
    money.remove_drawdown_plan_entry(entry, actor=OFFICE, reason="verschoben")
    drawdown = money.save_drawdown(
        grant,
        actor=OFFICE,
        requested_on=date(2025, 5, 1),
        amount_requested="20",
        received_on=date(2025, 5, 9),
        amount_received="20",
    )
    money.remove_drawdown(drawdown, actor=OFFICE)
    cdo = Position.objects.get(code="CDO")
    posts.record_step(cdo, "advertised", date(2025, 5, 20), actor=OFFICE)
    posts.save_position(
        cdo,
        actor=OFFICE,
        reason="neu zugeschnitten",
        title="CDO",
        unit=Unit.objects.get(name="Stabsstelle Digitalisierung"),
        fte="0.5",
        pay_grade="E 14",
        grant=None,
        cover="interim",
        expected_fill=date(2025, 12, 1),
        holder="Erika Muster",
        holder_public=True,
        contract_end=date(2027, 1, 31),
    )
    posts.save_hiring_settings(
        programme,
        actor=OFFICE,
        hiring_days={"advertised": 50},
        onboarding_days=20,
        alert_days={"not_advertised": 100},
        reason="länger",
    )
    load(staffed_document(), replace=True, reason="neu geladen")


def test_every_action_and_change_key_the_services_write_has_a_label(programme):
    run_every_operation(programme)
    events = list(Event.objects.all())
    assert {e.action for e in events} >= {
        "programme.loaded",
        "programme.replaced",
        "milestone.rescheduled",
        "milestone.progress",
        "milestone.started",
        "milestone.finished",
        "milestone.actuals_corrected",
        "dependency.added",
        "dependency.removed",
        "plan_version.frozen",
        "cost_line.saved",
        "cost_line.removed",
        "expenditure.saved",
        "expenditure.removed",
        "budget_line.saved",
        "budget_line.removed",
        "drawdown_plan.saved",
        "drawdown_plan.removed",
        "drawdown.saved",
        "drawdown.removed",
        "position.step",
        "position.changed",
        "programme.hiring_settings",
    }
    for event in events:
        action = registry.action(event.action)
        assert action is not None and str(action.label) != event.action
        assert action.kind in registry.KINDS
        for key in event.changes:
            assert key in action.keys, (event.action, key)
            assert str(action.keys[key].label) not in ("", key), (event.action, key)


DOMAIN_PACKAGES = [["plansicht", "plan"], ["plansicht", "funding"], ["plansicht", "staffing"]]


def test_the_history_module_imports_no_domain_app():
    import ast
    from pathlib import Path

    import plansicht.history.templatetags.history as tags

    for path in (Path(tags.__file__), Path(registry.__file__)):
        tree = ast.parse(path.read_text())
        imported = [
            getattr(node, "module", None) or node.names[0].name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
        ]
        domain = [m for m in imported if m and m.split(".")[:2] in DOMAIN_PACKAGES]
        assert domain == [], path


# -- 2. values in the page's formats -------------------------------------------------------------


def test_amounts_dates_choices_and_settings_read_in_german_and_english(client, programme):
    d = Milestone.objects.get(code="D")
    money.save_cost_line(
        programme,
        actor=OFFICE,
        code="K7",
        grant=Grant.objects.get(code="G1"),
        milestone=d,
        category="material",
        amount="1234.50",
        reason="Angebot liegt vor",
    )
    plan_svc.reschedule(d, actor=OFFICE, expected_finish=date(2025, 12, 31), reason="Lieferung")
    posts.save_position(Position.objects.get(code="CDO"), actor=OFFICE, cover="interim", fte="0.5")
    posts.save_hiring_settings(
        programme,
        actor=OFFICE,
        hiring_days={"advertised": 90},
        onboarding_days=30,
        alert_days={"not_advertised": 200},
        reason="Erfahrungswerte",
    )
    german = public_history(client)
    assert "Betrag: – → 1.234,50 €" in german
    assert "1234.50" not in german
    assert "31.12.2025" in german and "2025-12-31" not in german
    assert "Kostenart: – → Sachmittel" in german  # the category in words
    assert "Vertretung: ehrenamtliche Vertretung → kommissarische Vertretung" in german
    assert "1,00 → 0,50" in german
    assert "hiring_days" not in german and "alert_days" not in german
    assert "programme.hiring_settings" not in german
    english = public_history(client, prefix="/en")
    assert "amount: – → 1,234.50 €" in english
    assert "31 Dec 2025" in english
    assert "typical days: advertised: 42 → 90" in english
    assert "honorary stand-in → interim stand-in" in english
    assert "0.50" in english


def test_a_boolean_reads_yes_or_no(client, programme):
    line = CostLine.objects.get(code="K1")
    money.save_expenditure(line, actor=OFFICE, on=date(2025, 5, 20), amount="5", eligible=False)
    assert "förderfähig: – → nein" in public_history(client)
    assert "eligible: – → no" in public_history(client, prefix="/en")


# -- 3. events about drafts stay internal --------------------------------------------------------


def test_money_on_a_draft_milestone_reaches_no_public_page_but_the_office(client, personas):
    programme = personas.programme
    draft = Milestone.objects.get(code="X")
    line = money.save_cost_line(
        programme,
        actor=OFFICE,
        code="GEHEIM-K",
        grant=Grant.objects.get(code="G1"),
        milestone=draft,
        category="staff",
        amount="4321.00",
        reason="GEHEIM-GRUND",
    )
    money.save_expenditure(line, actor=OFFICE, on=date(2025, 5, 2), amount="1", eligible=True)
    events = Event.objects.filter(action__in=["cost_line.saved", "expenditure.saved"])
    assert events.count() == 2
    assert all(e.milestone == draft and e.measure == draft.measure for e in events)
    assert not Event.objects.public().filter(pk__in=events).exists()
    for url in (reverse("portal:history", args=[SLUG]), reverse("portal:overview", args=[SLUG])):
        for prefix in ("", "/en"):
            page = client.get(prefix + url).content.decode()
            assert "GEHEIM" not in page and "4.321" not in page and "4,321" not in page
    client.force_login(personas.admin)
    office = client.get(reverse("office:dashboard", args=[SLUG])).content.decode()
    assert office.count("GEHEIM-K") == 2


def test_moving_money_from_a_draft_milestone_stays_internal(programme):
    line = CostLine.objects.get(code="K9")  # on the draft milestone X
    money.save_cost_line(
        programme,
        actor=OFFICE,
        code="K9",
        grant=line.grant,
        milestone=Milestone.objects.get(code="D"),
        category="staff",
        amount=line.amount,
        line=line,
    )
    assert not Event.objects.public().filter(action="cost_line.saved").exists()


def test_an_event_leaves_the_public_history_when_its_measure_becomes_a_draft(client, programme):
    plan_svc.set_progress(
        Milestone.objects.get(code="C"), 25, actor=OFFICE, reason="SPAETER-ENTWURF"
    )
    money.save_cost_line(
        programme,
        actor=OFFICE,
        code="K8",
        grant=Grant.objects.get(code="G1"),
        milestone=Milestone.objects.get(code="C"),
        category="material",
        amount="10",
        reason="KOSTEN-ENTWURF",
    )
    assert "SPAETER-ENTWURF" in public_history(client)
    assert "KOSTEN-ENTWURF" in public_history(client)
    Measure.objects.filter(code="M1.1").update(draft=True)  # C lies in M1.1.1 below it
    # Set directly, past the services that renew the public pages: renew them as they do.
    Programme.objects.filter(slug=SLUG).touch()
    assert "SPAETER-ENTWURF" not in public_history(client)
    assert "KOSTEN-ENTWURF" not in public_history(client)
    assert Event.objects.filter(reason="SPAETER-ENTWURF").exists()  # the office still has it
    Measure.objects.filter(code="M1.1").update(draft=False)
    Milestone.objects.filter(code="C").update(draft=True)
    Programme.objects.filter(slug=SLUG).touch()
    assert "SPAETER-ENTWURF" not in public_history(client)
    assert "KOSTEN-ENTWURF" not in public_history(client)


def test_about_finds_the_events_of_one_subject(programme):
    d, c = Milestone.objects.get(code="D"), Milestone.objects.get(code="C")
    plan_svc.set_progress(d, 5, actor=OFFICE)
    plan_svc.set_progress(c, 5, actor=OFFICE)
    assert [e.subject_label for e in Event.objects.about(d)] == ["D"]


# -- 4. the public history page ------------------------------------------------------------------


def test_events_link_to_their_public_subject_and_never_to_a_draft(client, programme):
    d = Milestone.objects.get(code="D")
    plan_svc.set_progress(d, 10, actor=OFFICE)
    money.save_cost_line(
        programme,
        actor=OFFICE,
        code="K7",
        grant=Grant.objects.get(code="G1"),
        milestone=d,
        category="material",
        amount="1",
        reason="neu",
    )
    posts.save_position(Position.objects.get(code="CDO"), actor=OFFICE, pay_grade="E 15")
    page = public_history(client)
    milestone_url = reverse("portal:milestone", args=[SLUG, "D"])
    assert f'<a class="kern-link" href="{milestone_url}">D Konzept</a>' in page
    assert f'<a class="kern-link" href="{milestone_url}">K7 – D Konzept</a>' in page
    positions_url = reverse("portal:positions", args=[SLUG])
    assert f'href="{positions_url}#post-cdo">CDO Chief Digital Officer</a>' in page
    assert 'id="post-cdo"' in client.get(positions_url).content.decode()
    # A removed subject keeps its stored label, without a link.
    money.remove_cost_line(CostLine.objects.get(code="K7"), actor=OFFICE, reason="weg")
    english = public_history(client, prefix="/en")
    assert "<strong>Cost line removed</strong>: K7\n" in english
    # A milestone that became a draft is neither linked nor titled.
    Milestone.objects.filter(code="D").update(draft=True)
    page = public_history(client)
    assert milestone_url not in page and "Konzept" not in page


def test_the_history_page_needs_no_more_queries_for_more_events(
    client, programme, django_assert_max_num_queries
):
    def fill(n):
        Event.objects.exclude(action="programme.loaded").delete()
        d = Milestone.objects.get(code="D")
        for i in range(n):
            plan_svc.set_progress(d, (d.progress + 1) % 100, actor=OFFICE)
            posts.save_position(Position.objects.get(code="CDO"), actor=OFFICE, pay_grade=f"E {i}")

    url = reverse("portal:history", args=[SLUG])
    fill(3)
    client.get(url)  # warm the content type cache
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # the page rendered, not the cached copy
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    fill(25)
    cache.clear()
    with django_assert_max_num_queries(len(few)):
        assert public_history(client).count('class="event"') == 50


def test_the_history_filters_by_kind_measure_and_dates(client, programme):
    plan_svc.set_progress(Milestone.objects.get(code="C"), 5, actor=OFFICE, reason="TIEF")
    plan_svc.set_progress(Milestone.objects.get(code="D"), 5, actor=OFFICE, reason="RADWEG")
    posts.save_position(Position.objects.get(code="CDO"), actor=OFFICE, reason="STELLE", fte=2)
    Event.objects.filter(reason="TIEF").update(at=datetime(2025, 3, 10, 12, tzinfo=UTC))
    Event.objects.filter(reason="RADWEG").update(at=datetime(2025, 4, 10, 12, tzinfo=UTC))

    page = public_history(client, query="?kind=posts")
    assert "STELLE" in page and "TIEF" not in page and "RADWEG" not in page
    page = public_history(client, query="?kind=plan")
    assert "STELLE" not in page and "TIEF" in page and "RADWEG" in page
    page = public_history(client, query="?measure=M1")  # C lies in M1.1.1, two levels down
    assert "TIEF" in page and "RADWEG" not in page and "STELLE" not in page
    page = public_history(client, query="?date_from=01.04.2025&date_until=2025-04-30")
    assert "RADWEG" in page and "TIEF" not in page and "STELLE" not in page
    page = public_history(client, query="?date_until=15.03.2025")
    assert "TIEF" in page and "RADWEG" not in page
    # The form: labelled fields and a submit button.
    for name in ("kind", "measure", "date_from", "date_until"):
        assert f'<label class="kern-label" for="id_{name}">' in page
    assert 'type="submit"' in page


def test_a_draft_measure_is_no_filter_choice(client, programme):
    assert 'value="M9"' not in public_history(client)
    response = client.get(reverse("portal:history", args=[SLUG]) + "?measure=M9")
    assert response.status_code == 400
    assert "Geheimprojekt" not in response.content.decode()


@pytest.mark.parametrize("value", ["31.02.2025", "gestern", "2025-13-01", "9" * 30])
def test_an_invalid_date_says_so_and_is_no_error(client, programme, value):
    response = client.get(reverse("portal:history", args=[SLUG]), {"date_from": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Geben Sie ein Datum wie 31.12.2025 oder 2025-12-31 ein." in page
    assert 'aria-invalid="true"' in page


def test_pagination_keeps_the_filters(client, programme):
    d = Milestone.objects.get(code="D")
    for i in range(1, 53):
        plan_svc.set_progress(d, i, actor=OFFICE)
    page = public_history(client, query="?kind=plan&measure=M2")
    assert 'href="?kind=plan&amp;measure=M2&amp;page=2"' in page
    second = public_history(client, query="?kind=plan&measure=M2&page=2")
    assert second.count('class="event"') == 2


def test_the_overview_shows_the_latest_plan_changes_with_reasons(client, programme):
    d = Milestone.objects.get(code="D")
    plan_svc.set_progress(d, 1, actor=OFFICE)  # no reason: not on the overview
    for i in range(2, 9):
        plan_svc.set_progress(d, i, actor=OFFICE, reason=f"GRUND-{i}")
    posts.save_position(Position.objects.get(code="CDO"), actor=OFFICE, reason="STELLE", fte=2)
    page = client.get(reverse("portal:overview", args=[SLUG])).content.decode()
    shown = [i for i in range(2, 9) if f"GRUND-{i}" in page]
    assert shown == [4, 5, 6, 7, 8]
    assert "STELLE" not in page
    assert reverse("portal:history", args=[SLUG]) in page


@pytest.mark.parametrize(
    ("persona", "unit"),
    [("unit_editor", "Stabsstelle Digitalisierung"), ("editor", "Programmbüro")],
)
def test_a_change_names_the_unit_of_the_person_who_made_it(client, personas, persona, unit):
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("office:milestone", args=[SLUG, "B"]),
        {
            "op": "dates",
            "dates-planned_start": "2025-02-01",
            "dates-duration_days": "90",
            "dates-expected_finish": "",
            "dates-reason": "EINHEIT",
        },
    )
    assert response.status_code == 302
    assert Event.objects.get(reason="EINHEIT").unit.name == unit
    client.logout()
    page = public_history(client)
    (entry,) = [e for e in page.split('<li class="event">') if "EINHEIT" in e]
    assert f"· {unit}</span>" in entry
    assert getattr(personas, persona).username not in entry


def test_every_staff_role_names_its_unit_for_the_actor(personas):
    actor = Actor.for_user(personas.unit_editor, personas.programme)
    assert actor.unit.name == "Stabsstelle Digitalisierung"
    assert Actor.for_user(personas.viewer, personas.programme).unit == personas.office
    assert not StaffRole.objects.filter(unit__isnull=True).exists()


def test_budget_and_drawdown_amounts_read_as_euros(client, programme):
    grant = Grant.objects.get(code="G1")
    money.save_budget_line(
        grant,
        actor=OFFICE,
        year=2026,
        product="1.11.02",
        title="Eigenanteil 2026",
        own_share="12345.60",
        commitment_authorisation="2000",
    )
    money.save_drawdown(grant, actor=OFFICE, requested_on=date(2025, 5, 1), amount_requested="99.9")
    money.save_drawdown_plan_entry(grant, actor=OFFICE, on=date(2025, 10, 1), amount="5000")
    page = public_history(client)
    assert "12.345,60 €" in page and "2.000,00 €" in page and "99,90 €" in page
    assert "5.000,00 €" in page and "01.10.2025" in page
    assert "2026" in page and "2.026" not in page
    assert BudgetLine.objects.count() and Drawdown.objects.count()
    assert DrawdownPlanEntry.objects.count()
