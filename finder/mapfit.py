"""Where a map opens: the view Leaflet's fitBounds gives in a map box of a given size, and
the map tiles finder-map.js then asks the server for (its `viewTiles`). Pure arithmetic.

The search page uses it to send the places of its first view with the page itself
(finder/web/mapdata.first_views): for the map boxes a phone, a tablet and a desktop give
the page, the zooms the fit can pick, each with the tiles of the largest of those boxes, so
the browser draws its first markers without asking again. A box this does not foresee
(a very wide screen) asks the server as every later view does.

Web Mercator with 256 px tiles (Leaflet's EPSG:3857); Leaflet's zoomSnap of 1.
"""
from __future__ import annotations

import math
from typing import Iterable

from .clusters import VIEW_TILES_MAX

# The map boxes (width, height in CSS px) of the search page's map, from the stylesheet:
# a phone (the map 50vh high, the page's width), a tablet, a laptop and a desktop (the map
# beside the list, the window's height less 9rem, at most 46rem).
BOXES = ((300, 300), (360, 400), (700, 512), (640, 650), (700, 736))
TILE = 256


def pixel(lat: float, lon: float, zoom: float) -> tuple[float, float]:
    """The point's pixel at this zoom, from the world's top-left corner."""
    scale = TILE * 2 ** zoom
    lat = max(-85.0511287798, min(85.0511287798, lat))
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return (lon + 180.0) / 360.0 * scale, (1 - y / math.pi) / 2 * scale


def fit_zoom(bounds, box, *, padding=((0, 0), (0, 0)), min_zoom: int = 0,
             max_zoom: int = 18) -> int:
    """The zoom fitBounds picks: the closest at which the bounds, with the padding, fit."""
    (south, west), (north, east) = bounds
    (left, top), (right, bottom) = padding
    width, height = box[0] - left - right, box[1] - top - bottom
    (x0, y1), (x1, y0) = pixel(south, west, 0), pixel(north, east, 0)
    dx, dy = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    zoom = math.log2(max(min(width / dx, height / dy), 1e-9))
    zoom = math.floor(round(zoom * 100) / 100)        # Leaflet: within 1 % of a level is it
    return max(min_zoom, min(max_zoom, zoom))


def view_tiles(bounds, box, zoom: int, *, padding=((0, 0), (0, 0))) -> tuple[int, int, int, int]:
    """The tiles finder-map.js asks for once fitBounds has centred the bounds in the box at
    this zoom: those in view, one more on every side, aligned on pairs, at most
    VIEW_TILES_MAX a side."""
    (south, west), (north, east) = bounds
    (left, top), (right, bottom) = padding
    (x0, y1), (x1, y0) = pixel(south, west, zoom), pixel(north, east, zoom)
    cx = (x0 + x1) / 2 + (right - left) / 2
    cy = (y0 + y1) / 2 + (bottom - top) / 2
    side = 1 << zoom

    def clamp(v: int) -> int:
        return max(0, min(side - 1, v))
    tx0 = clamp(math.floor((cx - box[0] / 2) / TILE) - 1)
    tx1 = clamp(math.floor((cx + box[0] / 2) / TILE) + 1)
    ty0 = clamp(math.floor((cy - box[1] / 2) / TILE) - 1)
    ty1 = clamp(math.floor((cy + box[1] / 2) / TILE) + 1)
    tx0 -= tx0 % 2
    ty0 -= ty0 % 2
    tx1, ty1 = clamp(tx1 | 1), clamp(ty1 | 1)
    cap = VIEW_TILES_MAX
    if tx1 - tx0 + 1 > cap:
        tx0 = clamp((tx0 + tx1 + 1 - cap) // 2)
        tx1 = tx0 + cap - 1
    if ty1 - ty0 + 1 > cap:
        ty0 = clamp((ty0 + ty1 + 1 - cap) // 2)
        ty1 = ty0 + cap - 1
    return tx0, ty0, tx1, ty1


def first_views(bounds, *, boxes: Iterable[tuple[int, int]] = BOXES,
                padding=((0, 0), (0, 0)), min_zoom: int = 0,
                max_zoom: int = 18) -> list[tuple[int, tuple[int, int, int, int]]]:
    """(zoom, tiles) for each zoom the fit can pick in these boxes; the tiles cover the
    view of the largest box at that zoom (a smaller box's view lies inside it)."""
    boxes = list(boxes)
    zooms = sorted({fit_zoom(bounds, b, padding=padding, min_zoom=min_zoom,
                             max_zoom=max_zoom) for b in boxes})
    widest = (max(b[0] for b in boxes), max(b[1] for b in boxes))
    return [(z, view_tiles(bounds, widest, z, padding=padding)) for z in zooms]
