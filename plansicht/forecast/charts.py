"""The portal's charts of forecast figures, drawn the same on a page and in a report: the
words in the active language, amounts as the ``euro`` filter writes them."""

from decimal import Decimal

from django.utils.translation import gettext as _

from plansicht.charts.money import MoneyLabels, YearRow, money_by_year_svg
from plansicht.funding.templatetags.funding import euro


def money_chart(rows, title, key) -> str:
    """Spending by year (planned, forecast, actual) as SVG. ``rows``: money by year as the
    stored forecast keeps it (``run.year_rows``); ``key``: the chart's id prefix."""
    years = [
        YearRow(r["year"], Decimal(r["planned"]), Decimal(r["forecast"]), Decimal(r["actual"]))
        for r in rows
    ]
    labels = MoneyLabels(
        title=title,
        planned=_("Planned (approved plan)"),
        forecast=_("Forecast"),
        actual=_("Actual"),
        summary=_("Spending by year; the table below gives every figure.")
        if years
        else _("No money planned yet."),
    )
    return money_by_year_svg(years, labels=labels, format_amount=euro, id_prefix=key)
