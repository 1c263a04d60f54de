"""The reference geography shipped in the package is the project's source, unchanged."""
from __future__ import annotations

import csv
import filecmp
import json
import os
from pathlib import Path

from finder.config import PACKAGED_GEO_DIR, PROJECT_ROOT

SHARED_GEO = Path(os.environ.get("FINDER_SHARED_DIR") or PROJECT_ROOT.parent / "shared") / "geo"
FILES = ("communes.geojson", "postcodes.csv", "SOURCES.md")


def test_packaged_geography_is_complete():
    with open(PACKAGED_GEO_DIR / "communes.geojson", encoding="utf-8") as f:
        communes = json.load(f)["features"]
    with open(PACKAGED_GEO_DIR / "postcodes.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(communes) == 281
    assert len(rows) == 1587
    assert {"commune_nis", "point_trusted"} <= set(rows[0])


def test_packaged_copy_equals_shared_source_when_both_are_present():
    """Fails when ../shared/geo was updated and the copy was not: run `make refresh-geo`."""
    if not SHARED_GEO.is_dir():
        # A clone without ../shared has nothing to drift from; CI always has it.
        assert os.environ.get("CI") != "true", f"CI expects {SHARED_GEO}"
        return
    differing = [name for name in FILES
                 if not filecmp.cmp(SHARED_GEO / name, PACKAGED_GEO_DIR / name, shallow=False)]
    assert differing == [], f"{differing} differ from {SHARED_GEO}: run `make refresh-geo`"
