"""Search: a Query in, ranked Results out. Reads through the store, never writes.

Distances are geodesic (WGS84). Exact geodesics cost microseconds each, so:
1. an in-memory index of the store's points (placeindex) cuts a bounding box and
   computes an approximate distance (geodesy.LocalMetric, relative error < 1e-4);
2. places within a thin band around the radius are decided with the exact distance;
3. the page handed out is ranked by exact distance: every place whose approximate
   distance could put it on the page is measured exactly before the page is cut.
So membership, order and the distances shown are those of the geodesic, measured to
the point the public may see (a hidden place's commune point, never its own).
"""
from __future__ import annotations

import bisect
from typing import Optional

import numpy as np

from .geodesy import APPROX_REL_ERROR, LocalMetric, bounding_box, geodesic_km
from .models import Query, Result, SearchOutcome
from .placeindex import index_for
from .store import Store

NEAREST_WHEN_EMPTY = 3
_ANYWHERE_KM = 2000.0  # "no radius": farther than anything in the service area

__all__ = ["search", "geodesic_km", "bounding_box", "NEAREST_WHEN_EMPTY"]


def search(store: Store, query: Query) -> SearchOutcome:
    everywhere = store.groups_without_places(chapter=query.chapter, theme=query.theme)
    filters = dict(chapter=query.chapter, theme=query.theme, commune_nis=query.commune_nis)

    if not query.has_origin:
        rows = store.places_by_name(**filters)
        chosen = rows[query.offset:_end(query)]
        page = _hydrate(store, [(pid, gid, None) for pid, gid in chosen])
        return SearchOutcome(query, page, [], everywhere, total=len(rows),
                             place_ids=[r[0] for r in rows])

    lat0, lon0 = query.lat, query.lon
    metric = LocalMetric(lat0, lon0)
    radius = query.radius_km if query.radius_km is not None else _ANYWHERE_KM
    ranked = _within(store, filters, metric, radius)
    nearest: list[Result] = []
    if not ranked and query.radius_km is not None:
        nearest = _nearest_outside(store, filters, metric, radius)
    page = _exact_page(store, ranked, metric, query.offset, _end(query))
    return SearchOutcome(query, page, nearest, everywhere, total=len(ranked),
                         place_ids=[pid for pid, _, _ in ranked])


def _end(query: Query) -> Optional[int]:
    return None if query.limit is None else query.offset + query.limit


def _within(store: Store, filters: dict, metric: LocalMetric,
            radius: float) -> list[tuple[int, int, float]]:
    """(place_id, group_id, approx km) of places within the geodesic radius, approx order."""
    outer = radius * (1 + APPROX_REL_ERROR) + 1e-6
    theme = filters.get("theme")
    rows = index_for(store).near(
        metric, outer, bounding_box(metric.lat0, metric.lon0, outer),
        chapter=filters.get("chapter"), commune_nis=filters.get("commune_nis"),
        group_ids=(np.array(store.group_ids_with_theme(theme), dtype=np.int64)
                   if theme else None))
    inner = radius * (1 - APPROX_REL_ERROR)
    if rows and rows[-1][2] > inner:
        places = None
        kept = []
        for pid, gid, d in rows:
            if d > inner:
                if places is None:   # only the thin band at the edge needs coordinates
                    edge = [r[0] for r in rows if r[2] > inner]
                    places = store.places_by_id(edge)
                p = places[pid]
                if geodesic_km(metric.lat0, metric.lon0, p.public_lat, p.public_lon) > radius:
                    continue
            kept.append((pid, gid, d))
        return kept
    return rows


def _exact_page(store: Store, ranked: list[tuple[int, int, float]], metric: LocalMetric,
                start: int, end: Optional[int]) -> list[Result]:
    """Results start..end in exact geodesic order, with exact distances."""
    end = len(ranked) if end is None else min(end, len(ranked))
    if start >= end:
        return []
    approx = [d for _, _, d in ranked]
    margin = lambda d: d * APPROX_REL_ERROR * 2 + 1e-6  # noqa: E731
    lo = bisect.bisect_left(approx, approx[start] - margin(approx[start]))
    hi = bisect.bisect_right(approx, approx[end - 1] + margin(approx[end - 1]))
    band = ranked[lo:hi]
    results = _hydrate(store, band)
    for r in results:
        r.distance_km = geodesic_km(metric.lat0, metric.lon0, r.place.public_lat,
                                    r.place.public_lon)
    results.sort(key=lambda r: (r.distance_km, r.place.id))
    return results[start - lo:end - lo]


def _nearest_outside(store: Store, filters: dict, metric: LocalMetric,
                     radius: float) -> list[Result]:
    """Nothing within the radius: the nearest few anyway, widening step by step."""
    span = max(radius, 5.0) * 2
    while True:
        ranked = _within(store, filters, metric, span)
        if len(ranked) >= NEAREST_WHEN_EMPTY or span >= _ANYWHERE_KM:
            break
        span = min(span * 3, _ANYWHERE_KM)
    return _exact_page(store, ranked, metric, 0, NEAREST_WHEN_EMPTY)


def _hydrate(store: Store, chosen: list[tuple[int, int, Optional[float]]]) -> list[Result]:
    places = store.places_by_id(pid for pid, _, _ in chosen)
    groups = store.groups_by_id((gid for _, gid, _ in chosen), with_places=False)
    return [Result(group=groups[gid], place=places[pid]) for pid, gid, _ in chosen]
