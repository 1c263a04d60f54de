"""Per-app resources: the geography (once per process) and the inventory.

Requests read the current `Inventory` (finder/inventory.py) through the snapshot reader
(finder/snapshot.py): one object per inventory version, holding a per-thread in-memory
copy of the database and everything derived from it; a corrupted or replaced file never
reaches visitors. Commands (import, export...) get their own read-write Store per app
context, as before.
"""
from __future__ import annotations

import os

from flask import Flask, current_app, g, has_request_context

from .aliases import PlaceAliasError
from .config import data_file, serving
from .thesaurus import THESAURUS_NAME, ThesaurusError, read_thesaurus
from .geography import Geography, GeographyError, load_geography
from .inventory import CacheSizes, Inventory
from .snapshot import SnapshotReader
from .store import Store, StoreError


class StartupError(SystemExit):
    """The app cannot start: a clear message, no traceback (a SystemExit is printed as is).

    Raised by create_app() for an unusable FINDER_DATABASE or FINDER_GEO_DIR, so `flask run`,
    `flask <command>` and gunicorn (preload_app) all stop with one readable paragraph.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def get_geography() -> Geography:
    return load_geography(current_app.config["GEO_DIR"], current_app.config["PLACE_ALIASES"])


def geocoder_chain(store: Store):
    """The geocoder chain as configured (offline; Nominatim when enabled), caching in
    `store`: the import and the admin's place forms both locate with it."""
    from .geocoding import build_geocoder_chain
    cfg = current_app.config
    return build_geocoder_chain(
        get_geography(), online_enabled=bool(cfg["GEOCODING_ONLINE"]), cache=store,
        user_agent=f"{cfg['USER_AGENT']} ({cfg['MAINTAINER_EMAIL']})",
        nominatim_domain=cfg["NOMINATIM_DOMAIN"], nominatim_scheme=cfg["NOMINATIM_SCHEME"],
        min_delay_seconds=float(cfg["NOMINATIM_MIN_DELAY_SECONDS"]))


def get_reader() -> SnapshotReader:
    return get_reader_of(current_app)


def get_inventory() -> Inventory:
    """The inventory this request reads (the same object for the whole request)."""
    if "inventory" not in g:
        if has_request_context():
            g.inventory = get_reader().current()
        else:                     # a command: no inventory is one paragraph, no traceback
            path = current_app.config["DATABASE"]
            if database_missing(path):
                raise StartupError(missing_database_message(path))
            try:
                g.inventory = get_reader().current()
            except StoreError as exc:
                raise StartupError(startup_message(exc, "FINDER_DATABASE")) from None
    return g.inventory


def get_store(*, create: bool = False) -> Store:
    """Requests: this thread's copy of the current inventory. Commands: a read-write Store
    on the file, which must exist unless create (only `import` and `init-db` create)."""
    if "store" not in g:
        if has_request_context() and current_app.config.get("SNAPSHOT_READS", True):
            g.store = get_inventory().store()
            g.store_is_snapshot = True
        else:
            g.store = open_database(current_app.config["DATABASE"], create=create)
    return g.store


def database_missing(path) -> bool:
    """No file, or an empty one (SQLite would silently make a new database of it)."""
    try:
        return os.path.getsize(path) == 0
    except OSError:
        return True


def missing_database_message(path) -> str:
    return startup_message(
        f"aucun inventaire dans {path} (fichier introuvable ou vide). Seules les commandes "
        f"« flask --app finder init-db » et « flask --app finder import <fichier> » créent "
        f"une base ; sinon réglez FINDER_DATABASE sur le fichier de l'inventaire.",
        "FINDER_DATABASE")


def open_database(path, *, create: bool = False) -> Store:
    """A read-write Store on the inventory file; a missing or empty file stops the command
    with one paragraph (StartupError) unless create, which makes it at the current schema."""
    if not database_missing(path):
        return Store(path, create=False)
    if not create:
        raise StartupError(missing_database_message(path))
    store = Store(path)
    store.migrate()
    return store


def get_writer() -> Store:
    """A read-write connection to the database file itself (the admin, account commands):
    what it writes bumps the inventory version, so every snapshot sees it next request."""
    if "writer" not in g:
        if not has_request_context():
            return get_store()           # commands: already a connection to the file
        g.writer = Store(current_app.config["DATABASE"], create=False)
    return g.writer


def close_store(exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None and not g.pop("store_is_snapshot", False):
        store.close()
    writer = g.pop("writer", None)
    if writer is not None:
        writer.close()


def startup_message(exc: Exception, setting: str) -> str:
    return (f"Démarrage impossible : {exc}\n"
            f"Cannot start: check the {setting} setting (environment variable or "
            f"instance/config.py).")


def check_database(path) -> None:
    """Bring an existing database to the current schema and check it, or stop."""
    try:
        store = Store(path, create=False)
        try:
            store.migrate()
            store.check()
        finally:
            store.close()
    except StoreError as exc:
        raise StartupError(startup_message(
            f"{str(exc).rstrip('.')}. Réglez FINDER_DATABASE sur un fichier sain, ou "
            f"réimportez l'inventaire dans un nouveau fichier.", "FINDER_DATABASE")) from None


def init_app(app: Flask) -> None:
    # Load the reference geography now: a wrong FINDER_GEO_DIR fails at start-up, clearly.
    try:
        load_geography(app.config["GEO_DIR"], app.config["PLACE_ALIASES"])
    except (GeographyError, PlaceAliasError) as exc:
        raise StartupError(startup_message(exc, getattr(exc, "setting", "FINDER_GEO_DIR"))) \
            from None
    try:      # the thesaurus of lay words (data/thesaurus.csv): a broken file stops here
        read_thesaurus(data_file(THESAURUS_NAME))
    except (OSError, ThesaurusError) as exc:
        raise StartupError(f"Démarrage impossible : thésaurus illisible : {exc}\n"
                           f"Cannot start: fix data/{THESAURUS_NAME} (see data/README.md).") \
            from None
    if database_missing(app.config["DATABASE"]):
        # Serving (gunicorn, flask run) needs an inventory; a command (`import`, `init-db`
        # create one, the others stop with the same message) opens it itself.
        if serving():
            raise StartupError(missing_database_message(app.config["DATABASE"]))
    else:
        check_database(app.config["DATABASE"])
    app.extensions["finder_snapshots"] = SnapshotReader(
        app.config["DATABASE"], load_geography(app.config["GEO_DIR"]),
        max_age=app.config.get("SNAPSHOT_MAX_AGE", 0 if app.testing else 30),
        check_every=app.config.get("SNAPSHOT_CHECK_SECONDS", 0 if app.testing else 60),
        sizes=cache_sizes(app.config, app.testing))
    app.teardown_appcontext(close_store)


def cache_sizes(config, testing: bool) -> CacheSizes:
    """Each Inventory's cache bounds, from the configuration. Rendered pages are off
    under TESTING (a test may change config or monkeypatch between two identical
    requests); tests/test_pagecache.py turns them on."""
    default = CacheSizes()
    return CacheSizes(
        searches=int(config.get("SEARCH_CACHE_SIZE", default.searches)),
        page_bytes=int(config.get("PAGE_CACHE_BYTES", 0 if testing else default.page_bytes)),
        output_bytes=int(config.get("OUTPUT_CACHE_BYTES", default.output_bytes)))


def before_fork(app: Flask) -> None:
    """In a server's master, before it forks a worker (gunicorn.conf.py pre_fork): read
    the inventory now, so that a worker started after the file went bad (max_requests,
    HUP) still serves the last sound one, and workers share the built index. The page
    templates are compiled here too (0.75 s for all of them, once): a new worker's first
    visitor does not wait for it. Both are kept, so the next fork costs nothing."""
    for name in app.jinja_env.list_templates(extensions=["html"]):
        app.jinja_env.get_template(name)
    try:
        get_reader_of(app).current().warm()
    except StoreError:
        pass                          # nothing sound yet: the worker says so (503)


def get_reader_of(app: Flask) -> SnapshotReader:
    return app.extensions["finder_snapshots"]
