"""No lost updates: two people open the same form, the first saves; the second's save is refused
with who changed it and when, beside the values typed and the values saved now, and with the
typed values still in the form. Saving again then deliberately overwrites."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from plansicht.accounts.models import StaffRole, Unit
from plansicht.funding.models import BudgetLine, Expenditure
from plansicht.history.models import Event
from plansicht.plan.models import Milestone
from plansicht.services import Actor, ChangedMeanwhile, ServiceError
from plansicht.services import funding as funding_service
from plansicht.services import plan as plan_service
from plansicht.staffing.models import Position

from .factories import load, staffed_document

SLUG = "testprogramm"
# A's save is dated 1 June 2025, 08:30 UTC: 10:30 in Berlin.
SAVED_AT = datetime(2025, 6, 1, 8, 30, tzinfo=UTC)
SAVED_AT_TEXT = "01.06.2025 10:30"


@pytest.fixture
def people(personas):
    """Anna (unit editor of the Stabsstelle) and Bernd (editor), Fiona (finance, Kämmerei) and
    Frank (administrator), Hanna (HR, Personalamt) and Holger (HR)."""
    load(staffed_document(), replace=True, reason="posts and money for the tests")
    organisation = personas.programme.organisation
    User = get_user_model()

    def person(username, first, last, role, unit=personas.office):
        user = User.objects.create_user(
            username, password="pw-" + username, first_name=first, last_name=last
        )
        StaffRole.objects.create(user=user, organisation=organisation, role=role, unit=unit)
        return user

    stabsstelle = Unit.objects.get(organisation=organisation, name="Stabsstelle Digitalisierung")
    kaemmerei = Unit.objects.create(organisation=organisation, name="Kämmerei")
    personalamt = Unit.objects.create(organisation=organisation, name="Personalamt")
    personas.anna = person("anna", "Anna", "Schmidt", StaffRole.UNIT_EDITOR, stabsstelle)
    personas.bernd = person("bernd", "Bernd", "Weber", StaffRole.EDITOR)
    personas.fiona = person("fiona", "Fiona", "Kramer", StaffRole.FINANCE, kaemmerei)
    personas.frank = person("frank", "Frank", "Otto", StaffRole.ADMIN)
    personas.hanna = person("hanna", "Hanna", "Berg", StaffRole.HR, personalamt)
    personas.holger = person("holger", "Holger", "Lenz", StaffRole.HR)
    return personas


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def hidden_version(response, prefix="") -> str:
    """The version a form carries, read from the page as the browser would send it back."""
    name = f"{prefix}-version" if prefix else "version"
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', response.content.decode())
    assert tag, f"no hidden {name} on the page"
    return re.search(r'value="(\d+)"', tag.group(0)).group(1)


def date_the_latest_event(**subject):
    """Give the save just made a known time, so that the message can be checked exactly."""
    event = Event.objects.filter(**subject).order_by("-id").first()
    Event.objects.filter(pk=event.pk).update(at=SAVED_AT)


def events_about(obj):
    return Event.objects.filter(
        subject_type__model=type(obj)._meta.model_name, subject_id=obj.pk
    ).count()


def page_text(response) -> str:
    return response.content.decode()


# -- the service ------------------------------------------------------------------------------


def test_a_change_over_a_newer_version_is_refused_with_who_and_when_and_nothing_is_stored(people):
    milestone = Milestone.objects.get(programme=people.programme, code="B")
    opened_at = milestone.version
    anna = Actor.for_user(people.anna, people.programme)
    plan_service.set_progress(milestone, 55, actor=anna, expected_version=opened_at)
    date_the_latest_event(subject_id=milestone.pk, action="milestone.progress")
    events = Event.objects.count()

    stale = Milestone.objects.get(pk=milestone.pk)
    with pytest.raises(ChangedMeanwhile) as refused:
        plan_service.set_progress(
            stale, 70, actor=Actor.for_user(people.bernd), expected_version=opened_at
        )

    assert refused.value.message == (
        "Inzwischen geändert von Anna Schmidt (Stabsstelle Digitalisierung) am "
        f"{SAVED_AT_TEXT}. Ihre Änderung wurde nicht gespeichert, damit die andere nicht "
        "verloren geht."
    )
    assert refused.value.event.actor == "Anna Schmidt"
    assert refused.value.current.progress == 55
    assert Milestone.objects.get(pk=milestone.pk).progress == 55
    assert Event.objects.count() == events


def test_every_change_takes_the_next_version_and_without_a_check_nothing_is_refused(people):
    milestone = Milestone.objects.get(programme=people.programme, code="B")
    first = milestone.version
    system = Actor.system("tests")
    plan_service.set_progress(milestone, 55, actor=system)
    plan_service.set_progress(Milestone.objects.get(pk=milestone.pk), 65, actor=system)
    assert Milestone.objects.get(pk=milestone.pk).version == first + 2


def test_a_replacing_load_moves_the_version_on_so_an_open_form_cannot_overwrite_it(people):
    milestone = Milestone.objects.get(programme=people.programme, code="B")
    opened_at = milestone.version
    load(staffed_document(), replace=True, reason="new document")
    with pytest.raises(ChangedMeanwhile) as refused:
        plan_service.set_progress(
            Milestone.objects.get(pk=milestone.pk),
            70,
            actor=Actor.for_user(people.bernd),
            expected_version=opened_at,
        )
    assert "System (tests)" in refused.value.message


def test_saving_an_entry_removed_meanwhile_is_refused_instead_of_bringing_it_back(people):
    expenditure = Expenditure.objects.order_by("pk").first()
    stale = Expenditure.objects.get(pk=expenditure.pk)
    funding_service.remove_expenditure(expenditure, actor=Actor.system("tests"))
    with pytest.raises(ServiceError, match="inzwischen entfernt"):
        funding_service.save_expenditure(
            stale.cost_line,
            actor=Actor.system("tests"),
            on=stale.on,
            amount="1.00",
            eligible=True,
            expenditure=stale,
            expected_version=stale.version,
        )
    assert not Expenditure.objects.filter(pk=stale.pk).exists()


# -- the office: milestones -------------------------------------------------------------------


def dates(version, start, reason):
    return {
        "op": "dates",
        "dates-planned_start": start,
        "dates-duration_days": "30",
        "dates-expected_finish": "",
        "dates-reason": reason,
        "dates-version": version,
    }


def test_milestone_dates_a_second_save_over_the_first_is_refused_and_then_wins(people):
    url = reverse("office:milestone", args=[SLUG, "B"])
    anna, bernd = logged_in(people.anna), logged_in(people.bernd)
    a_version = hidden_version(anna.get(url), "dates")
    b_version = hidden_version(bernd.get(url), "dates")

    saved = anna.post(url, dates(a_version, "2025-03-01", "Lieferverzug"))
    assert saved.status_code == 302
    milestone = Milestone.objects.get(programme=people.programme, code="B")
    date_the_latest_event(subject_id=milestone.pk, action="milestone.rescheduled")
    events = events_about(milestone)

    refused = bernd.post(url, dates(b_version, "2025-04-15", "Neue Ausschreibung"))
    text = page_text(refused)
    assert refused.status_code == 400
    assert (
        escape(
            f"Inzwischen geändert von Anna Schmidt (Stabsstelle Digitalisierung) am {SAVED_AT_TEXT}"
        )
        in text
    )
    # Bernd's input is still in the form; the table sets his value beside Anna's.
    assert 'value="2025-04-15"' in text
    assert "Neue Ausschreibung" in text
    assert re.search(r"Geplanter Beginn</th><td>15\.04\.2025</td><td>01\.03\.2025</td>", text)
    milestone.refresh_from_db()
    assert milestone.planned_start == date(2025, 3, 1)
    assert events_about(milestone) == events

    # Saving what the page now holds is a deliberate overwrite: Bernd's dates win.
    again = bernd.post(
        url, dates(hidden_version(refused, "dates"), "2025-04-15", "Neue Ausschreibung")
    )
    assert again.status_code == 302
    milestone.refresh_from_db()
    assert milestone.planned_start == date(2025, 4, 15)
    assert events_about(milestone) == events + 1


def test_the_progress_form_is_refused_too_when_the_dates_changed_meanwhile(people):
    url = reverse("office:milestone", args=[SLUG, "B"])
    anna, bernd = logged_in(people.anna), logged_in(people.bernd)
    a_version = hidden_version(anna.get(url), "dates")
    b_version = hidden_version(bernd.get(url), "progress")
    assert anna.post(url, dates(a_version, "2025-03-01", "Lieferverzug")).status_code == 302

    refused = bernd.post(
        url,
        {
            "op": "progress",
            "progress-progress": "60",
            "progress-reason": "",
            "progress-version": b_version,
        },
    )
    assert refused.status_code == 400
    assert "Inzwischen geändert von Anna Schmidt" in page_text(refused)
    assert Milestone.objects.get(programme=people.programme, code="B").progress != 60


# -- the office: expenditures and budget lines ------------------------------------------------


def expenditure_form(expenditure, version, amount, note):
    return {
        "cost_line": str(expenditure.cost_line_id),
        "on": expenditure.on.isoformat(),
        "amount": amount,
        "eligible": "on",
        "note": note,
        "document_ref": "",
        "reason": "",
        "version": version,
    }


def test_an_expenditure_a_second_save_over_the_first_is_refused_and_then_wins(people):
    expenditure = Expenditure.objects.filter(cost_line__code="K2").order_by("on").first()
    url = reverse("office:expenditure", args=[SLUG, expenditure.pk])
    fiona, frank = logged_in(people.fiona), logged_in(people.frank)
    f_version = hidden_version(fiona.get(url))
    k_version = hidden_version(frank.get(url))

    assert (
        fiona.post(url, expenditure_form(expenditure, f_version, "120,00", "")).status_code == 302
    )
    date_the_latest_event(subject_id=expenditure.pk, action="expenditure.saved")
    events = events_about(expenditure)

    refused = frank.post(url, expenditure_form(expenditure, k_version, "1.234,50", "Rechnung 7"))
    text = page_text(refused)
    assert refused.status_code == 400
    assert escape(f"Inzwischen geändert von Fiona Kramer (Kämmerei) am {SAVED_AT_TEXT}") in text
    assert 'value="1.234,50"' in text
    assert 'value="Rechnung 7"' in text
    assert re.search(r"Betrag</th><td>1\.234,50\s€</td><td>120,00\s€</td>", text)
    expenditure.refresh_from_db()
    assert expenditure.amount == Decimal("120.00")
    assert expenditure.note == ""
    assert events_about(expenditure) == events

    again = frank.post(
        url, expenditure_form(expenditure, hidden_version(refused), "1.234,50", "Rechnung 7")
    )
    assert again.status_code == 302
    expenditure.refresh_from_db()
    assert (expenditure.amount, expenditure.note) == (Decimal("1234.50"), "Rechnung 7")
    assert events_about(expenditure) == events + 1


def test_removing_an_entry_changed_meanwhile_is_refused_and_then_done_on_purpose(people):
    expenditure = Expenditure.objects.filter(cost_line__code="K2").order_by("on").first()
    edit = reverse("office:expenditure", args=[SLUG, expenditure.pk])
    remove = reverse("office:expenditure_remove", args=[SLUG, expenditure.pk])
    fiona, frank = logged_in(people.fiona), logged_in(people.frank)
    k_version = hidden_version(frank.get(remove))
    f_version = hidden_version(fiona.get(edit))
    assert (
        fiona.post(edit, expenditure_form(expenditure, f_version, "120,00", "")).status_code == 302
    )
    date_the_latest_event(subject_id=expenditure.pk, action="expenditure.saved")

    refused = frank.post(remove, {"reason": "doppelt erfasst", "version": k_version})
    text = page_text(refused)
    assert refused.status_code == 400
    assert escape(f"Inzwischen geändert von Fiona Kramer (Kämmerei) am {SAVED_AT_TEXT}") in text
    assert "120,00 €" in text  # the page shows the entry as it is now
    assert Expenditure.objects.filter(pk=expenditure.pk).exists()

    again = frank.post(remove, {"reason": "doppelt erfasst", "version": hidden_version(refused)})
    assert again.status_code == 302
    assert not Expenditure.objects.filter(pk=expenditure.pk).exists()


def budget_line_form(line, version, own_share, title):
    return {
        "grant": str(line.grant_id),
        "year": str(line.year),
        "product": line.product,
        "title": title,
        "own_share": own_share,
        "commitment_authorisation": "",
        "reason": "Haushaltsbeschluss",
        "version": version,
    }


def test_a_budget_line_a_second_save_over_the_first_is_refused_and_then_wins(people):
    line = BudgetLine.objects.get(grant__programme=people.programme, year=2025)
    url = reverse("office:budget_line", args=[SLUG, line.pk])
    fiona, frank = logged_in(people.fiona), logged_in(people.frank)
    f_version = hidden_version(fiona.get(url))
    k_version = hidden_version(frank.get(url))

    assert (
        fiona.post(url, budget_line_form(line, f_version, "2.000,00", line.title)).status_code
        == 302
    )
    date_the_latest_event(subject_id=line.pk, action="budget_line.saved")
    events = events_about(line)

    refused = frank.post(url, budget_line_form(line, k_version, "3.500,00", "Eigenanteil neu"))
    text = page_text(refused)
    assert refused.status_code == 400
    assert escape(f"Inzwischen geändert von Fiona Kramer (Kämmerei) am {SAVED_AT_TEXT}") in text
    assert 'value="3.500,00"' in text
    assert 'value="Eigenanteil neu"' in text
    line.refresh_from_db()
    assert (line.own_share, line.title) == (Decimal("2000.00"), "Smart City Eigenanteil")
    assert events_about(line) == events

    again = frank.post(
        url, budget_line_form(line, hidden_version(refused), "3.500,00", "Eigenanteil neu")
    )
    assert again.status_code == 302
    line.refresh_from_db()
    assert (line.own_share, line.title) == (Decimal("3500.00"), "Eigenanteil neu")
    assert events_about(line) == events + 1


# -- the office: posts and the hiring settings ------------------------------------------------


def post_details(version, title, pay_grade):
    cdo = Position.objects.get(code="CDO")
    return {
        "op": "details",
        "details-title": title,
        "details-unit": str(cdo.unit_id or ""),
        "details-fte": "1,00",
        "details-pay_grade": pay_grade,
        "details-grant": str(cdo.grant_id or ""),
        "details-cover": cdo.cover,
        "details-expected_fill": "",
        "details-holder": cdo.holder,
        "details-contract_end": "",
        "details-reason": "",
        "details-version": version,
    }


def test_a_post_a_second_save_over_the_first_is_refused_and_then_wins(people):
    url = reverse("office:position", args=[SLUG, "CDO"])
    hanna, holger = logged_in(people.hanna), logged_in(people.holger)
    h_version = hidden_version(hanna.get(url), "details")
    k_version = hidden_version(holger.get(url), "details")

    saved = hanna.post(url, post_details(h_version, "Chief Digital Officer", "E 15"))
    assert saved.status_code == 302
    post = Position.objects.get(code="CDO")
    date_the_latest_event(subject_id=post.pk, action="position.changed")
    events = events_about(post)

    refused = holger.post(url, post_details(k_version, "CDO (Leitung)", "E 14"))
    text = page_text(refused)
    assert refused.status_code == 400
    assert escape(f"Inzwischen geändert von Hanna Berg (Personalamt) am {SAVED_AT_TEXT}") in text
    assert 'value="CDO (Leitung)"' in text
    assert re.search(r"Entgeltgruppe</th><td>E 14</td><td>E 15</td>", text)
    post.refresh_from_db()
    assert (post.title, post.pay_grade) == ("Chief Digital Officer", "E 15")
    assert events_about(post) == events

    again = holger.post(
        url, post_details(hidden_version(refused, "details"), "CDO (Leitung)", "E 14")
    )
    assert again.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.pay_grade) == ("CDO (Leitung)", "E 14")


def test_the_hiring_settings_refuse_a_save_over_a_newer_version(people):
    url = reverse("office:hiring_settings", args=[SLUG])
    hanna, holger = logged_in(people.hanna), logged_in(people.holger)
    h_page, k_page = hanna.get(url), holger.get(url)

    def form_data(page, onboarding):
        form = page.context["form"]
        data = {name: form.initial.get(name, "") for name in form.fields}
        data.update(onboarding_days=str(onboarding), reason="", version=hidden_version(page))
        return data

    assert hanna.post(url, form_data(h_page, 20)).status_code == 302
    refused = holger.post(url, form_data(k_page, 45))
    assert refused.status_code == 400
    assert "Inzwischen geändert von Hanna Berg (Personalamt)" in page_text(refused)
    people.programme.refresh_from_db()
    assert people.programme.onboarding_days == 20
