"""What the search form offers (templates/partials/search_form.html): its choices.

The themes and the communes are the same for every page, so they are not recomputed per
request: the themes once per app and inventory (store.inventory_token()), the commune
datalist rendered once per app and geography. Only what depends on the request (the
selected values, an unknown theme typed in the URL) is per page.
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app
from markupsafe import Markup

from ..models import CHAPTERS
from .params import RADIUS_CHOICES, SearchRequest


def form_choices(store, geography, req: SearchRequest) -> dict:
    """The `form` variable of templates/partials/search_form.html."""
    themes = form_themes(store)
    return {
        "radius_choices": RADIUS_CHOICES,
        "chapters": [(slug, title) for slug, title, _ in CHAPTERS],
        "themes": themes.by_chapter,
        "unknown_theme": req.theme if req.theme and req.theme not in themes.known else "",
        "commune_options": commune_options(geography),
        "more_open": bool(req.commune_text or req.theme
                          or (req.origin_problem is not None
                              and req.origin_problem.status == "outside")),
    }


@dataclass(frozen=True)
class FormThemes:
    by_chapter: tuple[tuple[str, tuple[str, ...]], ...]    # (chapter title, themes), non-empty
    known: frozenset[str]


_FORM_THEMES_KEEP = 8           # inventories kept per app (one is current, others are old)
_FORM_LOCK = threading.Lock()   # guards both caches (app.extensions entries)


def form_themes(store) -> FormThemes:
    """The theme choices of the search form, read once per app and inventory
    (store.inventory_token(): an import changes it, so the next page shows the new themes)."""
    token = store.inventory_token()
    app = current_app._get_current_object()
    with _FORM_LOCK:
        cache = app.extensions.setdefault("finder_form_themes", OrderedDict())
        cached = cache.get(token)
    if cached is not None:
        return cached
    themes = store.themes_by_chapter()
    cached = FormThemes(
        by_chapter=tuple((title, tuple(themes[slug])) for slug, title, _ in CHAPTERS
                         if themes.get(slug)),
        known=frozenset(t for ts in themes.values() for t in ts))
    with _FORM_LOCK:
        cache[token] = cached
        while len(cache) > _FORM_THEMES_KEEP:
            cache.popitem(last=False)
    return cached


def commune_options(geography) -> Markup:
    """The search form's commune datalist options (templates/partials/commune_options.html),
    rendered once per app and geography: 281 options are most of the form's rendering time.
    Re-rendered every time while templates auto-reload (debug), so edits show at once."""
    app = current_app._get_current_object()
    if app.jinja_env.auto_reload:
        return _render_commune_options(geography)
    with _FORM_LOCK:
        cache = app.extensions.setdefault("finder_commune_options", weakref.WeakKeyDictionary())
        markup = cache.get(geography)
    if markup is None:
        markup = _render_commune_options(geography)
        with _FORM_LOCK:
            cache[geography] = markup
    return markup


def _render_commune_options(geography) -> Markup:
    template = current_app.jinja_env.get_template("partials/commune_options.html")
    return Markup(template.render(communes_by_province=geography.communes_by_province()))
