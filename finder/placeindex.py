"""An in-memory, vectorised index of every place's public point (one per Inventory).

Searching by distance is the hot path. Reading thousands of rows from SQLite for every
search costs milliseconds; keeping the points (a few MB at 100,000 places) in NumPy
arrays sorted by latitude lets a search cut the bounding box with two binary searches
and measure the remaining candidates in one vectorised expression. The index belongs to
the inventory version it was built from (finder/inventory.py keeps it): an import makes
a new Inventory, and a new index with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from .geodesy import LocalMetric
from .models import CHAPTER_SLUGS
from .store import Store


@dataclass
class PlaceIndex:
    place_id: np.ndarray     # int64, sorted by lat
    group_id: np.ndarray     # int64
    lat: np.ndarray          # float64, ascending (the public point)
    lon: np.ndarray
    chapter: np.ndarray      # int8 index in CHAPTER_SLUGS
    commune: np.ndarray      # NIS as int32
    meeting: np.ndarray      # bool: a meeting place (not a registered, postal or contact address)

    @classmethod
    def build(cls, store: Store) -> "PlaceIndex":
        rows = store.place_points()
        chapters = {slug: i for i, slug in enumerate(CHAPTER_SLUGS)}
        n = len(rows)
        pid = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
        gid = np.fromiter((r[1] for r in rows), dtype=np.int64, count=n)
        lat = np.fromiter((r[2] for r in rows), dtype=np.float64, count=n)
        lon = np.fromiter((r[3] for r in rows), dtype=np.float64, count=n)
        chap = np.fromiter((chapters.get(r[4], -1) for r in rows), dtype=np.int8, count=n)
        nis = np.fromiter((int(r[5]) for r in rows), dtype=np.int32, count=n)
        meeting = np.fromiter((bool(r[6]) for r in rows), dtype=bool, count=n)
        order = np.argsort(lat, kind="stable")
        return cls(pid[order], gid[order], lat[order], lon[order], chap[order], nis[order],
                   meeting[order])

    def __len__(self) -> int:
        return len(self.place_id)

    def near(self, metric: LocalMetric, max_km: float, bbox: tuple, *,
             chapter: Optional[str] = None, group_mask: Optional[np.ndarray] = None,
             commune_nis: Optional[str] = None) -> tuple[np.ndarray, np.ndarray]:
        """(positions in this index, approx km) within max_km (approximate), nearest first
        (ties by position: the same order every time). group_mask: a boolean per group id
        (at least as long as the largest of the index), True for the groups to keep."""
        lo = np.searchsorted(self.lat, bbox[0], side="left")
        hi = np.searchsorted(self.lat, bbox[2], side="right")
        lat, lon = self.lat[lo:hi], self.lon[lo:hi]
        mask = (lon >= bbox[1]) & (lon <= bbox[3])
        if chapter:
            mask &= self.chapter[lo:hi] == CHAPTER_SLUGS.index(chapter)
        if commune_nis:
            mask &= self.commune[lo:hi] == int(commune_nis)
        if group_mask is not None:
            mask &= group_mask[self.group_id[lo:hi]]
        idx = np.nonzero(mask)[0]
        dlat = lat[idx] - metric.lat0
        d = dlat * metric.half_rad
        c = metric.cos0 - metric.sin0 * d - metric.cos0 * d * d / 2
        dist = np.hypot(dlat * metric.k_lat, (lon[idx] - metric.lon0) * metric.k_lon * c)
        keep = dist <= max_km
        idx, dist = idx[keep], dist[keep]
        order = np.argsort(dist, kind="stable")
        return idx[order] + lo, dist[order]
