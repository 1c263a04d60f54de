"""Rendered search pages kept in memory: the same search page twice is rendered once.

Rendering the finder page (50 results, the search form with 281 communes) costs far more
than the search itself, so `searchcache` alone cannot make repeated searches cheap. This
wraps the views of CACHED_ENDPOINTS: a 200 HTML body is kept, per process, keyed on the
endpoint, scheme, host, path and raw query string, the inventory (as for searchcache: an
import invalidates everything) and the hour in Brussels (web/clock.py: pages show the next
meeting computed at that moment, so a cached page never keeps a meeting that has passed).

Each response keeps its own CSP nonce: the body is stored with the nonce replaced by a
random per-process placeholder, and a fresh nonce is put back for every response. All
request hooks (rate limits, the embed's frame-ancestors, security headers, the request
log) run as usual; only the view's work is skipped. What is kept never leaves the process
(no shared cache, nothing on disk).

PAGE_CACHE_BYTES: budget per process (default 32 MiB, about 200 result pages; 0 when
TESTING); 0 = off.
A view whose output depends on anything else than those keys (cookies, headers, time
of day) must not be listed in CACHED_ENDPOINTS.
"""
from __future__ import annotations

import secrets
from functools import wraps
from typing import Optional

from flask import Flask, current_app, g, request

from ..db import get_store
from ..lru import LRU
from ..searchcache import inventory_token
from .clock import request_moment
from .security import csp_nonce

CACHED_ENDPOINTS = ("pages.index", "embed.embed")
DEFAULT_BYTES = 32 * 1024 * 1024
_PLACEHOLDER = "nonce-" + secrets.token_hex(16)     # never sent: replaced in every response


class PageCache(LRU):
    """An LRU of (body, result count) bounded by bytes; a body over a quarter of the
    budget is not kept (one page must not push out many)."""

    def __init__(self, budget: int = DEFAULT_BYTES):
        super().__init__(max_weight=budget)
        self.budget = self.max_weight

    def put(self, key: tuple, body: str, results: Optional[int]) -> None:
        size = len(body) * (1 if body.isascii() else 2) + 200
        if size <= self.budget // 4:
            super().put(key, (body, results), size)

    def stats(self) -> dict:
        stats = super().stats()
        return {**stats, "bytes": stats["weight"], "budget": self.budget}


def get_page_cache() -> Optional[PageCache]:
    return current_app.extensions.get("finder_page_cache")


def _key(endpoint: str) -> tuple:
    return (endpoint, request.scheme, request.host, request.path,
            request.query_string, inventory_token(get_store()), request_moment())


def cached_view(endpoint: str, view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        cache = get_page_cache()
        if cache is None or not cache.budget or request.method not in ("GET", "HEAD"):
            return view(*args, **kwargs)
        key = _key(endpoint)
        entry = cache.get(key)
        if entry is not None:
            body, results = entry
            if results is not None:
                g.result_count = results
            g.search_cache = "page"
            return body.replace(_PLACEHOLDER, csp_nonce())
        rv = view(*args, **kwargs)
        if isinstance(rv, str):                  # a plain 200 HTML page, nothing else
            nonce = g.get("csp_nonce")
            cache.put(key, rv.replace(nonce, _PLACEHOLDER) if nonce else rv,
                      g.get("result_count"))
        return rv
    return wrapper


def init_app(app: Flask) -> None:
    """Call after the blueprints are registered (web/__init__.py does)."""
    # Off by default under TESTING: a test may change config or monkeypatch between two
    # identical requests; tests/test_pagecache.py turns it on.
    app.config.setdefault("PAGE_CACHE_BYTES", 0 if app.testing else DEFAULT_BYTES)
    app.extensions["finder_page_cache"] = PageCache(app.config["PAGE_CACHE_BYTES"])
    for endpoint in CACHED_ENDPOINTS:
        view = app.view_functions.get(endpoint)
        if view is not None and not getattr(view, "_page_cached", False):
            wrapped = cached_view(endpoint, view)
            wrapped._page_cached = True
            app.view_functions[endpoint] = wrapped
