"""The catalog: every place and group of an inventory version, from which a page of
results is read. What it hands out must be what the store holds, version by version."""
from __future__ import annotations

import pytest

from finder.models import Query
from finder.search import search
from finder.store import Store
from tests.conftest import group_row, write_inventory
from tests.test_inventory import current, import_file

QUERIES = (
    Query(lat=50.4669, lon=4.8675, radius_km=30.0, limit=40),              # Namur, places
    Query(lat=50.6326, lon=5.5797, radius_km=40.0, text="alzheimer", limit=20),  # Liège
    Query(text="deuil", limit=30),                                          # no origin
    Query(lat=50.8467, lon=4.3525, radius_km=25.0, days=(1,), limit=30),    # Brussels, mardi
)


@pytest.mark.parametrize("query", QUERIES, ids=("places", "words+origin", "words", "day"))
def test_a_page_read_from_the_catalog_is_what_the_store_holds(demo_app, query):
    """Same places, groups, addresses, schedules and distances as read from SQLite."""
    inventory = current(demo_app)
    fast, _ = inventory.search(query)
    store = Store(demo_app.config["DATABASE"], readonly=True)
    try:
        slow = search(store, query, text_index=inventory.text_index)
    finally:
        store.close()
    assert fast.results, query
    assert fast.results == slow.results
    assert fast.everywhere == slow.everywhere
    shown = [r.place for r in fast.results]
    assert all(p.schedule_parsed is not None for p in shown)


def test_a_changed_schedule_is_shown_by_the_next_version(demo_app, tmp_path):
    client = demo_app.test_client()
    import_file(demo_app, write_inventory(tmp_path / "a.csv", [group_row(
        schedule="le mardi de 14 h à 16 h")]))
    before = client.get("/api/v1/search?postcode=5000&radius_km=10").get_json()["results"]
    import_file(demo_app, write_inventory(tmp_path / "b.csv", [group_row(
        schedule="le jeudi de 18 h à 20 h")]))
    after = client.get("/api/v1/search?postcode=5000&radius_km=10").get_json()["results"]
    assert "mardi" in str(before[0]) and "mardi" not in str(after[0])
    assert "jeudi" in str(after[0])
