"""Plain data → JSON-ready dicts, for the API (and the CLI through it), exports and the map.

`public_place` is the one place where a location that must not be shown exactly is
reduced to its commune: every public output goes through it.
"""
from __future__ import annotations

from dataclasses import replace

from .models import CHAPTER_TITLES, Group, Place


def public_place(place: Place, geography) -> Place:
    """The place as the public may see it: commune only when show_exact is off."""
    if place.show_exact:
        return place
    if place.public_lat is not None:
        lat, lon = place.public_lat, place.public_lon
    else:
        lat, lon = geography.representative_point(place.commune_nis)
    return replace(place, label="", street="", postcode="", locality="",
                   lat=round(lat, 5), lon=round(lon, 5), precision="commune",
                   public_lat=round(lat, 5), public_lon=round(lon, 5))


def group_dict(group: Group) -> dict:
    return {
        "slug": group.slug, "name": group.name, "chapter": group.chapter,
        "chapter_title": CHAPTER_TITLES.get(group.chapter, group.chapter),
        "kind": group.kind, "themes": list(group.themes), "audience": list(group.audience),
        "audience_kinds": list(group.audience_kinds),
        "services": list(group.services), "cost": group.cost,
        "description": group.description, "phone": group.phone, "email": group.email,
        "website": group.website, "source_url": group.source_url,
        "source_date": group.source_date, "checked_on": group.checked_on, "demo": group.demo,
        "notes": group.notes,
    }


def place_dict(place: Place) -> dict:
    return {
        "label": place.label, "street": place.street, "postcode": place.postcode,
        "locality": place.locality, "address": place.address_line(),
        "commune": {"nis": place.commune_nis, "name": place.commune_name},
        "lat": place.lat, "lon": place.lon, "precision": place.precision,
        "exact_location_shown": place.show_exact, "schedule": place.schedule,
        "address_kind": place.address_kind,
    }
