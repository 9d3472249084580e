"""Two kinds of done: a milestone reported complete (its actual finish) and accepted by the
funder later (``accepted_on``, the funder's reference, optionally its letter as a PDF). The
finance role records the acceptance; the counts read "finished by a date, of them accepted by
then"."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from plansicht.history.models import Event
from plansicht.plan.models import Milestone
from plansicht.services import Actor, ChangedMeanwhile, ServiceError
from plansicht.services import plan as plan_svc
from plansicht.services.acceptance import record_acceptance

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests", name="Kämmerei")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def milestone(code):
    return Milestone.objects.get(programme__slug="testprogramm", code=code)


def pdf(content=b"%PDF-1.7\n..."):
    return SimpleUploadedFile("Abnahme.pdf", content, "application/pdf")


def events():
    return list(Event.objects.filter(action__startswith="milestone.accept").order_by("pk"))


def test_the_funder_accepts_a_finished_milestone_with_its_reference(personas):
    # A finished on 10.02.2025
    record_acceptance(
        milestone("A"), actor=SYSTEM, accepted_on=date(2025, 3, 3), acceptance_ref="ZB 4711"
    )
    a = milestone("A")
    assert (a.accepted_on, a.acceptance_ref) == (date(2025, 3, 3), "ZB 4711")
    assert a.actual_finish == date(2025, 2, 10)  # reported complete stays as it was
    (event,) = events()
    assert event.action == "milestone.accepted" and event.public
    assert event.changes == {"accepted_on": [None, "2025-03-03"], "acceptance_ref": ["", "ZB 4711"]}
    assert event.milestone == a and event.measure.code == "M1"


def test_acceptance_on_the_day_of_the_finish_counts_and_before_it_is_refused(personas):
    with pytest.raises(ServiceError) as caught:
        record_acceptance(milestone("A"), actor=SYSTEM, accepted_on=date(2025, 2, 9))
    assert caught.value.field == "accepted_on"
    assert "on 9 Feb 2025, before it was finished on 10 Feb 2025" in caught.value.message
    record_acceptance(milestone("A"), actor=SYSTEM, accepted_on=date(2025, 2, 10))
    assert milestone("A").accepted_on == date(2025, 2, 10)


def test_an_unfinished_milestone_cannot_be_accepted(personas):
    with pytest.raises(ServiceError) as caught:
        record_acceptance(milestone("B"), actor=SYSTEM, accepted_on=date(2025, 5, 1))
    assert "Record its actual finish first" in caught.value.message
    assert milestone("B").accepted_on is None and not events()


def test_an_acceptance_in_the_future_or_a_reference_without_a_date_is_refused(personas):
    with pytest.raises(ServiceError, match="2 Jun 2025 lies in the future"):
        record_acceptance(milestone("A"), actor=SYSTEM, accepted_on=date(2025, 6, 2))
    with pytest.raises(ServiceError) as caught:
        record_acceptance(milestone("A"), actor=SYSTEM, accepted_on=None, acceptance_ref="ZB 1")
    assert caught.value.field == "accepted_on"
    assert not events()


def test_only_the_finance_role_and_administrators_record_an_acceptance(personas):
    for persona in ("finance", "admin"):
        user = getattr(personas, persona)
        record_acceptance(
            milestone("A"),
            actor=Actor.for_user(user, personas.programme),
            accepted_on=date(2025, 3, 1 + len(events())),
        )
        assert events()[-1].user == user
    for persona in ("editor", "unit_editor", "viewer", "hr", "other_unit_editor"):
        user = getattr(personas, persona)
        with pytest.raises(PermissionDenied):
            record_acceptance(
                milestone("A"),
                actor=Actor.for_user(user, personas.programme),
                accepted_on=date(2025, 4, 1),
            )
    assert milestone("A").accepted_on == date(2025, 3, 2)


def test_the_funders_letter_is_kept_as_a_pdf_only(personas, media):
    record_acceptance(milestone("A"), actor=SYSTEM, accepted_on=date(2025, 3, 3), document=pdf())
    a = milestone("A")
    assert (media / a.acceptance_document.name).read_bytes().startswith(b"%PDF-")
    assert events()[-1].changes["acceptance_document"] == [None, "pdf"]
    with pytest.raises(ServiceError) as caught:
        record_acceptance(a, actor=SYSTEM, accepted_on=date(2025, 3, 3), document=pdf(b"<html>"))
    assert caught.value.field == "acceptance_document"
    assert "Attach the funder's acceptance as a PDF file" in caught.value.message
    record_acceptance(a, actor=SYSTEM, accepted_on=date(2025, 3, 3), document=pdf())
    assert events()[-1].changes == {"acceptance_document": ["pdf", "new pdf"]}
    record_acceptance(a, actor=SYSTEM, accepted_on=date(2025, 3, 3), remove_document=True)
    assert events()[-1].changes == {"acceptance_document": ["pdf", None]}
    assert not milestone("A").acceptance_document


def test_clearing_the_acceptance_clears_its_reference_and_letter(personas, media):
    record_acceptance(
        milestone("A"),
        actor=SYSTEM,
        accepted_on=date(2025, 3, 3),
        acceptance_ref="ZB 4711",
        document=pdf(),
    )
    record_acceptance(milestone("A"), actor=SYSTEM, accepted_on=None, reason="Irrtum")
    a = milestone("A")
    assert (a.accepted_on, a.acceptance_ref, a.acceptance_document.name) == (None, "", "")
    cleared = events()[-1]
    assert cleared.action == "milestone.acceptance_corrected"
    assert cleared.changes == {
        "accepted_on": ["2025-03-03", None],
        "acceptance_ref": ["ZB 4711", ""],
        "acceptance_document": ["pdf", None],
    }


def test_a_stale_acceptance_form_is_refused(personas):
    stale = milestone("A")
    record_acceptance(milestone("A"), actor=SYSTEM, accepted_on=date(2025, 3, 3))
    with pytest.raises(ChangedMeanwhile):
        record_acceptance(
            stale, actor=SYSTEM, accepted_on=date(2025, 3, 4), expected_version=stale.version
        )
    assert milestone("A").accepted_on == date(2025, 3, 3)
    assert stale.accepted_on is None  # the caller's object keeps its old values


def test_an_accepted_milestone_keeps_its_finish_on_or_before_the_acceptance(personas, today):
    record_acceptance(milestone("A"), actor=SYSTEM, accepted_on=date(2025, 3, 3))
    for finish in (None, date(2025, 3, 4)):
        with pytest.raises(ServiceError, match="Correct the funder's acceptance first"):
            plan_svc.record_actual(milestone("A"), actor=SYSTEM, actual_finish=finish)
    plan_svc.record_actual(
        milestone("A"), actor=SYSTEM, actual_finish=date(2025, 3, 3), reason="Nachtrag"
    )
    assert milestone("A").actual_finish == date(2025, 3, 3)


def test_finished_and_accepted_by_a_date(personas):
    programme = personas.programme
    record_acceptance(milestone("A"), actor=SYSTEM, accepted_on=date(2025, 3, 3))
    public = Milestone.objects.filter(programme=programme).public()
    # Only A is finished (10.02.2025), accepted on 03.03.2025.
    assert public.acceptance(date(2025, 2, 9)) == {"finished": 0, "accepted": 0}
    assert public.acceptance(date(2025, 2, 10)) == {"finished": 1, "accepted": 0}
    assert public.acceptance(date(2025, 3, 2)) == {"finished": 1, "accepted": 0}
    assert public.acceptance(date(2025, 3, 3)) == {"finished": 1, "accepted": 1}
