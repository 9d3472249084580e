"""The one module that reads amounts: German for what people type, the document format for
documents and services, never one read as the other; and one set of limits for both."""

from decimal import Decimal

import pytest
from django.utils import translation

from plansicht.funding.amounts import (
    MAX,
    AmountError,
    check,
    format_german,
    parse_document,
    parse_german,
)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1234,50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1234", "1234"),
        ("1.234", "1234"),
        ("1.234.567,89", "1234567.89"),
        ("0,5", "0.5"),
        (" 12 €", "12"),
        ("-5,00", "-5.00"),
    ],
)
def test_german_amounts_are_read(text, amount):
    assert parse_german(text) == Decimal(amount)


def test_german_reading_refuses_a_decimal_point_instead_of_reading_it_as_thousands():
    # A locale-aware parser reads "1234.50" in German as 123450: a hundredfold amount.
    with translation.override("de"), pytest.raises(AmountError) as e:
        parse_german("1234.50")
    assert e.value.code == "point"
    assert "1234,50" in e.value.message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("12,345", "ambiguous"),
        ("1,234.50", "ambiguous"),
        ("12.34,5", "invalid"),
        ("1234,567", "invalid"),
        ("1e3", "invalid"),
        ("", "invalid"),
    ],
)
def test_unclear_german_amounts_are_refused_with_a_reason(text, code):
    with pytest.raises(AmountError) as e:
        parse_german(text)
    assert e.value.code == code


def test_the_ambiguous_form_says_how_to_write_thousands():
    with translation.override("en"), pytest.raises(AmountError) as e:
        parse_german("12,345")
    assert "12.345,00" in e.value.message


@pytest.mark.parametrize(
    ("value", "amount"),
    [("1234.50", "1234.50"), (" 7 ", "7"), (1234, "1234"), (0.5, "0.5"), (Decimal("3.10"), "3.10")],
)
def test_document_amounts_are_read(value, amount):
    assert parse_document(value) == Decimal(amount)


@pytest.mark.parametrize(
    "value", ["1.234,50", "1234,50", "1,234.50", "1e3", "NaN", "Infinity", True, None, [], ""]
)
def test_the_document_format_refuses_german_and_odd_values(value):
    with pytest.raises(AmountError) as e:
        parse_document(value)
    assert e.value.code == "invalid"


def test_the_document_format_refuses_a_decimal_that_is_no_number():
    with pytest.raises(AmountError):
        parse_document(Decimal("NaN"))


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("12.345", "places"),
        ("-0.01", "negative"),
        ("1000000000000.00", "too_large"),
        ("1" * 40, "too_large"),
    ],
)
def test_the_limits_refuse_what_does_not_fit(amount, code):
    with pytest.raises(AmountError) as e:
        check(Decimal(amount))
    assert e.value.code == code


@pytest.mark.parametrize("amount", ["0", "0.00", "1.500", str(MAX)])
def test_the_limits_keep_what_fits(amount):
    assert check(Decimal(amount)) == Decimal(amount)


def test_a_negative_amount_passes_only_where_allowed_and_other_limits_can_be_set():
    assert check(Decimal("-5"), negative=True) == Decimal("-5")
    assert check(Decimal("0.9000"), places=4, maximum=Decimal(1)) == Decimal("0.9")
    with pytest.raises(AmountError):
        check(Decimal("1.5"), places=4, maximum=Decimal(1))


@pytest.mark.parametrize("amount", ["1234.5", "0", "999999999999.99"])
def test_a_german_amount_is_written_as_it_is_read_back(amount):
    assert parse_german(format_german(Decimal(amount))) == Decimal(amount)
