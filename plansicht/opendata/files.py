"""The registry of a programme's open data files: each file's name (the last part of its URL,
``/p/<slug>/daten/<name>``), its title, its media type and the function that makes it. The
download page lists them in this order; ``export_opendata`` writes them all.

Other formats register themselves with one line: ``register(OpenFile("iati.xml", ...))``."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from plansicht import clock
from plansicht.forecast.models import ProgrammeForecast


@dataclass(frozen=True)
class OpenFile:
    name: str  # file name, e.g. "meilensteine.csv" — also the last part of its URL
    title: str  # gettext_lazy
    media_type: str
    make: Callable  # make(programme) -> bytes
    scope: str = "programme"

    @property
    def format(self) -> str:
        """The format's short name for people: CSV, JSON, XLSX, ICS, …"""
        return self.name.rsplit(".", 1)[-1].upper()


FILES: list[OpenFile] = []


def register(file: OpenFile) -> None:
    """Add ``file`` to the registry (a file of the same name is replaced, keeping its place)."""
    for i, known in enumerate(FILES):
        if known.name == file.name:
            FILES[i] = file
            return
    FILES.append(file)


def find(name: str) -> OpenFile | None:
    return next((f for f in FILES if f.name == name), None)


def build_all(programme) -> dict[str, bytes]:
    """Every registered file of ``programme``, by name, made in the site's language (the
    machine formats are the same in any language; the human ones are German first)."""
    from django.conf import settings

    with translation.override(settings.LANGUAGE_CODE):
        return {f.name: f.make(programme) for f in FILES}


def built_from(programme) -> str:
    """What the files of ``programme`` depend on: the stored forecast (its time of
    computation changes with every store), the latest history event (every write through the
    services stores the forecast with one) and the day (statuses and due dates are as of
    today), and the consultations that have opened and closed by now (a consultation's results
    are published the moment it closes, without a change of its own)."""
    from plansicht.consultations.models import Consultation
    from plansicht.history.models import Event

    forecast = ProgrammeForecast.objects.filter(programme=programme).first()
    computed = forecast.computed_at.isoformat() if forecast is not None else "none"
    event = Event.objects.filter(programme=programme).order_by("-pk").values_list("pk", flat=True)
    now = timezone.now()
    consultations = Consultation.objects.filter(programme=programme).aggregate(
        opened=Count("pk", filter=Q(opens__lte=now)),
        closed=Count("pk", filter=Q(closes__lte=now)),
    )
    return (
        f"{computed}|{event.first() or 0}|{clock.today().isoformat()}"
        f"|{consultations['opened']}|{consultations['closed']}"
    )


def current(programme) -> dict:
    """The stored files of ``programme`` by name, rebuilt first when the forecast was stored
    again since (or the day changed): built lazily, on the first request after a change."""
    from .models import OpenDataFile

    key = built_from(programme)
    stored = {f.name: f for f in OpenDataFile.objects.filter(programme=programme)}
    if (
        stored
        and all(f.built_from == key for f in stored.values())
        and set(stored) == {f.name for f in FILES}
    ):
        return stored
    now = timezone.now()
    rows = [
        OpenDataFile(
            programme=programme,
            name=name,
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            built_at=now,
            built_from=key,
        )
        for name, data in build_all(programme).items()
    ]
    with transaction.atomic():
        OpenDataFile.objects.filter(programme=programme).delete()
        OpenDataFile.objects.bulk_create(rows, ignore_conflicts=True)
    return {f.name: f for f in rows}


CATALOGUE = "katalog.ttl"


def _catalogue(programme) -> bytes:
    """The DCAT-AP.de catalogue of every other file."""
    from . import dcat

    return dcat.make(programme, [f for f in FILES if f.name != CATALOGUE])


def _register_core() -> None:
    from . import decidim, iati, ical, popolo, tables

    for file in (
        *tables.open_files(),
        OpenFile(
            "plansicht.ics",
            _("Calendar: milestones, answer due dates and consultations"),
            ical.MEDIA_TYPE,
            ical.programme_calendar,
        ),
        OpenFile("iati.xml", _("IATI activities (XML 2.03)"), "application/xml", iati.make),
        OpenFile(
            "popolo.json",
            _("Posts, bodies and memberships (Popolo JSON)"),
            "application/json",
            popolo.make,
        ),
        OpenFile(
            "decidim_ergebnisse.csv",
            _("Measures for Decidim's accountability (CSV, semicolons)"),
            "text/csv",
            decidim.make,
        ),
        OpenFile(
            CATALOGUE, _("Catalogue of these files (DCAT-AP.de, Turtle)"), "text/turtle", _catalogue
        ),
    ):
        register(file)


_register_core()
