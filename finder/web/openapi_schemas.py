"""The response schemas of the open data API's OpenAPI document (openapi.py), by name:
what every endpoint answers, field by field.
"""
from __future__ import annotations

from ..audience import AUDIENCES
from ..models import ADDRESS_KINDS, CHAPTER_SLUGS, PRECISIONS

def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


LINK_RULE = ("A plain http(s) address safe for an href (no user information, no host mixing "
             "scripts or carrying bidirectional controls; a non-ASCII host in punycode), "
             "or empty.")
STR = {"type": "string"}
STRS = {"type": "array", "items": STR}

SCHEMAS: dict = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {
                "code": {**STR, "description": "Stable code for programs, e.g. "
                         "invalid_parameter, origin_not_found, group_not_found."},
                "message": {**STR, "description": "French, for people."},
                "parameter": {**STR, "description": "The parameter at fault."},
                "suggestions": {**STRS, "description": "Places or communes the person "
                                "may have meant."},
                "retry_after": {"type": "integer", "description": "Seconds to wait (429)."},
            }}},
    },
    "CommuneRef": {
        "type": "object", "required": ["nis", "name"],
        "properties": {"nis": STR, "name": STR},
    },
    "Group": {
        "type": "object",
        "required": ["slug", "name", "chapter", "chapter_title", "kind", "themes", "audience",
                     "services", "cost", "description", "phone", "email", "website",
                     "source_url", "source_date", "checked_on", "demo", "notes"],
        "properties": {
            "slug": STR, "name": STR,
            "chapter": {"type": "string", "enum": list(CHAPTER_SLUGS)},
            "chapter_title": STR, "kind": STR, "themes": STRS, "audience": STRS,
            "audience_kinds": {"type": "array", "items": {"type": "string",
                               "enum": list(AUDIENCES)}, "description":
                               "audience normalised at import (the `audience` parameter)"},
            "services": STRS, "cost": STR, "description": STR, "phone": STR,
            "email": {**STR, "description": "An address safe for a mailto: link, or empty."},
            "website": {**STR, "description": LINK_RULE},
            "source_url": {**STR, "description": LINK_RULE},
            "source_date": {**STR, "description": "Date the source shows (may be empty)."},
            "checked_on": {**STR, "description": "ISO date the source was read."},
            "demo": {"type": "boolean", "description": "Demonstration data."},
            "notes": {**STR, "description": "What the sources leave in doubt (French); "
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
            "label": STR, "street": STR, "postcode": STR, "locality": STR,
            "address": STR, "commune": ref("CommuneRef"),
            "lat": {"type": "number"}, "lon": {"type": "number"},
            "precision": {"type": "string", "enum": list(PRECISIONS)},
            "exact_location_shown": {"type": "boolean"},
            "schedule": {**STR, "description": "Free text, French."},
            "address_kind": {"type": "string", "enum": list(ADDRESS_KINDS),
                             "description": "reunion: the group meets here; siege, courrier, "
                                            "contact: a registered office, a postal address "
                                            "or a contact person's address, not a meeting "
                                            "place."},
        },
    },
    "GroupWithPlaces": {
        "allOf": [ref("Group"), {
            "type": "object", "required": ["places"],
            "properties": {"places": {"type": "array", "items": ref("Place")}}}],
    },
    "Result": {
        "type": "object", "required": ["group", "place", "distance_km", "distance_approximate"],
        "properties": {
            "group": ref("Group"),
            "place": nullable(ref("Place")),
            "distance_km": nullable({"type": "number", "minimum": 0}),
            "distance_approximate": {
                "type": "boolean", "description": "True when the place is known or shown "
                "only at locality or commune precision: the distance is to its centre."},
            "relevance": nullable({"type": "number", "minimum": 0, "maximum": 1,
                                    "description": "With q: how well the group matches "
                                    "the words (1 = the best match of this query)."}),
            "rank_km": nullable({"type": "number", "minimum": 0, "description":
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
            "query": STR, "words": STRS,
            "expansions": {"type": "array", "items": {
                "type": "object", "required": ["expression", "searched_for"],
                "properties": {"expression": STR, "searched_for": STRS}},
                "description": "Thesaurus expressions found and what they searched for."},
            "corrections": {"type": "array", "items": {
                "type": "object", "required": ["typed", "searched_for"],
                "properties": {"typed": STR, "searched_for": STR}},
                "description": "Words not in the directory, and the closest word searched."},
            "partial": {"type": "boolean", "description":
                        "No group has every word: results hold some of them."},
            "matched_groups": {"type": "integer", "minimum": 0},
            "closest_themes": {**STRS, "description": "When nothing matches."},
            "chapter": nullable({"type": "string", "enum": list(CHAPTER_SLUGS)}),
        },
    },
    "Suggestion": {
        "type": "object", "required": ["label", "kind", "groups"],
        "properties": {"label": STR, "kind": {"type": "string", "enum": ["theme", "group"]},
                       "groups": nullable({"type": "integer", "minimum": 1})},
    },
    "Origin": {
        "type": "object",
        "required": ["query", "lat", "lon", "precision", "postcode", "locality", "commune"],
        "properties": {
            "query": STR,
            "lat": nullable({"type": "number"}), "lon": nullable({"type": "number"}),
            "precision": nullable({"type": "string", "enum": list(PRECISIONS)}),
            "postcode": nullable(STR), "locality": nullable(STR),
            "commune": nullable(ref("CommuneRef")),
        },
    },
    "Located": {
        "allOf": [ref("Origin"), {
            "type": "object", "required": ["message", "suggestions"],
            "properties": {"message": STR, "suggestions": STRS}}],
    },
    "Notice": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": STR, "message": STR, "suggestions": STRS},
    },
    "SearchResponse": {
        "type": "object",
        "required": ["origin", "radius_km", "count", "page", "limit", "demo", "results",
                     "nearest_outside_radius", "everywhere", "notices",
                     "unknown_schedule_left_out"],
        "properties": {
            "origin": nullable(ref("Origin")),
            "radius_km": nullable({"type": "number", "description":
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
            "results": {"type": "array", "items": ref("Result"),
                        "description": "This page, nearest first when there is an origin."},
            "nearest_outside_radius": {"type": "array", "items": ref("Result"),
                                       "description": "When nothing is within the radius."},
            "everywhere": {"type": "array", "items": ref("GroupWithPlaces"),
                           "description": "Services without a meeting place (phone, web)."},
            "notices": {"type": "array", "items": ref("Notice")},
            "text": nullable(ref("TextUnderstood")),
            "suggested": {"type": "array", "items": ref("Result"), "description":
                          "When the words match nothing: the nearest groups of the "
                          "chapter they point to."},
        },
    },
    "GroupList": {
        "type": "object", "required": ["count", "demo", "groups"],
        "properties": {"count": {"type": "integer", "minimum": 0}, "demo": {"type": "boolean"},
                       "groups": {"type": "array", "items": ref("GroupWithPlaces")}},
    },
    "Chapter": {
        "type": "object", "required": ["slug", "title", "colour", "groups"],
        "properties": {"slug": {"type": "string", "enum": list(CHAPTER_SLUGS)},
                       "title": STR, "colour": {"type": "string", "pattern": "^#[0-9a-f]{6}$"},
                       "groups": {"type": "integer", "minimum": 0}},
    },
    "Commune": {
        "type": "object", "required": ["nis", "name_fr", "name_nl", "province", "region"],
        "properties": {"nis": STR, "name_fr": STR, "name_nl": STR,
                       "province": {**STR, "description": "Empty for Brussels."},
                       "region": STR},
    },
    "Feature": {
        "type": "object", "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "geometry": nullable({
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
                       "features": {"type": "array", "items": ref("Feature")}},
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
            "group": STR,
            "day": {"oneOf": [{"type": "integer", "minimum": 0, "maximum": 6},
                              {"type": "array", "items": {"type": "integer", "minimum": 0,
                                                          "maximum": 6}}],
                    "description": "0 = Sunday … 6 = Saturday."},
            "time": {"type": "string", "pattern": r"^\d{2}:\d{2}$"},
            "end_time": {"type": "string", "pattern": r"^\d{2}:\d{2}$"},
            "notes": STR, "location": STR, "formatted_address": STR, "region": STR,
            "sub_region": STR, "approximate": {"type": "string", "enum": ["yes", "no"]},
            "latitude": {"type": "number"}, "longitude": {"type": "number"},
            "url": STR, "updated": {"type": "string",
                                     "pattern": r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"},
            "timezone": STR, "contact_1_name": STR, "contact_1_phone": STR,
            "contact_1_email": STR,
        },
    },
}
