"""What requests read: an in-memory copy of the inventory, refreshed only from a sound file.

Why: with a connection per request, a database file replaced by a corrupted one (or
overwritten in place, or deleted) breaks every page at once. Here each process keeps the
last good inventory in memory (SQLite backup API; a few MB at most) and watches the file
with a stat() per request:

- the file changed (an import committed, the file was replaced): it is opened read-only
  and its inventory version read; a new version, or a new file, is checked (`PRAGMA
  quick_check`, schema version) before it is copied into memory, replacing the previous
  copy. Other changes (an import still writing its transaction) cost a version read, and
  a full check at most every `check_every` seconds;
- the file is unusable: the last good copy keeps serving and `problem` says why (in
  French, naming FINDER_DATABASE) for /healthz; the next change of the file is retried;
- every `max_age` seconds the inventory version is re-read even without a visible change
  (a safety net for coarse file-system time stamps; 0 in tests).

Each serving thread queries its own copy of that in-memory database (sqlite3 connections
are not shared between threads), made from the process copy when the inventory changes.
Copies run with `PRAGMA query_only`: a view cannot write. So an import is seen by the next
request, and a bad file never reaches visitors.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Optional

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


def _memory_copy(source: Store, path: Path, token: tuple) -> Store:
    copy = Store(":memory:")
    source.db.backup(copy.db)
    copy.db.execute("PRAGMA query_only = ON")
    copy.path, copy.readonly = path, True
    copy.cache_token = token             # for searchcache.inventory_token
    return copy


class SnapshotReader:
    """Per app and process: the last good inventory read from `path`, per-thread copies."""

    def __init__(self, path: str | Path, *, max_age: float = 30.0, check_every: float = 60.0):
        self.path = Path(path)
        self.max_age = float(max_age)
        self.check_every = float(check_every)
        self._deep_checked_at = float("-inf")
        self._lock = threading.Lock()
        self._local = threading.local()
        self._master: Optional[Store] = None     # only read under the lock, to copy from
        self._token: Optional[tuple] = None
        self._signature: Optional[tuple] = None
        self._checked_at = float("-inf")
        self.problem = ""                        # why the file is unusable, "" when fine
        self.problem_since: Optional[float] = None
        self.loaded_at: Optional[float] = None
        self.reloads = 0

    def store(self) -> Store:
        """This thread's copy of the last good inventory, refreshed if the file changed.

        Raises StoreError only when no good inventory was ever read by this process.
        """
        signature = file_signature(self.path)
        if (signature != self._signature or self._master is None
                or time.monotonic() - self._checked_at >= self.max_age):
            with self._lock:
                self._refresh(signature)
        local = getattr(self._local, "copy", None)
        token = self._token
        if local is None or local.cache_token != token:
            with self._lock:
                if self._master is None:
                    raise StoreError(self.problem or problem_message(
                        f"aucun inventaire lisible dans {self.path}."))
                fresh = _memory_copy(self._master, self.path, self._token)
            if local is not None:
                local.close()
            self._local.copy = local = fresh
        return local

    def status(self) -> dict:
        return {"problem": self.problem, "reloads": self.reloads, "loaded_at": self.loaded_at}

    # -- under the lock -------------------------------------------------------------------
    def _refresh(self, signature: Optional[tuple]) -> None:
        now = time.monotonic()
        if (signature == self._signature and self._master is not None
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
        now = time.monotonic()
        new_file = (self._master is None or self._signature is None
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
            if token == self._token and self._master is not None:
                return
            if not deep:
                source.check()                   # a new inventory: always checked first
                self._deep_checked_at = now
            master = _memory_copy(source, self.path, token)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"base de données corrompue ou illisible ({self.path}) : "
                             f"{exc}") from exc
        finally:
            source.close()
        old, self._master, self._token = self._master, master, token
        self.loaded_at = time.time()
        self.reloads += 1
        if old is not None:
            old.close()

    def _set_problem(self, problem: str) -> None:
        if problem and not self.problem:
            self.problem_since = time.time()
        elif not problem:
            self.problem_since = None
        self.problem = problem
