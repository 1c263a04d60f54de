"""The embed on partner sites, in a real headless Chromium, all on 127.0.0.1.

Three origins: the app (one port), a partner the app allows to frame /embed (a second
port) and a site it does not allow (a third). The partner pastes the builder's snippet
into a plain HTML page: the map shows its markers and the resize script fits the iframe to
its content; on the refused site the browser blocks the frame (CSP frame-ancestors).
"""
from __future__ import annotations

import json
import os
import re
from urllib.parse import parse_qs, urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:                                       # pragma: no cover
    if os.environ.get("FINDER_REQUIRE_BROWSER") == "1":
        raise
    pytest.skip("playwright is not installed", allow_module_level=True)

from tests.conftest import DEMO_INVENTORY
from tests.e2e.conftest import add_test_tiles, assert_only_local, free_port, screenshot_path

MARKERS = ".map-region .fm-marker, .map-region .fm-cluster"
TYPE = "entraide-finder:height"


class PartnerSite:
    """A plain static site (WSGI): path → HTML, set by the test."""

    def __init__(self):
        self.pages: dict[str, str] = {}

    def __call__(self, environ, start_response):
        body = self.pages.get(environ.get("PATH_INFO", ""))
        if body is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode("utf-8")]


def partner_page(snippet: str, title: str = "Site partenaire") -> str:
    return (f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            f'<body style="margin:0;padding:1rem;font-family:sans-serif"><h1>{title}</h1>'
            f'<p>Notre association vous aide à trouver un groupe près de chez vous.</p>'
            f'{snippet}<p>Bas de page du partenaire.</p></body></html>')


@pytest.fixture
def sites(make_app, live_server):
    """(app URL, allowed partner site and URL, refused site and URL)."""
    allowed, refused = PartnerSite(), PartnerSite()
    allowed_url, refused_url = live_server(allowed), live_server(refused)
    port = free_port()          # the snippets partners paste name the public address
    app = make_app(EMBED_FRAME_ANCESTORS=allowed_url,
                   PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    result = app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)])
    assert result.exit_code == 0, result.output
    add_test_tiles(app)
    return live_server(app, port), allowed, allowed_url, refused, refused_url


def builder_snippets(page, app_url: str, query: str) -> tuple[str, str]:
    """The two snippets as the builder page shows them (after its script ran)."""
    page.goto(f"{app_url}/embed/builder?{query}")
    expect(page.get_by_role("button", name="Copier le code du cadre")).to_be_visible()
    return (page.locator("#snippet-iframe").input_value(),
            page.locator("#snippet-script").input_value())


def iframe_height(page) -> float:
    return page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")


def test_builder_snippet_on_an_allowed_partner_shows_the_map_and_resizes(
        sites, page, requested_urls):
    app_url, allowed, allowed_url, refused, refused_url = sites
    frame_html, script_html = builder_snippets(page, app_url, "postcode=5000&radius_km=20")
    assert f'src="{app_url}/embed?postcode=5000"' in frame_html
    assert 'height="600"' in frame_html and 'loading="lazy"' in frame_html
    allowed.pages["/"] = partner_page(frame_html + script_html)
    refused.pages["/evil.html"] = (
        "<!doctype html><script>parent.postMessage("
        f"{{type: '{TYPE}', height: 345}}, '*');</script>")

    page.goto(allowed_url + "/")
    frame = page.frame_locator("iframe")
    frame.locator(MARKERS).first.wait_for(state="visible")
    assert frame.locator(MARKERS).count() > 0
    assert "5000 Namur" in frame.locator("p.summary").inner_text().replace("\u00a0", " ")

    # The child page reports its height; the partner's script sizes the iframe to it.
    page.locator("iframe[data-resized]").wait_for(state="attached")
    height = iframe_height(page)
    assert height != 600
    inner = page.frames[1]
    content = inner.evaluate("document.body.getBoundingClientRect().height")
    assert abs(height - content) <= 30
    assert inner.evaluate("document.documentElement.scrollHeight") <= height + 2   # no inner scroll
    page.screenshot(path=screenshot_path("embed-partner-allowed"), full_page=True)

    # Messages from anywhere else are ignored: the partner page itself...
    page.evaluate(f"window.postMessage({{type: '{TYPE}', height: 250}}, '*')")
    page.wait_for_timeout(300)
    assert iframe_height(page) == height
    # ...or the same iframe once navigated to another origin (same window, other origin).
    with page.expect_event("framenavigated",
                           predicate=lambda f: f.url.endswith("/evil.html")) as navigated:
        inner.evaluate(f"location.href = {refused_url + '/evil.html'!r}")
    navigated.value.wait_for_load_state("load")       # its script has posted by now
    page.wait_for_timeout(500)
    assert iframe_height(page) == height
    assert_only_local(requested_urls)


def test_a_site_not_in_the_allowlist_cannot_frame_the_embed(sites, page):
    app_url, allowed, allowed_url, refused, refused_url = sites
    snippet = f'<iframe src="{app_url}/embed?postcode=5000" title="Recherche" width="100%" ' \
              f'height="600"></iframe>'
    refused.pages["/"] = partner_page(snippet, "Site non autorisé")
    allowed.pages["/"] = partner_page(snippet)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))

    page.goto(refused_url + "/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    blocked = page.frames[1]
    # The frame never shows the finder: Chromium replaces it with its error page.
    assert not blocked.url.startswith(app_url), blocked.url
    assert blocked.locator(".page-embed").count() == 0
    assert any("frame-ancestors" in text for text in console), console
    page.screenshot(path=screenshot_path("embed-partner-refused"))

    # Control: the very same snippet on the allowed partner loads.
    page.goto(allowed_url + "/")
    page.frame_locator("iframe").locator(".page-embed form").first.wait_for(state="attached")
    assert page.frames[1].url.startswith(app_url + "/embed")


def test_embed_works_at_320_pixels_wide(sites, browser):
    app_url = sites[0]
    context = browser.new_context(locale="fr-BE", viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        page.goto(app_url + "/embed?postcode=1000&chapter=maladie&lock=chapter")
        page.locator(MARKERS).first.wait_for(state="visible")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        full = page.get_by_role("link", name="Ouvrir dans le site complet")
        assert full.is_visible()
        assert full.get_attribute("target") == "_blank"
        query = parse_qs(urlsplit(full.get_attribute("href")).query)
        assert query == {"postcode": ["1000"], "chapter": ["maladie"]}
        assert page.get_by_role("button", name="Chercher").is_visible()
        assert page.locator("select#chapter").count() == 0        # locked
        assert page.locator("a[href='tel:112']").first.is_visible()
        box = page.locator(".map-region").bounding_box()
        assert box["width"] <= 320 and box["height"] >= 200
        page.screenshot(path=screenshot_path("embed-320"), full_page=True)
    finally:
        context.close()


def test_builder_preview_follows_the_choices(sites, page):
    app_url = sites[0]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(app_url + "/embed/builder")
    page.get_by_label("Sujet", exact=True).select_option("dependance")
    page.get_by_role("checkbox", name="Le sujet").check()
    page.get_by_label("Hauteur du cadre (pixels)").fill("800")
    preview = page.locator("iframe[data-embed-preview]")
    expect(preview).to_have_attribute("src", re.compile(r"lock=chapter"))
    query = parse_qs(urlsplit(preview.get_attribute("src")).query)
    assert query == {"chapter": ["dependance"], "lock": ["chapter"]}
    snippet = page.locator("#snippet-iframe").input_value()
    assert "chapter=dependance&amp;lock=chapter" in snippet and 'height="800"' in snippet
    inner = page.frame_locator("iframe[data-embed-preview]")
    inner.locator("input[type=hidden][name=chapter][value=dependance]").wait_for(state="attached")
    assert inner.locator("select#chapter").count() == 0
    page.get_by_role("button", name="Copier le code du cadre").click()
    # Copied, or (clipboard refused) told how to copy by hand: either way, said.
    expect(page.locator("[data-copy-status='snippet-iframe']")).to_have_text(
        re.compile(r"Code copié|Sélectionnez le code"))
    assert not [e for e in errors if "Content Security Policy" in e], errors


SPY = """<script>
window.__heard = [];
window.addEventListener("message", function (event) {
  window.__heard.push({origin: event.origin, data: JSON.stringify(event.data)});
});
</script>"""


def test_a_partner_page_listening_to_messages_learns_no_search_and_no_position(sites, browser):
    """Any script on the partner's page (analytics, ads) hears the embed's messages: they
    carry the height only, whatever the visitor searches or shares."""
    app_url, allowed, allowed_url, refused, refused_url = sites
    context = browser.new_context(locale="fr-BE", permissions=["geolocation"],
                                  geolocation={"latitude": 50.4669, "longitude": 4.8675})
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        frame_html, script_html = builder_snippets(page, app_url, "chapter=maladie")
        allowed.pages["/"] = partner_page(SPY + frame_html + script_html)
        page.goto(allowed_url + "/")
        frame = page.frame_locator("iframe")
        # A search typed in the frame, then "Autour de moi".
        frame.get_by_label("Code postal, localité ou commune").fill("5000")
        frame.get_by_role("button", name="Chercher").click()
        frame.locator("p.summary").wait_for(state="visible")
        expect(frame.locator("p.summary")).to_contain_text("5000")
        frame.get_by_role("button", name="Autour de moi").click()
        expect(frame.locator("p.summary")).to_contain_text("de votre position")
        frame.locator(MARKERS).first.wait_for(state="visible")
        page.wait_for_timeout(800)                     # the last height messages
        inner = page.frames[1]
        assert "lat=50.46690" in inner.url       # the position is in the frame's own URL

        heard = page.evaluate("window.__heard")
        from_finder = [h for h in heard if h["origin"] == app_url]
        assert len(from_finder) >= 3, heard            # first page, search, position
        for message in heard:
            text = message["data"]
            for secret in ("5000", "Namur", "postcode", "lat", "lon", "50.46", "4.86",
                           "href", "maladie", "embed?"):
                assert secret not in text, message
        for message in from_finder:
            assert sorted(json.loads(message["data"])) == ["height", "type"], message
        # The iframe is still sized to its content after the searches.
        assert page.locator("iframe[data-resized]").count() == 1
    finally:
        context.close()
