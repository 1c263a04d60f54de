"""The server's clusters (finder/clusters.py): every place counted once in each view, the
hierarchy nested from one zoom to the next, places at one point kept as one marker, the
places of a search only, and views that are cut along tiles without losing a place."""
from __future__ import annotations

import math

import numpy as np
import pytest

from finder.clusters import LEAF_ZOOM, MERGE_PX, ClusterIndex, project


def spread(n: int, seed: int = 7) -> dict[int, tuple]:
    """n places over Wallonia and Brussels, a fifth of them approximate."""
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(49.5, 50.9, n), rng.uniform(2.9, 6.4, n)
    return {i + 1: (round(float(lat[i]), 5), round(float(lon[i]), 5),
                    int(rng.random() < 0.2), int(rng.integers(0, 6))) for i in range(n)}


def counted(view) -> list[int]:
    """Every place id the view holds, clusters opened (through a finer view)."""
    return sorted(p for m in view.markers for p in m[4])


def places_in(view) -> int:
    return sum(c[2] for c in view.clusters) + sum(len(m[4]) for m in view.markers)


def tile_of(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    x, y = project(lat, lon)
    return int(float(x) * 2 ** zoom), int(float(y) * 2 ** zoom)


@pytest.fixture(scope="module")
def index() -> ClusterIndex:
    return ClusterIndex.from_points(spread(5000))


@pytest.mark.parametrize("zoom", [0, 6, 8, 10, 12, 14, LEAF_ZOOM, 18])
def test_every_place_is_counted_once_at_every_zoom(index, zoom):
    rows = index.subset(range(1, 5001))
    view = index.view(rows, zoom)
    assert places_in(view) == 5000
    if zoom >= LEAF_ZOOM:
        assert view.clusters == [] and counted(view) == list(range(1, 5001))


def test_fewer_groups_when_zooming_out_and_a_whole_region_is_few_clusters(index):
    rows = index.subset(range(1, 5001))
    sizes = [len(index.view(rows, z).clusters) + len(index.view(rows, z).markers)
             for z in (6, 8, 10, 12, 14)]
    assert sizes == sorted(sizes) and sizes[0] < 30 and sizes[-1] > 1000


def test_a_cluster_holds_its_places_inside_its_bounds_and_opens_into_them(index):
    rows = index.subset(range(1, 5001))
    cluster = max(index.view(rows, 9).clusters, key=lambda c: c[2])
    lat, lon, n, south, west, north, east = cluster
    assert south <= lat <= north and west <= lon <= east and n > 1
    # Seen at the highest zoom, the box of the cluster holds exactly its n places or more
    # (places of a neighbour may share the box, never fewer).
    inside = [pid for pid, (la, lo, _, _) in spread(5000).items()
              if south <= la <= north and west <= lo <= east]
    assert len(inside) >= n


def test_groups_closer_than_the_merge_distance_are_one_cluster():
    # Two places 20 px apart at zoom 10, on each side of a cell border (64 px cells).
    zoom, scale = 10, 256 * 2 ** 10
    x_border = math.ceil(0.5123 * scale / 64) * 64 / scale
    lon_left = x_border * 360 - 180 - 10 / scale * 360
    lon_right = x_border * 360 - 180 + 10 / scale * 360
    index = ClusterIndex.from_points({1: (50.5, lon_left, 0, 0), 2: (50.5, lon_right, 0, 1)})
    view = index.view(index.subset([1, 2]), zoom)
    assert len(view.clusters) == 1 and view.clusters[0][2] == 2 and view.markers == []
    # Far apart (3 cells): two markers.
    far = ClusterIndex.from_points({1: (50.5, lon_left, 0, 0),
                                    2: (50.5, lon_left + 4 * MERGE_PX / scale * 360, 0, 1)})
    assert len(far.view(far.subset([1, 2]), zoom).markers) == 2


def test_places_at_one_point_stay_one_marker_even_zoomed_out():
    index = ClusterIndex.from_points({1: (50.46690, 4.86750, 0, 0), 2: (50.46690, 4.86750, 0, 3),
                                      3: (50.46690, 4.86750, 1, 3), 9: (50.6, 5.5, 0, 2)})
    # Two groups meeting at one address: one marker (chapters mixed: -1), never a cluster.
    view = index.view(index.subset([1, 2, 9]), 8)
    assert view.clusters == []
    assert sorted(m[4] for m in view.markers) == [[1, 2], [9]]
    assert [m[2] for m in view.markers if m[4] == [1, 2]] == [-1]
    # An approximate place at the same point has a marker of its own (a hollow ring, not
    # a dot): zoomed out, the two make a cluster; at the closest zooms, two markers.
    view = index.view(index.subset([1, 2, 3]), 12)
    assert [c[2] for c in view.clusters] == [3] and view.markers == []
    view = index.view(index.subset([1, 2, 3]), LEAF_ZOOM)
    assert sorted((m[4], m[3]) for m in view.markers) == [([1, 2], 0), ([3], 1)]


def test_a_search_sees_only_its_places(index):
    chosen = [p for p in range(1, 5001) if p % 7 == 0]
    view = index.view(index.subset(chosen + [999_999]), LEAF_ZOOM)   # an id gone since
    assert counted(view) == chosen


def test_tiles_cut_the_view_and_together_hold_every_place(index):
    rows = index.subset(range(1, 5001))
    zoom = 9
    xs, ys = zip(*(tile_of(la, lo, zoom) for la, lo, _, _ in spread(5000).values()))
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    whole = index.view(rows, zoom, (x0, y0, x1, y1))
    assert places_in(whole) == 5000
    middle = (y0 + y1) // 2
    parts = [index.view(rows, zoom, (x0, y0, x1, middle)),
             index.view(rows, zoom, (x0, middle + 1, x1, y1))]
    assert places_in(parts[0]) + places_in(parts[1]) == 5000
    assert places_in(index.view(rows, zoom, (0, 0, 1, 1))) == 0          # the Pacific


def test_bounds_of_a_search(index):
    assert index.bounds(index.subset([])) is None
    south, west, north, east = index.bounds(index.subset(range(1, 5001)))
    assert 49.5 <= south < north <= 50.9 and 2.9 <= west < east <= 6.4
