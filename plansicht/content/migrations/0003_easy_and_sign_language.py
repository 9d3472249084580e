"""Two more site texts that BITV 2.0 § 4 asks for (an explanation of the site in easy language
and in German Sign Language), and the accessibility statement in the structure of the EU's
model statement (Commission Implementing Decision (EU) 2018/1523).

The statement is replaced only where it still is the default text of 0002: a text that the
administrators have adapted stays theirs.
"""

import importlib

from django.db import migrations, models

OLD = importlib.import_module("plansicht.content.migrations.0002_default_pages").PAGES

EASY_LANGUAGE_DE = (
    "Leichte Sprache",
    """Auf dieser Seite erklären wir Plansicht in Leichter Sprache.

Was ist Plansicht?
Plansicht ist eine Internet-Seite.
Die Stadt zeigt hier ihre Pläne.
Und die Stadt zeigt: So weit sind wir mit den Plänen.

Was steht in einem Plan?
Ein Plan heißt hier: Programm.
Ein Programm hat viele Maßnahmen.
Eine Maßnahme ist eine Aufgabe.
Zum Beispiel: Die Stadt baut ein neues Netz für das Internet.
Jede Maßnahme hat Meilensteine.
Ein Meilenstein ist ein wichtiger Schritt.
Zum Beispiel: Der Vertrag ist unterschrieben.

Was bedeuten die Farben?
Grün heißt: Alles läuft nach Plan.
Gelb heißt: Es dauert etwas länger als geplant.
Rot heißt: Es dauert viel länger als geplant.
Neben jeder Farbe steht auch ein Wort.
Sie müssen die Farbe also nicht sehen können.

Was bedeutet Prognose?
Eine Prognose ist eine Schätzung.
Die Stadt schätzt: An diesem Tag sind wir fertig.
Die Schätzung kann sich ändern.
Zum Beispiel: Eine Firma liefert zu spät.
Dann wird die Maßnahme später fertig.

Was steht unter Geld?
Dort steht: So viel Geld hat die Stadt für die Pläne.
Und dort steht: So viel Geld hat die Stadt schon ausgegeben.
Ein Teil vom Geld kommt als Förderung.
Förderung heißt: Der Bund oder das Land gibt Geld dazu.

Was steht unter Änderungen?
Manchmal ändert die Stadt einen Plan.
Dann schreibt die Stadt auf: Was hat sich geändert?
Und: Warum hat sich das geändert?

Kann ich eine Frage stellen?
Ja.
Unter Fragen können Sie der Stadt eine Frage schreiben.
Die Stadt antwortet Ihnen dort.
Alle können die Frage und die Antwort lesen.

Sie haben Fragen zu dieser Internet-Seite?
Schreiben Sie eine E-Mail an: barrierefreiheit@musterstadt.example
Oder rufen Sie an: 01234 567-0

Dieser Text ist ein Muster.
Die Stadt ersetzt ihn durch ihren eigenen Text in Leichter Sprache.
Am besten prüfen Menschen mit Lern-Schwierigkeiten den Text.""",
)

SIGN_LANGUAGE_DE = (
    "Informationen in Deutscher Gebärdensprache",
    """Auf dieser Seite erklärt die Stadt Musterstadt Plansicht in Deutscher Gebärdensprache (DGS): was diese Website zeigt, wie Sie sich darauf zurechtfinden und wie Sie uns erreichen.

Das Video folgt. Die Stadt stellt es hier bereit, sobald es aufgenommen ist. Bis dahin finden Sie die wichtigsten Informationen auf der Seite in Leichter Sprache.

Kontakt
Sie möchten uns etwas in Gebärdensprache mitteilen? Senden Sie uns ein Video oder eine E-Mail an barrierefreiheit@musterstadt.example. Wir antworten Ihnen schriftlich oder vereinbaren mit Ihnen einen Termin mit einer Gebärdensprachdolmetscherin oder einem Gebärdensprachdolmetscher.

Dieser Text ist ein Muster. Die Administration ersetzt ihn unter „Verwaltung → Seitentexte“ durch den Link oder die Einbettung des Videos der Stadt und durch ihre Kontaktangaben.""",
)

SIGN_LANGUAGE_EN = (
    "Information in German Sign Language",
    """On this page the City of Musterstadt explains Plansicht in German Sign Language (DGS): what this website shows, how to find your way around it and how to reach us.

The video will follow. The city publishes it here as soon as it has been recorded. Until then, the most important information is on the page in easy German (Leichte Sprache).

Contact
Would you like to tell us something in sign language? Send us a video or an e-mail at barrierefreiheit@musterstadt.example. We answer in writing or arrange an appointment with a sign language interpreter.

This text is a sample. Administrators replace it under "Admin → Site texts" with a link to or the embedding of the city's video and with their contact details.""",
)

ACCESSIBILITY_DE = (
    "Erklärung zur Barrierefreiheit",
    """Die Stadt Musterstadt ist bemüht, ihre Website im Einklang mit den nationalen Rechtsvorschriften zur Umsetzung der Richtlinie (EU) 2016/2102 des Europäischen Parlaments und des Rates barrierefrei zugänglich zu machen: dem Behindertengleichstellungsgesetz (BGG), der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) und dem Landesrecht [Name des Landesgesetzes und der Landesverordnung]. Maßstab sind die Web Content Accessibility Guidelines (WCAG) 2.1 auf Stufe AA und die europäische Norm EN 301 549.

Diese Erklärung zur Barrierefreiheit gilt für das Portal Plansicht der Stadt Musterstadt mit allen öffentlichen Seiten und dem Bereich für das Programmbüro.

Stand der Vereinbarkeit mit den Anforderungen
Diese Website ist wegen der unten aufgeführten Unvereinbarkeiten teilweise mit den Anforderungen vereinbar.

Nicht barrierefreie Inhalte
Die nachstehend aufgeführten Inhalte sind aus folgenden Gründen nicht barrierefrei:
- Die Zeitleisten der Maßnahmen und die Diagramme der Kennzahlen sind Grafiken. Sie haben eine Textbeschreibung; ihr vollständiger Inhalt steht in den Tabellen direkt darunter. Wer die Grafik nicht sieht, erfährt alles aus der Tabelle, aber nicht auf einen Blick.
- Die Berichte als PDF werden mit Strukturinformationen (PDF/UA-1) erzeugt. Sie wurden aber noch nicht mit einem Prüfwerkzeug für PDF/UA geprüft. Große Tabellen in den Berichten können mit Screenreadern mühsam zu lesen sein. Dieselben Angaben stehen barrierefrei auf den Seiten des Portals und als offene Daten (CSV).
- Fragen, Stellungnahmen und Kommentare schreiben Bürgerinnen und Bürger selbst. Für ihre Verständlichkeit kann die Stadt nicht einstehen.
- Das Video in Deutscher Gebärdensprache ist noch nicht verfügbar. Die Stadt stellt es auf der Seite „Gebärdensprache“ bereit. Bis dahin gibt es die Seite in Leichter Sprache.
- Eine Prüfung durch eine unabhängige Prüfstelle (zum Beispiel ein BITV-Test) steht noch aus.

Erstellung dieser Erklärung zur Barrierefreiheit
Diese Erklärung wurde am 26.11.2026 erstellt und zuletzt am 26.11.2026 überprüft.
Die Einschätzung beruht auf einer Selbstbewertung. Bei jeder Änderung der Software wird automatisch geprüft:
- die über Links erreichbaren Seiten des Portals und des Programmbüros (jede Art von Seite, in beiden Sprachen) mit dem Prüfwerkzeug axe-core auf die Kriterien der WCAG 2.1 (Stufen A und AA), in Desktop- und Smartphone-Breite, dazu eine Hauptüberschrift je Seite und kein seitliches Scrollen;
- jede öffentliche Seite mit dem Nu HTML Checker des W3C auf gültiges HTML;
- ein typischer Arbeitsablauf im Programmbüro allein mit der Tastatur, mit sichtbarem Fokus;
- die Vollständigkeit der deutschen und der englischen Texte.
Automatische Prüfungen finden nicht jede Barriere. Deshalb sind Ihre Hinweise wichtig.

Feedback und Kontaktangaben
Sind Ihnen Mängel beim barrierefreien Zugang zu Inhalten dieser Website aufgefallen? Oder benötigen Sie Informationen, die nicht barrierefrei sind, in einer barrierefreien Form? Dann schreiben Sie uns:
[Name der zuständigen Stelle, zum Beispiel Stabsstelle Digitalisierung der Stadt Musterstadt]
E-Mail: barrierefreiheit@musterstadt.example
Telefon: 01234 567-0
Bitte nennen Sie uns die Adresse der Seite und beschreiben Sie das Problem. Wir antworten innerhalb von [Frist, zum Beispiel zwei Wochen].

Durchsetzungsverfahren
Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie sich an die Durchsetzungsstelle des Landes wenden: [Name, Anschrift und Website der Durchsetzungs- oder Schlichtungsstelle des Landes, zum Beispiel die Landesbeauftragte oder der Landesbeauftragte für Menschen mit Behinderungen].
Zum Vergleich: Für Websites öffentlicher Stellen des Bundes ist die Schlichtungsstelle nach § 16 BGG zuständig (https://www.schlichtungsstelle-bgg.de). Für diese Website einer Kommune ist die Stelle des Landes zuständig.

Dieser Text ist ein Muster. Die Administration ersetzt die Angaben in eckigen Klammern unter „Verwaltung → Seitentexte“ durch die der Stadt.""",
)

ACCESSIBILITY_EN = (
    "Accessibility statement",
    """The City of Musterstadt is committed to making its website accessible, in accordance with the national legislation transposing Directive (EU) 2016/2102 of the European Parliament and of the Council: the German Disability Equality Act (BGG), the Accessible Information Technology Ordinance (BITV 2.0) and the law of the federal state [name of the state's act and ordinance]. The standard is the Web Content Accessibility Guidelines (WCAG) 2.1 at level AA and the European standard EN 301 549.

This accessibility statement applies to the City of Musterstadt's Plansicht portal, all its public pages and the programme office's area.

Compliance status
This website is partially compliant with the requirements, due to the non-compliances listed below.

Non-accessible content
The content listed below is non-accessible for the following reasons:
- The timelines of the measures and the charts of the indicators are graphics. They have a text description; their full content is in the tables right below them. Someone who cannot see the graphic learns everything from the table, but not at a glance.
- The PDF reports are produced with structure information (PDF/UA-1), but have not yet been checked with a PDF/UA checking tool. Large tables in the reports can be tiring to read with a screen reader. The same figures are accessible on the portal's pages and as open data (CSV).
- Questions, statements and comments are written by citizens themselves. The city cannot vouch for how easy they are to understand.
- The video in German Sign Language is not yet available. The city will publish it on the "Sign language" page; until then there is the page in easy German (Leichte Sprache).
- An audit by an independent testing body (such as a BITV test) is still pending.

Preparation of this accessibility statement
This statement was prepared on 26.11.2026 and last reviewed on 26.11.2026.
It is based on a self-assessment. Whenever the software changes, these checks run automatically:
- the pages of the portal and of the programme office reachable by links (every kind of page, in both languages), with the axe-core tool against the WCAG 2.1 criteria (levels A and AA), at desktop and phone widths, together with one main heading per page and no sideways scrolling;
- every public page with the W3C's Nu HTML Checker for valid HTML;
- a typical task in the programme office done with the keyboard alone, with visible focus;
- the completeness of the German and English texts.
Automatic checks do not find every barrier, which is why your feedback matters.

Feedback and contact information
Have you noticed barriers in accessing the content of this website? Or do you need information that is not accessible in an accessible form? Write to us:
[Name of the responsible office, for example the City of Musterstadt's Digitalisation Unit]
E-mail: barrierefreiheit@musterstadt.example
Phone: +49 1234 567-0
Please give us the address of the page and describe the problem. We answer within [period, for example two weeks].

Enforcement procedure
If you do not receive a satisfactory answer, you can turn to the federal state's enforcement body: [name, address and website of the state's enforcement or conciliation body, for example the state commissioner for people with disabilities].
For comparison: for websites of federal public bodies, the conciliation body under § 16 BGG is responsible (https://www.schlichtungsstelle-bgg.de). For this municipal website, the state's body is responsible.

This text is a sample. Administrators replace the details in square brackets under "Admin → Site texts" with those of the city.""",
)

PAGES = {
    ("easy-language", "de"): EASY_LANGUAGE_DE,
    ("sign-language", "de"): SIGN_LANGUAGE_DE,
    ("sign-language", "en"): SIGN_LANGUAGE_EN,
}
STATEMENTS = {"de": ACCESSIBILITY_DE, "en": ACCESSIBILITY_EN}


def create(apps, schema_editor):
    Page = apps.get_model("content", "Page")
    for (key, language), (title, body) in PAGES.items():
        Page.objects.get_or_create(key=key, language=language, defaults={"title": title, "body": body})
    for language, (title, body) in STATEMENTS.items():
        old_title, old_body = OLD[("accessibility", language)]
        Page.objects.filter(
            key="accessibility", language=language, title=old_title, body=old_body
        ).update(title=title, body=body)


class Migration(migrations.Migration):
    dependencies = [("content", "0002_default_pages")]

    operations = [
        migrations.AlterField(
            model_name="page",
            name="key",
            field=models.CharField(
                choices=[
                    ("imprint", "imprint"),
                    ("accessibility", "accessibility statement"),
                    ("easy-language", "easy language"),
                    ("sign-language", "sign language"),
                ],
                max_length=30,
                verbose_name="page",
            ),
        ),
        migrations.RunPython(create, migrations.RunPython.noop),
    ]
