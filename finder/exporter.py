"""Exports of the inventory that are not the import format: GeoJSON."""
from __future__ import annotations

from typing import Iterable

from .models import Group
from .serialize import group_dict, place_dict, public_place


def geojson_inventory(groups: Iterable[Group], *, public: bool = True, geography=None) -> dict:
    """One Feature per meeting place; services without a place have no geometry.

    public=True reduces places that must not be shown exactly to their commune
    (needs the geography); the maintainer's export (public=False) keeps everything.
    """
    features = []
    for group in groups:
        props = group_dict(group)
        if not group.places:
            features.append({"type": "Feature", "geometry": None,
                             "properties": {"group": props, "place": None}})
        for place in group.places:
            if public:
                place = public_place(place, geography)
            features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {"group": props, "place": place_dict(place)},
            })
    return {"type": "FeatureCollection", "features": features}
