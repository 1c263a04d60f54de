"""Search parameters from a URL, shared by the page, the embed and the API.

Malformed input (radius 10000, chapter "../../etc", a 3 KB postcode) is a `BadParameter`
(the views answer 400). A well-formed place we cannot find is not an error: it is a
notice the page shows with suggestions, and the search goes on without an origin.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping, Optional

from flask import g

from ..audience import AUDIENCES
from ..db import get_inventory
from ..models import CHAPTER_SLUGS, SERVICE_LABELS, Commune, Query, Resolved, SearchOutcome
from ..schedule.filters import MOMENTS
from ..schedule.model import WEEKDAYS_FR
from ..translatable import N_
from .i18n import gettext, label as label_, ngettext
from ..text import words
from ..textindex import STOPWORDS
from .clock import request_moment

RADIUS_CHOICES = (5, 10, 20, 50, 100)
DEFAULT_RADIUS = 20
MAX_TEXT = 100
MAX_PAGE = 10000
MAX_QUERY = 100          # "De quoi s'agit-il ?": longer is not a description, it is a text
MOMENT_LABELS = {"matin": N_("Le matin (avant 12\u00a0h)"),
                 "apres-midi": N_("L'après-midi (de 12\u00a0h à 18\u00a0h)"),
                 "soir": N_("Le soir (dès 18\u00a0h)")}
FREE_VALUES = {"1": True, "oui": True, "true": True, "0": False, "non": False, "false": False}


class BadParameter(ValueError):
    """A parameter no form of ours would send. `message` is in the page's language (gettext)."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass
class SearchRequest:
    """What the URL asked for, understood: the Query plus what to tell the person."""
    query: Query
    postcode: str = ""                 # as typed
    commune_text: str = ""             # as typed
    radius_km: int = DEFAULT_RADIUS
    chapter: str = ""
    theme: str = ""
    text: str = ""                     # "De quoi s'agit-il ?" (q), as typed
    text_problem: str = ""             # why the words were not searched
    audience: str = ""                 # audience.AUDIENCES key
    service: str = ""                  # models.SERVICE_LABELS key
    free: bool = False
    days: tuple[str, ...] = ()         # schedule: "lundi".."dimanche", in week order
    moment: str = ""                   # schedule.filters.MOMENTS
    this_week: bool = False            # "cette semaine" (semaine=1)
    page: int = 1
    origin: Optional[Resolved] = None  # resolved origin (postcode or "autour de moi")
    origin_problem: Optional[Resolved] = None   # not found / ambiguous / outside
    commune: Optional[Commune] = None
    commune_problem: str = ""
    commune_suggestions: list[str] = field(default_factory=list)
    located_by_browser: bool = False

    @property
    def has_input(self) -> bool:
        return bool(self.postcode or self.commune_text or self.chapter or self.theme
                    or self.text or self.audience or self.service or self.free
                    or self.days or self.moment or self.this_week
                    or self.located_by_browser)

    def as_args(self, **changes) -> dict:
        """The URL parameters that reproduce this search (for links, pages, the full site)."""
        args = {"q": self.text, "postcode": self.postcode, "radius_km": self.radius_km,
                "chapter": self.chapter, "theme": self.theme, "commune": self.commune_text,
                "audience": self.audience, "service": self.service,
                "free": "1" if self.free else "", "day": ",".join(self.days),
                "moment": self.moment, "semaine": "1" if self.this_week else ""}
        if self.located_by_browser and self.origin:
            args.update(lat=f"{self.origin.lat:.5f}", lon=f"{self.origin.lon:.5f}")
        if self.page > 1:
            args["page"] = self.page
        args.update(changes)
        return {k: v for k, v in args.items() if v not in ("", None)}


def _text(args: Mapping, name: str, label: str) -> str:
    value = (args.get(name) or "").strip()
    if len(value) > MAX_TEXT:
        raise BadParameter(name, gettext("%(what)s est trop long (%(n)s caractères ; "
                                         "%(max)s au plus).", what=label_(label),
                                         n=len(value), max=MAX_TEXT))
    return value


def _number(args: Mapping, name: str, label: str) -> Optional[float]:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise BadParameter(name, _not_a_number(label, raw)) from None
    if not math.isfinite(value):
        raise BadParameter(name, _not_a_number(label, raw))
    return value


def _not_a_number(label: str, raw: str) -> str:
    return gettext("%(what)s n'est pas un nombre : « %(raw)s ».", what=label_(label),
                   raw=raw[:20])


def _choice(args: Mapping, name: str, allowed, message: str) -> str:
    value = (args.get(name) or "").strip()
    if value and value not in allowed:
        raise BadParameter(name, gettext("%(message)s Valeurs permises : %(allowed)s.",
                                         message=label_(message), allowed=", ".join(allowed)))
    return value


def _yes_no(args: Mapping, name: str, meaning: str) -> bool:
    raw = (args.get(name) or "").strip().lower()
    if raw and raw not in FREE_VALUES:
        raise BadParameter(name, gettext("Paramètre « %(name)s » : écrivez 1 (%(meaning)s) ou 0.",
                                         name=name, meaning=label_(meaning)))
    return FREE_VALUES.get(raw, False)


def _days(args: Mapping) -> tuple[str, ...]:
    """day=lundi&day=mardi, day=lundi,mardi or day=1 (1 = lundi … 7 = dimanche)."""
    raw = args.getlist("day") if hasattr(args, "getlist") else [args.get("day") or ""]
    found = set()
    for value in ",".join(raw).split(","):
        value = value.strip().lower()
        if not value:
            continue
        if value.isdigit() and 1 <= int(value) <= 7:
            found.add(int(value) - 1)
        elif value in WEEKDAYS_FR:
            found.add(WEEKDAYS_FR.index(value))
        else:
            raise BadParameter("day", gettext(
                "Jour inconnu : « %(value)s ». Écrivez un jour de la semaine (lundi … "
                "dimanche) ou son numéro (1 = lundi … 7 = dimanche).", value=value[:20]))
    return tuple(WEEKDAYS_FR[d] for d in sorted(found))


def parse_text(raw: str) -> tuple[str, str]:
    """(the words to search, or "", and why not (in the page's language), or "")."""
    text = " ".join((raw or "").split())
    if not text:
        return "", ""
    if len(text) > MAX_QUERY:
        return "", gettext("Votre recherche est trop longue (%(n)s caractères ; %(max)s au "
                           "plus). Gardez quelques mots, par exemple « deuil » ou "
                           "« Parkinson ».", n=len(text), max=MAX_QUERY)
    found = words(text)
    if not found:
        return "", gettext("Votre recherche ne contient pas de mot. Écrivez ce que vous "
                           "vivez, par exemple « deuil », « alcool » ou « Parkinson ».")
    if all(w in STOPWORDS or len(w) < 2 for w in found):
        return "", gettext("Votre recherche « %(text)s » ne contient que des mots trop "
                           "courants pour trouver un groupe. Écrivez ce que vous vivez, par "
                           "exemple « deuil », « alcool » ou « Parkinson ».", text=text)
    return text, ""


def parse_search(args: Mapping, geography, *, page_size: int = 50) -> SearchRequest:
    postcode = _text(args, "postcode", N_("Le code postal"))
    commune_text = _text(args, "commune", N_("Le nom de commune"))
    theme = _text(args, "theme", N_("Le thème"))
    typed = args.get("q") or ""
    text, text_problem = parse_text(typed)
    audience = _choice(args, "audience", AUDIENCES, N_("Public inconnu."))
    service = _choice(args, "service", SERVICE_LABELS, N_("Service inconnu."))
    free = _yes_no(args, "free", N_("seulement les groupes gratuits"))
    days = _days(args)
    moment = _choice(args, "moment", MOMENTS, N_("Moment de la journée inconnu."))
    this_week = _yes_no(args, "semaine", N_("seulement les réunions des 7 prochains jours"))
    chapter = (args.get("chapter") or "").strip()
    if chapter and chapter not in CHAPTER_SLUGS:
        raise BadParameter("chapter", gettext("Ce chapitre n'existe pas. Choisissez-en un dans "
                                              "la liste."))

    radius = _number(args, "radius_km", N_("La distance"))
    if radius is None:
        radius = DEFAULT_RADIUS
    if radius not in RADIUS_CHOICES:
        raise BadParameter("radius_km", gettext(
            "Distance non prévue : choisissez %(choices)s km.",
            choices=", ".join(str(r) for r in RADIUS_CHOICES)))
    radius = int(radius)

    page = _number(args, "page", N_("La page"))
    page = 1 if page is None else page
    if page != int(page) or not 1 <= page <= MAX_PAGE:
        raise BadParameter("page", gettext("Numéro de page non valide."))
    page = int(page)

    request = SearchRequest(query=Query(), postcode=postcode, commune_text=commune_text,
                            radius_km=radius, chapter=chapter, theme=theme, page=page,
                            text=text or " ".join(typed.split())[:MAX_QUERY],
                            text_problem=text_problem, audience=audience, service=service,
                            free=free, days=days, moment=moment, this_week=this_week)

    lat = _number(args, "lat", N_("La latitude"))
    lon = _number(args, "lon", N_("La longitude"))
    if (lat is None) != (lon is None):
        raise BadParameter("lat", gettext("Il faut une latitude et une longitude."))
    if lat is not None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise BadParameter("lat", gettext("Coordonnées impossibles."))
        request.located_by_browser = True
        if geography.in_service_area(lat, lon):
            request.origin = Resolved(query="ma position", status="ok", lat=lat, lon=lon,
                                      precision="exact", commune=geography.commune_at(lat, lon))
        else:
            request.origin_problem = Resolved(
                query="ma position", status="outside",
                message=gettext("Votre position semble hors de Wallonie et de Bruxelles : "
                                "ce répertoire couvre la Wallonie et Bruxelles. Vous pouvez "
                                "chercher par commune."))
    elif postcode:
        resolved = geography.resolve(postcode)
        if resolved.ok:
            request.origin = resolved
        else:
            request.origin_problem = resolved

    if commune_text:
        commune = geography.find_commune(commune_text)
        if commune is not None:
            request.commune = commune
        else:
            request.commune_problem = gettext("Commune inconnue : « %(name)s ».",
                                              name=commune_text)
            request.commune_suggestions = [
                c.name_fr for c in geography.commune_suggestions(commune_text[:3], limit=5)]

    origin = request.origin
    request.query = Query(
        lat=origin.lat if origin else None, lon=origin.lon if origin else None,
        # A chosen commune is the area: distances are still shown, the radius is not applied.
        radius_km=float(radius) if origin and not request.commune else None, chapter=chapter or None,
        theme=theme or None, commune_nis=request.commune.nis if request.commune else None,
        text=text or None, audience=audience or None, service=service or None, free=free,
        days=tuple(WEEKDAYS_FR.index(d) for d in days), moment=moment or None,
        # "cette semaine" depends on the day: the day is part of the question (and its cache key)
        week_of=request_moment().date() if this_week else None,
        limit=page_size, offset=(page - 1) * page_size)
    return request


def left_out_message(count: int) -> str:
    """What the page and the API say when a schedule filter left places out unseen."""
    return ngettext("%(num)s lieu dont l'horaire n'est pas connu n'est pas affiché.",
                    "%(num)s lieux dont l'horaire n'est pas connu ne sont pas affichés.",
                    count)


def run_search(query: Query) -> SearchOutcome:
    """One page of the search, from the current inventory (its ranking cached there);
    the request log learns how many results and whether the cache answered."""
    outcome, hit = get_inventory().search(query)
    g.result_count = outcome.total
    g.search_cache = "hit" if hit else "miss"
    return outcome
