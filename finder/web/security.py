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

Absolute URLs (the feed's `url`, the embed snippet, OpenAPI `servers`, a printed group
page) come from FINDER_PUBLIC_BASE_URL through `public_url()`, never from the Host header.
When it is set, requests for any other host (FINDER_ALLOWED_HOSTS adds some, e.g. the
address a load balancer's health check uses) are refused with a 400 (Flask's
TRUSTED_HOSTS).
"""
from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, has_request_context, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from .static_cache import is_static_request

DEFAULT_FRAME_ANCESTORS = "'self'"
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"
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


def public_base_url(value: str) -> str:
    """FINDER_PUBLIC_BASE_URL normalised ("https://entraide.example/finder"), or "".

    Raises SecurityConfigError for anything but http(s)://host[:port][/path].
    """
    value = (value or "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port
    except (UnicodeError, ValueError):
        host, port = "", None
    if (parts.scheme not in ("http", "https") or not host or not _HOST.match(host)
            or parts.query or parts.fragment or parts.username or parts.password):
        raise SecurityConfigError(
            "PUBLIC_BASE_URL doit être l'adresse publique du site, http(s)://nom[:port][/chemin] "
            f"(par ex. https://entraide.example) : « {value} ».")
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}{parts.path.rstrip('/')}"


def public_url(endpoint: str, **values) -> str:
    """An absolute URL for partners, feeds and print-outs: the configured public base URL
    followed by the route's path, never the request's Host header (a visitor could make a
    publicly cached feed point elsewhere)."""
    base = current_app.extensions["finder_security"]["base_url"]
    path = url_for(endpoint, **values)
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root):
        path = path[len(root):]
    return base + path


def trusted_hosts(base_url: str, allowed: str) -> list[str] | None:
    """With a public base URL, only its host (and FINDER_ALLOWED_HOSTS) may be asked for."""
    if not base_url:
        return None
    extra = [h for h in re.split(r"[\s,]+", allowed or "") if h]
    return [urlsplit(base_url).hostname or ""] + extra


def init_app(app: Flask) -> None:
    """Proxies, public base URL and trusted hosts, nonces and headers (web/__init__ orders
    this among the other hooks)."""
    from . import framing

    framing.check_setting(app)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.globals["public_url"] = public_url
    app.config.setdefault("PROXY_COUNT", 0)
    base = public_base_url(str(app.config.get("PUBLIC_BASE_URL") or ""))
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(base, str(app.config.get("ALLOWED_HOSTS", "")))
    app.extensions["finder_security"] = {
        "tiles": tile_source(app.config.get("TILE_URL", "")),
        # Unset (a trial on one's own computer): the address `make run` serves.
        "base_url": base or DEVELOPMENT_BASE_URL,
        "base_url_configured": bool(base),
    }
    trust_proxies(app)
    app.after_request(add_security_headers)
