"""Clusters of map points for one view, computed on the server. Pure NumPy, no I/O.

The map asks for what its view shows: the clusters and single markers inside a box at
one zoom. `ClusterIndex` is built once per inventory version (Inventory.clusters) from
every place's public point; a search's places are a subset of it (`subset`), and
`ClusterIndex.view(subset, zoom, box)` answers one view in a few milliseconds, even with
100,000 places.

How it clusters (the shape of Mapbox's supercluster, done with arrays):
- Points are projected once to Web Mercator in [0, 1) and sorted along a Z-order
  (Morton) curve of a grid of 2**(zoom + 2) cells per side at the finest zoom. A cell
  at zoom z is then 64 px wide on screen, and the points of every cell at every zoom
  are one contiguous run of the sorted arrays: the hierarchy (a cell at zoom z is the
  union of four cells at z + 1) is implicit in the order, nothing else is stored.
- A view takes the subset's points inside the box (still in Z-order), cuts the runs
  where the cell key at zoom z changes, and sums each run (np.add.reduceat): count,
  centroid, bounds, and whether all its places share one position.
- Then, like supercluster's radius pass, groups whose centres are closer than
  `MERGE_PX` on screen are merged greedily, biggest first, so that two groups on each
  side of a cell border are not drawn on top of each other.
- A group whose places all stand at one position is a marker (its place ids), never a
  cluster: several groups meeting at one address stay one marker, as in the list.
  At `LEAF_ZOOM` and above every position is a marker.
A cluster carries the bounds of its places: the map zooms to them when it is opened.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Sequence

import numpy as np

CELL_PX = 64                 # a cell's width on screen at every zoom (256 px tiles / 4)
_CELLS_SHIFT = 2             # log2(256 / CELL_PX)
MAX_ZOOM = 20                # finest zoom of the grid (Leaflet's usual maximum is 18-19)
LEAF_ZOOM = 16               # from this zoom on, no cluster: every position is a marker
MERGE_PX = 40                # groups closer than this on screen become one cluster
VIEW_TILES_MAX = 16          # a view's side in map tiles (4,096 px): a big screen, margins
_FINE = MAX_ZOOM + _CELLS_SHIFT          # cells per side at the finest level: 2**_FINE
MIXED = -1                   # chapter of a marker whose groups have several chapters


def project(lat, lon):
    """Web Mercator x, y in [0, 1) (y grows southwards), like Leaflet's EPSG:3857."""
    lat = np.clip(np.asarray(lat, dtype=np.float64), -85.05112878, 85.05112878)
    x = (np.asarray(lon, dtype=np.float64) + 180.0) / 360.0
    s = np.sin(np.radians(lat))
    y = 0.5 - np.log((1 + s) / (1 - s)) / (4 * math.pi)
    return np.clip(x, 0, np.nextafter(1, 0)), np.clip(y, 0, np.nextafter(1, 0))


def _spread(v: np.ndarray) -> np.ndarray:
    """Bits of 32-bit integers spread to the even bits of 64-bit ones (Morton order)."""
    v = v.astype(np.uint64) & np.uint64(0xFFFFFFFF)
    for shift, mask in ((16, 0x0000FFFF0000FFFF), (8, 0x00FF00FF00FF00FF),
                        (4, 0x0F0F0F0F0F0F0F0F), (2, 0x3333333333333333),
                        (1, 0x5555555555555555)):
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v


@dataclass(frozen=True)
class View:
    """One view's answer: clusters and markers, as lists ready for JSON.

    clusters: [lat, lon, places, south, west, north, east]
    markers:  [lat, lon, chapter (-1: several), approximate 0/1, [place ids]]
    """
    clusters: list
    markers: list


class ClusterIndex:
    """Every public point of one inventory version, in Z-order (see the module's text)."""

    def __init__(self, pids, lat, lon, approx, chapter):
        pids = np.asarray(pids, dtype=np.int64)
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        x, y = project(lat, lon)
        n = float(1 << _FINE)
        ix = np.minimum((x * n).astype(np.int64), (1 << _FINE) - 1)
        iy = np.minimum((y * n).astype(np.int64), (1 << _FINE) - 1)
        morton = _spread(ix) | (_spread(iy) << np.uint64(1))
        approx = np.asarray(approx, dtype=np.int8)
        # One position = one public point and one kind of mark (exact or approximate):
        # the places at one position share a marker (mapcontent.position_key).
        lat5 = np.round(lat * 1e5).astype(np.int64) + 9_000_000
        lon5 = np.round(lon * 1e5).astype(np.int64) + 18_000_000
        key = (((lat5 << 27) | lon5) << 1) | approx.astype(np.int64)
        pos = np.unique(key, return_inverse=True)[1].ravel()
        order = np.lexsort((pids, pos, morton))
        self.pids = pids[order]
        self.lat, self.lon = lat[order], lon[order]
        self.x, self.y = x[order], y[order]
        self.approx = approx[order]
        self.chapter = np.asarray(chapter, dtype=np.int8)[order]
        self.pos = pos.astype(np.int64)[order]
        self.morton = morton[order]
        self._row_by_pid = np.argsort(self.pids, kind="stable")
        self._pid_sorted = self.pids[self._row_by_pid]

    @classmethod
    def from_points(cls, points: Mapping[int, Sequence]) -> "ClusterIndex":
        """points: place id -> (lat, lon, approximate, chapter index), as
        Inventory.public_points holds them."""
        items = list(points.items())
        return cls([p for p, _ in items], [v[0] for _, v in items], [v[1] for _, v in items],
                   [v[2] for _, v in items], [v[3] for _, v in items])

    def __len__(self) -> int:
        return len(self.pids)

    def subset(self, place_ids: Iterable[int]) -> np.ndarray:
        """The rows (indexes into the sorted arrays, increasing) of these places; ids
        not in the index (removed since) are left out."""
        ids = np.fromiter(place_ids, dtype=np.int64)
        if not len(ids) or not len(self.pids):
            return np.zeros(0, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._pid_sorted, ids), len(self.pids) - 1)
        found = self._pid_sorted[at] == ids
        return np.unique(self._row_by_pid[at[found]])

    def bounds(self, rows: np.ndarray) -> Optional[list]:
        """[south, west, north, east] of these rows' points, None when there are none."""
        if not len(rows):
            return None
        lat, lon = self.lat[rows], self.lon[rows]
        return [float(lat.min()), float(lon.min()), float(lat.max()), float(lon.max())]

    def view(self, rows: np.ndarray, zoom: int,
             tiles: Optional[tuple[int, int, int, int]] = None) -> View:
        """Clusters and markers of the rows at zoom, inside the map tiles x0..x1, y0..y1
        (inclusive, 256 px tiles of that zoom: a tile's edges are cells' edges, so no
        cell is cut) or everywhere."""
        zoom = max(0, min(int(zoom), MAX_ZOOM))
        if tiles is not None and len(rows):
            x0, y0, x1, y1 = tiles
            side = float(1 << zoom)
            x, y = self.x[rows] * side, self.y[rows] * side
            rows = rows[(x >= x0) & (x < x1 + 1) & (y >= y0) & (y < y1 + 1)]
        if not len(rows):
            return View([], [])
        if zoom >= LEAF_ZOOM:
            return View([], self._markers(rows))
        # Runs of equal cell key at this zoom (the rows are in Z-order, so runs are whole).
        cell = self.morton[rows] >> np.uint64(2 * (MAX_ZOOM - zoom))
        starts = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
        ends = np.r_[starts[1:], len(rows)]
        count = ends - starts
        pos = self.pos[rows]
        single = np.minimum.reduceat(pos, starts) == np.maximum.reduceat(pos, starts)
        x = np.add.reduceat(self.x[rows], starts) / count
        y = np.add.reduceat(self.y[rows], starts) / count
        parent = _merge_close(x, y, count, zoom)
        clusters, markers, merged = [], [], {}
        for g in np.flatnonzero(parent != np.arange(len(starts))).tolist():
            merged.setdefault(int(parent[g]), []).append(rows[starts[g]:ends[g]])
        lat, lon = self.lat[rows], self.lon[rows]
        south, north = np.minimum.reduceat(lat, starts), np.maximum.reduceat(lat, starts)
        west, east = np.minimum.reduceat(lon, starts), np.maximum.reduceat(lon, starts)
        mean_lat = np.add.reduceat(lat, starts) / count
        mean_lon = np.add.reduceat(lon, starts) / count
        roots = parent == np.arange(len(starts))
        # Groups of one position, merged with no other: markers, all in one pass.
        alone = roots & single
        if merged:
            alone[list(merged)] = False
        if alone.any():
            markers = self._markers(rows[np.repeat(alone, count)])
        for g in np.flatnonzero(roots & ~alone).tolist():
            if g in merged:
                sub = np.concatenate([rows[starts[g]:ends[g]]] + merged[g])
                la, lo = self.lat[sub], self.lon[sub]
                clusters.append([round(float(la.mean()), 5), round(float(lo.mean()), 5),
                                 int(len(sub)), float(la.min()), float(lo.min()),
                                 float(la.max()), float(lo.max())])
            else:
                clusters.append([round(float(mean_lat[g]), 5), round(float(mean_lon[g]), 5),
                                 int(count[g]), float(south[g]), float(west[g]),
                                 float(north[g]), float(east[g])])
        return View(clusters, markers)

    def _markers(self, rows: np.ndarray) -> list:
        """One marker per position: [lat, lon, chapter (-1: several), approx, [ids]].
        The rows of one position are contiguous (same point, same Z-order key)."""
        pos = self.pos[rows]
        starts = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]])
        chapters = self.chapter[rows]
        same = np.minimum.reduceat(chapters, starts) == np.maximum.reduceat(chapters, starts)
        first = rows[starts]
        lat = np.round(self.lat[first], 5).tolist()
        lon = np.round(self.lon[first], 5).tolist()
        chapter = np.where(same, chapters[starts], MIXED).tolist()
        approx = self.approx[first].tolist()
        ids = np.split(self.pids[rows], starts[1:])
        return [[lat[i], lon[i], chapter[i], approx[i], ids[i].tolist()]
                for i in range(len(starts))]


def _merge_close(x: np.ndarray, y: np.ndarray, count: np.ndarray, zoom: int) -> np.ndarray:
    """parent[g] of each cell's group: itself, or the group it merges into.

    Greedy, biggest first: a group takes every unmerged group whose centre is within
    MERGE_PX of its own (supercluster's radius pass, over the cells). MERGE_PX is less
    than a cell, so only groups of neighbouring cells are compared."""
    k = len(x)
    parent = np.arange(k)
    if k < 2:
        return parent
    scale = float(1 << (zoom + _CELLS_SHIFT))
    cx, cy = np.floor(x * scale).astype(np.int64), np.floor(y * scale).astype(np.int64)
    side = np.int64(1 << (zoom + _CELLS_SHIFT + 1))
    key = (cx + 1) * side + (cy + 1)
    order = np.argsort(key)
    sorted_key = key[order]
    px, py = x * 256.0 * (1 << zoom), y * 256.0 * (1 << zoom)
    pairs_a, pairs_b = [], []
    for dx, dy in ((1, 0), (0, 1), (1, 1), (1, -1)):
        want = (cx + 1 + dx) * side + (cy + 1 + dy)
        at = np.minimum(np.searchsorted(sorted_key, want), k - 1)
        hit = sorted_key[at] == want
        a, b = np.flatnonzero(hit), order[at[hit]]
        close = (px[a] - px[b]) ** 2 + (py[a] - py[b]) ** 2 < MERGE_PX * MERGE_PX
        pairs_a.append(a[close])
        pairs_b.append(b[close])
    a, b = np.concatenate(pairs_a), np.concatenate(pairs_b)
    if not len(a):
        return parent
    near: dict[int, list[int]] = {}
    for i, j in zip(a.tolist(), b.tolist()):
        near.setdefault(i, []).append(j)
        near.setdefault(j, []).append(i)
    free = np.ones(k, dtype=bool)
    for i in sorted(near, key=lambda g: (-int(count[g]), g)):
        if not free[i]:
            continue
        free[i] = False
        for j in near[i]:
            if free[j]:
                free[j] = False
                parent[j] = i
    return parent
