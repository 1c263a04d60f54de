"""The OpenAPI 3.1 document of the open data API (served at /api/v1/openapi.json).

It is the contract tests/test_api_fuzz.py checks the implementation against: every
endpoint, every parameter with its limits, every response with its schema (the schemas
themselves: openapi_schemas.py).
"""
from __future__ import annotations

from ..audience import AUDIENCES
from ..models import CHAPTER_SLUGS, SERVICE_LABELS
from ..schedule.filters import MOMENTS
from ..schedule.model import WEEKDAYS_FR
from .openapi_schemas import SCHEMAS, STR, ref
from .params import MAX_PAGE, MAX_TEXT, RADIUS_CHOICES

_TEXT = {"type": "string", "maxLength": MAX_TEXT}


def _param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


CHAPTER_PARAM = _param("chapter", {"type": "string", "enum": list(CHAPTER_SLUGS)},
                       "Only groups of this chapter.")
SEARCH_PARAMS = [
    _param("q", {"type": "string", "maxLength": 200}, "What it is about, in one's own words "
           "(\"parkinson\", \"mon fils boit\"): full-text search with the thesaurus; "
           "longer than 100 characters or without a word: 400."),
    _param("audience", {"type": "string", "enum": list(AUDIENCES)},
           "For whom: the audience normalised at import."),
    _param("service", {"type": "string", "enum": list(SERVICE_LABELS)},
           "What the group offers (services column)."),
    _param("free", {"type": "string", "enum": ["1", "0", "oui", "non", "true", "false"]},
           "1: only groups whose source says they are free of charge."),
    {"name": "day", "in": "query", "required": False, "style": "form", "explode": True,
     "schema": {"type": "array", "items": {"type": "string", "enum": [
         *WEEKDAYS_FR, "1", "2", "3", "4", "5", "6", "7"]}},
     "description": "Only places meeting on one of these days (lundi … dimanche or "
                    "1 = lundi … 7 = dimanche; repeat the parameter or separate by commas). "
                    "Places whose schedule is not known are left out and counted "
                    "(unknown_schedule_left_out). Services reachable from everywhere have no "
                    "meeting: they are given whatever the day, moment or week (notice "
                    "everywhere_any_time)."},
    _param("moment", {"type": "string", "enum": list(MOMENTS)},
           "Part of the day by the meeting's start time: matin before 12:00, apres-midi "
           "12:00-18:00, soir from 18:00 (Europe/Brussels). Unknown schedules: as for day."),
    _param("semaine", {"type": "string", "enum": ["1", "0", "oui", "non", "true", "false"]},
           "1: only places with a meeting in the next 7 days (from today, Europe/Brussels). "
           "Unknown schedules: as for day."),
    _param("postcode", _TEXT, "Origin: Belgian postcode, locality or commune name "
           "(as on the site). An origin that cannot be placed is a 422 error."),
    _param("radius_km", {"type": "integer", "enum": list(RADIUS_CHOICES), "default": 20},
           "Maximum distance from the origin (not applied when a commune is chosen)."),
    CHAPTER_PARAM,
    _param("theme", _TEXT, "Only groups with this theme (exact name)."),
    _param("commune", _TEXT, "Only places in this commune (name in French or Dutch, or "
           "NIS code). Unknown: 422 commune_not_found with suggestions."),
    _param("lat", {"type": "number", "minimum": -90, "maximum": 90},
           "Origin latitude (WGS84), with lon; replaces postcode."),
    _param("lon", {"type": "number", "minimum": -180, "maximum": 180},
           "Origin longitude (WGS84), with lat."),
    _param("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
           "Page of results."),
    _param("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
           "Results per page."),
]

_CACHED = {
    "ETag": {"schema": STR, "description": "Hash of the body; send it in If-None-Match."},
    "Cache-Control": {"schema": STR, "description": "public, max-age=300 (private, "
                      "max-age=300 for a search around lat/lon)"},
    "Access-Control-Allow-Origin": {"schema": {"const": "*"}},
}


def _ok(description: str, schema: dict, media: str = "application/json") -> dict:
    return {"description": description, "headers": _CACHED,
            "content": {media: {"schema": schema}}}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": ref("Error")}}}


NOT_MODIFIED = {"description": "Not modified (If-None-Match matched the ETag)."}
ALWAYS = {
    "429": {**_error("Too many requests from this address (rate_limited, with retry_after)."),
            "headers": {"Retry-After": {"schema": STR}}},
    "503": _error("The directory is momentarily unavailable (unavailable)."),
}
BAD = _error("Invalid parameter (code invalid_parameter or missing_parameter).")


CSV_FORMULAS = (
    "Formula neutralisation: a cell whose text begins with `=`, `+`, `-`, `@`, a tab or a "
    "carriage return would run as a formula when the file is opened in a spreadsheet, so it "
    "is written with one apostrophe (`'`) before it: `=HYPERLINK(…)` becomes `'=HYPERLINK(…)`, "
    "a phone number `+32 2 …` becomes `'+32 2 …`. A text that already begins with "
    "apostrophes followed by one of those characters gets one more. To read the original "
    "values, remove one leading apostrophe wherever it is followed by apostrophes and one of "
    "those characters; the finder's own import does exactly that. JSON and GeoJSON outputs "
    "are never changed.")


def _get(summary: str, responses: dict, params: list | None = None, tag: str = "",
         description: str = "") -> dict:
    op = {"summary": summary, "parameters": params or [],
          "responses": {**responses, "304": NOT_MODIFIED, **ALWAYS}}
    if description:
        op["description"] = description
    if tag:
        op["tags"] = [tag]
    return {"get": op}


def paths() -> dict:
    search_errors = {
        "400": _error("Invalid parameter, or origin text that is not a place (origin_invalid)."),
        "422": _error("The origin cannot be placed (origin_not_found, origin_ambiguous, "
                      "origin_mismatch, origin_outside, with suggestions) or the commune is unknown "
                      "(commune_not_found)."),
    }
    return {
        "/api/v1/search": _get(
            "Groups near a place, nearest first", {
                "200": _ok("Results", ref("SearchResponse")), **search_errors},
            SEARCH_PARAMS, "search"),
        "/api/v1/search.geojson": _get(
            "The same search as GeoJSON (one feature per result; properties as in "
            "/api/v1/search results)", {
                "200": _ok("FeatureCollection", ref("FeatureCollection"),
                           "application/geo+json"), **search_errors},
            SEARCH_PARAMS, "search"),
        "/api/v1/groups": _get(
            "All groups with their public places", {
                "200": _ok("Groups", ref("GroupList")), "400": BAD},
            [CHAPTER_PARAM], "inventory"),
        "/api/v1/groups/{slug}": _get(
            "One group", {
                "200": _ok("The group", ref("GroupWithPlaces")),
                "404": _error("No such group (group_not_found).")},
            [{"name": "slug", "in": "path", "required": True,
              "schema": {"type": "string", "minLength": 1, "maxLength": 200}}], "inventory"),
        "/api/v1/groups.geojson": _get(
            "The public inventory as GeoJSON (services without a place have no geometry)", {
                "200": _ok("FeatureCollection", ref("FeatureCollection"),
                           "application/geo+json"), "400": BAD},
            [CHAPTER_PARAM], "inventory"),
        "/api/v1/groups.csv": _get(
            "The public inventory as CSV, in the import format (UTF-8 with BOM)", {
                "200": _ok("CSV", {"type": "string"}, "text/csv"), "400": BAD},
            [CHAPTER_PARAM], "inventory", description=CSV_FORMULAS),
        "/api/v1/meeting-guide.json": _get(
            "Meeting Guide feed: one meeting per meeting place (and per weekly hour)", {
                "200": _ok("Meetings", {"type": "array", "items": ref("Meeting")})},
            tag="inventory"),
        "/api/v1/chapters": _get(
            "The six chapters of the inventory", {
                "200": _ok("Chapters", {
                    "type": "object", "required": ["count", "chapters"],
                    "properties": {"count": {"type": "integer"},
                                   "chapters": {"type": "array", "items": ref("Chapter")}}})},
            tag="inventory"),
        "/api/v1/communes": _get(
            "Communes of Wallonia and Brussels; with q, suggestions for autocompletion", {
                "200": _ok("Communes", {
                    "type": "object", "required": ["count", "communes"],
                    "properties": {"count": {"type": "integer", "minimum": 0},
                                   "communes": {"type": "array", "items": ref("Commune")}}}),
                "400": BAD},
            [_param("q", _TEXT, "Start of a name (accents and case ignored)."),
             _param("limit", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
                    "Suggestions at most (with q).")], "geography"),
        "/api/v1/locate": _get(
            "Place a postcode, locality or commune", {
                "200": _ok("The place", ref("Located")),
                "400": _error("Empty, too long or not a place (missing_parameter, "
                              "invalid_parameter)."),
                "404": _error("Not found (place_not_found, with suggestions)."),
                "422": _error("Ambiguous (place_ambiguous), a postcode with a name that is "
                              "none of its localities (place_mismatch, with the postcode's "
                              "localities as suggestions) or outside Wallonia and Brussels "
                              "(place_outside).")},
            [{**_param("q", {"type": "string", "minLength": 1, "maxLength": MAX_TEXT},
                       "Postcode, locality or commune."), "required": True}], "geography"),
        "/api/v1/suggest": _get(
            "Themes and group names for what is being typed (search field suggestions)", {
                "200": _ok("Suggestions", {
                    "type": "object", "required": ["query", "count", "suggestions"],
                    "properties": {"query": STR, "count": {"type": "integer", "minimum": 0},
                                   "suggestions": {"type": "array",
                                                   "items": ref("Suggestion")}}}),
                "400": BAD},
            [_param("q", _TEXT, "What has been typed so far."),
             _param("limit", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
                    "Suggestions at most.")], "search"),
        "/api/v1/openapi.json": _get(
            "This document", {"200": _ok("OpenAPI 3.1", {"type": "object"})}),
    }


def document(server: str = "") -> dict:
    doc = {
        "openapi": "3.1.0",
        "info": {
            "title": "Entraide finder — données ouvertes",
            "version": "1.0.0",
            "description": (
                "Read-only API of the directory of self-help and support groups in Wallonia "
                "and Brussels. Errors are JSON {\"error\": {\"code\", \"message\"}} with a 4xx "
                "status; messages are in French. Places whose exact location must not be "
                "shown are published at their commune's precision everywhere. Answers carry "
                "Access-Control-Allow-Origin: *, an ETag and Cache-Control: public, "
                "max-age=300."),
        },
        "paths": paths(),
        "components": {"schemas": SCHEMAS},
    }
    if server:
        doc["servers"] = [{"url": server}]
    return doc
