"""Loading a programme stores its forecast; drafts take no part in any figure."""

from datetime import date
from decimal import Decimal

import pytest

from plansicht.forecast import run
from plansicht.forecast.models import MeasureForecast, MilestoneForecast, ProgrammeForecast
from plansicht.plan.models import Measure, Milestone

from .factories import load

pytestmark = pytest.mark.django_db


def test_the_stored_forecast_matches_the_hand_computed_one(today):
    programme = load()
    stored = {f.milestone.code: f for f in MilestoneForecast.objects.select_related("milestone")}
    assert set(stored) == {"A", "B", "C", "D"}  # the draft X and Z of the draft measure: none
    assert (stored["A"].finish, stored["A"].slip_days, stored["A"].health) == (
        date(2025, 2, 10),
        10,
        "green",
    )
    assert (stored["B"].finish, stored["B"].slip_days, stored["B"].health) == (
        date(2025, 6, 1),
        60,
        "amber",
    )
    assert (stored["C"].start, stored["C"].finish, stored["C"].slip_days) == (
        date(2025, 6, 6),
        date(2025, 7, 6),
        57,
    )
    assert stored["C"].original_slip_days == 66
    # D depends on the draft X, which is ignored: it starts as planned.
    assert (stored["D"].start, stored["D"].slip_days, stored["D"].original_slip_days) == (
        date(2025, 7, 1),
        0,
        None,
    )

    measures = {f.measure.code: f for f in MeasureForecast.objects.select_related("measure")}
    assert set(measures) == {"M1", "M1.1", "M1.1.1", "M2"}
    assert (measures["M1"].forecast_finish, measures["M1"].slip_days, measures["M1"].health) == (
        date(2025, 7, 6),
        57,
        "amber",
    )
    assert measures["M1"].percent_complete == Decimal("45.0")
    assert measures["M2"].percent_complete == Decimal("0.0")

    p = ProgrammeForecast.objects.get(programme=programme)
    assert (p.as_of, p.forecast_finish, p.baseline_finish, p.slip_days, p.health) == (
        today,
        date(2025, 9, 29),
        date(2025, 9, 29),
        0,
        "green",
    )
    assert (p.original_finish, p.original_slip_days) == (date(2025, 5, 1), 151)
    assert p.percent_complete == Decimal("25.7")
    assert (p.current_version, p.original_version) == (2, 1)


def test_public_querysets_hide_drafts_at_every_depth(today):
    programme = load()
    Measure.objects.filter(code="M1.1").update(draft=True)
    assert set(
        Measure.objects.filter(programme=programme).public().values_list("code", flat=True)
    ) == {"M1", "M2"}
    assert set(
        Milestone.objects.filter(programme=programme).public().values_list("code", flat=True)
    ) == {"A", "D"}


def test_a_refresh_on_a_later_day_moves_unfinished_work(today):
    programme = load()
    run.refresh(programme, date(2025, 8, 1))
    stored = {f.milestone.code: f for f in MilestoneForecast.objects.select_related("milestone")}
    assert stored["A"].finish == date(2025, 2, 10)  # finished: unchanged
    assert stored["B"].finish == date(2025, 8, 1)  # still running on 1 August
    assert stored["C"].start == date(2025, 8, 6)
    assert ProgrammeForecast.objects.get(programme=programme).as_of == date(2025, 8, 1)
    assert MilestoneForecast.objects.count() == 4
