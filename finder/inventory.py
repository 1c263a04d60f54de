"""One inventory version in memory, and everything derived from it.

The snapshot reader (snapshot.py) makes one `Inventory` per inventory version it reads
(the token an import or an edit changes) from a file it has checked. It holds:

- the database, copied into memory: each serving thread reads its own read-only copy
  (`store()`; sqlite3 connections are not shared between threads);
- what is derived from the version, built once on first use: the place index, the text
  index (words typed, for-whom / offers / free filters), the catalog (every place and
  group as plain data, what a page of results is read from), the demo flag, the themes, the
  counts, every place's public map point and the map's cluster index, and what a
  caller derives with `derived(name, build)` (the search form's commune options);
- the caches of what was asked, keyed by the question only: rankings (`search.rank`,
  under `Query.unpaged()`: a page, its other pages and its map data share one search),
  rendered pages, map data, and the whole-inventory outputs (`output()`: serialised
  once, served from memory with their ETag).

When the version changes the reader drops the old Inventory and everything derived and
cached goes with it: no cache anywhere is keyed by a token, nothing to invalidate.
Nothing here knows Flask (finder/web/ reaches the current one through db.get_inventory).
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Optional

from .catalog import Catalog
from .clusters import ClusterIndex
from .lru import LRU
from .mapcontent import public_point
from .models import CHAPTERS, Query, SearchOutcome
from .placeindex import PlaceIndex
from .search import Ranking, page, place_schedules, rank
from .store import Store
from .textindex import TextIndex

# Python 3.11+: threads copy from an image in plain memory (also safe across fork()).
_SERIALIZE = hasattr(sqlite3.Connection, "serialize")


@dataclass(frozen=True)
class CacheSizes:
    """Bounds of one Inventory's caches (config: SEARCH_CACHE_SIZE, PAGE_CACHE_BYTES,
    OUTPUT_CACHE_BYTES); 0 switches a cache off."""
    searches: int = 256                 # rankings kept
    search_places: int = 2_000_000      # ... holding at most this many places together
    page_bytes: int = 32 * 1024 * 1024  # rendered pages
    map_entries: int = 64               # map data payloads
    map_markers: int = 400_000          # ... holding at most this many markers together
    output_bytes: int = 256 * 1024 * 1024   # whole-inventory outputs (JSON, CSV, feed)


@dataclass(frozen=True)
class Themes:
    by_chapter: tuple[tuple[str, tuple[str, ...]], ...]   # (chapter title, its themes)
    known: frozenset[str]
    all: tuple[str, ...]                                   # every theme, sorted


@dataclass(frozen=True)
class Output:
    """A whole-inventory output, serialised once: its bytes and their ETag."""
    body: bytes
    etag: str


_MISSING = object()


class Inventory:
    def __init__(self, source: Store, token: tuple, geography,
                 sizes: CacheSizes = CacheSizes()):
        """source: a checked, sound store; its content is copied into memory now."""
        self.token = token
        self.path = source.path
        self.geography = geography
        self.sizes = sizes
        memory = sqlite3.connect(":memory:", check_same_thread=False)
        source.db.backup(memory)
        if _SERIALIZE:
            image = bytearray(memory.serialize())
            image[18:20] = b"\x01\x01"     # the file's WAL mode: a plain database in memory
            self._image: Optional[bytes] = bytes(image)
            memory.close()
            self._master: Optional[sqlite3.Connection] = None
        else:
            self._image, self._master = None, memory
        self._copy_lock = threading.Lock()
        self._local = threading.local()
        self._derive_lock = threading.RLock()
        self._derived: dict[str, Any] = {}
        self._building: dict[Hashable, threading.Lock] = {}
        self._count_lock = threading.Lock()
        self.searches_run = 0           # rankings computed (not answered from the cache)
        self.rankings = LRU(max_entries=sizes.searches, max_weight=sizes.search_places)
        self.pages = LRU(max_weight=sizes.page_bytes)
        self.map_data = LRU(max_entries=sizes.map_entries, max_weight=sizes.map_markers)
        self.outputs = LRU(max_weight=sizes.output_bytes)

    def __repr__(self) -> str:
        return f"<Inventory {self.token!r}>"

    # -- the data ----------------------------------------------------------------------
    def store(self) -> Store:
        """This thread's read-only copy of the inventory (made on first use)."""
        local = self._local
        copy = getattr(local, "copy", None)
        if copy is None or local.pid != os.getpid():     # a forked worker makes its own
            copy = Store(":memory:")
            if self._image is not None:
                copy.db.deserialize(self._image)
            else:
                with self._copy_lock:
                    self._master.backup(copy.db)
            copy.db.execute("PRAGMA query_only = ON")
            copy.path, copy.readonly, copy.cache_token = self.path, True, self.token
            local.copy, local.pid = copy, os.getpid()
        return copy

    @property
    def version(self) -> int:
        return int(self.token[1])

    def derived(self, name: Hashable, build: Callable[[], Any]) -> Any:
        """build(), once per inventory version (thread-safe)."""
        value = self._derived.get(name, _MISSING)
        if value is _MISSING:
            with self._derive_lock:
                value = self._derived.get(name, _MISSING)
                if value is _MISSING:
                    value = self._derived[name] = build()
        return value

    @property
    def index(self) -> PlaceIndex:
        return self.derived("index", lambda: PlaceIndex.build(self.store()))

    @property
    def catalog(self) -> Catalog:
        """Every place and group (search.page reads its page from it, not from SQLite)."""
        return self.derived("catalog", lambda: Catalog.build(self.store()))

    @property
    def text_index(self) -> TextIndex:
        """Words typed and the for-whom / offers / free filters (textindex.py)."""
        return self.derived("text_index", lambda: TextIndex.build(self.store()))

    @property
    def demo(self) -> bool:
        """True while any group is demonstration data (every page says so)."""
        return self.derived("demo", lambda: self.store().is_demo())

    @property
    def counts(self) -> dict:
        return self.derived("counts", lambda: self.store().counts())

    @property
    def empty(self) -> bool:
        return not self.counts["groups"]

    @property
    def themes(self) -> Themes:
        def build() -> Themes:
            found = self.store().themes_by_chapter()
            known = frozenset(t for ts in found.values() for t in ts)
            return Themes(by_chapter=tuple((title, tuple(found[slug]))
                                           for slug, title, _ in CHAPTERS if found.get(slug)),
                          known=known, all=tuple(sorted(known)))
        return self.derived("themes", build)

    @property
    def public_points(self) -> dict[int, tuple]:
        """place id -> (lat, lon, approximate, chapter index) where the public sees it."""
        return self.derived("public_points", lambda: {
            row[0]: public_point(row, self.geography) for row in self.store().map_points()})

    @property
    def clusters(self) -> ClusterIndex:
        """Every public point in Z-order: the map's clusters for any search and view
        (finder/clusters.py)."""
        return self.derived("clusters", lambda: ClusterIndex.from_points(self.public_points))

    @property
    def schedules(self) -> dict:
        """place id -> its structured schedule (the schedule filters read it)."""
        return self.derived("schedules", lambda: place_schedules(self.catalog, self.index))

    def everywhere(self, chapter: Optional[str], theme: Optional[str]) -> tuple:
        """The services without a meeting place for a chapter and theme (every search
        shows them), read once per version and pair; a theme no group has has none."""
        if theme and theme not in self.themes.known:
            return ()
        return self.derived(("everywhere", chapter, theme), lambda: tuple(
            self.store().groups_without_places(chapter=chapter, theme=theme)))

    def warm(self) -> "Inventory":
        """Build what every search needs now (before a server forks its workers): the
        index and catalog, the words typed (text_index), the map's clusters and the
        schedules. A worker forked after this shares them; otherwise each worker's first
        visitors would wait while it builds its own (at 10,000 places: text_index 0.46 s,
        catalog 0.57 s, the map's points and clusters 0.12 s)."""
        (self.index, self.catalog, self.demo, self.counts, self.themes,   # noqa: B018
         self.text_index, self.clusters, self.schedules)
        return self

    # -- searches ----------------------------------------------------------------------
    def ranking(self, query: Query) -> tuple[Ranking, bool]:
        """The ranking of query without its page, and whether the cache had it."""
        key = query.unpaged()
        found = self.rankings.get(key)
        if found is not None:
            return found, True
        found = rank(self.store(), self.index, key,
                     self.text_index if key.needs_text_index else None,
                     everywhere=self.everywhere(key.chapter, key.theme),
                     schedules=self.schedules if key.has_schedule_filter else None,
                     catalog=self.catalog)
        with self._count_lock:
            self.searches_run += 1
        self.rankings.put(key, found, len(found) + 1)
        return found, False

    def search(self, query: Query) -> tuple[SearchOutcome, bool]:
        """One page of results (query.offset, query.limit) and whether it was cached."""
        ranking, hit = self.ranking(query)
        return page(self.catalog, ranking, query.offset, query.limit), hit

    # -- whole-inventory outputs ---------------------------------------------------------
    def output(self, key: Hashable, build: Callable[[], bytes]) -> Output:
        """build() once per version and key (a request asking while another builds waits
        for it instead of building too); kept while it fits in the budget."""
        found = self.outputs.get(key)
        if found is not None:
            return found
        with self._derive_lock:
            lock = self._building.setdefault(key, threading.Lock())
        with lock:
            found = self.outputs.get(key)
            if found is None:
                body = build()
                found = Output(body, hashlib.sha256(body).hexdigest()[:32])
                self.outputs.put(key, found, len(body))
        with self._derive_lock:
            self._building.pop(key, None)
        return found

    def stats(self) -> dict:
        return {"version": self.version, "searches_run": self.searches_run,
                "searches": self.rankings.stats(), "pages": self.pages.stats(),
                "map_data": self.map_data.stats(), "outputs": self.outputs.stats()}
