"""Hostile text in the inventory and in the URL comes out escaped or inert, in every output.

The corpus is written straight into the store (as a compromised or careless import tool
could), bypassing the importer's validation: a `javascript:` website, markup in names,
descriptions, addresses, schedules, themes; quotes and backslashes; a place that must not
be shown exactly. Then every output is read: the finder page (map and list), the list
without an origin, the group page, the embed, the map data, the API (JSON, GeoJSON, CSV,
Meeting Guide feed), and pages reflecting hostile search parameters.

HTML: no event-handler attribute, no injected element, no `javascript:` link, every inline
script carries the response's nonce; the hostile text is shown, as text. JSON/CSV: served
with their own type and nosniff, parse, carry the text faithfully, link nothing unsafe.
The browser half (nothing executes, even with CSP bypassed) is tests/e2e/test_xss_browser.py.
Routes not written yet are skipped with the reason.
"""
from __future__ import annotations

import csv
import io
import json
import re
from html import escape
from html.parser import HTMLParser

import pytest
from werkzeug.exceptions import NotFound

from finder.models import Group, Place

IMG = "<img src=x onerror=alert(1)>"
BREAKOUT = '"</script><script>alert(1)</script>'
TEMPLATE = "${alert(1)}"
JS_URL = "javascript:alert(1)"
QUOTES = "l'\"apostrophe\" \\ et \\' barre\\\" oblique"
NAMUR_NIS = "92094"

HTML_URLS = [
    "/?postcode=5000&radius_km=20",
    "/?chapter=maladie",
    "/groupes/xss-un",
    "/groupes/xss-partout",
    "/embed?postcode=5000&radius_km=20",
    # hostile search parameters, reflected in forms and notices
    "/?postcode=" + "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    "/?commune=%22%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/?theme=%24%7Balert(1)%7D&postcode=5000",
    "/?postcode=5000%22%20onfocus%3D%22alert(1)",
    # hostile words typed in "De quoi s'agit-il ?", and hostile groups they find
    "/?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    "/?q=onerror&postcode=5000",
    "/embed?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/embed?postcode=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
]
DATA_URLS = [
    "/carte/lieux.json?postcode=5000&radius_km=20",
    "/api/v1/search?postcode=5000&radius_km=20",
    "/api/v1/search.geojson?postcode=5000&radius_km=20",
    "/api/v1/groups",
    "/api/v1/groups/xss-un",
    "/api/v1/groups.geojson",
    "/api/v1/meeting-guide.json",
    "/api/v1/suggest?q=onerr",
    "/api/v1/search?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
]
CSV_URLS = ["/api/v1/groups.csv"]


def corpus_groups() -> list[Group]:
    exact = Place(label=IMG, street=BREAKOUT, postcode="5000", locality="Namur",
                  commune_nis=NAMUR_NIS, commune_name="Namur", lat=50.4669, lon=4.8675,
                  precision="exact", show_exact=True, schedule=f"{TEMPLATE} {QUOTES}")
    hidden = Place(label=f"caché {IMG}", street=f"caché {BREAKOUT}", postcode="5000",
                   locality="Namur", commune_nis=NAMUR_NIS, commune_name="Namur",
                   lat=50.4700, lon=4.8600, precision="exact", show_exact=False,
                   schedule=IMG)
    return [
        Group(slug="xss-un", name=f"Groupe {IMG} un", chapter="maladie", kind="entraide",
              themes=[f"thème {BREAKOUT}"], audience=[QUOTES], services=["ecoute"],
              cost=TEMPLATE, description=f"{BREAKOUT} {IMG} {TEMPLATE} {QUOTES}",
              phone=IMG, email='x@example.org"><img src=x onerror=alert(1)>',
              website=JS_URL, source_url=JS_URL, checked_on="2026-11-01", demo=True,
              places=[exact]),
        Group(slug="xss-cache", name=f"Lieu discret {BREAKOUT}", chapter="maladie",
              kind="soutien", website='https://example.org/"onmouseover="alert(1)',
              source_url="https://example.org/source", checked_on="2026-11-01", demo=True,
              description=QUOTES, places=[hidden]),
        Group(slug="xss-partout", name=f"Service partout {IMG}", chapter="maladie",
              kind="association", description=TEMPLATE, phone="0800 00 000",
              website="JaVaScRiPt:alert(1)", email=JS_URL,
              source_url="https://example.org/source", checked_on="2026-11-01", demo=True),
    ]


def load_corpus(app) -> None:
    from finder.db import get_geography, get_store
    with app.app_context():
        store, geography = get_store(), get_geography()
        with store.transaction():
            for group in corpus_groups():
                for place in group.places:       # the public point, as the importer sets it
                    place.public_lat, place.public_lon = (
                        (place.lat, place.lon) if place.show_exact
                        else geography.representative_point(place.commune_nis))
                store.write_group(group, f"xss-{group.slug}")
            store.bump_inventory_version("corpus XSS")


@pytest.fixture
def xss_app(make_app):
    app = make_app()
    load_corpus(app)
    return app


def fetch(app, url):
    """The response (a route that does not exist fails the test)."""
    try:
        app.url_map.bind("localhost").match(url.split("?")[0])
    except NotFound:
        pytest.fail(f"{url.split('?')[0]} is not a route of the site")
    except Exception:          # a redirect or another method: the route exists
        pass
    response = app.test_client().get(url)
    assert response.status_code < 500, (url, response.status_code)
    return response


class Tree(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "script":
            self._script = [attrs, ""]

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(tuple(self._script))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script[1] += data


URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "srcdoc")


def assert_inert_html(response) -> Tree:
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    tree = Tree(html)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    for tag, attrs in tree.elements:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"event handler attribute on <{tag}>: {attrs}"
        for name in URL_ATTRIBUTES:
            value = (attrs.get(name) or "").strip().lower().replace("\t", "")
            assert not value.startswith(("javascript:", "data:text/html", "vbscript:")), \
                f"<{tag} {name}={attrs.get(name)!r}>"
        assert not (tag == "img" and attrs.get("src") == "x"), "an injected <img> element"
        assert tag not in ("iframe", "object", "embed", "base"), f"<{tag}> in the page"
    for attrs, body in tree.scripts:
        if "src" in attrs:
            assert attrs["src"].startswith(("/static/", "/assets/")), attrs
            continue
        assert nonce and attrs.get("nonce") == nonce.group(1), \
            f"an inline script without this response's nonce: {body[:80]!r}"
        assert body.strip() != "alert(1)", "an injected inline script"
        assert "<!--" not in body and "<script" not in body.lower(), \
            "inline script content that could change the parser's state"
    return tree


@pytest.mark.parametrize("url", HTML_URLS)
def test_html_outputs_show_hostile_text_as_text(xss_app, url):
    response = fetch(xss_app, url)
    assert_inert_html(response)
    html = response.get_data(as_text=True)
    if url.startswith("/groupes/xss-un"):
        assert escape(IMG, quote=False) in html or escape(IMG) in html, \
            "the hostile name should be shown, as text"
        assert 'href="javascript' not in html.lower()


def test_the_corpus_is_really_in_the_outputs(xss_app):
    """Otherwise every check above would pass on empty pages."""
    page = fetch(xss_app, "/?postcode=5000&radius_km=20").get_data(as_text=True)
    assert page.count("Groupe &lt;img src=x onerror=alert(1)&gt; un") >= 1
    assert "Service partout &lt;img" in page
    markers = fetch(xss_app, "/carte/lieux.json?postcode=5000&radius_km=20").get_json()
    assert len(markers["markers"]) >= 2
    api = fetch(xss_app, "/api/v1/search?postcode=5000&radius_km=20").get_json()
    assert {r["group"]["slug"] for r in api["results"]} == {"xss-un", "xss-cache"}
    words = fetch(xss_app, "/?q=onerror&postcode=5000").get_data(as_text=True)
    assert "Groupe &lt;img src=x onerror=alert(1)&gt; un" in words
    suggested = fetch(xss_app, "/api/v1/suggest?q=onerr").get_json()["suggestions"]
    assert f"Groupe {IMG} un" in {s["label"] for s in suggested}


def test_pages_link_only_safe_schemes(xss_app):
    for url in ("/groupes/xss-un", "/groupes/xss-partout", "/?postcode=5000&radius_km=20"):
        tree = assert_inert_html(fetch(xss_app, url))
        links = [attrs.get("href", "") for tag, attrs in tree.elements if tag == "a"]
        schemes = {re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", h).group(1).lower()
                   for h in links if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", h)}
        assert schemes <= {"http", "https", "tel", "mailto"}, (url, schemes)
        # A website that was no http(s) address is shown as text, never as a link.
        assert not [h for h in links if h.startswith("https://example.org/\"")], links


def test_a_place_shown_at_commune_precision_keeps_its_secret_everywhere(xss_app):
    for url in ("/?postcode=5000&radius_km=20", "/groupes/xss-cache",
                "/api/v1/groups/xss-cache", "/api/v1/groups.csv",
                "/carte/lieux.json?postcode=5000&radius_km=20"):
        response = fetch(xss_app, url)
        assert "caché" not in response.get_data(as_text=True), url


def _strings(value, key=""):
    """(key, string) for every string in a JSON document, with the key it sits under."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str):
        yield key, value


@pytest.mark.parametrize("url", DATA_URLS)
def test_json_outputs_are_json_and_link_nothing_unsafe(xss_app, url):
    response = fetch(xss_app, url)
    assert response.status_code == 200
    assert response.mimetype in ("application/json", "application/geo+json")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    data = json.loads(response.get_data(as_text=True))
    for key, text in _strings(data):
        if key.lower() in ("website", "url", "source_url", "href", "link", "website_href"):
            assert not text.strip().lower().startswith(("javascript:", "data:", "vbscript:")), \
                (key, text)


def test_the_api_carries_hostile_text_faithfully(xss_app):
    response = fetch(xss_app, "/api/v1/groups/xss-un")
    body = response.get_data(as_text=True)
    assert f"Groupe {IMG} un" in json.dumps(response.get_json(), ensure_ascii=False)
    assert "<img" not in body or response.mimetype != "text/html"


@pytest.mark.parametrize("url", CSV_URLS)
def test_csv_is_served_as_csv(xss_app, url):
    response = fetch(xss_app, url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    names = {row["name"] for row in rows}
    assert f"Groupe {IMG} un" in names


def test_every_output_of_the_corpus_was_checked(xss_app):
    """The lists above cover the app's outputs: a new route must be added to them."""
    checked = {u.split("?")[0] for u in HTML_URLS + DATA_URLS + CSV_URLS}
    rules = {r.rule for r in xss_app.url_map.iter_rules()
             if "GET" in r.methods and not r.arguments}
    outputs = {r for r in rules if r in ("/", "/embed", "/carte/lieux.json")
               or r.startswith("/api/v1/") and r not in (
                   "/api/v1/openapi.json", "/api/v1/chapters", "/api/v1/communes",
                   "/api/v1/locate")}
    assert outputs <= checked, f"outputs with inventory text not in the XSS corpus: " \
                               f"{sorted(outputs - checked)}"


def test_outputs_hand_out_only_the_links_and_addresses_the_pages_would_make(make_app):
    """A group stored before today's rules (or written around the import): its lying link
    and its e-mail with an encoded line break reach no consumer; a non-ASCII host comes in
    punycode, as the pages show it."""
    from finder.db import get_store
    app = make_app()
    legacy = Group(slug="ancien", name="Ancien groupe", chapter="maladie", kind="entraide",
                   email="info%0Abcc:tous@exemple.be",
                   website="https://www.cancer.be@evil.example/",
                   source_url="https://café.example/source", checked_on="2026-11-01",
                   places=[Place(postcode="5000", locality="Namur", commune_nis=NAMUR_NIS,
                                 commune_name="Namur", lat=50.4669, lon=4.8675,
                                 precision="exact", show_exact=True,
                                 public_lat=50.4669, public_lon=4.8675)])
    with app.app_context():
        store = get_store()
        with store.transaction():
            store.write_group(legacy, "ancien")
            store.bump_inventory_version("test")
    client = app.test_client()
    group = client.get("/api/v1/groups/ancien").get_json()
    assert (group["email"], group["website"]) == ("", "")
    assert group["source_url"] == "https://xn--caf-dma.example/source"
    (row,) = csv.DictReader(io.StringIO(
        client.get("/api/v1/groups.csv").get_data(as_text=True).lstrip("\ufeff")))
    assert (row["email"], row["website"]) == ("", "")
    assert row["source_url"] == "https://xn--caf-dma.example/source"
    (meeting,) = client.get("/api/v1/meeting-guide.json").get_json()
    assert "contact_1_email" not in meeting
    page = client.get("/groupes/ancien").get_data(as_text=True)
    assert "mailto:info" not in page and 'href="https://www.cancer.be@' not in page
    assert "xn--caf-dma.example" in page
