"""The embed for partner sites (/embed), its builder (/embed/builder) and who may frame what."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from finder.web import framing

from .conftest import DEMO_INVENTORY


class Elements(HTMLParser):
    """Start tags with their attributes, and the text of textareas and scripts."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.texts: dict[int, str] = {}
        self._open: int | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("textarea", "script"):
            self._open = len(self.tags) - 1
            self.texts[self._open] = ""

    def handle_endtag(self, tag):
        if tag in ("textarea", "script"):
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self.texts[self._open] += data

    def find(self, tag: str, **attrs) -> list[dict]:
        def match(a: dict, key: str, value) -> bool:
            key = key.rstrip("_")
            return key in a if value is True else a.get(key) == value
        return [a for t, a in self.tags if t == tag
                and all(match(a, k, v) for k, v in attrs.items())]

    def text_of(self, tag: str, **attrs) -> str:
        for i, (t, a) in enumerate(self.tags):
            if t == tag and all(a.get(k) == v for k, v in attrs.items()):
                return self.texts.get(i, "")
        raise AssertionError(f"no <{tag} {attrs}>")


def csp(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else ""
            for d in (p.strip() for p in header.split(";")) if d}


# -- the embed page ----------------------------------------------------------------------------

def test_embed_shows_the_search_with_crisis_lines_demo_banner_and_attribution(client):
    response = client.get("/embed?postcode=5000&radius_km=20")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = Elements(html)
    assert 'lang="fr"' in html
    assert "tel:112" in html                                   # crisis lines
    assert "Données de démonstration" in html                 # the inventory is the demo
    assert "Statbel" in html and "OpenStreetMap" in html      # attribution
    assert "5000 Namur" in html                                # the search ran
    assert not page.find("header", class_="site-header")       # minimal chrome
    assert page.find("form", action="/embed")                  # searching stays in the frame


def test_the_full_site_link_keeps_the_search_and_opens_a_new_tab(client):
    html = client.get("/embed?postcode=4000&chapter=maladie&radius_km=10&lock=chapter"
                      ).get_data(as_text=True)
    links = Elements(html).find("a", **{"data-full-site": True})
    assert len(links) == 1
    link = links[0]
    assert link["target"] == "_blank" and "noopener" in link["rel"]
    url = urlsplit(link["href"])
    assert url.scheme == "http" and url.path == "/"
    assert parse_qs(url.query) == {"postcode": ["4000"], "chapter": ["maladie"],
                                   "radius_km": ["10"]}
    assert "Ouvrir dans le site complet" in html


def test_locked_presets_hide_their_controls_and_stay_in_the_form(client):
    html = client.get("/embed?chapter=dependance&radius_km=50&postcode=1000"
                      "&lock=chapter,radius_km").get_data(as_text=True)
    page = Elements(html)
    assert not page.find("select", name="chapter")
    assert not page.find("select", name="radius_km")
    assert page.find("input", type="hidden", name="chapter", value="dependance")
    assert page.find("input", type="hidden", name="radius_km", value="50")
    assert page.find("input", type="hidden", name="lock", value="radius_km,chapter")
    # What is not locked can still be changed.
    assert page.find("input", name="postcode", type="text")
    # Without lock, the same presets are only a starting point.
    free = Elements(client.get("/embed?chapter=dependance").get_data(as_text=True))
    assert free.find("select", name="chapter")


def test_embed_results_respect_the_locked_chapter(client):
    html = client.get("/embed?chapter=dependance&lock=chapter").get_data(as_text=True)
    listed = {a["class"] for a in Elements(html).find("li") if "result" in a.get("class", "")}
    assert listed == {"result chapter-dependance"}   # no group of another chapter


@pytest.mark.parametrize("query", ["lock=everything", "radius_km=7", "chapter=x",
                                   "postcode=" + "5" * 200])
def test_bad_embed_parameters_get_a_french_400_page(client, query):
    response = client.get("/embed?" + query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and "Traceback" not in html
    assert 'lang="fr"' in html


# -- framing ------------------------------------------------------------------------------------

def test_by_default_any_site_may_frame_the_embed_but_nothing_else(client):
    embed = client.get("/embed")
    assert csp(embed)["frame-ancestors"] == "*"
    assert "X-Frame-Options" not in embed.headers
    for path in ("/", "/embed/builder", "/api/v1/chapters", "/groupes/inconnu"):
        response = client.get(path)
        assert csp(response)["frame-ancestors"] == "'self'", path
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN", path


def test_an_allowlist_limits_who_may_frame_the_embed(make_app):
    app = make_app(EMBED_FRAME_ANCESTORS="https://partenaire.example  https://www.autre.example/")
    client = app.test_client()
    for path in ("/embed", "/embed?radius_km=7"):               # the error page too
        sources = csp(client.get(path))["frame-ancestors"].split()
        assert sources == ["'self'", "https://partenaire.example", "https://www.autre.example"]
    assert csp(client.get("/"))["frame-ancestors"] == "'self'"


def test_frame_ancestors_values():
    assert framing.configured_ancestors("*") == "*"
    assert framing.configured_ancestors("") == "*"
    assert framing.configured_ancestors("https://a.example, https://b.example:8443") == \
        "'self' https://a.example https://b.example:8443"
    assert framing.configured_ancestors("'none'") == "'self'"


@pytest.mark.parametrize("value, says", [
    ("partenaire.example", "il manque https://"),
    ("https://partenaire.example/page-avec-le-cadre", "pas de chemin"),
    ("https://partenaire.example https://www.autre.example/x?y", "pas de chemin"),
    ("ftp://partenaire.example", "http:// et https://"),
    ("https://partenaire.example; script-src *", "nom de site valide"),
    ("'none' https://partenaire.example", "ne se combine pas"),
    ("https://café.example", "punycode"),
])
def test_frame_ancestors_that_are_not_origins_stop_the_app_with_a_french_message(
        make_app, value, says):
    from finder.db import StartupError
    with pytest.raises(StartupError) as err:
        make_app(EMBED_FRAME_ANCESTORS=value)
    message = str(err.value)
    assert "Démarrage impossible" in message and "FINDER_EMBED_FRAME_ANCESTORS" in message
    assert says in message, message


@pytest.mark.parametrize("value", [
    "*", "'self'", "'none'", "https://partenaire.example", "http://127.0.0.1:8080",
    "https://*.partenaire.example https://www.autre.example/", "",
])
def test_origins_and_keywords_are_accepted(make_app, value):
    app = make_app(EMBED_FRAME_ANCESTORS=value)
    assert framing.setting_problem(value) is None
    assert app.test_client().get("/embed").status_code == 200


# -- the builder --------------------------------------------------------------------------------

def test_builder_offers_the_presets_and_a_snippet_to_copy(make_app):
    app = make_app(PUBLIC_BASE_URL="https://entraide.example/")
    assert app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)]).exit_code == 0
    # The snippet partners paste says the site's public address (https), from the setting.
    html = app.test_client().get("/embed/builder", headers={"Host": "entraide.example"}
                                 ).get_data(as_text=True)
    page = Elements(html)
    assert page.find("select", name="chapter") and page.find("select", name="radius_km")
    assert page.find("input", name="commune") and page.find("input", name="postcode")
    assert {a["value"] for a in page.find("input", type="checkbox", name="lock")} == {
        "q", "postcode", "radius_km", "chapter", "theme", "commune", "audience", "service",
        "free", "day", "moment", "semaine"}
    snippet = Elements(page.text_of("textarea", id="snippet-iframe"))
    (frame,) = snippet.find("iframe")
    assert frame["src"] == "https://entraide.example/embed"
    assert frame["title"] and frame["loading"] == "lazy"
    assert frame["width"] == "100%" and frame["height"] == "600"
    script = Elements(page.text_of("textarea", id="snippet-script"))
    (tag,) = script.find("script")
    assert tag["src"] == "https://entraide.example/static/js/embed-resize.js"
    # The live preview is the same embed, and the page's only script is a file (CSP).
    (preview,) = page.find("iframe", **{"data-embed-preview": True})
    assert preview["src"] == frame["src"]
    scripts = [a for t, a in page.tags if t == "script"]
    assert scripts and all(a.get("src") for a in scripts)
    assert any(urlsplit(a["src"]).path == "/static/js/embed-builder.js" for a in scripts)


def test_builder_without_javascript_makes_the_snippet_from_the_form(client):
    html = client.get("/embed/builder?chapter=maladie&radius_km=20&commune=Namur"
                      "&lock=chapter&lock=commune&height=900").get_data(as_text=True)
    page = Elements(html)
    (frame,) = Elements(page.text_of("textarea", id="snippet-iframe")).find("iframe")
    url = urlsplit(frame["src"])
    assert url.path == "/embed"
    assert parse_qs(url.query) == {"chapter": ["maladie"], "commune": ["Namur"],
                                   "lock": ["chapter,commune"]}
    assert frame["height"] == "900"
    assert page.find("option", value="maladie", selected=True)
    assert page.find("input", type="checkbox", name="lock", value="chapter", checked=True)
    assert not page.find("input", type="checkbox", name="lock", value="theme", checked=True)


def test_the_snippet_url_is_escaped_for_html(client):
    html = client.get("/embed/builder?chapter=maladie&postcode=5000").get_data(as_text=True)
    textarea = Elements(html).text_of("textarea", id="snippet-iframe")
    assert "&amp;" in textarea       # src="...?postcode=5000&amp;chapter=maladie"
    assert re.search(r'src="[^"]*\?[^"]*&amp;[^"]*"', textarea)


def test_partner_and_child_scripts_are_served(client):
    resize = client.get("/static/js/embed-resize.js")
    assert resize.status_code == 200 and "javascript" in resize.mimetype
    source = resize.get_data(as_text=True)
    assert "event.origin !== origin" in source and "contentWindow === event.source" in source
    child = client.get("/static/js/embed-child.js")
    assert child.status_code == 200 and "postMessage" in child.get_data(as_text=True)
    embed = Elements(client.get("/embed").get_data(as_text=True))
    assert any(urlsplit(a.get("src", "")).path == "/static/js/embed-child.js"
               for a in embed.find("script"))
