"""Fixtures: apps built on a temporary SQLite file, like Flask's tutorial (flaskr)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from finder import create_app
from finder.config import PACKAGED_GEO_DIR, PROJECT_ROOT

GEO_DIR = Path(os.environ.get("FINDER_GEO_DIR") or PACKAGED_GEO_DIR)
DEMO_INVENTORY = PROJECT_ROOT / "data" / "demo-inventory.csv"


@pytest.fixture(scope="session")
def geo_dir() -> Path:
    if not (GEO_DIR / "communes.geojson").is_file():
        pytest.fail(f"reference geography not found in {GEO_DIR} (set FINDER_GEO_DIR)")
    return GEO_DIR


@pytest.fixture
def make_app(tmp_path, geo_dir):
    """Build an app on its own database file; overrides go to the config."""
    def make(**overrides):
        config = {"TESTING": True, "DATABASE": str(tmp_path / "finder.sqlite"),
                  "GEO_DIR": str(geo_dir), "GEOCODING_ONLINE": False,
                  "TILE_URL": "/test-tiles/{z}/{x}/{y}.png"}
        config.update(overrides)
        return create_app(config)
    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo_app(make_app):
    """An app whose database holds the demonstration inventory."""
    app = make_app()
    result = app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture
def client(demo_app):
    return demo_app.test_client()


def write_inventory(path: Path, rows: list[dict]) -> Path:
    """A CSV inventory file in the import format, from partial rows."""
    import csv
    from finder.inventory_file import COLUMNS
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path


def group_row(**fields) -> dict:
    """A valid row for a group meeting in Namur; fields override."""
    row = {
        "group_id": "groupe-test", "name": "Groupe test", "chapter": "maladie",
        "kind": "entraide", "source_url": "https://example.org/source",
        "checked_on": "2026-11-01", "demo": "oui", "postcode": "5000", "locality": "Namur",
        "commune": "Namur",
    }
    row.update(fields)
    return row
