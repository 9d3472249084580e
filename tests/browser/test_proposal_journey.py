"""A proposal from the form to the office's decision with its public reason, on a phone and at a
desk: Anna opens the programme's proposals, writes a proposal about a measure and supports it;
Bernd supports it too, so it reaches the programme's threshold (2 here) and the page names the
day it must be decided by; the programme office declines it with a reason, or takes it into the
plan with a link to a measure; the public page then shows the status in words, the reason and
the link. axe-core checks the proposals list, the form, the proposal and the office's page."""

import re

import pytest
from django.core.cache import cache
from django.utils import translation
from playwright.sync_api import expect

from plansicht.plan.models import Measure
from plansicht.proposals import reads
from plansicht.proposals.models import Decision, Proposal, status_label

from .conftest import DEMO_TODAY, SLUG, VIEWPORTS, assert_sound, follow, log_in, short_date, url

TITLE = "Trinkbrunnen an allen Haltestellen mit Navigationshilfe"
TEXT = "Im Sommer brauchen Wartende **Wasser**. Bitte an jeder Haltestelle einen Trinkbrunnen."
DECLINED = "Die Wasserversorgung der Haltestellen ist nicht Teil des Förderprogramms."
TAKEN = "Die Trinkbrunnen kommen mit der Maßnahme zur Ausstattung der Haltestellen."


def de(message, **values) -> str:
    with translation.override("de"):
        text = translation.gettext(message)
    return text % values if values else text


def participant(username, shown):
    """A participant with a confirmed address and a participant profile."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from plansicht.participation.models import Participant

    user = get_user_model().objects.create_user(username, password=f"pw-{username}")
    Participant.objects.create(user=user, display_name=shown)
    EmailAddress.objects.create(
        user=user, email=f"{username}@example.org", verified=True, primary=True
    )
    return user


def sign_in(page, live_server, user):
    """``user`` signed in in this page's browser context (a session cookie from Django's
    test client, as the other journeys do)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def support(page, proposal_url, label):
    """Press the support button on the proposal's page and return to it."""
    page.goto(proposal_url)
    follow(page.get_by_role("button", name=de("Support this proposal")))
    expect(page).to_have_url(re.compile(re.escape(proposal_url) + "$"))
    assert_sound(page, label)


@pytest.mark.parametrize("outcome", ["declined", "taken_into_plan"])
@VIEWPORTS
def test_a_proposal_from_the_form_to_the_public_reason(
    demo, open_page, live_server, viewport, outcome
):
    demo.proposal_threshold = 2
    demo.save(update_fields=["proposal_threshold"])
    cache.clear()  # the portal's pages were cached with the demo's threshold
    anna = participant("anna", "Anna A.")
    bernd = participant("bernd", "Bernd B.")
    measure = Measure.objects.filter(programme=demo).public().order_by("code").first()

    # Anna finds the form through the programme's proposals and writes her proposal.
    page = open_page(viewport)
    sign_in(page, live_server, anna)
    page.goto(url("portal:proposals", SLUG))
    assert_sound(page, "the proposals, signed in")
    new_url = url("portal:proposal_new", SLUG)
    follow(page.locator(f"main a[href='{new_url}']").first)
    expect(page).to_have_url(re.compile(re.escape(new_url) + "$"))
    assert_sound(page, "the form for a proposal")
    form = page.locator("form.propose-form")
    # sent empty: the problems are named, lead to their fields, and nothing is stored
    follow(form.get_by_role("button", name=de("Send the proposal")))
    assert_sound(page, "the form for a proposal with its problems", status=400)
    expect(page.locator(".error-summary a[href='#propose-title']")).to_be_visible()
    assert not Proposal.objects.filter(programme=demo, author=anna).exists()
    form.get_by_label(de("Title")).fill(TITLE)
    form.get_by_label(de("Your proposal")).fill(TEXT)
    form.get_by_label(de("It concerns")).select_option(f"measure:{measure.code}")
    follow(form.get_by_role("button", name=de("Send the proposal")))
    proposal = Proposal.objects.get(programme=demo, title=TITLE)
    proposal_url = url("portal:proposal", SLUG, proposal.code)
    expect(page).to_have_url(re.compile(re.escape(proposal_url) + "$"))
    assert_sound(page, "the new proposal")
    main = page.locator("main")
    expect(main.locator(".messages")).to_contain_text(proposal.code)
    expect(main).to_contain_text("Bitte an jeder Haltestelle einen Trinkbrunnen.")
    expect(main.locator("strong")).to_have_text("Wasser")  # its Markdown, rendered
    expect(main).to_contain_text(f"{measure.code} {measure.title}")
    expect(main).to_contain_text(de("%(n)s of %(threshold)s", n=0, threshold=2))

    # Anna supports her own proposal: 1 of 2, one more needed.
    support(page, proposal_url, "the proposal supported once")
    expect(main).to_contain_text(de("You support this proposal."))
    expect(main).to_contain_text(de("%(n)s of %(threshold)s", n=1, threshold=2))
    expect(page.locator("#support-progress")).to_have_attribute("value", "1")
    with translation.override("de"):
        one_more = translation.ngettext(
            "%(counter)s more support is needed.", "%(counter)s more supports are needed.", 1
        ) % {"counter": 1}
    expect(main).to_contain_text(one_more)

    # Bernd supports it too: the threshold is reached today and the due date is shown.
    other = open_page(viewport)
    sign_in(other, live_server, bernd)
    support(other, proposal_url, "the proposal at its threshold")
    state = reads.state_of(proposal, DEMO_TODAY)
    assert (state.supports, state.threshold_reached) == (2, DEMO_TODAY)
    shown = other.locator("main")
    expect(shown).to_contain_text(de("%(n)s of %(threshold)s", n=2, threshold=2))
    expect(other.locator("#support-progress")).to_have_attribute("value", "2")
    expect(shown).to_contain_text(
        de(
            "The threshold was reached on %(date)s: the programme decides by %(due)s.",
            date=short_date(DEMO_TODAY),
            due=short_date(state.due),
        )
    )
    # The list shows the count, too.
    other.goto(url("portal:proposals", SLUG))
    assert_sound(other, "the proposals with the new one")
    row = other.locator("main table tbody tr").filter(
        has=other.locator(f"a[href='{proposal_url}']")
    )
    expect(row).to_contain_text(short_date(state.due))

    # The programme office decides in its queue.
    office = open_page(viewport)
    office.goto(url("office:login"))
    log_in(office, "buero")
    office.goto(url("office:proposals", SLUG))
    assert_sound(office, "the office's proposals")
    item_url = url("office:proposal", SLUG, proposal.code)
    follow(office.locator(f"main a[href='{item_url}']").first)
    expect(office).to_have_url(re.compile(re.escape(item_url) + "$"))
    assert_sound(office, "the proposal in the office")
    decide = office.locator("form:has(input[name=op][value=decide])")
    decide.locator("#id_decide-status").select_option(outcome)
    reason = DECLINED if outcome == "declined" else TAKEN
    decide.locator("#id_decide-reason").fill(reason)
    if outcome == "taken_into_plan":
        decide.locator("#id_decide-link").fill(f"measure:{measure.code}")
    follow(decide.locator("button[type=submit]"))
    expect(office).to_have_url(re.compile(re.escape(item_url) + "$"))
    assert_sound(office, f"the proposal {outcome} in the office")
    decision = Decision.objects.get(proposal=proposal)
    assert (decision.status, decision.reason, decision.on) == (outcome, reason, DEMO_TODAY)
    assert decision.link == (f"measure:{measure.code}" if outcome == "taken_into_plan" else "")

    # Anyone (no account) reads the decision in words, its reason and what took it up.
    cache.clear()
    visitor = open_page(viewport)
    visitor.goto(proposal_url)
    assert_sound(visitor, f"the public proposal, {outcome}")
    with translation.override("de"):
        words = str(status_label(demo, outcome))
    status = visitor.locator("main dl .kern-description-list-item").filter(
        has=visitor.locator("dt", has_text=re.compile("^" + de("Status") + "$"))
    )
    expect(status.locator("dd")).to_have_text(words)
    decisions = visitor.locator("#decisions-heading + * table tbody tr")
    expect(decisions).to_have_count(1)
    expect(decisions).to_contain_text(short_date(DEMO_TODAY))
    expect(decisions).to_contain_text(words)
    expect(decisions).to_contain_text(reason)
    measure_url = url("portal:measure", SLUG, measure.code)
    if outcome == "taken_into_plan":
        link = decisions.locator(f"a[href='{measure_url}']")
        expect(link).to_have_text(f"{measure.code} {measure.title}")
    else:
        expect(decisions.locator("a")).to_have_count(0)
    expect(visitor.locator("main")).to_contain_text(
        de("The proposal is decided or withdrawn; it takes no more supports.")
    )
    visitor.goto(url("portal:proposals", SLUG))
    assert_sound(visitor, f"the proposals with one {outcome}")
    row = visitor.locator("main table tbody tr").filter(
        has=visitor.locator(f"a[href='{proposal_url}']")
    )
    expect(row).to_contain_text(words)
