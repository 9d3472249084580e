"""Each role's dashboard lists what that role can act on, open work first and most urgent
first, and no link on it leads to a page the user may not see. The milestone edit page says
what went wrong at the top and when a reason is needed; 100 % without an actual finish is
shown as such on every page."""

import html
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from plansicht.accounts.models import Unit
from plansicht.plan.models import Milestone

from .factories import load, staffed_document

SLUG = "testprogramm"
PERSONAS = ["viewer", "unit_editor", "other_unit_editor", "editor", "admin", "finance", "hr"]
EXTRA = 12  # overdue milestones added to M2: more than a dashboard list shows


def url(name, *args):
    return reverse(f"office:{name}", args=[SLUG, *args])


def dashboard_document():
    """The staffed document, with M2 led by the Tiefbauamt and, in M2, E (reported 100 %,
    no actual finish, 51 days overdue) and R01…R12 (not started, all overdue)."""
    doc = staffed_document()
    doc["measures"][3]["lead_unit"] = "Tiefbauamt"  # M2
    doc["milestones"].append(
        {
            "code": "E",
            "measure": "M2",
            "title": "Radwegeplanung",
            "planned_start": "2025-01-01",
            "duration_days": 100,
            "actual_start": "2025-01-10",
            "progress": 100,
        }
    )
    current = doc["plan_versions"][1]["milestones"]
    current.append({"code": "E", "start": "2025-01-01", "finish": "2025-04-11"})
    for i in range(1, EXTRA + 1):
        start = date(2025, 1, 1) + timedelta(days=i)
        code = f"R{i:02d}"
        doc["milestones"].append(
            {
                "code": code,
                "measure": "M2",
                "title": f"Radweg {i}",
                "planned_start": start.isoformat(),
                "duration_days": 100,
                "progress": 0,
            }
        )
        current.append(
            {
                "code": code,
                "start": start.isoformat(),
                "finish": (start + timedelta(days=100)).isoformat(),
            }
        )
    return doc


@pytest.fixture
def people(personas):
    load(dashboard_document(), replace=True, reason="dashboards for the tests")
    return personas


def office_links(page: str) -> list[str]:
    """Every distinct office address the page links to (the part before any #)."""
    hrefs = re.findall(r'href="((?:/en)?/office/[^"#]*)', page)
    return sorted({html.unescape(h) for h in hrefs})


def text_of(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment)


def main_of(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def codes(rows):
    return [m.code for m in rows]


def lists_of(response):
    return {row["name"]: row for row in response.context["lists"]}


# -- no dead ends -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_office_link_on_a_dashboard_leads_to_a_refused_missing_or_broken_page(
    client, people, persona
):
    client.force_login(getattr(people, persona))
    response = client.get(url("dashboard"))
    assert response.status_code == 200
    links = office_links(response.content.decode())
    # More than the menu: the dashboard's own lists link to milestones or posts.
    assert any("/milestones/" in link and link.count("/") > 4 for link in links) or any(
        "/positions/" in link and link.count("/") > 4 for link in links
    ), links
    refused = {}
    for link in links:
        status = client.get(link).status_code
        if status in (403, 404, 500):
            refused[link] = status
    assert refused == {}


# -- what each role sees ----------------------------------------------------------------------


def test_an_editor_sees_open_work_only_most_overdue_first(client, people):
    client.force_login(people.editor)
    lists = lists_of(client.get(url("dashboard")))
    overdue = lists["overdue"]
    # B (planned to finish 02.04.) is 60 days overdue, R01 (12.04.) 50, C (10.05.) 22 days.
    assert overdue["count"] == 2 + 1 + EXTRA  # B, C, E and R01…R12
    assert codes(overdue["rows"])[:3] == ["B", "E", "R01"]
    assert overdue["rows"][0].overdue_days == 60
    # A finished on 10.02.2025, ten days late and without a reason: no work left.
    for row in lists.values():
        assert "A" not in codes(row["rows"])


def test_a_list_shows_ten_rows_and_links_to_all_of_them(client, people):
    client.force_login(people.editor)
    response = client.get(url("dashboard"))
    overdue = lists_of(response)["overdue"]
    assert len(overdue["rows"]) == 10
    page = response.content.decode()
    all_link = re.search(r'href="(/office/testprogramm/milestones/\?[^"]*show=overdue[^"]*)"', page)
    assert all_link, "no link to all overdue milestones"
    assert "alle 15 anzeigen" in page
    listed = client.get(html.unescape(all_link.group(1)))
    assert listed.status_code == 200
    # All 15, in the same order of urgency: R12 (23.04.) is 39 days overdue, C 22 days.
    assert codes(listed.context["milestones"]) == [
        "B",
        "E",
        *[f"R{i:02d}" for i in range(1, EXTRA + 1)],
        "C",
    ]


def test_a_unit_editor_sees_the_milestones_of_their_unit_first(client, people):
    client.force_login(people.unit_editor)  # Stabsstelle Digitalisierung: M1 and below
    response = client.get(url("dashboard"))
    assert response.context["chosen"]["mine"] is True
    assert codes(lists_of(response)["overdue"]["rows"]) == ["B", "C"]
    # The rest of the programme: untick "mine" (the form sends "filtered" without "mine").
    everything = lists_of(client.get(url("dashboard") + "?filtered=1"))
    assert everything["overdue"]["count"] == 15


def test_the_other_unit_editor_sees_their_own_unit_and_filters_by_unit(client, people):
    client.force_login(people.other_unit_editor)  # Tiefbauamt: M2
    overdue = lists_of(client.get(url("dashboard")))["overdue"]
    assert overdue["count"] == 1 + EXTRA and "B" not in codes(overdue["rows"])
    lead = Unit.objects.get(name="Stabsstelle Digitalisierung")
    chosen = lists_of(client.get(url("dashboard") + f"?filtered=1&unit={lead.pk}"))
    assert codes(chosen["overdue"]["rows"]) == ["B", "C"]
    assert client.get(url("dashboard") + "?filtered=1&unit=abc").status_code == 400


def test_overdue_only_narrows_every_list(client, people):
    client.force_login(people.editor)
    lists = lists_of(client.get(url("dashboard") + "?filtered=1&overdue=on"))
    overdue = set(codes(Milestone.objects.filter(code__in=["B", "C", "E"])))
    overdue |= {f"R{i:02d}" for i in range(1, EXTRA + 1)}
    for row in lists.values():
        assert set(codes(row["rows"])) <= overdue, row["name"]


def test_the_milestone_list_takes_the_same_filters(client, people):
    client.force_login(people.other_unit_editor)
    response = client.get(url("milestones") + "?filtered=1&mine=on&show=overdue")
    assert response.status_code == 200
    assert codes(response.context["milestones"])[:2] == ["E", "R01"]
    assert "B" not in codes(response.context["milestones"])
    # Without a filter a unit editor starts with their own unit's milestones.
    default = codes(client.get(url("milestones")).context["milestones"])
    assert "D" in default and "B" not in default
    bad = client.get(url("milestones") + "?filtered=1&unit=999999")
    assert bad.status_code == 400
    assert "unit" in bad.context["filter_form"].errors


def test_a_finance_officer_sees_the_money_work_and_a_short_plan_status(client, people):
    client.force_login(people.finance)
    response = client.get(url("dashboard"))
    main = main_of(response)
    money = response.context["money"]
    assert "D" in [row.milestone.code for row in money["at_risk"]]
    assert 2025 in [row["year"] for row in money["gaps"]]
    assert "2025: Im Haushalt fehlen" in main
    assert [str(row["lag"]) for row in money["behind"]] == ["650.00"]  # planned 2000, got 1350
    assert "650,00 €" in main
    assert url("budget_lines") in main and url("drawdowns") in main
    assert url("milestone", "D") in main
    assert "lists" not in response.context  # no plan work: finance may not change the plan
    assert response.context["status"]["overdue"]["count"] == 15
    assert "Stand des Plans" in main


def test_hr_sees_the_post_alerts_and_the_vacant_posts(client, people):
    client.force_login(people.hr)
    response = client.get(url("dashboard"))
    main = main_of(response)
    assert [row["position"].code for row in response.context["post_alerts"]] == ["CDO", "PL"]
    assert [f.position.code for f in response.context["vacant"]] == ["CDO"]
    assert url("position", "CDO") in main and url("position", "PL") in main
    assert "money" not in response.context and "lists" not in response.context


def test_a_viewer_gets_a_read_only_summary(client, people):
    client.force_login(people.viewer)
    response = client.get(url("dashboard"))
    main = main_of(response)
    assert "Sie können in der Verwaltung alles lesen und nichts ändern." in main
    assert 'method="post"' not in main
    assert codes(response.context["status"]["overdue"]["rows"])[:2] == ["B", "E"]
    assert "money" not in response.context and "post_alerts" not in response.context


# -- a refused page keeps the office -----------------------------------------------------------


def test_a_refused_change_keeps_the_office_menu(client, people):
    client.force_login(people.viewer)
    response = client.post(url("milestone", "B"), {"op": "progress", "progress-progress": "50"})
    assert response.status_code == 403
    page = response.content.decode()
    assert url("milestones") in page  # the office menu
    assert f'href="{url("dashboard")}"' in page
    assert Milestone.objects.get(code="B").progress == 40


def test_an_outsider_is_refused_with_a_way_back_to_the_office(client, people):
    client.force_login(people.outsider)
    response = client.get(url("dashboard"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Zur Startseite der Verwaltung" in page
    assert url("milestones") not in page  # no menu of a programme they may not see


# -- the milestone edit form --------------------------------------------------------------------


def test_a_refused_save_is_summarised_at_the_top_and_takes_the_focus(client, people):
    client.force_login(people.editor)
    response = client.post(
        url("milestone", "B"),
        {
            "op": "dates",
            "dates-planned_start": "2025-02-01",
            "dates-duration_days": "90",
            "dates-expected_finish": "",
            "dates-reason": "",
        },
    )
    assert response.status_code == 400
    main = main_of(response)
    summary = re.search(r'<div class="kern-alert[^"]*error-summary"[^>]*>', main)
    assert summary, "no error summary"
    opening = summary.group(0)
    assert 'role="alert"' in opening and 'tabindex="-1"' in opening and "autofocus" in opening
    # At the top: before the first form, with a link to the reason field.
    assert main.index("Es gibt ein Problem") < main.index("<form")
    assert 'href="#id_dates-reason"' in main
    assert Milestone.objects.get(code="B").duration_days == 60


def test_no_summary_before_anything_was_sent(client, people):
    client.force_login(people.editor)
    assert "Es gibt ein Problem" not in main_of(client.get(url("milestone", "B")))


def test_the_reason_label_says_when_it_is_needed_and_never_optional(client, people):
    client.force_login(people.editor)
    main = main_of(client.get(url("milestone", "B")))
    label = re.search(r'<label class="kern-label" for="id_dates-reason">(.*?)</label>', main)
    assert (
        text_of(label.group(1)) == "Begründung – nötig, wenn sich ein Ende nach hinten verschiebt"
    )
    # A field that is truly optional still says so.
    expected = re.search(r'<label class="kern-label" for="id_dates-expected_finish">(.*?)</', main)
    assert "optional" in text_of(expected.group(0))
    client.force_login(people.finance)
    form = main_of(client.get(url("cost_line_new")))
    label = re.search(r'<label class="kern-label" for="id_reason">(.*?)</label>', form)
    assert "wenn sich der geplante Betrag ändert" in label.group(1)
    assert "optional" not in text_of(label.group(1))


# -- 100 % without an actual finish -----------------------------------------------------------


def test_100_percent_without_a_finish_is_not_shown_as_running(client, people):
    shown = "100 % gemeldet, Ende noch nicht erfasst"
    public = client.get(reverse("portal:milestone", args=[SLUG, "E"])).content.decode()
    assert shown in public and "läuft" not in public
    measure = client.get(reverse("portal:measure", args=[SLUG, "M2"])).content.decode()
    assert shown in measure and "läuft, 100 %" not in measure
    assert "läuft, 0 %" not in measure  # R01…R12 have not started
    client.force_login(people.viewer)
    assert shown in main_of(client.get(url("milestone", "E")))
    # B, at 40 %, is still running.
    b = client.get(reverse("portal:measure", args=[SLUG, "M1.1"])).content.decode()
    assert "läuft, 40 %" in b


@pytest.mark.parametrize("persona", ["viewer", "editor"])
def test_a_draft_milestone_without_a_forecast_opens_for_readers_and_editors(
    client, people, persona
):
    client.force_login(getattr(people, persona))
    response = client.get(url("milestone", "X"))
    assert response.status_code == 200
    assert "keine: Entwürfe sind nicht Teil der Prognose" in main_of(response)
