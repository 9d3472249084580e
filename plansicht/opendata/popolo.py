"""Popolo JSON of who answers for a programme: the city and the units that hold its posts, the
bodies that state their views (organizations), every public post, and a membership for each
filled post. A vacant post has no membership; a holder is named (a person) only where the
post is marked to name the holder publicly — otherwise the membership has no person.

The posts are those the positions page shows (funded ones and those a published milestone
waits for); vacant or filled as the stored forecast says. Never a pay grade, a contract's end
or a speaker of a body."""

import json

from django.utils.text import slugify

from plansicht.participation.models import Body
from plansicht.staffing.models import Position


def _organisation_id(organisation) -> str:
    return slugify(organisation.name) or f"organisation-{organisation.pk}"


def _public_posts(programme):
    return (
        Position.objects.filter(programme=programme)
        .public()
        .select_related("forecast", "unit")
        .order_by("code", "pk")
    )


def _vacant(post) -> bool:
    forecast = getattr(post, "forecast", None)
    return forecast.vacant if forecast is not None else not post.holder


def data(programme) -> dict:
    """The programme's Popolo collections: organizations, persons, posts, memberships."""
    city = programme.organisation
    city_id = _organisation_id(city)
    organizations = [{"id": city_id, "name": city.name, "classification": "municipality"}]
    units = {}
    persons, posts, memberships = [], [], []
    for p in _public_posts(programme):
        organization_id = city_id
        if p.unit_id:
            organization_id = f"{city_id}/einheit/{slugify(p.unit.name) or p.unit_id}"
            units.setdefault(
                organization_id,
                {
                    "id": organization_id,
                    "name": p.unit.name,
                    "classification": "unit",
                    "parent_id": city_id,
                },
            )
        post_id = f"{programme.slug}/stelle/{p.code}"
        posts.append(
            {
                "id": post_id,
                "label": p.title,
                "role": p.title,
                "organization_id": organization_id,
            }
        )
        if _vacant(p):
            continue
        forecast = getattr(p, "forecast", None)
        person_id = None
        if p.holder_public and p.holder.strip():
            person_id = f"{post_id}/inhaber"
            persons.append({"id": person_id, "name": p.holder.strip()})
        membership = {
            "id": f"{post_id}/besetzung",
            "label": p.title,
            "role": p.title,
            "person_id": person_id,
            "organization_id": organization_id,
            "post_id": post_id,
        }
        if forecast is not None and forecast.fill is not None:
            membership["start_date"] = forecast.fill.isoformat()
        memberships.append(membership)
    organizations.extend(units[key] for key in sorted(units))
    for body in Body.objects.filter(organisation=city).order_by("code", "pk"):
        organizations.append(
            {
                "id": f"{city_id}/gremium/{body.code}",
                "name": body.name,
                "classification": body.kind,
                "parent_id": city_id,
            }
        )
    return {
        "organizations": organizations,
        "persons": persons,
        "posts": posts,
        "memberships": memberships,
    }


def make(programme) -> bytes:
    """The Popolo JSON file (UTF-8)."""
    return json.dumps(data(programme), ensure_ascii=False, indent=2).encode() + b"\n"
