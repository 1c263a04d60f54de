"""Text helpers: the one way we compare names typed by people with names in the data."""
from __future__ import annotations

import re
import unicodedata
from typing import Optional
from urllib.parse import urlsplit

_APOSTROPHES = "'’‘`´"
_SEPARATORS = re.compile(r"[\s\-‐‑–—_/.,;:()\[\]\"«»]+")


def fold(text: str) -> str:
    """Case-, accent-, hyphen- and apostrophe-insensitive key.

    >>> fold("L'Écluse") == fold("l ecluse") == fold("L’ecluse")
    True
    """
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    for a in _APOSTROPHES:
        text = text.replace(a, " ")
    return _SEPARATORS.sub(" ", text).strip()


def slugify(text: str, max_length: int = 80) -> str:
    """URL-safe identifier: 'Alzheimer Café d'Ans' -> 'alzheimer-cafe-d-ans'."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "groupe"


_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_HTTP = re.compile(r"^https?://[^\s<>\"'`\\]+$", re.I)


def safe_url(url: str) -> Optional[str]:
    """The URL if it is a plain http(s) address, else None (shown as text, not a link).

    The one rule for every output that makes a link of inventory text, and for import.
    """
    url = (url or "").strip()
    if not _HTTP.match(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def safe_email(email: str) -> Optional[str]:
    """The address if it looks like an e-mail address we may put in a mailto:, else None."""
    email = (email or "").strip()
    return email if _EMAIL.match(email) else None
