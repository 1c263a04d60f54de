"""The finder's pages: the search page (`/`) and a group's page (errors: errors.py).

`render_finder` parses the URL, searches and renders a template; the embed view reuses it
with its own layout (see templates/partials/finder_body.html for the variables it gets).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

from flask import Blueprint, current_app, render_template, request, url_for

from .. import mapview
from . import mapdata
from ..db import get_geography, get_inventory, get_store
from ..geography import ATTRIBUTION
from ..audience import AUDIENCES
from ..models import CHAPTERS, SERVICE_LABELS
from ..schedule.filters import EVERYWHERE_ANY_TIME
from ..schedule.model import WEEKDAYS_FR
from .clock import request_moment
from .errors import error_response
from .fielderrors import error_title, search_field_errors, status_prefix
from .pagecache import cached_page
from .params import (MOMENT_LABELS, RADIUS_CHOICES, BadParameter, SearchRequest,
                     left_out_message, parse_search, run_search)
from .i18n import (commune_name, current_lang, gettext, gettext_of, label, language_name,
                   map_words, ngettext, resolved_message, weekday_name)
from .render import (crisis_lines, display_host, group_view, mailto_href, plural, result_view,
                     tel_href)
from .searchform import form_choices
from .security import public_url

bp = Blueprint("pages", __name__)

MAX_SLUG = 200
UPCOMING_DATES = 4          # the next dates a group page lists for each place


@dataclass
class Notice:
    """A message for the person above the results; suggestions are (label, url) links."""
    text: str
    level: str = "warning"              # "warning" | "info"
    suggestions: list[tuple[str, str]] = field(default_factory=list)
    suggestions_intro: str = "Essayez\u202f:"
    hint: str = ""


def tiles_config() -> dict:
    config = current_app.config
    return {"url": config["TILE_URL"], "attribution": config["TILE_ATTRIBUTION"],
            "max_zoom": config["TILE_MAX_ZOOM"]}


# ----- the search page ---------------------------------------------------------------

RESULTS_ANCHOR = "resultats"       # the id a search's links and form land on


def render_finder(template: str, *, embed: bool = False, locked: frozenset = frozenset(),
                  link_args: Optional[dict] = None, **extra) -> str:
    """Parse request.args, search, and render `template` with the finder's context.

    embed: a minimal layout (links to group pages open in a new tab).
    locked: names of search parameters the person may not change ("chapter", "theme",
        "commune", "postcode", "radius_km"): their controls become hidden inputs.
    link_args: extra URL parameters kept in every link to this page (e.g. {"lock": ...}).
    extra: more template variables.
    Raises BadParameter (answered with the 400 page by the app's error handler).
    """
    geography, inventory = get_geography(), get_inventory()
    page_size = int(current_app.config["SEARCH_PAGE_SIZE"])
    req = parse_search(request.args, geography, page_size=page_size)
    outcome = run_search(req.query)
    pages = max(1, math.ceil(outcome.total / page_size))
    if req.page > pages:
        raise BadParameter("page", gettext("Cette page de résultats n'existe pas : il y en a "
                                           "%(pages)s.", pages=pages))

    link_args = dict(link_args or {})
    view_args = dict(request.view_args or {})
    endpoint = request.endpoint or "pages.index"

    # A search sent from the site lands on its results (the page's #resultats), not on
    # the form again, two phone screens above them. Only a page without an error names
    # that target: with one, the browser stays at the top and focuses the error summary
    # (autofocus is skipped when the address names an element). Not inside a partner's
    # frame, whose page would be scrolled by it.
    to_results = "" if embed else "#" + RESULTS_ANCHOR

    def page_url(*, to_form: bool = False, **changes) -> str:
        """This page with other search parameters; a new search's link (to its results,
        unless to_form)."""
        args = req.as_args(**changes)
        if args.get("page") in (1, "1"):
            del args["page"]
        return url_for(endpoint, **view_args, **args, **link_args) + (
            "" if to_form else to_results)

    origin = (req.origin.lat, req.origin.lon) if req.origin else None
    moment = request_moment()
    rows = [result_view(r, geography, moment) for r in outcome.results]
    nearest = [result_view(r, geography, moment) for r in outcome.nearest_outside]
    suggested = [result_view(r, geography, moment) for r in outcome.suggested]
    everywhere = [group_view(g) for g in outcome.everywhere] if req.page == 1 else []

    # The map opens where its places are, and those of its first view come with the page.
    fit = mapdata.map_fit(inventory, geography, req.query)
    map_parts = mapview.build_map(
        origin=origin, radius_km=req.query.radius_km,
        commune_outline=geography.commune_geojson(req.commune.nis) if req.commune else None,
        data_url=url_for("mapdata.places", **req.as_args(page=None)),
        tiles=tiles_config(), height="50vh", fit_bounds=fit,
        first_views=mapdata.first_views(inventory, geography, req.query,
                                        mapview.first_view_tiles(fit, origin)),
        words=map_words(geography))

    errors = search_field_errors(req, page_url, frozenset(locked))
    context = dict(
        search=req, outcome=outcome, rows=rows, nearest=nearest, everywhere=everywhere,
        suggested=suggested, no_match=_no_match(outcome, page_url),
        everywhere_note=label(EVERYWHERE_ANY_TIME) if req.query.has_schedule_filter else "",
        map_parts=map_parts, page_url=page_url, pages=pages, page_size=page_size,
        first_rank=(req.page - 1) * page_size + 1,
        summary=status_prefix(errors) + _summary(req, outcome.total, pages,
                                                 outcome.meeting_places),
        errors=errors, field_errors={e.name: e for e in errors},
        error_title=error_title(errors),
        origin_label=_origin_label(req), origin_note=_origin_note(req),
        notices=(_notices(req) + _text_notices(req, outcome)
                 + _schedule_notices(req, outcome)),
        wider=_wider(req, outcome.total, nearest, page_url, frozenset(locked)),
        filters=_filters(req, page_url, frozenset(locked)),
        form=form_choices(inventory, geography, req),
        form_action=url_for(endpoint, **view_args) + to_results,
        results_anchor=RESULTS_ANCHOR if not (errors or embed) else None,
        reset_url=url_for(endpoint, **view_args, **link_args,
                          **{k: v for k, v in req.as_args().items() if k in locked}),
        link_args=link_args, embed=embed, locked=frozenset(locked),
        link_target="_blank" if embed else None,
    )
    context.update(extra)
    return render_template(template, **context)


@bp.get("/")
@cached_page("pages.index")
def index():
    return render_finder("finder.html")


def _origin_label(req: SearchRequest) -> str:
    o = req.origin
    if o is None:
        return ""
    if req.located_by_browser:
        return gettext("votre position")
    if o.precision == "locality" and o.postcode and o.locality:
        # The main locality of a commune is named as the commune is on the page ("1050
        # Elsene" on a Dutch page); the others keep bpost's (French) name: the data has no
        # other ("1020 Laeken").
        same = o.commune is not None and o.locality == o.commune.name_fr
        return f"{o.postcode}\u00a0{commune_name(o.commune) if same else o.locality}"
    if o.commune is not None:
        return commune_name(o.commune)
    return o.query


def _origin_note(req: SearchRequest) -> str:
    o = req.origin
    if o is None:
        return ""
    if req.located_by_browser:
        return gettext("Distances à vol d'oiseau depuis votre position.")
    if o.precision == "locality":
        return gettext("Distances à vol d'oiseau depuis le centre de la localité %(place)s.",
                       place=_origin_label(req))
    return gettext("Distances à vol d'oiseau depuis le centre de la commune %(place)s.",
                   place=_origin_label(req))


def _counted(total: int, meeting: int) -> str:
    """What the results are: meeting places, or addresses some of which are not (a
    registered office, a postal or a contact address is no "lieu de réunion")."""
    if meeting == total:
        return ngettext("%(num)s\u00a0lieu de réunion", "%(num)s\u00a0lieux de réunion", total)
    if total == 1:
        return gettext("1\u00a0adresse (pas un lieu de réunion)")
    if not meeting:
        return gettext("%(num)s\u00a0adresses (aucun lieu de réunion)", num=total)
    return ngettext("%(total)s\u00a0adresses (dont %(num)s\u00a0lieu de réunion)",
                    "%(total)s\u00a0adresses (dont %(num)s\u00a0lieux de réunion)",
                    meeting, total=total)


def _summary(req: SearchRequest, total: int, pages: int, meeting: int) -> str:
    """The results count, announced to screen readers (role=status)."""
    about = (gettext(" pour «\u00a0%(words)s\u00a0»", words=req.text)
             if req.query.text else "")
    places = _counted(total, meeting) + about
    paging = (gettext(", page %(page)s sur %(pages)s", page=req.page, pages=pages)
              if pages > 1 else "")
    if req.commune is not None:
        where = gettext_of("dans la commune de %(commune)s", "commune",
                           commune_name(req.commune))
        if not total:
            return gettext("Aucun lieu de réunion%(about)s %(where)s.", about=about,
                           where=where)
        return f"{places} {where}{paging}."
    if req.origin is not None and req.query.radius_km is not None:
        where = gettext_of("à moins de %(km)s\u00a0km de %(place)s", "place",
                           _origin_label(req), km=req.radius_km)
        if not total:
            return gettext("Aucun groupe%(about)s %(where)s.", about=about, where=where)
        return f"{places} {where}{paging}."
    everywhere = gettext(" dans tout le répertoire") if req.origin_problem is not None else ""
    if not total:
        return gettext("Aucun lieu de réunion%(about)s%(everywhere)s ne correspond à ces "
                       "critères.", about=about, everywhere=everywhere)
    return f"{places}{everywhere}{paging}."


def _notices(req: SearchRequest) -> list[Notice]:
    """How the place was understood (what was not is said at its field: fielderrors)."""
    if req.origin is not None and req.origin.message:
        return [Notice(resolved_message(req.origin), level="info")]
    return []


def _wider(req: SearchRequest, total: int, nearest: list, page_url,
           locked: frozenset) -> Optional[tuple[str, str]]:
    """A link to search further when the radius holds few or no places.

    With nothing inside the radius, the smallest distance that reaches the nearest place.
    """
    if req.origin is None or req.query.radius_km is None or total >= 3 \
            or "radius_km" in locked:
        return None
    if req.query.text and not nearest and not total:
        return None           # the words match nothing anywhere: no distance would help
    bigger = [r for r in RADIUS_CHOICES if r > req.radius_km]
    if nearest and nearest[0].distance_km is not None:
        # Only a radius that reaches the nearest place: never a link to another empty page.
        bigger = [r for r in bigger if r >= nearest[0].distance_km]
    if not bigger:
        return None
    return (gettext("Chercher à moins de %(km)s\u00a0km", km=bigger[0]),
            page_url(radius_km=bigger[0], page=None))


@dataclass
class ActiveFilter:
    label: str
    value: str
    remove_url: Optional[str]           # None when the embed locks it


def _filters(req: SearchRequest, page_url, locked: frozenset) -> list[ActiveFilter]:
    """Every filter in force, each with a link that removes it (the page lists them)."""
    days = [weekday_name(WEEKDAYS_FR.index(d)) for d in req.days if d in WEEKDAYS_FR]
    shown = [
        ("q", gettext("Recherche"),
         gettext("«\u00a0%(words)s\u00a0»", words=req.text) if req.query.text else ""),
        ("chapter", gettext("Sujet"),
         label(dict((s, t) for s, t, _ in CHAPTERS).get(req.chapter, ""))),
        ("theme", gettext("Thème"), req.theme),
        ("commune", gettext("Commune"),
         commune_name(req.commune) if req.commune is not None else ""),
        ("audience", gettext("Pour"), label(AUDIENCES.get(req.audience, "")).lower()),
        ("service", gettext("Propose"), label(SERVICE_LABELS.get(req.service, "")).lower()),
        ("free", gettext("Gratuit"),
         gettext("seulement les groupes gratuits") if req.free else ""),
        ("day", gettext("Jour"), gettext(" ou ").join(days)),
        ("moment", gettext("Moment"), label(MOMENT_LABELS.get(req.moment, "")).lower()),
        ("semaine", gettext("Quand"),
         gettext("cette semaine (7 prochains jours)") if req.this_week else ""),
    ]
    return [ActiveFilter(name_, value, None if name in locked
                         else page_url(**{name: None, "page": None}))
            for name, name_, value in shown if value]


def _schedule_notices(req: SearchRequest, outcome) -> list[Notice]:
    """A schedule filter never hides a place whose schedule is unknown without saying so."""
    if not req.query.has_schedule_filter or not outcome.unknown_schedule_left_out:
        return []
    count = outcome.unknown_schedule_left_out
    return [Notice(left_out_message(count),
                   level="info",
                   hint=gettext("Leur horaire est à confirmer par téléphone : retirez le "
                                "filtre d'horaire pour les voir."))]


def _text_notices(req: SearchRequest, outcome) -> list[Notice]:
    """What the words typed were understood as: said on the page as in the API (words that
    cannot be searched are said at their field: fielderrors)."""
    text = outcome.text
    if text is None:
        return []
    out = []
    for typed, instead in text.corrections:
        out.append(Notice(gettext("«\u00a0%(typed)s\u00a0» ne figure pas dans le "
                                  "répertoire\u202f: nous avons aussi cherché "
                                  "«\u00a0%(instead)s\u00a0».", typed=typed, instead=instead),
                          level="info"))
    if text.expansions and text.matched:
        said = " ; ".join(f"«\u00a0{e}\u00a0» → {', '.join(t)}" for e, t in text.expansions)
        out.append(Notice(gettext("Nous avons aussi cherché les mots du répertoire\u202f: "
                                  "%(words)s.", words=said), level="info"))
    if text.partial:
        out.append(Notice(gettext("Aucun groupe ne correspond à tous vos mots\u202f: voici "
                                  "ceux qui correspondent à une partie d'entre eux."),
                          level="info"))
    return out


def _no_match(outcome, page_url) -> Optional[dict]:
    """Words that match no group: say so, and offer what exists instead."""
    text = outcome.text
    if text is None or not text.words or text.matched:
        return None
    chapter = label(dict((s, t) for s, t, _ in CHAPTERS).get(text.chapter or "", ""))
    return {
        "text": text.text,
        "themes": [(t, page_url(q=t, theme=None, page=None)) for t in text.closest_themes],
        "chapter": chapter,
        "chapter_url": page_url(q=None, chapter=text.chapter, page=None) if chapter else None,
    }


# ----- a group's page ----------------------------------------------------------------

@bp.get("/groupes/<slug>")
def group(slug: str):
    store, geography = get_store(), get_geography()
    found = store.group_by_slug(slug) if len(slug) <= MAX_SLUG else None
    if found is None:
        return error_response(404, "group_not_found", title=gettext("Groupe introuvable"),
                              message=gettext("Ce groupe ne figure pas (ou plus) dans le "
                                              "répertoire. Il a peut-être changé de nom ou "
                                              "cessé ses activités."))
    moment = request_moment()
    view = group_view(found, geography, moment, upcoming=UPCOMING_DATES)
    map_parts = (mapview.map_for_group(found, geography, tiles_config(), moment=moment,
                                       words=map_words(geography))
                 if found.places else None)
    page = public_url("pages.group", slug=found.slug)
    report = mailto_href(
        current_app.config.get("MAINTAINER_EMAIL", ""),
        subject=f"Erreur dans la fiche « {found.name} »",
        body=f"Fiche : {page}\n\nCe qui est inexact ou a changé :\n\n")
    return render_template("group.html", g_view=view, map_parts=map_parts,
                           report_href=report,
                           maintainer_email=current_app.config.get("MAINTAINER_EMAIL", ""))


# ----- shared context and errors -----------------------------------------------------

@bp.app_context_processor
def _common_context() -> dict:
    try:
        demo = get_inventory().demo
    except Exception:                        # a broken database must not break error pages
        demo = False
    maintainer = current_app.config.get("MAINTAINER_EMAIL", "")
    return {
        "demo_inventory": demo,
        "maintainer_email": maintainer,
        "maintainer_href": mailto_href(maintainer),
        "crisis_lines": _crisis_lines(current_lang()),
        "geo_attribution": label(ATTRIBUTION),
    }


def _crisis_lines(lang: str) -> list:
    """(name, number, tel: link, note) of the crisis lines; on a page in another language
    than the line's, the note says which language the line answers in."""
    lines = []
    for name, number, note, spoken in crisis_lines(lang):
        notes = [gettext(note)] if note else []
        if spoken != lang:
            notes.append(gettext("langue\u00a0: %(language)s", language=language_name(spoken)))
        lines.append((name, number, tel_href(number), " · ".join(notes)))
    return lines


@bp.app_template_filter("url_host")
def _url_host(url: str) -> str:
    return display_host(url)


@bp.app_template_filter("capitalize_first")
def _capitalize_first(text: str) -> str:
    """Upper-case the first letter only (Jinja's capitalize lowers the rest)."""
    return text[:1].upper() + text[1:] if text else text
