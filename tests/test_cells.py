"""Cells of CSV and XLSX exports cannot start a formula, and the importers get the text back."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plansicht.opendata.cells import neutralise, restore


@pytest.mark.parametrize(
    "text, cell",
    [
        ("=SUMME(A1:A9)", "'=SUMME(A1:A9)"),
        ("+49 30 1234", "'+49 30 1234"),
        ("-Entwurf", "'-Entwurf"),
        ("@Beirat", "'@Beirat"),
        ("\tTab", "'\tTab"),
        ("\rZeile", "'\rZeile"),
        ("'=schon", "''=schon"),
        ("-12.50", "-12.50"),
        ("-1.234,50", "-1.234,50"),
        ("+3", "+3"),
        ("Radweg", "Radweg"),
        ("'Zitat'", "'Zitat'"),
        ("", ""),
    ],
)
def test_a_formula_is_neutralised_and_a_number_stays_a_number(text, cell):
    assert neutralise(text) == cell
    assert restore(cell) == text


def test_numbers_and_dates_pass_untouched():
    assert neutralise(-12.5) == -12.5
    assert restore(7) == 7


@given(st.text())
def test_every_text_comes_back(text):
    assert restore(neutralise(text)) == text
