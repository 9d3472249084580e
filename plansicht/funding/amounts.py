"""Amounts of money, read in exactly two formats and held to one set of limits.

* German (``parse_german``), for what people type into the office forms: ``1234,50``,
  ``1.234,50``, ``1234``. Strict: dots only between groups of three digits, the comma only
  before at most two digits of cents.
* The document format (``parse_document``), for the programme document, the services and
  any machine interface: ``"1234.50"`` or a number, a point before the decimals, no thousands
  separator.

The two are never mixed: read as German, ``1234.50`` would be a dot in the wrong place (a
locale-aware parser such as Babel's reads it as 123450), so it is refused with what to type;
read as the document format, ``1.234,50`` is no amount. Babel is not used: its strict German
parser still reads ``12,345`` as 12.345 where we refuse the ambiguous form, the input here is
always German (whatever the page's language), and the messages must say what to type.

Both raise :class:`AmountError` (a ``ValueError``) with a message a clerk can act on and a
``code`` a caller may map to its own wording (the document loader names paths in English).
"""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

MAX = Decimal("999999999999.99")  # fits the money columns (14 digits, 2 decimals)
CENT = Decimal("0.01")

_GERMAN = re.compile(r"[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d{1,2})?")
_POINT_DECIMALS = re.compile(r"[+-]?\d+\.\d{1,2}")
_COMMA_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_NOISE = re.compile(r"\s|€|eur", re.IGNORECASE)
_DOCUMENT = re.compile(r"-?\d+(?:\.\d+)?")


class AmountError(ValueError):
    """An amount that cannot be read or lies outside the limits.

    ``code`` is one of ``invalid``, ``ambiguous``, ``point`` (German input written with a
    decimal point), ``places``, ``negative`` and ``too_large``."""

    def __init__(self, message, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def parse_german(text) -> Decimal:
    """An amount as a clerk types it in German: ``1234,50``, ``1.234,50``, ``1234``; spaces,
    "€" and "EUR" are ignored. The sign is kept: :func:`check` decides whether it may be."""
    cleaned = _NOISE.sub("", str(text))
    if _GERMAN.fullmatch(cleaned):
        return Decimal(cleaned.replace(".", "").replace(",", "."))
    if _POINT_DECIMALS.fullmatch(cleaned):
        raise AmountError(
            _(
                "“%(value)s”: in a German amount the comma comes before the cents and a dot "
                "only between groups of three digits. Write %(german)s."
            )
            % {"value": text, "german": cleaned.replace(".", ",")},
            "point",
        )
    if _COMMA_THOUSANDS.fullmatch(cleaned):
        raise AmountError(
            _(
                "“%(value)s” is unclear: in an amount the comma comes only before the cents. "
                "Write thousands without a separator or with dots, e.g. 12345,00 or 12.345,00."
            )
            % {"value": text},
            "ambiguous",
        )
    raise AmountError(
        _(
            "Enter an amount in euros such as 1234,50 or 1.234,50: dots only between "
            "groups of three digits, at most two digits after the comma."
        ),
        "invalid",
    )


def parse_document(value) -> Decimal:
    """An amount in the document format: a string such as ``"1234.50"``, an int, a float or
    a Decimal. Not a bool, not ``1.234,50``, no exponent, no NaN or infinity."""
    if isinstance(value, Decimal):
        if value.is_finite():
            return value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        text = repr(value)
        if _DOCUMENT.fullmatch(text):
            return Decimal(text)
    elif isinstance(value, str) and _DOCUMENT.fullmatch(value.strip()):
        return Decimal(value.strip())  # the pattern admits only plain numbers
    raise AmountError(_("Enter an amount in euros, e.g. 1234.50."), "invalid")


def check(amount: Decimal, *, places: int = 2, negative: bool = False, maximum=MAX) -> Decimal:
    """The limits every amount keeps, wherever it comes from: at most ``places`` decimals,
    not negative unless ``negative``, at most ``maximum``. Returns the amount unchanged."""
    if _decimals(amount) > places:
        raise AmountError(_("An amount has at most two decimal places (cents)."), "places")
    if amount < 0 and not negative:
        raise AmountError(
            _("An amount cannot be negative. To correct an entry, change it."), "negative"
        )
    if amount > maximum:
        raise AmountError(_("This amount is too large."), "too_large")
    return amount


def _decimals(amount: Decimal) -> int:
    """How many decimals the value has (trailing zeros do not count), exactly: no rounding
    by the decimal context, however long the number."""
    _sign, digits, exponent = amount.as_tuple()
    if not any(digits):
        return 0
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + zeros))


def format_german(amount: Decimal) -> str:
    """An amount as :func:`parse_german` reads it back, in every language: ``1234,50``."""
    return f"{amount:.2f}".replace(".", ",")
