"""Repeated identical searches, answered from memory.

`cached_search(store, query)` is `search.search(store, query)` with an in-process LRU in
front, keyed on the Query (a frozen dataclass) and on the inventory it ran against: the
database path, `store.inventory_version()` (bumped by every import that changes something)
and the import's time stamp. An import therefore invalidates every entry at once, with no
message between processes: each worker sees the new version on its next search.

Per process and per app (app.extensions); size from config SEARCH_CACHE_SIZE (entries,
default 256; 0 disables it). Outside an app context there is no cache. Treat outcomes
as read-only: the lists are copied on the way out, the Groups and Places are shared.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from flask import current_app, g, has_app_context, has_request_context

from .lru import LRU
from .models import Query, SearchOutcome
from .search import search
from .store import Store

DEFAULT_SIZE = 256


class SearchCache(LRU):
    """An LRU of SearchOutcomes bounded by entries; size 0 keeps nothing."""

    def __init__(self, size: int = DEFAULT_SIZE):
        super().__init__(max_entries=size)
        self.size = self.max_entries

    def stats(self) -> dict:
        return {**super().stats(), "size": self.size}


def inventory_token(store: Store) -> tuple:
    """What identifies the inventory a store reads (changes with every import)."""
    return store.inventory_token()


def get_cache() -> Optional[SearchCache]:
    if not has_app_context():
        return None
    app = current_app._get_current_object()
    cache = app.extensions.get("finder_search_cache")
    if cache is None:
        cache = app.extensions.setdefault(
            "finder_search_cache",
            SearchCache(app.config.get("SEARCH_CACHE_SIZE", DEFAULT_SIZE)))
    return cache


def _copy(outcome: SearchOutcome) -> SearchOutcome:
    return replace(outcome, results=list(outcome.results),
                   nearest_outside=list(outcome.nearest_outside),
                   everywhere=list(outcome.everywhere), place_ids=list(outcome.place_ids))


def cached_search(store: Store, query: Query) -> SearchOutcome:
    """search.search(store, query), from the cache when the same search ran on this inventory."""
    cache = get_cache()
    if cache is None or not cache.size:
        outcome = search(store, query)
        _note(outcome, None)
        return outcome
    key = (inventory_token(store), query)
    outcome = cache.get(key)
    hit = outcome is not None
    if not hit:
        outcome = search(store, query)
        cache.put(key, outcome)
    _note(outcome, hit)
    return _copy(outcome)


def _note(outcome: SearchOutcome, hit: Optional[bool]) -> None:
    """For the request log: how many results, and whether the cache answered."""
    if has_request_context():
        g.result_count = outcome.total
        if hit is not None:
            g.search_cache = "hit" if hit else "miss"
