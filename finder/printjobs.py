"""Printed inventories built once per inventory version, in the background, kept on disk.

A brochure of thousands of groups takes minutes to lay out: far beyond a request (gunicorn
cuts a worker after FINDER_TIMEOUT, 30 s). So no request builds one. The PDFs live in one
folder (`BROCHURE_DIR`, by default `brochures/` beside the database, i.e. in the instance
folder), shared by every gunicorn worker and every command:

  <edition>.<version>.<day>.pdf   a finished PDF: one edition (chapter, province) of one
                                  inventory version, its next dates computed on that day
  build.lock                      held (fcntl.flock) by the one build running. The kernel
                                  releases it when its process ends, however it ends: a
                                  lock left by a dead build is free for the next one
  build.json                      what that build is doing (edition, pid, start, pages
                                  laid out so far), rewritten as it goes
  build.log                       the last background build's own output (its errors)

`PrintJobs.start` takes the lock without waiting and hands it to a new process (the
`flask brochure --warm` command, see cli.py), which keeps it until it has written its PDF
and removed the PDFs of older versions. A request that finds the lock taken starts
nothing. Nothing here knows Flask or SQL: web/brochure.py and cli.py call it.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from .text import fold

LOCK_NAME, STATUS_NAME, LOG_NAME = "build.lock", "build.json", "build.log"
FAILED_NAME, DONE_NAME = "failed.json", "editions.json"
MAX_LOG_BYTES = 1_000_000        # build.log starts again past this size
RETRY_FAILED_AFTER = 600         # seconds before a failed build is tried again by a request

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Edition:
    """What one printed inventory covers: a chapter (None: all) and a province (None: all)."""
    chapter: Optional[str] = None
    province: Optional[str] = None

    @property
    def slug(self) -> str:
        province = re.sub(r"[^a-z0-9]+", "-", fold(self.province)).strip("-") \
            if self.province else "partout"
        return f"{self.chapter or 'tout'}_{province}"

    def args(self) -> list[str]:
        """The options of `flask brochure` that print this edition."""
        return ((["--chapter", self.chapter] if self.chapter else [])
                + (["--province", self.province] if self.province else []))


def version_tag(token: tuple) -> str:
    """A short name for an inventory version (its number and import time; not the path)."""
    number, imported_at = token[1], token[2] if len(token) > 2 else ""
    digest = hashlib.sha256(f"{number}|{imported_at}".encode()).hexdigest()[:8]
    return f"v{number}-{digest}"


@dataclass(frozen=True)
class Found:
    path: Path
    current: bool             # built for today (False: an earlier day of the same version)


class PrintJobs:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    @classmethod
    def for_config(cls, config) -> "PrintJobs":
        """BROCHURE_DIR, or `brochures/` beside the database."""
        folder = config.get("BROCHURE_DIR") or Path(config["DATABASE"]).parent / "brochures"
        return cls(Path(folder).expanduser().resolve())

    def child_env(self, config) -> dict[str, str]:
        """The settings a build in another process needs to read the same inventory."""
        env = {"FINDER_DATABASE": str(config["DATABASE"]),
               "FINDER_GEO_DIR": str(config["GEO_DIR"]),
               "FINDER_PLACE_ALIASES": str(config.get("PLACE_ALIASES") or ""),
               "FINDER_BROCHURE_DIR": str(self.folder)}
        now = config.get("SCHEDULE_NOW")
        if now:
            env["FINDER_SCHEDULE_NOW"] = now.isoformat() if hasattr(now, "isoformat") else now
        return env

    # -- the PDFs ---------------------------------------------------------------------------
    def pdf_path(self, edition: Edition, tag: str, day: str) -> Path:
        return self.folder / f"{edition.slug}.{tag}.{day}.pdf"

    def find(self, edition: Edition, tag: str, day: str) -> Optional[Found]:
        """The PDF of this edition and version: today's, else the latest earlier day's (its
        cover says the day its next dates were computed), else None."""
        today = self.pdf_path(edition, tag, day)
        if today.is_file():
            return Found(today, True)
        earlier = sorted(p for p in self.folder.glob(f"{edition.slug}.{tag}.*.pdf")
                         if p.name < today.name)
        return Found(earlier[-1], False) if earlier else None

    def save(self, edition: Edition, tag: str, day: str, body: bytes) -> Path:
        """Write the PDF whole (a reader never sees half a file), then remove the PDFs of
        other versions, and this edition's of earlier days."""
        path = self.pdf_path(edition, tag, day)
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        partial.write_bytes(body)
        os.replace(partial, path)
        (self.folder / FAILED_NAME).unlink(missing_ok=True)
        for old in self.folder.glob("*.pdf"):
            parts = old.name.split(".")
            if len(parts) != 4:
                continue
            if parts[1] != tag or (parts[0] == edition.slug and parts[2] < day):
                old.unlink(missing_ok=True)
        return path

    def record_failure(self, edition: Edition, tag: str, message: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / FAILED_NAME).write_text(json.dumps(
            {"edition": edition.slug, "tag": tag, "at": time.time(), "error": message},
            ensure_ascii=False), encoding="utf-8")

    def failure(self, edition: Edition, tag: str) -> Optional[dict]:
        """The last failed build of this edition and version, if it failed recently."""
        failed = self._read(FAILED_NAME)
        if (failed.get("edition"), failed.get("tag")) != (edition.slug, tag):
            return None
        return failed if time.time() - failed.get("at", 0) < RETRY_FAILED_AFTER else None

    def record_done(self, edition: Edition, pages: int, seconds: float) -> None:
        """How long the edition's last build was: the next one's page gives an idea."""
        done = self._read(DONE_NAME)
        done[edition.slug] = {"pages": pages, "seconds": round(seconds)}
        partial = self.folder / f".{DONE_NAME}.{os.getpid()}"
        partial.write_text(json.dumps(done, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, self.folder / DONE_NAME)

    def last_build(self, edition: Edition) -> dict:
        """{"pages", "seconds"} of the edition's last build ({} when never built here)."""
        found = self._read(DONE_NAME).get(edition.slug)
        return found if isinstance(found, dict) else {}

    def _read(self, name: str) -> dict:
        try:
            found = json.loads((self.folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    # -- the lock -----------------------------------------------------------------------------
    def _open_lock(self) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        return os.open(self.folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)

    def try_lock(self) -> Optional[int]:
        """The lock's file descriptor if no build holds it (None: a build is running)."""
        fd = self._open_lock()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    @contextmanager
    def hold(self, fd: Optional[int] = None, *, on_wait=None) -> Iterator[None]:
        """Hold the lock for a build: the one inherited (fd) or taken now, waiting for a
        running build to end (on_wait() is called first, to say so)."""
        if fd is None:
            fd = self.try_lock()
            if fd is None:
                if on_wait:
                    on_wait(self.status())
                fd = self._open_lock()
                fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            (self.folder / STATUS_NAME).unlink(missing_ok=True)
            os.close(fd)                                  # releases the lock

    def running(self) -> bool:
        fd = self.try_lock()
        if fd is None:
            return True
        os.close(fd)
        return False

    # -- what the build is doing --------------------------------------------------------------
    def write_status(self, **status) -> None:
        status.setdefault("pid", os.getpid())
        path = self.folder / STATUS_NAME
        partial = path.with_name(f".{STATUS_NAME}.{os.getpid()}")
        partial.write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, path)

    def status(self) -> Optional[dict]:
        """What the running build said last (None when none runs: a status left by a dead
        build is not shown)."""
        if not self.running():
            return None
        try:
            return json.loads((self.folder / STATUS_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}                # the build has just started and not written yet

    # -- starting a build -------------------------------------------------------------------
    def start(self, edition: Edition, env: dict[str, str], *,
              online_url: str = "") -> bool:
        """Start `flask brochure --warm` for edition in a process of its own, unless a build
        is running. env: the FINDER_* settings it needs (database, geography...)."""
        fd = self.try_lock()
        if fd is None:
            return False
        try:
            started = time.time()
            self.write_status(edition=edition.slug, started=started, stage="démarrage",
                              pages=0)
            command = [sys.executable, "-m", "flask", "--app", "finder", "brochure", "--warm",
                       "--lock-fd", str(fd), *edition.args()]
            if online_url:
                command += ["--online-url", online_url]
            package_parent = str(Path(__file__).resolve().parents[1])
            child_env = dict(os.environ, **env)
            child_env["PYTHONPATH"] = os.pathsep.join(
                p for p in (package_parent, os.environ.get("PYTHONPATH", "")) if p)
            log_path = self.folder / LOG_NAME
            too_long = log_path.is_file() and log_path.stat().st_size > MAX_LOG_BYTES
            with open(log_path, "wb" if too_long else "ab") as output:
                process = subprocess.Popen(
                    command, env=child_env, pass_fds=(fd,), stdin=subprocess.DEVNULL,
                    stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
                    cwd=str(self.folder))
            self.write_status(edition=edition.slug, started=started, stage="démarrage",
                              pages=0, pid=process.pid)
        finally:
            os.close(fd)              # the child holds the lock from now on
        # reap it when it ends (no zombie left in a long-lived worker)
        threading.Thread(target=process.wait, daemon=True, name="brochure-reaper").start()
        log.info("brochure build started: %s (pid %s)", edition.slug, process.pid)
        return True


    def warm(self, config, inventory, day: str) -> bool:
        """After an import or an edit: start building the whole inventory's PDF for the new
        version, when BROCHURE_WARM is on and this site prints brochures (the folder exists:
        /inventaire.pdf was asked for once, or `flask brochure --warm` ran). A build
        running then builds the newer version when it has finished (cli_brochure.py).
        inventory: a function giving the new version's Inventory, called only when warming
        applies (reading the inventory is work a site that prints nothing does not need)."""
        if not config.get("BROCHURE_WARM", True) or not self.folder.is_dir():
            return False
        found = self.find(Edition(), version_tag(inventory().token), day)
        if found is not None and found.current:
            return False
        return self.start(Edition(), self.child_env(config),
                          online_url=config.get("SITE_URL") or "")


class LayoutProgress(logging.Handler):
    """Turns WeasyPrint's progress log ("Step 5 - Creating layout - Page 12") into
    build.json, at most once a second."""

    def __init__(self, jobs: PrintJobs, **status):
        super().__init__(logging.INFO)
        self.jobs, self.status, self._written = jobs, status, 0.0
        self.pages_before = 0

    def update(self, **changes) -> None:
        self.status.update(changes)
        self.jobs.write_status(**self.status)
        self._written = time.monotonic()

    def part(self, pages_before: int) -> None:
        """A part of the brochure starts: WeasyPrint counts its pages from 1 again."""
        self.pages_before = pages_before

    def emit(self, record: logging.LogRecord) -> None:
        if record.args and "Page" in str(record.msg):
            pages = self.pages_before + int(record.args[0])
            self.status["pages"] = max(self.status.get("pages", 0), pages)
            if time.monotonic() - self._written >= 1.0:
                self.update()

    @contextmanager
    def counting(self, label: str, items) -> Iterator:
        """The groups being gathered, counted into build.json (before the layout starts)."""
        def each():
            number = 0
            for number, item in enumerate(items, start=1):
                if number % 50 == 0 and time.monotonic() - self._written >= 1.0:
                    self.update(groups=number)
                yield item
            self.update(groups=number)
        yield each()

    @contextmanager
    def attached(self) -> Iterator["LayoutProgress"]:
        logger = logging.getLogger("weasyprint.progress")
        level = logger.level
        logger.setLevel(logging.INFO)
        logger.addHandler(self)
        try:
            yield self
        finally:
            logger.removeHandler(self)
            logger.setLevel(level)
