"""Fingerprinted static files: ?v=<content hash> in every URL, cached for a year.

`url_for("static", filename="css/finder.css")` becomes `/static/css/finder.css?v=3f2a9c01d4e5`
by itself (a `url_defaults` hook): templates need no change. A request whose `v` matches the
file's current hash is answered with `Cache-Control: public, max-age=31536000, immutable`;
any other request for the file (no `v`, an old `v`) keeps Flask's revalidating default, so
a deploy never leaves a stale file cached under a current URL.

Other routes that serve files from a directory (the self-hosted Leaflet) join with
`register_static_endpoint(app, "assets.leaflet", directory)`; their view must take the
file name as `filename`.
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Callable, Optional, TypeVar

from flask import Flask, Response, current_app, request, url_for
from werkzeug.security import safe_join

ONE_YEAR = 31536000
_LOCK = threading.Lock()
_DIGESTS: dict[tuple, str] = {}     # (path, mtime_ns, size) -> short sha256
T = TypeVar("T")


def file_version(path: str) -> Optional[tuple]:
    """(path, mtime_ns, size): what identifies one version of a file; None if it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (path, st.st_mtime_ns, st.st_size)


def per_file_version(memo: dict, path: str, compute: Callable[[bytes], T]) -> Optional[T]:
    """compute(the file's bytes), once per version of the file, kept in memo (the one way
    this package derives things from static files: digests, precompressed copies)."""
    key = file_version(path)
    if key is None:
        return None
    found = memo.get(key)
    if found is None:
        with open(path, "rb") as f:
            found = compute(f.read())
        with _LOCK:
            memo[key] = found
    return found


def file_digest(path: str) -> Optional[str]:
    """First 12 hex digits of the file's sha256, recomputed only when the file changes."""
    return per_file_version(_DIGESTS, path, lambda data: hashlib.sha256(data).hexdigest()[:12])


def register_static_endpoint(app: Flask, endpoint: str, directory: str | Path) -> None:
    app.extensions.setdefault("finder_static", {})[endpoint] = str(directory)


def static_endpoints(app: Flask) -> dict[str, str]:
    return app.extensions.get("finder_static", {})


def _digest_for(endpoint: str, filename: str) -> Optional[str]:
    directory = static_endpoints(current_app).get(endpoint)
    if directory is None or not filename:
        return None
    path = safe_join(directory, filename)
    return file_digest(path) if path else None


def add_version(endpoint: str, values: dict) -> None:
    """url_defaults hook: append v=<hash> to URLs of registered static endpoints."""
    if endpoint in static_endpoints(current_app) and "v" not in values:
        digest = _digest_for(endpoint, values.get("filename", ""))
        if digest:
            values["v"] = digest


def static_url(filename: str, endpoint: str = "static") -> str:
    """Jinja helper, same as url_for(endpoint, filename=…) (which is fingerprinted too)."""
    return url_for(endpoint, filename=filename)


def cache_fingerprinted(response: Response) -> Response:
    endpoint = request.endpoint or ""
    if endpoint not in static_endpoints(current_app) or response.status_code not in (200, 304):
        return response
    version = request.args.get("v")
    filename = (request.view_args or {}).get("filename", "")
    if version and version == _digest_for(endpoint, filename):
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
        response.headers.pop("Expires", None)
    return response


def is_static_request() -> bool:
    return (request.endpoint or "") in static_endpoints(current_app)


def init_app(app: Flask) -> None:
    if app.static_folder:
        register_static_endpoint(app, "static", app.static_folder)
    app.url_defaults(add_version)
    app.after_request(cache_fingerprinted)
    app.jinja_env.globals["static_url"] = static_url
