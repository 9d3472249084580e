"""Spreadsheet cells that cannot turn into formulas (CSV and XLSX injection).

A text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel and LibreOffice: the exports write it with a leading apostrophe (``'=SUMME(A1)``), and the
importers take that apostrophe off again, so an export imports back unchanged. A number stays a
number (``-12.50``, ``+3``). A text that already begins with an apostrophe before such a
character gets one more, so that taking one off always gives the text back."""

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def _needs(text: str) -> bool:
    if text[:1] in TRIGGERS:
        return _NUMBER.fullmatch(text) is None
    return text[:1] == QUOTE and _needs(text[1:])


def neutralise(value):
    """The value as a cell may hold it: a text that would start a formula gets an apostrophe
    in front; anything else (numbers, dates, other texts) is returned as it is."""
    if isinstance(value, str) and _needs(value):
        return QUOTE + value
    return value


def restore(value):
    """The text an exported cell stood for: :func:`neutralise` undone."""
    if isinstance(value, str) and value[:1] == QUOTE and _needs(value[1:]):
        return value[1:]
    return value
