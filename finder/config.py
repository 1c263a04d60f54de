"""Configuration: defaults < instance/config.py < environment variables (FINDER_ prefix).

Read once in create_app(); modules receive the values they need.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = Path(__file__).resolve().parent
# The reference geography shipped with the package (a copy of ../shared/geo, see
# finder/geodata/README.md); FINDER_GEO_DIR points elsewhere for newer boundaries.
PACKAGED_GEO_DIR = PACKAGE_DIR / "geodata"


def data_file(name: str) -> Path:
    """A file of the maintainer's data folder: data/ in a checkout, installed as finder.data."""
    try:
        from importlib.resources import files
        return Path(str(files("finder.data") / name))
    except ModuleNotFoundError:       # running from a checkout that was not pip-installed
        return PROJECT_ROOT / "data" / name


DEMO_INVENTORY_NAME = "demo-inventory.csv"


def defaults(instance_path: str) -> dict:
    return {
        # SQLite inventory file; the instance folder by default.
        "DATABASE": os.path.join(instance_path, "finder.sqlite"),
        # Reference geography (communes.geojson, postcodes.csv): the packaged copy.
        "GEO_DIR": str(PACKAGED_GEO_DIR),
        # Online geocoding (Nominatim) is opt-in; offline geocoding always works.
        "GEOCODING_ONLINE": False,
        "NOMINATIM_DOMAIN": "nominatim.openstreetmap.org",
        "NOMINATIM_SCHEME": "https",
        "NOMINATIM_MIN_DELAY_SECONDS": 1.0,
        "MAINTAINER_EMAIL": "corrections@entraide-finder.example",
        "USER_AGENT": "entraide-finder/0.1",
        # Map tiles: the only thing the browser fetches from elsewhere, and only if set so.
        "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "TILE_ATTRIBUTION": "&copy; contributeurs <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>",
        "TILE_MAX_ZOOM": 19,
        # Who may put /embed in an iframe: "*" or a space-separated list of origins.
        "EMBED_FRAME_ANCESTORS": "*",
        "SEARCH_PAGE_SIZE": 50,
    }


def configure(app, overrides: dict | None = None) -> None:
    app.config.from_mapping(defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("FINDER")
    if overrides:
        app.config.update(overrides)
    # Relative paths from the environment are relative to where the command runs.
    for key in ("DATABASE", "GEO_DIR"):
        app.config[key] = str(Path(app.config[key]).expanduser().resolve())
