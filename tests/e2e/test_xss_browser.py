"""The XSS corpus (tests/test_xss_corpus.py) in a real Chromium: nothing executes.

Two passes over the pages that show the corpus (finder page with its map and a popup,
group pages, embed, hostile search parameters):
- with the Content-Security-Policy *bypassed*, so that escaping alone is tested: no
  alert(), no injected handler runs;
- with the policy on, as visitors get it: the page's own scripts run (the map draws)
  and the browser reports no policy violation — the nonce and the sources are right.
"""
from __future__ import annotations

import pytest

from tests.e2e.conftest import add_test_tiles, assert_only_local, screenshot_path
from tests.test_xss_corpus import load_corpus

PAGES = [
    "/?postcode=5000&radius_km=20",
    "/groupes/xss-un",
    "/groupes/xss-partout",
    "/embed?postcode=5000&radius_km=20",
    "/?postcode=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    "/?commune=%22%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/?theme=%24%7Balert(1)%7D&postcode=5000",
]
TRAP = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (...args) => { window.__xss.push(name + ":" + args.join(",")); };
}
"""


@pytest.fixture
def xss_server(make_app, live_server):
    app = make_app()
    load_corpus(app)
    add_test_tiles(app)
    return live_server(app)


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 500, url
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)               # deferred scripts, map data fetch


def wait_for_map(page) -> None:
    page.locator(".fm-marker, .fm-cluster").first.wait_for(state="attached", timeout=15000)


def open_popups(page) -> int:
    """Open every place popup the map shows (clusters zoomed into first)."""
    wait_for_map(page)
    for _ in range(6):
        if page.locator(".leaflet-marker-icon.fm-marker, .fm-marker").count():
            break
        clusters = page.locator(".fm-cluster")
        if not clusters.count():
            break
        clusters.first.click()
        page.wait_for_timeout(500)
    markers = page.locator(".fm-marker")
    opened = 0
    for i in range(markers.count()):
        markers.nth(i).click(force=True)
        page.wait_for_timeout(400)           # popup details fetched, then shown
        opened += page.locator(".leaflet-popup").count() > 0
    return opened


def test_nothing_executes_even_without_the_policy(browser, xss_server, requested_urls):
    context = browser.new_context(locale="fr-BE", bypass_csp=True,
                                  viewport={"width": 1280, "height": 900})
    try:
        context.add_init_script(TRAP)
        page = context.new_page()
        page.set_default_timeout(15000)
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requested_urls.append(r.url))
        popups = 0
        for path in PAGES:
            visit(page, xss_server + path)
            if path.startswith("/?postcode=5000"):
                popups += open_popups(page)
                page.screenshot(path=str(screenshot_path("xss-corpus-popup")))
            assert page.evaluate("window.__xss") == [], path
        assert dialogs == []
        assert popups >= 1, "no popup could be opened: the popups went untested"
        assert_only_local(requested_urls)
        # The hostile text is on screen, as text.
        visit(page, xss_server + "/groupes/xss-un")
        assert "<img src=x onerror=alert(1)>" in page.locator("h1").inner_text()
    finally:
        context.close()


def test_with_the_policy_our_own_scripts_run_and_nothing_is_blocked(browser, xss_server):
    context = browser.new_context(locale="fr-BE", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text)
                if "Content Security Policy" in m.text else None)
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('Content Security Policy violation: ' + e.violatedDirective"
            " + ' ' + e.blockedURI));")
        for path in PAGES[:4]:
            visit(page, xss_server + path)
        visit(page, xss_server + "/?postcode=5000&radius_km=20")
        page.wait_for_selector(".leaflet-container")
        wait_for_map(page)                   # our scripts ran: the map drew its markers
        assert violations == [], violations
    finally:
        context.close()
