"""German and English are complete: no UI string is left untranslated, and English pages show
no German interface text.

English is the source language (the msgids are English), so German is complete when every
string the code and templates mark has a German translation that is not fuzzy and is compiled
into the .mo file the site reads; English is complete when an English page shows none of the
German translations, except where it marks a German term as German (``lang="de"``).
(The demo's own data, its measures' titles, is German in both languages: that is the
city's text, not the interface's.)
"""

import re
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from .browser.conftest import DEMO_NOW, SLUG

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "plansicht" / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


MARKED_GERMAN = re.compile(r'<(\w+)\b[^>]*\blang="de"[^>]*>.*?</\1>', re.DOTALL)


def key(entry):
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def live_entries(catalogue):
    return [e for e in catalogue if not e.obsolete]


def test_every_german_string_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in live_entries(catalogue) if not e.translated()]
    fuzzy = [e.msgid for e in live_entries(catalogue) if "fuzzy" in e.flags]
    assert (untranslated, fuzzy) == ([], [])


def test_the_compiled_catalogue_is_the_translated_one():
    """The site reads the .mo: it must hold exactly the .po's translations (run msgfmt)."""
    po = {
        key(e): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in live_entries(polib.pofile(str(PO)))
    }
    mo = {
        key(e): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.mofile(str(MO))
        if e.msgid
    }
    assert mo == po


def test_makemessages_finds_no_string_missing_from_the_catalogue(tmp_path):
    """Every string marked for translation in the code and templates is in the .po: the
    extraction runs on a copy of the code (it rewrites the .po it finds)."""
    copy = tmp_path / "tree"
    copy.mkdir()
    shutil.copytree(
        ROOT / "plansicht", copy / "plansicht", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "manage.py", copy)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "de", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    extracted = {key(e) for e in live_entries(polib.pofile(str(copy / PO.relative_to(ROOT))))}
    catalogue = {key(e) for e in live_entries(polib.pofile(str(PO)))}
    assert sorted(extracted - catalogue, key=str) == []


@pytest.mark.django_db
def test_english_pages_show_no_german_interface_text(client, time_machine):
    time_machine.move_to(DEMO_NOW, tick=False)
    call_command("seed_demo", stdout=StringIO())
    # German translations long enough not to be a name or a word the demo's data may use.
    german = {
        e.msgstr
        for e in live_entries(polib.pofile(str(PO)))
        if e.msgstr
        and e.msgstr != e.msgid
        and len(e.msgstr) >= 20
        and "%" not in e.msgstr
        and "{" not in e.msgstr
    }
    assert len(german) > 300  # the check reads the catalogue, not an empty list
    with translation.override("en"):
        pages = [reverse("portal:index")] + [
            reverse(f"portal:{name}", args=[SLUG])
            for name in (
                "overview",
                "measures",
                "finance",
                "positions",
                "questions",
                "decisions",
                "reports",
                "history",
                "opendata",
                "methodology",
            )
        ]
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        html = response.content.decode()
        assert '<html lang="en">' in html, address
        # German on purpose (the glossary's German terms, the link to the page in easy
        # German) is marked as German, so that screen readers pronounce it so (WCAG 3.1.2).
        html = MARKED_GERMAN.sub("", html)
        shown = sorted(text for text in german if text in html)
        assert shown == [], f"German on {address}: {shown}"
