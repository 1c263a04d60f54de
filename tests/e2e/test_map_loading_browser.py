"""How the search map starts in a real Chromium: Leaflet and finder-map.js load `async`
(mapview.py), in whichever order they arrive, and the map starts as soon as both are there;
when Leaflet never arrives, the page says the map could not be shown and the list is whole."""
from __future__ import annotations

import time

from playwright.sync_api import expect

SEARCH = "/?postcode=1000&radius_km=10"
MARKS = ".map-region .fm-marker, .map-region .fm-cluster"


def slow(page, pattern: str, seconds: float) -> None:
    """Answer the requests matching pattern only after a delay (a slow network)."""
    def handle(route):
        time.sleep(seconds)
        route.continue_()
    page.route(pattern, handle)


def test_markers_show_when_finder_map_js_arrives_before_leaflet(demo_server, page):
    slow(page, "**/assets/leaflet/leaflet.js*", 1.0)
    page.goto(demo_server + SEARCH)
    page.locator(MARKS).first.wait_for(state="visible")
    expect(page.locator(".finder-map__fallback")).to_be_hidden()


def test_markers_show_when_leaflet_arrives_before_finder_map_js(demo_server, page):
    slow(page, "**/static/js/finder-map.js*", 1.0)
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

