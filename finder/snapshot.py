"""What requests read: the last sound inventory, in memory, one Inventory per version.

Why: with a connection per request, a database file replaced by a corrupted one (or
overwritten in place, or deleted) breaks every page at once. Here each process keeps the
last good inventory in memory (an `Inventory`, finder/inventory.py: a copy of the
database plus everything derived from it) and watches the file with a stat() per request:

- the file changed (an import or an edit committed, the file was replaced): it is opened
  read-only and its inventory version read; a new version, or a new file, is checked
  (`PRAGMA quick_check`, schema version) before a new Inventory is made from it, which
  replaces the previous one (and its caches). Other changes (an import still writing its
  transaction) cost a version read, and a full check at most every `check_every` seconds;
- the file is unusable (missing, emptied, corrupted, or sound but without any group while
  we serve some): the last good Inventory keeps serving and `problem` says why (in
  French, naming FINDER_DATABASE) for /healthz; the next change of the file is retried;
- every `max_age` seconds the inventory version is re-read even without a visible change
  (a safety net for coarse file-system time stamps; 0 in tests).

Under gunicorn the master reads it before forking each worker (gunicorn.conf.py
`pre_fork`, db.before_fork): a worker started after the file went bad (max_requests, HUP)
still serves the last sound inventory. An import is seen by the next request, and a bad
file never reaches visitors.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Optional

from .inventory import CacheSizes, Inventory
from .store import Store, StoreError

SETTING = "FINDER_DATABASE"


def file_signature(path: Path) -> Optional[tuple]:
    """Changes whenever the file or its write-ahead log is written or replaced."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    try:
        wal = os.stat(f"{path}-wal")
        wal_sig = (wal.st_size, wal.st_mtime_ns)
    except OSError:
        wal_sig = None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, wal_sig)


def problem_message(detail: str) -> str:
    return (f"Inventaire illisible : {detail} Les visiteurs voient encore le dernier "
            f"inventaire sain s'il y en a un. Réglez {SETTING} sur un fichier sain, ou "
            f"réimportez l'inventaire (flask --app finder import <fichier>).")


class SnapshotReader:
    """Per app and process: the last good Inventory read from `path`."""

    def __init__(self, path: str | Path, geography=None, *, max_age: float = 30.0,
                 check_every: float = 60.0, sizes: CacheSizes = CacheSizes()):
        self.path = Path(path)
        self.geography = geography
        self.sizes = sizes
        self.max_age = float(max_age)
        self.check_every = float(check_every)
        self._deep_checked_at = float("-inf")
        self._lock = threading.Lock()
        self._inventory: Optional[Inventory] = None
        self._signature: Optional[tuple] = None
        self._checked_at = float("-inf")
        self.problem = ""                        # why the file is unusable, "" when fine
        self.problem_since: Optional[float] = None
        self.loaded_at: Optional[float] = None
        self.reloads = 0

    def current(self) -> Inventory:
        """The last good Inventory, refreshed first if the file changed.

        Raises StoreError when there is nothing to serve: no good inventory was ever read
        by this process (nor by the master it was forked from), or only an empty one while
        the file is unusable (an empty directory would tell visitors "no group near you").
        """
        signature = file_signature(self.path)
        if (signature != self._signature or self._inventory is None
                or time.monotonic() - self._checked_at >= self.max_age):
            with self._lock:
                self._refresh(signature)
        inventory = self._inventory
        if inventory is None or (self.problem and inventory.empty):
            raise StoreError(self.problem or problem_message(
                f"aucun inventaire lisible dans {self.path}."))
        return inventory

    def store(self) -> Store:
        """This thread's copy of the current inventory's database."""
        return self.current().store()

    def status(self) -> dict:
        return {"problem": self.problem, "reloads": self.reloads, "loaded_at": self.loaded_at}

    # -- under the lock -------------------------------------------------------------------
    def _refresh(self, signature: Optional[tuple]) -> None:
        now = time.monotonic()
        if (signature == self._signature and self._inventory is not None
                and now - self._checked_at < self.max_age):
            return                                   # another thread just did it
        try:
            self._read(signature)
        except StoreError as exc:
            self._set_problem(problem_message(str(exc)))
        else:
            self._set_problem("")
        # Until the file changes again (or max_age passes), do not retry.
        self._signature, self._checked_at = signature, now

    def _read(self, signature: Optional[tuple]) -> None:
        if signature is None:
            raise StoreError(f"le fichier {self.path} est introuvable.")
        if signature[2] == 0:
            raise StoreError(f"le fichier {self.path} est vide.")
        now = time.monotonic()
        old = self._inventory
        new_file = (old is None or self._signature is None
                    or signature[:2] != self._signature[:2])        # (st_dev, st_ino)
        deep = new_file or (signature != self._signature
                            and now - self._deep_checked_at >= self.check_every)
        source = Store(self.path, readonly=True)
        try:
            if deep:
                source.check()
                self._deep_checked_at = now
            try:
                token = (str(self.path), source.inventory_version(),
                         source.get_meta("imported_at", ""))
            except Exception as exc:             # sqlite3.DatabaseError on a file gone bad
                raise StoreError(f"base de données corrompue ou illisible ({self.path}) : "
                                 f"{exc}") from exc
            if old is not None and token == old.token:
                return
            if not deep:
                source.check()                   # a new inventory: always checked first
                self._deep_checked_at = now
            inventory = Inventory(source, token, self.geography, self.sizes)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"base de données corrompue ou illisible ({self.path}) : "
                             f"{exc}") from exc
        finally:
            source.close()
        if old is not None and not old.empty and inventory.empty:
            raise StoreError(f"le fichier {self.path} ne contient plus aucun groupe "
                             f"(l'inventaire servi en a {old.counts['groups']}).")
        self._inventory = inventory
        self.loaded_at = time.time()
        self.reloads += 1

    def _set_problem(self, problem: str) -> None:
        if problem and not self.problem:
            self.problem_since = time.time()
        elif not problem:
            self.problem_since = None
        self.problem = problem
