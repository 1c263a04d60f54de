"""Per-response security headers, written by us (a small, tested `after_request`).

Templates write `<script nonce="{{ csp_nonce() }}">` for the few inline scripts we render;
the Content-Security-Policy then allows exactly those: script-src 'self' 'nonce-…', never
'unsafe-inline'. Styles come from our stylesheets only (style-src 'self', no inline
<style> or style attribute anywhere: the map's colours are in static/map/finder-map.css). Every response also gets nosniff, a referrer policy, a permissions policy
(geolocation for our own pages only) and, over HTTPS, HSTS.

Who may frame a page (CSP frame-ancestors) is decided per request: `'self'` unless a view
(the embed) sets `g.frame_ancestors`, e.g. with `set_frame_ancestors(config value)`.

Behind a reverse proxy, FINDER_PROXY_COUNT=<number of proxies> makes the app trust that
many X-Forwarded-For / X-Forwarded-Proto hops (werkzeug ProxyFix); with the default 0,
those headers are ignored, so a visitor cannot forge an address or a scheme.
"""
from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from .static_cache import is_static_request

DEFAULT_FRAME_ANCESTORS = "'self'"
HSTS = "max-age=31536000"
PERMISSIONS_POLICY = ("geolocation=(self), camera=(), microphone=(), payment=(), usb=(), "
                      "accelerometer=(), gyroscope=(), magnetometer=(), fullscreen=(self)")
# Sources allowed in a frame-ancestors list: keywords, schemes, origins with optional "*.".
_SOURCE = re.compile(r"^('self'|'none'|\*|https?:|https?://(\*\.)?[A-Za-z0-9.\-]+(:\d+)?)$")
_HOST = re.compile(r"^(\*\.)?[A-Za-z0-9.\-]+(:\d+)?$")


class SecurityConfigError(ValueError):
    """A setting that would produce a broken or unsafe policy (message in French)."""


def csp_nonce() -> str:
    """This response's nonce, created on first use (templates: {{ csp_nonce() }})."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def set_frame_ancestors(value: str) -> None:
    """Let this response be framed by `value` ("*" or space-separated origins)."""
    g.frame_ancestors = value


def frame_ancestors_source(value: str) -> str:
    """A frame-ancestors source list from a config value, or 'none' if any part is odd.

    "*" and "https://a.example https://b.example" pass; a value with a ";", a path or
    another keyword cannot smuggle a directive in: nobody may frame the page then.
    """
    tokens = [t for t in re.split(r"[\s,]+", value or "") if t]
    if not tokens or not all(_SOURCE.match(t) for t in tokens):
        return "'none'"
    return " ".join(tokens)


def tile_source(tile_url: str) -> str:
    """The CSP source of the tile server: its origin, or '' when tiles are ours (relative).

    "https://{s}.tile.example.org/{z}/{x}/{y}.png" → "https://*.tile.example.org".
    """
    if not tile_url or tile_url.startswith("/") and not tile_url.startswith("//"):
        return ""
    parts = urlsplit(tile_url.replace("{s}", "SUBDOMAIN"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SecurityConfigError(
            f"TILE_URL doit être une adresse http(s) ou un chemin commençant par / : "
            f"« {tile_url} ».")
    host = parts.netloc.replace("SUBDOMAIN", "*")
    if "*" in host and not host.startswith("*."):
        host = "*." + host.split(".", 1)[1]
    if not _HOST.match(host):
        raise SecurityConfigError(f"TILE_URL : serveur de tuiles non valide : « {tile_url} ».")
    return f"{parts.scheme}://{host}"


def content_security_policy(*, nonce: str | None, tiles: str, frame_ancestors: str) -> str:
    scripts = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    images = "'self' data:" + (f" {tiles}" if tiles else "")
    return "; ".join((
        "default-src 'self'",
        f"script-src {scripts}",
        # Stylesheets only: no <style> element and no style="…" attribute in our HTML.
        # (Leaflet positions markers and tiles through element.style, which CSP allows.)
        "style-src 'self'",
        f"img-src {images}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ))


def add_security_headers(response: Response) -> Response:
    cfg = current_app.extensions["finder_security"]
    frame = frame_ancestors_source(g.get("frame_ancestors") or DEFAULT_FRAME_ANCESTORS)
    response.headers["Content-Security-Policy"] = content_security_policy(
        nonce=g.get("csp_nonce"), tiles=cfg["tiles"], frame_ancestors=frame)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
    if frame == "'self'":
        response.headers["X-Frame-Options"] = "SAMEORIGIN"     # for browsers without CSP 3
    elif frame == "'none'":
        response.headers["X-Frame-Options"] = "DENY"
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    # What someone searched for near them is personal: no shared cache keeps it.
    if "Cache-Control" not in response.headers and not is_static_request():
        response.headers["Cache-Control"] = "private, no-cache"
    return response


def trust_proxies(app: Flask) -> None:
    """FINDER_PROXY_COUNT hops of X-Forwarded-For/-Proto are believed (0: none)."""
    count = int(app.config.get("PROXY_COUNT", 0) or 0)
    if count < 0:
        raise SecurityConfigError("PROXY_COUNT ne peut pas être négatif.")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def init_app(app: Flask) -> None:
    """Production hardening, in this order: request log (first in, so it times everything
    and sees the final response), proxies, headers, fingerprinted static files, rate limits.
    """
    from . import framing, ratelimit, requestlog, static_cache

    framing.check_setting(app)
    requestlog.init_app(app)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.config.setdefault("PROXY_COUNT", 0)
    app.extensions["finder_security"] = {"tiles": tile_source(app.config.get("TILE_URL", ""))}
    trust_proxies(app)
    app.after_request(add_security_headers)
    static_cache.init_app(app)
    ratelimit.init_app(app)
