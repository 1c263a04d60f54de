"""Budgets for actions (not routes): failed logins per account and per client, public
proposals per client. Same storage as the route limits (RATELIMIT_STORAGE_URI), so one
redis counts across workers; always on, tests included.

`Throttle.blocked(names)` is asked before the action; `spend(names)` after a failure (a
login) or a success (a proposal). Keys are hashed: no address or e-mail sits in memory
in clear.
"""
from __future__ import annotations

import hashlib
import time

from flask import Flask, current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from . import ratelimit  # noqa: F401  (registers the finder-memory:// storage)


class Throttle:
    def __init__(self, storage_uri: str):
        self.limiter = FixedWindowRateLimiter(storage_from_string(storage_uri))

    @staticmethod
    def _key(value: str) -> str:
        return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:24]

    def _items(self, budgets: dict[str, tuple[str, str]]):
        for name, (limit, value) in budgets.items():
            yield parse(limit), name, self._key(value)

    def blocked(self, budgets: dict[str, tuple[str, str]]) -> int:
        """Seconds to wait when any budget {name: (limit, who)} is spent, else 0."""
        wait = 0
        for item, name, key in self._items(budgets):
            if not self.limiter.test(item, "throttle", name, key):
                reset = self.limiter.get_window_stats(item, "throttle", name, key).reset_time
                wait = max(wait, int(reset - time.time()) + 1)
        return wait

    def spend(self, budgets: dict[str, tuple[str, str]]) -> None:
        for item, name, key in self._items(budgets):
            self.limiter.hit(item, "throttle", name, key)


def get_throttle() -> Throttle:
    return current_app.extensions["finder_throttle"]


def client() -> str:
    return request.remote_addr or "inconnu"


def too_many(title: str, message: str, wait: int):
    """The 429 of a spent budget: title and message are msgids (N_), the message with
    %(delay)s; both in the page's language."""
    from .errors import error_response
    from .i18n import gettext, label, ngettext
    minutes = max(1, round(wait / 60))
    delay = ngettext("%(num)s\u00a0minute", "%(num)s\u00a0minutes", minutes)
    return error_response(429, "rate_limited", gettext(message, delay=delay),
                          title=label(title), headers={"Retry-After": str(wait)})


def init_app(app: Flask) -> None:
    app.extensions["finder_throttle"] = Throttle(
        app.config.get("RATELIMIT_STORAGE_URI", "finder-memory://"))
