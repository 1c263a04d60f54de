"""Map data: the places of a search as compact markers, and the details of a popup.

    GET /carte/lieux.json?<the search page's parameters>          endpoint mapdata.places
        Every place matching the search (not only the page shown), at its public position
        (serialize.public_place: a place that must not be shown exactly is at its
        commune's point, without street):
        {"version": inventory version, "count": places, "approx": approximate places,
         "markers": [[lat, lon, chapter index (-1: several), approximate 0/1, ids]],
         "nearest": markers of the nearest places when none is within the radius,
         "details": URL of the details route}
        ids is one place id, or a list when several groups meet at the same point.
    GET /carte/lieux/details.json?ids=12,15                        endpoint mapdata.details
    GET /carte/lieu/<id>.json                                      endpoint mapdata.place
        What a popup shows: group name, chapter, meeting time, public address (or the
        commune, with a note), phone, e-mail, website, link to /groupes/<slug>.

Bad parameters answer 400 with {"error": {"code", "message", "parameter"}} in French.
Responses carry an ETag built from the query and the inventory version (so an import
changes it) and "Cache-Control: private, no-cache": browsers revalidate, get a 304.
The markers come from the ranking the page itself used (Inventory.ranking: the page
and its map data run one search) and the inventory's public points; the encoded
payloads are kept in the current Inventory (`map_data`), keyed on the query alone.
"""
from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import quote

from flask import Blueprint, Response, g, request, url_for
from werkzeug.routing import BuildError

from ..db import get_geography, get_inventory, get_store
from ..mapcontent import MIXED, is_approximate, place_details, public_point
from ..models import Result
from ..serialize import public_place
from .clock import request_moment
from .errors import error_response
from .params import BadParameter, parse_search

bp = Blueprint("mapdata", __name__)

DATA_FORMAT = 1                 # bump when the JSON changes shape: old ETags stop matching
MAX_DETAIL_IDS = 100
_IDS = re.compile(r"^\d{1,12}(,\d{1,12}){0,%d}$" % (MAX_DETAIL_IDS - 1))


def _stamp(inventory) -> list:
    """What identifies the inventory and our JSON's shape: a new import gives a new stamp."""
    return [DATA_FORMAT, *inventory.token]


def _conditional(key: list, build) -> Response:
    """ETag from key; 304 when the browser has it; else the body from build()."""
    etag = hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()[:24]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(build(), mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/carte/lieux.json")
def places():
    geography, inventory = get_geography(), get_inventory()
    req = parse_search(request.args, geography)      # BadParameter: errors.py, JSON 400
    query = req.query.unpaged()

    def build() -> bytes:
        body = inventory.map_data.get(query)
        if body is None:
            body, weight = _places_payload(inventory, geography, query)
            inventory.map_data.put(query, body, weight)
        else:
            g.search_cache = "map"
        return body

    return _conditional(_stamp(inventory) + [repr(query)], build)


def _places_payload(inventory, geography, query) -> tuple[bytes, int]:
    # The ranking gives every matching place id in order, and the nearest places when
    # none is within the radius. The markers need no Place or Group objects: each
    # place's public point is computed once per inventory version and looked up here.
    ranking, hit = inventory.ranking(query)
    g.search_cache = "hit" if hit else "miss"
    markers, approx = marker_rows(ranking.place_ids, inventory.public_points)
    nearest: list = []
    if not markers and ranking.nearest:
        near = {r.place.id: public_point(_point_of(r), geography) for r in ranking.nearest}
        nearest = marker_rows(list(near), near)[0]
    data = {"version": inventory.version, "count": len(ranking),
            "approx": approx, "markers": markers, "nearest": nearest,
            "details": url_for("mapdata.details")}
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return body, len(markers) + len(nearest) + 1


def _point_of(result: Result) -> tuple:
    p = result.place
    return (p.id, result.group.chapter, p.lat, p.lon, p.precision, p.show_exact,
            p.commune_nis, p.public_lat, p.public_lon)


def marker_rows(place_ids: list[int], points: dict) -> tuple[list[list], int]:
    """Markers for these places, several groups at one point sharing one marker; and how
    many places are approximate. A marker: [lat, lon, chapter (-1: several), approx, ids]."""
    by_point: dict[tuple, list] = {}
    approx = 0
    for pid in place_ids:
        point = points.get(pid)
        if point is None:               # removed by an import since the search
            continue
        key, chapter = point[:3], point[3]
        approx += point[2]
        entry = by_point.get(key)
        if entry is None:
            by_point[key] = [chapter, [pid]]
        else:
            if entry[0] != chapter:
                entry[0] = MIXED
            entry[1].append(pid)
    rows = [[lat, lon, chapter, flag, ids[0] if len(ids) == 1 else ids]
            for (lat, lon, flag), (chapter, ids) in by_point.items()]
    return rows, approx


@bp.get("/carte/lieux/details.json")
def details():
    raw = (request.args.get("ids") or "").strip()
    if not _IDS.match(raw):
        raise BadParameter("ids", f"Liste de lieux non valide : des numéros séparés par des "
                                  f"virgules ({MAX_DETAIL_IDS} au plus).")
    ids = list(dict.fromkeys(int(x) for x in raw.split(",")))
    store, moment = get_store(), request_moment()
    return _conditional(_stamp(get_inventory()) + ["details", ids, moment.isoformat()],
                        lambda: json.dumps(
        {"places": place_details_list(store, get_geography(), ids, moment)},
        ensure_ascii=False, separators=(",", ":")).encode())


@bp.get("/carte/lieu/<int(max=9223372036854775807):place_id>.json")
def place(place_id: int):
    store, moment = get_store(), request_moment()
    found = place_details_list(store, get_geography(), [place_id], moment)
    if not found:
        return error_response(404, "not_found", "Ce lieu n’existe pas ou plus : rechargez "
                                                "la page de recherche.")
    return _conditional(_stamp(get_inventory()) + ["place", place_id, moment.isoformat()],
                        lambda: json.dumps(
        found[0], ensure_ascii=False, separators=(",", ":")).encode())


def place_details_list(store, geography, ids: list[int], moment=None) -> list[dict]:
    """Popup details of the places that exist, in the order asked, public positions; next
    meetings after `moment` (the ETag carries it: a 304 never keeps a past date)."""
    group_of = store.group_ids_of_places(ids)
    places = store.places_by_id(list(group_of))
    groups = store.groups_by_id(set(group_of.values()), with_places=False)
    out = []
    for pid in ids:
        if pid not in group_of:
            continue
        group = groups[group_of[pid]]
        public = public_place(places[pid], geography)
        entry = place_details(group, public, url=group_url(group.slug), moment=moment)
        entry["id"] = pid
        entry["approximate"] = is_approximate(public)
        out.append(entry)
    return out


def group_url(slug: str) -> str:
    try:
        return url_for("pages.group", slug=slug)
    except BuildError:
        return request.script_root + "/groupes/" + quote(slug, safe="")
