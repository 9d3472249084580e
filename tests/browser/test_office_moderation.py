"""A moderator decides on a reported comment (JOURNEYS.md): the dashboard counts the open
reports and what waits, its link opens the moderation page, the reported comment is listed
with the report's reason, and hiding it with a reason is said and moves it among the hidden;
then the comment awaiting release is released. Every page on the way is checked with
axe-core, on a phone and at a desk.
"""

import re

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import expect

from plansicht.participation.models import Comment, ContentReport, Participant
from plansicht.plan.models import Measure
from plansicht.services import Actor
from plansicht.services import participation as service

from .conftest import DEMO_TODAY, SLUG, VIEWPORTS, assert_sound, follow, log_in, short_date, url


def de(message, **values):
    with translation.override("de"):
        text = translation.gettext(message)
    return text % values if values else text


def de_count(singular, plural, count):
    with translation.override("de"):
        return translation.ngettext(singular, plural, count) % {"counter": count}


def comments(programme):
    """Paula's comment on M1, reported by a visitor; then, with pre-moderation switched on,
    her second one, awaiting release."""
    paula = get_user_model().objects.create_user("paula", email="paula@example.org")
    Participant.objects.create(user=paula, display_name="Paula P.")
    EmailAddress.objects.create(user=paula, email="paula@example.org", verified=True, primary=True)
    m1 = Measure.objects.get(programme=programme, code="M1")
    actor = Actor.for_user(paula)
    rude = service.write_comment(m1, actor=actor, author=paula, text="Das ist doch **Quatsch**.")
    service.report(rude, actor=Actor(), reason="Beleidigt die Mitarbeitenden")
    programme.premoderation = True
    programme.save(update_fields=["premoderation"])
    m1 = Measure.objects.get(pk=m1.pk)  # with the programme as saved now
    waiting = service.write_comment(m1, actor=actor, author=paula, text="Wann geht es los?")
    return rude, waiting


@VIEWPORTS
def test_a_moderator_hides_a_reported_comment_and_releases_a_waiting_one(demo, open_page, viewport):
    rude, waiting = comments(demo)
    moderation_url = url("office:moderation", SLUG)
    page = open_page(viewport)
    page.goto(url("office:login"))
    log_in(page, "admin")
    page.goto(url("office:dashboard", SLUG))
    assert_sound(page, "dashboard")
    # The demo has no report and nothing waiting of its own: Paula's are the only ones.
    count = page.locator(f"main a[href='{moderation_url}']")
    expect(count).to_have_text(
        de_count("%(counter)s report open", "%(counter)s reports open", 1)
        + ", "
        + de_count("%(counter)s awaiting release", "%(counter)s awaiting release", 1)
    )

    follow(count)
    expect(page).to_have_url(re.compile(re.escape(moderation_url) + "$"))
    assert_sound(page, "moderation")
    reported = page.locator("section[aria-labelledby=reported-heading]")
    card = reported.locator(f"article[aria-labelledby='comment{rude.pk}-heading']")
    expect(card).to_contain_text("Paula P.")
    expect(card).to_contain_text("Das ist doch Quatsch.")
    expect(card.locator("strong")).to_have_text("Quatsch")
    expect(card).to_contain_text(
        de("Reported on %(date)s:", date=short_date(DEMO_TODAY)) + " Beleidigt die Mitarbeitenden"
    )

    card.get_by_label(de("Reason")).fill("Beleidigend")
    follow(card.get_by_role("button", name=de("Hide")))
    expect(page).to_have_url(re.compile(re.escape(moderation_url) + "$"))
    assert_sound(page, "moderation after hiding")
    label = de("Comment %(number)s", number=rude.pk)
    expect(page.locator("main .messages")).to_contain_text(
        de(
            "%(code)s is hidden. The measure's page shows your reason instead of the text.",
            code=label,
        )
    )
    expect(page.locator("section[aria-labelledby=hidden-heading]")).to_contain_text(
        de("Hidden by the moderation: %(reason)s", reason="Beleidigend")
    )
    expect(page.locator("section[aria-labelledby=reported-heading]")).to_contain_text(
        de("No report is open.")
    )
    rude.refresh_from_db()
    assert (rude.hidden, rude.hidden_reason) == (True, "Beleidigend")
    assert not ContentReport.objects.filter(closed=None).exists()

    waiting_card = page.locator("section[aria-labelledby=waiting-heading]").locator(
        f"article[aria-labelledby='comment{waiting.pk}-heading']"
    )
    follow(waiting_card.get_by_role("button", name=de("Release")))
    assert_sound(page, "moderation after releasing")
    expect(page.locator("main .messages")).to_contain_text(
        de(
            "%(code)s is released and shown publicly.",
            code=de("Comment %(number)s", number=waiting.pk),
        )
    )
    assert list(Comment.objects.public().filter(pk=waiting.pk)) == [waiting]
