"""Rendered search pages kept in memory: the same search page twice is rendered once.

Rendering the finder page (50 results, the search form with 281 communes) costs far more
than the search itself, so the cached ranking alone cannot make repeated searches cheap.
A view decorated with `@cached_page("endpoint")` (the finder page, the embed) has its
200 HTML body kept in the current Inventory's page cache (`Inventory.pages`: an import or
an edit makes a new Inventory, and the pages of the old one go with it), keyed on the
endpoint, scheme, host, path, the
query's parameters normalised (`page_key`: parameter order, empty parameters and
`page=1` do not make another page), the hour in Brussels (web/clock.py: pages show
the next meeting computed at that moment, so a cached page never keeps a meeting that
has passed) and the page's language (web/i18n.py: from `?lang=` or Accept-Language).

Each response keeps its own CSP nonce: the body is stored with the nonce replaced by a
random per-process placeholder, and a fresh nonce is put back for every response. All
request hooks (rate limits, the embed's frame-ancestors, security headers, the request
log) run as usual; only the view's work is skipped. What is kept never leaves the process
(no shared cache, nothing on disk).

PAGE_CACHE_BYTES: budget per process and inventory (default 32 MiB, about 200 result
pages; 0 when TESTING); 0 = off. A body over a quarter of the budget is not kept.
A view whose output depends on anything else than those keys (cookies, headers, time
of day) must not be decorated.
"""
from __future__ import annotations

import secrets
from functools import wraps

from flask import g, request

from ..db import get_inventory
from .clock import request_moment
from .i18n import current_lang
from .security import csp_nonce

_PLACEHOLDER = "nonce-" + secrets.token_hex(16)     # never sent: replaced in every response


def page_key(args) -> tuple:
    """The query's parameters as the page reads them: stripped, empty ones and page=1
    left out, ordered by name (values of one name keep their order: the first counts)."""
    pairs = [(name, value.strip()) for name, value in args.items(multi=True)]
    pairs = [(name, value) for name, value in pairs
             if value and not (name == "page" and value == "1")]
    return tuple(sorted(pairs, key=lambda pair: pair[0]))


def _key(endpoint: str) -> tuple:
    return (endpoint, request.scheme, request.host, request.path, page_key(request.args),
            request_moment(), current_lang())


def _weight(body: str) -> int:
    return len(body) * (1 if body.isascii() else 2) + 200


def cached_page(endpoint: str):
    """Decorator: keep this view's 200 HTML pages (see the module's docstring)."""
    return lambda view: cached_view(endpoint, view)


def cached_view(endpoint: str, view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(*args, **kwargs)
        cache = get_inventory().pages
        if not cache.max_weight:
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
        if isinstance(rv, str) and _weight(rv) <= cache.max_weight // 4:
            nonce = g.get("csp_nonce")       # a plain 200 HTML page, nothing else
            kept = rv.replace(nonce, _PLACEHOLDER) if nonce else rv
            cache.put(key, (kept, g.get("result_count")), _weight(kept))
        return rv
    return wrapper

