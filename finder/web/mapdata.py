"""Map data: the places of a search as compact markers, and the details of a popup.

    GET /carte/lieux.json?<the search page's parameters>          endpoint mapdata.places
        Every place matching the search (not only the page shown), at its public position
        (serialize.public_place: a place that must not be shown exactly is at its
        commune's point, without street):
        {"version": inventory version, "count": places, "approx": approximate places,
         "meeting": how many of the places are meeting places (the others are registered,
         postal or contact addresses: the map says "adresses" then, as the list),
         "markers": [[lat, lon, chapter index (-1: several), approximate 0/1, ids]],
         "nearest": markers of the nearest places when none is within the radius,
         "details": URL of the details route}
        ids is one place id, or a list when several groups meet at the same point.
    GET /carte/lieux.json?<the search>&z=12&tiles=x0,y0,x1,y1      the same, for one view
        What the map shows at zoom z over the 256 px map tiles x0..x1, y0..y1 of that
        zoom (inclusive; at most VIEW_TILES_MAX a side), clustered on the server
        (finder/clusters.py, the inventory's ClusterIndex):
        {"version", "count", "approx", "meeting" (the whole search, as above),
         "bounds": [south, west, north, east] of every place of the search (or null),
         "clusters": [[lat, lon, places, south, west, north, east]],
         "markers": [[lat, lon, chapter, approximate, [ids], [group names], where]],
         "nearest": the same markers, when none is within the radius (all of them),
         "details": URL of the details route}
        "where" is the locality (the commune for a place not shown exactly).
    GET /carte/lieux/details.json?ids=12,15                        endpoint mapdata.details
    GET /carte/lieu/<id>.json                                      endpoint mapdata.place
        What a popup shows: group name, chapter, meeting time, public address (or the
        commune, with a note), phone, e-mail, website, link to /groupes/<slug>.

Bad parameters answer 400 with {"error": {"code", "message", "parameter"}}, the message
in the page's language (`lang=`, which the map's data URLs carry), as the popups' words.
Responses carry an ETag built from the query and the inventory version (so an import
changes it) and "Cache-Control: private, no-cache": browsers revalidate, get a 304.
The markers come from the ranking the page itself used (Inventory.ranking: the page
and its map data run one search) and the inventory's public points; the encoded
payloads are kept in the current Inventory (`map_data`), keyed on the query and the
popups' URL (which carries the language: one payload per language).
"""
from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import quote

from flask import Blueprint, Response, g, request, url_for
from werkzeug.routing import BuildError

from ..db import get_geography, get_inventory, get_store
from ..clusters import VIEW_TILES_MAX
from ..mapcontent import MIXED, is_approximate, place_details, public_point
from ..models import Result
from ..serialize import public_place
from .clock import request_moment
from .errors import error_response
from .i18n import current_lang, gettext, map_words
from .params import BadParameter, parse_search

bp = Blueprint("mapdata", __name__)

DATA_FORMAT = 2                 # bump when the JSON changes shape: old ETags stop matching
MAX_DETAIL_IDS = 100
MAX_ZOOM = 20
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
    view = _view_args(request.args)
    # The popups' URL carries the page's language: a payload is kept per language.
    details = url_for("mapdata.details")
    if view is not None:
        return _conditional(_stamp(inventory) + [repr(query), "view", *view, details],
                            lambda: _view_payload(inventory, geography, query, *view))

    def build() -> bytes:
        body = inventory.map_data.get((query, details))
        if body is None:
            body, weight = _places_payload(inventory, geography, query)
            inventory.map_data.put((query, details), body, weight)
        else:
            g.search_cache = "map"
        return body

    return _conditional(_stamp(inventory) + [repr(query), details], build)


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
            "approx": approx, "meeting": ranking.meeting_places, "markers": markers,
            "nearest": nearest, "details": url_for("mapdata.details")}
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return body, len(markers) + len(nearest) + 1


def _view_args(args) -> "tuple[int, tuple[int, int, int, int]] | None":
    """(zoom, (x0, y0, x1, y1)) from z= and tiles=, None when the map asks for everything."""
    z, tiles = args.get("z"), args.get("tiles")
    if z is None and tiles is None:
        return None
    if z is None or not re.fullmatch(r"\d{1,2}", z.strip()) or int(z) > MAX_ZOOM:
        raise BadParameter("z", gettext("Niveau de zoom non valide : un nombre entier de 0 "
                                        "à %(max)s.", max=MAX_ZOOM))
    zoom = int(z)
    parts = (tiles or "").split(",")
    if len(parts) != 4 or not all(re.fullmatch(r"\d{1,7}", p.strip()) for p in parts):
        raise BadParameter("tiles", gettext("Zone de la carte non valide : quatre nombres "
                                            "entiers x0,y0,x1,y1 (les tuiles visibles)."))
    x0, y0, x1, y1 = (int(p) for p in parts)
    side = 1 << zoom
    if not (x0 <= x1 < side and y0 <= y1 < side):
        raise BadParameter("tiles", gettext("Zone de la carte hors du monde à ce zoom : "
                                            "chaque tuile va de 0 à %(last)s.", last=side - 1))
    if x1 - x0 >= VIEW_TILES_MAX or y1 - y0 >= VIEW_TILES_MAX:
        raise BadParameter("tiles", gettext("Zone de la carte trop grande : %(max)s tuiles "
                                            "de côté au plus.", max=VIEW_TILES_MAX))
    return zoom, (x0, y0, x1, y1)


class _Selection:
    """A search's places on the map, once per query: their rows in the cluster index,
    how many are approximate and how many are meeting places, their bounds, and the
    nearest markers when none matched."""

    def __init__(self, rows, count: int, approx: int, meeting: int, bounds, nearest: list):
        self.rows, self.count, self.approx, self.meeting = rows, count, approx, meeting
        self.bounds, self.nearest = bounds, nearest


def selection(inventory, geography, query, *, log: bool = True) -> _Selection:
    """The search's selection, kept in the inventory's map cache (page and data share it).
    log: say in the request log which cache answered (the page logs its own search)."""
    key = ("selection", query)
    found = inventory.map_data.get(key)
    if found is not None:
        if log:
            g.search_cache = "map"
        return found
    ranking, hit = inventory.ranking(query)
    if log:
        g.search_cache = "hit" if hit else "miss"
    index = inventory.clusters
    rows = index.subset(ranking.place_ids)
    nearest: list = []
    if not len(rows) and ranking.nearest:
        near = {r.place.id: public_point(_point_of(r), geography) for r in ranking.nearest}
        nearest = [[lat, lon, chapter, flag, ids if isinstance(ids, list) else [ids]]
                   for lat, lon, chapter, flag, ids in marker_rows(list(near), near)[0]]
    bounds = index.bounds(rows)
    if bounds is None and nearest:
        lats, lons = [m[0] for m in nearest], [m[1] for m in nearest]
        bounds = [min(lats), min(lons), max(lats), max(lons)]
    found = _Selection(rows, len(ranking), int(index.approx[rows].sum()),
                       ranking.meeting_places, bounds, nearest)
    inventory.map_data.put(key, found, len(rows) // 16 + len(nearest) + 1)
    return found


def map_fit(inventory, geography, query) -> "tuple | None":
    """((south, west), (north, east)) of the search's places (or of the nearest ones),
    for the page's first view: the map opens where its markers are."""
    bounds = selection(inventory, geography, query.unpaged(), log=False).bounds
    return ((bounds[0], bounds[1]), (bounds[2], bounds[3])) if bounds else None


def first_views(inventory, geography, query, views) -> list:
    """[[zoom, [x0, y0, x1, y1], data], ...]: what the map data answers for each of these
    views, (zoom, tiles) from mapview.first_view_tiles, for the page to carry: the map
    draws its first places without asking again."""
    query = query.unpaged()
    return [[zoom, list(tiles), json.loads(_view_payload(inventory, geography, query, zoom,
                                                         tuple(tiles), log=False))]
            for zoom, tiles in views]


def _view_payload(inventory, geography, query, zoom: int, tiles: tuple, *,
                  log: bool = True) -> bytes:
    details = url_for("mapdata.details")      # in the page's language: part of the key
    key = ("view", query, zoom, tiles, details)
    body = inventory.map_data.get(key)
    if body is not None:
        return body
    chosen = selection(inventory, geography, query, log=log)
    view = inventory.clusters.view(chosen.rows, zoom, tiles)
    names = get_store().marker_names(
        pid for m in view.markers + chosen.nearest for pid in m[4])
    words = map_words(geography)            # a commune in the page's language: 'Elsene'

    def named(rows: list) -> list:
        out = []
        for m in rows:
            found = [names[pid] for pid in m[4] if pid in names]
            where = ""
            if found:
                _, where, nis = found[0]
                where = words.commune(nis, where) if nis else where
            out.append(m + [list(dict.fromkeys(n for n, _, _ in found)), where])
        return out
    markers, nearest = named(view.markers), named(chosen.nearest)
    data = {"version": inventory.version, "count": chosen.count, "approx": chosen.approx,
            "meeting": chosen.meeting, "bounds": chosen.bounds, "clusters": view.clusters,
            "markers": markers, "nearest": nearest, "details": details}
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    inventory.map_data.put(key, body, len(markers) + len(nearest) + len(view.clusters) + 1)
    return body


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
        raise BadParameter("ids", gettext("Liste de lieux non valide : des numéros séparés "
                                          "par des virgules (%(max)s au plus).",
                                          max=MAX_DETAIL_IDS))
    ids = list(dict.fromkeys(int(x) for x in raw.split(",")))
    store, moment = get_store(), request_moment()
    return _conditional(_stamp(get_inventory()) + ["details", ids, moment.isoformat(),
                                                   current_lang()],
                        lambda: json.dumps(
        {"places": place_details_list(store, get_geography(), ids, moment)},
        ensure_ascii=False, separators=(",", ":")).encode())


@bp.get("/carte/lieu/<int(max=9223372036854775807):place_id>.json")
def place(place_id: int):
    store, moment = get_store(), request_moment()
    found = place_details_list(store, get_geography(), [place_id], moment)
    if not found:
        return error_response(404, "not_found", gettext(
            "Ce lieu n’existe pas ou plus : rechargez la page de recherche."))
    return _conditional(_stamp(get_inventory()) + ["place", place_id, moment.isoformat(),
                                                   current_lang()],
                        lambda: json.dumps(
        found[0], ensure_ascii=False, separators=(",", ":")).encode())


def place_details_list(store, geography, ids: list[int], moment=None) -> list[dict]:
    """Popup details of the places that exist, in the order asked, public positions; next
    meetings after `moment` (the ETag carries it: a 304 never keeps a past date)."""
    group_of = store.group_ids_of_places(ids)
    places = store.places_by_id(list(group_of))
    groups = store.groups_by_id(set(group_of.values()), with_places=False)
    out, words = [], map_words(geography)
    for pid in ids:
        if pid not in group_of:
            continue
        group = groups[group_of[pid]]
        public = public_place(places[pid], geography)
        entry = place_details(group, public, url=group_url(group.slug), moment=moment,
                              words=words)
        entry["id"] = pid
        entry["approximate"] = is_approximate(public)
        out.append(entry)
    return out


def group_url(slug: str) -> str:
    try:
        return url_for("pages.group", slug=slug)
    except BuildError:
        return request.script_root + "/groupes/" + quote(slug, safe="")
