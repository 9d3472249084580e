"""The programme's hiring settings in the office: HR changes them through the service, with a
reason when fill dates move later. (Who may read and change them: test_office_permissions.py.)"""

from datetime import date

import pytest
from django.urls import reverse

from plansicht.forecast.models import MilestoneForecast, PositionForecast
from plansicht.history.models import Event

from .factories import hiring_settings_form, staffed_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def persona_document():
    return staffed_document()


@pytest.fixture
def programme(personas):
    return personas.programme


def test_hr_lengthens_onboarding_with_a_reason_and_the_forecast_follows(
    client, programme, personas
):
    client.force_login(personas.hr)
    url = reverse("office:hiring_settings", args=[programme.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, hiring_settings_form(onboarding_days=60))
    assert response.status_code == 400  # D moves later: a reason is needed
    assert "reason" in response.context["form"].errors
    assert MilestoneForecast.objects.get(milestone__code="D").start == date(2025, 11, 6)
    response = client.post(
        url, hiring_settings_form(onboarding_days=60, reason="Einarbeitung dauert länger")
    )
    assert response.status_code == 302
    assert MilestoneForecast.objects.get(milestone__code="D").start == date(2025, 12, 6)
    event = Event.objects.get(action="programme.hiring_settings")
    assert event.changes == {"onboarding_days": [30, 60]}


def test_shorter_steps_need_no_reason(client, programme, personas):
    client.force_login(personas.hr)
    url = reverse("office:hiring_settings", args=[programme.slug])
    assert client.post(url, hiring_settings_form(days_selection=28)).status_code == 302
    assert PositionForecast.objects.get(position__code="CDO").fill == date(2025, 9, 9)
