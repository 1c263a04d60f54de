"""Public representations of the inventory for the open data API.

Every place goes through `serialize.public_place` before it is written, whatever the
format (JSON, GeoJSON, CSV; the Meeting Guide feed in finder/meeting_guide.py): a place
whose exact location must not be shown leaves this module only at its commune's precision. Distances to such a place
are measured to that commune point, never to the hidden one.
"""
from __future__ import annotations

import io
from dataclasses import replace
from typing import Iterable

from ..inventory_file import write_csv
from ..models import Group, Result
from ..exporter import geojson_inventory
from ..serialize import group_dict, place_dict, public_place
from ..validation import safe_email, safe_url

def public_links(group: Group) -> Group:
    """The group with the links a consumer may put in an href as they are: a website or
    source that is no safe http(s) address, or an e-mail address we would not put in a
    mailto:, is emptied (finder/validation.py, the pages' rule); hosts come in ASCII."""
    return replace(group, website=safe_url(group.website) or "",
                   source_url=safe_url(group.source_url) or "",
                   email=safe_email(group.email) or "")


def public_group_dict(group: Group) -> dict:
    """group_dict of the group's public links (hostile text stays text elsewhere)."""
    return group_dict(public_links(group))


def public_group(group: Group, geography) -> Group:
    """The group with its public links and each of its places as the public may see them."""
    return replace(public_links(group),
                   places=[public_place(p, geography) for p in group.places])


def group_with_places(group: Group, geography) -> dict:
    out = public_group_dict(group)
    out["places"] = [place_dict(public_place(p, geography)) for p in group.places]
    return out


def public_result(result: Result, geography) -> dict:
    """A search result with its place made public and an honest distance.

    distance_approximate is true when the place is known (or shown) only at locality or
    commune precision: the distance then goes to the centre of that area.
    """
    place = result.place
    public = public_place(place, geography) if place is not None else None
    distance = result.distance_km    # search measured hidden places to their public point
    approximate = public is not None and distance is not None and public.precision != "exact"
    if distance is not None:
        distance = round(distance, 1 if approximate else 2)
    return {
        "group": public_group_dict(result.group),
        "place": place_dict(public) if public is not None else None,
        "distance_km": distance,
        "distance_approximate": approximate,
        "relevance": result.relevance,
        "rank_km": result.rank_km,
    }


def text_dict(text) -> dict | None:
    """How the words typed (q) were understood: the same facts the page tells."""
    if text is None:
        return None
    return {
        "query": text.text,
        "words": list(text.words),
        "expansions": [{"expression": e, "searched_for": list(t)} for e, t in text.expansions],
        "corrections": [{"typed": a, "searched_for": b} for a, b in text.corrections],
        "partial": text.partial,
        "matched_groups": len(text.relevance),
        "closest_themes": list(text.closest_themes),
        "chapter": text.chapter,
    }


def public_results(results: Iterable[Result], geography) -> list[dict]:
    return [public_result(r, geography) for r in results]


# -- GeoJSON ------------------------------------------------------------------------------

def results_geojson(results: list[dict], **members) -> dict:
    """A FeatureCollection from public result dicts (see public_result)."""
    features = []
    for r in results:
        place = r["place"]
        geometry = ({"type": "Point", "coordinates": [place["lon"], place["lat"]]}
                    if place is not None else None)
        features.append({"type": "Feature", "geometry": geometry, "properties": r})
    return {"type": "FeatureCollection", **members, "features": features}


def groups_geojson(groups: Iterable[Group], geography) -> dict:
    """The public inventory as GeoJSON: one Feature per place (public position), and one
    without geometry per service that has no place."""
    return geojson_inventory(groups, describe=public_group_dict,
                             place_view=lambda place: public_place(place, geography))


# -- CSV ------------------------------------------------------------------------------------

def public_csv(groups: Iterable[Group], geography) -> str:
    """The public inventory in the import format (re-importable).

    Places that must not be shown exactly keep only their commune: no label, street,
    postcode, locality or coordinates. Coordinates are written for exact places only,
    as the import format does; an importer situates the others again. A cell that a
    spreadsheet would take for a formula (=, +, -, @, tab, carriage return first) gets an
    apostrophe before it (inventory_file.neutralise), which our import removes again.
    """
    out = io.StringIO()
    out.write("\ufeff")   # spreadsheet programs then read UTF-8
    write_csv((public_group(group, geography) for group in groups), out,
              lineterminator="\r\n")
    return out.getvalue()
