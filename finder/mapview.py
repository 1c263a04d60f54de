"""The finder's maps, built with Folium from plain data. Never queries anything.

Interface (the pages embed a map with these; nothing else here is needed by them)::

    MapParts(head, body, script)
      head   <link rel="stylesheet"> tags only, every URL on our own server: goes in the
             page's <head>. No <style>: the chapter colours and the map heights are
             classes of static/map/finder-map.css (the block `theme_css()` writes, kept
             equal to models.CHAPTER_COLOURS by tests/test_mapview.py), so the page's
             Content-Security-Policy needs no style-src 'unsafe-inline'.
      body   the map block (container, status line, legend) followed by the
             <script src=… async> tags of the self-hosted libraries (Leaflet, marked
             data-leaflet; static/js/finder-map-words.js, marked data-map-words; and
             static/js/finder-map.js, which waits for both): goes where the map appears. The block is
             `hidden` until the script runs: without JavaScript there is no empty map
             box and no legend, nor any element marked `data-needs-map hidden` (the
             map's section, the "Passer la carte" link), which the script shows. The page puts partials/map_strings.html after
             it: the words finder-map.js shows and says come from there.
      script JavaScript without the <script> tag. partials/map.html puts body, the
             strings and this script, as <script nonce="{{ csp_nonce() }}">…</script> (the
             only inline script), together where the map appears: the map starts as soon
             as its two files are there, while the list below is still being read (the
             first view's places are asked for before the list is laid out). It starts
             when finder-map.js has run (it calls what waits in window.FinderMapQueue),
             else at the window's load (the map's fallback message then says it could not
             be shown).

    build_map(*, origin, radius_km, commune_outline, data_url, tiles, height="50vh",
              fit_bounds=None) -> MapParts
        The skeleton of the search map: tiles, origin, radius circle, commune outline
        (inline GeoJSON), legend. The places come from `data_url` (GET /carte/lieux.json,
        finder/web/mapdata.py), one view at a time: finder-map.js asks for the clusters
        and markers of the tiles in view at the current zoom (clustered on the server),
        again as the person pans and zooms (popups built with DOM text nodes, details
        loaded on click). fit_bounds: where the places are (the first view). Cached: the
        same inputs return the same MapParts object, without rendering again.

    map_for_group(group, geography, tiles) -> MapParts
        The small map of a group page: its places (public positions only, see
        serialize.public_place) travel inline, as JSON escaped for a <script>.

    tiles = {"url": TILE_URL, "attribution": TILE_ATTRIBUTION, "max_zoom": TILE_MAX_ZOOM}

    Both take `words` (mapcontent.MapWords, French by default): the language of what the
    map says (legend, label, fallback, popups); web/i18n.map_words() gives a request's.
    The language is part of the cache key.

What a popup says and where a marker goes (public positions) is in finder.mapcontent;
the Folium plumbing (map class, asset lists, cache of built maps, rendering) in
finder.mapfigure.
Asset URLs default to the routes of finder/web/assets.py; `configure_assets`, called once
at start-up by assets.init_app, sets the fingerprinted ones. Folium's own CDN lists
(jQuery, Bootstrap, Font Awesome...) are never rendered: the map class has its own.
"""
from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from html import escape
from typing import Optional, Sequence

import folium

from .clusters import VIEW_TILES_MAX
from .mapcontent import (FRENCH_WORDS, MapWords, approximate_note, chapter_index,
                         is_approximate, place_details, position_key)
from . import mapfit
from .mapfigure import (MAP_HEIGHTS, MIN_ZOOM, MapParts, cached, FitView, HandToFinderMap,
                        new_map, render, tiles_key, assets_generation, cache_clear,
                        cache_info, configure_assets, theme_css)
from .models import CHAPTER_SLUGS, CHAPTER_TITLES, Group
from .serialize import public_place
from .translatable import N_

__all__ = ["MapParts", "build_map", "map_for_group", "configure_assets", "cache_info",
           "cache_clear", "approximate_note", "theme_css", "MAP_HEIGHTS", "GEO_ATTRIBUTION",
           "WALLONIA_BRUSSELS"]

GEO_ATTRIBUTION = N_("Communes\u00a0: Statbel (CC BY 4.0) · Codes postaux\u00a0: bpost / "
                     "OpenStreetMap contributors (ODbL)")
# (south, west), (north, east) of Wallonia and Brussels: the view when there is nothing else.
WALLONIA_BRUSSELS = ((49.49, 2.84), (50.92, 6.41))
MAX_FIT_ZOOM = 14          # never zoom closer than this to fit results: a neighbourhood
GROUP_MAP_ZOOM = 14
APPROX_MAP_ZOOM = 11            # a group known only by its commune or locality

# The padding of the first view: room above the places, where their popups open, and
# below them for the attribution, which takes three lines (about 48 px) on a phone: a
# place or the starting point at the bottom of the view would be under it.
FIT_PADDING_TOP_LEFT = (24, 72)
FIT_PADDING_BOTTOM_RIGHT = (24, 56)



def _fmt_km(km: float, lang: str = "fr") -> str:
    text = f"{km:g}"
    return (text if lang == "en" else text.replace(".", ",")) + "\u00a0km"


def circle_bounds(origin: tuple[float, float], radius_km: float):
    import math
    dlat = radius_km / 110.574
    dlon = radius_km / (111.320 * max(0.1, math.cos(math.radians(origin[0]))))
    return ((origin[0] - dlat, origin[1] - dlon), (origin[0] + dlat, origin[1] + dlon))


def _geojson_bounds(feature: dict):
    coords: list = []

    def walk(c):
        if c and isinstance(c[0], (int, float)):
            coords.append(c)
        else:
            for x in c:
                walk(x)
    geometry = feature.get("geometry", feature) if isinstance(feature, dict) else {}
    walk(geometry.get("coordinates") or [])
    if not coords:
        return None
    lons, lats = [c[0] for c in coords], [c[1] for c in coords]
    return ((min(lats), min(lons)), (max(lats), max(lons)))


def build_map(*, origin: Optional[tuple[float, float]] = None, radius_km: Optional[float] = None,
              commune_outline: Optional[dict] = None, data_url: str, tiles: dict,
              height: str = "50vh", fit_bounds: Optional[tuple] = None,
              first_views: Sequence = (), words: MapWords = FRENCH_WORDS) -> MapParts:
    """The search map's skeleton; its places come from data_url. Cached on the inputs
    (the language too: `words`). first_views: [[zoom, [x0, y0, x1, y1], data], ...], the
    places of the views it may open on (first_view_tiles), sent with the page."""
    origin = _origin(origin)
    radius = float(radius_km) if radius_km and origin else None
    outline_digest = (hashlib.sha256(json.dumps(commune_outline, sort_keys=True).encode())
                      .hexdigest() if commune_outline else None)
    views = [list(v) for v in first_views]
    views_digest = (hashlib.sha256(json.dumps(views, sort_keys=True).encode()).hexdigest()
                    if views else None)
    key = ["search", origin, radius, outline_digest, data_url, tiles_key(tiles), height,
           fit_bounds, views_digest, assets_generation(), words.lang]
    return cached(key, lambda k: _build_search_map(
        k, origin, radius, commune_outline, data_url, tiles, height, fit_bounds, views,
        words))


def _origin(origin) -> Optional[tuple[float, float]]:
    return (round(float(origin[0]), 6), round(float(origin[1]), 6)) if origin else None


def search_fit(fit_bounds, origin) -> tuple:
    """What the search map's first view fits: its places' bounds and the starting point."""
    (south, west), (north, east) = fit_bounds
    if origin:
        south, west = min(south, origin[0]), min(west, origin[1])
        north, east = max(north, origin[0]), max(east, origin[1])
    return ((south, west), (north, east))


def first_view_tiles(fit_bounds, origin) -> list[tuple[int, tuple[int, int, int, int]]]:
    """(zoom, tiles) of the views the search map may open on, on a phone, a tablet or a
    desktop (finder.mapfit): their places can travel with the page. [] without places."""
    if not fit_bounds:
        return []
    return mapfit.first_views(search_fit(fit_bounds, _origin(origin)),
                              padding=(FIT_PADDING_TOP_LEFT, FIT_PADDING_BOTTOM_RIGHT),
                              min_zoom=MIN_ZOOM, max_zoom=MAX_FIT_ZOOM)


# What the maps say (French; translated by `words`).
SEARCH_MAP_LABEL = N_("Carte des lieux de réunion trouvés")
GROUP_MAP_LABEL = N_("Carte des lieux de réunion de « %(name)s »")
MIXED_KEY = N_("Plusieurs groupes de chapitres différents au même endroit")
APPROX_KEY = N_("Emplacement approximatif (centre de la commune ou de la localité)")
CLUSTER_KEY = N_("Plusieurs lieux proches\u00a0: zoomez ou touchez pour les séparer")
OUTLINE_KEY = N_("Limites de la commune de %(name)s")
OUTLINE_KEY_UNNAMED = N_("Limites de la commune choisie")
RADIUS_KEY = N_("Rayon de recherche\u00a0: %(distance)s")
ORIGIN_KEY = N_("Point de départ de la recherche")
PLACE_KEY = N_("Lieu de réunion")


def _map_config(words: MapWords) -> dict:
    """What finder-map.js gets in every map's configuration, in the page's language."""
    return {"attribution": escape(words(GEO_ATTRIBUTION)),
            "chapters": [words(CHAPTER_TITLES[s]) for s in CHAPTER_SLUGS]}


def _build_search_map(key, origin, radius, outline, data_url, tiles, height,
                      fit_bounds, views, words: MapWords = FRENCH_WORDS) -> MapParts:
    m = new_map(key, tiles, height, words(SEARCH_MAP_LABEL))
    legend = [(f"fm-c{i}", words(CHAPTER_TITLES[s])) for i, s in enumerate(CHAPTER_SLUGS)]
    legend += [("fm-mixed", words(MIXED_KEY)), ("fm-key--approx", words(APPROX_KEY)),
               ("fm-key--cluster", words(CLUSTER_KEY))]
    bounds = None
    if outline:
        properties = outline.get("properties") or {}
        name = properties.get("name_fr", "")
        name = words.commune(properties.get("nis", ""), name) if name else ""
        folium.GeoJson(outline, name="commune", interactive=False, style_function=lambda _: {
            "color": "#222222", "weight": 3, "dashArray": "2 6", "fill": True,
            "fillColor": "#222222", "fillOpacity": 0.05}).add_to(m)
        legend.append(("fm-key--outline", words.named(OUTLINE_KEY, name) if name
                       else words(OUTLINE_KEY_UNNAMED)))
        bounds = _geojson_bounds(outline)
    if origin:
        if radius:
            folium.Circle(location=list(origin), radius=radius * 1000, color="#1a1a1a",
                          weight=2, dash_array="8 6", fill=True, fill_color="#1a1a1a",
                          fill_opacity=0.04, interactive=False).add_to(m)
            legend.append(("fm-key--radius", words(RADIUS_KEY,
                                                   distance=_fmt_km(radius, words.lang))))
            bounds = circle_bounds(origin, radius)
        # Under the places, and not clickable: it must never hide a group's marker.
        folium.Marker(location=list(origin), alt=words(ORIGIN_KEY),
                      interactive=False, keyboard=False, z_index_offset=-1000).add_to(m)
        legend.append(("fm-key--origin", words(ORIGIN_KEY)))
        bounds = bounds or circle_bounds(origin, 5)
    if fit_bounds:
        # The places (and the starting point): the view the map data is first asked for.
        FitView(search_fit(fit_bounds, origin), max_zoom=MAX_FIT_ZOOM, padding_corners=(
            FIT_PADDING_TOP_LEFT, FIT_PADDING_BOTTOM_RIGHT)).add_to(m)
    else:
        FitView(bounds or WALLONIA_BRUSSELS, max_zoom=MAX_FIT_ZOOM).add_to(m)
    HandToFinderMap({
        "data": data_url, "origin": list(origin) if origin else None,
        "fitZoom": MAX_FIT_ZOOM, "cluster": True, "groupLinks": True,
        "maxTiles": VIEW_TILES_MAX, "views": views, **_map_config(words),
    }).add_to(m)
    return render(m, legend=legend, words=words)


def map_for_group(group: Group, geography, tiles: dict, *,
                  height: str = "40vh", moment=None,
                  words: MapWords = FRENCH_WORDS) -> MapParts:
    """The map of one group's places (public positions), data inline. Cached (the popups'
    next meetings, computed at `moment`, are part of the key)."""
    places = [public_place(p, geography) for p in group.places if p.located]
    markers: "OrderedDict[tuple, list[int]]" = OrderedDict()
    details = []
    for place in places:
        markers.setdefault(position_key(place), []).append(len(details))
        details.append(place_details(group, place, url="", moment=moment, words=words))
    where = {position_key(p): (p.locality or p.commune_name) for p in places}
    rows = [[lat, lon, chapter_index(group.chapter), approx, ids, [group.name],
             where[(lat, lon, approx)]] for (lat, lon, approx), ids in markers.items()]
    data = {"markers": rows, "details": details, "count": len(places),
            "approx": sum(1 for p in places if is_approximate(p)),
            # a registered office or a postal address is no meeting place (the status says
            # "adresse", as the page)
            "meeting": sum(1 for p in group.places if p.located and p.meeting_place)}
    key = ["group", data, tiles_key(tiles), height, assets_generation(), words.lang]
    return cached(key, lambda k: _build_group_map(k, group, data, tiles, height, words))


def _build_group_map(key, group, data, tiles, height,
                     words: MapWords = FRENCH_WORDS) -> MapParts:
    m = new_map(key, tiles, height, words(GROUP_MAP_LABEL, name=group.name))
    index = chapter_index(group.chapter)
    legend = [(f"fm-c{index}" if index >= 0 else "fm-mixed", words(PLACE_KEY))]
    if data["approx"]:
        legend.append(("fm-key--approx", words(APPROX_KEY)))
    # Zooming to street level on a commune's centre would suggest a precision we lack.
    zoom = GROUP_MAP_ZOOM if data["approx"] < len(group.places) else APPROX_MAP_ZOOM
    if data["markers"]:
        lats = [r[0] for r in data["markers"]]
        lons = [r[1] for r in data["markers"]]
        bounds = ((min(lats), min(lons)), (max(lats), max(lons)))
        FitView(bounds, max_zoom=zoom, padding=30).add_to(m)
    else:
        FitView(WALLONIA_BRUSSELS, max_zoom=zoom).add_to(m)
    HandToFinderMap({
        "places": data, "origin": None, "fitZoom": zoom, "cluster": False,
        "groupLinks": False, **_map_config(words),
    }).add_to(m)
    return render(m, legend=legend, words=words)
