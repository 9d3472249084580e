"""Default texts for the imprint and the accessibility statement, for administrators to adapt."""

from django.db import migrations

PAGES = {
    ("imprint", "de"): (
        "Impressum",
        """Angaben gemäß § 5 DDG und § 18 MStV

Herausgeberin: Stadt Musterstadt, vertreten durch die Oberbürgermeisterin
Rathausplatz 1, 12345 Musterstadt
Telefon: 01234 567-0
E-Mail: digitalisierung@musterstadt.example

Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV: Stabsstelle Digitalisierung, Anschrift wie oben.

Dieser Text ist ein Muster. Die Administration ersetzt ihn unter „Verwaltung → Seitentexte“ durch die Angaben der betreibenden Stelle.

Plansicht ist freie Software unter der European Union Public Licence 1.2 (EUPL-1.2).""",
    ),
    ("imprint", "en"): (
        "Imprint",
        """Information according to § 5 DDG and § 18 MStV (German law)

Publisher: City of Musterstadt, represented by the Lord Mayor
Rathausplatz 1, 12345 Musterstadt, Germany
Phone: +49 1234 567-0
E-mail: digitalisierung@musterstadt.example

Responsible for the content under § 18 (2) MStV: Digitalisation Unit, address as above.

This text is a sample. Administrators replace it under "Admin → Site texts" with the details of the operating body.

Plansicht is free software under the European Union Public Licence 1.2 (EUPL-1.2).""",
    ),
    ("accessibility", "de"): (
        "Erklärung zur Barrierefreiheit",
        """Die Stadt Musterstadt ist bemüht, diese Website im Einklang mit dem Behindertengleichstellungsgesetz (BGG) und der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich zu machen. Maßstab sind die Web Content Accessibility Guidelines (WCAG) 2.1 auf Stufe AA und die europäische Norm EN 301 549.

Stand der Vereinbarkeit mit den Anforderungen
Diese Website ist weitgehend mit den Anforderungen vereinbar. Jede Seite wird bei jeder Änderung der Software automatisch mit dem Prüfwerkzeug axe-core geprüft, in Desktop- und Smartphone-Breite. Alle Seiten funktionieren ohne JavaScript und mit der Tastatur.

Nicht barrierefreie Inhalte
Die Zeitleisten der Maßnahmen sind Grafiken. Ihr Inhalt steht vollständig in der Tabelle der Meilensteine direkt darunter; die Grafik selbst fasst ihn nur zusammen.
Eine Prüfung durch eine unabhängige Prüfstelle steht noch aus.

Erstellung dieser Erklärung
Diese Erklärung wurde am 26.11.2026 auf Grundlage einer Selbstbewertung erstellt.

Feedback und Kontakt
Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen? Schreiben Sie uns: barrierefreiheit@musterstadt.example, Telefon 01234 567-0.

Schlichtungsverfahren
Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie einen Antrag auf ein Schlichtungsverfahren bei der Schlichtungsstelle nach § 16 BGG stellen: https://www.schlichtungsstelle-bgg.de – bei Angeboten einer Landesbehörde oder Kommune ist die Durchsetzungs- oder Schlichtungsstelle Ihres Bundeslandes zuständig.""",
    ),
    ("accessibility", "en"): (
        "Accessibility statement",
        """The City of Musterstadt strives to make this website accessible in accordance with the German Disability Equality Act (BGG) and the Accessible Information Technology Ordinance (BITV 2.0). The standard is the Web Content Accessibility Guidelines (WCAG) 2.1 at level AA and the European standard EN 301 549.

Compliance status
This website is largely compliant. Every page is checked automatically with the axe-core tool, at desktop and phone widths, whenever the software changes. All pages work without JavaScript and with the keyboard.

Content that is not accessible
The timelines of the measures are graphics. Their full content is in the table of milestones right below; the graphic only summarises it.
An audit by an independent testing body is still pending.

Preparation of this statement
This statement was prepared on 26.11.2026 based on a self-assessment.

Feedback and contact
Have you noticed barriers? Write to us: barrierefreiheit@musterstadt.example, phone +49 1234 567-0.

Enforcement procedure
If you do not receive a satisfactory answer, you can apply for conciliation at the conciliation body under § 16 BGG: https://www.schlichtungsstelle-bgg.de – for websites of a state authority or municipality, the enforcement or conciliation body of the federal state is responsible.""",
    ),
}


def create(apps, schema_editor):
    Page = apps.get_model("content", "Page")
    for (key, language), (title, body) in PAGES.items():
        Page.objects.get_or_create(key=key, language=language, defaults={"title": title, "body": body})


class Migration(migrations.Migration):
    dependencies = [("content", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
