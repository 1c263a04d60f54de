"""Search: a Query in, ranked Results out. Reads through the store, never writes.

Distances are geodesic (WGS84, geographiclib, the engine behind geopy's `geodesic`).
Exact geodesics cost ~40 µs each, so the ranking uses a fast ellipsoidal approximation
(good to a few metres at these distances) after a bounding-box prefilter in SQL, and the
exact distance is computed for every result handed out and for every place near the
edge of the radius, where the approximation could decide membership wrongly.
"""
from __future__ import annotations

import math
from typing import Optional

from geographiclib.geodesic import Geodesic

from .models import Query, Result, SearchOutcome
from .store import Store

_WGS84 = Geodesic.WGS84
_A = 6378.137                    # km, WGS84 semi-major axis
_E2 = 0.00669437999014           # first eccentricity squared
_EDGE = 0.004                    # relative band around the radius checked exactly
NEAREST_WHEN_EMPTY = 3


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return _WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE)["s12"] / 1000.0


def _fast_km_factory(lat0: float, lon0: float):
    """Distance from (lat0, lon0), using the ellipsoid's radii of curvature there."""
    phi = math.radians(lat0)
    w = 1.0 - _E2 * math.sin(phi) ** 2
    meridional = _A * (1.0 - _E2) / w ** 1.5 * math.pi / 180.0      # km per degree lat
    normal = _A / math.sqrt(w) * math.pi / 180.0                     # km per degree lon at eq.

    def fast_km(lat: float, lon: float) -> float:
        dy = (lat - lat0) * meridional
        dx = (lon - lon0) * normal * math.cos(math.radians((lat + lat0) / 2.0))
        return math.hypot(dx, dy)

    return fast_km


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, min_lon, max_lat, max_lon) that surely contains the radius."""
    dlat = radius_km / 110.5 * 1.02 + 1e-6
    edge_lat = min(89.0, abs(lat) + dlat)
    dlon = radius_km / (111.0 * math.cos(math.radians(edge_lat))) * 1.02 + 1e-6
    return (lat - dlat, lon - dlon, lat + dlat, lon + dlon)


def search(store: Store, query: Query) -> SearchOutcome:
    everywhere = store.groups_without_places(chapter=query.chapter, theme=query.theme)
    filters = dict(chapter=query.chapter, theme=query.theme, commune_nis=query.commune_nis)

    if not query.has_origin:
        rows = store.place_candidates(by_name=True, **filters)
        ids = [r[0] for r in rows]
        ranked = [(None, pid, gid) for pid, gid, _, _ in rows]
        page = _hydrate(store, ranked, query, origin=None)
        return SearchOutcome(query, page, [], everywhere, total=len(ids), place_ids=ids)

    lat0, lon0 = query.lat, query.lon
    fast_km = _fast_km_factory(lat0, lon0)
    radius = query.radius_km
    if radius is None:
        rows = store.place_candidates(**filters)
        ranked = sorted((fast_km(la, lo), pid, gid) for pid, gid, la, lo in rows)
    else:
        ranked = _within(store, filters, lat0, lon0, radius, fast_km)

    nearest: list[Result] = []
    if not ranked and radius is not None:
        nearest = _nearest_outside(store, filters, lat0, lon0, radius, fast_km)
    page = _hydrate(store, ranked, query, origin=(lat0, lon0))
    return SearchOutcome(query, page, nearest, everywhere, total=len(ranked),
                         place_ids=[pid for _, pid, _ in ranked])


def _within(store, filters, lat0, lon0, radius, fast_km) -> list[tuple[float, int, int]]:
    rows = store.place_candidates(bbox=bounding_box(lat0, lon0, radius), **filters)
    inner, outer = radius * (1 - _EDGE), radius * (1 + _EDGE)
    kept = []
    for pid, gid, la, lo in rows:
        d = fast_km(la, lo)
        if d <= inner or (d <= outer and geodesic_km(lat0, lon0, la, lo) <= radius):
            kept.append((d, pid, gid))
    kept.sort()
    return kept


def _nearest_outside(store, filters, lat0, lon0, radius, fast_km) -> list[Result]:
    """Nothing within the radius: the nearest few anyway, widening the box step by step."""
    span = max(radius, 5.0) * 2
    while True:
        rows = store.place_candidates(bbox=bounding_box(lat0, lon0, span), **filters)
        ranked = sorted((fast_km(la, lo), pid, gid) for pid, gid, la, lo in rows)
        # Only trust the box once it holds enough places closer than its own half-width.
        if len([r for r in ranked if r[0] <= span]) >= NEAREST_WHEN_EMPTY or span > 400:
            break
        span *= 2
    q = Query(limit=NEAREST_WHEN_EMPTY)
    return _hydrate(store, ranked, q, origin=(lat0, lon0))


def _hydrate(store: Store, ranked: list, query: Query,
             origin: Optional[tuple[float, float]]) -> list[Result]:
    end = None if query.limit is None else query.offset + query.limit
    chosen = ranked[query.offset:end]
    places = store.places_by_id(pid for _, pid, _ in chosen)
    groups = store.groups_by_id((gid for _, _, gid in chosen), with_places=False)
    results = []
    for _, pid, gid in chosen:
        place = places[pid]
        distance = (geodesic_km(origin[0], origin[1], place.lat, place.lon)
                    if origin else None)
        results.append(Result(group=groups[gid], place=place, distance_km=distance))
    if origin:
        results.sort(key=lambda r: r.distance_km)
    return results
