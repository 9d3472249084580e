"""The public pages of the council decisions: the register with its filters (a plain GET
form), a decision's page with the status of each assignment in words and its due date, and
"decisions about this" on the measure and posts pages. As of the test clock, 01.06.2025;
the statuses are worked out by hand in ``factories.decisions_document``."""

import re

import pytest
from django.urls import reverse

from plansicht.decisions.models import Decision

from .factories import decisions_document, load

pytestmark = pytest.mark.django_db
SLUG = "testprogramm"


@pytest.fixture
def programme(today):
    return load(decisions_document())


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def text(html):
    """The page's words without tags and with single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def pk(number):
    return Decision.objects.get(programme__slug=SLUG, number=number).pk


def register_url(query=""):
    return reverse("portal:decisions", args=[SLUG]) + query


def rows(html):
    """The numbers of the decisions in the register's table, in order."""
    return re.findall(r'<th scope="row"><a class="kern-link" href="[^"]+">([^<]+)</a>', html)


def test_the_register_lists_every_decision_newest_first(client, programme):
    html = page(client, register_url())
    assert rows(html) == ["DS 0200/2025", "DS 0100/2024", "DS 0050/2022"]
    words = text(html)
    assert "3 Beschlüsse, die neuesten zuerst." in words
    assert "2 Aufträge sind überfällig." in words
    # each decision's page is linked, by its row id (numbers hold "/" and spaces)
    assert f'href="/p/testprogramm/beschluesse/{pk("DS 0100/2024")}/"' in html
    # how the assignments stand, in words: DS 0100/2024 has one overdue, one done in time
    row = html[html.index("DS 0100/2024") :].split("</tr>")[0]
    assert "1 überfällig" in text(row) and "1 fristgerecht erledigt" in text(row)
    assert "Rat der Stadt Teststadt" in row and "14.03.2024" in row and "beschlossen" in row


def test_the_filter_is_a_plain_get_form(client, programme):
    html = page(client, register_url())
    assert '<form method="get" action="/p/testprogramm/beschluesse/"' in html
    assert '<select name="body"' in html and '<select name="year"' in html
    assert '<option value="RAT">Rat der Stadt Teststadt</option>' in html
    assert re.findall(r'<option value="(\d{4})">', html) == ["2025", "2024", "2022"]


@pytest.mark.parametrize(
    ("query", "expected", "summary"),
    [
        ("?body=RAT", ["DS 0100/2024", "DS 0050/2022"], "2 von 3 Beschlüssen entsprechen"),
        ("?body=DA", ["DS 0200/2025"], "1 von 3 Beschlüssen entspricht"),
        ("?year=2024", ["DS 0100/2024"], "1 von 3 Beschlüssen entspricht"),
        ("?body=RAT&year=2022", ["DS 0050/2022"], "1 von 3 Beschlüssen entspricht"),
        ("?body=DA&year=2022", [], "0 von 3 Beschlüssen entsprechen"),
    ],
)
def test_the_register_filters_by_body_and_year(client, programme, query, expected, summary):
    html = page(client, register_url(query))
    assert rows(html) == expected
    assert summary in text(html)
    assert "Filter zurücksetzen" in html


def test_a_filter_that_cannot_be_used_is_named_and_left_out(client, programme):
    html = page(client, register_url("?year=1999&body=RAT"), status=400)
    assert "kern-form-input--error" in html
    assert "Ein Filter konnte nicht angewendet werden" in html
    assert rows(html) == ["DS 0100/2024", "DS 0050/2022"]  # the body still applies


def test_a_decisions_page_shows_each_assignment_in_words_with_its_due_date(client, programme):
    html = page(client, reverse("portal:decision", args=[SLUG, pk("DS 0200/2025")]))
    lines = {
        code: text(row)
        for code, row in re.findall(r'<tr><th scope="row">(A\d) (.*?)</tr>', html, re.S)
    }
    assert "01.02.2025" in lines["A1"] and "verspätet erledigt" in lines["A1"]
    assert "10.02.2025" in lines["A1"]  # done on
    assert "Meilenstein A Ausschreibung ist abgeschlossen" in lines["A1"]
    assert "30.09.2025" in lines["A2"] and "offen" in lines["A2"]
    assert "Planstand 3 ist beschlossen" in lines["A2"]
    assert "31.05.2025" in lines["A3"] and "fristgerecht erledigt" in lines["A3"]
    assert "Das Programmbüro vermerkt ihn als erledigt" in lines["A3"]
    assert "01.05.2025" in lines["A4"] and "überfällig" in lines["A4"]
    # the status is a badge with its words, never a colour alone
    assert '<span class="kern-label kern-label--small">überfällig</span>' in html
    words = text(html)
    assert "Ausschuss für Digitales" in words and "mit Änderungen beschlossen" in words
    assert "<strong>mit Änderungen</strong>" in html  # the text, in the Markdown subset
    assert 'href="https://ratsinfo.example.org/vo0200"' in html
    # what it is about: the measures' pages, the plan version by its label
    assert 'href="/p/testprogramm/measures/M1/"' in html
    assert 'href="/p/testprogramm/measures/M1.1/"' in html
    assert "Planstand 2 „Änderungsplan 2022“, beschlossen am 30.06.2022" in words
    assert 'href="/p/testprogramm/milestones/A/"' in html
    # breadcrumbs back to the register
    assert '<li aria-current="page">DS 0200/2025</li>' in html


def test_the_vote_the_post_and_the_grant_of_a_decision(client, programme):
    html = page(client, reverse("portal:decision", args=[SLUG, pk("DS 0100/2024")]))
    words = text(html)
    assert "30 dafür, 4 dagegen, 2 Enthaltungen" in words
    assert 'href="/p/testprogramm/positions/#post-cdo">Chief Digital Officer</a>' in html
    assert "Modellprojekte Smart Cities (KfW)" in words
    assert "Die Stelle Chief Digital Officer erreicht den Schritt „besetzt“" in words


def test_drafts_a_decision_links_to_are_left_out(client, today):
    doc = decisions_document()
    doc["decisions"][1]["links"]["measures"].append("M9")  # a draft measure
    doc["decisions"][1]["assignments"][0]["done_when"] = {"milestone": "X"}  # a draft one
    load(doc)
    html = page(client, reverse("portal:decision", args=[SLUG, pk("DS 0200/2025")]))
    assert "M9" not in html and "Geheimprojekt" not in html
    assert "/milestones/X/" not in html and "Entwurf" not in html
    assert "Ein Meilenstein ist abgeschlossen" in text(html)


def test_unknown_foreign_and_later_decisions_have_no_page(client, today):
    doc = decisions_document()
    doc["decisions"].append(
        {
            "number": "DS 0900/2025",
            "body": "RAT",
            "date": "2025-06-26",  # after the test clock's 01.06.2025
            "title": "Noch nicht gefasst",
            "result": "adopted",
            "links": {"measures": ["M1"]},
        }
    )
    load(doc)
    other = load(decisions_document("anderes"))
    foreign = Decision.objects.filter(programme=other).first().pk
    later = pk("DS 0900/2025")
    for decision in (foreign, later, 999999):
        page(client, reverse("portal:decision", args=[SLUG, decision]), status=404)
    assert "Noch nicht gefasst" not in page(client, register_url())
    assert "DS 0900/2025" not in page(client, reverse("portal:measure", args=[SLUG, "M1"]))


def test_the_measure_page_lists_the_decisions_about_it(client, programme):
    html = page(client, reverse("portal:measure", args=[SLUG, "M1"]))
    section = html[html.index("Ratsbeschlüsse zu dieser Maßnahme") :].split("</section>")[0]
    assert re.findall(r">(DS [^<]+)</a>", section) == ["DS 0100/2024", "DS 0200/2025"]
    assert "vom 20.01.2025: Datenplattform: Ausschreibung und Beschaffung" in text(section)
    assert "Ratsbeschlüsse zu dieser Maßnahme" not in page(
        client, reverse("portal:measure", args=[SLUG, "M2"])
    )


def test_the_posts_page_lists_the_decisions_about_each_post(client, programme):
    html = page(client, reverse("portal:positions", args=[SLUG]))
    card = html[html.index('id="post-cdo"') :].split("</section>")[0]
    assert "Ratsbeschlüsse zu dieser Stelle" in card
    assert f'href="/p/testprogramm/beschluesse/{pk("DS 0100/2024")}/">DS 0100/2024</a>' in card


def test_the_programme_navigation_links_the_register_in_both_languages(client, programme):
    html = page(client, reverse("portal:overview", args=[SLUG]))
    assert '<a class="kern-link" href="/p/testprogramm/beschluesse/">Ratsbeschlüsse</a>' in html
    current = page(client, register_url())
    assert 'href="/p/testprogramm/beschluesse/" aria-current="page"' in current
    english = page(client, "/en/p/testprogramm/beschluesse/")
    assert "<h1" in english and "Council decisions" in english
    assert "3 decisions, newest first." in text(english)


def test_a_programme_without_decisions_says_so(client, today):
    doc = decisions_document()
    del doc["decisions"]
    load(doc)
    html = page(client, register_url())
    assert "Zu diesem Programm ist noch kein Ratsbeschluss erfasst." in html


def test_the_overview_names_the_decisions_about_the_approved_plan_versions(client, programme):
    html = page(client, reverse("portal:overview", args=[SLUG]))
    approved = html[html.index("Ende im genehmigten Plan") :].split("</div>")[0]
    assert re.findall(r'href="/p/testprogramm/beschluesse/(\d+)/">(DS [^<]+)</a>', approved) == [
        (str(pk("DS 0050/2022")), "DS 0050/2022"),
        (str(pk("DS 0200/2025")), "DS 0200/2025"),
    ]
    assert "Ratsbeschlüsse" in approved
    original = html[html.index("Ende im ursprünglichen Plan") :].split("</div>")[0]
    assert "beschluesse" not in original  # no decision is about plan version 1
