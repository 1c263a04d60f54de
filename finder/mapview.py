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
             data-leaflet, and static/js/finder-map.js, which waits for it): goes where
             the map appears. The block is
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

What a popup says and where a marker goes (public positions) is in finder.mapcontent.
Asset URLs default to the routes of finder/web/assets.py; `configure_assets`, called once
at start-up by assets.init_app, sets the fingerprinted ones. Folium's own CDN lists
(jQuery, Bootstrap, Font Awesome...) are never rendered: the map class has its own.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from html import escape
from typing import Callable, Optional, Sequence

import folium
import xyzservices
from branca.element import CssLink, JavascriptLink, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from .mapcontent import (FRENCH_WORDS, MapWords, approximate_note, chapter_index,
                         is_approximate, place_details, position_key, script_json)
from .clusters import VIEW_TILES_MAX
from .lru import LRU
from .models import CHAPTER_COLOURS, CHAPTER_SLUGS, CHAPTER_TITLES, Group
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
CACHE_SIZE = 256

DEFAULT_JS = (("leaflet", "/assets/leaflet/leaflet.js"),
              ("finder_map", "/static/js/finder-map.js"))
DEFAULT_CSS = (("leaflet_css", "/assets/leaflet/leaflet.css"),
               ("finder_map_css", "/static/map/finder-map.css"))
# The padding of the first view: room above the places, where their popups open.
FIT_PADDING_TOP_LEFT = (24, 72)
FIT_PADDING_BOTTOM_RIGHT = (24, 24)
# The heights a map may have (CSS lengths): each is a class of the theme stylesheet.
MAP_HEIGHTS = ("40vh", "50vh", "60vh")


@dataclass(frozen=True)
class MapParts:
    head: str
    body: str
    script: str


class FinderMap(folium.Map):
    """folium.Map without the full-page styles, the viewport meta and the header script.

    Its asset lists are its own (class attributes replaced once by configure_assets), so
    Folium's CDN defaults are never rendered by it.
    """
    default_js = list(DEFAULT_JS)
    default_css = list(DEFAULT_CSS)
    _template = Template("""
        {% macro html(this, kwargs) %}<div class="finder-map__map {{ this.height_class }}" id="{{ this.get_name() }}" role="application" aria-label="{{ this.label|e }}"></div>{% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }}, {
            center: {{ this.location|tojson }},
            crs: L.CRS.{{ this.crs }},
            ...{{ this.options|tojavascript }}
        });
        {% endmacro %}
    """)


class _HandToFinderMap(MacroElement):
    """Gives the Leaflet map and its configuration to static/js/finder-map.js."""
    _template = Template("""
        {% macro script(this, kwargs) %}
        window.FinderMap.attach({{ this._parent.get_name() }}, {{ this.config_js }});
        {% endmacro %}
    """)

    def __init__(self, config: dict):
        super().__init__()
        self._name = "HandToFinderMap"
        self.config_js = script_json(config)


class _FitView(MacroElement):
    """map.fitBounds without animation: an animated first fit would, on ending, undo the
    fit finder-map.js makes to the places once they are loaded."""
    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }}, {{ this.options|tojson }});
        {% endmacro %}
    """)

    def __init__(self, bounds, *, max_zoom: int, padding: int = 0,
                 padding_corners: Optional[tuple] = None):
        super().__init__()
        self._name = "FitView"
        self.bounds = [list(bounds[0]), list(bounds[1])]
        self.options = {"maxZoom": max_zoom, "animate": False}
        if padding:
            self.options["padding"] = [padding, padding]
        if padding_corners:
            self.options["paddingTopLeft"] = list(padding_corners[0])
            self.options["paddingBottomRight"] = list(padding_corners[1])


# ----- assets ----------------------------------------------------------------------------

_lock = threading.Lock()             # guards the asset lists
_cache = LRU(max_entries=CACHE_SIZE)
_stats = {"assets": 0}


def configure_assets(js: Sequence[tuple[str, str]], css: Sequence[tuple[str, str]]) -> None:
    """Set the self-hosted script and stylesheet URLs, once, at start-up.

    js: (name, url) of Leaflet, finder-map.js, in load order;
    css: (name, url). Every URL must be on our own server (a path).
    Plain folium.Map is pointed at our Leaflet too and loses its CDN extras.
    """
    js, css = [tuple(p) for p in js], [tuple(p) for p in css]
    for _, url in js + css:
        _require_own(url)
    with _lock:
        FinderMap.default_js = js
        FinderMap.default_css = css
        leaflet_js = dict(js).get("leaflet")
        leaflet_css = dict(css).get("leaflet_css")
        if leaflet_js and leaflet_css:
            folium.Map.default_js = [("leaflet", leaflet_js)]
            folium.Map.default_css = [("leaflet_css", leaflet_css)]
        _cache.clear()
        _stats["assets"] += 1


def _require_own(url: str) -> None:
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"asset URL not on our own server: {url!r}")


def cache_info() -> dict:
    """{"hits", "misses", "size"} of the map cache (for tests and benchmarks)."""
    stats = _cache.stats()
    return {"hits": stats["hits"], "misses": stats["misses"], "size": stats["entries"]}


def cache_clear() -> None:
    _cache.clear()


def _cached(key_parts: list, build: Callable[[str], MapParts]) -> MapParts:
    key = hashlib.sha256(json.dumps(key_parts, sort_keys=True, default=str)
                         .encode()).hexdigest()
    found = _cache.get(key)
    if found is not None:
        return found
    parts = build(key)
    _cache.put(key, parts)
    return parts


# ----- building ------------------------------------------------------------------------------

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
_HEAD_TAG = re.compile(r"<style\b[^>]*>.*?</style>|<link\b[^>]*>", re.S | re.I)
_SRC = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]+)""", re.I)


def height_class(height: str) -> str:
    """The theme stylesheet's class for one of MAP_HEIGHTS: '40vh' → 'fm-h-40vh'."""
    if height not in MAP_HEIGHTS:
        raise ValueError(f"map height not one of {MAP_HEIGHTS}: {height!r}")
    return "fm-h-" + height


def theme_css() -> str:
    """The rules of static/map/finder-map.css that come from our data: each chapter's
    colour (.fm-c0 … .fm-c5 set --fm-colour, from models.CHAPTER_COLOURS) and the map
    heights. The file holds this text verbatim; a test fails when they differ."""
    rules = [f".fm-c{i}{{--fm-colour:{CHAPTER_COLOURS[s]}}}" for i, s in enumerate(CHAPTER_SLUGS)]
    rules += [f".finder-map__map.{height_class(h)}{{height:{h}}}" for h in MAP_HEIGHTS]
    return "\n".join(rules) + "\n"


def _new_map(key: str, tiles: dict, height: str, label: str) -> FinderMap:
    max_zoom = int(tiles.get("max_zoom") or 18)
    # The zoom buttons are added by finder-map.js, with French labels.
    m = FinderMap(location=[50.5, 4.75], zoom_start=8, tiles=None, scroll_wheel_zoom=False,
                  zoom_control=False,
                  # On phones, one finger scrolls the page; two fingers move the map.
                  dragging=JsCode("!L.Browser.mobile"))
    m.options.update(min_zoom=6, max_zoom=max_zoom)
    m._id = key[:12]
    m.label = label
    m.height_class = height_class(height)
    m.tile_config = (tiles["url"], tiles["attribution"], max_zoom)     # added by _render
    return m


@functools.lru_cache(maxsize=8)
def _tile_provider(url: str, attribution: str) -> xyzservices.TileProvider:
    """Our tile server as a provider: given a plain URL, folium.TileLayer searches
    xyzservices' whole catalogue for a name first (~9 ms for every new map)."""
    return xyzservices.TileProvider(name="finder", url=url, attribution=attribution,
                                    html_attribution=attribution)


def _render(m: FinderMap, *, legend: list[tuple[str, str]],
            words: MapWords = FRENCH_WORDS) -> MapParts:
    """Render the Folium figure and split it: links and styles / container / one script.

    The tile layer comes last in the script: the map has its view and has asked for its
    places (finder-map.js) before Leaflet starts making and loading tiles."""
    url, attribution, max_zoom = m.tile_config
    folium.TileLayer(tiles=_tile_provider(url, attribution), max_zoom=max_zoom,
                     max_native_zoom=max_zoom, subdomains="abc").add_to(m)
    figure = m.get_root()
    for n, element in enumerate(_walk(m)):
        if element is not m:
            element._id = f"{m._id}{n}"
    for child in list(figure._children.values()):
        child.render()
    css, js, head, inline = [], [], [], []
    leaflet_url = dict(FinderMap.default_js).get("leaflet")
    for name, element in figure.header._children.items():
        if isinstance(element, JavascriptLink):
            js.append(element.url)
        elif isinstance(element, CssLink):
            css.append(element.url)
        elif name != "meta_http":
            text = element.render()
            for attrs, code in _SCRIPT.findall(text):
                src = _SRC.search(attrs)
                if src:
                    js.append(src.group(1))
                elif code.strip():
                    inline.append(code)
            head.extend(_HEAD_TAG.findall(_SCRIPT.sub("", text)))
    for url in css + js:
        _require_own(url)
    name = m.get_name()
    if head:                     # a Folium element that writes a <style> or a <link>
        raise ValueError(f"the map would need inline styles or links of its own: {head!r}")
    head_html = "\n".join(f'<link rel="stylesheet" href="{escape(u)}">' for u in css)
    body = "\n".join([
        f'<div class="finder-map" id="{name}-wrap" hidden>',
        figure.html.render().strip(),
        f'<p class="finder-map__status" id="{name}-status" role="status"></p>',
        f'<p class="finder-map__fallback" id="{name}-fallback" hidden>'
        f"{escape(words(FALLBACK), quote=False)}</p>",
        _legend_html(name, legend, words(LEGEND)),
        "</div>",
    ] + [f'<script src="{escape(u)}" async{" data-leaflet" if u == leaflet_url else ""}>'
         "</script>" for u in js])
    script = "\n".join([
        "(function () {",
        "  var started = false;",
        "  function start() {",
        "    if (started) { return; }",
        "    started = true;",
        f"    var wrap = document.getElementById({script_json(name + '-wrap')});",
        "    for (var up = wrap; up; up = up.parentElement) {",
        "      if (up === wrap || up.hasAttribute('data-needs-map')) { up.hidden = false; }",
        "    }",
        "    if (!window.L || !window.FinderMap) {",
        f"      var fallback = document.getElementById({script_json(name + '-fallback')});",
        "      if (fallback) { fallback.hidden = false; }",
        f"      ['', '-legend'].forEach(function (s) {{ var e = document.getElementById("
        f"{script_json(name)} + s); if (e) {{ e.hidden = true; }} }});",
        "      return;",
        "    }",
        "    document.querySelectorAll('[data-needs-map]').forEach(function (e) {"
        " e.hidden = false; });",
        *inline,
        figure.script.render(),
        "  }",
        # As soon as finder-map.js (async) has run and Leaflet with it, while the rest of
        # the page is still being read; at the window's load (every async script has run
        # or failed by then) if it never does: the fallback message.
        "  if (window.FinderMap) { start(); } else {",
        "    (window.FinderMapQueue = window.FinderMapQueue || []).push(start);",
        '    window.addEventListener("load", start);',
        "  }",
        "})();",
    ])
    return MapParts(head=head_html, body=body, script=script)


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _legend_html(name: str, items: list[tuple[str, str]], title: str) -> str:
    lines = "".join(f'<li><span class="fm-key {cls}" aria-hidden="true"></span>{escape(text)}</li>'
                    for cls, text in items)
    return (f'<details class="finder-map__legend" id="{name}-legend" open><summary>'
            f"{escape(title, quote=False)}</summary><ul>{lines}</ul></details>")


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


def _tiles_key(tiles: dict) -> list:
    return [str(tiles["url"]), str(tiles["attribution"]), int(tiles.get("max_zoom") or 18)]


def build_map(*, origin: Optional[tuple[float, float]] = None, radius_km: Optional[float] = None,
              commune_outline: Optional[dict] = None, data_url: str, tiles: dict,
              height: str = "50vh", fit_bounds: Optional[tuple] = None,
              words: MapWords = FRENCH_WORDS) -> MapParts:
    """The search map's skeleton; its places come from data_url. Cached on the inputs
    (the language too: `words`)."""
    origin = (round(float(origin[0]), 6), round(float(origin[1]), 6)) if origin else None
    radius = float(radius_km) if radius_km and origin else None
    outline_digest = (hashlib.sha256(json.dumps(commune_outline, sort_keys=True).encode())
                      .hexdigest() if commune_outline else None)
    key = ["search", origin, radius, outline_digest, data_url, _tiles_key(tiles), height,
           fit_bounds, _stats["assets"], words.lang]
    return _cached(key, lambda k: _build_search_map(
        k, origin, radius, commune_outline, data_url, tiles, height, fit_bounds, words))


# What the maps say (French; translated by `words`).
FALLBACK = N_("La carte n’a pas pu s’afficher. Les mêmes informations se trouvent dans la "
              "liste.")
LEGEND = N_("Légende de la carte")
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
                      fit_bounds, words: MapWords = FRENCH_WORDS) -> MapParts:
    m = _new_map(key, tiles, height, words(SEARCH_MAP_LABEL))
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
        (south, west), (north, east) = fit_bounds
        if origin:
            south, west = min(south, origin[0]), min(west, origin[1])
            north, east = max(north, origin[0]), max(east, origin[1])
        _FitView(((south, west), (north, east)), max_zoom=MAX_FIT_ZOOM, padding_corners=(
            FIT_PADDING_TOP_LEFT, FIT_PADDING_BOTTOM_RIGHT)).add_to(m)
    else:
        _FitView(bounds or WALLONIA_BRUSSELS, max_zoom=MAX_FIT_ZOOM).add_to(m)
    _HandToFinderMap({
        "data": data_url, "origin": list(origin) if origin else None,
        "fitZoom": MAX_FIT_ZOOM, "cluster": True, "groupLinks": True,
        "maxTiles": VIEW_TILES_MAX, **_map_config(words),
    }).add_to(m)
    return _render(m, legend=legend, words=words)


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
            "approx": sum(1 for p in places if is_approximate(p))}
    key = ["group", data, _tiles_key(tiles), height, _stats["assets"], words.lang]
    return _cached(key, lambda k: _build_group_map(k, group, data, tiles, height, words))


def _build_group_map(key, group, data, tiles, height,
                     words: MapWords = FRENCH_WORDS) -> MapParts:
    m = _new_map(key, tiles, height, words(GROUP_MAP_LABEL, name=group.name))
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
        _FitView(bounds, max_zoom=zoom, padding=30).add_to(m)
    else:
        _FitView(WALLONIA_BRUSSELS, max_zoom=zoom).add_to(m)
    _HandToFinderMap({
        "places": data, "origin": None, "fitZoom": zoom, "cluster": False,
        "groupLinks": False, **_map_config(words),
    }).add_to(m)
    return _render(m, legend=legend, words=words)
