"""One JSON line per request, with nothing that says who searched for what.

Logged: time, method, route, status, duration (ms), response bytes, endpoint, the number of
results and whether the search cache answered. Never logged: the query string (postcode,
coordinates, commune, chapter of the search), the visitor's address, user agent or referrer.
For a route with variables the *pattern* is logged ("/groupe/<slug>"), not the path, and an
unknown path (404) is logged as null: what someone typed in the address bar is theirs.

Lines go to the "finder.requests" logger, written to stderr as bare JSON unless the
deployment configures that logger itself. REQUEST_LOG = False turns them off. The same
privacy rule applies to the development server: its access lines (IP, full URL) are dropped.
Under gunicorn keep `accesslog` unset (gunicorn.conf.py does): its format has both.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time

from flask import Flask, Response, current_app, g, request

from .static_cache import static_endpoints

LOGGER = "finder.requests"
log = logging.getLogger(LOGGER)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is now (pytest and gunicorn swap it)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


class _DropDevServerAccessLines(logging.Filter):
    """werkzeug's "1.2.3.4 - - [date] "GET /?postcode=… HTTP/1.1" 200 -" lines."""
    _ACCESS = re.compile(r"^\S+ - - \[")     # also its error lines, which quote the URL

    def filter(self, record: logging.LogRecord) -> bool:
        return not self._ACCESS.match(str(record.msg))


def route_for_log() -> str | None:
    rule = request.url_rule
    if rule is None:
        return None
    if rule.arguments and request.endpoint not in static_endpoints(current_app):
        return rule.rule
    return request.path


def _start() -> None:
    g.request_started = time.perf_counter()


def _log(response: Response) -> Response:
    started = g.get("request_started")
    if started is None or not current_app.config.get("REQUEST_LOG", True):
        return response
    entry = {
        "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "method": request.method,
        "path": route_for_log(),
        "endpoint": request.endpoint,
        "status": response.status_code,
        "ms": round((time.perf_counter() - started) * 1000, 2),
        "bytes": response.content_length,        # files too (send_file sets it)
    }
    if "result_count" in g:
        entry["results"] = g.result_count
    if "search_cache" in g:
        entry["cache"] = g.search_cache
    log.info(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    return response


def configure_logging() -> None:
    """Once per process: our JSON lines to stderr, the dev server's access lines dropped."""
    if not log.handlers:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, _DropDevServerAccessLines) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(_DropDevServerAccessLines())


def init_app(app: Flask) -> None:
    app.config.setdefault("REQUEST_LOG", True)
    configure_logging()
    app.before_request(_start)
    # after_request functions run last-registered first: register this one early so it
    # sees the final response (with every header and body) — see web/__init__.py.
    app.after_request(_log)
