"""The programme office decides on an overdue proposal: from the office's menu to the review
queue, to the proposal, a status without the link it needs refused at the field, then taken
into the plan with a link chosen from the list; and the proposal settings. Every page on the
way is checked with axe-core, on a phone and at a desk."""

import re
from datetime import timedelta

from django.utils import translation
from playwright.sync_api import expect

from plansicht.plan.models import Measure
from plansicht.proposals.models import STATUS_LABELS, Decision, Proposal, Support

from .conftest import DEMO_TODAY, SLUG, VIEWPORTS, assert_sound, follow, log_in, url


def de(message, **values) -> str:
    with translation.override("de"):
        text = translation.gettext(message)
    return text % values if values else text


@VIEWPORTS
def test_the_programme_office_decides_on_an_overdue_proposal(demo, open_page, viewport):
    demo.proposal_threshold = 2
    demo.save(update_fields=["proposal_threshold"])
    received = DEMO_TODAY - timedelta(days=40)
    proposal = Proposal.objects.create(
        programme=demo,
        code="V90",  # beside the demo's own proposals V1 to V4
        author_name="Jugendparlament",
        received=received,
        title="Freies WLAN am Busbahnhof",
        text="Der Busbahnhof braucht **freies WLAN**.",
    )
    for days in (1, 2):  # the threshold of 2 reached 38 days ago: overdue
        Support.objects.create(proposal=proposal, on=received + timedelta(days=days))
    measure = Measure.objects.filter(programme=demo).order_by("code").first()
    queue_url = url("office:proposals", SLUG)
    item_url = url("office:proposal", SLUG, "V90")
    page = open_page(viewport)

    page.goto(url("office:login"))
    log_in(page, "buero")
    page.goto(url("office:dashboard", SLUG))
    follow(page.locator(f".site-nav a[href='{queue_url}']"))
    expect(page).to_have_url(re.compile(re.escape(queue_url) + "$"))
    assert_sound(page, "proposals")
    row = page.locator("main table tbody tr").filter(has=page.locator(f"a[href='{item_url}']"))
    with translation.override("de"):
        overdue = translation.pgettext("answer status", "overdue")
    expect(row).to_contain_text(overdue)
    expect(row).to_contain_text("2 / 2")

    follow(row.locator(f"a[href='{item_url}']"))
    assert_sound(page, "proposal V90")
    form = page.locator("form:has(input[name=op][value=decide])")
    form.locator("#id_decide-status").select_option("taken_into_plan")
    form.locator("#id_decide-reason").fill("Das WLAN kommt mit der Maßnahme.")
    follow(form.locator("button[type=submit]"))
    assert_sound(page, "proposal V90 refused without a link", status=400)
    expect(page.locator("#id_decide-link-error")).to_contain_text(
        de("Name the measure, milestone, plan version or change request that took it up.")
    )
    assert not Decision.objects.filter(proposal=proposal).exists()

    form = page.locator("form:has(input[name=op][value=decide])")
    form.locator("#id_decide-link").fill(f"measure:{measure.code}")
    follow(form.locator("button[type=submit]"))
    expect(page).to_have_url(re.compile(re.escape(item_url) + "$"))
    assert_sound(page, "proposal V90 taken into the plan")
    with translation.override("de"):
        taken = str(STATUS_LABELS["taken_into_plan"])
    expect(page.locator("main .messages")).to_contain_text(taken)
    expect(page.locator("main")).to_contain_text("Das WLAN kommt mit der Maßnahme.")
    decision = Decision.objects.get(proposal=proposal)
    assert (decision.status, decision.link, decision.on) == (
        "taken_into_plan",
        f"measure:{measure.code}",
        DEMO_TODAY,
    )

    page.goto(url("office:proposal_settings", SLUG))
    assert_sound(page, "proposal settings")
