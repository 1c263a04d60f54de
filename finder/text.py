"""Text helpers: the one way we compare names typed by people with names in the data.

Which links and e-mail addresses may be shown as such is decided in finder/validation.py.
"""
from __future__ import annotations

import re
import unicodedata

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


_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The folded words of a text: "L'Alzheimer-Café !" → ['l', 'alzheimer', 'cafe']."""
    return _WORD.findall(fold(text))


def slugify(text: str, max_length: int = 80) -> str:
    """URL-safe identifier: 'Alzheimer Café d'Ans' -> 'alzheimer-cafe-d-ans'."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "groupe"
