"""Fixtures: apps built on a temporary SQLite file, like Flask's tutorial (flaskr)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from finder import create_app
from finder.config import PACKAGED_GEO_DIR, PROJECT_ROOT

GEO_DIR = Path(os.environ.get("FINDER_GEO_DIR") or PACKAGED_GEO_DIR)
DEMO_INVENTORY = PROJECT_ROOT / "data" / "demo-inventory.csv"


def _demo_placed_rows() -> tuple[list[dict], list[dict]]:
    """(every row, the rows with a place) of the demonstration inventory file."""
    import csv
    from finder.inventory_file import PLACE_COLUMNS
    with open(DEMO_INVENTORY, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    where = [c for c in PLACE_COLUMNS if c not in ("show_exact", "address_kind")]
    return rows, [r for r in rows if any(r[c] for c in where)]


def _demo_counts() -> tuple[int, int, int]:
    """(groups, places, groups without a place) of the demonstration inventory, read from
    the file itself, so that tests follow a rebuilt demo."""
    rows, placed = _demo_placed_rows()
    groups = {r["group_id"] for r in rows}
    return len(groups), len(placed), len(groups - {r["group_id"] for r in placed})


DEMO_GROUPS, DEMO_PLACES, DEMO_PLACELESS = _demo_counts()


def _demo_meeting_places() -> int:
    """Of DEMO_PLACES, the meeting places (not a registered, postal or contact address)."""
    return sum(1 for r in _demo_placed_rows()[1] if r["address_kind"] in ("", "reunion"))


DEMO_MEETING_PLACES = _demo_meeting_places()


@pytest.fixture(scope="session")
def geo_dir() -> Path:
    if not (GEO_DIR / "communes.geojson").is_file():
        pytest.fail(f"reference geography not found in {GEO_DIR} (set FINDER_GEO_DIR)")
    return GEO_DIR


def init_database(path) -> None:
    """An empty inventory at the current schema, if there is no file yet (`init-db`)."""
    from finder.db import database_missing, open_database
    if database_missing(path):
        open_database(path, create=True).close()


@pytest.fixture
def make_app(tmp_path, geo_dir):
    """Build an app on its own database file; overrides go to the config."""
    def make(*, create_database: bool = True, **overrides):
        """create_database: make the file first if it is missing (as `init-db` does):
        serving an app on a missing database is refused."""
        config = {"TESTING": True, "DATABASE": str(tmp_path / "finder.sqlite"),
                  "GEO_DIR": str(geo_dir), "GEOCODING_ONLINE": False,
                  "TILE_URL": "/test-tiles/{z}/{x}/{y}.png",
                  "SECRET_KEY": "a key for the tests only"}
        config.update(overrides)
        if create_database:
            init_database(config["DATABASE"])
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


# ----- the maintainers' admin ------------------------------------------------------------

ADMIN_EMAIL, EDITOR_EMAIL = "admin@example.org", "editeur@example.org"
PASSWORD = "un mot de passe assez long"


def add_account(app, email: str, role: str, password: str = PASSWORD):
    result = app.test_cli_runner().invoke(args=["users", "add", email, "--role", role],
                                          input=password + "\n")
    assert result.exit_code == 0, result.output
    return result


def csrf_from(html: str) -> str:
    import re
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client, email: str, password: str = PASSWORD):
    token = csrf_from(client.get("/admin/connexion").get_data(as_text=True))
    return client.post("/admin/connexion", data={"email": email, "password": password,
                                                 "csrf_token": token})


def post_form(client, url: str, data: dict, *, page: str | None = None):
    """POST like the browser does: with the CSRF token of `page` (default: the admin home)."""
    token = csrf_from(client.get(page or "/admin/").get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


@pytest.fixture
def admin_app(demo_app):
    add_account(demo_app, ADMIN_EMAIL, "admin")
    add_account(demo_app, EDITOR_EMAIL, "editor")
    return demo_app


@pytest.fixture
def admin_client(admin_app):
    client = admin_app.test_client()
    assert login(client, ADMIN_EMAIL).status_code == 302
    return client


@pytest.fixture
def editor_client(admin_app):
    client = admin_app.test_client()
    assert login(client, EDITOR_EMAIL).status_code == 302
    return client
