"""The maintainers' admin in a real headless Chromium: sign in, edit a group, place a
meeting place on the map (mouse and keyboard) and see it exact on the public map."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import ADMIN_EMAIL, EDITOR_EMAIL, PASSWORD, add_account
from tests.e2e.conftest import add_test_tiles, assert_only_local, screenshot_path

SLUG = "alzheimer-cafe-d-ans-ligue-alzheimer"


@pytest.fixture
def admin_server(demo_app, live_server) -> str:
    add_account(demo_app, ADMIN_EMAIL, "admin")
    add_account(demo_app, EDITOR_EMAIL, "editor")
    add_test_tiles(demo_app)
    return live_server(demo_app)


def sign_in(page, base: str, email: str = EDITOR_EMAIL) -> None:
    page.goto(base + "/admin/")
    assert "/admin/connexion" in page.url
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()


def test_sign_in_edit_a_group_and_place_its_marker(admin_server, page, requested_urls):
    sign_in(page, admin_server)
    page.get_by_label("Nom", exact=True).fill("alzheimer café d'ans")
    with page.expect_navigation():
        page.get_by_role("button", name="Chercher").click()
    with page.expect_navigation():
        page.locator("#groupes a").first.click()
    assert page.url.endswith(f"/admin/groupes/{SLUG}")

    page.locator("#group-form").get_by_label("Téléphone").fill("04 000 11 22")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.get_by_text("Fiche enregistrée.")).to_be_visible()

    place = page.locator("#lieu-1")
    marker = place.locator(".leaflet-marker-icon")
    expect(marker).to_be_visible()
    lat, lon = place.get_by_label("Latitude"), place.get_by_label("Longitude")
    assert lat.input_value() == ""                      # not exact yet: nothing typed
    marker.scroll_into_view_if_needed()
    box = marker.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 80, box["y"] - 40, steps=8)
    page.mouse.up()
    expect(lat).not_to_have_value("")
    dragged = float(lat.input_value()), float(lon.input_value())
    marker.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")
    expect(lat).not_to_have_value(f"{dragged[0]:.6f}")
    moved = float(lat.input_value()), float(lon.input_value())
    assert moved[0] > dragged[0] and moved[1] > dragged[1]
    expect(place.locator("[data-place-status]")).to_contain_text("clavier")
    page.screenshot(path=str(screenshot_path("admin-place-map")), full_page=True)
    with page.expect_navigation():
        place.get_by_role("button", name="Enregistrer ce lieu").click()
    expect(page.get_by_text("Lieu enregistré.")).to_be_visible()
    expect(page.locator("#lieu-1")).to_contain_text("adresse précise")
    expect(page.locator("#lieu-1")).to_contain_text(f"placé par {EDITOR_EMAIL}")

    page.goto(admin_server + f"/groupes/{SLUG}")
    expect(page.get_by_text("04 000 11 22")).to_be_visible()
    expect(page.get_by_role("link", name="Itinéraire sur OpenStreetMap")).to_be_visible()
    public_marker = page.locator(".map-region .fm-marker").first
    expect(public_marker).to_be_visible()
    assert "fm-marker--approx" not in (public_marker.get_attribute("class") or "")
    assert_only_local(requested_urls)


def test_places_to_refine_lists_the_worst_first(admin_server, page):
    sign_in(page, admin_server)
    page.get_by_role("link", name="Lieux à préciser").click()
    precisions = page.locator("table.admin-table tbody tr td:first-child").all_inner_texts()
    assert precisions and "commune" in precisions[0]
    assert precisions == sorted(precisions, key=lambda p: 0 if p == "commune" else 1)
