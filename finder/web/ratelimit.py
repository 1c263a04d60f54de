"""Rate limits on searches and the API (Flask-Limiter); the French 429 is in errors.py.

Four budgets per client address and per minute, each shared by its routes:

- search: the finder page "/" and its map data /carte/lieux.json (RATELIMIT_SEARCH,
  120/minute: a person searching by hand never gets near it; a search costs two hits);
- embed: /embed… (RATELIMIT_EMBED, 600/minute), higher because a partner's iframe is often
  used from an institution's network (a library, a hospital, a CPAS) where every visitor
  shares one public address;
- api: /api/… (RATELIMIT_API, 600/minute);
- bulk: the whole-inventory downloads /api/v1/groups, /api/v1/groups.geojson,
  /api/v1/groups.csv and /api/v1/meeting-guide.json (RATELIMIT_BULK, 10/minute): each
  sends the whole inventory (tens of MB at 30,000 places), so a few clients looping on
  them must not take the CPU and the network from people searching. They are served
  from memory (one serialisation per inventory version); a partner mirroring the feed
  needs one download per change, and gets 304 with If-None-Match.
  The printed inventory counts there too: /inventaire.pdf (megabytes; its "en
  préparation" page reloads every 10 s, 6 a minute) and /resultats.pdf (seconds of CPU for
  each new search, web/brochure.py).

Everything else (group pages, a map popup's details, static files, /healthz) is not
limited: cheap lookups by identifier.

The client is `request.remote_addr`. Behind a reverse proxy set FINDER_PROXY_COUNT (see
security.py) or every visitor would share the proxy's address and one budget; until it is
set, X-Forwarded-For is ignored (it cannot be trusted) and a warning is logged once.
A partner whose server calls the API for all its visitors can be listed in
RATELIMIT_EXEMPT ("203.0.113.7 198.51.100.0/24"): no limit for those addresses.

Storage: RATELIMIT_STORAGE_URI, default "finder-memory://" (LocalStorage below: limits'
own "memory://" starts a timer thread every 10 ms under load, which cost ~0.5 ms per
request here). Both are per process: with N gunicorn workers a client effectively gets
up to N times the budget, and a restart forgets. For a shared, exact budget use redis
("redis://localhost:6379", `pip install redis`) or memcached ("memcached://host:11211").

RATELIMIT_ENABLED: default on, except when TESTING (tests turn it on explicitly).
"""
from __future__ import annotations

import ipaddress
import logging
import time
from typing import Optional

import threading

from flask import Flask, current_app, g, request
from flask_limiter import ApplicationLimit, Limiter
from limits.storage import Storage

log = logging.getLogger(__name__)

DEFAULTS = {
    "RATELIMIT_SEARCH": "120/minute",
    "RATELIMIT_EMBED": "600/minute",
    "RATELIMIT_API": "600/minute",
    "RATELIMIT_BULK": "10/minute",
    "RATELIMIT_STORAGE_URI": "finder-memory://",
    "RATELIMIT_EXEMPT": "",
}
SEARCH_PATHS = ("/", "/carte/lieux.json")
BULK_PATHS = ("/api/v1/groups", "/api/v1/groups.geojson", "/api/v1/groups.csv",
              "/api/v1/meeting-guide.json", "/inventaire.pdf", "/resultats.pdf")


def bucket() -> Optional[str]:
    """Which budget this request spends: "search", "embed", "api", "bulk" or None (free)."""
    if "ratelimit_bucket" in g:
        return g.ratelimit_bucket
    path = request.path
    if path in BULK_PATHS:
        name = "bulk"
    elif path.startswith("/api/") or path == "/api":
        name = "api"
    elif path == "/embed" or path.startswith(("/embed/", "/embed.")):
        name = "embed"
    elif path in SEARCH_PATHS:
        name = "search"
    else:
        name = None
    g.ratelimit_bucket = name
    return name


def parse_networks(value) -> tuple:
    items = value.split() if isinstance(value, str) else list(value or ())
    try:
        return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item)
    except ValueError as exc:
        raise ValueError(f"RATELIMIT_EXEMPT : adresse ou réseau non valide ({exc}).") from None


def client_key() -> str:
    return request.remote_addr or "inconnu"


def _exempt_client() -> bool:
    networks = current_app.extensions["finder_ratelimit"]["exempt"]
    _warn_unconfigured_proxy()
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in net for net in networks)


def _warn_unconfigured_proxy() -> None:
    state = current_app.extensions["finder_ratelimit"]
    if (not state["warned"] and "X-Forwarded-For" in request.headers
            and not current_app.config.get("PROXY_COUNT")):
        state["warned"] = True
        log.warning("X-Forwarded-For received but FINDER_PROXY_COUNT is 0: the header is "
                    "ignored and every visitor behind that proxy shares one rate-limit "
                    "budget. Set FINDER_PROXY_COUNT to the number of trusted proxies.")


def retry_after_seconds() -> int:
    """Seconds until this request's budget is renewed (the 429 answer is in errors.py)."""
    current = current_app.extensions["finder_ratelimit"]["limiter"].current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()))


class LocalStorage(Storage):
    """Fixed-window counters in a dict, expired lazily: per process, no helper thread."""

    STORAGE_SCHEME = ["finder-memory"]
    SWEEP_EVERY = 10000

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._counts: dict[str, list] = {}          # key -> [count, expires_at]
        self._lock = threading.Lock()
        self._writes = 0

    @property
    def base_exceptions(self):
        return ValueError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            entry = self._counts.get(key)
            if entry is None or entry[1] <= now:
                entry = self._counts[key] = [0, now + expiry]
            entry[0] += amount
            self._writes += 1
            if self._writes % self.SWEEP_EVERY == 0:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            return entry[0]

    def get(self, key: str) -> int:
        entry = self._counts.get(key)
        return entry[0] if entry is not None and entry[1] > time.time() else 0

    def get_expiry(self, key: str) -> float:
        entry = self._counts.get(key)
        return entry[1] if entry is not None else time.time()

    def check(self) -> bool:
        return True

    def reset(self) -> int:
        with self._lock:
            count, self._counts = len(self._counts), {}
        return count

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


_CONFIG_KEYS = {"search": "RATELIMIT_SEARCH", "embed": "RATELIMIT_EMBED", "api": "RATELIMIT_API",
                "bulk": "RATELIMIT_BULK"}


def _current_limit() -> str:
    name = bucket()
    # Flask-Limiter reads the limit before asking exempt_when: free routes get a dummy.
    return current_app.config[_CONFIG_KEYS[name]] if name else "1/second"


def _scope(endpoint: str) -> str:
    return bucket() or "free"


def init_app(app: Flask) -> Limiter:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config.setdefault("RATELIMIT_ENABLED", not app.testing)
    limiter = Limiter(
        client_key,
        # One shared limit whose budget (scope) and size depend on the request's bucket.
        application_limits=[ApplicationLimit(limit_provider=_current_limit, scope=_scope,
                                             exempt_when=lambda: bucket() is None)],
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        strategy=app.config.get("RATELIMIT_STRATEGY", "fixed-window"),
        headers_enabled=False,
        enabled=bool(app.config["RATELIMIT_ENABLED"]),
    )
    app.extensions["finder_ratelimit"] = {
        "limiter": limiter, "exempt": parse_networks(app.config["RATELIMIT_EXEMPT"]),
        "warned": False}
    limiter.request_filter(_exempt_client)
    limiter.init_app(app)
    return limiter
