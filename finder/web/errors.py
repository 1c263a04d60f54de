"""One error policy for the whole site (DESIGN.md: "one error policy, `web/errors`").

- Under /api/ and for the map's data (paths ending in .json or .geojson, e.g.
  /carte/lieux.json): JSON `{"error": {"code", "message", …}}` with its 4xx/5xx status and
  `Cache-Control: no-store`, whatever went wrong: a bad parameter, an unknown address, a
  method, the rate limit, an unavailable inventory, a bug.
- Everywhere else: the error page, in the page's language (templates/error.html). When
  the request is too broken to build links from (a Host header that cannot be encoded, a
  host refused by TRUSTED_HOSTS), the same words in a page that needs no URL building: a
  400, never a traceback in the log.

Views raise (`ApiError`, `params.BadParameter`, werkzeug's HTTPException, `StoreError`)
or return `error_response()`; no other module renders an error or registers a handler.
"""
from __future__ import annotations

import html
import logging
from typing import Optional

from flask import Flask, Response, json, render_template, request
from flask.globals import request_ctx
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ..store import StoreError
from ..translatable import N_
from .i18n import current_lang, gettext, label, ngettext
from .params import BadParameter

log = logging.getLogger(__name__)

TITLES = {
    400: N_("Recherche impossible"),
    404: N_("Page introuvable"),
    405: N_("Action non prévue"),
    429: N_("Trop de recherches d'un coup"),
    500: N_("Erreur du site"),
    503: N_("Répertoire momentanément indisponible"),
}
MESSAGES = {
    400: N_("La demande contient une valeur que le site ne peut pas utiliser."),
    404: N_("Cette page n'existe pas. L'adresse est peut-être incomplète ou ancienne."),
    405: N_("Cette page ne s'utilise pas de cette façon."),
    500: N_("Un problème est survenu de notre côté. Réessayez dans quelques minutes."),
    503: N_("Le répertoire ne peut pas être consulté pour le moment. Réessayez dans "
            "quelques minutes."),
}
CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
         429: "rate_limited", 500: "internal_error", 503: "unavailable"}
API_NOT_FOUND = N_("Cette adresse de l'API n'existe pas. La liste des adresses est dans "
                   "/api/v1/openapi.json.")
API_READ_ONLY = N_("L'API se lit seulement (GET).")


class ApiError(Exception):
    """An answer the API gives on purpose (422 origin_not_found, 404 group_not_found…)."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def wants_json(path: Optional[str] = None) -> bool:
    """The API and the map's data answer errors in JSON; pages with a page."""
    path = request.path if path is None else path
    return path.startswith("/api/") or path == "/api" or path.endswith((".json", ".geojson"))


def json_error(status: int, code: str, message: str, **extra) -> Response:
    error = {"code": code, "message": message}
    error.update({k: v for k, v in extra.items() if v not in (None, "")})
    body = json.dumps({"error": error}, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status=status, mimetype="application/json")


def error_response(status: int, code: str = "", message: str = "", *, title: str = "",
                   headers: Optional[dict] = None, **extra) -> Response:
    """The error answer for this request: JSON (see `wants_json`) or the page (in its language)."""
    message = message or label(MESSAGES.get(status, MESSAGES[400 if status < 500 else 500]))
    if wants_json():
        response = json_error(status, code or CODES.get(status, "error"), message, **extra)
    else:
        response = Response(_page(status, title or label(TITLES.get(status, N_("Erreur"))),
                                  message),
                            status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers.update(headers or {})
    return response


def _can_build_urls() -> bool:
    """False when Flask could not bind the URL map to this request (bad or untrusted
    Host): templates, which build links, cannot render then."""
    return getattr(request_ctx, "url_adapter", None) is not None


def _page(status: int, title: str, message: str) -> str:
    if _can_build_urls():
        return render_template("error.html", status=status, title=title, message=message)
    title, message = html.escape(title), html.escape(message)
    back, code = html.escape(gettext("Retour à la recherche")), html.escape(
        gettext("(erreur %(status)s)", status=status))
    return (f'<!doctype html><html lang="{current_lang()}"><meta charset="utf-8">'
            f'<title>{title}</title><h1>{title}</h1><p>{message}</p>'
            f'<p><a href="/">{back}</a></p><p>{code}</p></html>')


# -- handlers -------------------------------------------------------------------------------

def _api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.code, exc.message, **exc.extra)


def _bad_parameter(exc: BadParameter) -> Response:
    return error_response(400, "invalid_parameter", exc.message, parameter=exc.name)


def _store_error(exc: StoreError) -> Response:
    """No readable inventory at all (never the case once one was read: see snapshot.py)."""
    log.error("inventory unavailable: %s", exc)
    return error_response(503, headers={"Retry-After": "60"})


def _rate_limited(exc: RateLimitExceeded) -> Response:
    from .ratelimit import retry_after_seconds
    wait = retry_after_seconds()
    delay = ngettext("%(num)s\u00a0seconde", "%(num)s\u00a0secondes", wait)
    if wants_json():
        message = gettext("Trop de demandes en peu de temps depuis cette adresse : réessayez "
                          "dans %(delay)s.", delay=delay)
    else:
        message = gettext("Vous avez lancé beaucoup de recherches en peu de temps. Réessayez "
                          "dans %(delay)s\u00a0: la recherche fonctionnera de nouveau "
                          "normalement.", delay=delay)
    return error_response(429, "rate_limited", message, retry_after=wait,
                          headers={"Retry-After": str(wait)})


def _csrf_error(exc: CSRFError) -> Response:
    from .forms import MESSAGE, TITLE
    return error_response(400, "csrf_failed", label(MESSAGE), title=label(TITLE))


def _http_error(exc: HTTPException) -> Response:
    status = exc.code if exc.code and 400 <= exc.code < 600 else 500
    api = request.path.startswith("/api/")
    if status == 404 and api:
        return error_response(404, "not_found", label(API_NOT_FOUND))
    if isinstance(exc, MethodNotAllowed):
        allowed = ", ".join(exc.valid_methods or ("GET", "HEAD", "OPTIONS"))
        return error_response(405, "method_not_allowed", label(API_READ_ONLY) if api else "",
                              headers={"Allow": allowed})
    # Flask has already logged an unhandled exception (the 500's original_exception).
    code = CODES.get(status) or exc.name.lower().replace(" ", "_")
    return error_response(status, code)


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(BadParameter, _bad_parameter)
    app.register_error_handler(StoreError, _store_error)
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
