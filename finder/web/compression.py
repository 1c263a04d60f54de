"""Compressed responses: brotli or gzip, as the browser asks (Accept-Encoding).

- Pages and JSON are compressed by Flask-Compress (a maintained middleware), brotli at
  quality 4 or gzip at level 6, only above 500 bytes; it adds `Vary: Accept-Encoding`
  and suffixes strong ETags (`"abc:br"`), answering a matching If-None-Match with 304.
- Static files (ours, Leaflet's) are compressed once per file version, at the best
  quality (brotli 11, gzip 9), and then served from memory: never compressed again by
  a request. A range request, a 304 or a file not worth compressing goes out as is.

COMPRESS_ALGORITHM (config) orders what we offer; the browser's order does not matter.
"""
from __future__ import annotations

import gzip
import threading
from typing import Optional

import brotli
from flask import Flask, Response, current_app, request
from flask_compress import Compress
from werkzeug.security import safe_join

from .static_cache import file_version, per_file_version, static_endpoints

COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "application/json",
                "image/svg+xml", "text/plain", "text/html", "application/geo+json"}
MIN_SIZE = 500
_PACKED: dict[tuple, dict[str, bytes]] = {}        # (path, mtime_ns, size) -> {coding: bytes}


def accepted(header: str, offered) -> Optional[str]:
    """The first of `offered` that the Accept-Encoding header allows (q > 0)."""
    allowed = {}
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            key, _, value = p.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        allowed[name.strip().lower()] = q
    for coding in offered:
        if allowed.get(coding, allowed.get("*", 0.0)) > 0:
            return coding
    return None


def packed(path: str) -> Optional[dict[str, bytes]]:
    """{"br": …, "gzip": …} of a file, compressed once per version of it."""
    return per_file_version(_PACKED, path, lambda data: {
        "br": brotli.compress(data, quality=11),
        "gzip": gzip.compress(data, compresslevel=9, mtime=0)})


def warm(paths) -> None:
    """Compress these files now, in the background: the first visitor does not wait
    (brotli at quality 11 takes about a second for Leaflet)."""
    todo = [str(p) for p in paths if not _is_packed(str(p))]
    if todo:
        threading.Thread(target=lambda: [packed(p) for p in todo], daemon=True,
                         name="finder-precompress").start()


def _is_packed(path: str) -> bool:
    key = file_version(path)
    return key is None or key in _PACKED


def _static_path(directory: str) -> Optional[str]:
    filename = (request.view_args or {}).get("filename")
    return safe_join(directory, filename) if filename else None


def precompressed_static(response: Response) -> Response:
    """after_request: a static file goes out precompressed when the browser takes it."""
    directory = static_endpoints(current_app).get(request.endpoint or "")
    if (response.status_code != 200 or directory is None
            or "Content-Encoding" in response.headers or request.headers.get("Range")
            or response.mimetype not in COMPRESSIBLE):
        return response
    vary = response.headers.get("Vary")
    response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
    coding = accepted(request.headers.get("Accept-Encoding", ""), ("br", "gzip"))
    path = _static_path(directory)
    if coding is None or path is None or (response.content_length or 0) < MIN_SIZE:
        return response
    versions = packed(path)
    if versions is None:
        return response
    body = versions[coding]
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = coding
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(f"{etag}:{coding}")
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    """Register Flask-Compress, then the static hook (Flask runs after_request hooks
    last-registered first: ours sees a static file before Flask-Compress, which leaves
    a response alone once it has a Content-Encoding)."""
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIMETYPES", sorted(
        COMPRESSIBLE | {"application/xml", "text/calendar", "text/csv", "application/ld+json"}))
    app.config.setdefault("COMPRESS_MIN_SIZE", MIN_SIZE)
    Compress(app)
    app.after_request(precompressed_static)
