"""What the maps say about a place: public marker points and popup details. Pure.

Shared by finder.mapview (inline data of a group's map) and finder.web.mapdata (the
search map's JSON). Places handed in must already be public (serialize.public_place).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from .models import CHAPTER_SLUGS, CHAPTER_TITLES, KINDS, Group, Place
from .schedule import schedule_view
from .schedule.display import FRENCH, Language
from .serialize import public_place
from .translatable import N_, french
from .validation import safe_email, safe_url

MIXED = -1                 # chapter index of a marker whose groups have several chapters


def script_json(value) -> str:
    """JSON that is safe inside an inline <script> (no </script>, no U+2028/9 breaks)."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def chapter_index(slug: str) -> int:
    try:
        return CHAPTER_SLUGS.index(slug)
    except ValueError:
        return MIXED


def of_name(name: str) -> str:
    """'de Namur', "d'Anderlecht", 'du Rœulx', 'des Bons Villers'."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1].upper() in "AEIOUYÂÉÈÊÎÔÛŒ":
        return "d\u2019" + name
    return "de " + name


def _as_given(nis: str, name: str) -> str:
    return name


@dataclass(frozen=True)
class MapWords:
    """How the maps speak (nothing here imports Flask: web/i18n.py builds the words of a
    request). French by default.

    lang      'fr', 'nl', 'de' or 'en' (part of every cached map's key);
    translate gettext-like: (msgid, **params) → text (French: the msgid itself);
    commune   (NIS code, French name) → the commune's name in this language;
    schedule  how schedules read (schedule.display.Language)."""
    lang: str = "fr"
    translate: Callable[..., str] = french
    commune: Callable[[str, str], str] = _as_given
    schedule: Language = FRENCH

    def __call__(self, text: str, **params) -> str:
        return self.translate(text, **params)

    def named(self, msgid: str, name: str) -> str:
        """msgid holds 'de %(name)s': French writes it with of_name ('d’Anderlecht',
        'du Rœulx'); another language has its own phrasing ('municipality of Namur')."""
        if self.lang == "fr":
            return french(msgid.replace("de %(name)s", "%(of_name)s"), of_name=of_name(name))
        return self.translate(msgid, name=name)


FRENCH_WORDS = MapWords()

NOT_PUBLISHED = N_("Adresse non publiée\u00a0: le repère est au centre de la commune de "
                   "%(name)s. Contactez le groupe pour connaître le lieu.")
LOCALITY_CENTRE = N_("Emplacement approximatif\u00a0: centre de la localité de %(name)s.")
COMMUNE_CENTRE = N_("Emplacement approximatif\u00a0: centre de la commune de %(name)s.")


def approximate_note(place: Place, words: MapWords = FRENCH_WORDS) -> str:
    """What a popup says of a place that is not where its marker is ('' when it is)."""
    if place.precision == "exact" and place.show_exact:
        return ""
    commune = words.commune(place.commune_nis, place.commune_name)
    if not place.show_exact:
        return words.named(NOT_PUBLISHED, commune)
    if place.precision == "locality" and place.locality:
        return words.named(LOCALITY_CENTRE, place.locality)
    return words.named(COMMUNE_CENTRE, commune)


def place_details(group: Group, place: Place, *, url: str, moment=None,
                  words: MapWords = FRENCH_WORDS) -> dict:
    """What a popup shows of one group at one place. `place` must already be public.

    With `moment`, the next meeting after it ("next"), its caveat, or the note saying
    why there is no date ("schedule_note")."""
    view = (schedule_view(place.schedule_parsed, moment, meeting_place=place.meeting_place,
                          lang=words.schedule)
            if moment is not None and place.schedule_parsed is not None else None)
    kind = KINDS.get(group.kind, "")
    return {
        "name": group.name, "url": url, "chapter": chapter_index(group.chapter),
        "chapter_title": (words(CHAPTER_TITLES[group.chapter])
                          if group.chapter in CHAPTER_TITLES else group.chapter),
        "kind": words(kind) if kind else "", "schedule": place.schedule,
        "address": place.address_line(), "approx": approximate_note(place, words),
        "phone": group.phone.strip(), "email": safe_email(group.email) or "",
        "website": safe_url(group.website) or "", "demo": group.demo,
        "next": view.next_line if view else "",
        "caveat": view.caveat if view else "",
        "schedule_note": view.note if view else "",
    }


def is_approximate(place: Place) -> bool:
    return place.precision != "exact" or not place.show_exact


def position_key(place: Place) -> tuple[float, float, int]:
    """Places with the same key share one marker (same point, same kind of marker)."""
    return (round(place.lat, 5), round(place.lon, 5), int(is_approximate(place)))




def public_point(row: tuple, geography) -> tuple[float, float, int, int]:
    """(lat, lon, approximate, chapter index) where the public sees a place, from a
    store.map_points row: through serialize.public_place, like every public output."""
    pid, chapter, lat, lon, precision, show_exact, nis, public_lat, public_lon = row
    place = public_place(Place(id=pid, lat=lat, lon=lon, precision=precision,
                               show_exact=bool(show_exact), commune_nis=nis,
                               public_lat=public_lat, public_lon=public_lon), geography)
    return position_key(place) + (chapter_index(chapter),)
