"""The finder in a real headless Chromium, against the app served on 127.0.0.1.

A person types a postcode, chooses a subject and a distance, finds the places on the map
and in the list (nearest first), opens a popup and reaches the group's page — and the page
never asks anything of another server. Screenshots: test-artifacts/screenshots/.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.conftest import group_row, write_inventory
from tests.e2e.conftest import add_test_tiles, assert_only_local, screenshot_path

ORIGIN_TITLE = "Point de départ de la recherche"
PLACE_MARKERS = ".map-region .fm-marker"
CLUSTERS = ".map-region .fm-cluster"


def norm(text: str) -> str:
    """Text as compared in the tests: no-break spaces become plain spaces."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def km(text: str) -> float:
    return float(re.search(r"\d+(?:,\d+)?", text).group(0).replace(",", "."))


def open_a_place_popup(page):
    """Click clusters until single markers show, then click one; return the popup."""
    for _ in range(8):
        markers = page.locator(PLACE_MARKERS)
        if markers.count():
            break
        page.locator(CLUSTERS).first.click()
        page.wait_for_timeout(600)          # cluster zoom animation
    markers = page.locator(PLACE_MARKERS)
    assert markers.count(), "no single place marker after zooming into clusters"
    popup = page.locator(".leaflet-popup")
    # A click that lands while the map is still fitting its view can be swallowed by the
    # animation: a person would simply tap again, and so does the test (three times at most).
    for attempt in range(3):
        markers.first.click()
        try:
            popup.wait_for(state="visible", timeout=4000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    return popup


def test_search_map_list_popup_group_page(demo_server, page, browser, requested_urls):
    page.goto(demo_server + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Code postal, localité ou commune").fill("5000")
    page.get_by_label("Sujet").select_option("maladie")
    page.get_by_label("Distance").select_option("50")
    with page.expect_navigation():
        page.get_by_role("button", name="Chercher").click()

    query = parse_qs(urlsplit(page.url).query)
    assert query["postcode"] == ["5000"] and query["chapter"] == ["maladie"]
    assert query["radius_km"] == ["50"]
    assert "commune" not in query and "theme" not in query, "empty fields are left out"
    summary = norm(page.locator("p.summary").inner_text())
    assert re.search(r"\d+ (lieux? de réunion|adresses \(dont \d+ lieux? de réunion\)) à "
                     r"moins de 50 km de 5000 Namur", summary)

    # The list: every row is a meeting place of the chosen chapter, nearest first.
    rows = page.locator("ol.results > li.result")
    assert rows.count() >= 2
    listed = [km(t) for t in page.locator("ol.results .distance strong").all_inner_texts()]
    assert listed == sorted(listed) and all(d <= 50 for d in listed)
    assert all("chapter-maladie" in (rows.nth(i).get_attribute("class") or "")
               for i in range(rows.count()))

    # The map: tiles from our server, the places as markers or clusters.
    page.wait_for_selector(".map-region img.leaflet-tile-loaded", state="attached")
    # Locator waits, not wait_for_function: our CSP (no 'unsafe-eval') blocks string predicates.
    page.locator(".map-region .fm-marker, .map-region .fm-cluster").first.wait_for(
        state="attached")
    # The map says how many places it holds: the same as the list.
    expect(page.locator(".finder-map__status")).to_have_text(re.compile(r"\d"))
    status = norm(page.locator(".finder-map__status").inner_text())
    counted = re.match(r"\d+ (lieux de réunion|adresses \(dont \d+ lieux? de réunion\))",
                       norm(page.locator(".summary").inner_text())).group(0)
    assert counted.startswith(f"{rows.count()} "), counted
    assert status.startswith(f"Carte : {counted}"), (status, counted)   # the list's words
    origin = f'.map-region [title="{ORIGIN_TITLE}"], .map-region [alt="{ORIGIN_TITLE}"]'
    assert page.locator(origin).count() == 1, "the starting point is on the map"

    # Screenshots of the results page, desktop then phone.
    page.screenshot(path=str(screenshot_path("results-desktop-1280")), full_page=True)
    phone = browser.new_context(locale="fr-BE", viewport={"width": 375, "height": 812},
                                device_scale_factor=1, is_mobile=True, has_touch=True)
    try:
        small = phone.new_page()
        small.on("request", lambda request: requested_urls.append(request.url))
        small.goto(page.url)
        small.wait_for_selector(".map-region img.leaflet-tile-loaded", state="attached")
        small.wait_for_timeout(300)
        assert small.evaluate("document.documentElement.scrollWidth") <= 375, \
            "no horizontal scrolling on a phone"
        small.screenshot(path=str(screenshot_path("results-phone-375")), full_page=True)
    finally:
        phone.close()

    # A popup says what the list says, and leads to the group's page.
    popup = open_a_place_popup(page)
    # A popup lists every group at its point (two groups can meet at one hospital).
    link = popup.get_by_role("link", name="Voir la fiche du groupe").first
    link.wait_for()
    name = popup.locator(".fm-popup__name").first.inner_text().strip()
    assert name in page.locator("ol.results").inner_text()
    with page.expect_navigation():
        link.click()
    assert urlsplit(page.url).path.startswith("/groupes/")
    assert page.locator("h1").inner_text().strip() == name
    page.wait_for_selector(".map-region img.leaflet-tile-loaded", state="attached")
    page.screenshot(path=str(screenshot_path("group-desktop-1280")), full_page=True)

    assert len(requested_urls) > 10
    assert_only_local(requested_urls)


def test_keyboard_skip_links_reach_the_list(demo_server, page):
    page.goto(demo_server + "/?postcode=5000")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Aller au contenu"
    skip = page.locator("a.skip-map")
    skip.focus()
    assert skip.is_visible(), "the skip link shows when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "liste"


def test_autour_de_moi_uses_the_browser_position(demo_server, browser, requested_urls):
    context = browser.new_context(locale="fr-BE", permissions=["geolocation"],
                                  geolocation={"latitude": 50.4669, "longitude": 4.8675})
    try:
        page = context.new_page()
        page.on("request", lambda request: requested_urls.append(request.url))
        page.goto(demo_server + "/")
        button = page.get_by_role("button", name="Autour de moi")
        assert button.is_visible(), "shown once JavaScript knows geolocation is there"
        with page.expect_navigation():
            button.click()
        query = parse_qs(urlsplit(page.url).query)
        assert query["lat"] == ["50.46690"] and query["lon"] == ["4.86750"]
        assert "de votre position" in norm(page.locator("p.summary").inner_text())
        # Typing a postcode afterwards searches from the postcode, not the old position.
        page.get_by_label("Code postal, localité ou commune").fill("6830")
        with page.expect_navigation():
            page.get_by_role("button", name="Chercher").click()
        assert "lat" not in parse_qs(urlsplit(page.url).query)
        assert "6830 Bouillon" in norm(page.locator("p.summary").inner_text())
    finally:
        context.close()
    assert_only_local(requested_urls)


PAYLOADS = [
    "<img src=x onerror=window.__xss=1;alert(1)>",
    '"</script><script>window.__xss=2;alert(2)</script>',
    "${window.__xss=3}`${alert(3)}`",
    "L'\"apostrophe\" \\ et \\\\ barre",
]


@pytest.fixture
def hostile_server(make_app, tmp_path, live_server):
    app = make_app()
    rows = [group_row(group_id=f"hostile-{i}", name=payload, description=PAYLOADS[i - 1],
                      place_label=payload, schedule=payload, cost=payload,
                      themes=payload.replace(";", ","), audience=payload.replace(";", ","))
            for i, payload in enumerate(PAYLOADS)]
    rows.append(group_row(group_id="hostile-everywhere", name=PAYLOADS[0], postcode="",
                          locality="", commune="", description=PAYLOADS[1]))
    path = write_inventory(tmp_path / "hostile.csv", rows)
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    add_test_tiles(app)
    return live_server(app)


def test_hostile_inventory_text_never_executes(hostile_server, page, requested_urls):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path, shown in (("/", PAYLOADS[0]), ("/?postcode=5000", PAYLOADS[1]),
                        ("/groupes/hostile-0", PAYLOADS[0]), ("/groupes/hostile-1", PAYLOADS[1]),
                        ("/groupes/hostile-2", PAYLOADS[2]), ("/groupes/hostile-3", PAYLOADS[3]),
                        ("/groupes/hostile-everywhere", PAYLOADS[0])):
        page.goto(hostile_server + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)
        assert page.evaluate("typeof window.__xss") == "undefined", path
        assert shown in page.locator("main").inner_text(), f"shown as text on {path}"
        if path.startswith("/groupes/"):
            assert page.locator("h1").inner_text() == shown
            assert page.title().startswith(shown)

    # The list shows the payload as text, and so does the popup of its marker.
    page.goto(hostile_server + "/?postcode=5000")
    assert norm(page.title()).startswith("4 lieux de réunion à moins de 20 km de 5000 Namur ·")
    names = page.locator("ol.results .result-name").all_inner_texts()
    assert set(PAYLOADS) <= {n.strip() for n in names}
    # Locator waits, not wait_for_function: our CSP (no 'unsafe-eval') blocks string predicates.
    page.locator(".map-region .fm-marker, .map-region .fm-cluster").first.wait_for(
        state="attached")
    popup = open_a_place_popup(page)
    popup.locator(".fm-popup__name").first.wait_for()
    popup_names = {n.strip() for n in popup.locator(".fm-popup__name").all_inner_texts()}
    assert popup_names & set(PAYLOADS)
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert dialogs == []
    assert_only_local(requested_urls)
