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

A value that is not a list of origins (`partenaire.example` without its scheme, a URL with
a path) stops the app at start-up (`check_setting`, called by security.init_app) with a
French message, instead of quietly letting no partner frame the embed while the builder
tells them they may.
"""
from __future__ import annotations

import functools
import re
from typing import Optional

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


SETTING = "FINDER_EMBED_FRAME_ANCESTORS"
_KEYWORDS = ("*", "'self'", "'none'")
_ORIGIN = re.compile(r"^https?://(\*\.)?[a-z0-9]([a-z0-9\-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9\-]*[a-z0-9])?)*"
                     r"(:\d{1,5})?/?$", re.I)


def _why_not_an_origin(token: str) -> str:
    if "://" not in token:
        return "il manque https:// (ou http://) devant le nom du site"
    scheme, _, rest = token.partition("://")
    if scheme.lower() not in ("http", "https"):
        return "seuls http:// et https:// sont possibles"
    host = rest.split("/", 1)[0]
    if "/" in rest.rstrip("/") or "?" in rest or "#" in rest:
        return "une origine n'a pas de chemin : gardez seulement https://nom-du-site"
    if not host.isascii():
        return "écrivez le nom du site en ASCII (punycode, xn--…)"
    return "ce n'est pas un nom de site valide"


def setting_problem(value: str) -> Optional[str]:
    """Why the setting's value is not a list of origins (French), or None when it is."""
    tokens = [t for t in re.split(r"[\s,]+", value or "") if t]
    bad = [t for t in tokens if t not in _KEYWORDS and not _ORIGIN.match(t)]
    if bad:
        return ("valeur non reconnue : " + " ; ".join(
            f"« {t} » ({_why_not_an_origin(t)})" for t in bad)
            + ". Écrivez « * » (tous les sites) ou des origines séparées par des espaces, "
              "par exemple « https://partenaire.example https://www.autre.example ».")
    if "'none'" in tokens and len(tokens) > 1:
        return "« 'none' » ne se combine pas avec d'autres valeurs : écrivez l'un ou l'autre."
    return None


def check_setting(app) -> None:
    """Stop the app at start-up when EMBED_FRAME_ANCESTORS is not a list of origins."""
    from ..db import StartupError, startup_message
    problem = setting_problem(str(app.config.get("EMBED_FRAME_ANCESTORS", "*")))
    if problem:
        raise StartupError(startup_message(f"{SETTING} : {problem}", SETTING))


def is_framed_endpoint(endpoint: str | None) -> bool:
    return endpoint in FRAMED_ENDPOINTS


def frame_ancestors(app, request) -> str:
    """The frame-ancestors value for this request: the setting for the embed, else 'self'."""
    if is_framed_endpoint(request.endpoint):
        return configured_ancestors(str(app.config.get("EMBED_FRAME_ANCESTORS", "*")))
    return SELF
