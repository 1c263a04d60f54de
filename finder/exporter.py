"""Exports of the inventory that are not the import format: GeoJSON."""
from __future__ import annotations

from typing import Callable, Iterable

from .models import Group, Place
from .serialize import group_dict, place_dict


def geojson_inventory(groups: Iterable[Group], *,
                      describe: Callable[[Group], dict] = group_dict,
                      place_view: Callable[[Place], Place] = lambda place: place) -> dict:
    """One Feature per meeting place; services without a place have no geometry.

    By default everything, as the maintainer's export needs it. Public outputs pass
    `place_view` (serialize.public_place) and their own `describe`.
    """
    features = []
    for group in groups:
        props = describe(group)
        if not group.places:
            features.append({"type": "Feature", "geometry": None,
                             "properties": {"group": props, "place": None}})
        for place in map(place_view, group.places):
            features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {"group": props, "place": place_dict(place)},
            })
    return {"type": "FeatureCollection", "features": features}
