"""The office's pages for proposals: the review queue (overdue first, then by the due date in
force, then below the threshold) and its filters, the status form (a public reason always, a
link for "taken into the plan"; a link to something the programme lacks refused and nothing
stored), two editors at once, extending the due date, hiding, hostile input, and the proposal
settings. (Who may open and post each page: test_office_permissions.py; the mails to
followers: test_proposal_notifications.py.)"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from plansicht.accounts.models import StaffRole
from plansicht.history.models import Event
from plansicht.plan.models import Programme
from plansicht.proposals.models import Decision, Extension, Proposal

from .factories import participation_document

SLUG = "testprogramm"


def proposals_document(slug=SLUG) -> dict:
    """The participation document with a threshold of 3 supports and proposals in every
    state as of the test clock (Sunday 01.06.2025; Rhineland-Palatinate, 15 working days):

    - V1 reached the threshold on 07.04., due 30.04. (Good Friday and Easter Monday skipped):
      overdue;
    - V2 reached it on 12.05., due 03.06. (Ascension Day 29.05. skipped): open;
    - V3 reached it on 06.05., due 27.05., extended on 20.05. to 10.06.: open;
    - V4 has 2 supports, V5 none: below the threshold;
    - V6 reached it on 11.04. and was declined on 20.04.: decided in time;
    - V7 was withdrawn by its proposer, V8 hidden by the moderation."""
    doc = participation_document(slug)
    doc["programme"]["proposal_threshold"] = 3

    def proposal(code, received, supports=(), **more):
        return {
            "code": code,
            "about": "measure:M1",
            "by": "Anna A.",
            "received": received,
            "title": f"Vorschlag {code}",
            "text": f"Text von {code}.",
            "supports": list(supports),
            **more,
        }

    doc["participation"]["proposals"] = [
        proposal("V1", "2025-04-01", ["2025-04-02", "2025-04-03", "2025-04-07"]),
        proposal("V2", "2025-05-01", ["2025-05-05", "2025-05-06", "2025-05-12"], body="SB"),
        proposal(
            "V3",
            "2025-05-06",
            ["2025-05-06"] * 3,
            extensions=[{"on": "2025-05-20", "to": "2025-06-10", "reason": "Rückfrage Bauamt"}],
        ),
        proposal("V4", "2025-05-20", ["2025-05-21", "2025-05-22"]),
        proposal("V5", "2025-05-25"),
        proposal(
            "V6",
            "2025-04-10",
            ["2025-04-11"] * 3,
            decisions=[{"on": "2025-04-20", "status": "declined", "reason": "Zu teuer."}],
        ),
        proposal(
            "V7",
            "2025-05-01",
            decisions=[{"on": "2025-05-02", "status": "withdrawn", "reason": ""}],
        ),
        proposal("V8", "2025-05-01", hidden={"reason": "Beleidigend"}),
    ]
    return doc


@pytest.fixture
def persona_document():
    return proposals_document()


def de(message, **values) -> str:
    """A message as the German pages show it, filled in and escaped."""
    with translation.override("de"):
        text = translation.gettext(message)
    return escape(text % values if values else text)


def word_de(status) -> str:
    """A proposal status in the default German words."""
    from plansicht.proposals.models import STATUS_LABELS

    with translation.override("de"):
        return escape(str(STATUS_LABELS[status]))


def url(name, *args):
    return reverse(f"office:{name}", args=[SLUG, *args])


def codes_in_table(response) -> list[str]:
    """The proposal codes of the table rows, in order (the row headers link to them)."""
    return re.findall(
        r'<th class="kern-table__cell" scope="row"><a class="kern-link" '
        r'href="/office/testprogramm/proposals/([^/]+)/"',
        response.content.decode(),
    )


def version_on_page(response, prefix="decide") -> str:
    match = re.search(
        rf'name="{prefix}-version" value="(\d+)"', response.content.decode()
    ) or re.search(rf'value="(\d+)"[^>]*name="{prefix}-version"', response.content.decode())
    assert match, "no version field on the page"
    return match.group(1)


def decide(client, code, **fields):
    data = {"op": "decide", **{f"decide-{k}": v for k, v in fields.items()}}
    return client.post(url("proposal", code), data)


def stored(code):
    p = Proposal.objects.get(code=code)
    return (p.status, p.version, list(Decision.objects.filter(proposal=p).values()))


# -- the queue --------------------------------------------------------------------------------


def test_the_queue_lists_the_overdue_first_then_by_due_date_then_below_the_threshold(
    client, personas
):
    client.force_login(personas.viewer)
    response = client.get(url("proposals"))
    assert response.status_code == 200
    assert codes_in_table(response) == ["V1", "V2", "V3", "V4", "V5"]
    body = response.content.decode()
    for text in ("30.04.2025", "03.06.2025", "10.06.2025", "07.04.2025", "3 / 3", "2 / 3"):
        assert text in body
    assert de("extended (originally %(date)s)", date="27.05.2025") in body
    with translation.override("de"):
        overdue = escape(translation.pgettext("answer status", "overdue"))
        below = escape(translation.pgettext("answer status", "below the threshold"))
    assert f"<strong>{overdue}</strong>" in body and below in body
    # the proposer by the name given, the body by its name
    assert "Anna A." in body and "Seniorenbeirat" in body


def test_the_queue_filters_by_where_a_proposal_stands_and_by_status(client, personas):
    client.force_login(personas.editor)

    def codes(**query):
        response = client.get(url("proposals"), {"filtered": "1", **query})
        assert response.status_code == 200
        return codes_in_table(response)

    assert codes(show="decided") == ["V6"]
    assert codes(show="below_threshold") == ["V4", "V5"]
    assert codes(show="overdue") == ["V1"]
    assert codes(show="all", status="declined") == ["V6"]
    assert codes(show="all") == ["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8"]
    bad = client.get(url("proposals"), {"filtered": "1", "show": "<script>"})
    assert bad.status_code == 400 and "<script>" not in bad.content.decode()


def test_the_participation_pages_and_the_dashboard_link_the_queue(client, personas):
    client.force_login(personas.editor)
    queue = url("proposals")
    assert f'href="{queue}"' in client.get(url("participation")).content.decode()
    dashboard = client.get(url("dashboard")).content.decode()
    assert f'href="{queue}"' in dashboard
    with translation.override("de"):
        overdue = translation.ngettext(
            "%(counter)s proposal overdue", "%(counter)s proposals overdue", 1
        ) % {"counter": 1}
    assert overdue in dashboard  # V1


# -- the status form --------------------------------------------------------------------------


def test_a_viewer_reads_a_proposal_but_a_post_gets_403_and_stores_nothing(client, personas):
    client.force_login(personas.viewer)
    page = client.get(url("proposal", "V1"))
    assert page.status_code == 200
    assert "Text von V1." in page.content.decode()
    assert 'name="decide-status"' not in page.content.decode()
    before, events = stored("V1"), Event.objects.count()
    response = decide(client, "V1", status="declined", reason="Nein.", version="1")
    assert response.status_code == 403
    assert stored("V1") == before and Event.objects.count() == events


def test_a_new_status_needs_a_public_reason(client, personas):
    client.force_login(personas.editor)
    before = stored("V1")
    response = decide(client, "V1", status="declined", reason="  ")
    assert response.status_code == 400
    assert de("Give the public reason for the new status.") in response.content.decode()
    assert stored("V1") == before


def test_taken_into_the_plan_needs_the_link_to_what_took_it_up(client, personas):
    client.force_login(personas.editor)
    before = stored("V1")
    response = decide(client, "V1", status="taken_into_plan", reason="Wird umgesetzt.")
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        de("Name the measure, milestone, plan version or change request that took it up.") in body
    )
    assert "Wird umgesetzt." in body  # what was typed stays in the form
    assert stored("V1") == before


def test_a_link_to_a_measure_the_programme_lacks_is_refused_and_nothing_is_stored(client, personas):
    client.force_login(personas.editor)
    before, events = stored("V1"), Event.objects.count()
    response = decide(client, "V1", status="partly_taken", reason="Teilweise.", link="measure:M99")
    assert response.status_code == 400
    assert de("The programme has no {what} {code}.").format(what="measure", code="M99") in (
        response.content.decode()
    )
    assert stored("V1") == before and Event.objects.count() == events


def test_taken_into_the_plan_with_a_link_is_stored_and_shown(client, personas):
    client.force_login(personas.editor)
    page = client.get(url("proposal", "V1")).content.decode()
    # the link field offers the programme's measures, milestones and plan versions
    for value in ("measure:M2", "milestone:B", "plan_version:2"):
        assert f'<option value="{value}">' in page
    response = decide(
        client, "V1", status="taken_into_plan", reason="Wird Teil von M2.", link="measure:M2"
    )
    assert response.status_code == 302
    decision = Decision.objects.get(proposal__code="V1")
    assert (decision.status, decision.link, str(decision.on)) == (
        "taken_into_plan",
        "measure:M2",
        "2025-06-01",
    )
    event = Event.objects.about(decision.proposal).get(action="proposal.decided")
    assert event.reason == "Wird Teil von M2." and event.user == personas.editor
    shown = client.get(url("proposal", "V1")).content.decode()
    assert word_de("taken_into_plan") in shown and "measure:M2" in shown
    assert f'href="{url("measure", "M2")}"' in shown  # what took it up, one click away


def test_declined_with_a_reason_then_the_status_shows_in_the_page_and_the_queue(client, personas):
    client.force_login(personas.admin)
    response = decide(client, "V2", status="declined", reason="Der Haushalt lässt es nicht zu.")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert word_de("declined") in page
    assert "Der Haushalt lässt es nicht zu." in page
    with translation.override("de"):
        in_time = escape(translation.pgettext("answer status", "answered in time"))
    assert in_time in page  # decided 01.06., due 03.06.
    queue = client.get(url("proposals"), {"filtered": "1", "show": "decided"})
    assert codes_in_table(queue) == ["V2", "V6"]  # the latest decision first


def test_the_second_of_two_editors_is_told_that_the_proposal_changed_meanwhile(client, personas):
    second = get_user_model().objects.create_user("editor2", password="pw-editor2")
    StaffRole.objects.create(
        user=second,
        organisation=personas.programme.organisation,
        role=StaffRole.EDITOR,
        unit=personas.office,
    )
    client.force_login(personas.editor)
    first_version = version_on_page(client.get(url("proposal", "V4")))
    client.force_login(second)
    second_version = version_on_page(client.get(url("proposal", "V4")))
    assert first_version == second_version
    client.force_login(personas.editor)
    ok = decide(client, "V4", status="under_review", reason="Wir prüfen.", version=first_version)
    assert ok.status_code == 302
    client.force_login(second)
    late = decide(client, "V4", status="declined", reason="Nicht möglich.", version=second_version)
    assert late.status_code == 400
    body = late.content.decode()
    assert de("Your values and the values saved now") in body
    assert "Nicht möglich." in body  # the typed reason is kept
    assert list(Decision.objects.filter(proposal__code="V4").values_list("status", flat=True)) == [
        "under_review"
    ]
    # saving again deliberately overwrites: the form now carries the version stored
    again = decide(
        client, "V4", status="declined", reason="Nicht möglich.", version=version_on_page(late)
    )
    assert again.status_code == 302
    assert Proposal.objects.get(code="V4").status == "declined"


def test_hostile_input_in_the_reason_and_the_link_is_stored_as_text_or_refused(client, personas):
    client.force_login(personas.editor)
    hostile = '<script>alert("x")</script> <img src=x onerror=alert(1)> [a](javascript:alert(1))'
    response = decide(client, "V1", status="declined", reason=hostile)
    assert response.status_code == 302
    assert Decision.objects.get(proposal__code="V1").reason == hostile  # stored as typed
    page = client.get(url("proposal", "V1")).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page
    before = stored("V2")
    for link in (
        "measure:<script>alert(1)</script>",
        "javascript:alert(1)",
        "measure:M1\nmilestone:B",
        "measure:M1' OR '1'='1",
        "plan_version:-1",
        "measure:" + "M" * 200,
    ):
        refused = decide(client, "V2", status="partly_taken", reason="Teilweise.", link=link)
        assert refused.status_code == 400, link
        assert "<script>alert(1)</script>" not in refused.content.decode()
    invisible = decide(client, "V2", status="declined", reason="Nein\u202e.")
    assert invisible.status_code == 400
    assert stored("V2") == before
    unknown = decide(client, "V2", status="withdrawn", reason="Weg.")
    assert unknown.status_code == 400  # only the proposer withdraws
    assert stored("V2") == before


# -- extending and hiding ---------------------------------------------------------------------


def test_an_extension_must_be_later_than_the_due_date_in_force_and_is_then_stored(client, personas):
    client.force_login(personas.editor)
    data = {"op": "extend", "extend-to": "02.06.2025", "extend-reason": "Gutachten fehlt."}
    early = client.post(url("proposal", "V2"), data)
    assert early.status_code == 400
    assert (
        de("The new due date must be later than the one in force, {due}.").format(due="03.06.2025")
        in early.content.decode()
    )
    assert not Extension.objects.filter(proposal__code="V2").exists()
    later = client.post(url("proposal", "V2"), {**data, "extend-to": "20.06.2025"})
    assert later.status_code == 302
    page = client.get(url("proposal", "V2")).content.decode()
    assert "20.06.2025" in page and "Gutachten fehlt." in page
    # below the threshold there is no due date, and so no form to extend it
    assert 'name="extend-to"' not in client.get(url("proposal", "V4")).content.decode()


def test_a_moderator_hides_a_proposal_with_a_reason(client, personas):
    client.force_login(personas.moderator)
    page = client.get(url("proposal", "V5")).content.decode()
    assert f'action="{url("proposal_hide", "V5")}"' in page
    empty = client.post(url("proposal_hide", "V5"), {"hide-reason": ""})
    assert empty.status_code == 400
    assert de("Give the reason for hiding; it is published.") in empty.content.decode()
    assert not Proposal.objects.get(code="V5").hidden
    done = client.post(url("proposal_hide", "V5"), {"hide-reason": "Persönliche Daten"})
    assert done.status_code == 302
    hidden = Proposal.objects.get(code="V5")
    assert hidden.hidden and hidden.hidden_reason == "Persönliche Daten"
    client.force_login(personas.editor)
    assert client.get(url("proposal_hide", "V5")).status_code == 403


# -- the settings -----------------------------------------------------------------------------


def settings_form(**changes):
    return {"threshold": "3", "version": str(Programme.objects.get(slug=SLUG).version), **changes}


def test_a_threshold_of_zero_is_refused_at_its_field_and_nothing_is_stored(client, personas):
    client.force_login(personas.editor)
    before = Programme.objects.filter(slug=SLUG).values("proposal_threshold", "version").get()
    events = Event.objects.count()
    for value in ("0", "-5", "abc", "2.5"):
        response = client.post(url("proposal_settings"), settings_form(threshold=value))
        assert response.status_code == 400, value
        assert de("Enter a whole number of supports, at least 1.") in response.content.decode()
    too_long = client.post(url("proposal_settings"), settings_form(declined="x" * 61))
    assert too_long.status_code == 400
    assert (
        Programme.objects.filter(slug=SLUG).values("proposal_threshold", "version").get() == before
    )
    assert Event.objects.count() == events


def test_an_editor_sets_the_threshold_and_the_programmes_own_word(client, personas):
    client.force_login(personas.editor)
    response = client.post(
        url("proposal_settings"),
        settings_form(threshold="2", declined="  nicht   umsetzbar ", reason="Ratsbeschluss"),
    )
    assert response.status_code == 302
    programme = Programme.objects.get(slug=SLUG)
    assert programme.proposal_threshold == 2
    assert programme.proposal_labels == {"declined": "nicht umsetzbar"}
    queue = client.get(url("proposals"), {"filtered": "1", "show": "all"}).content.decode()
    assert "nicht umsetzbar" in queue
    assert "2 / 2" in queue  # V4 reached the lower threshold on 22.05.
    hostile = client.post(
        url("proposal_settings"), settings_form(threshold="2", declined="<b>nein</b>")
    )
    assert hostile.status_code == 302
    page = client.get(url("proposals"), {"filtered": "1", "show": "all"}).content.decode()
    assert "<b>nein</b>" not in page and escape("<b>nein</b>") in page


def test_a_viewer_reads_the_proposal_settings_in_words(client, personas):
    client.force_login(personas.viewer)
    response = client.get(url("proposal_settings"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="threshold"' not in body
    assert word_de("taken_into_plan") in body
    link = url("proposal_settings")
    assert f'href="{link}"' in client.get(url("participation_settings")).content.decode()
