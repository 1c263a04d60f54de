"""One Inventory per inventory version: what is derived and cached lives on it, and goes
with it when an import or an edit changes the version."""
from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

from finder import inventory as inventory_module
from finder.config import PACKAGE_DIR
from finder.models import Query
from finder.store import Store
from tests.conftest import DEMO_GROUPS, DEMO_INVENTORY, group_row, write_inventory

NAMUR = Query(lat=50.4669, lon=4.8675, radius_km=20.0, limit=50)
PAGE = "/?postcode=5000&radius_km=50"


def current(app):
    return app.extensions["finder_snapshots"].current()


def import_file(app, path) -> None:
    result = app.test_cli_runner().invoke(args=["import", str(path), "--force"])
    assert result.exit_code == 0, result.output


def map_data_url(html: str) -> str:
    return re.search(r'"data":"([^"]+)"', html).group(1).replace("\\u0026", "&")


def test_a_page_view_runs_one_search_for_the_page_its_map_and_its_other_pages(demo_app):
    demo_app.config["SEARCH_PAGE_SIZE"] = 5
    client = demo_app.test_client()
    page = client.get(PAGE)
    assert page.status_code == 200
    markers = client.get(map_data_url(page.get_data(as_text=True)))
    assert markers.status_code == 200 and markers.get_json()["count"] > 10
    second = client.get(PAGE + "&page=2")
    api = client.get("/api/v1/search?postcode=5000&radius_km=50&limit=3")
    assert second.status_code == api.status_code == 200
    assert current(demo_app).searches_run == 1
    assert api.get_json()["count"] == markers.get_json()["count"]
    client.get("/?postcode=5000&radius_km=20")            # another question: its own search
    assert current(demo_app).searches_run == 2


def test_pages_of_one_ranking_follow_each_other_without_gap_or_repeat(demo_app):
    inventory = current(demo_app)
    with demo_app.test_request_context():
        whole, _ = inventory.search(Query(lat=NAMUR.lat, lon=NAMUR.lon, radius_km=100.0))
        pages = [inventory.search(Query(lat=NAMUR.lat, lon=NAMUR.lon, radius_km=100.0,
                                        limit=7, offset=o))[0]
                 for o in range(0, whole.total + 7, 7)]
    ids = [r.place.id for p in pages for r in p.results]
    assert ids == [r.place.id for r in whole.results] and len(ids) == whole.total > 20
    distances = [r.distance_km for p in pages for r in p.results]
    assert distances == sorted(distances)
    assert inventory.searches_run == 1


def test_what_callers_do_to_an_outcome_does_not_change_the_cache(demo_app):
    inventory = current(demo_app)
    with demo_app.test_request_context():
        first, hit = inventory.search(NAMUR)
        count = len(first.results)
        first.results.clear()
        first.place_ids.append(-1)
        second, hit_again = inventory.search(NAMUR)
    assert (hit, hit_again) == (False, True)
    assert len(second.results) == count and -1 not in second.place_ids


def test_an_import_makes_a_new_inventory_and_nothing_old_is_served(demo_app, tmp_path):
    client = demo_app.test_client()
    old_names = [r["group"]["name"] for r in client.get(
        "/api/v1/search?postcode=5000&radius_km=20").get_json()["results"]]
    client.get("/api/v1/groups.csv")
    old = current(demo_app)
    assert old.searches_run == 1 and old.outputs.stats()["entries"] == 1
    import_file(demo_app, write_inventory(tmp_path / "new.csv", [group_row(
        group_id="nouveau-groupe-namur", name="Nouveau groupe à Namur")]))
    found = client.get("/api/v1/search?postcode=5000&radius_km=20").get_json()["results"]
    assert [r["group"]["slug"] for r in found] == ["nouveau-groupe-namur"]
    assert "Nouveau groupe à Namur" in client.get("/api/v1/groups.csv").get_data(as_text=True)
    new = current(demo_app)
    assert new is not old and new.token != old.token
    assert new.searches_run == 1
    page = client.get("/?postcode=5000&radius_km=20").get_data(as_text=True)
    assert "Nouveau groupe à Namur" in page
    assert old_names and not [name for name in old_names if name in page]


def test_a_write_through_the_store_changes_the_inventory_of_the_next_request(demo_app):
    """What the admin does: write through a Store on the file, bump the version."""
    client = demo_app.test_client()
    before = client.get("/api/v1/groups").get_json()
    old = current(demo_app)
    slug = before["groups"][0]["slug"]
    store = Store(demo_app.config["DATABASE"])
    try:
        group = store.group_by_slug(slug)
        group.name = "Nom corrigé depuis le navigateur"
        with store.transaction():
            store.write_group(group, "hash-after-edit")
            store.bump_inventory_version("admin")
    finally:
        store.close()
    after = client.get("/api/v1/groups").get_json()
    assert current(demo_app) is not old
    assert after["count"] == before["count"]
    assert "Nom corrigé depuis le navigateur" in [g["name"] for g in after["groups"]]


def test_whole_inventory_outputs_are_serialised_once_with_their_etag(demo_app, monkeypatch):
    built = []
    real = Store.all_groups

    def spy(self, **kwargs):
        built.append(kwargs)
        return real(self, **kwargs)
    monkeypatch.setattr(Store, "all_groups", spy)
    client = demo_app.test_client()
    for url in ("/api/v1/groups", "/api/v1/groups.geojson", "/api/v1/groups.csv",
                "/api/v1/meeting-guide.json", "/api/v1/groups?chapter=maladie"):
        first, second = client.get(url), client.get(url)
        assert first.status_code == second.status_code == 200, url
        assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and not again.data, url
    assert len(built) == 5
    assert built[-1] == {"chapter": "maladie"}


def test_an_empty_file_never_replaces_the_inventory_served(demo_app, tmp_path):
    client = demo_app.test_client()
    before = client.get("/api/v1/groups").get_json()["count"]
    assert before == DEMO_GROUPS
    empty = tmp_path / "vide.sqlite"
    store = Store(empty)
    store.migrate()
    store.close()
    database = Path(demo_app.config["DATABASE"])
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.replace(empty, database)                       # sound, but without any group
    assert client.get("/api/v1/groups").get_json()["count"] == DEMO_GROUPS
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded" and "aucun groupe" in health["database"]["problem"]
    database.write_bytes(b"")                         # emptied to zero bytes
    assert client.get("/api/v1/groups").get_json()["count"] == DEMO_GROUPS
    assert "vide" in client.get("/healthz").get_json()["database"]["problem"]


def test_an_import_into_an_empty_inventory_is_served(app, tmp_path):
    client = app.test_client()
    assert client.get("/api/v1/groups").get_json()["count"] == 0
    import_file(app, DEMO_INVENTORY)
    assert client.get("/api/v1/groups").get_json()["count"] == DEMO_GROUPS


def test_size_zero_switches_the_search_cache_off(make_app):
    app = make_app(SEARCH_CACHE_SIZE=0)
    import_file(app, DEMO_INVENTORY)
    client = app.test_client()
    for _ in range(2):
        client.get("/api/v1/search?postcode=5000&radius_km=20")
    assert current(app).searches_run == 2


def test_derived_values_are_built_once_per_version(demo_app, monkeypatch):
    calls = []
    real = Store.place_points
    monkeypatch.setattr(Store, "place_points",
                        lambda self: (calls.append(1), real(self))[1])
    client = demo_app.test_client()
    for radius in (5, 10, 20, 50, 100):
        assert client.get(f"/api/v1/search?postcode=5000&radius_km={radius}").status_code == 200
    assert len(calls) == 1


MODULES_WITHOUT_FLASK = ("inventory.py", "search.py", "placeindex.py", "snapshot.py",
                         "lru.py", "mapcontent.py", "catalog.py")


@pytest.mark.parametrize("name", MODULES_WITHOUT_FLASK)
def test_the_inventory_and_search_import_no_flask(name):
    tree = ast.parse((PACKAGE_DIR / name).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and not node.level}
    assert not imported & {"flask", "werkzeug"}, name


def test_no_module_keeps_a_cache_keyed_by_the_inventory_token():
    offenders = []
    for path in PACKAGE_DIR.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"inventory_token\(\)", text) and path.name != "store.py":
            offenders.append(path.name)
    assert offenders == []
    assert inventory_module.Inventory.__init__.__doc__
