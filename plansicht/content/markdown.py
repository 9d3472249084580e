"""The texts that participants and the office write (questions, statements, answers, comments):
how they are checked before they are stored, and how they are shown.

The rendering rule: a text is shown in a small subset of Markdown, the marks people already
type in e-mails, and nothing else.

* An empty line starts a new paragraph; a single line break stays a line break.
* ``*emphasis*`` and ``**strong emphasis**`` (also with underscores).
* Bullet lists (lines starting with ``-``, ``*`` or ``+``) and numbered lists (``1.``, ``2.``).
* Links: ``[text](https://example.org)`` and ``<https://example.org>``, to web addresses
  (``http://``, ``https://``) and mail addresses (``mailto:``) only. Every link is marked
  ``rel="nofollow ugc"``: written by users, not vouched for by the city. An address typed
  without the angle brackets stays plain text (turning it into a link would need a further
  library).
* A backslash before a mark keeps the mark itself: ``\\*`` is an asterisk.

Everything else is shown exactly as it was typed, as plain text: headings (``#``), images
(``![…](…)``), code, quotes, tables, rules and HTML. Raw HTML is never passed through, so
``<script>`` is shown as the text "<script>". The small subset is deliberate: these texts
are published under the city's name next to the official ones; emphasis, lists and links
are all a question or an answer needs, a page of headings, images or tables would look like
an official page, and each further construct is more to read before a text is published.

Two layers keep the output safe. The Markdown parser (markdown-it-py) knows only the rules
above, escapes all other markup and refuses links to other schemes. Its HTML then passes
nh3's sanitizer, which keeps only the tags the subset produces (``p br em strong ul ol li
a``), only ``href`` on links and only the three schemes, and adds the ``rel``. Either alone
would be enough today; both together keep a later change to one from opening a hole.

What is stored is what was typed (:func:`check` refuses only what no one can see or what is
too long): a script tag or a ``javascript:`` link is stored as given and made harmless when
shown, so a text is never silently changed.
"""

import re

import nh3
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from markdown_it import MarkdownIt
from markdown_it.rules_inline import image as _image_rule
from markdown_it.rules_inline.state_inline import StateInline

TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a"}
SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc"

_ALLOWED_URL = re.compile(r"(?:https?|mailto):", re.IGNORECASE)

# Control characters (Unicode category Cc) other than tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates: they make a text read differently from
# the characters stored (the "Trojan Source" trick). The marks U+200E/U+200F stay allowed.
_DIRECTION = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def _allowed_link(url: str) -> bool:
    """A link target the parser accepts: a full web or mail address, nothing relative."""
    return bool(_ALLOWED_URL.match(url))


def _image_as_text(state: StateInline, silent: bool) -> bool:
    """Image syntax, ``![alt](src)``, kept as the text that was typed: no image, and not the
    link that the rest of it would otherwise become."""
    if silent:
        return _image_rule(state, True)
    if state.pending:
        state.pushPending()  # the text before it, which the image rule would push itself
    start, count = state.pos, len(state.tokens)
    if not _image_rule(state, False):
        return False
    del state.tokens[count:]
    state.pending += state.src[start : state.pos]
    return True


def _parser() -> MarkdownIt:
    # "zero" starts with paragraphs and text only; the subset's rules are switched on by name.
    md = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False})
    md.enable(["list", "newline", "escape", "emphasis", "link", "autolink"])
    md.inline.ruler.before("link", "image_as_text", _image_as_text)
    md.validateLink = _allowed_link
    return md


_MD = _parser()
_CLEANER = nh3.Cleaner(
    tags=TAGS,
    attributes={"*": set(), "a": {"href"}},  # "*": none of nh3's default title and lang
    url_schemes=SCHEMES,
    url_relative="deny",
    link_rel=LINK_REL,
)


def render(text: str) -> SafeString:
    """The text as safe HTML in the subset described above; "" for an empty text."""
    if not text or not text.strip():
        return mark_safe("")
    return mark_safe(sanitize(_MD.render(text)).strip())


def sanitize(html: str) -> str:
    """The second layer on its own: ``html`` with only the subset's tags, ``href`` on links
    to the three schemes and nothing relative, and ``rel="nofollow ugc"`` on every link."""
    return _CLEANER.clean(html)


def check(text: str, *, max_length: int, field_label) -> str:
    """The check of every participation text before it is stored: not longer than
    ``max_length`` characters, no invisible control characters (tab and line breaks are
    fine), no characters that change the writing direction. Raises ``ValidationError`` with
    every problem found, each in words that say what to do; else returns the text with its
    line breaks as ``\\n`` and without surrounding white space. Whether a field may be empty
    is for the caller to say. Markup of any kind is left as it is (see the module's text)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    errors = []
    control = _CONTROL.search(text)
    if control:
        errors.append(
            ValidationError(
                _(
                    "“%(field)s” contains an invisible control character in line %(line)s at "
                    "character %(column)s. Delete the text around that place and type it "
                    "again."
                ),
                code="control_character",
                params={"field": field_label, **_place(text, control.start())},
            )
        )
    direction = _DIRECTION.search(text)
    if direction:
        errors.append(
            ValidationError(
                _(
                    "“%(field)s” contains an invisible character that changes the writing "
                    "direction, in line %(line)s at character %(column)s. Direction-control "
                    "characters are not allowed: they can make a text read differently from "
                    "what it says. Delete the text around that place and type it again."
                ),
                code="direction_control",
                params={"field": field_label, **_place(text, direction.start())},
            )
        )
    text = text.strip()
    if len(text) > max_length:
        errors.append(
            ValidationError(
                ngettext(
                    "“%(field)s” is too long: %(length)s characters, and at most %(limit)s "
                    "character is allowed. Shorten the text.",
                    "“%(field)s” is too long: %(length)s characters, and at most %(limit)s "
                    "characters are allowed. Shorten the text.",
                    max_length,
                ),
                code="too_long",
                params={
                    "field": field_label,
                    "length": number_format(len(text), force_grouping=True),
                    "limit": number_format(max_length, force_grouping=True),
                },
            )
        )
    if errors:
        raise ValidationError(errors)
    return text


def _place(text: str, index: int) -> dict:
    """Line and character within the line (both counted from 1) of ``text[index]``."""
    before = text[:index]
    return {"line": before.count("\n") + 1, "column": index - before.rfind("\n")}
