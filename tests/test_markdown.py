"""Participation texts: shown in a small Markdown subset, made safe whatever was typed; checked
before they are stored only for what no one can see and for their length."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import SafeString

from plansicht.content.markdown import check, render, sanitize


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Eine Frage.", "<p>Eine Frage.</p>"),
        ("Erster Absatz.\n\nZweiter.", "<p>Erster Absatz.</p>\n<p>Zweiter.</p>"),
        ("Zeile eins\nZeile zwei", "<p>Zeile eins<br>\nZeile zwei</p>"),
        ("*betont* und **stark**", "<p><em>betont</em> und <strong>stark</strong></p>"),
        ("- Wege\n- Plätze", "<ul>\n<li>Wege</li>\n<li>Plätze</li>\n</ul>"),
        ("1. zuerst\n2. dann", "<ol>\n<li>zuerst</li>\n<li>dann</li>\n</ol>"),
        (
            "[Plan](https://example.org/plan)",
            '<p><a href="https://example.org/plan" rel="nofollow ugc">Plan</a></p>',
        ),
        (
            "<https://example.org>",
            '<p><a href="https://example.org" rel="nofollow ugc">https://example.org</a></p>',
        ),
        (
            '[Plan](https://example.org "Titel")',
            '<p><a href="https://example.org" rel="nofollow ugc">Plan</a></p>',
        ),
        (
            "[Mail](mailto:buero@example.org)",
            '<p><a href="mailto:buero@example.org" rel="nofollow ugc">Mail</a></p>',
        ),
        ("3 \\* 4", "<p>3 * 4</p>"),
    ],
)
def test_the_subset_renders(text, html):
    assert render(text) == html


def test_the_result_is_safe_html_and_empty_text_renders_nothing():
    assert isinstance(render("*a*"), SafeString)
    assert render("") == ""
    assert render("  \n\t\n ") == ""
    assert isinstance(render(""), SafeString)


def test_every_link_is_marked_as_written_by_users():
    html = render("[a](https://a.example) and [b](http://b.example) and <https://c.example>")
    assert html.count("<a ") == 3
    assert html.count('rel="nofollow ugc"') == 3


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("# Überschrift", "<p># Überschrift</p>"),
        ("Titel\n===", "<p>Titel<br>\n===</p>"),
        ("![Bild](https://example.org/b.png)", "<p>![Bild](https://example.org/b.png)</p>"),
        ("```\ncode\n```", "<p>```<br>\ncode<br>\n```</p>"),
        ("    eingerückt", "<p>eingerückt</p>"),
        ("`code`", "<p>`code`</p>"),
        ("> Zitat", "<p>&gt; Zitat</p>"),
        ("| a | b |\n|---|---|", "<p>| a | b |<br>\n|---|---|</p>"),
        ("---", "<p>---</p>"),
    ],
)
def test_what_is_not_in_the_subset_is_plain_text(text, html):
    assert render(text) == html


def test_a_script_is_shown_as_text():
    assert render("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_an_image_tag_with_an_event_is_text():
    html = render("<img src=x onerror=alert(1)>")
    assert html == "<p>&lt;img src=x onerror=alert(1)&gt;</p>"
    assert "<img" not in html


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JavaScript:alert(1))",
        "[x](java&#x73;cript:alert(1))",
        "<javascript:alert(1)>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<data:text/html,hi>",
        "[x](vbscript:msgbox)",
        "[x](ftp://example.org)",
        "[x](/office/) [y](//elsewhere.example)",
    ],
)
def test_links_to_other_schemes_or_relative_ones_are_no_links(text):
    html = render(text)
    assert "<a" not in html
    assert "href" not in html


def test_raw_html_links_with_events_are_text():
    html = render('<a href="https://example.org" onclick="alert(1)">hier</a>')
    assert html == ('<p>&lt;a href="https://example.org" onclick="alert(1)"&gt;hier&lt;/a&gt;</p>')


def test_the_sanitizer_alone_would_make_raw_html_inert():
    # The parser lets no HTML through; should it ever, the second layer still holds.
    html = (
        "<h1>T</h1><script>alert(1)</script><img src=x onerror=alert(1)>"
        '<a href="javascript:alert(1)" onclick="alert(1)">j</a>'
        '<a href="data:text/html,hi">d</a><a href="/office/">r</a>'
        '<a href="https://example.org" rel="opener" title="t">ok</a><ol start="3"><li>x</li></ol>'
    )
    assert sanitize(html) == (
        'T<a rel="nofollow ugc">j</a><a rel="nofollow ugc">d</a><a rel="nofollow ugc">r</a>'
        '<a href="https://example.org" rel="nofollow ugc">ok</a><ol><li>x</li></ol>'
    )


def test_the_template_filter_renders_the_subset():
    template = Template("{% load markdown %}{{ text|markdown }}|{{ none|markdown }}")
    assert template.render(Context({"text": "*a* <b>", "none": None})) == (
        "<p><em>a</em> &lt;b&gt;</p>|"
    )


def test_check_normalises_line_breaks_and_strips():
    assert check("  Zeile 1\r\nZeile 2\r\n\n", max_length=100, field_label="Frage") == (
        "Zeile 1\nZeile 2"
    )


def test_check_keeps_markup_as_given():
    text = '<script>alert(1)</script> [x](javascript:alert(1)) <b onclick="x">'
    assert check(text, max_length=100, field_label="Frage") == text


def test_check_allows_tabs_and_exactly_the_limit():
    assert check("a\tb", max_length=3, field_label="Frage") == "a\tb"


def _refusal(text, max_length=100):
    with translation.override("en"), pytest.raises(ValidationError) as e:
        check(text, max_length=max_length, field_label="Question")
    return e.value


def test_check_refuses_overlong_text_with_the_length_and_the_limit():
    refusal = _refusal("x" * 2001, max_length=2000)
    assert [e.code for e in refusal.error_list] == ["too_long"]
    assert refusal.messages == [
        "“Question” is too long: 2,001 characters, and at most 2,000 characters are allowed. "
        "Shorten the text."
    ]


def test_surrounding_white_space_does_not_count_towards_the_limit():
    assert check("\n abc \n", max_length=3, field_label="Frage") == "abc"


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x0c"])
def test_check_refuses_a_control_character_and_says_where(character):
    refusal = _refusal(f"Erste Zeile\nab{character}c")
    assert [e.code for e in refusal.error_list] == ["control_character"]
    assert refusal.messages == [
        "“Question” contains an invisible control character in line 2 at character 3. "
        "Delete the text around that place and type it again."
    ]


@pytest.mark.parametrize("character", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_check_refuses_a_direction_override(character):
    refusal = _refusal(f"Rechnung{character}fdp.exe")
    assert [e.code for e in refusal.error_list] == ["direction_control"]
    (message,) = refusal.messages
    assert "line 1 at character 9" in message
    assert "Direction-control characters are not allowed" in message
    assert "Delete the text" in message


def test_check_names_every_problem_at_once():
    refusal = _refusal("\x00" + "x" * 10 + "\u202e", max_length=5)
    assert [e.code for e in refusal.error_list] == [
        "control_character",
        "direction_control",
        "too_long",
    ]
