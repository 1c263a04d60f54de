"""No place within the radius: on a phone the map opens on the nearest places beyond it
and on the person's starting point, none of them under the map's attribution (three lines
at the bottom of a phone's map box)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.conftest import group_row
from tests.e2e.conftest import add_test_tiles
from tests.test_pages import import_rows

ORIGIN = ('.map-region [title="Point de départ de la recherche"], '
          '.map-region [alt="Point de départ de la recherche"]')
MARKS = ".map-region .fm-marker, .map-region .fm-cluster"


def test_the_nearest_places_and_the_origin_open_in_view_above_the_attribution(
        make_app, tmp_path, live_server, page):
    far = [group_row(group_id=f"arlon-{i}", name=f"Groupe d'Arlon {i}", postcode="6700",
                     locality="Arlon", commune="Arlon", address=f"Rue de la Gare {i}")
           for i in (1, 2)]
    app = import_rows(make_app(), tmp_path, far)
    add_test_tiles(app)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server(app) + "/?postcode=1300&radius_km=5")     # Wavre, 130 km away
    expect(page.locator(".finder-map__status")).to_contain_text("les plus proches")
    page.locator(MARKS).first.wait_for()
    page.wait_for_timeout(300)
    box = page.locator(".finder-map__map").bounding_box()
    credits = page.locator(".map-region .leaflet-control-attribution").bounding_box()
    assert credits["height"] > 30, "the attribution wraps on a phone"
    for name, found in [("origin", page.locator(ORIGIN).bounding_box())] + [
            ("place", m.bounding_box()) for m in page.locator(MARKS).all()]:
        assert found, name
        assert box["y"] <= found["y"] and box["x"] <= found["x"] <= box["x"] + box["width"]
        assert found["y"] + found["height"] <= credits["y"] + 1, (name, found, credits)
