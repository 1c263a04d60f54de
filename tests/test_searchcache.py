"""Repeated identical searches come from the cache; an import invalidates it."""
from __future__ import annotations

from finder import search as search_module
from finder import searchcache
from finder.db import get_store
from finder.models import Query
from finder.searchcache import SearchCache, cached_search
from tests.conftest import group_row, write_inventory

NAMUR = Query(lat=50.4669, lon=4.8675, radius_km=20.0, limit=50)


def counting_search(monkeypatch) -> list:
    calls = []
    real = search_module.search

    def spy(store, query):
        calls.append(query)
        return real(store, query)
    monkeypatch.setattr(searchcache, "search", spy)
    return calls


def ids(outcome) -> list[tuple[str, int]]:
    return [(r.group.slug, r.place.id) for r in outcome.results]


def test_the_same_search_twice_runs_once(demo_app, monkeypatch):
    calls = counting_search(monkeypatch)
    with demo_app.test_request_context():
        first = cached_search(get_store(), NAMUR)
        second = cached_search(get_store(), NAMUR)
    assert len(calls) == 1
    assert ids(first) == ids(second) and first.total == second.total > 0
    assert [r.distance_km for r in first.results] == [r.distance_km for r in second.results]


def test_a_different_search_is_not_confused_with_another(demo_app, monkeypatch):
    calls = counting_search(monkeypatch)
    with demo_app.test_request_context():
        near = cached_search(get_store(), NAMUR)
        wide = cached_search(get_store(), Query(lat=NAMUR.lat, lon=NAMUR.lon,
                                                radius_km=100.0, limit=50))
    assert len(calls) == 2
    assert wide.total > near.total


def test_an_import_invalidates_every_cached_search(demo_app, tmp_path, monkeypatch):
    calls = counting_search(monkeypatch)
    with demo_app.test_request_context():
        before = cached_search(get_store(), NAMUR)
    new = write_inventory(tmp_path / "new.csv", [group_row(
        group_id="nouveau-groupe-namur", name="Nouveau groupe à Namur", demo="oui")])
    result = demo_app.test_cli_runner().invoke(args=["import", str(new), "--force"])
    assert result.exit_code == 0, result.output
    with demo_app.test_request_context():
        after = cached_search(get_store(), NAMUR)
    assert len(calls) == 2
    assert [r.group.slug for r in after.results] == ["nouveau-groupe-namur"]
    assert before.total != after.total


def test_what_callers_do_to_an_outcome_does_not_change_the_cache(demo_app):
    with demo_app.test_request_context():
        first = cached_search(get_store(), NAMUR)
        count = len(first.results)
        first.results.clear()
        first.place_ids.append(-1)
        second = cached_search(get_store(), NAMUR)
    assert len(second.results) == count and -1 not in second.place_ids


def test_size_zero_switches_the_cache_off(make_app, monkeypatch):
    app = make_app(SEARCH_CACHE_SIZE=0)
    calls = counting_search(monkeypatch)
    with app.test_request_context():
        cached_search(get_store(), NAMUR)
        cached_search(get_store(), NAMUR)
    assert len(calls) == 2


def test_outside_an_app_it_is_plain_search(demo_app, monkeypatch):
    from finder.store import Store
    calls = counting_search(monkeypatch)
    store = Store(demo_app.config["DATABASE"])
    try:
        cached_search(store, NAMUR)
        cached_search(store, NAMUR)
    finally:
        store.close()
    assert len(calls) == 2


def test_least_recently_used_entries_go_first():
    cache = SearchCache(size=2)
    cache.put("a", "A")
    cache.put("b", "B")
    assert cache.get("a") == "A"          # a is now the most recent
    cache.put("c", "C")
    assert cache.get("b") is None and cache.get("a") == "A" and cache.get("c") == "C"
    assert cache.stats()["entries"] == 2


def test_two_databases_never_share_entries(make_app, tmp_path, monkeypatch):
    one = make_app(DATABASE=str(tmp_path / "un.sqlite"))
    two = make_app(DATABASE=str(tmp_path / "deux.sqlite"))
    for app, name, slug in ((one, "Groupe un", "groupe-un"), (two, "Groupe deux", "groupe-deux")):
        csv = write_inventory(tmp_path / f"{slug}.csv", [group_row(name=name, group_id=slug)])
        result = app.test_cli_runner().invoke(args=["import", str(csv)])
        assert result.exit_code == 0, result.output
    # The same cache object for both apps would be the worst case: force it.
    shared = SearchCache()
    one.extensions["finder_search_cache"] = two.extensions["finder_search_cache"] = shared
    with one.test_request_context():
        first = cached_search(get_store(), NAMUR)
    with two.test_request_context():
        second = cached_search(get_store(), NAMUR)
    assert [r.group.name for r in first.results] == ["Groupe un"]
    assert [r.group.name for r in second.results] == ["Groupe deux"]
