"""Per-app resources: the geography (once per process) and a store per request."""
from __future__ import annotations

from flask import Flask, current_app, g

from .geography import Geography, load_geography
from .store import Store


def get_geography() -> Geography:
    return load_geography(current_app.config["GEO_DIR"])


def get_store() -> Store:
    if "store" not in g:
        g.store = Store(current_app.config["DATABASE"])
    return g.store


def close_store(exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def init_app(app: Flask) -> None:
    # Load the reference geography now: a wrong FINDER_GEO_DIR fails at start-up, clearly.
    load_geography(app.config["GEO_DIR"])
    store = Store(app.config["DATABASE"])
    try:
        store.migrate()
    finally:
        store.close()
    app.teardown_appcontext(close_store)
