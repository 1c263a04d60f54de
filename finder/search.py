"""Search: a Query in, ranked Results out. Reads through the store, never writes.

Two steps, so that one person's search runs once (finder/inventory.py caches the first):
1. `rank(store, index, query)`: every matching place in order, for the query without its
   page (Query.unpaged()): the page, its other pages and its map share one Ranking;
2. `page(rows, ranking, offset, limit)`: the Results of one page, hydrated from the
   inventory's Catalog (every place and group, built once per version) or the store.
`search(store, query)` does both (the command line; tests).

Distances are geodesic (WGS84). Exact geodesics cost microseconds each, so:
1. the in-memory index of the places' points (placeindex) cuts a bounding box and
   computes an approximate distance (geodesy.LocalMetric, relative error < 1e-4);
2. places within a thin band around the radius are decided with the exact distance;
3. the page handed out is ranked by exact distance: every place whose approximate
   distance could put it on the page is measured exactly before the page is cut.
So membership, order and the distances shown are those of the geodesic, measured to
the point the public may see (a hidden place's commune point, never its own).

With words typed (Query.text, see textindex), only matching groups are kept and they are
ranked by relevance first: without an origin by relevance, then as before; with an
origin by `rank_km` = distance + RELEVANCE_KM × (1 − relevance), so the best match of
the query counts at its distance and a weaker one as at most RELEVANCE_KM farther: a
weak match 5 km away comes before a strong one 65 km away, a strong match 10 km away
before a weak one 5 km away. (rank_km uses the approximate distance, within 10 m at
100 km; the distances shown are exact.) The for-whom / offers / free filters come from
the same TextIndex (TextIndex.allowed).

The schedule filters (Query.days / moment / week_of) keep the places whose structured
schedule meets as asked (schedule/filters.py) and count those left out only because
their schedule is not known (Ranking.unknown_schedule): the page and the API say so.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping, Optional, Union

import numpy as np

from .catalog import Catalog
from .geodesy import APPROX_REL_ERROR, LocalMetric, bounding_box, geodesic_km
from .models import CHAPTER_SLUGS, Group, Query, Result, SearchOutcome, TextMatch
from .placeindex import PlaceIndex
from .schedule import Schedule
from .schedule.filters import meets
from .store import Store
from .textindex import TextIndex

NEAREST_WHEN_EMPTY = 3
RELEVANCE_KM = 25.0    # a weaker text match counts as at most this much farther
_ANYWHERE_KM = 2000.0  # "no radius": farther than anything in the service area

# Where a page's places and groups are read from: the Catalog (Inventory.catalog) or the store.
Rows = Union[Store, Catalog]

__all__ = ["search", "rank", "page", "Ranking", "geodesic_km", "bounding_box",
           "NEAREST_WHEN_EMPTY", "RELEVANCE_KM"]


@dataclass(frozen=True)
class Ranking:
    """Every place matching a query (without page or limit), in the order shown.

    Shared between requests: treat as read-only (page() hands out fresh lists)."""
    query: Query                          # Query.unpaged()
    place_id: np.ndarray                  # int64, in order
    group_id: np.ndarray                  # int64
    approx_km: Optional[np.ndarray]       # approximate distances (ascending); None: no origin
    nearest: tuple[Result, ...] = ()      # nothing within the radius: the nearest few
    everywhere: tuple[Group, ...] = ()    # services with no place, for these filters
    text: Optional[TextMatch] = None      # what the words typed were understood as
    relevance: Optional[np.ndarray] = None   # float, per place, when words were typed
    suggested: tuple[Result, ...] = ()    # words matching nothing: the chapter's nearest
    unknown_schedule: int = 0             # left out by a schedule filter: schedule not known
    meeting_places: int = 0               # how many of the places are meeting places

    def __len__(self) -> int:
        return len(self.place_id)

    @property
    def place_ids(self) -> list[int]:
        return self.place_id.tolist()


def search(store: Store, query: Query, index: Optional[PlaceIndex] = None,
           text_index: Optional[TextIndex] = None) -> SearchOutcome:
    """rank + page in one call; builds the indexes when none is given (one-off searches)."""
    if index is None:
        index = PlaceIndex.build(store)
    return page(store, rank(store, index, query, text_index), query.offset, query.limit)


def place_schedules(rows: Rows, index: PlaceIndex) -> dict[int, Optional[Schedule]]:
    """Every place's structured schedule (the schedule filters read it; Inventory keeps it
    once per version)."""
    return {pid: p.schedule_parsed
            for pid, p in rows.places_by_id(index.place_id.tolist()).items()}


class _When:
    """The schedule filters of a query: which places they keep, and how many they leave
    out only because the schedule is not known (schedule/filters.py)."""

    def __init__(self, query: Query, schedules: Mapping[int, Optional[Schedule]]):
        self.days, self.moment, self.week_of = frozenset(query.days), query.moment, query.week_of
        self.schedules = schedules

    def keep(self, pid: np.ndarray) -> tuple[np.ndarray, int]:
        answers = [meets(self.schedules.get(p), self.days, self.moment, self.week_of)
                   for p in pid.tolist()]
        keep = np.fromiter((a is True for a in answers), dtype=bool, count=len(answers))
        return keep, sum(a is None for a in answers)


def rank(store: Store, index: PlaceIndex, query: Query,
         text_index: Optional[TextIndex] = None,
         everywhere: Optional[tuple[Group, ...]] = None,
         schedules: Optional[Mapping[int, Optional[Schedule]]] = None,
         catalog: Optional[Catalog] = None) -> Ranking:
    """everywhere: the services without a place for query's chapter and theme, when the
    caller already has them (Inventory.everywhere); read from the store otherwise.
    schedules: place_schedules(), when the caller keeps it (schedule filters).
    catalog: where the few results a ranking holds (nearest, suggested) are read from."""
    query = query.unpaged()
    source: Rows = catalog if catalog is not None else store
    when = None
    if query.has_schedule_filter:
        when = _When(query, schedules if schedules is not None
                     else place_schedules(store, index))
    if query.needs_text_index and text_index is None:
        text_index = TextIndex.build(store)
    text, allowed = _text_and_filters(store, text_index, query)
    relevance = text.relevance if text is not None and text.words else None
    everywhere = list(everywhere if everywhere is not None else store.groups_without_places(
        chapter=query.chapter, theme=query.theme))
    if allowed is not None:
        everywhere = [g for g in everywhere if g.id in allowed]
    if relevance:
        everywhere.sort(key=lambda g: -relevance[g.id])
    suggested: tuple[Result, ...] = ()
    if text is not None and text.words and not text.matched:
        if text.chapter:
            suggested, everywhere = _chapter_instead(store, source, index, query,
                                                     text.chapter)
        else:
            everywhere = store.groups_without_places(chapter=query.chapter)
    everywhere = tuple(everywhere)
    filters = dict(chapter=query.chapter, theme=query.theme, commune_nis=query.commune_nis,
                   allowed=allowed,
                   theme_ids=store.group_ids_with_theme(query.theme) if query.theme else ())
    filters["group_mask"] = _group_mask(index, filters)
    extra = dict(text=text, suggested=suggested)

    by_group = _by_group(index, relevance) if relevance else None
    if not query.has_origin and relevance:
        pos = _by_relevance(index, text_index, filters, by_group)
        (pos,), unknown = _when_keep(when, index.place_id[pos], pos)
        gid = index.group_id[pos]
        return Ranking(query, index.place_id[pos], gid, None, (), everywhere, **extra,
                       relevance=by_group[gid], unknown_schedule=unknown,
                       meeting_places=int(index.meeting[pos].sum()))
    if not query.has_origin:
        rows = store.places_by_name(chapter=query.chapter, theme=query.theme,
                                    commune_nis=query.commune_nis)
        if allowed is not None:
            rows = [r for r in rows if r[1] in allowed]
        pid = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        gid = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
        meeting = np.fromiter((r[2] for r in rows), dtype=bool, count=len(rows))
        (pid, gid, meeting), unknown = _when_keep(when, pid, pid, gid, meeting)
        return Ranking(query, pid, gid, None, (), everywhere, **extra,
                       unknown_schedule=unknown, meeting_places=int(meeting.sum()))

    metric = LocalMetric(query.lat, query.lon)
    radius = query.radius_km if query.radius_km is not None else _ANYWHERE_KM
    pos, dist = _within(index, filters, metric, radius)
    (pos, dist), unknown = _when_keep(when, index.place_id[pos], pos, dist)
    nearest: tuple[Result, ...] = ()
    if not len(pos) and query.radius_km is not None:
        nearest = tuple(_nearest_outside(store, source, index, filters, metric, radius,
                                         when))
    pid, gid = index.place_id[pos], index.group_id[pos]
    rel = by_group[gid] if by_group is not None else None
    if rel is not None:
        order = np.lexsort((dist, dist + RELEVANCE_KM * (1 - rel)))
        pid, gid, dist, rel = pid[order], gid[order], dist[order], rel[order]
    return Ranking(query, pid, gid, dist, nearest, everywhere, **extra, relevance=rel,
                   unknown_schedule=unknown, meeting_places=int(index.meeting[pos].sum()))


def _when_keep(when: Optional[_When], pid: np.ndarray, *arrays) -> tuple[tuple, int]:
    """arrays (aligned with the place ids pid) cut to the places the schedule filters
    keep, and how many were left out because their schedule is not known."""
    if when is None:
        return arrays, 0
    keep, unknown = when.keep(pid)
    return tuple(a[keep] if a is not None else None for a in arrays), unknown


def _by_relevance(index: PlaceIndex, text_index: TextIndex, filters: dict,
                  by_group: np.ndarray) -> np.ndarray:
    """Words typed, no origin: the index positions of the matching places, by relevance,
    then group name, then place (no SQL over every place)."""
    groups = filters["group_mask"]
    mask = groups[index.group_id] if groups is not None else np.ones(len(index), dtype=bool)
    if filters.get("chapter"):
        mask &= index.chapter == CHAPTER_SLUGS.index(filters["chapter"])
    if filters.get("commune_nis"):
        mask &= index.commune == int(filters["commune_nis"])
    pos = np.nonzero(mask)[0]
    pid, gid = index.place_id[pos], index.group_id[pos]
    order = np.lexsort((pid, text_index.name_rank(gid), -by_group[gid]))
    return pos[order]


def _group_ids_size(index: PlaceIndex) -> int:
    return int(index.group_id.max()) + 1 if len(index) else 1


def _by_group(index: PlaceIndex, relevance: dict) -> np.ndarray:
    """relevance (group id → relevance) as an array indexed by the group ids of the
    index's places (0 for the others), read with one vectorised lookup per search."""
    size = _group_ids_size(index)
    out = np.zeros(size)
    ids = np.fromiter(relevance.keys(), dtype=np.int64, count=len(relevance))
    values = np.fromiter(relevance.values(), dtype=np.float64, count=len(relevance))
    inside = ids < size
    out[ids[inside]] = values[inside]
    return out


def _group_mask(index: PlaceIndex, filters: dict) -> Optional[np.ndarray]:
    """The groups the filters allow (the theme, the text index's) as a boolean array
    indexed by group id; None when no such filter is set."""
    theme, allowed = filters.get("theme"), filters.get("allowed")
    if not theme and allowed is None:
        return None
    size = _group_ids_size(index)
    chosen = []
    if allowed is not None:
        chosen.append(np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
    if theme:
        chosen.append(np.asarray(filters["theme_ids"], dtype=np.int64))
    mask = None
    for ids in chosen:
        one = np.zeros(size, dtype=bool)
        one[ids[ids < size]] = True
        mask = one if mask is None else mask & one
    return mask


def _text_and_filters(store: Store, text_index: Optional[TextIndex],
                      query: Query) -> tuple[Optional[TextMatch], Optional[set[int]]]:
    """What the words matched, and the groups every text-index filter allows (None: all)."""
    if text_index is None or not query.needs_text_index:
        return None, None
    allowed = text_index.allowed(query.audience, query.service, query.free)
    text = text_index.match(store, query.text) if query.text else None
    if text is not None and text.words:
        matched = set(text.relevance)
        allowed = matched if allowed is None else allowed & matched
    return text, allowed


def _chapter_instead(store: Store, rows: Rows, index: PlaceIndex, query: Query,
                     chapter: str) -> tuple[tuple[Result, ...], list[Group]]:
    """Nothing matches the words: the nearest groups (and the services reachable from
    everywhere) of the chapter the words point to, as the page offers them."""
    instead = Query(lat=query.lat, lon=query.lon, chapter=chapter,
                    commune_nis=query.commune_nis)
    found = page(rows, rank(store, index, instead, catalog=_catalog(rows)), 0,
                 NEAREST_WHEN_EMPTY)
    return tuple(found.results), found.everywhere


def _catalog(rows: Rows) -> Optional[Catalog]:
    return rows if isinstance(rows, Catalog) else None


def page(store: Rows, ranking: Ranking, offset: int = 0,
         limit: Optional[int] = None) -> SearchOutcome:
    """One page of a ranking: Results offset..offset+limit (all when limit is None),
    read from `store` (a Catalog or a Store): only the page is hydrated."""
    end = None if limit is None else offset + limit
    if ranking.relevance is not None:
        results = _relevance_page(store, ranking, offset, end)
    elif ranking.approx_km is None:
        chosen = list(zip(ranking.place_id[offset:end].tolist(),
                          ranking.group_id[offset:end].tolist()))
        results = _hydrate(store, chosen)
    else:
        results = _exact_page(store, ranking, LocalMetric(ranking.query.lat,
                                                           ranking.query.lon), offset, end)
    return SearchOutcome(replace(ranking.query, offset=offset, limit=limit), results,
                         list(ranking.nearest), list(ranking.everywhere), total=len(ranking),
                         place_ids=ranking.place_ids, text=ranking.text,
                         suggested=list(ranking.suggested),
                         unknown_schedule_left_out=ranking.unknown_schedule,
                         meeting_places=ranking.meeting_places)


def _relevance_page(store: Rows, ranking: Ranking, start: int,
                    end: Optional[int]) -> list[Result]:
    """Results start..end of a search with words, in their order (relevance, rank_km),
    with exact distances when there is an origin."""
    results = _hydrate(store, list(zip(ranking.place_id[start:end].tolist(),
                                       ranking.group_id[start:end].tolist())))
    q = ranking.query
    for r, rel in zip(results, ranking.relevance[start:end].tolist()):
        r.relevance = rel
        if q.has_origin:
            r.distance_km = geodesic_km(q.lat, q.lon, r.place.public_lat, r.place.public_lon)
            r.rank_km = round(r.distance_km + RELEVANCE_KM * (1 - rel), 2)
    return results


def _within(index: PlaceIndex, filters: dict, metric: LocalMetric,
            radius: float) -> tuple[np.ndarray, np.ndarray]:
    """(index positions, approx km) of places within the geodesic radius, approx order."""
    outer = radius * (1 + APPROX_REL_ERROR) + 1e-6
    pos, dist = index.near(
        metric, outer, bounding_box(metric.lat0, metric.lon0, outer),
        chapter=filters.get("chapter"), commune_nis=filters.get("commune_nis"),
        group_mask=filters["group_mask"])
    edge = dist > radius * (1 - APPROX_REL_ERROR)
    if edge.any():        # only the thin band at the edge needs the exact distance
        keep = ~edge
        for i in np.nonzero(edge)[0].tolist():
            p = pos[i]
            keep[i] = geodesic_km(metric.lat0, metric.lon0, float(index.lat[p]),
                                  float(index.lon[p])) <= radius
        pos, dist = pos[keep], dist[keep]
    return pos, dist


def _exact_page(store: Rows, ranking: Ranking, metric: LocalMetric,
                start: int, end: Optional[int]) -> list[Result]:
    """Results start..end in exact geodesic order, with exact distances."""
    end = len(ranking) if end is None else min(end, len(ranking))
    if start >= end:
        return []
    approx = ranking.approx_km
    margin = lambda d: d * APPROX_REL_ERROR * 2 + 1e-6  # noqa: E731
    lo = int(np.searchsorted(approx, approx[start] - margin(approx[start]), side="left"))
    hi = int(np.searchsorted(approx, approx[end - 1] + margin(approx[end - 1]),
                             side="right"))
    results = _hydrate(store, list(zip(ranking.place_id[lo:hi].tolist(),
                                       ranking.group_id[lo:hi].tolist())))
    for r in results:
        r.distance_km = geodesic_km(metric.lat0, metric.lon0, r.place.public_lat,
                                    r.place.public_lon)
    results.sort(key=lambda r: (r.distance_km, r.place.id))
    return results[start - lo:end - lo]


def _nearest_outside(store: Store, rows: Rows, index: PlaceIndex, filters: dict,
                     metric: LocalMetric, radius: float,
                     when: Optional[_When] = None) -> list[Result]:
    """Nothing within the radius: the nearest few anyway, widening step by step."""
    span = max(radius, 5.0) * 2
    while True:
        pos, dist = _within(index, filters, metric, span)
        (pos, dist), _ = _when_keep(when, index.place_id[pos], pos, dist)
        if len(pos) >= NEAREST_WHEN_EMPTY or span >= _ANYWHERE_KM:
            break
        span = min(span * 3, _ANYWHERE_KM)
    wide = Ranking(Query(), index.place_id[pos], index.group_id[pos], dist)
    return _exact_page(rows, wide, metric, 0, NEAREST_WHEN_EMPTY)


def _hydrate(store: Rows, chosen: list[tuple[int, int]]) -> list[Result]:
    places = store.places_by_id(pid for pid, _ in chosen)
    groups = store.groups_by_id((gid for _, gid in chosen), with_places=False)
    return [Result(group=groups[gid], place=places[pid]) for pid, gid in chosen]
