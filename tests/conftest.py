"""Shared test set-up: a frozen clock and small programme documents built by plain functions."""

from datetime import date

import pytest

TODAY = date(2025, 6, 1)


@pytest.fixture
def today(monkeypatch):
    """Freeze 'today' (Europe/Berlin) for services and stored forecasts."""
    from plansicht.forecast import run

    monkeypatch.setattr(run, "today", lambda: TODAY)
    return TODAY
