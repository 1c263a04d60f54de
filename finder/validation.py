"""The one validation module: what the inventory may hold, for the file import
(finder/inventory_file.py), the admin's forms (finder/web/admin) and the public proposals,
and the links and addresses people will follow or write to.

Rows. A row is a dict of the file format's columns (text, stripped). `check_row(row,
report, in_service_area)` reports each problem through `report(column, message)` and
returns what the row describes (the group, its place); a form names its fields after the
same columns, so a message lands beside its field, in the import's words.

Links and addresses.

Shared by the inventory import (finder/inventory_file.py), every output that makes a link
of inventory text (pages, popups, API) and any form that takes such a field: a value is
refused in one place, with one French message, and shown the same way everywhere.

    url_problem(text)   -> None, or why this is no web address we may link to (French)
    safe_url(text)      -> the address to put in an href (host in ASCII/punycode), or None
    email_problem(text) -> None, or why this is no e-mail address we may write to (French)
    safe_email(text)    -> the address to put after mailto:, or None
    display_host(url)   -> the host a link text shows: punycode when it is not plain ASCII

Links that lie are refused: user information before the host
(`https://www.cancer.be@evil.example/` leads to evil.example), hosts that mix scripts
(a Cyrillic "а" among Latin letters) or carry bidirectional controls, and characters
that break out of an attribute. E-mail local parts are plain: no `%`, so no encoded
line break can add a header to a mailto: link.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Callable, Optional
from urllib.parse import urlsplit, urlunsplit

import idna

from .audience import audience_kinds
from .models import ADDRESS_KINDS, CHAPTER_SLUGS, KINDS, Group, Place
from .schedule import parse_schedule
from .schedule.columns import ColumnError, schedule_from_columns
from .text import slugify
from .translatable import N_, Said

# Bidirectional controls and marks: they reorder what a reader sees.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
# Characters that end an attribute, a tag or a URL where people write one.
_FORBIDDEN = frozenset("<>\"'`\\{}|^")
_ASCII_HOST = re.compile(r"^[a-z0-9]([a-z0-9\-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9\-]*[a-z0-9])?)*$")
# Scripts that may share one host (Unicode TS #39, "highly restrictive").
_SCRIPT_SETS = ({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}, {"LATIN", "HAN", "BOPOMOFO"},
                {"LATIN", "HAN", "HANGUL"})
_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9._+\-]+$")
_EMAIL_DOMAIN = re.compile(r"^([A-Za-z0-9]([A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$")
_ENCODED_BREAK = re.compile(r"%0[ad]|%e2%80%a[89]|&#(x0*[ad]|0*1[03]);|\\[rn]", re.I)


# Messages a public form may show (proposals): Said keeps their msgid (web/i18n.say).
INVALID_HOST = N_("le nom du site « %(host)s » n'est pas un nom de domaine valide.")
EMPTY_ADDRESS = N_("adresse vide.")


def too_long(length: int) -> str:
    return Said(N_("texte trop long (%(length)s caractères, maximum %(max)s)."),
                length=length, max=MAX_CELL)


def email_refused(email: str, problem: str) -> str:
    return Said(N_("adresse e-mail refusée « %(email)s » : %(why)s"), email=email, why=problem)


def _char_name(char: str) -> str:
    if char == " ":
        return Said(N_("une espace"))
    if char.isprintable() and not unicodedata.category(char).startswith(("Z", "C")):
        return f"« {char} »"
    return f"U+{ord(char):04X}"


def _script(char: str) -> Optional[str]:
    """The script of a letter ('LATIN', 'CYRILLIC'...), None for digits and punctuation."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    first = name.split(" ", 1)[0]
    if first == "CJK":
        return "HAN"
    return first or None


def _mixed_scripts(host: str) -> Optional[str]:
    scripts = {s for s in map(_script, host) if s}
    if len(scripts) <= 1 or any(scripts <= allowed for allowed in _SCRIPT_SETS):
        return None
    return ", ".join(sorted(s.lower() for s in scripts))


def _unicode_host(host: str) -> str:
    """The host as people read it (xn-- labels decoded), for the script check."""
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            label = idna.decode(label)
        labels.append(label)
    return ".".join(labels)


def _host_problem(host: str) -> tuple[Optional[str], str]:
    """(problem, ASCII host) for the host part of a URL."""
    if not host:
        return Said(N_("il manque le nom du site après « :// ».")), ""
    bidi = [c for c in host if c in BIDI_CONTROLS]
    if bidi:
        return Said(N_("le nom du site contient un caractère de contrôle bidirectionnel "
                       "(%(char)s), qui change ce que le lecteur voit."),
                    char=_char_name(bidi[0])), ""
    if "%" in host:
        return Said(N_("le nom du site ne peut pas contenir de « % ».")), ""
    lowered = host.rstrip(".").lower()
    try:
        ascii_host = idna.encode(lowered, uts46=True).decode("ascii") if not lowered.isascii() \
            else lowered
        readable = _unicode_host(ascii_host)
    except (idna.IDNAError, UnicodeError, ValueError):
        return Said(INVALID_HOST, host=host), ""
    if not _ASCII_HOST.match(ascii_host):
        bad = next((c for c in ascii_host if not (c.isalnum() or c in ".-")), None)
        return (Said(N_("le nom du site contient un caractère non permis (%(char)s)."),
                     char=_char_name(bad))
                if bad else Said(INVALID_HOST, host=host)), ""
    mixed = _mixed_scripts(readable)
    if mixed:
        return Said(N_("le nom du site « %(host)s » mélange plusieurs écritures (%(scripts)s) "
                       ": il peut imiter un autre site."), host=host, scripts=mixed), ""
    return None, ascii_host


def _parse_url(text: str) -> tuple[Optional[str], Optional[str]]:
    """(problem, URL to link to) for one web address."""
    url = (text or "").strip()
    if not url:
        return Said(EMPTY_ADDRESS), None
    bidi = [c for c in url if c in BIDI_CONTROLS]
    if bidi:
        return Said(N_("l'adresse contient un caractère de contrôle bidirectionnel "
                       "(%(char)s), qui change ce que le lecteur voit."),
                    char=_char_name(bidi[0])), None
    scheme, sep, _ = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return Said(N_("elle doit commencer par http:// ou https://.")), None
    for position, char in enumerate(url, start=1):
        if char.isspace() or char in _FORBIDDEN or unicodedata.category(char).startswith("C"):
            return Said(N_("caractère non permis %(char)s en position %(position)s "
                           "(remplacez-le, ou encodez-le en %%XX)."),
                        char=_char_name(char), position=position), None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return Said(N_("le numéro de port ou le nom du site est mal écrit.")), None
    if "@" in parts.netloc:
        real = parts.netloc.rsplit("@", 1)[1]
        return Said(N_("l'adresse contient « %(user)s@ » avant le nom du site : elle mène "
                       "en réalité à « %(real)s ». Écrivez l'adresse du site lui-même."),
                    user=parts.netloc.rsplit('@', 1)[0], real=real), None
    problem, host = _host_problem(parts.hostname or "")
    if problem:
        return problem, None
    netloc = host + (f":{port}" if port is not None else "")
    return None, urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query,
                             parts.fragment))


def url_problem(text: str) -> Optional[str]:
    """Why `text` is no web address we may link to (French), or None when it is."""
    return _parse_url(text)[0]


def safe_url(text: str) -> Optional[str]:
    """The address to link to (scheme and host lower-case, host in ASCII), or None.

    The one rule for every output that makes a link of inventory text, and for import.
    """
    problem, url = _parse_url(text)
    return None if problem else url


def display_host(url: str) -> str:
    """The host of a safe URL as a link text shows it: ASCII (punycode) when not plain."""
    checked = safe_url(url)
    return (urlsplit(checked).hostname or "") if checked else ""


def email_problem(text: str) -> Optional[str]:
    """Why `text` is no e-mail address we may put in a mailto: link, or None."""
    email = (text or "").strip()
    if not email:
        return Said(EMPTY_ADDRESS)
    if _ENCODED_BREAK.search(email):
        return Said(N_("l'adresse contient un retour à la ligne encodé."))
    if any(c.isspace() or unicodedata.category(c).startswith("C") for c in email):
        return Said(N_("l'adresse contient une espace ou un caractère invisible."))
    if "%" in email:
        return Said(N_("le signe « % » n'est pas permis dans une adresse e-mail."))
    local, at, domain = email.rpartition("@")
    if not at or not local:
        return Said(N_("il manque la partie avant ou après « @ »."))
    if not _EMAIL_LOCAL.match(local) or local.startswith(".") or ".." in local:
        bad = next((c for c in local if not (c.isascii() and (c.isalnum() or c in "._+-"))),
                   None)
        return (Said(N_("caractère non permis %(char)s avant « @ »."), char=_char_name(bad))
                if bad else Said(N_("la partie avant « @ » est mal formée.")))
    if not _EMAIL_DOMAIN.match(domain):
        return Said(N_("le domaine « %(domain)s » n'est pas valide (par ex. exemple.be)."),
                    domain=domain)
    return None


def safe_email(text: str) -> Optional[str]:
    """The validated address (trimmed) for a mailto: link, or None."""
    return None if email_problem(text) else (text or "").strip()


# ----- rows of the inventory: the import's rules, the forms' rules -----------------------

PLACE_FIELDS = ("place_label", "street", "postcode", "locality", "commune", "lat", "lon",
                "show_exact", "schedule", "schedule_rule", "schedule_except", "address_kind")
REQUIRED = ("name", "chapter", "kind", "source_url", "checked_on")
SERVICES = ("ecoute", "groupe-de-parole", "aide-sociale", "aide-administrative",
            "aide-juridique", "information", "activites")
MAX_CELL = 4000
# What a cell may not hold: control characters (NUL, BEL, ESC... but not tab or line
# breaks, which descriptions use) and the bidirectional overrides/isolates that make a
# text display in another order than it is stored (a name that reads differently on
# the page than in the file). U+200E/U+200F (plain direction marks) are harmless.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CHAR_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x1b: "ESC", 0x7f: "DEL",
               0x202a: "LRE", 0x202b: "RLE", 0x202c: "PDF", 0x202d: "LRO", 0x202e: "RLO",
               0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI"}

_PHONE = re.compile(r"^[0-9+ ./()\-]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YES = {"oui", "o", "yes", "y", "1", "true", "vrai", "x"}
_NO = {"non", "n", "no", "0", "false", "faux", ""}

Report = Callable[[str, str], None]


def char_name(char: str) -> str:
    """"U+001B (ESC)": how a message names an invisible character."""
    code = ord(char)
    name = _CHAR_NAMES.get(code)
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def visible(text: str) -> str:
    """`text` safe for a terminal: control characters, line breaks and bidirectional
    overrides written as <U+001B (ESC)>, so a file can neither drive the maintainer's
    terminal nor reorder what a message shows."""
    return _UNSAFE_OR_BREAK.sub(lambda m: f"<{char_name(m.group())}>", str(text))


def flag(value: str, default: bool) -> Optional[bool]:
    v = value.strip().lower()
    if not v:
        return default
    if v in _YES:
        return True
    if v in _NO:
        return False
    return None


def date_problem(text: str) -> Optional[str]:
    if not _DATE.match(text):
        return f"date invalide « {text} » (format attendu : AAAA-MM-JJ)."
    try:
        date.fromisoformat(text)
    except ValueError:
        return f"« {text} » n'est pas une date du calendrier (jour ou mois impossible)."
    return None


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


@dataclass
class CheckedRow:
    key: str                     # the group's slug (group_id, or made from the name)
    group: Group                 # without places
    place: Optional[Place]       # None when every place column is empty


def check_row(row: dict, report: Report, in_service_area,
              required: tuple[str, ...] = REQUIRED) -> CheckedRow:
    """Check one row (cleaning `row` in place: invisible characters, over-long cells)."""
    for column, value in row.items():
        bad_char = _UNSAFE.search(value)
        if bad_char:
            report(column, Said(N_(
                "caractère invisible %(char)s à la position %(position)s de la cellule : "
                "supprimez-le (il vient souvent d'un copier-coller depuis un autre "
                "logiciel)."), char=char_name(bad_char.group()), position=bad_char.start() + 1))
            row[column] = value = _UNSAFE.sub("", value)
        if len(value) > MAX_CELL:
            report(column, too_long(len(value)))
            row[column] = value[:MAX_CELL]
    for column in required:
        if not row.get(column):
            report(column, Said(N_("valeur obligatoire manquante.")))
    key = row.get("group_id") or (slugify(row["name"]) if row.get("name") else "")
    if key and slugify(key) != key:
        report("group_id", f"« {key} » n'est pas un identifiant valide "
                           f"(minuscules, chiffres et tirets : « {slugify(key)} »).")
    chapter = row.get("chapter", "")
    if chapter and chapter not in CHAPTER_SLUGS:
        report("chapter", Said(N_("chapitre inconnu « %(value)s ». Valeurs permises : "
                                  "%(allowed)s."), value=chapter,
                               allowed=", ".join(CHAPTER_SLUGS)))
    kind = row.get("kind", "")
    if kind and kind not in KINDS:
        report("kind", Said(N_("type inconnu « %(value)s ». Valeurs permises : %(allowed)s."),
                            value=kind, allowed=", ".join(KINDS)))
    services = split_list(row.get("services", ""))
    for s in services:
        if s not in SERVICES:
            report("services", f"service inconnu « {s} ». Valeurs permises : "
                               + ", ".join(SERVICES) + ".")
    email = row.get("email", "")
    if email and (problem := email_problem(email)):
        report("email", email_refused(email, problem))
    for column in ("website", "source_url"):
        url = row.get(column, "")
        if url and (problem := url_problem(url)):
            report(column, Said(N_("adresse web refusée « %(url)s » : %(why)s"), url=url,
                                why=problem))
    phone = row.get("phone", "")
    if phone and (not _PHONE.match(phone) or not 3 <= sum(c.isdigit() for c in phone) <= 15):
        report("phone", Said(N_("numéro de téléphone invalide « %(phone)s »."), phone=phone))
    checked = row.get("checked_on", "")
    if checked and (problem := date_problem(checked)):
        report("checked_on", problem)
    demo = flag(row.get("demo", ""), False)
    if demo is None:
        report("demo", f"valeur « {row['demo']} » : écrivez oui ou non.")
    show_exact = flag(row.get("show_exact", ""), True)
    if show_exact is None:
        report("show_exact", f"valeur « {row['show_exact']} » : écrivez oui ou non.")

    place = check_place(row, bool(show_exact), report, in_service_area)
    audience = split_list(row.get("audience", ""))

    group = Group(
        slug=key, name=row.get("name", ""), chapter=chapter, kind=kind,
        themes=split_list(row.get("themes", "")), audience=audience,
        audience_kinds=audience_kinds(audience), services=services, cost=row.get("cost", ""),
        description=row.get("description", ""),
        phone=phone, email=email, website=row.get("website", ""),
        source_url=row.get("source_url", ""), source_date=row.get("source_date", ""),
        checked_on=checked, demo=bool(demo), notes=row.get("notes", ""))
    return CheckedRow(key, group, place)


def check_place(row: dict, show_exact: bool, report, in_service_area) -> Optional[Place]:
    if not any(row.get(c) for c in PLACE_FIELDS if c not in ("show_exact", "address_kind")):
        return None
    postcode = row.get("postcode", "").strip()
    if postcode:
        digits = re.sub(r"^[Bb]-?", "", postcode)
        if not re.fullmatch(r"\d{4}", digits):
            report("postcode", Said(N_("code postal invalide « %(postcode)s » (4 chiffres "
                                       "attendus)."), postcode=postcode))
        else:
            postcode = digits
            if not (1000 <= int(digits) <= 1499 or 4000 <= int(digits) <= 7999):
                report("postcode", Said(N_("le code postal %(postcode)s est hors de Wallonie "
                                           "et de Bruxelles."), postcode=digits))
    lat = lon = None
    if row.get("lat") or row.get("lon"):
        try:
            lat = float(row.get("lat", "").replace(",", "."))
            lon = float(row.get("lon", "").replace(",", "."))
        except ValueError:
            report("lat", "coordonnées invalides : lat et lon doivent être deux nombres "
                          "(par ex. 50.4669 et 4.8675).")
            lat = lon = None
        else:
            if not in_service_area(lat, lon):
                report("lat", f"les coordonnées ({lat}, {lon}) sont hors de Wallonie et de Bruxelles.")
                lat = lon = None
    if lat is None and not (postcode or row.get("locality") or row.get("commune")):
        report("commune", Said(N_("lieu sans code postal, localité ni commune : impossible "
                                  "de le situer.")))
    text = row.get("schedule", "")
    try:
        schedule = schedule_from_columns(text, row.get("schedule_rule", ""),
                                         row.get("schedule_except", ""))
    except ColumnError as exc:
        report(exc.column, exc.message)
        schedule = None
    kind = row.get("address_kind", "").strip().lower() or "reunion"
    if kind not in ADDRESS_KINDS:
        report("address_kind", f"type d'adresse inconnu « {row['address_kind']} ». Valeurs "
                               "permises : " + ", ".join(ADDRESS_KINDS) + ".")
        kind = "reunion"
    return Place(label=row.get("place_label", ""), street=row.get("street", ""),
                 postcode=postcode, locality=row.get("locality", ""),
                 commune_name=row.get("commune", ""), lat=lat, lon=lon,
                 show_exact=show_exact, schedule=text,
                 schedule_parsed=schedule or parse_schedule(text), address_kind=kind)

