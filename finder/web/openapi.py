"""The OpenAPI 3.1 document of the open data API (served at /api/v1/openapi.json).

It is the contract tests/test_api_fuzz.py checks the implementation against: every
endpoint, every parameter with its limits, every response with its schema.
"""
from __future__ import annotations

from ..audience import AUDIENCES
from ..models import ADDRESS_KINDS, CHAPTER_SLUGS, PRECISIONS, SERVICE_LABELS
from ..schedule.filters import MOMENTS
from ..schedule.model import WEEKDAYS_FR
from .params import MAX_PAGE, MAX_TEXT, RADIUS_CHOICES


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


LINK_RULE = ("A plain http(s) address safe for an href (no user information, no host mixing "
             "scripts or carrying bidirectional controls; a non-ASCII host in punycode), "
             "or empty.")
_STR = {"type": "string"}
_STRS = {"type": "array", "items": _STR}

SCHEMAS: dict = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {
                "code": {**_STR, "description": "Stable code for programs, e.g. "
                         "invalid_parameter, origin_not_found, group_not_found."},
                "message": {**_STR, "description": "French, for people."},
                "parameter": {**_STR, "description": "The parameter at fault."},
                "suggestions": {**_STRS, "description": "Places or communes the person "
                                "may have meant."},
                "retry_after": {"type": "integer", "description": "Seconds to wait (429)."},
            }}},
    },
    "CommuneRef": {
        "type": "object", "required": ["nis", "name"],
        "properties": {"nis": _STR, "name": _STR},
    },
    "Group": {
        "type": "object",
        "required": ["slug", "name", "chapter", "chapter_title", "kind", "themes", "audience",
                     "services", "cost", "description", "phone", "email", "website",
                     "source_url", "source_date", "checked_on", "demo", "notes"],
        "properties": {
            "slug": _STR, "name": _STR,
            "chapter": {"type": "string", "enum": list(CHAPTER_SLUGS)},
            "chapter_title": _STR, "kind": _STR, "themes": _STRS, "audience": _STRS,
            "audience_kinds": {"type": "array", "items": {"type": "string",
                               "enum": list(AUDIENCES)}, "description":
                               "audience normalised at import (the `audience` parameter)"},
            "services": _STRS, "cost": _STR, "description": _STR, "phone": _STR,
            "email": {**_STR, "description": "An address safe for a mailto: link, or empty."},
            "website": {**_STR, "description": LINK_RULE},
            "source_url": {**_STR, "description": LINK_RULE},
            "source_date": {**_STR, "description": "Date the source shows (may be empty)."},
            "checked_on": {**_STR, "description": "ISO date the source was read."},
            "demo": {"type": "boolean", "description": "Demonstration data."},
            "notes": {**_STR, "description": "What the sources leave in doubt (French); "
                                             "show it with the group."},
        },
    },
    "Place": {
        "type": "object",
        "description": "A meeting place as the public may see it. When exact_location_shown "
                       "is false, only the commune is given (label, street, postcode and "
                       "locality are empty; lat/lon are the commune's representative point).",
        "required": ["label", "street", "postcode", "locality", "address", "commune", "lat",
                     "lon", "precision", "exact_location_shown", "schedule", "address_kind"],
        "properties": {
            "label": _STR, "street": _STR, "postcode": _STR, "locality": _STR,
            "address": _STR, "commune": _ref("CommuneRef"),
            "lat": {"type": "number"}, "lon": {"type": "number"},
            "precision": {"type": "string", "enum": list(PRECISIONS)},
            "exact_location_shown": {"type": "boolean"},
            "schedule": {**_STR, "description": "Free text, French."},
            "address_kind": {"type": "string", "enum": list(ADDRESS_KINDS),
                             "description": "reunion: the group meets here; siege, courrier, "
                                            "contact: a registered office, a postal address "
                                            "or a contact person's address, not a meeting "
                                            "place."},
        },
    },
    "GroupWithPlaces": {
        "allOf": [_ref("Group"), {
            "type": "object", "required": ["places"],
            "properties": {"places": {"type": "array", "items": _ref("Place")}}}],
    },
    "Result": {
        "type": "object", "required": ["group", "place", "distance_km", "distance_approximate"],
        "properties": {
            "group": _ref("Group"),
            "place": _nullable(_ref("Place")),
            "distance_km": _nullable({"type": "number", "minimum": 0}),
            "distance_approximate": {
                "type": "boolean", "description": "True when the place is known or shown "
                "only at locality or commune precision: the distance is to its centre."},
            "relevance": _nullable({"type": "number", "minimum": 0, "maximum": 1,
                                    "description": "With q: how well the group matches "
                                    "the words (1 = the best match of this query)."}),
            "rank_km": _nullable({"type": "number", "minimum": 0, "description":
                                  "With q and an origin: the order used, distance_km + "
                                  "25 × (1 − relevance): a weaker match counts as at most "
                                  "25 km farther."}),
        },
    },
    "TextUnderstood": {
        "type": "object",
        "required": ["query", "words", "expansions", "corrections", "partial",
                     "matched_groups", "closest_themes", "chapter"],
        "properties": {
            "query": _STR, "words": _STRS,
            "expansions": {"type": "array", "items": {
                "type": "object", "required": ["expression", "searched_for"],
                "properties": {"expression": _STR, "searched_for": _STRS}},
                "description": "Thesaurus expressions found and what they searched for."},
            "corrections": {"type": "array", "items": {
                "type": "object", "required": ["typed", "searched_for"],
                "properties": {"typed": _STR, "searched_for": _STR}},
                "description": "Words not in the directory, and the closest word searched."},
            "partial": {"type": "boolean", "description":
                        "No group has every word: results hold some of them."},
            "matched_groups": {"type": "integer", "minimum": 0},
            "closest_themes": {**_STRS, "description": "When nothing matches."},
            "chapter": _nullable({"type": "string", "enum": list(CHAPTER_SLUGS)}),
        },
    },
    "Suggestion": {
        "type": "object", "required": ["label", "kind", "groups"],
        "properties": {"label": _STR, "kind": {"type": "string", "enum": ["theme", "group"]},
                       "groups": _nullable({"type": "integer", "minimum": 1})},
    },
    "Origin": {
        "type": "object",
        "required": ["query", "lat", "lon", "precision", "postcode", "locality", "commune"],
        "properties": {
            "query": _STR,
            "lat": _nullable({"type": "number"}), "lon": _nullable({"type": "number"}),
            "precision": _nullable({"type": "string", "enum": list(PRECISIONS)}),
            "postcode": _nullable(_STR), "locality": _nullable(_STR),
            "commune": _nullable(_ref("CommuneRef")),
        },
    },
    "Located": {
        "allOf": [_ref("Origin"), {
            "type": "object", "required": ["message", "suggestions"],
            "properties": {"message": _STR, "suggestions": _STRS}}],
    },
    "Notice": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": _STR, "message": _STR, "suggestions": _STRS},
    },
    "SearchResponse": {
        "type": "object",
        "required": ["origin", "radius_km", "count", "page", "limit", "demo", "results",
                     "nearest_outside_radius", "everywhere", "notices",
                     "unknown_schedule_left_out"],
        "properties": {
            "origin": _nullable(_ref("Origin")),
            "radius_km": _nullable({"type": "number", "description":
                                    "Radius applied (null without origin or with a commune)."}),
            "count": {"type": "integer", "minimum": 0,
                      "description": "Places matching, all pages together."},
            "page": {"type": "integer", "minimum": 1},
            "limit": {"type": "integer", "minimum": 1},
            "demo": {"type": "boolean"},
            "unknown_schedule_left_out": {
                "type": "integer", "minimum": 0, "description":
                "With day, moment or semaine: places otherwise matching that were left out "
                "because their schedule is not known (not understood, by appointment, no "
                "hour); 0 without these filters."},
            "results": {"type": "array", "items": _ref("Result"),
                        "description": "This page, nearest first when there is an origin."},
            "nearest_outside_radius": {"type": "array", "items": _ref("Result"),
                                       "description": "When nothing is within the radius."},
            "everywhere": {"type": "array", "items": _ref("GroupWithPlaces"),
                           "description": "Services without a meeting place (phone, web)."},
            "notices": {"type": "array", "items": _ref("Notice")},
            "text": _nullable(_ref("TextUnderstood")),
            "suggested": {"type": "array", "items": _ref("Result"), "description":
                          "When the words match nothing: the nearest groups of the "
                          "chapter they point to."},
        },
    },
    "GroupList": {
        "type": "object", "required": ["count", "demo", "groups"],
        "properties": {"count": {"type": "integer", "minimum": 0}, "demo": {"type": "boolean"},
                       "groups": {"type": "array", "items": _ref("GroupWithPlaces")}},
    },
    "Chapter": {
        "type": "object", "required": ["slug", "title", "colour", "groups"],
        "properties": {"slug": {"type": "string", "enum": list(CHAPTER_SLUGS)},
                       "title": _STR, "colour": {"type": "string", "pattern": "^#[0-9a-f]{6}$"},
                       "groups": {"type": "integer", "minimum": 0}},
    },
    "Commune": {
        "type": "object", "required": ["nis", "name_fr", "name_nl", "province", "region"],
        "properties": {"nis": _STR, "name_fr": _STR, "name_nl": _STR,
                       "province": {**_STR, "description": "Empty for Brussels."},
                       "region": _STR},
    },
    "Feature": {
        "type": "object", "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "geometry": _nullable({
                "type": "object", "required": ["type", "coordinates"],
                "properties": {"type": {"const": "Point"},
                               "coordinates": {"type": "array", "items": {"type": "number"},
                                               "minItems": 2, "maxItems": 2}}}),
            "properties": {"type": "object"},
        },
    },
    "FeatureCollection": {
        "type": "object", "required": ["type", "features"],
        "properties": {"type": {"const": "FeatureCollection"},
                       "features": {"type": "array", "items": _ref("Feature")}},
    },
    "Meeting": {
        "type": "object", "required": ["name", "slug", "formatted_address", "approximate"],
        "description": "Meeting Guide format (https://github.com/code4recovery/spec). "
                       "day/time/end_time only for weekly meetings with an hour; monthly "
                       "and other meetings have none (their schedule text is in notes; "
                       "their dates in the calendar files and the API). approximate "
                       "describes the address; latitude/longitude only for exact points. "
                       "Only meeting places: offices and postal addresses are left out.",
        "properties": {
            "name": {"type": "string", "maxLength": 255},
            "slug": {"type": "string", "maxLength": 64, "pattern": "^[a-z0-9-]+$"},
            "group": _STR,
            "day": {"oneOf": [{"type": "integer", "minimum": 0, "maximum": 6},
                              {"type": "array", "items": {"type": "integer", "minimum": 0,
                                                          "maximum": 6}}],
                    "description": "0 = Sunday … 6 = Saturday."},
            "time": {"type": "string", "pattern": r"^\d{2}:\d{2}$"},
            "end_time": {"type": "string", "pattern": r"^\d{2}:\d{2}$"},
            "notes": _STR, "location": _STR, "formatted_address": _STR, "region": _STR,
            "sub_region": _STR, "approximate": {"type": "string", "enum": ["yes", "no"]},
            "latitude": {"type": "number"}, "longitude": {"type": "number"},
            "url": _STR, "updated": {"type": "string",
                                     "pattern": r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"},
            "timezone": _STR, "contact_1_name": _STR, "contact_1_phone": _STR,
            "contact_1_email": _STR,
        },
    },
}

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
                    "(unknown_schedule_left_out)."},
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
    "ETag": {"schema": _STR, "description": "Hash of the body; send it in If-None-Match."},
    "Cache-Control": {"schema": _STR, "description": "public, max-age=300 (private, "
                      "max-age=300 for a search around lat/lon)"},
    "Access-Control-Allow-Origin": {"schema": {"const": "*"}},
}


def _ok(description: str, schema: dict, media: str = "application/json") -> dict:
    return {"description": description, "headers": _CACHED,
            "content": {media: {"schema": schema}}}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": _ref("Error")}}}


NOT_MODIFIED = {"description": "Not modified (If-None-Match matched the ETag)."}
ALWAYS = {
    "429": {**_error("Too many requests from this address (rate_limited, with retry_after)."),
            "headers": {"Retry-After": {"schema": _STR}}},
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
                "200": _ok("Results", _ref("SearchResponse")), **search_errors},
            SEARCH_PARAMS, "search"),
        "/api/v1/search.geojson": _get(
            "The same search as GeoJSON (one feature per result; properties as in "
            "/api/v1/search results)", {
                "200": _ok("FeatureCollection", _ref("FeatureCollection"),
                           "application/geo+json"), **search_errors},
            SEARCH_PARAMS, "search"),
        "/api/v1/groups": _get(
            "All groups with their public places", {
                "200": _ok("Groups", _ref("GroupList")), "400": BAD},
            [CHAPTER_PARAM], "inventory"),
        "/api/v1/groups/{slug}": _get(
            "One group", {
                "200": _ok("The group", _ref("GroupWithPlaces")),
                "404": _error("No such group (group_not_found).")},
            [{"name": "slug", "in": "path", "required": True,
              "schema": {"type": "string", "minLength": 1, "maxLength": 200}}], "inventory"),
        "/api/v1/groups.geojson": _get(
            "The public inventory as GeoJSON (services without a place have no geometry)", {
                "200": _ok("FeatureCollection", _ref("FeatureCollection"),
                           "application/geo+json"), "400": BAD},
            [CHAPTER_PARAM], "inventory"),
        "/api/v1/groups.csv": _get(
            "The public inventory as CSV, in the import format (UTF-8 with BOM)", {
                "200": _ok("CSV", {"type": "string"}, "text/csv"), "400": BAD},
            [CHAPTER_PARAM], "inventory", description=CSV_FORMULAS),
        "/api/v1/meeting-guide.json": _get(
            "Meeting Guide feed: one meeting per meeting place (and per weekly hour)", {
                "200": _ok("Meetings", {"type": "array", "items": _ref("Meeting")})},
            tag="inventory"),
        "/api/v1/chapters": _get(
            "The six chapters of the inventory", {
                "200": _ok("Chapters", {
                    "type": "object", "required": ["count", "chapters"],
                    "properties": {"count": {"type": "integer"},
                                   "chapters": {"type": "array", "items": _ref("Chapter")}}})},
            tag="inventory"),
        "/api/v1/communes": _get(
            "Communes of Wallonia and Brussels; with q, suggestions for autocompletion", {
                "200": _ok("Communes", {
                    "type": "object", "required": ["count", "communes"],
                    "properties": {"count": {"type": "integer", "minimum": 0},
                                   "communes": {"type": "array", "items": _ref("Commune")}}}),
                "400": BAD},
            [_param("q", _TEXT, "Start of a name (accents and case ignored)."),
             _param("limit", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
                    "Suggestions at most (with q).")], "geography"),
        "/api/v1/locate": _get(
            "Place a postcode, locality or commune", {
                "200": _ok("The place", _ref("Located")),
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
                    "properties": {"query": _STR, "count": {"type": "integer", "minimum": 0},
                                   "suggestions": {"type": "array",
                                                   "items": _ref("Suggestion")}}}),
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
