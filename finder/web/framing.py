"""Who may put our pages in an iframe (CSP frame-ancestors).

Only the embed (/embed) may be framed by other sites: by those listed in the setting
EMBED_FRAME_ANCESTORS ("*" = any site, the default; or space-separated origins such as
"https://partenaire.example https://www.autre.example"). With a list, our own origin is
added, so the builder's preview (/embed/builder frames /embed) keeps working. Every other
page may be framed only by our own origin ('self', plus X-Frame-Options SAMEORIGIN for
old browsers, which finder.web.security adds whenever the answer is 'self').

security.add_security_headers writes the header; a view chooses the value with
security.set_frame_ancestors(...). The embed blueprint does that for its framed endpoints
(see embed.py); `frame_ancestors(app, request)` is the one decision, for anyone to call.
"""
from __future__ import annotations

import functools
import re

SELF = "'self'"
FRAMED_ENDPOINTS = frozenset({"embed.embed"})


@functools.lru_cache(maxsize=16)   # the setting is read on every /embed request
def configured_ancestors(value: str) -> str:
    """The frame-ancestors source list for embeds, from the setting's value."""
    tokens = [t for t in re.split(r"[\s,]+", value or "") if t]
    if not tokens or "*" in tokens:
        return "*"
    if "'none'" in tokens:
        return SELF
    # Origins only (scheme://host[:port]); a trailing slash or path would never match.
    origins = [t.rstrip("/") if t.count("/") <= 3 else t for t in tokens]
    return " ".join(dict.fromkeys([SELF, *origins]))


def is_framed_endpoint(endpoint: str | None) -> bool:
    return endpoint in FRAMED_ENDPOINTS


def frame_ancestors(app, request) -> str:
    """The frame-ancestors value for this request: the setting for the embed, else 'self'."""
    if is_framed_endpoint(request.endpoint):
        return configured_ancestors(str(app.config.get("EMBED_FRAME_ANCESTORS", "*")))
    return SELF
