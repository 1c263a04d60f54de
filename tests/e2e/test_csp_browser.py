"""The Content-Security-Policy in a real Chromium, over every kind of page we serve.

style-src is 'self' only (no 'unsafe-inline'): the page's own HTML carries no <style> and
no style attribute, and what Leaflet and our map script do at run time (element.style,
clusters drawn from the server's data, popups) goes through the CSSOM, which the policy
does not block.
A listener for `securitypolicyviolation` in every frame reports anything blocked.
"""
from __future__ import annotations

import pytest

from tests.conftest import group_row, write_inventory
from tests.e2e.conftest import add_test_tiles, free_port, screenshot_path

LISTENER = """
document.addEventListener('securitypolicyviolation', e => console.error(
  'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
"""
# Three groups about a metre apart: one cluster until the closest zooms, where it opens
# into three markers.
NEAR = [("un", "50.46690", "4.86750"), ("deux", "50.46691", "4.86751"),
        ("trois", "50.46689", "4.86749")]


@pytest.fixture
def csp_server(make_app, live_server, tmp_path):
    port = free_port()                     # the builder's preview is the public URL
    app = make_app(PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    rows = [group_row(group_id=f"groupe-{n}", name=f"Groupe {n}", lat=lat, lon=lon,
                      street="Rue de Fer 1", website="https://www.exemple.be/",
                      email="info@exemple.be", phone="081 00 00 00")
            for n, lat, lon in NEAR]
    rows.append(group_row(group_id="ligne-partout", name="Ligne d'écoute", postcode="",
                          locality="", commune=""))
    path = write_inventory(tmp_path / "proches.csv", rows)
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    add_test_tiles(app)
    return live_server(app, port)


def style_src(response) -> str:
    policy = response.headers["content-security-policy"]
    return next(d for d in policy.split(";") if d.strip().startswith("style-src")).strip()


def test_no_page_needs_inline_styles_clusters_spiders_and_popups_included(browser, csp_server):
    context = browser.new_context(locale="fr-BE", viewport={"width": 1280, "height": 900})
    try:
        context.add_init_script(LISTENER)
        page = context.new_page()
        page.set_default_timeout(15000)
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "CSP" in m.text
                or "Content Security Policy" in m.text else None)
        visited = []

        def visit(path: str, status: int = 200):
            response = page.goto(csp_server + path)
            assert response.status == status, path
            assert style_src(response) == "style-src 'self'", path
            page.wait_for_load_state("load")
            page.wait_for_timeout(300)
            visited.append(path)

        # The search map: a cluster, opened by zooming in, then a popup.
        visit("/?postcode=5000&radius_km=5")
        page.locator(".fm-cluster").first.wait_for(state="visible")
        paths = page.locator(".leaflet-overlay-pane path").count()     # the radius circle
        for _ in range(25):
            if page.locator(".fm-marker").count() >= len(NEAR):
                break
            clusters = page.locator(".fm-cluster")
            if clusters.count():
                clusters.first.click()
            page.wait_for_timeout(450)
        assert page.locator(".fm-marker").count() >= len(NEAR), "the cluster never opened"
        assert page.locator(".leaflet-overlay-pane path").count() == paths   # circle kept
        page.locator(".fm-marker").first.click(force=True)
        page.locator(".leaflet-popup").wait_for(state="visible")
        page.screenshot(path=screenshot_path("csp-opened-cluster-popup"))

        visit("/")                                         # the finder without a search
        visit("/?postcode=99999")                          # a search it cannot answer
        visit("/groupes/groupe-un")                        # a group page and its map
        page.locator(".fm-marker").first.click(force=True)
        page.locator(".leaflet-popup").wait_for(state="visible")
        visit("/groupes/ligne-partout")                    # a group without a place
        visit("/groupes/inconnu", 404)                     # the error page
        visit("/embed?postcode=5000&radius_km=5")          # the embed, with its map
        page.locator(".fm-cluster, .fm-marker").first.wait_for(state="visible")
        visit("/embed/builder?postcode=5000")              # the builder and its preview
        page.frame_locator("iframe[data-embed-preview]").locator(
            ".fm-cluster, .fm-marker").first.wait_for(state="visible")
        visit("/admin/connexion")                          # the maintainers' login
        visit("/proposer")                                 # the public forms
        visit("/groupes/groupe-un/signaler")
        assert violations == [], violations
        assert len(visited) == 11
    finally:
        context.close()
