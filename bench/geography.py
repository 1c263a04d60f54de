"""Reference geography: loading, and point → commune, against a naive baseline.

    python bench/geography.py [--points 2000]

Prints, in the same run:
  load    — Geography.load of the packaged geography (281 communes, 1,587 localities),
            uncached, three times (the app does it once per process, before forking);
  lookup  — commune_at() (shapely STRtree) for random points over Wallonia and Brussels,
            against the naive way: `contains` on every commune polygon in turn.
(The timings that used to be assertions in tests/test_geography.py: loading < 2 s, a
lookup < 1 ms.)
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finder.config import PACKAGED_GEO_DIR  # noqa: E402
from finder.geography import Geography, _point  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2000)
    args = parser.parse_args()

    loads = []
    for _ in range(3):
        start = time.perf_counter()
        geo = Geography.load(PACKAGED_GEO_DIR)
        loads.append(time.perf_counter() - start)
    print(f"load: median {statistics.median(loads):.2f} s over 3 (target < 2 s)")

    rng = random.Random(1)
    points = [(rng.uniform(49.5, 50.9), rng.uniform(2.9, 6.4)) for _ in range(args.points)]
    start = time.perf_counter()
    ours = [getattr(geo.commune_at(lat, lon), "nis", None) for lat, lon in points]
    ours_ms = (time.perf_counter() - start) * 1000 / len(points)

    polygons = list(geo._geom_by_nis.items())        # the same (projected) polygons
    start = time.perf_counter()
    naive = []
    for lat, lon in points:
        point = _point(lat, lon)
        naive.append(next((nis for nis, poly in polygons if poly.intersects(point)), None))
    naive_ms = (time.perf_counter() - start) * 1000 / len(points)
    agree = sum(a == b for a, b in zip(ours, naive)) / len(points)
    print(f"lookup: {ours_ms:.3f} ms per point (target < 1 ms); naive {naive_ms:.3f} ms; "
          f"ratio naive/ours {naive_ms / ours_ms:.1f}x; same commune for {agree:.1%} of "
          f"{len(points)} points")


if __name__ == "__main__":
    main()
