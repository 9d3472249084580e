"""Mails to the followers of a proposal, through a real SMTP server and the real task worker:
the proposer (who follows their proposal) and other followers hear of each new status with its
reason and of an extended due date, as a single mail or in the daily digest; whoever made the
change is not told; following a proposal is not following the programme."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from plansicht.notify.models import Notice
from plansicht.participation.models import Body, Follow, Participant, Submission
from plansicht.proposals.models import Proposal
from plansicht.services import Actor
from plansicht.services import participation as participation_service
from plansicht.services import proposals as service

from .test_notifications import participant, work
from .test_office_proposals import proposals_document

pytestmark = pytest.mark.django_db(transaction=True)
ANNA = "anna@example.org"


def subject(mail) -> str:
    """The subject as a mail program shows it: a long encoded subject is folded onto the
    next line, and the parser keeps the folding's space."""
    return " ".join(str(mail["Subject"]).split())


@pytest.fixture
def persona_document():
    return proposals_document()


@pytest.fixture
def proposed(personas, smtp_server):
    """Anna proposes benches along the cycle path on 01.06.2025 (she follows it), and three
    participants support it: it reaches the threshold of 3 that day, due 23.06.2025."""
    anna = participant("Anna A.", ANNA)
    proposal = service.submit(
        personas.programme,
        actor=Actor.for_user(anna),
        author=anna,
        title="Sitzbänke am Radweg",
        text="Bitte alle 500 m eine Bank.",
    )
    for name in ("Xaver X.", "Yvonne Y.", "Zora Z."):
        supporter = participant(name, f"{name[0].lower()}@example.org")
        service.support(proposal, actor=Actor.for_user(supporter), user=supporter)
    work()
    smtp_server.clear()
    return anna, proposal


def test_the_proposer_and_a_follower_hear_of_the_new_status_with_its_reason(
    proposed, personas, smtp_server, client
):
    anna, proposal = proposed
    bernd = participant("Bernd B.", "bernd@example.org")
    Follow.objects.create(user=bernd, programme=personas.programme, proposal=proposal)
    client.force_login(personas.editor)
    response = client.post(
        reverse("office:proposal", args=["testprogramm", proposal.code]),
        {
            "op": "decide",
            "decide-status": "taken_into_plan",
            "decide-reason": "Die Bänke kommen mit M2.",
            "decide-link": "measure:M2",
        },
    )
    assert response.status_code == 302
    work()
    for address in (ANNA, "bernd@example.org"):
        mail = smtp_server.only(to=address)
        assert subject(mail) == f"Vorschlag {proposal.code}: in den Plan übernommen – Testprogramm"
        text = smtp_server.text(mail)
        assert "01.06.2025" in text
        assert "Begründung: Die Bänke kommen mit M2." in text
        assert "measure:M2" in text
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(smtp_server.messages) == 2


def test_the_programmes_own_word_for_the_status_is_used(proposed, personas, smtp_server):
    anna, proposal = proposed
    programme = personas.programme
    programme.proposal_labels = {"under_review": "in Bearbeitung"}
    programme.save(update_fields=["proposal_labels"])
    service.decide(
        Proposal.objects.get(pk=proposal.pk),
        actor=Actor.for_user(personas.editor),
        status="under_review",
        reason="Das Tiefbauamt prüft.",
    )
    work()
    mail = smtp_server.only(to=ANNA)
    assert subject(mail) == f"Vorschlag {proposal.code}: in Bearbeitung – Testprogramm"


def test_a_follower_who_chose_the_digest_gets_it_in_the_daily_mail(proposed, personas, smtp_server):
    _anna, proposal = proposed
    clara = participant("Clara C.", "clara@example.org", mode=Participant.DIGEST)
    Follow.objects.create(user=clara, programme=personas.programme, proposal=proposal)
    service.decide(
        Proposal.objects.get(pk=proposal.pk),
        actor=Actor.for_user(personas.editor),
        status="declined",
        reason="Kein Platz am Radweg.",
    )
    work()
    assert smtp_server.to("clara@example.org") == []
    notice = Notice.objects.get(user=clara, sent=None)
    assert notice.subject == f"Vorschlag {proposal.code}: abgelehnt – Testprogramm"
    call_command("send_digests", verbosity=0)
    work()
    digest = smtp_server.only(to="clara@example.org")
    assert f"Vorschlag {proposal.code}: abgelehnt – Testprogramm" in smtp_server.text(digest)


def test_followers_hear_of_an_extended_due_date_with_its_reason(proposed, personas, smtp_server):
    _anna, proposal = proposed
    service.extend(
        Proposal.objects.get(pk=proposal.pk),
        actor=Actor.for_user(personas.editor),
        to=date(2025, 7, 15),
        reason="Der Ausschuss tagt erst im Juli.",
    )
    work()
    mail = smtp_server.only(to=ANNA)
    assert "15.07.2025" in subject(mail)
    assert "Begründung: Der Ausschuss tagt erst im Juli." in smtp_server.text(mail)


def test_the_proposer_withdrawing_tells_the_others_but_not_the_proposer(
    proposed, personas, smtp_server
):
    anna, proposal = proposed
    bernd = participant("Bernd B.", "bernd@example.org")
    Follow.objects.create(user=bernd, programme=personas.programme, proposal=proposal)
    service.withdraw(
        Proposal.objects.get(pk=proposal.pk), actor=Actor.for_user(anna), user=anna, reason=""
    )
    work()
    assert smtp_server.to(ANNA) == []
    mail = smtp_server.only(to="bernd@example.org")
    assert "zurückgezogen" in subject(mail)


def test_a_hidden_proposal_tells_nobody(proposed, personas, smtp_server):
    _anna, proposal = proposed
    service.hide(
        Proposal.objects.get(pk=proposal.pk),
        actor=Actor.for_user(personas.moderator),
        reason="Persönliche Daten",
    )
    service.decide(
        Proposal.objects.get(pk=proposal.pk),
        actor=Actor.for_user(personas.editor),
        status="declined",
        reason="Nein.",
    )
    work()
    assert smtp_server.messages == []


def test_following_a_proposal_is_not_following_the_programme(proposed, personas, smtp_server):
    anna, _proposal = proposed
    participation_service.submit(
        personas.programme,
        actor=Actor.for_user(personas.editor),
        kind=Submission.STATEMENT,
        text="Der Seniorenbeirat begrüßt die Plattform.",
        body=Body.objects.get(code="SB"),
        author_name="Seniorenbeirat",
        received=date(2025, 5, 30),
    )
    work()
    assert smtp_server.to(ANNA) == []
    # … and following the programme besides is a follow of its own
    participation_service.follow(anna, personas.programme, actor=Actor.for_user(anna))
    assert Follow.objects.filter(user=anna).count() == 2
