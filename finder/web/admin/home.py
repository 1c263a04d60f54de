"""The admin's first page: find a group by name, commune, chapter or freshness."""
from __future__ import annotations

from flask import render_template, request

from ...db import get_writer
from ...editing import is_stale
from ...models import CHAPTERS
from ...text import fold
from . import bp

MAX_LISTED = 200


def find_groups(groups, *, name: str = "", commune: str = "", chapter: str = "",
                stale: bool = False):
    name, commune = fold(name), fold(commune)
    for group in groups:
        if name and name not in fold(group.name):
            continue
        if commune and not any(commune in fold(p.commune_name) or commune in fold(p.locality)
                               or commune == p.postcode for p in group.places):
            continue
        if chapter and group.chapter != chapter:
            continue
        if stale and not is_stale(group):
            continue
        yield group


@bp.get("/")
def home():
    store = get_writer()
    args = {k: (request.args.get(k) or "").strip()[:200]
            for k in ("nom", "commune", "chapitre", "fraicheur")}
    found = list(find_groups(store.all_groups(), name=args["nom"], commune=args["commune"],
                             chapter=args["chapitre"], stale=args["fraicheur"] == "ancienne"))
    return render_template("admin/home.html", counts=store.counts(), args=args,
                           groups=found[:MAX_LISTED], total=len(found), chapters=CHAPTERS,
                           is_stale=is_stale, searched=any(args.values()))
