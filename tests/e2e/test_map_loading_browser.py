"""How the search map starts in a real Chromium: Leaflet, finder-map-words.js and
finder-map.js load `async` (mapview.py), in whichever order they arrive, and the map starts as soon as both are there;
when Leaflet never arrives, the page says the map could not be shown and the list is whole."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

SEARCH = "/?postcode=1000&radius_km=10"
MARKS = ".map-region .fm-marker, .map-region .fm-cluster"


def slow(page, pattern: str, seconds: float) -> None:
    """Answer the requests matching pattern only after a delay (a slow network)."""
    def handle(route):
        time.sleep(seconds)
        route.continue_()
    page.route(pattern, handle)


@pytest.mark.parametrize("late", ["**/assets/leaflet/leaflet.js*",
                                  "**/static/js/finder-map.js*",
                                  "**/static/js/finder-map-words.js*"],
                         ids=["leaflet-last", "finder-map-last", "popup-script-last"])
def test_markers_show_whichever_script_arrives_last(demo_server, page, late):
    slow(page, late, 1.0)
    page.goto(demo_server + SEARCH)
    page.locator(MARKS).first.wait_for(state="visible")
    expect(page.locator(".finder-map__fallback")).to_be_hidden()


def test_without_leaflet_the_page_says_the_map_could_not_be_shown(demo_server, page):
    page.route("**/assets/leaflet/leaflet.js*", lambda route: route.abort())
    page.goto(demo_server + SEARCH)
    expect(page.locator(".finder-map__fallback")).to_be_visible()
    expect(page.locator(".finder-map__fallback")).to_contain_text("n’a pas pu s’afficher")
    assert page.locator(".leaflet-container").count() == 0
    assert page.locator(".finder-map__legend").is_hidden()
    assert page.locator("ol.results > li.result").count() >= 2



def data_requests(urls: list) -> list:
    return [u for u in urls if "/carte/lieux.json" in u]


def first_view_sent_with_the_page(browser, base: str, viewport: dict, path: str) -> None:
    """On this screen, the map's first markers are drawn from the page itself (no request
    for map data), and a view it has not seen is asked for."""
    context = browser.new_context(locale="fr-BE", viewport=viewport)
    try:
        page = context.new_page()
        # Keeps the Leaflet maps the page makes (the page keeps them to itself).
        page.add_init_script("""(() => { let real; Object.defineProperty(window, 'L', {
            configurable: true, get() { return real; }, set(v) { real = v;
              if (v && v.Map && !v.__kept) { v.__kept = true; v.Map.addInitHook(function () {
                (window.__maps = window.__maps || []).push(this); }); } } }); })();""")
        urls: list = []
        page.on("request", lambda request: urls.append(request.url))
        page.goto(base + path)
        page.locator(MARKS).first.wait_for(state="visible")
        page.wait_for_timeout(500)
        assert data_requests(urls) == [], data_requests(urls)
        # Two map widths east: a view the page did not carry.
        page.evaluate("""() => { const m = window.__maps[0];
            m.panBy([2 * m.getSize().x, 0], {animate: false}); }""")
        page.wait_for_timeout(800)
        asked = data_requests(urls)
        assert len(asked) == 1 and "z=" in asked[0] and "tiles=" in asked[0], asked
    finally:
        context.close()


def test_a_desktop_map_draws_its_first_places_from_the_page(browser, demo_server):
    first_view_sent_with_the_page(browser, demo_server, {"width": 1280, "height": 900}, "/")


def test_a_phone_map_draws_its_first_places_from_the_page(browser, demo_server):
    first_view_sent_with_the_page(browser, demo_server, {"width": 390, "height": 844},
                                  "/?postcode=5000&radius_km=20")


def test_an_open_popup_stays_while_the_map_redraws_around_it(demo_server, page):
    """Zoomed out, its marker would join a cluster: the popup being read stays open, with
    its marker, while the map redraws the rest."""
    from tests.e2e.test_finder_browser import open_a_place_popup
    page.add_init_script("""(() => { let real; Object.defineProperty(window, 'L', {
        configurable: true, get() { return real; }, set(v) { real = v;
          if (v && v.Map && !v.__kept) { v.__kept = true; v.Map.addInitHook(function () {
            (window.__maps = window.__maps || []).push(this); }); } } }); })();""")
    page.goto(demo_server + SEARCH)
    page.locator(MARKS).first.wait_for(state="visible")
    popup = open_a_place_popup(page)
    name = popup.locator(".fm-popup__name").first.inner_text()
    with page.expect_response(lambda r: "/carte/lieux.json" in r.url):
        page.evaluate("() => { const m = window.__maps[0]; m.setZoom(m.getZoom() - 3); }")
    page.wait_for_timeout(800)
    expect(page.locator(".leaflet-popup")).to_be_visible()
    assert page.locator(".leaflet-popup .fm-popup__name").first.inner_text() == name
