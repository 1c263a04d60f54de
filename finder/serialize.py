"""Plain data → JSON-ready dicts, for the CLI, the API, exports and the map.

`public_place` is the one place where a location that must not be shown exactly is
reduced to its commune: every public output goes through it.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from .models import CHAPTER_TITLES, Group, Place, Result


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
        "services": list(group.services), "cost": group.cost,
        "description": group.description, "phone": group.phone, "email": group.email,
        "website": group.website, "source_url": group.source_url,
        "source_date": group.source_date, "checked_on": group.checked_on, "demo": group.demo,
    }


def place_dict(place: Place) -> dict:
    return {
        "label": place.label, "street": place.street, "postcode": place.postcode,
        "locality": place.locality, "address": place.address_line(),
        "commune": {"nis": place.commune_nis, "name": place.commune_name},
        "lat": place.lat, "lon": place.lon, "precision": place.precision,
        "exact_location_shown": place.show_exact, "schedule": place.schedule,
    }


def result_dict(result: Result, geography=None) -> dict:
    place = result.place
    if place is not None and geography is not None:
        place = public_place(place, geography)
    distance: Optional[float] = result.distance_km
    return {
        "group": group_dict(result.group),
        "place": place_dict(place) if place is not None else None,
        "distance_km": round(distance, 2) if distance is not None else None,
    }
