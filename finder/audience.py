"""Who a group is for, normalised: the inventory's free `audience` text → a fixed list.

People filter on four answers ("pour qui ?"); the original wording is kept and shown as
written. An audience item may give several answers ("parents et proches") or none
("professionnels", "grand public"): no answer is ever guessed from the rest of the row.
"""
from __future__ import annotations

import re
from typing import Iterable

from .text import fold
from .translatable import N_

# Stable keys (URL, API, import) → what people read.
AUDIENCES: dict[str, str] = {
    "concernes": N_("Les personnes concernées"),
    "proches": N_("Les proches, l'entourage"),
    "jeunes": N_("Les enfants et les jeunes"),
    "parents": N_("Les parents"),
}

_NOBODY = re.compile(r"^(professionnel|soignant|grand public|association)")
_RULES: tuple[tuple[str, re.Pattern], ...] = (
    ("parents", re.compile(r"^(futurs? )?(parents?|meres?|peres?)\b|\bparents solos\b")),
    ("jeunes", re.compile(r"^(jeunes|enfants|adolescents?|ados)\b|\balateen\b"
                          r"|\bmoins de 25 ans\b")),
    ("proches", re.compile(r"\b(proches?|entourage|familles?|amis|aidants?|voisin\w*|freres"
                           r"|soeurs|fratrie|grands parents|accompagnants?)\b")),
    ("concernes", re.compile(r"^(personnes?|malades|patients?|usagers|ex usagers|victimes"
                             r"|adultes|femmes|hommes|futurs operes|gays|lesbiennes"
                             r"|auteurs|toute personne (ayant|qui))\b")),
)


def audience_kinds(items: Iterable[str]) -> list[str]:
    """['personnes atteintes de SEP', 'proches'] → ['concernes', 'proches'] (AUDIENCES order)."""
    found: set[str] = set()
    for item in items:
        key = fold(item)
        if not key or _NOBODY.match(key):
            continue
        for kind, rule in _RULES:
            if rule.search(key):
                found.add(kind)
    return [k for k in AUDIENCES if k in found]
