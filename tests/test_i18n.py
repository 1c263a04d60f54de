"""The public site in four languages (web/i18n.py, finder/translations)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from finder.config import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "finder" / "translations"
OTHER_LANGUAGES = ("nl", "de", "en")


def _extracted() -> set[str]:
    """Every msgid marked in the sources, as `make translations` extracts them."""
    with open(PROJECT_ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = dict(DEFAULT_KEYWORDS, N_=None, lazy_gettext=None)
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PROJECT_ROOT), method_map, options_map, keywords=keywords):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    ids = _extracted()
    assert len(ids) > 20            # the extraction itself works
    return ids


def _catalog(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_string_has_a_translation_that_is_not_fuzzy(extracted, lang):
    catalog = _catalog(lang)
    missing = []
    for msgid in sorted(extracted):
        message = catalog.get(msgid)
        strings = () if message is None else (
            message.string if isinstance(message.string, tuple) else (message.string,))
        if message is None or not all(strings) or message.fuzzy:
            missing.append(msgid)
    assert not missing, (f"{len(missing)} string(s) without a {lang} translation "
                         f"(run `make translations` and translate them): {missing[:10]}")


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_translations_keep_the_placeholders(lang):
    for message in _catalog(lang):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\((\w+)\)s", ids[-1]))
        for string in strings:
            assert set(re.findall(r"%\((\w+)\)s", string)) <= wanted | set(
                re.findall(r"%\((\w+)\)s", ids[0])), (lang, message.id)
            assert wanted <= set(re.findall(r"%\((\w+)\)s", string)) or len(ids) > 1, (
                lang, message.id)


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_the_compiled_catalogue_is_the_one_of_the_po_file(lang):
    """The .mo files are committed: one older than its .po would serve old words."""
    def key(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo", "rb") as f:
        compiled = {key(m.id): key(m.string) for m in read_mo(f) if m.id}
    written = {key(m.id): key(m.string) for m in _catalog(lang)
               if m.id and m.string and not m.fuzzy}
    assert compiled == written, f"run `make translations` (or pybabel compile) for {lang}"


# ----- the language of a page --------------------------------------------------------

def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_the_default_is_french(client):
    html = client.get("/").get_data(as_text=True)
    assert html_lang(html) == "fr"
    assert "Besoin de parler tout de suite" in html


@pytest.mark.parametrize("lang, words", [
    ("de", "Möchten Sie sofort mit jemandem sprechen?"),
    ("nl", "Wilt u nu meteen met iemand praten?"),
    ("en", "Need to talk to someone right now?"),
    ("fr", "Besoin de parler tout de suite"),
])
def test_lang_in_the_url_gives_the_page_in_that_language(client, lang, words):
    html = client.get(f"/?lang={lang}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert html_lang(html) == lang
    assert words in html


@pytest.mark.parametrize("header, lang", [
    ("nl-BE,nl;q=0.9,fr;q=0.5", "nl"),
    ("de-BE", "de"),
    ("en-GB,en;q=0.8", "en"),
    ("es-ES,es;q=0.9", "fr"),          # none of ours: French
    ("fr-BE,en;q=0.5", "fr"),
])
def test_accept_language_chooses_when_the_url_does_not(client, header, lang):
    response = client.get("/", headers={"Accept-Language": header})
    assert html_lang(response.get_data(as_text=True)) == lang
    assert "Accept-Language" in response.headers.get("Vary", "")


def test_the_url_wins_over_the_browser(client):
    html = client.get("/?lang=en", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert html_lang(html) == "en"


def test_an_unknown_lang_value_is_ignored(client):
    response = client.get("/?lang=xx", headers={"Accept-Language": "nl"})
    assert response.status_code == 200
    assert html_lang(response.get_data(as_text=True)) == "nl"


def switch_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="language-switch".*?</nav>', html, re.S).group(0)
    return {code: href.replace("&amp;", "&") for href, code in
            re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang="\w+"', nav)}


def test_the_switch_names_each_language_in_itself_and_keeps_the_search(client):
    html = client.get("/?postcode=5000&radius_km=20&chapter=maladie&lang=de").get_data(
        as_text=True)
    for name in ("Nederlands", "Deutsch", "English", "Français"):
        assert f">{name}</a>" in html
    links = switch_links(html)
    assert set(links) == {"fr", "nl", "de", "en"}
    from urllib.parse import parse_qs, urlsplit
    for code, href in links.items():
        query = parse_qs(urlsplit(href).query)
        assert query["lang"] == [code]
        assert query["postcode"] == ["5000"] and query["radius_km"] == ["20"]
        assert query["chapter"] == ["maladie"]
    assert 'aria-current="true">Deutsch<' in html


def test_pages_name_their_other_languages_for_search_engines(client):
    html = client.get("/?postcode=5000").get_data(as_text=True)
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)"', html))
    assert set(alternates) == {"fr", "nl", "de", "en"}
    assert alternates["nl"].startswith("http") and "lang=nl" in alternates["nl"]
    assert "postcode=5000" in alternates["nl"]


def test_a_chosen_language_survives_links_and_forms(client):
    html = client.get("/?postcode=5000&radius_km=50&lang=nl").get_data(as_text=True)
    group_links = re.findall(r'href="(/groupes/[^"]+)"', html)
    assert group_links and all("lang=nl" in link for link in group_links)
    assert re.search(r'<input type="hidden" name="lang" value="nl">', html)
    whole = client.get("/?lang=nl").get_data(as_text=True)      # the inventory, in pages
    page2 = re.search(r'rel="next" href="([^"]+)"', whole)
    assert page2 and "lang=nl" in page2.group(1)


def test_the_page_cache_keeps_one_page_per_language(make_app):
    from tests.conftest import DEMO_INVENTORY
    app = make_app(PAGE_CACHE_BYTES=8 * 1024 * 1024)
    assert app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)]).exit_code == 0
    client = app.test_client()
    for _ in range(2):
        for header, lang in (("fr", "fr"), ("de", "de"), ("nl", "nl")):
            html = client.get("/?postcode=5000", headers={"Accept-Language": header}).get_data(
                as_text=True)
            assert html_lang(html) == lang


@pytest.mark.parametrize("lang, number", [("nl", "1813"), ("nl", "106"), ("de", "108")])
def test_crisis_lines_of_the_language_community_come_with_the_french_ones(client, lang,
                                                                          number):
    html = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert f'href="tel:{number}"' in html
    assert 'href="tel:080032123"' in html and 'href="tel:107"' in html


def test_a_french_page_keeps_its_crisis_lines_only(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="tel:1813"' not in html and 'href="tel:108"' not in html


def test_a_translated_page_says_the_inventory_is_in_french(client):
    fr = client.get("/").get_data(as_text=True)
    en = client.get("/?lang=en").get_data(as_text=True)
    assert "shown as the directory wrote them, in French" in en
    assert "original-language" not in fr


# ----- what a page in another language says ------------------------------------------

GERMAN_MONTHS = ("Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|"
                 "November|Dezember")
GERMAN_DAYS = "Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag"


@pytest.fixture
def fixed_client(make_app):
    """The demo inventory, with the schedules' 'now' fixed (a Tuesday morning)."""
    from tests.conftest import DEMO_INVENTORY
    app = make_app(SCHEDULE_NOW="2026-12-01T09:00")
    assert app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)]).exit_code == 0
    return app.test_client()


def visible_text(html: str) -> str:
    from html import unescape
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def test_a_german_page_is_in_german_with_german_dates(fixed_client):
    html = fixed_client.get("/?postcode=4700&radius_km=100&lang=de").get_data(as_text=True)
    text = visible_text(html)
    assert html_lang(html) == "de"
    assert "Eine Selbsthilfe- oder Unterstützungsgruppe finden" in text
    assert re.search(r"\d+\u00a0(Treffpunkte|Adressen \(davon \d+\u00a0Treffpunkte?\)) im "
                     r"Umkreis von 100\u00a0km um ", text)
    # The next meetings, as German writes dates and times.
    assert re.search(rf"Nächstes Treffen: (heute, |morgen, )?({GERMAN_DAYS}), \d{{1,2}}\. "
                     rf"({GERMAN_MONTHS})(, \d\d:\d\d)?", text), text[:2000]
    assert "Prochaine réunion" not in text and "Trouver un groupe" not in text


def test_a_group_page_in_german_dates_its_check_in_german(fixed_client):
    html = fixed_client.get("/?lang=de").get_data(as_text=True)
    slug = re.search(r'href="/groupes/([^"?]+)\?lang=de"', html).group(1)
    page = fixed_client.get(f"/groupes/{slug}?lang=de").get_data(as_text=True)
    text = visible_text(page)
    assert html_lang(page) == "de"
    assert re.search(rf"Angaben geprüft am \d{{1,2}}\. ({GERMAN_MONTHS}) \d{{4}}\.", text)
    assert "Die Gruppe kontaktieren" in text
    # The maintainer's words stay French, and say so to screen readers.
    assert re.search(r'<h1 id="group-name" lang="fr">', page)
    assert "so gezeigt, wie das Verzeichnis sie geschrieben hat: auf Französisch" in text


def test_english_distances_use_a_decimal_point(fixed_client):
    text = visible_text(fixed_client.get("/?postcode=5000&lang=en").get_data(as_text=True))
    assert re.search(r"\d\.\d\u00a0km", text)
    assert not re.search(r"\d,\d\u00a0km", text)
    fr = visible_text(fixed_client.get("/?postcode=5000").get_data(as_text=True))
    assert re.search(r"\d,\d\u00a0km", fr)


@pytest.mark.parametrize("typed", ["Bergen", "Luik", "Namen", "Elsene"])
def test_place_names_typed_in_dutch_are_understood_and_named_in_dutch(client, typed):
    html = client.get(f"/?postcode={typed}&lang=nl").get_data(as_text=True)
    summary = visible_text(re.search(r'<p class="summary"[^>]*>(.*?)</p>', html, re.S).group(1))
    assert re.search(rf"\d+\u00a0(ontmoetingsplaatsen?|adressen \(waarvan \d+\u00a0"
                     rf"ontmoetingsplaatsen?\)) binnen 20\u00a0km van {typed}\.",
                     summary), summary
    assert 'aria-invalid="true"' not in html


@pytest.mark.parametrize("postcode, lang, named", [
    ("1050", "nl", "1050\u00a0Elsene"),       # the commune's main locality: its Dutch name
    ("1050", "fr", "1050\u00a0Ixelles"),
    ("1050", "de", "1050\u00a0Ixelles"),      # no German name in the data
    ("1020", "nl", "1020\u00a0Laeken"),       # a sub-locality: bpost's name, the only one
])
def test_a_postcode_s_locality_is_named_in_the_page_s_language_where_the_data_allows(
        client, postcode, lang, named):
    html = client.get(f"/?postcode={postcode}&lang={lang}").get_data(as_text=True)
    summary = visible_text(re.search(r'<p class="summary"[^>]*>(.*?)</p>', html, re.S).group(1))
    note = visible_text(re.search(r'<span class="origin-note">(.*?)</span>', html, re.S).group(1))
    assert summary.rstrip(".").endswith(named), summary
    assert named in note, note


def test_api_errors_speak_the_asked_language(client):
    response = client.get("/api/v1/nope?lang=nl")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"].startswith("Dit API-adres bestaat niet")
    response = client.get("/api/v1/nope", headers={"Accept-Language": "de"})
    assert response.get_json()["error"]["message"].startswith("Diese API-Adresse gibt es nicht")
    assert client.get("/api/v1/nope").get_json()["error"]["message"].startswith(
        "Cette adresse de l'API")


def test_a_404_page_in_english(client):
    response = client.get("/groupes/personne-ne-sait?lang=en")
    assert response.status_code == 404
    text = visible_text(response.get_data(as_text=True))
    assert "Group not found" in text and "Back to the search" in text


def test_the_proposal_form_in_dutch(client):
    html = client.get("/proposer?lang=nl").get_data(as_text=True)
    assert html_lang(html) == "nl"
    assert "Een groep voorstellen" in html and "Naam van de groep" in html
    assert re.search(r'<form method="post" action="/proposer\?lang=nl"', html)


def test_the_builder_fixes_the_embed_language_in_its_snippet(client):
    html = client.get("/embed/builder?embed_lang=de&chapter=maladie").get_data(as_text=True)
    assert html_lang(html) == "fr"                  # the builder itself stays in its language
    snippet = re.search(r"data-snippet-iframe>(.*?)</textarea>", html, re.S).group(1)
    assert "lang=de" in snippet and "chapter=maladie" in snippet
    embed = client.get("/embed?chapter=maladie&lang=de").get_data(as_text=True)
    assert html_lang(embed) == "de"
    full = re.search(r'class="embed-full" href="([^"]+)"', embed).group(1)
    assert "lang=de" in full                          # the full site opens in German too
    assert 'lang="de"' in html and ">Deutsch</option>" in html


def test_without_a_preset_the_snippet_leaves_the_language_to_the_visitor(client):
    html = client.get("/embed/builder?lang=nl&chapter=maladie").get_data(as_text=True)
    assert html_lang(html) == "nl"
    snippet = re.search(r"data-snippet-iframe>(.*?)</textarea>", html, re.S).group(1)
    assert "chapter=maladie" in snippet and "lang=" not in snippet
    assert "De gids op uw website plaatsen" in html and "Het script kopiëren" in html
    base = re.search(r'data-embed-base="([^"]+)"', html).group(1)
    assert "?" not in base            # the builder's script appends the query itself
    embed = client.get("/embed", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert html_lang(embed) == "en"
