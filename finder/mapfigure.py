"""A Folium figure made into the parts a page embeds (MapParts): the map class and its
macros, the self-hosted asset lists, the cache of built maps, and the rendering that splits
a figure into links, a container and one script. finder.mapview builds the finder's maps
with these; nothing here knows what a search or a group is. Never queries anything.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
import threading
from dataclasses import dataclass
from html import escape
from typing import Callable, Optional, Sequence

import folium
import xyzservices
from branca.element import CssLink, JavascriptLink, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from .lru import LRU
from .mapcontent import FRENCH_WORDS, MapWords, script_json
from .models import CHAPTER_COLOURS, CHAPTER_SLUGS
from .translatable import N_

CACHE_SIZE = 256
MIN_ZOOM = 6                    # the whole of Belgium and around: never further out
DEFAULT_JS = (("leaflet", "/assets/leaflet/leaflet.js"),
              ("finder_map_words", "/static/js/finder-map-words.js"),
              ("finder_map", "/static/js/finder-map.js"))
# The attribute each script tag carries, by name: finder-map.js waits for these two.
SCRIPT_MARKS = {"leaflet": " data-leaflet", "finder_map_words": " data-map-words"}
DEFAULT_CSS = (("leaflet_css", "/assets/leaflet/leaflet.css"),
               ("finder_map_css", "/static/map/finder-map.css"))
# The heights a map may have (CSS lengths): each is a class of the theme stylesheet.
MAP_HEIGHTS = ("40vh", "50vh", "60vh")
FALLBACK = N_("La carte n’a pas pu s’afficher. Les mêmes informations se trouvent dans la "
              "liste.")
LEGEND = N_("Légende de la carte")


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


class HandToFinderMap(MacroElement):
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


class FitView(MacroElement):
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


def cached(key_parts: list, build: Callable[[str], MapParts]) -> MapParts:
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


def new_map(key: str, tiles: dict, height: str, label: str) -> FinderMap:
    max_zoom = int(tiles.get("max_zoom") or 18)
    # The zoom buttons are added by finder-map.js, with French labels.
    m = FinderMap(location=[50.5, 4.75], zoom_start=8, tiles=None, scroll_wheel_zoom=False,
                  zoom_control=False,
                  # On phones, one finger scrolls the page; two fingers move the map.
                  dragging=JsCode("!L.Browser.mobile"))
    m.options.update(min_zoom=MIN_ZOOM, max_zoom=max_zoom)
    m._id = key[:12]
    m.label = label
    m.height_class = height_class(height)
    m.tile_config = (tiles["url"], tiles["attribution"], max_zoom)     # added by render
    return m


@functools.lru_cache(maxsize=8)
def _tile_provider(url: str, attribution: str) -> xyzservices.TileProvider:
    """Our tile server as a provider: given a plain URL, folium.TileLayer searches
    xyzservices' whole catalogue for a name first (~9 ms for every new map)."""
    return xyzservices.TileProvider(name="finder", url=url, attribution=attribution,
                                    html_attribution=attribution)


def render(m: FinderMap, *, legend: list[tuple[str, str]],
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
    marks = {url: SCRIPT_MARKS.get(name, "") for name, url in FinderMap.default_js}
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
    ] + [f'<script src="{escape(u)}" async{marks.get(u, "")}></script>' for u in js])
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


def tiles_key(tiles: dict) -> list:
    return [str(tiles["url"]), str(tiles["attribution"]), int(tiles.get("max_zoom") or 18)]


def assets_generation() -> int:
    """How many times the asset URLs were set: part of every cache key (new URLs, new maps)."""
    return _stats["assets"]
