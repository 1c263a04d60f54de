"""Self-hosted front-end assets: the browser gets every script and stylesheet from us.

Leaflet and Leaflet.markercluster come from their PyPI packages (XStatic-Leaflet,
XStatic-Leaflet-MarkerCluster), served straight from the installed package (our maps
cluster on the server and load Leaflet only; markercluster stays served for the
benchmark's Folium pages and for anyone's own Folium map):

    GET /assets/leaflet/<path>         leaflet.js, leaflet.css, images/marker-icon.png…
    GET /assets/markercluster/<path>   leaflet.markercluster.js, MarkerCluster.css…

Our own map scripts and stylesheet are ordinary static files (static/js/finder-map.js and
finder-map-words.js, static/map/finder-map.css). Every URL handed to the map carries ?v=<content hash>, so
static_cache answers it with a year-long immutable cache.

`init_app` tells finder.mapview these URLs once, at start-up (Folium keeps its asset
lists on the class: never edit them per request).
"""
from __future__ import annotations

from pathlib import Path

import xstatic.pkg.leaflet as xleaflet
import xstatic.pkg.leaflet_markercluster as xcluster
from flask import Blueprint, Flask, send_from_directory, url_for

from .. import mapview
from . import compression
from .static_cache import file_digest, register_static_endpoint

LEAFLET_DIR = Path(xleaflet.BASE_DIR)
MARKERCLUSTER_DIR = Path(xcluster.BASE_DIR)
FINDER_MAP_JS = "js/finder-map.js"
FINDER_MAP_WORDS_JS = "js/finder-map-words.js"
FINDER_MAP_CSS = "map/finder-map.css"

bp = Blueprint("assets", __name__)


@bp.get("/assets/leaflet/<path:filename>")
def leaflet(filename: str):
    return send_from_directory(LEAFLET_DIR, filename)


@bp.get("/assets/markercluster/<path:filename>")
def markercluster(filename: str):
    return send_from_directory(MARKERCLUSTER_DIR, filename)


def _url(endpoint: str, directory: Path, filename: str) -> str:
    digest = file_digest(str(directory / filename))
    return url_for(endpoint, filename=filename, **({"v": digest} if digest else {}))


def asset_urls(app: Flask) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(js, css) as (name, URL) lists for mapview.configure_assets."""
    static = Path(app.static_folder or "")
    # On the public host: with FINDER_PUBLIC_BASE_URL set, "localhost" is not a trusted one.
    with app.test_request_context(base_url=app.extensions["finder_security"]["base_url"]):
        js = [("leaflet", _url("assets.leaflet", LEAFLET_DIR, "leaflet.js")),
              ("finder_map_words", _url("static", static, FINDER_MAP_WORDS_JS)),
              ("finder_map", _url("static", static, FINDER_MAP_JS))]
        css = [("leaflet_css", _url("assets.leaflet", LEAFLET_DIR, "leaflet.css")),
               ("finder_map_css", _url("static", static, FINDER_MAP_CSS))]
    return js, css


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_static_endpoint(app, "assets.leaflet", LEAFLET_DIR)
    register_static_endpoint(app, "assets.markercluster", MARKERCLUSTER_DIR)
    js, css = asset_urls(app)
    mapview.configure_assets(js, css)
    static = Path(app.static_folder or "")
    compression.warm([LEAFLET_DIR / "leaflet.js", LEAFLET_DIR / "leaflet.css",
                      static / FINDER_MAP_JS, static / FINDER_MAP_WORDS_JS,
                      static / FINDER_MAP_CSS])
