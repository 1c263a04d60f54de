"""The search map with the keyboard only, in a real Chromium: Tab to a marker, Enter or
Space opens its popup and the focus goes into it, Escape closes it and the focus is back
on the marker; a cluster opened from the keyboard zooms to its places and says how many;
every mark has a name that says what it is; the map says what it is and how to use it.
Also: the map asks the server for its view again (z, tiles) as it moves, and without
JavaScript there is no map box, legend or skip link at all.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

SEARCH = "/?postcode=1000&radius_km=10"          # Brussels: markers and clusters
ACTIVE_CLASS = "document.activeElement ? document.activeElement.className : ''"


def active(page, script: str):
    return page.evaluate(script)


def wait_for_map(page):
    page.locator(".map-region .fm-marker, .map-region .fm-cluster").first.wait_for(
        state="visible")
    page.wait_for_timeout(300)


def tab_to(page, kind: str, limit: int = 150) -> str:
    """Press Tab until a mark of this kind ('fm-marker' or 'fm-cluster') has the focus;
    returns its accessible name."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        classes = active(page, ACTIVE_CLASS) or ""
        if kind in classes.split():
            return active(page, "document.activeElement.getAttribute('aria-label')")
    raise AssertionError(f"Tab never reached a {kind}")


def open_search_with_markers(page, base: str) -> None:
    """The Brussels search, zoomed in from the keyboard (the map focused, +) until single
    markers show; the focus then on the skip link, just before the map."""
    page.goto(base + SEARCH)
    wait_for_map(page)
    page.locator(".finder-map__map").focus()
    for _ in range(6):
        if page.locator(".map-region .fm-marker").count() >= 3:
            break
        page.keyboard.press("+")
        page.wait_for_timeout(500)
    page.locator("a.skip-map").focus()


def test_a_marker_opens_with_enter_focus_goes_in_and_escape_brings_it_back(demo_server, page):
    open_search_with_markers(page, demo_server)
    name = tab_to(page, "fm-marker")
    # Its name says which group(s) and where, not only the chapter.
    assert name and "," in name, name
    active(page, "document.activeElement.dataset.fmTest = '1'")
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    popup.wait_for(state="visible")
    # The focus moved into the popup, which is a dialog named by its group.
    assert active(page, "!!document.activeElement.closest('.leaflet-popup')")
    assert active(page, "document.activeElement.getAttribute('role')") == "dialog"
    group = popup.locator(".fm-popup__name").first.inner_text().strip()
    assert group in name, (group, name)
    assert popup.locator(".leaflet-popup-close-button").get_attribute("aria-label") == "Fermer"
    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)
    assert active(page, "document.activeElement.dataset.fmTest") == "1", \
        "the focus is back on the marker"


def test_space_opens_a_marker_the_first_time_and_tab_reaches_the_popup_links(demo_server, page):
    open_search_with_markers(page, demo_server)
    tab_to(page, "fm-marker")
    page.keyboard.press(" ")
    popup = page.locator(".leaflet-popup")
    popup.wait_for(state="visible")
    texts = []
    for _ in range(8):                        # Tab goes through the popup's links
        page.keyboard.press("Tab")
        if not active(page, "!!document.activeElement.closest('.leaflet-popup')"):
            break
        texts.append(active(page, "document.activeElement.textContent.trim()"))
    assert "Voir la fiche du groupe" in texts, texts
    # The close button, reached and pressed with Enter: closed, focus back on a marker.
    page.locator(".leaflet-popup-close-button").focus()
    page.keyboard.press("Enter")
    expect(popup).to_have_count(0)
    page.wait_for_timeout(100)
    assert "fm-marker" in (active(page, ACTIVE_CLASS) or "")


def test_a_cluster_from_the_keyboard_zooms_to_its_places_and_says_how_many(demo_server, page):
    page.goto(demo_server + "/")                     # the whole region: clusters
    wait_for_map(page)
    page.locator("a.skip-map").focus()
    name = tab_to(page, "fm-cluster")
    match = re.fullmatch(r"(\d+) lieux — zoomer pour les voir", name)
    assert match, name
    before = tiles_zoom(page)
    with page.expect_response(lambda r: "/carte/lieux.json" in r.url and "z=" in r.url):
        page.keyboard.press("Enter")
    page.wait_for_timeout(600)
    assert tiles_zoom(page) > before
    said = page.locator(".map-region [aria-live]").inner_text()
    assert said == f"Zoom sur {match.group(1)} lieux.", said
    # The focus went on to a place of the cluster (a marker or a smaller cluster).
    classes = (active(page, ACTIVE_CLASS) or "").split()
    assert "fm-marker" in classes or "fm-cluster" in classes, classes


def tiles_zoom(page) -> int:
    """The zoom of the tiles drawn (Leaflet's tile container names it)."""
    src = page.locator(".map-region img.leaflet-tile-loaded").last.get_attribute("src")
    return int(re.search(r"/test-tiles/(\d+)/", src).group(1))


def test_the_map_says_what_it_is_and_its_controls_speak_french(demo_server, page):
    page.goto(demo_server + SEARCH)
    wait_for_map(page)
    box = page.locator(".finder-map__map")
    assert box.get_attribute("role") == "application"
    assert box.get_attribute("aria-roledescription") == "carte"
    assert "Carte des lieux" in box.get_attribute("aria-label")
    help_id = box.get_attribute("aria-describedby")
    instruction = page.locator(f"#{help_id}")
    assert instruction.is_visible()
    assert re.search(r"flèches.*\+ et −", instruction.inner_text())
    assert page.locator(".leaflet-control-zoom-in").get_attribute("aria-label") == "Zoomer"
    assert page.locator(".leaflet-control-zoom-out").get_attribute("aria-label") == "Dézoomer"
    # Focus order follows the layout: the zoom buttons (top left) before the places.
    order = page.evaluate("""() => {
        const all = [...document.querySelectorAll('.finder-map__map a, .finder-map__map [tabindex]')];
        const zoom = all.findIndex(n => n.classList.contains('leaflet-control-zoom-in'));
        const mark = all.findIndex(n => n.classList.contains('fm-marker') || n.classList.contains('fm-cluster'));
        return [zoom, mark];
    }""")
    assert 0 <= order[0] < order[1], order
    # Every mark has a name; clusters say how many places, markers which group and where.
    names = page.evaluate("""() => [...document.querySelectorAll('.map-region .fm-marker, .map-region .fm-cluster')]
        .map(n => [n.className, n.getAttribute('aria-label') || ''])""")
    assert names and all(label for _, label in names), names
    for classes, label in names:
        if "fm-cluster" in classes:
            assert re.fullmatch(r"\d+ lieux — zoomer pour les voir", label), label
        elif "fm-marker--approx" in classes:
            assert label.endswith(" — emplacement approximatif"), label
    # The attribution links are underlined and dark on white.
    link = page.locator(".leaflet-control-attribution a").first
    style = link.evaluate("a => [getComputedStyle(a).textDecorationLine, getComputedStyle(a).color]")
    assert "underline" in style[0] and style[1] == "rgb(11, 74, 139)", style
    assert page.locator(".leaflet-control-attribution a[title]").first.get_attribute(
        "title").startswith("Leaflet, la bibliothèque")


def test_moving_the_map_asks_the_server_for_the_new_view(demo_server, page):
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/carte/lieux.json" in r.url else None)
    page.goto(demo_server + SEARCH)
    wait_for_map(page)
    # The places of the first view came with the page: nothing asked yet.
    assert asked == [], asked
    page.locator(".finder-map__map").focus()
    for _ in range(4):                       # zooming out, to a view the page did not carry
        page.keyboard.press("-")
        page.wait_for_timeout(600)
        if asked:
            break
    assert asked and all("z=" in u and "tiles=" in u for u in asked), asked
    # Back where it was: the page kept that view, nothing asked again.
    count = len(asked)
    page.keyboard.press("+")
    page.wait_for_timeout(700)
    assert len(asked) == count, asked[count:]
    # The status line counts the whole search (the list), whatever the view.
    assert re.search(r"\d+ lieux de réunion", page.locator(".finder-map__status").inner_text())


@pytest.mark.parametrize("path", [SEARCH, "/groupes/"])
def test_without_javascript_no_map_box_no_legend_no_skip_link(browser, demo_server, path):
    context = browser.new_context(locale="fr-BE", java_script_enabled=False)
    try:
        page = context.new_page()
        if path == "/groupes/":
            with_js = browser.new_context(locale="fr-BE")
            try:
                probe = with_js.new_page()
                probe.goto(demo_server + SEARCH)
                path = probe.locator("ol.results a[href^='/groupes/']").first.get_attribute("href")
            finally:
                with_js.close()
        page.goto(demo_server + path)
        assert page.locator(".finder-map").count() == 1, "the page does hold a map"
        for selector in (".finder-map", ".finder-map__map", ".finder-map__legend",
                         "a.skip-map", ".map-region", "#finder-map-help"):
            assert not page.locator(selector).first.is_visible(), selector
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") != "Passer la carte"
        assert page.locator("ol.results li, ol.place-list li").count() >= 1
    finally:
        context.close()
