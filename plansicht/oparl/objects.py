"""The OParl 1.1 objects as plain dicts, ready for JSON: ids are absolute URLs from
``settings.SITE_URL``, times ISO date-times in the site's time zone. The words OParl fixes by
convention (``Stadt``, ``Gremium``, ``Beschlussvorlage``, ``Entscheidung``, ``durchgeführt``) are
German values of the standard, not translated; the rest is worded in the active language,
which the views set to the site's (German).

Only what the portal shows: a decision's title, number, body, date, result, text, vote and
link, its assignments (what, by when), and what it is about where that is public (a draft
measure is never named); no internal field, no person, no e-mail address."""

from datetime import datetime, time

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plansicht.decisions.models import Assignment, Decision
from plansicht.funding.models import Grant
from plansicht.plan.models import Measure, Milestone, PlanVersion
from plansicht.staffing.models import Position

OPARL = "https://schema.oparl.org/1.1/"
PAPER_TYPE = "Beschlussvorlage"
ROLE = "Entscheidung"  # the consultation in which the body decided
ORGANIZATION_TYPE = "Gremium"
BODY_CLASSIFICATION = "Stadt"
MEETING_STATE = "durchgeführt"
# Body.kind → Organization.classification; another kind is published as it is written.
CLASSIFICATIONS = {
    "council": "Rat",
    "committee": "Ausschuss",
    "advisory_council": "Beirat",
    "youth_body": "Jugendvertretung",
    "staff_council": "Personalrat",
}
# The lists of a Body (URL name part → OParl property).
BODY_LISTS = {
    "organization": "organization",
    "person": "person",
    "meeting": "meeting",
    "paper": "paper",
    "agendaitem": "agendaItem",
    "consultation": "consultation",
    "file": "file",
    "location": "locationList",
    "legislativeterm": "legislativeTermList",
    "membership": "membership",
}


def day(value) -> str:
    """A date as the pages write it: 31.12.2025."""
    return date_format(value, "SHORT_DATE_FORMAT")


def kind(name: str) -> str:
    return OPARL + name


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def url(name: str, **kwargs) -> str:
    return absolute(reverse(f"oparl:{name}", kwargs=kwargs))


def moment(value: datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def _stamped(obj: dict, stamp) -> dict:
    obj["created"] = moment(stamp.created)
    obj["modified"] = moment(stamp.modified)
    return obj


def tombstone(type_name: str, id_url: str, stamp) -> dict:
    """A deleted object: its id, type and created kept, modified the time of the deletion."""
    return {
        "id": id_url,
        "type": kind(type_name),
        "created": moment(stamp.created),
        "modified": moment(stamp.modified),
        "deleted": True,
    }


# -- ids ------------------------------------------------------------------------------------------


def body_url(pk) -> str:
    return url("body", pk=pk)


def paper_url(slug, number) -> str:
    return url("paper", slug=slug, number=number)


def consultation_url(slug, number) -> str:
    return url("consultation", slug=slug, number=number)


def agenda_item_url(slug, number) -> str:
    return url("agendaitem", slug=slug, number=number)


def meeting_url(body, iso_day) -> str:
    return url("meeting", body=body, day=iso_day)


def organization_url(pk) -> str:
    return url("organization", pk=pk)


# -- the system and the body ----------------------------------------------------------------------


def system(stamp) -> dict:
    """The entry point. No contact address: OParl's would be a person's or a mailbox the site
    does not name (``docs/oparl.md``)."""
    return _stamped(
        {
            "id": url("system"),
            "type": kind("System"),
            "oparlVersion": OPARL,
            "name": "Plansicht",
            "body": url("bodies"),
            "website": absolute("/"),
        },
        stamp,
    )


def body(organisation, stamp, years, programmes, today) -> dict:
    pk = organisation.pk
    obj = {
        "id": body_url(pk),
        "type": kind("Body"),
        "system": url("system"),
        "name": organisation.name,
        "classification": BODY_CLASSIFICATION,
        "legislativeTerm": [legislative_term(organisation, stamp, years, today)],
    }
    for part, prop in BODY_LISTS.items():
        obj[prop] = url("body_list", pk=pk, part=part)
    obj["keyword"] = [
        _("Programme: %(title)s") % {"title": p.title}
        + " – "
        + absolute(reverse("portal:overview", args=[p.slug]))
        for p in programmes
    ]
    obj["web"] = absolute("/")
    return _stamped(obj, stamp)


def legislative_term(organisation, stamp, years, today) -> dict:
    """The one term Plansicht knows of: the years of its public decisions (this year while
    there is none), from 1 January of the first to 31 December of the last."""
    first, last = years or (today.year, today.year)
    span = str(first) if first == last else f"{first}–{last}"
    return _stamped(
        {
            "id": url("legislativeterm", pk=organisation.pk),
            "type": kind("LegislativeTerm"),
            "body": body_url(organisation.pk),
            "name": _("Decisions %(years)s") % {"years": span},
            "startDate": f"{first:04d}-01-01",
            "endDate": f"{last:04d}-12-31",
        },
        stamp,
    )


def organization(b, stamp) -> dict:
    """A council, committee or advisory council (a Plansicht ``Body``)."""
    return _stamped(
        {
            "id": organization_url(b.pk),
            "type": kind("Organization"),
            "body": body_url(b.organisation_id),
            "name": b.name,
            "shortName": b.code,
            "organizationType": ORGANIZATION_TYPE,
            "classification": CLASSIFICATIONS.get(b.kind, b.kind),
            "meeting": url("organization_list", pk=b.pk, part="meeting"),
            "consultation": url("organization_list", pk=b.pk, part="consultation"),
        },
        stamp,
    )


# -- the decisions --------------------------------------------------------------------------------


def load_decisions(pks, links: bool):
    """{pk: decision} with its programme and body; with ``links`` also its assignments and
    what it is about (public measures only): a fixed number of queries."""
    decisions = Decision.objects.filter(pk__in=list(pks)).select_related("programme", "body")
    if links:
        decisions = decisions.prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.order_by("code")),
            Prefetch("plan_versions", queryset=PlanVersion.objects.order_by("number")),
            Prefetch("positions", queryset=Position.objects.order_by("code")),
            Prefetch(
                "measures",
                queryset=Measure.objects.public().order_by("code"),
                to_attr="public_measures",
            ),
            Prefetch("grants", queryset=Grant.objects.order_by("code")),
        )
    found = {d.pk: d for d in decisions}
    if links:
        posts = {p.pk for d in found.values() for p in d.positions.all()}
        public_posts = set(
            Position.objects.filter(pk__in=posts)
            .filter(Q(grant__isnull=False) | Q(required_by__in=Milestone.objects.public()))
            .values_list("pk", flat=True)
        )
        for d in found.values():
            d.public_posts = public_posts
    return found


def _portal(name, *args) -> str:
    return absolute(reverse(f"portal:{name}", args=args))


def keywords(d) -> list[str]:
    """What OParl has no field for, as keywords: the assignments (what, by when), and what the
    decision is about — plan versions, posts, measures, grants — with their portal page where
    there is one; and the decision's page in the council information system."""
    slug = d.programme.slug
    words = [
        _("Assignment %(code)s (due %(due)s): %(title)s")
        % {"code": a.code, "due": day(a.due), "title": a.title}
        for a in d.assignments.all()
    ]
    words += [
        _("Plan version %(number)s “%(label)s”") % {"number": v.number, "label": v.label}
        for v in d.plan_versions.all()
    ]
    for p in d.positions.all():
        word = _("Post: %(title)s") % {"title": p.title}
        if p.pk in d.public_posts:
            word += " – " + _portal("positions", slug) + f"#post-{slugify(p.code)}"
        words.append(word)
    words += [
        _("Measure %(code)s %(title)s") % {"code": m.code, "title": m.title}
        + " – "
        + _portal("measure", slug, m.code)
        for m in d.public_measures
    ]
    words += [
        _("Grant: %(title)s (%(funder)s)") % {"title": g.title, "funder": g.funder}
        + " – "
        + _portal("finance", slug)
        for g in d.grants.all()
    ]
    if d.url:
        words.append(_("In the council information system: %(url)s") % {"url": d.url})
    return words


def paper(d, stamp) -> dict:
    slug, number = d.programme.slug, d.number
    obj = {
        "id": paper_url(slug, number),
        "type": kind("Paper"),
        "body": body_url(d.programme.organisation_id),
        "name": d.title,
        "reference": number,
        "date": d.date.isoformat(),
        "paperType": PAPER_TYPE,
        "consultation": [consultation(d, stamp)],
    }
    words = keywords(d)
    if words:
        obj["keyword"] = words
    obj["web"] = _portal("decision", slug, d.pk)
    return _stamped(obj, stamp)


def consultation(d, stamp) -> dict:
    slug, number = d.programme.slug, d.number
    return _stamped(
        {
            "id": consultation_url(slug, number),
            "type": kind("Consultation"),
            "paper": paper_url(slug, number),
            "agendaItem": agenda_item_url(slug, number),
            "meeting": meeting_url(d.body_id, d.date.isoformat()),
            "organization": [organization_url(d.body_id)],
            "authoritative": True,
            "role": ROLE,
        },
        stamp,
    )


def agenda_item(d, stamp, order: int) -> dict:
    """The decision as its meeting's agenda item: ``order`` is its place among the meeting's
    decisions by programme and number (the real agenda's numbering is not recorded)."""
    slug, number = d.programme.slug, d.number
    obj = {
        "id": agenda_item_url(slug, number),
        "type": kind("AgendaItem"),
        "meeting": meeting_url(d.body_id, d.date.isoformat()),
        "order": order,
        "name": d.title,
        "public": True,
        "consultation": consultation_url(slug, number),
        "result": str(d.get_result_display()),
    }
    if d.text:
        obj["resolutionText"] = d.text
    if d.votes is not None:
        yes, no, abstain = d.votes
        obj["keyword"] = [
            _("Vote: %(yes)s for, %(no)s against, %(abstain)s abstentions")
            % {"yes": yes, "no": no, "abstain": abstain}
        ]
    obj["web"] = _portal("decision", slug, d.pk)
    return _stamped(obj, stamp)


def meeting(b, iso_day, items, stamp) -> dict:
    """The meeting of the body ``b`` on the day: its agenda items are ``items``, [(decision,
    stamp)] in their order. Only the day is known: ``start`` is its beginning (00:00 in the
    site's time zone)."""
    when = datetime.fromisoformat(iso_day).date()
    start = timezone.make_aware(datetime.combine(when, time(0)))
    return _stamped(
        {
            "id": meeting_url(b.pk, iso_day),
            "type": kind("Meeting"),
            "name": _("%(body)s, meeting on %(date)s") % {"body": b.name, "date": day(when)},
            "meetingState": MEETING_STATE,
            "cancelled": False,
            "start": moment(start),
            "organization": [organization_url(b.pk)],
            "agendaItem": [
                agenda_item(d, item_stamp, order)
                for order, (d, item_stamp) in enumerate(items, start=1)
            ],
        },
        stamp,
    )
