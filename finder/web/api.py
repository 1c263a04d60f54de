"""Open data API, read-only JSON under /api/v1 (documented at /api/v1/openapi.json).

Conventions (the OpenAPI document says the same):
- every answer under /api/ is JSON (or GeoJSON / CSV for those formats), never HTML
  (errors: web/errors.py, the site's one error policy);
- errors are {"error": {"code", "message"[, "parameter"][, "suggestions"]}} with a 4xx
  status; messages are for people, in the language asked (`?lang=`, else
  Accept-Language, else French: web/i18n.py), as are the notices; codes are stable, for
  programs:
  400 invalid_parameter / missing_parameter, 404 not_found / group_not_found /
  place_not_found, 405 method_not_allowed, 422 origin_* / commune_not_found /
  place_ambiguous / place_mismatch (a postcode with a name that is none of its
  localities: "4000 Maastricht") / place_outside;
- a search whose origin (postcode, place name or lat/lon) cannot be placed is an error
  (422 origin_not_found, origin_ambiguous, origin_mismatch, origin_outside; 400
  origin_invalid), like
  /locate: a program gets no silently unsorted list; "notices" are what remains worth
  telling (demo data, radius widened, another locality of the postcode...);
- CORS: Access-Control-Allow-Origin: * ; ETag (hash of the body) and 304 on
  If-None-Match; Cache-Control: public, max-age=300 on successful answers (private for
  a search around a position given as lat/lon); no-store on errors;
- the whole-inventory outputs (/v1/groups, /v1/groups.geojson, /v1/groups.csv, the
  Meeting Guide feed) are serialised once per inventory version (Inventory.output) and
  served from memory with their ETag; they have their own, smaller rate limit
  (ratelimit.py, RATELIMIT_BULK).
"""
from __future__ import annotations

import json
from typing import Optional

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from ..db import get_geography, get_inventory, get_store
from ..meeting_guide import meeting_guide
from ..models import CHAPTER_SLUGS, Resolved
from ..schedule.filters import EVERYWHERE_ANY_TIME
from ..text import fold
from . import api_formats
from .api_formats import (group_with_places, public_csv, public_results, results_geojson,
                          text_dict)
from .errors import ApiError
from ..translatable import N_
from .i18n import gettext, gettext_of, label, resolved_message
from .params import (MAX_TEXT, BadParameter, SearchRequest, left_out_message, parse_search,
                     run_search)
from .security import public_url

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_SUGGESTIONS = 50
DEFAULT_SUGGESTIONS = 10
CACHE_SECONDS = 300
JSON = "application/json"
GEOJSON = "application/geo+json"


# -- responses -----------------------------------------------------------------------------

def json_body(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(data, status: int = 200, mimetype: str = JSON) -> Response:
    return Response(json_body(data), status=status, mimetype=mimetype)


def whole_inventory(key: tuple, build, mimetype: str) -> Response:
    """A whole-inventory output from the current Inventory (built at most once per
    version and key), with the ETag of its bytes."""
    output = get_inventory().output(key, build)
    response = Response(output.body, mimetype=mimetype)
    response.set_etag(output.etag)
    return response


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.method == "OPTIONS":
        response.headers["Allow"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
    elif response.status_code == 200 and request.method in ("GET", "HEAD"):
        # A search around someone's own position is theirs: browsers may keep it, shared
        # caches may not. Everything else is public data.
        scope = "private" if request.args.get("lat") or request.args.get("lon") else "public"
        response.headers["Cache-Control"] = f"{scope}, max-age={CACHE_SECONDS}"
        response.add_etag()
        response.make_conditional(request)
    elif response.status_code >= 400:
        response.headers["Cache-Control"] = "no-store"
    return response


# Everything else under /api/ is a JSON 404 (or 405 for a known address), not the site's
# HTML page. Rules without converters win over this one, so it only catches the rest.
_ALL = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@bp.route("/", defaults={"rest": ""}, methods=_ALL, strict_slashes=False)
@bp.route("/<path:rest>", methods=_ALL)
def unknown(rest: str):
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, _ = adapter.match(method="GET")
    except HTTPException:
        endpoint = None
    if endpoint and endpoint != "api.unknown" and request.method != "GET":
        raise MethodNotAllowed(valid_methods=["GET", "HEAD", "OPTIONS"])
    raise NotFound()


# -- parameters ------------------------------------------------------------------------------

def _int_arg(name: str, default: int, low: int, high: int, what: str) -> int:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, gettext(
            "%(what)s doit être un nombre entier entre %(low)s et %(high)s.",
            what=label(what), low=low, high=high)) from None
    if not low <= value <= high:
        raise BadParameter(name, gettext("%(what)s doit être compris entre %(low)s et "
                                         "%(high)s.", what=label(what), low=low, high=high))
    return value


def _too_long() -> str:
    return gettext("Le texte est trop long (%(max)s caractères au plus).", max=MAX_TEXT)


def _chapter_arg() -> Optional[str]:
    chapter = (request.args.get("chapter") or "").strip()
    if chapter and chapter not in CHAPTER_SLUGS:
        raise BadParameter("chapter", gettext("Ce chapitre n'existe pas. Valeurs permises : "
                                              "%(allowed)s.", allowed=", ".join(CHAPTER_SLUGS)))
    return chapter or None


_ORIGIN_ERRORS = {"not_found": 422, "ambiguous": 422, "outside": 422, "invalid": 400}


def _origin_error(resolved: Resolved) -> ApiError:
    message = resolved_message(resolved, N_("Ce lieu n'a pas été trouvé."))
    return ApiError(_ORIGIN_ERRORS.get(resolved.status, 422), f"origin_{resolved.status}",
                    message, parameter="lat" if resolved.query == "ma position" else "postcode",
                    suggestions=list(resolved.suggestions) or None)


def _search_request() -> tuple[SearchRequest, int]:
    limit = _int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT, N_("La limite"))
    req = parse_search(request.args, get_geography(), page_size=limit)
    if req.text_problem:
        raise BadParameter("q", req.text_problem)
    if req.origin_problem is not None:
        raise _origin_error(req.origin_problem)
    if req.commune_problem:
        raise ApiError(422, "commune_not_found", req.commune_problem, parameter="commune",
                       suggestions=req.commune_suggestions or None)
    return req, limit


def _notices(req: SearchRequest, outcome, demo: bool) -> list[dict]:
    notices = []
    origin = req.origin
    if demo:
        notices.append({"code": "demo_data", "message": gettext(
                        "Données de démonstration : ce répertoire n'est pas encore le "
                        "répertoire officiel ; vérifiez auprès de chaque groupe.")})
    if origin is not None and origin.message:
        notices.append({"code": "origin_note", "message": resolved_message(origin)})
    if origin is not None and origin.suggestions:
        notices.append({"code": "origin_alternatives", "suggestions": list(origin.suggestions),
                        "message": gettext("Autres lieux possibles : %(places)s.",
                                           places=", ".join(origin.suggestions))})
    if origin is not None and req.commune is not None:
        notices.append({"code": "radius_not_applied", "message": gettext_of(
                        "La recherche se limite à la commune de %(commune)s : "
                        "la distance maximale n'est pas appliquée.", "commune",
                        req.commune.name_fr)})
    if outcome.nearest_outside:
        notices.append({"code": "nothing_within_radius", "message": gettext(
                        "Aucun groupe à moins de %(radius)s km : voici les plus "
                        "proches (nearest_outside_radius).", radius=req.radius_km)})
    if outcome.unknown_schedule_left_out:
        notices.append({"code": "unknown_schedule_left_out",
                        "message": left_out_message(outcome.unknown_schedule_left_out)})
    if req.query.has_schedule_filter and outcome.everywhere:
        notices.append({"code": "everywhere_any_time", "message": label(EVERYWHERE_ANY_TIME)})
    if outcome.total and not outcome.results:
        notices.append({"code": "page_out_of_range",
                        "message": gettext("Cette page est au-delà des résultats.")})
    return notices


def _run_search() -> tuple[SearchRequest, int, object]:
    req, limit = _search_request()
    return req, limit, run_search(req.query)


# -- search -------------------------------------------------------------------------------------

@bp.get("/v1/search")
def search_json():
    req, limit, outcome = _run_search()
    geography = get_geography()
    demo = get_inventory().demo
    return json_response({
        "origin": req.origin.as_dict() if req.origin is not None else None,
        "radius_km": req.query.radius_km,
        "count": outcome.total,
        "page": req.page,
        "limit": limit,
        "demo": demo,
        "unknown_schedule_left_out": outcome.unknown_schedule_left_out,
        "text": text_dict(outcome.text),
        "results": public_results(outcome.results, geography),
        "nearest_outside_radius": public_results(outcome.nearest_outside, geography),
        "suggested": public_results(outcome.suggested, geography),
        "everywhere": [dict(group_with_places(g, geography)) for g in outcome.everywhere],
        "notices": _notices(req, outcome, demo),
    })


@bp.get("/v1/search.geojson")
def search_geojson():
    req, limit, outcome = _run_search()
    geography = get_geography()
    results = public_results(outcome.results, geography)
    return json_response(results_geojson(
        results, origin=req.origin.as_dict() if req.origin is not None else None,
        count=outcome.total, page=req.page, limit=limit, demo=get_inventory().demo),
        mimetype=GEOJSON)


# -- inventory ------------------------------------------------------------------------------------

@bp.get("/v1/groups")
def groups():
    chapter = _chapter_arg()

    def build() -> bytes:
        geography, inventory = get_geography(), get_inventory()
        groups = get_store().all_groups(chapter=chapter)
        return json_body({"count": len(groups), "demo": inventory.demo,
                          "groups": [group_with_places(g, geography) for g in groups]})
    return whole_inventory(("groups", chapter), build, JSON)


@bp.get("/v1/groups/<slug>")
def group(slug: str):
    found = get_store().group_by_slug(slug) if len(slug) <= 200 else None
    if found is None:
        raise ApiError(404, "group_not_found", f"Aucun groupe n'a l'identifiant « {slug[:80]} ».")
    return json_response(group_with_places(found, get_geography()))


@bp.get("/v1/groups.geojson")
def groups_geojson():
    chapter = _chapter_arg()
    return whole_inventory(("groups.geojson", chapter), lambda: json_body(
        api_formats.groups_geojson(get_store().all_groups(chapter=chapter),
                                   get_geography())), GEOJSON)


@bp.get("/v1/groups.csv")
def groups_csv():
    chapter = _chapter_arg()
    response = whole_inventory(("groups.csv", chapter), lambda: public_csv(
        get_store().all_groups(chapter=chapter), get_geography()).encode(), "text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="groupes-entraide.csv"'
    return response


def _group_url(group) -> str:
    return public_url("pages.group", slug=group.slug)


@bp.get("/v1/meeting-guide.json")
def meeting_guide_feed():
    # Its entries' absolute URLs come from the public base URL, never from the Host header.
    return whole_inventory(("meeting-guide",), lambda: json_body(
        meeting_guide(get_store().all_groups(), get_geography(), _group_url)), JSON)


@bp.get("/v1/chapters")
def chapters():
    rows = get_store().chapters()
    return json_response({"count": len(rows), "chapters": rows})


# -- geography ----------------------------------------------------------------------------------

def _commune_dict(commune) -> dict:
    return {"nis": commune.nis, "name_fr": commune.name_fr, "name_nl": commune.name_nl,
            "province": commune.province, "region": commune.region}


@bp.get("/v1/communes")
def communes():
    geography = get_geography()
    q = (request.args.get("q") or "").strip()
    if len(q) > MAX_TEXT:
        raise BadParameter("q", _too_long())
    limit = _int_arg("limit", DEFAULT_SUGGESTIONS, 1, MAX_SUGGESTIONS, N_("La limite"))
    if q:
        found = geography.commune_suggestions(q, limit=limit)
    else:
        found = sorted(geography.communes.values(), key=lambda c: fold(c.name_fr))
    return json_response({"count": len(found), "communes": [_commune_dict(c) for c in found]})


_LOCATE_ERRORS = {"not_found": (404, "place_not_found"), "ambiguous": (422, "place_ambiguous"),
                  "mismatch": (422, "place_mismatch"), "outside": (422, "place_outside"),
                  "invalid": (400, "invalid_parameter")}


@bp.get("/v1/locate")
def locate():
    q = (request.args.get("q") or "").strip()
    if not q:
        raise ApiError(400, "missing_parameter", gettext(
            "Indiquez un code postal, une localité ou une commune (paramètre q)."),
            parameter="q")
    if len(q) > MAX_TEXT:
        raise BadParameter("q", _too_long())
    resolved = get_geography().resolve(q)
    if not resolved.ok:
        status, code = _LOCATE_ERRORS.get(resolved.status, (422, "place_not_found"))
        raise ApiError(status, code, resolved_message(resolved, N_("Lieu introuvable.")),
                       parameter="q",
                       suggestions=list(resolved.suggestions) or None)
    data = resolved.as_dict()
    data["message"] = resolved_message(resolved)
    data["suggestions"] = list(resolved.suggestions)
    return json_response(data)


@bp.get("/v1/suggest")
def suggest():
    """Themes and group names for what is being typed (the search field's combobox)."""
    q = " ".join((request.args.get("q") or "").split())
    if len(q) > MAX_TEXT:
        raise BadParameter("q", _too_long())
    limit = _int_arg("limit", DEFAULT_SUGGESTIONS, 1, MAX_SUGGESTIONS, N_("La limite"))
    found = get_inventory().text_index.suggest(q, limit=limit) if q else []
    return json_response({"query": q, "count": len(found), "suggestions": [
        {"label": s.label, "kind": s.kind, "groups": s.count or None} for s in found]})


@bp.get("/v1/openapi.json")
def openapi():
    from .openapi import document
    return json_response(document(current_app.extensions["finder_security"]["base_url"]))
