"""Jonas's Monday morning in the office (JOURNEYS.md): log in, open a milestone, move it later.

Moving a finish later needs a reason: without one the form says so at the reason field and
nothing is stored; with one the change is saved and the public pages show the new forecast
and the reason at once. A council member with a viewer role reads the milestone without forms,
and a dashboard of any role links only to pages the role may open.
Every office page on the way is checked with axe-core, on a phone and at a desk.
"""

import re
from datetime import timedelta

import pytest
from django.utils import translation
from playwright.sync_api import expect

from plansicht.forecast.models import MilestoneForecast
from plansicht.history.models import Event
from plansicht.plan.models import Milestone

from .conftest import DESKTOP, PHONE, SLUG, VIEWPORTS, assert_sound, follow, log_in, short_date, url

LONGER = 30  # days added to the duration
REASON = (
    "Der Auftragnehmer hat wegen Lieferengpässen bei den Bauteilen um vier Wochen "
    "Aufschub gebeten; die Verlängerung ist mit dem Fördermittelgeber abgestimmt."
)


def a_milestone_a_longer_duration_delays(programme):
    """A public milestone, not finished, whose forecast finish is its start plus its duration
    and which holds up no other: a longer duration moves its own finish later by as much."""
    candidates = (
        Milestone.objects.filter(programme=programme, successor_links__isnull=True)
        .public()
        .filter(forecast__finished=False)
        .select_related("forecast", "measure")
        .order_by("code")
    )
    for milestone in candidates:
        forecast = milestone.forecast
        if forecast.finish == forecast.start + timedelta(days=milestone.duration_days):
            return milestone
    raise AssertionError("the demo has no unfinished milestone whose duration sets its finish")


def events_of(milestone):
    return Event.objects.filter(subject_type__model="milestone", subject_id=milestone.pk)


def gettext_de(message):
    with translation.override("de"):
        return translation.gettext(message)


@VIEWPORTS
def test_jonas_cannot_move_a_finish_later_without_a_reason_and_the_public_sees_his(
    demo, open_page, viewport
):
    milestone = a_milestone_a_longer_duration_delays(demo)
    finish_before = milestone.forecast.finish
    duration_before = milestone.duration_days
    events_before = events_of(milestone).count()
    edit_url = url("office:milestone", SLUG, milestone.code)
    page = open_page(viewport)

    page.goto(url("office:login"))
    assert_sound(page, "login page")
    log_in(page, "buero")
    dashboard = url("office:dashboard", SLUG)
    if not page.url.endswith(dashboard):  # the office start page lists the programmes
        assert_sound(page, "office start page")
        follow(page.locator(f"main a[href='{dashboard}']"))
    expect(page).to_have_url(re.compile(re.escape(dashboard) + "$"))
    assert_sound(page, "dashboard")

    follow(page.locator(f".site-nav a[href='{url('office:milestones', SLUG)}']"))
    assert_sound(page, "milestone list")
    follow(page.locator(f"main a[href='{edit_url}']"))
    expect(page).to_have_url(re.compile(re.escape(edit_url) + "$"))
    assert_sound(page, "milestone edit page")

    # A longer duration, no reason: refused at the reason field.
    dates = page.locator("form:has(input[name=op][value=dates])")
    duration = dates.locator("#id_dates-duration_days")
    expect(duration).to_have_value(str(duration_before))
    duration.fill(str(duration_before + LONGER))
    follow(dates.locator("button[type=submit]"))
    assert_sound(page, "milestone edit page with the missing reason", status=400)
    # The summary at the top has the focus and leads to the field.
    summary = page.locator("main .error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(gettext_de("There is a problem"))
    summary.locator("a[href='#id_dates-reason']").click()
    reason = dates.locator("#id_dates-reason")
    expect(reason).to_be_focused()
    error = dates.locator("#id_dates-reason-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(milestone.code)
    expect(error).to_contain_text(short_date(finish_before))
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_attribute("aria-describedby", re.compile(r"\bid_dates-reason-error\b"))
    expect(duration).to_have_value(str(duration_before + LONGER))
    milestone.refresh_from_db()
    assert milestone.duration_days == duration_before
    assert MilestoneForecast.objects.get(milestone=milestone).finish == finish_before
    assert events_of(milestone).count() == events_before

    # With a reason: saved, and the forecast moves by the days added.
    reason.fill(REASON)
    follow(dates.locator("button[type=submit]"))
    # (the browser keeps the summary link's #id_dates-reason through the redirect)
    expect(page).to_have_url(re.compile(re.escape(edit_url) + "(#[-_a-z]*)?$"))
    assert_sound(page, "milestone edit page after saving")
    expect(page.locator("main .messages")).to_contain_text(
        gettext_de("The dates were saved and the forecast updated.")
    )
    milestone.refresh_from_db()
    assert milestone.duration_days == duration_before + LONGER
    finish_after = MilestoneForecast.objects.get(milestone=milestone).finish
    assert finish_after == finish_before + timedelta(days=LONGER)
    assert events_of(milestone).filter(reason=REASON).count() == 1
    expect(page.locator("main")).to_contain_text(short_date(finish_after))

    follow(page.locator(f".site-nav a[href='{url('office:plan_versions', SLUG)}']"))
    assert_sound(page, "plan versions")

    # The public, without a login, sees the new forecast and the reason at once.
    public = open_page(viewport)
    public.goto(url("portal:measure", SLUG, milestone.measure.code))
    assert_sound(public, f"public measure {milestone.measure.code}")
    row = public.locator("main table tbody tr").filter(
        has=public.get_by_role("link", name=f"{milestone.code} {milestone.title}", exact=True)
    )
    expect(row).to_contain_text(short_date(finish_after))
    expect(public.locator("main")).to_contain_text(REASON)

    public.goto(url("portal:milestone", SLUG, milestone.code))
    assert_sound(public, f"public milestone {milestone.code}")
    expect(public.locator("main dl")).to_contain_text(short_date(finish_after))
    expect(public.locator("main")).to_contain_text(REASON)


def test_a_council_member_with_a_viewer_role_reads_a_milestone_but_may_not_edit_it(demo, open_page):
    milestone = a_milestone_a_longer_duration_delays(demo)
    page = open_page(DESKTOP)
    page.goto(url("office:login"))
    log_in(page, "rat")

    response = page.goto(url("office:milestone", SLUG, milestone.code))
    assert response.status == 200
    assert_sound(page, "milestone, read only")
    expect(page.locator("main form")).to_have_count(0)
    expect(page.locator("input[name=op]")).to_have_count(0)
    expect(page.locator("main dl")).to_contain_text(short_date(milestone.forecast.finish))

    # A change posted anyway is refused on a page that keeps the office's menu.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    refused = page.request.post(
        url("office:milestone", SLUG, milestone.code),
        form={"op": "dates", "csrfmiddlewaretoken": token},
    )
    assert refused.status == 403
    assert url("office:milestones", SLUG) in refused.text()


@pytest.mark.parametrize("username", ["admin", "buero", "tiefbau", "kaemmerei", "personal", "rat"])
def test_each_roles_dashboard_is_sound_on_a_phone_and_its_first_milestone_opens(
    demo, open_page, username
):
    page = open_page(PHONE)
    page.goto(url("office:login"))
    log_in(page, username)
    page.goto(url("office:dashboard", SLUG))
    assert_sound(page, f"dashboard of {username}")
    links = page.locator(f"main a[href^='{url('office:milestones', SLUG)}']")
    detail = [
        href
        for href in links.evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
        if "?" not in href
    ]
    if detail:  # HR's dashboard lists posts, not milestones
        page.goto(detail[0])
        assert_sound(page, f"first milestone on the dashboard of {username}")
    else:
        follow(page.locator(f"main a[href^='{url('office:positions', SLUG)}']").first)
        assert_sound(page, f"first post on the dashboard of {username}")
