"""A DCAT-AP.de 3.0 catalogue (Turtle) of a programme's open-data files: the catalogue, one
dataset for the programme and one distribution per file, with absolute URLs from SITE_URL,
the licence, contributor ID, municipality key (AGS, as ``dct:spatial``) and functional contact
address from the organisation's open-data settings; and one dataset per consultation for the
public (never a staff-only one) with its period as ``dct:temporal``, distributed in the
consultations' tables. It conforms to the official SHACL shapes
(GovData's DCAT-AP.de 3.0 profile with the deprecated-property shapes)."""

from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from plansicht.accounts.models import DL_BY_DE
from plansicht.forecast import public_participation

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "https://www.iana.org/assignments/media-types/"
MUNICIPALITY_KEY = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/"
LANGUAGE_DE = URIRef("http://publications.europa.eu/resource/authority/language/DEU")
THEME_GOVERNMENT = URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")
# The EU file types of the media types the exports use.
FORMATS = {
    "text/csv": "CSV",
    "application/json": "JSON",
    "application/geo+json": "GEOJSON",
    "application/xml": "XML",
    "text/xml": "XML",
    "text/turtle": "RDF_TURTLE",
    "text/calendar": "ICAL",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/zip": "ZIP",
}


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def file_url(programme, name: str) -> str:
    """The stable download URL of one open-data file of ``programme``."""
    with translation.override(settings.LANGUAGE_CODE):  # the address without /en/
        return site_url(reverse("portal:opendata_file", args=[programme.slug, name]))


def _media_type(value: str) -> str:
    return (value or "").split(";")[0].strip().lower()


def graph(programme, files) -> Graph:
    organisation = programme.organisation
    g = Graph()
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    g.bind("foaf", FOAF)
    g.bind("dcatde", DCATDE)
    g.bind("vcard", VCARD)
    base = site_url(f"/p/{programme.slug}/daten/")
    catalog = URIRef(base + "#katalog")
    dataset = URIRef(base + "#datensatz")
    publisher = URIRef(base + "#herausgeber")
    licence = URIRef(organisation.open_data_licence or DL_BY_DE)
    forecast = getattr(programme, "forecast", None)

    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(organisation.name, lang="de")))

    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal(f"{programme.title} – Offene Daten", lang="de")))
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                f"Offene Daten des Programms „{programme.title}“ ({organisation.name}).", lang="de"
            ),
        )
    )
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, FOAF.homepage, URIRef(site_url(f"/p/{programme.slug}/"))))
    g.add((catalog, DCAT.dataset, dataset))

    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal(programme.title, lang="de")))
    g.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                f"Plan, Fortschritt, Finanzen, Stellen und Indikatoren des Programms "
                f"„{programme.title}“ von {organisation.name}, aus der gespeicherten Prognose.",
                lang="de",
            ),
        )
    )
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCTERMS.identifier, Literal(base)))
    g.add((dataset, DCTERMS.language, LANGUAGE_DE))
    g.add((dataset, DCAT.theme, THEME_GOVERNMENT))
    g.add((dataset, DCAT.landingPage, URIRef(site_url(f"/p/{programme.slug}/"))))
    if forecast is not None:
        g.add((dataset, DCTERMS.modified, Literal(forecast.as_of.isoformat(), datatype=XSD.date)))
    if organisation.dcat_contributor_id:
        g.add((dataset, DCATDE.contributorID, URIRef(organisation.dcat_contributor_id)))
    if organisation.ags:
        place = URIRef(MUNICIPALITY_KEY + organisation.ags)
        g.add((dataset, DCTERMS.spatial, place))
        g.add((place, RDF.type, DCTERMS.Location))
    if organisation.contact_url or organisation.contact_email:
        contact = BNode()
        g.add((dataset, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, RDF.type, VCARD.Organization))
        g.add((contact, VCARD.fn, Literal(organisation.name, lang="de")))
        if organisation.contact_email:
            g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{organisation.contact_email}")))
        if organisation.contact_url:
            g.add((contact, VCARD.hasURL, URIRef(organisation.contact_url)))

    for f in files:
        url = URIRef(file_url(programme, f.name))
        distribution = URIRef(f"{base}#{f.name}")
        g.add((dataset, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        g.add((distribution, DCTERMS.title, Literal(str(f.title), lang="de")))
        g.add((distribution, DCAT.accessURL, url))
        g.add((distribution, DCAT.downloadURL, url))
        g.add((distribution, DCTERMS.license, licence))
        media_type = _media_type(f.media_type)
        if media_type:
            g.add((distribution, DCAT.mediaType, URIRef(IANA + media_type)))
        if media_type in FORMATS:
            g.add((distribution, DCTERMS.format, URIRef(FILE_TYPE + FORMATS[media_type])))
        if forecast is not None:
            g.add(
                (
                    distribution,
                    DCTERMS.modified,
                    Literal(forecast.as_of.isoformat(), datatype=XSD.date),
                )
            )
    consultation_datasets(g, programme, catalog, publisher, base, {f.name for f in files})
    return g


# The tables that hold the consultations, with their periods and their results.
CONSULTATION_FILES = ("befragungen.csv", "befragungsergebnisse.csv")


def _page(programme, code) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return site_url(reverse("portal:consultation", args=[programme.slug, code]))


def consultation_datasets(g, programme, catalog, publisher, base, names) -> None:
    """One dataset per consultation for the public: its title, description and period."""
    for c in public_participation.public_consultations(programme).order_by("opens", "code"):
        dataset = URIRef(f"{base}#befragung-{quote(c.code, safe='')}")
        g.add((catalog, DCAT.dataset, dataset))
        g.add((dataset, RDF.type, DCAT.Dataset))
        g.add((dataset, DCTERMS.title, Literal(f"Befragung: {c.title}", lang="de")))
        description = c.description or f"Befragung „{c.title}“ im Programm „{programme.title}“."
        g.add((dataset, DCTERMS.description, Literal(description, lang="de")))
        g.add((dataset, DCTERMS.publisher, publisher))
        g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
        g.add((dataset, DCTERMS.language, LANGUAGE_DE))
        g.add((dataset, DCAT.theme, THEME_GOVERNMENT))
        g.add((dataset, DCAT.landingPage, URIRef(_page(programme, c.code))))
        period = BNode()
        g.add((dataset, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add(
            (
                period,
                DCAT.startDate,
                Literal(timezone.localtime(c.opens).isoformat(), datatype=XSD.dateTime),
            )
        )
        g.add(
            (
                period,
                DCAT.endDate,
                Literal(timezone.localtime(c.closes).isoformat(), datatype=XSD.dateTime),
            )
        )
        for name in CONSULTATION_FILES:
            if name in names:
                g.add((dataset, DCAT.distribution, URIRef(f"{base}#{name}")))


def make(programme, files) -> bytes:
    """The catalogue in Turtle (UTF-8). ``files``: objects with ``name`` (the file name),
    ``title`` and ``media_type``."""
    return graph(programme, files).serialize(format="turtle", encoding="utf-8")
