"""A small thread-safe least-recently-used cache, bounded by entries and/or by weight.

`LRU(max_entries, max_weight)`: either bound may be None (no limit). `put(key, value,
weight)` stores the value, then drops the least recently used entries until both bounds
hold; a value heavier than max_weight on its own is refused (not stored, nothing evicted),
and max_entries=0 stores nothing. `get(key)` is None for a missing key (so None cannot be
stored usefully) and makes a found key the most recent. Each Inventory's caches are
these: rankings (entries and places), pages and outputs (bytes), map data (entries and
markers). Values are shared, not copied.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Hashable, Optional


class LRU:
    def __init__(self, max_entries: Optional[int] = None, max_weight: Optional[int] = None):
        self.max_entries = None if max_entries is None else max(0, int(max_entries))
        self.max_weight = None if max_weight is None else max(0, int(max_weight))
        self._entries: "OrderedDict[Hashable, tuple[Any, int]]" = OrderedDict()
        self._lock = threading.Lock()
        self.weight = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value: Any, weight: int = 1) -> bool:
        """Store value (True), or refuse it (False) when it can never fit."""
        if self.max_entries == 0 or (self.max_weight is not None and weight > self.max_weight):
            return False
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.weight -= old[1]
            self._entries[key] = (value, weight)
            self.weight += weight
            while ((self.max_entries is not None and len(self._entries) > self.max_entries)
                   or (self.max_weight is not None and self.weight > self.max_weight)):
                self.weight -= self._entries.popitem(last=False)[1][1]
        return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.weight = 0

    def __len__(self) -> int:
        return len(self._entries)

    def stats(self) -> dict:
        with self._lock:
            return {"entries": len(self._entries), "weight": self.weight,
                    "hits": self.hits, "misses": self.misses,
                    "max_entries": self.max_entries, "max_weight": self.max_weight}
