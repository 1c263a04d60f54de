"""The one validation module for the links and addresses people will follow or write to.

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
from typing import Optional
from urllib.parse import urlsplit, urlunsplit

import idna

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


def _char_name(char: str) -> str:
    if char == " ":
        return "une espace"
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
        return "il manque le nom du site après « :// ».", ""
    bidi = [c for c in host if c in BIDI_CONTROLS]
    if bidi:
        return (f"le nom du site contient un caractère de contrôle bidirectionnel "
                f"({_char_name(bidi[0])}), qui change ce que le lecteur voit."), ""
    if "%" in host:
        return "le nom du site ne peut pas contenir de « % ».", ""
    lowered = host.rstrip(".").lower()
    try:
        ascii_host = idna.encode(lowered, uts46=True).decode("ascii") if not lowered.isascii() \
            else lowered
        readable = _unicode_host(ascii_host)
    except (idna.IDNAError, UnicodeError, ValueError):
        return f"le nom du site « {host} » n'est pas un nom de domaine valide.", ""
    if not _ASCII_HOST.match(ascii_host):
        bad = next((c for c in ascii_host if not (c.isalnum() or c in ".-")), None)
        return (f"le nom du site contient un caractère non permis ({_char_name(bad)})."
                if bad else f"le nom du site « {host} » n'est pas un nom de domaine valide."), ""
    mixed = _mixed_scripts(readable)
    if mixed:
        return (f"le nom du site « {host} » mélange plusieurs écritures ({mixed}) : il peut "
                "imiter un autre site."), ""
    return None, ascii_host


def _parse_url(text: str) -> tuple[Optional[str], Optional[str]]:
    """(problem, URL to link to) for one web address."""
    url = (text or "").strip()
    if not url:
        return "adresse vide.", None
    bidi = [c for c in url if c in BIDI_CONTROLS]
    if bidi:
        return (f"l'adresse contient un caractère de contrôle bidirectionnel "
                f"({_char_name(bidi[0])}), qui change ce que le lecteur voit."), None
    scheme, sep, _ = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return "elle doit commencer par http:// ou https://.", None
    for position, char in enumerate(url, start=1):
        if char.isspace() or char in _FORBIDDEN or unicodedata.category(char).startswith("C"):
            return (f"caractère non permis {_char_name(char)} en position {position} "
                    "(remplacez-le, ou encodez-le en %XX)."), None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "le numéro de port ou le nom du site est mal écrit.", None
    if "@" in parts.netloc:
        real = parts.netloc.rsplit("@", 1)[1]
        return (f"l'adresse contient « {parts.netloc.rsplit('@', 1)[0]}@ » avant le nom du "
                f"site : elle mène en réalité à « {real} ». Écrivez l'adresse du site "
                "lui-même."), None
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
        return "adresse vide."
    if _ENCODED_BREAK.search(email):
        return "l'adresse contient un retour à la ligne encodé."
    if any(c.isspace() or unicodedata.category(c).startswith("C") for c in email):
        return "l'adresse contient une espace ou un caractère invisible."
    if "%" in email:
        return "le signe « % » n'est pas permis dans une adresse e-mail."
    local, at, domain = email.rpartition("@")
    if not at or not local:
        return "il manque la partie avant ou après « @ »."
    if not _EMAIL_LOCAL.match(local) or local.startswith(".") or ".." in local:
        bad = next((c for c in local if not (c.isascii() and (c.isalnum() or c in "._+-"))),
                   None)
        return (f"caractère non permis {_char_name(bad)} avant « @ »." if bad
                else "la partie avant « @ » est mal formée.")
    if not _EMAIL_DOMAIN.match(domain):
        return f"le domaine « {domain} » n'est pas valide (par ex. exemple.be)."
    return None


def safe_email(text: str) -> Optional[str]:
    """The validated address (trimmed) for a mailto: link, or None."""
    return None if email_problem(text) else (text or "").strip()
