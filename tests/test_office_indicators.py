"""The office's measure page with its indicators, and the funder's acceptance on a milestone:
who sees the forms, values typed in German and kept as written, a refusal explained on its
field with nothing stored, the stale form, and the funder's letter kept for the office.
(Who may open and post to which page: test_office_permissions.py.)"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from plansicht.history.models import Event
from plansicht.indicators.models import Indicator, IndicatorValue
from plansicht.plan.models import Milestone
from plansicht.services import Actor
from plansicht.services import indicators as svc

SLUG = "testprogramm"
M1 = reverse("office:measure", args=[SLUG, "M1"])
ACCEPT_A = reverse("office:milestone_acceptance", args=[SLUG, "A"])

pytestmark = pytest.mark.django_db


def new_indicator(**changes):
    return {
        "op": "indicator",
        "indicator-code": "I1",
        "indicator-title": "Bearbeitungsdauer Bauantrag",
        "indicator-unit": "Tage",
        "indicator-baseline_value": "30",
        "indicator-baseline_on": "01.01.2024",
        "indicator-target_value": "12,50",
        "indicator-target_on": "31.12.2026",
        "indicator-reason": "",
        **changes,
    }


@pytest.fixture
def indicator(personas):
    return svc.save_indicator(
        personas.programme.measures.get(code="M1"),
        actor=Actor.system("tests"),
        code="I1",
        title="Bearbeitungsdauer Bauantrag",
        unit="Tage",
        baseline_value="30",
        baseline_on=date(2024, 1, 1),
        target_value="10",
        target_on=date(2026, 12, 31),
    )


def test_a_unit_editor_adds_an_indicator_typed_in_german(client, personas):
    client.force_login(personas.unit_editor)
    response = client.post(M1, new_indicator())
    assert response.status_code == 302
    stored = Indicator.objects.get()
    assert (stored.target_value, stored.baseline_value) == ("12.50", "30")  # as typed
    assert Event.objects.about(stored).get().user == personas.unit_editor
    page = client.get(M1).content.decode()
    assert "Kennzahl I1 wurde hinzugefügt." in page
    assert "Von 30 Tage (01.01.2024) auf 12,50 Tage bis 31.12.2026." in page
    assert "Es wurde noch kein Wert gemessen." in page


def test_a_value_with_a_decimal_point_is_explained_and_nothing_is_stored(client, personas):
    client.force_login(personas.unit_editor)
    response = client.post(M1, new_indicator(**{"indicator-target_value": "12.5"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert escape("„12.5“: Nachkommastellen bitte nach einem Komma schreiben, 12,5.") in page
    assert 'href="#id_indicator-target_value"' in page  # the error summary links the field
    assert not Indicator.objects.exists()


def test_a_target_date_before_the_baseline_is_refused_on_its_field(client, personas):
    client.force_login(personas.editor)
    response = client.post(M1, new_indicator(**{"indicator-target_on": "31.12.2023"}))
    assert response.status_code == 400
    form = response.context["new_indicator"]
    assert form.errors["target_on"] == [
        "Das Zieldatum (31.12.2023) liegt vor dem Datum des Ausgangswerts (01.01.2024)."
    ]
    assert not Indicator.objects.exists()


def test_recording_a_value_shows_the_progress(client, personas, indicator):
    client.force_login(personas.unit_editor)
    response = client.post(
        M1,
        {
            "op": "value",
            "indicator": str(indicator.pk),
            f"value-{indicator.pk}-on": "31.03.2025",
            f"value-{indicator.pk}-value": "18",
            f"value-{indicator.pk}-note": "Stichprobe",
        },
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.get().value == "18"
    page = client.get(M1).content.decode()
    # (18 − 30) / (10 − 30) = 60 %
    assert "Letzter Wert: 18 Tage am 31.03.2025. Das sind 60,0 % des Wegs" in page


def test_other_roles_read_the_measure_without_forms(client, personas, indicator):
    for persona in ("viewer", "other_unit_editor", "finance", "hr"):
        client.force_login(getattr(personas, persona))
        page = client.get(M1).content.decode()
        main = page[page.index("<main") : page.index("</main>")]
        assert "Bearbeitungsdauer Bauantrag" in main
        assert "<form" not in main, persona


def test_the_value_page_shows_the_stored_value_in_german_and_refuses_a_stale_form(
    client, personas, indicator
):
    value = svc.save_indicator_value(
        indicator, actor=Actor.system("tests"), on=date(2025, 3, 31), value="18.50"
    )
    url = reverse("office:indicator_value", args=[SLUG, value.pk])
    client.force_login(personas.unit_editor)
    assert 'value="18,50"' in client.get(url).content.decode()
    # someone corrects it meanwhile
    svc.save_indicator_value(
        indicator,
        actor=Actor.system("tests", name="Programmbüro"),
        on=date(2025, 3, 31),
        value="18.75",
        indicator_value=value,
    )
    response = client.post(
        url, {"op": "save", "value-on": "31.03.2025", "value-value": "19", "value-version": "1"}
    )
    assert response.status_code == 400
    (message,) = response.context["form"].non_field_errors()
    assert message.startswith("Inzwischen geändert von Programmbüro am 01.06.2025")
    # the typed value stays in the form, beside the one saved now
    assert response.context["form"].changed_meanwhile == [("Wert", "19", "18,75")]
    assert IndicatorValue.objects.get().value == "18.75"


def test_removing_an_indicator_with_values_needs_a_reason(client, personas, indicator):
    svc.save_indicator_value(indicator, actor=Actor.system("t"), on=date(2025, 1, 1), value="20")
    url = reverse("office:indicator", args=[SLUG, indicator.pk])
    client.force_login(personas.editor)
    response = client.post(url, {"op": "remove", "remove-reason": "", "remove-version": "1"})
    assert response.status_code == 400
    assert Indicator.objects.exists()
    response = client.post(
        url, {"op": "remove", "remove-reason": "entfällt", "remove-version": "1"}
    )
    assert response.status_code == 302
    assert not Indicator.objects.exists() and not IndicatorValue.objects.exists()


# -- the funder's acceptance ------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_finance_officer_records_the_acceptance_with_the_letter(client, personas, media):
    client.force_login(personas.finance)
    response = client.post(
        ACCEPT_A,
        {
            "accepted_on": "03.03.2025",
            "acceptance_ref": "ZB-2025/17",
            "acceptance_document": SimpleUploadedFile(
                "Abnahme.pdf", b"%PDF-1.7 Abnahme", "application/pdf"
            ),
            "version": str(Milestone.objects.get(code="A").version),
        },
    )
    assert response.status_code == 302
    a = Milestone.objects.get(code="A")
    assert (a.accepted_on, a.acceptance_ref) == (date(2025, 3, 3), "ZB-2025/17")
    page = client.get(reverse("office:milestone", args=[SLUG, "A"])).content.decode()
    assert "03.03.2025 (Aktenzeichen ZB-2025/17)" in page
    letter = reverse("office:acceptance_document", args=[SLUG, "A"])
    assert letter in page
    client.force_login(personas.viewer)  # every office role may read the letter
    response = client.get(letter)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_acceptance_before_the_finish_or_a_letter_that_is_no_pdf_is_refused(
    client, personas, media
):
    client.force_login(personas.finance)
    version = str(Milestone.objects.get(code="A").version)
    response = client.post(ACCEPT_A, {"accepted_on": "09.02.2025", "version": version})
    assert response.status_code == 400
    assert response.context["form"].errors["accepted_on"] == [
        "Der Zuwendungsgeber kann den Meilenstein nicht am 09.02.2025 abnehmen, vor seinem "
        "Abschluss am 10.02.2025."
    ]
    response = client.post(
        ACCEPT_A,
        {
            "accepted_on": "03.03.2025",
            "acceptance_document": SimpleUploadedFile("x.pdf", b"<html>", "application/pdf"),
            "version": version,
        },
    )
    assert response.status_code == 400
    assert "als PDF anhängen" in str(response.context["form"].errors["acceptance_document"])
    assert Milestone.objects.get(code="A").accepted_on is None


def test_the_milestone_page_offers_the_acceptance_form_to_the_finance_role_only(client, personas):
    page_a = reverse("office:milestone", args=[SLUG, "A"])
    for persona, offered in (("finance", True), ("admin", True), ("editor", False)):
        client.force_login(getattr(personas, persona))
        assert (ACCEPT_A in client.get(page_a).content.decode()) is offered, persona


def test_no_letter_stored_is_a_404(client, personas):
    client.force_login(personas.viewer)
    assert client.get(reverse("office:acceptance_document", args=[SLUG, "A"])).status_code == 404


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("70", "70"), ("12,50", "12.50"), ("-3,5", "-3.5"), ("1.234,5", "1234.5"), (" 8 ", "8")],
)
def test_values_typed_in_german_are_kept_as_written(typed, stored):
    from plansicht.office.forms import IndicatorValueField

    assert IndicatorValueField().clean(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12.5", "„12.5“: Nachkommastellen bitte nach einem Komma schreiben, 12,5."),
        ("12,34567", "Bitte eine Zahl wie 70 oder 12,5 eingeben"),
        ("1234567890123456", "Bitte höchstens 15 Ziffern vor dem Komma eingeben."),
        ("zwölf", "Bitte eine Zahl wie 70 oder 12,5 eingeben"),
    ],
)
def test_values_that_cannot_be_read_say_what_to_type(typed, message):
    from django import forms

    from plansicht.office.forms import IndicatorValueField

    with pytest.raises(forms.ValidationError) as caught:
        IndicatorValueField().clean(typed)
    assert caught.value.messages[0].startswith(message)
