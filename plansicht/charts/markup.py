"""Text as the charts write it into SVG: well-formed XML whatever a label holds.

Pure: standard library only. XML 1.0 forbids most control characters (NUL among them), lone
surrogates and U+FFFE/U+FFFF even as character references, so they are dropped, not escaped.
"""

import re
from xml.sax.saxutils import escape, quoteattr

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(s: str) -> str:
    """``s`` without the characters XML 1.0 does not allow."""
    return _FORBIDDEN.sub("", s)


def text(s: str) -> str:
    """``s`` as element content."""
    return escape(clean(s))


def attr(s: str) -> str:
    """``s`` as an attribute value, quotes included."""
    return quoteattr(clean(s))
