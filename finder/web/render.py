"""Presentation helpers for the finder's pages: plain data → what a person reads.

Everything here returns plain strings or small dataclasses; the templates escape them.
Link targets built from inventory text go through `safe_url`, `tel_href` and `mailto_href`
(the rules are finder/validation.py's), which return None when the text cannot be a safe
link (the template then shows it as text). Link texts show hosts in ASCII (punycode).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Optional
from urllib.parse import quote

from ..validation import display_host, safe_email, safe_url  # noqa: F401  (safe_url: re-exported)
from ..models import (CHAPTER_TITLES, KINDS, PRECISION_LABELS, SERVICE_LABELS,  # noqa: F401
                      Group, Place, Result)
from ..editing import is_stale
from ..schedule import ScheduleView, schedule_view
from ..schedule.model import MONTHS_FR
from ..serialize import public_place
from ..translatable import N_
from .i18n import (current_lang, gettext, label, long_date, month_year, number,
                   schedule_language)


MONTHS = MONTHS_FR

# Lines anyone can call, shown on every page (numbers as published by each service).
CRISIS_LINES = (
    ("Centre de Prévention du Suicide", "0800 32 123", N_("24 h sur 24")),
    ("Télé-Accueil", "107", N_("24 h sur 24")),
    ("Alcooliques Anonymes", "078 15 25 56", ""),
)
# The lines of the other language communities, shown first on a page in their language,
# before the French ones (which stay). Each from the service's own published words:
# - Zelfmoordlijn 1813 (Centrum ter Preventie van Zelfdoding): "bereikbaar via telefoon op
#   het nummer 1813 (24/7)", https://zelfmoord1813.be/blog/chat-zelfmoordlijn-langer-geopend
# - Tele-Onthaal 106 (Dutch-speaking member of the Belgian confederation of 106/107/108
#   listening lines, https://www.tele-onthaal.be), as Telefonhilfe's page names it:
#   "flämischen 106 Tele-Onthaal", https://telefonhilfe.be/uber-uns
# - Telefonhilfe 108 (Ostbelgien): "Notrufnummer 108 … zu jeder Tages- und Nachtzeit,
#   7 Tage die Woche", https://telefonhilfe.be/uber-uns
# No English-language line is listed: no official page giving its number was found.
COMMUNITY_CRISIS_LINES = {
    "nl": (("Zelfmoordlijn", "1813", N_("24 h sur 24")),
           ("Tele-Onthaal", "106", "")),
    "de": (("Telefonhilfe", "108", N_("24 h sur 24")),),
}


def crisis_lines(lang: str = "fr") -> tuple:
    """(name, number, note, language the line answers in) for a page in `lang`: its
    community's lines, then the French ones."""
    return (tuple(line + (lang,) for line in COMMUNITY_CRISIS_LINES.get(lang, ()))
            + tuple(line + ("fr",) for line in CRISIS_LINES))

NBSP = "\u00a0"
NNBSP = "\u202f"      # narrow no-break space, before « ; ! ? » in French

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# ----- links -------------------------------------------------------------------------

def tel_href(phone: str) -> Optional[str]:
    """'02 736 99 99' → 'tel:027369999'; None if there are too few digits to dial."""
    phone = (phone or "").strip()
    digits = re.sub(r"\D", "", phone)
    if not 3 <= len(digits) <= 15:
        return None
    return "tel:" + ("+" if phone.startswith("+") else "") + digits


def mailto_href(email: str, subject: str = "", body: str = "") -> Optional[str]:
    """'info@x.be' → 'mailto:info@x.be'; None unless it looks like an e-mail address."""
    email = safe_email(email)
    if email is None:
        return None
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in (("subject", subject),
                                                                ("body", body)) if v)
    return f"mailto:{email}" + (f"?{query}" if query else "")


def directions_href(place: Place) -> Optional[str]:
    """OpenStreetMap directions, only to a place whose exact position is public."""
    if place.precision != "exact" or not place.show_exact or not place.located:
        return None
    return f"https://www.openstreetmap.org/directions?to={place.lat:.5f},{place.lon:.5f}"


# ----- numbers and dates -------------------------------------------------------------

def french_number(value: float, decimals: int = 1) -> str:
    text = f"{value:.{decimals}f}".replace(".", ",")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def format_km(distance: float, approximate: bool = False) -> str:
    """7.46 → '7,5 km' ('7.5 km' in English); 23.4 → '23 km'; approximate: '≈ 7,5 km'.
    Non-breaking spaces."""
    if distance < 0.95:
        text = gettext("moins de\u00a01\u00a0km")
        return f"≈{NBSP}1{NBSP}km" if approximate else text
    value = number(distance, 1) if distance < 9.95 else f"{round(distance):d}"
    text = f"{value}{NBSP}km"
    return f"≈{NBSP}{text}" if approximate else text


def plural(count: int, singular: str, plural_form: str) -> str:
    return f"{count}{NBSP}{singular if count == 1 else plural_form}"


def french_date(text: str) -> str:
    """'2023-01-24' → '24 janvier 2023'; '2021-09' → 'septembre 2021'; else as given."""
    text = (text or "").strip()
    m = _ISO_DATE.match(text)
    if m and 1 <= int(m.group(2)) <= 12:
        day = int(m.group(3))
        return f"{'1er' if day == 1 else day} {MONTHS[int(m.group(2)) - 1]} {m.group(1)}"
    m = _ISO_MONTH.match(text)
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{MONTHS[int(m.group(2)) - 1]} {m.group(1)}"
    return text


def page_date(text: str) -> str:
    """french_date in the page's language: '24 januari 2023', '24. Januar 2023'…"""
    if current_lang() == "fr":
        return french_date(text)
    text = (text or "").strip()
    m = _ISO_DATE.match(text)
    if m and 1 <= int(m.group(2)) <= 12:
        try:
            return long_date(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            return text
    m = _ISO_MONTH.match(text)
    if m and 1 <= int(m.group(2)) <= 12:
        return month_year(date(int(m.group(1)), int(m.group(2)), 1))
    return text


def published_phrase(source_date: str) -> str:
    """'informations publiées le 24 janvier 2023' / '… en septembre 2021' / '… en 2012'
    (in the page's language)."""
    text = (source_date or "").strip()
    if not text:
        return gettext("date de publication non indiquée par la source")
    if _ISO_DATE.match(text):
        return gettext("informations publiées le %(date)s", date=page_date(text))
    if _ISO_MONTH.match(text) or re.match(r"^\d{4}\b", text):
        return gettext("informations publiées en %(date)s", date=page_date(text))
    return gettext("informations publiées : %(text)s", text=text)


# ----- view models -------------------------------------------------------------------

@dataclass
class PlaceView:
    place: Place                      # public version (commune only when not exact)
    address: str
    precision: str
    approximate: bool
    precision_note: str               # a sentence, for the group page
    short_note: str                   # a few words, for the result list
    directions: Optional[str]
    schedule: Optional[ScheduleView] = None   # next meeting(s) at the request's moment


@dataclass
class GroupView:
    group: Group
    chapter_title: str
    kind_label: str
    services: list[str]
    phone_href: Optional[str]
    email_href: Optional[str]
    website_href: Optional[str]
    website_text: str
    source_href: Optional[str]
    published: str
    checked: str
    places: list[PlaceView] = field(default_factory=list)
    stale: bool = False               # not checked for more than a year


@dataclass
class ResultView:
    group: GroupView
    place: PlaceView
    distance_km: Optional[float]
    distance_text: str               # '≈ 7,5 km' or ''
    distance_note: str               # '(centre de la commune)' or ''
    anchor: str                      # id of the list item


def place_view(place: Place, geography, moment=None, upcoming: int = 1) -> PlaceView:
    """`moment` (the request's, web/clock.py): compute the next `upcoming` meetings."""
    public = public_place(place, geography)
    precision = public.precision or "commune"
    approximate = precision != "exact"
    if not place.show_exact:
        note = gettext("Lieu exact non publié : seule la commune est indiquée.")
        short = gettext("lieu exact non publié")
    elif approximate and public.street and precision == "locality":
        note = gettext("La position exacte de cette adresse n'est pas connue : sur la carte, "
                       "le point marque le centre de la localité.")
        short = ""
    elif approximate and public.street:
        note = gettext("La position exacte de cette adresse n'est pas connue : sur la carte, "
                       "le point marque le centre de la commune.")
        short = ""
    elif approximate and precision == "locality":
        note = gettext("Adresse exacte non connue : sur la carte, le point marque le centre "
                       "de la localité.")
        short = gettext("adresse exacte non connue")
    elif approximate:
        note = gettext("Adresse exacte non connue : sur la carte, le point marque le centre "
                       "de la commune.")
        short = gettext("adresse exacte non connue")
    else:
        note = short = ""
    schedule = (schedule_view(place.schedule_parsed, moment, count=upcoming,
                              meeting_place=place.meeting_place, lang=schedule_language())
                if moment is not None and place.schedule_parsed is not None else None)
    if schedule is not None and not (schedule.text or schedule.note):
        schedule = None                   # an office without a schedule: nothing to say
    return PlaceView(place=public, address=public.address_line(), precision=precision,
                     approximate=approximate, precision_note=note, short_note=short,
                     directions=directions_href(public), schedule=schedule)


def group_view(group: Group, geography=None, moment=None, upcoming: int = 1) -> GroupView:
    website = safe_url(group.website)
    source = safe_url(group.source_url)
    places = ([place_view(p, geography, moment, upcoming) for p in group.places]
              if geography is not None else [])
    return GroupView(
        group=group,
        chapter_title=label(CHAPTER_TITLES.get(group.chapter, group.chapter)),
        kind_label=label(KINDS.get(group.kind, group.kind)),
        services=[label(SERVICE_LABELS.get(s, s)) for s in group.services],
        phone_href=tel_href(group.phone),
        email_href=mailto_href(group.email),
        website_href=website,
        website_text=display_host(website) if website else group.website,
        source_href=source,
        published=published_phrase(group.source_date),
        checked=page_date(group.checked_on),
        places=places,
        stale=is_stale(group),
    )


def result_view(result: Result, geography, moment=None) -> ResultView:
    pv = place_view(result.place, geography, moment)
    # Search measures a hidden place to its public (commune) point: nothing to redo here.
    distance = result.distance_km
    text = note = ""
    if distance is not None:
        text = format_km(distance, approximate=pv.approximate)
        if pv.precision == "locality":
            note = gettext("(centre de la localité)")
        elif pv.precision == "commune":
            note = gettext("(centre de la commune)")
    return ResultView(group=group_view(result.group), place=pv, distance_km=distance,
                      distance_text=text, distance_note=note,
                      anchor=f"lieu-{result.place.id}" if result.place.id is not None
                      else f"groupe-{result.group.slug}")
