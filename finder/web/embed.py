"""The finder for partner sites: /embed (in their iframe) and /embed/builder (to make one).

/embed takes the page's search parameters (q, postcode, radius_km, chapter, theme, commune,
audience, service, free, day, moment, semaine, lat, lon, page) and lang (web/i18n.py: the
builder's "embed_lang" preset); the partner fixes some of them in the URL and hides their controls with
lock=chapter,theme,... The page keeps the crisis lines, the demo banner and the
attribution, and links to the full site with the same search.

Framing: see framing.py (EMBED_FRAME_ANCESTORS for /embed, 'self' for the builder).
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import force_locale
from markupsafe import escape

from ..audience import AUDIENCES
from ..db import get_geography, get_inventory
from ..models import CHAPTERS, SERVICE_LABELS
from ..schedule.model import WEEKDAYS_FR
from ..translatable import N_
from . import framing, i18n, security
from .i18n import gettext, label
from .pagecache import cached_page
from .pages import render_finder
from .params import MOMENT_LABELS, RADIUS_CHOICES, BadParameter

bp = Blueprint("embed", __name__)

LOCKABLE = ("q", "postcode", "radius_km", "chapter", "theme", "commune", "audience",
            "service", "free", "day", "moment", "semaine")
LOCK_LABELS = {
    "q": N_("la recherche par mots"), "postcode": N_("le lieu"), "radius_km": N_("la distance"),
    "chapter": N_("le sujet"), "theme": N_("le thème"), "commune": N_("la commune"),
    "audience": N_("pour qui"), "service": N_("ce qui est proposé"),
    "free": N_("gratuit ou non"), "day": N_("le jour"), "moment": N_("le moment de la journée"),
    "semaine": N_("cette semaine ou non")}
PRESETS = ("q", "postcode", "radius_km", "chapter", "theme", "commune", "audience", "service",
           "free", "day", "moment", "semaine")
DEFAULT_HEIGHT = 600


FRAME_TITLE = N_("Trouver un groupe d'entraide ou de soutien (Entraide Wallonie-Bruxelles)")


def frame_titles() -> dict[str, str]:
    """The snippet's iframe title in each language ("": this page's), for the builder's
    script: the title is the embed's language when the partner fixes it."""
    titles = {}
    for code in i18n.LANGUAGES:
        with force_locale(code):
            titles[code] = gettext(FRAME_TITLE)
    titles[""] = titles[i18n.current_lang()]
    return titles


def iframe_snippet(embed_url: str, height: int = DEFAULT_HEIGHT,
                   title: str = FRAME_TITLE) -> str:
    """The HTML a partner pastes (static/js/embed-builder.js writes the same)."""
    return (f'<iframe src="{escape(embed_url)}" title="{escape(title)}" '
            f'width="100%" height="{int(height)}" loading="lazy" allow="geolocation" '
            f'style="border:0;max-width:100%"></iframe>')


def script_snippet(resize_url: str) -> str:
    return f'<script src="{escape(resize_url)}" async></script>'


def parse_lock(raw: str) -> tuple[str, ...]:
    """'chapter,theme' → ('chapter', 'theme') in a stable order; unknown names: 400."""
    names = [n.strip() for n in (raw or "").replace(" ", ",").split(",") if n.strip()]
    unknown = [n for n in names if n not in LOCKABLE]
    if unknown or len(raw or "") > 200:
        raise BadParameter("lock", gettext("Paramètre « lock » non valide : valeurs permises "
                                           "%(allowed)s, séparées par des virgules.",
                                           allowed=", ".join(LOCKABLE)))
    return tuple(n for n in LOCKABLE if n in names)


@bp.before_request
def _framing() -> None:
    security.set_frame_ancestors(framing.frame_ancestors(current_app, request))


@bp.get("/embed")
@cached_page("embed.embed")
def embed():
    lock = parse_lock(request.args.get("lock", ""))
    link_args = {"lock": ",".join(lock)} if lock else {}
    return render_finder("embed.html", embed=True, locked=frozenset(lock),
                         link_args=link_args, full_site_url=_full_site_url())


def _full_site_url() -> str:
    """The same search on the full site (absolute: the link leaves the iframe)."""
    keep = PRESETS + ("lat", "lon", "page", "lang")
    args = {k: v for k in keep if (v := ",".join(
        x.strip() for x in request.args.getlist(k) if x.strip()))}
    return security.public_url("pages.index", **args)


@bp.get("/embed/builder")
def builder():
    """Choose presets, see the embed, copy the snippet. Works without JavaScript (the form
    reloads this page); static/js/embed-builder.js updates preview and snippet live."""
    geography, inventory = get_geography(), get_inventory()
    args = request.args
    presets = {k: (args.get(k) or "").strip()[:100] for k in PRESETS}
    lock = parse_lock(",".join(args.getlist("lock")))
    height = args.get("height", "").strip()
    height = int(height) if height.isdigit() and 200 <= int(height) <= 3000 else DEFAULT_HEIGHT
    query = {k: v for k, v in presets.items() if v and not (k == "radius_km" and v == "20")}
    if lock:
        query["lock"] = ",".join(lock)
    # The embed's language: fixed by the partner (field embed_lang, so that it does not
    # change the builder's own language), else each visitor's browser chooses.
    embed_lang = (args.get("embed_lang") or "").strip().lower()
    embed_lang = embed_lang if embed_lang in i18n.LANGUAGES else ""
    query["lang"] = embed_lang or None
    embed_url = security.public_url("embed.embed", **query)
    # Unversioned (no ?v=): partners paste it once, it must keep working after updates.
    resize_url = security.public_url("static", filename="js/embed-resize.js").split("?")[0]
    titles = frame_titles()
    return render_template(
        "embed_builder.html",
        presets=presets, lock=lock, lockable=[(k, label(LOCK_LABELS[k])) for k in LOCKABLE],
        embed_lang=embed_lang, embed_languages=list(i18n.NATIVE_NAMES.items()),
        height=height, embed_url=embed_url,
        embed_base=security.public_url("embed.embed", lang=None),   # the script adds "?…"
        iframe_snippet=iframe_snippet(embed_url, height, titles[embed_lang]),
        frame_titles=titles, resize_url=resize_url,
        script_snippet=script_snippet(resize_url),
        chapters=[(slug, label(title)) for slug, title, _ in CHAPTERS],
        themes=list(inventory.themes.all), radius_choices=RADIUS_CHOICES,
        audiences=[(k, label(v)) for k, v in AUDIENCES.items()],
        services=[(k, label(v)) for k, v in SERVICE_LABELS.items()],
        days=[(d, i18n.weekday_name(i).capitalize()) for i, d in enumerate(WEEKDAYS_FR)],
        moments=[(k, label(v)) for k, v in MOMENT_LABELS.items()],
        communes=geography.communes_by_province(),
        frame_ancestors=framing.configured_ancestors(
            str(current_app.config.get("EMBED_FRAME_ANCESTORS", "*"))),
    )
