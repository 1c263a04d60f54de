"""The inventory store: a SQLite file. With store_schema.py and the store_*.py mixins
(store_groups: groups and places; store_text: text search; store_map: map markers;
store_history, store_accounts, store_proposals), the only place with SQL.

One `Store` wraps one connection. Writers use `transaction()`; an import replaces
what changed inside a single transaction, so a crash leaves the previous inventory.
"""
from __future__ import annotations

import json
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional

from .models import CHAPTERS
from .store_accounts import AccountsMixin
from .store_groups import GroupsMixin
from .store_history import HistoryMixin
from .store_map import MapStore
from .store_proposals import ProposalsMixin
from .store_schema import MIGRATIONS, SCHEMA_VERSION
from .store_text import TextStore


class StoreError(Exception):
    """The database cannot be used (corrupted, newer schema...). Message in French."""


class Store(GroupsMixin, AccountsMixin, HistoryMixin, MapStore, ProposalsMixin, TextStore):
    def __init__(self, path: str | Path, *, readonly: bool = False, create: bool = True):
        """readonly: never writes; create=False: the file must exist (the app's commands
        and views: only `import` and `init-db` create a database, db.open_database)."""
        self.path = Path(path)
        self.readonly = readonly
        try:
            if readonly or not create:
                uri = f"file:{self.path}?mode={'ro' if readonly else 'rw'}"
                self.db = sqlite3.connect(uri, uri=True, check_same_thread=False,
                                          isolation_level=None)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(self.path, check_same_thread=False,
                                          isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 5000")
        except sqlite3.Error as exc:
            raise StoreError(f"Base de données illisible ({self.path}) : {exc}") from exc

    def close(self) -> None:
        self.db.close()

    # -- schema ------------------------------------------------------------------
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> int:
        """Bring the schema to SCHEMA_VERSION; returns the number of steps applied."""
        try:
            current = self.schema_version()
            if current > SCHEMA_VERSION:
                raise StoreError(self._newer_schema(current))
            if not self.readonly and current < SCHEMA_VERSION:
                self.db.execute("PRAGMA journal_mode = WAL")
            for version in range(current, SCHEMA_VERSION):
                # One script, one transaction: a migration applies whole or not at all.
                self.db.executescript(
                    f"BEGIN IMMEDIATE; {MIGRATIONS[version]}\n"
                    f"PRAGMA user_version = {version + 1}; COMMIT;")
            with self.transaction():
                self.db.executemany(
                    "INSERT INTO chapters (slug, title, colour, position) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(slug) DO UPDATE SET title = excluded.title,"
                    " colour = excluded.colour, position = excluded.position",
                    [(s, t, c, i) for i, (s, t, c) in enumerate(CHAPTERS)])
            return SCHEMA_VERSION - current
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"Base de données corrompue ou illisible ({self.path}) : {exc}") from exc

    def _newer_schema(self, version: int) -> str:
        return (f"La base {self.path} a été écrite par une version plus récente du logiciel "
                f"(schéma {version}, celui-ci connaît le schéma {SCHEMA_VERSION}) : mettez "
                f"le logiciel à jour, ou utilisez un autre fichier.")

    def check(self) -> None:
        """Raise StoreError unless the file is a sound database at our schema."""
        try:
            row = self.db.execute("PRAGMA quick_check").fetchone()
            if row[0] != "ok":
                raise StoreError(f"Base de données corrompue ({self.path}) : {row[0]}")
            version = self.schema_version()
            if version > SCHEMA_VERSION:
                raise StoreError(self._newer_schema(version))
            if version != SCHEMA_VERSION:
                raise StoreError(f"Base de données non initialisée ({self.path}).")
            self.db.execute("SELECT count(*) FROM groups").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"Base de données corrompue ou illisible ({self.path}) : {exc}") from exc

    @contextmanager
    def transaction(self, *, wait: bool = False, on_wait: Callable[[], None] = lambda: None,
                    max_wait_seconds: float = 3600.0) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT; ROLLBACK on any exception.

        BEGIN IMMEDIATE takes the database's write lock: a second writer waits for the
        first (busy_timeout). With `wait`, it keeps waiting past busy_timeout (an import
        writing 30,000 places holds the lock longer), calling `on_wait()` once, up to
        `max_wait_seconds`; read what you are about to change inside the transaction.
        """
        deadline = time.monotonic() + max_wait_seconds
        told = False
        while True:
            try:
                self.db.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                busy = getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY,
                                                                  sqlite3.SQLITE_LOCKED)
                if not (wait and busy):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"La base {self.path} est occupée par une autre écriture (un autre "
                        f"import ?) depuis plus de {max_wait_seconds / 60:.0f} minutes : "
                        "rien n'a été modifié. Réessayez quand elle sera terminée.") from None
                if not told:
                    told = True
                    on_wait()
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    # -- meta ---------------------------------------------------------------------
    def get_meta(self, key: str, default: Optional[str] = None) -> Optional[str]:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def inventory_version(self) -> int:
        """Bumped by every import that changes something: a cache key for readers."""
        return int(self.get_meta("inventory_version", "0"))

    def inventory_token(self) -> tuple:
        """What identifies the inventory this store reads: changes with every import,
        and with a file replaced by another one. Snapshots compute it once (cache_token)."""
        token = getattr(self, "cache_token", None)
        if token is not None:
            return token
        return (str(self.path), self.inventory_version(), self.get_meta("imported_at", ""))

    def vacuum(self) -> bool:
        """Give the space of removed rows back to the file system (outside a transaction).
        False when another connection keeps it from running: the file stays larger, that
        is all."""
        try:
            self.db.execute("VACUUM")
        except sqlite3.OperationalError:
            return False
        return True

    def free_pages(self) -> int:
        return self.db.execute("PRAGMA freelist_count").fetchone()[0]

    def bump_inventory_version(self, source: str) -> None:
        self.set_meta("inventory_version", str(self.inventory_version() + 1))
        self.set_meta("imported_at", time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        self.set_meta("imported_from", source)

    # -- geocoding cache ----------------------------------------------------------------
    def cache_get(self, key: str) -> Optional[dict]:
        row = self.db.execute("SELECT value FROM geocode_cache WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def cache_put(self, key: str, value: dict) -> None:
        self.db.execute(
            "INSERT INTO geocode_cache (key, value, stored_at) VALUES (?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
            " stored_at = excluded.stored_at", (key, json.dumps(value), time.time()))
