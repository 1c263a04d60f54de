"""The public site's four languages (Flask-Babel): French (the reference and the default),
Dutch, German and English.

- The language of a request: `?lang=fr|nl|de|en` when the URL gives one (it always wins),
  else the best of the browser's Accept-Language, else French. The admin area stays French.
- A language chosen in the URL survives: every link built with `url_for` during that
  request carries `lang=` (`url_defaults` below; not static files), the search forms carry
  it as a hidden field, and the map's data URLs carry the language whenever it is not French
  (their popups hold text).
- Templates get `languages` (the switch, and the `<link rel="alternate" hreflang>` of a
  page: each language named in itself, a link to this same page with every other
  parameter kept) and `page_lang`, the value of `<html lang>`.
- Inventory texts (names, descriptions) are the maintainer's French: `inventory_lang` ("fr")
  goes on them as `lang=` when the page is in another language.

Catalogues: finder/translations/<lang>/LC_MESSAGES/messages.po, compiled to messages.mo
and committed (`make translations` extracts, updates and compiles; tests/test_i18n.py fails
when a string has no translation or a .mo is older than its .po).
"""
from __future__ import annotations

from typing import Optional
from urllib.parse import urlencode

from datetime import date

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context, request
from markupsafe import Markup
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext  # noqa: F401

from ..mapcontent import of_name
from ..translatable import Said

DEFAULT = "fr"
LANGUAGES = ("fr", "nl", "de", "en")
# Each language named in itself, for the switch.
NATIVE_NAMES = {"fr": "Français", "nl": "Nederlands", "de": "Deutsch", "en": "English"}
INVENTORY_LANG = "fr"           # the language the maintainer writes the inventory in

# Endpoints whose URLs never carry lang= (files, the admin area, which stays French).
_NO_LANG_PREFIXES = ("static", "assets.", "admin.", "static_cache.")
# Endpoints whose answers hold text but are fetched by scripts: always told the language.
_ALWAYS_LANG_PREFIXES = ("mapdata.",)


def url_lang() -> Optional[str]:
    """The language the URL asks for (`?lang=`), or None."""
    if not has_request_context():
        return None
    value = (request.args.get("lang") or "").strip().lower()
    return value if value in LANGUAGES else None


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT
    if request.blueprint == "admin" or request.path.startswith("/admin"):
        return DEFAULT
    return url_lang() or _browser_lang()


def _browser_lang() -> str:
    """The first of the browser's languages (by its weights) that we have, 'fr-BE' counting
    as 'fr' (werkzeug's best_match would prefer a lower-weighted exact 'en')."""
    for value, quality in request.accept_languages:      # best first
        primary = value.split("-")[0].split("_")[0].lower()
        if quality > 0 and primary in LANGUAGES:
            return primary
    return DEFAULT


def current_lang() -> str:
    """'fr', 'nl', 'de' or 'en': the language of this request's answer."""
    if not has_request_context():
        return DEFAULT
    return str(get_locale() or DEFAULT)


# Babel's locale for each language: Belgian usage, British English.
BABEL_LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "de": "de_BE", "en": "en_GB"}


def babel_locale() -> str:
    return BABEL_LOCALES[current_lang()]


def number(value: float, decimals: int = 1) -> str:
    """A number in the page's language, with at most `decimals` decimals (7,5 / 7.5)."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=babel_locale())


def long_date(day: date) -> str:
    """24 januari 2023 · 24. Januar 2023 · 24 January 2023 (French: render.french_date)."""
    return format_date(day, format="long", locale=babel_locale())


def month_year(day: date) -> str:
    """januari 2023 · Januar 2023 · January 2023."""
    return format_date(day, format="LLLL y", locale=babel_locale())


def language_name(code: str) -> str:
    """A language's name in the page's language: 'fr' → 'French' on an English page."""
    return Locale.parse(babel_locale()).languages.get(code, code)


def gettext_of(msgid: str, key: str, name: str, **params) -> str:
    """gettext(msgid) where msgid holds 'de %(key)s' before a place's name: in French written
    as the language wants it ('d’Anderlecht', 'du Rœulx', 'de Namur'); another language
    has its own phrasing in its catalogue."""
    if current_lang() == DEFAULT:
        return gettext(msgid.replace(f"de %({key})s", f"%({key})s"),
                       **{key: of_name(name)}, **params)
    return gettext(msgid, **{key: name}, **params)


def label(text: str) -> str:
    """A label marked with N_ (models, schedules), in the page's language."""
    return gettext(text) if text else text


# A date in a schedule: 'dinsdag 15 december', 'Dienstag, 15. Dezember', 'Tuesday 15
# December' (the year added when it is not this year's).
_DAY_PATTERNS = {"nl": "EEEE d MMMM", "de": "EEEE, d. MMMM", "en": "EEEE d MMMM"}


def schedule_language():
    """How schedules read on this page (schedule/display.py's Language)."""
    from babel.dates import format_time
    from ..schedule.display import FRENCH, Language
    lang = current_lang()
    if lang == DEFAULT:
        return FRENCH
    locale, pattern = BABEL_LOCALES[lang], _DAY_PATTERNS[lang]

    def day(value, today=None):
        year = today is not None and value.year != today.year
        return format_date(value, format=pattern + (" y" if year else ""), locale=locale)

    return Language(translate=gettext, day=day,
                    clock=lambda moment: format_time(moment, format="HH:mm", locale=locale))


def weekday_name(index: int) -> str:
    """0 (Monday) → 'lundi', 'maandag', 'Montag', 'Monday'."""
    from babel.dates import get_day_names
    return get_day_names("wide", locale=babel_locale())[index]


def commune_name(commune) -> str:
    """A commune's name for the page: its Dutch name on a Dutch page where it has one
    (Brussels' communes, 'Elsene'), else its French name."""
    if current_lang() == "nl" and getattr(commune, "name_nl", ""):
        return commune.name_nl
    return commune.name_fr


def say(text):
    """A message written below finder/web/ (translatable.Said: geography, validation) in
    the page's language; any other text as it is."""
    if isinstance(text, Said):
        return gettext(text.msgid, **{k: say(v) for k, v in text.params.items()})
    return text


def resolved_message(resolved, default: str = "") -> str:
    """What a Resolved (a place typed) says, in the page's language; `default` (a msgid)
    when it says nothing."""
    return say(resolved.message) or (gettext(default) if default else "")


def map_words(geography=None):
    """How the maps of this request speak (mapcontent.MapWords): the page's language, its
    gettext, Dutch commune names on a Dutch page (with `geography`), its schedules."""
    from ..mapcontent import FRENCH_WORDS, MapWords
    lang = current_lang()
    if lang == DEFAULT:
        return FRENCH_WORDS

    def commune(nis: str, name: str) -> str:
        found = geography.communes.get(nis) if geography is not None and nis else None
        return commune_name(found) if found is not None else name

    return MapWords(lang=lang, translate=gettext, commune=commune,
                    schedule=schedule_language())


def _add_lang(endpoint: str, values: dict) -> None:
    if "lang" in values or endpoint.startswith(_NO_LANG_PREFIXES):
        return
    explicit = url_lang()
    if explicit:
        values["lang"] = explicit
    elif endpoint.startswith(_ALWAYS_LANG_PREFIXES) and current_lang() != DEFAULT:
        values["lang"] = current_lang()


def _switch_links() -> list[dict]:
    """This same page in each language: every other parameter kept, `lang` replaced."""
    if request.blueprint == "admin":
        return []
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    here, path = current_lang(), request.script_root + request.path
    base = current_app.extensions["finder_security"]["base_url"]   # never the Host header
    links = []
    for code in LANGUAGES:
        query = "?" + urlencode(args + [("lang", code)])
        links.append({"code": code, "name": NATIVE_NAMES[code], "current": code == here,
                      "href": path + query, "absolute": base + request.path + query})
    return links


def _context() -> dict:
    if not has_request_context():
        return {"page_lang": DEFAULT, "languages": [], "inventory_lang": INVENTORY_LANG,
                "url_lang": None, "translated": False, "inv_lang": ""}
    return {
        "page_lang": current_lang(),
        "languages": _switch_links(),
        "inventory_lang": INVENTORY_LANG,
        "url_lang": url_lang(),
        "translated": current_lang() != INVENTORY_LANG,
        # ' lang="fr"' on an element holding the inventory's own words, on a page in
        # another language (screen readers then read them as French).
        "inv_lang": Markup(f' lang="{INVENTORY_LANG}"') if current_lang() != INVENTORY_LANG
        else "",
    }


def _vary(response):
    """A page chosen by Accept-Language says so to caches."""
    if url_lang() is None and request.blueprint != "admin":
        response.vary.add("Accept-Language")
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    Babel(app, locale_selector=select_locale)
    app.url_defaults(_add_lang)
    app.context_processor(_context)
    app.after_request(_vary)
    app.jinja_env.globals["number"] = number
    # A label marked N_ in Python (chapters, kinds…), translated, and escaped as any text.
    app.jinja_env.filters["tr"] = label
