"""Comments on a measure of the demo, on a phone and at a desk: Petra replies to Anna's comment
and follows the measure; a visitor without an account reports a comment to the moderation. The
measure page with its comments (a reply under its comment, one hidden by the moderation), the
reply form, the report page and its problem must all be accessible (axe-core, WCAG 2.1 AA),
have one h1 and never scroll sideways on a phone.
"""

import re

from playwright.sync_api import expect

from .conftest import SLUG, VIEWPORTS, assert_sound, follow, url
from .test_portal_questions import signed_in


def comments_on_m6():
    """Anna's comment with Bernd's reply, and a comment the moderation hid; as the services
    write them (the moderation acting as the system here)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from plansicht.participation.models import Participant
    from plansicht.plan.models import Measure
    from plansicht.services import Actor
    from plansicht.services import participation as service

    people = {}
    for name, shown in (("anna", "Anna A."), ("bernd", "Bernd B.")):
        user = get_user_model().objects.create_user(name, password="pw-" + name)
        Participant.objects.create(user=user, display_name=shown)
        EmailAddress.objects.create(user=user, email=f"{name}@example.org", verified=True)
        people[name] = user
    m6 = Measure.objects.get(programme__slug=SLUG, code="M6")

    def write(who, text, parent=None):
        user = people[who]
        return service.write_comment(
            m6, actor=Actor.for_user(user), author=user, text=text, parent=parent
        )

    first = write("anna", "Bitte die Plattform auch **barrierefrei** bauen.")
    write("bernd", "Dem schließe ich mich an.", parent=first)
    rude = write("bernd", "Ein unhöflicher Text")
    service.hide(rude, actor=Actor.system("test"), reason="Beleidigend")
    return first


@VIEWPORTS
def test_petra_replies_to_a_comment_and_follows_the_measure(demo, open_page, live_server, viewport):
    first = comments_on_m6()
    page = open_page(viewport)
    signed_in(page, live_server)
    page.goto(url("portal:measure", SLUG, "M6"))
    assert_sound(page, "measure M6 with comments")
    thread = page.locator(f"#comment-{first.pk}").locator("xpath=..")
    expect(thread.locator(".comments__replies")).to_contain_text("Dem schließe ich mich an.")
    expect(page.locator("#comments")).to_contain_text(
        "Von der Moderation ausgeblendet: Beleidigend"
    )
    expect(page.locator("#comments")).not_to_contain_text("unhöflich")

    follow(page.locator(f"#comment-{first.pk} a", has_text="Antworten"))
    assert_sound(page, "the reply form")
    expect(page.locator("#comment-form-heading")).to_have_text(
        "Auf den Kommentar von Anna A. antworten"
    )
    page.get_by_label("Ihre Antwort").fill("Und bitte in leichter Sprache.")
    follow(page.locator("form.comment-form button[type=submit]"))
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    assert_sound(page, "measure M6 with Petra's reply")
    expect(page.locator(".messages")).to_contain_text("Ihr Kommentar ist veröffentlicht.")
    expect(thread.locator(".comments__replies > li")).to_have_count(2)
    expect(thread.locator(".comments__replies > li").last).to_contain_text("Petra P.")

    follow(page.get_by_role("button", name=re.compile(r"^Folgen: M6 ")))
    assert_sound(page, "measure M6 followed")
    expect(page.get_by_role("button", name=re.compile(r"^Nicht mehr folgen: M6 "))).to_be_visible()


@VIEWPORTS
def test_a_visitor_reports_a_comment(demo, open_page, viewport):
    first = comments_on_m6()
    page = open_page(viewport)
    page.goto(url("portal:measure", SLUG, "M6"))
    assert_sound(page, "measure M6 for a visitor")
    expect(page.locator("#comment-form")).to_contain_text("Um zu kommentieren")
    follow(page.locator(f"#comment-{first.pk} a", has_text="Melden"))
    assert_sound(page, "the report page")
    expect(page.locator("h1")).to_have_text("Einen Kommentar der Moderation melden")
    follow(page.locator("form.report-form button[type=submit]"))
    assert_sound(page, "the report page with its problem", status=400)
    expect(page.locator(".error-summary a[href='#report-reason']")).to_be_visible()
    page.get_by_label("Warum soll die Moderation sich das ansehen?").fill("Das ist Werbung.")
    follow(page.locator("form.report-form button[type=submit]"))
    expect(page).to_have_url(re.compile(rf"#comment-{first.pk}$"))
    assert_sound(page, "measure M6 after the report")
    expect(page.locator(".messages")).to_contain_text("Danke, die Moderation sieht sich das an.")
    expect(page.locator(f"#comment-{first.pk}")).to_contain_text("barrierefrei")
