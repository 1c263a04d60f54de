"""Production server settings: `gunicorn --config gunicorn.conf.py "finder:create_app()"`.

Environment:
  FINDER_BIND      address to listen on (default 127.0.0.1:8000; put a reverse proxy in
                   front for TLS, and set FINDER_PROXY_COUNT=1 for the app to see visitors'
                   addresses)
  FINDER_WORKERS   processes (default: CPU cores + 1, i.e. 3 on 2 cores). Searches are
                   CPU-bound Python, so processes beyond the cores add no throughput, and
                   each process warms its own caches: measured with bench/load.py on 2
                   cores, 3 workers served more searches/s than 5 with caches on, and
                   the same within noise with caches off
  FINDER_THREADS   threads per process (default 2: one thread computes while the other
                   sends or receives; more threads add no CPU under the GIL)
  FINDER_TIMEOUT   seconds before a stuck worker is restarted (default 30)
Every FINDER_* setting of the app itself (FINDER_DATABASE, FINDER_GEO_DIR, ...) is read by
create_app() as usual.

The app is loaded once in the master before forking (preload_app): a wrong FINDER_DATABASE
or FINDER_GEO_DIR stops gunicorn at once with one readable message instead of workers
crashing in a loop, and the reference geography is shared between workers (copy-on-write).
Before each worker is forked (at start, after max_requests, on HUP) the master reads the
inventory and compiles the templates (`pre_fork`, finder.db.before_fork): a worker started
after the file went bad serves the last sound inventory the master read, not a 503;
workers share its indexes and templates, so a new worker's first visitors wait for no
build.
No gunicorn access log: its format carries the visitor's address and the full URL with the
postcode searched; the app writes its own one-line JSON log per request (without either).
gunicorn's error log says the same about a malformed request ("Invalid request from
ip=…: Invalid HTTP request line: 'GET /?postcode=…'"): PrivateLogger below keeps the kind
of error and drops the address and the request line.
"""
import logging
import multiprocessing
import os
import re

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name} doit être un nombre entier (reçu « {value} »).") from None
    if number < 1:
        raise SystemExit(f"{name} doit être au moins 1 (reçu {number}).")
    return number


bind = os.environ.get("FINDER_BIND", "127.0.0.1:8000").split()
workers = _int("FINDER_WORKERS", multiprocessing.cpu_count() + 1)
threads = _int("FINDER_THREADS", 2)
worker_class = "gthread"
timeout = _int("FINDER_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 5
preload_app = True
# Recycle workers now and then (bounded memory over months), not all at once.
max_requests = 20000
max_requests_jitter = 2000

_INVALID_REQUEST = re.compile(r"^Invalid request from ip=\S*: ([^:'\"]*)")


class _NoVisitorDetails(logging.Filter):
    """Rewrites gunicorn's messages that carry a visitor's address or request line."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:                   # arguments that do not fit: keep none of them
            message, record.args = str(record.msg), ()
        found = _INVALID_REQUEST.match(message)
        if found:
            record.msg = "Invalid request refused (%s); address and request line not logged."
            record.args = (found.group(1).strip() or "malformed",)
        elif message.startswith("Error handling request"):
            record.msg, record.args = "Error handling request (request line not logged)", ()
        return True


class PrivateLogger(Logger):
    """gunicorn's logger, whose error log never writes a visitor's IP or request line."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if not any(isinstance(f, _NoVisitorDetails) for f in self.error_log.filters):
            self.error_log.addFilter(_NoVisitorDetails())


logger_class = PrivateLogger
accesslog = None
errorlog = "-"
loglevel = os.environ.get("FINDER_LOG_LEVEL", "info")
proc_name = "entraide-finder"
# Visitors send short GET requests and small forms (admin, proposals): keep header limits tight.
limit_request_line = 4094
limit_request_fields = 50


def pre_fork(server, worker):
    app = server.app.wsgi()                 # loaded already (preload_app)
    from finder.db import before_fork
    before_fork(app)


def when_ready(server) -> None:
    """Absolute URLs (feed, embed snippet) need the public address: say so if it is unset."""
    app = server.app.wsgi()
    security = getattr(app, "extensions", {}).get("finder_security", {})
    if security and not security.get("base_url_configured"):
        server.log.warning(
            "FINDER_PUBLIC_BASE_URL is not set: the feed, the embed snippet and printed pages "
            "link to %s. Set it to the site's public address (https://…).", security["base_url"])
