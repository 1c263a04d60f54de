"""axe-core (WCAG 2.2 A and AA) on every kind of page, in a real Chromium, with the site's
own Content-Security-Policy in place (tests/e2e/axe.py): any violation fails the test and
is printed with the elements concerned."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from finder import create_app
from tests.conftest import (ADMIN_EMAIL, DEMO_INVENTORY, PASSWORD, add_account,
                            init_database)
from tests.e2e.axe import axe_violations, check_page
from tests.e2e.conftest import LiveServer, add_test_tiles
from tests.e2e.test_finder_browser import open_a_place_popup

SLUG = "alzheimer-cafe-d-ans-ligue-alzheimer"
MAP = "map"                 # wait for the map's places, and for it to stop moving

# (name, path, what to wait for before checking)
PAGES = [
    ("search", "/", None),
    ("results", "/?postcode=5000&radius_km=20", MAP),
    ("results-words", "/?q=alzheimer&postcode=4000&radius_km=50", MAP),
    ("no-result", "/?q=mucoviscidose&postcode=5000", None),
    ("no-result-radius", "/?postcode=6600&radius_km=5&chapter=handicap", None),
    ("error-place", "/?postcode=Namr", MAP),
    ("error-outside", "/?postcode=4000%20Maastricht", MAP),
    ("error-commune", "/?commune=Xyz", MAP),
    ("bad-parameter", "/?radius_km=7", None),
    ("group", f"/groupes/{SLUG}", MAP),
    ("group-report", f"/groupes/{SLUG}/signaler", None),
    ("embed", "/embed?postcode=5000", MAP),
    ("embed-error", "/embed?postcode=Namr", MAP),
    ("embed-builder", "/embed/builder", None),
    ("not-found", "/nulle-part", None),
    ("proposal", "/proposer", None),
    ("admin-login", "/admin/connexion", None),
]


def wait_for_map(page) -> None:
    """The places are on the map and it has stopped moving: while it zooms to fit them,
    clusters fly over each other (axe would measure them mid-flight)."""
    page.locator(".map-region .leaflet-marker-icon").first.wait_for(state="attached")
    page.evaluate("() => new Promise(done => requestAnimationFrame("
                  "() => requestAnimationFrame(done)))")
    expect(page.locator(".map-region .leaflet-zoom-anim, .map-region .leaflet-cluster-anim")
           ).to_have_count(0)


@pytest.fixture(scope="module")
def axe_server(tmp_path_factory, geo_dir):
    """One demo app for the module (the pages only read it)."""
    folder = tmp_path_factory.mktemp("axe")
    config = {"TESTING": True, "DATABASE": str(folder / "finder.sqlite"),
              "GEO_DIR": str(geo_dir), "GEOCODING_ONLINE": False,
              "TILE_URL": "/test-tiles/{z}/{x}/{y}.png",
              "SECRET_KEY": "a key for the tests only"}
    init_database(config["DATABASE"])
    app = create_app(config)
    result = app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)])
    assert result.exit_code == 0, result.output
    add_account(app, ADMIN_EMAIL, "admin")
    add_test_tiles(app)
    server = LiveServer(app)
    yield server.url
    server.stop()


@pytest.mark.parametrize("name,path,ready", PAGES, ids=[p[0] for p in PAGES])
def test_no_wcag_violation(axe_server, page, name, path, ready):
    response = page.goto(axe_server + path)
    assert response is not None
    if ready == MAP:
        wait_for_map(page)
    check_page(page, f"{name} ({path})")


LANGUAGES = ("nl", "de", "en")            # French is the run above
IN_EVERY_LANGUAGE = ("search", "results", "no-result", "error-place", "group", "embed",
                     "embed-builder", "not-found", "proposal")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name,path,ready", [p for p in PAGES if p[0] in IN_EVERY_LANGUAGE],
                         ids=[p[0] for p in PAGES if p[0] in IN_EVERY_LANGUAGE])
def test_no_wcag_violation_in_each_language(axe_server, page, name, path, ready, lang):
    page.goto(axe_server + path + ("&" if "?" in path else "?") + f"lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    if ready == MAP:
        wait_for_map(page)
    check_page(page, f"{name} in {lang} ({path})")


def test_axe_runs_under_the_site_csp_and_finds_a_violation(axe_server, page):
    """The check can fail: a nameless link and an image without text added to a real page
    (its CSP in force) are found."""
    response = page.goto(axe_server + "/")
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    page.locator("main").evaluate(
        "m => m.insertAdjacentHTML('beforeend', '<a href=\"/\"></a><img src=\"/x.png\">')")
    found = {v["id"] for v in axe_violations(page)}
    assert {"link-name", "image-alt"} <= found, found


def test_no_wcag_violation_with_everything_open(axe_server, browser):
    """Results on a phone, the extra criteria unfolded and a map popup open."""
    phone = browser.new_context(locale="fr-BE", viewport={"width": 375, "height": 812},
                                is_mobile=True, has_touch=True)
    try:
        page = phone.new_page()
        page.goto(axe_server + "/?postcode=5000&radius_km=20&commune=Namur")
        wait_for_map(page)
        assert page.locator("details.more-criteria").get_attribute("open") is not None
        check_page(page, "results on a phone, criteria open")
    finally:
        phone.close()


def test_no_wcag_violation_with_a_popup_open(axe_server, page):
    page.goto(axe_server + "/?postcode=5000&radius_km=20")
    popup = open_a_place_popup(page)
    popup.get_by_role("link").first.wait_for()
    check_page(page, "results with a map popup open")


def test_no_wcag_violation_in_forms_with_errors(axe_server, page):
    """Forms sent with mistakes: the messages, the summary and the fields marked invalid."""
    page.goto(axe_server + "/proposer")
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_load_state()
    check_page(page, "proposal sent empty")

    page.goto(axe_server + "/admin/connexion")
    page.get_by_label("Adresse e-mail").fill(ADMIN_EMAIL)
    page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    check_page(page, "admin login refused")


def test_no_wcag_violation_in_the_admin(axe_server, page):
    page.goto(axe_server + "/admin/connexion")
    page.get_by_label("Adresse e-mail").fill(ADMIN_EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    check_page(page, "admin home")
    for path in (f"/admin/groupes/{SLUG}", f"/admin/groupes/{SLUG}/historique",
                 "/admin/lieux-a-preciser", "/admin/propositions", "/admin/comptes"):
        page.goto(axe_server + path)
        check_page(page, path)
