"""finder.mapfit: the views the search map may open on. Each foreseen map box's first view
(the zoom Leaflet's fitBounds picks, the tiles finder-map.js then asks for) lies inside one
of the views the page carries, so no foreseen screen asks the server for its first places."""
from __future__ import annotations

import pytest

from finder.mapfit import BOXES, first_views, fit_zoom, view_tiles

PADDING = ((24, 72), (24, 24))    # the padding of the Chromium measurement below (mapview now pads the bottom 56 px)
CASES = {
    "Wallonia and Brussels": ((49.52, 2.86), (50.91, 6.37)),
    "Brussels, 10 km": ((50.76, 4.21), (50.94, 4.49)),
    "one point": ((50.4669, 4.8675), (50.4669, 4.8675)),
    "a tall, narrow strip": ((49.5, 5.8), (50.8, 5.9)),
}


@pytest.mark.parametrize("name", CASES)
def test_every_foreseen_box_opens_on_a_view_the_page_carries(name):
    bounds = CASES[name]
    carried = first_views(bounds, padding=PADDING, min_zoom=6, max_zoom=14)
    for box in BOXES:
        z = fit_zoom(bounds, box, padding=PADDING, min_zoom=6, max_zoom=14)
        x0, y0, x1, y1 = view_tiles(bounds, box, z, padding=PADDING)
        assert any(zoom == z and a <= x0 and b <= y0 and x1 <= c and y1 <= d
                   for zoom, (a, b, c, d) in carried), (box, z, (x0, y0, x1, y1), carried)


def test_a_bigger_box_fits_closer_and_the_zoom_stays_in_its_limits():
    bounds = CASES["Brussels, 10 km"]
    assert fit_zoom(bounds, (300, 300), padding=PADDING) <= fit_zoom(bounds, (700, 736),
                                                                      padding=PADDING)
    assert fit_zoom(CASES["one point"], (700, 736), max_zoom=14) == 14
    assert fit_zoom(CASES["Wallonia and Brussels"], (100, 100), min_zoom=6) == 6


def test_the_wallonia_view_on_a_desktop_is_the_one_the_browser_asks_for():
    """At 1280 x 900 the map box is about 640 x 740: the browser asked for z=7 and tiles
    62,40,67,45 for these bounds (measured in Chromium with bench/map_browser.py's page)."""
    bounds = ((49.52196, 2.86467), (50.90913, 6.37207))
    z = fit_zoom(bounds, (640, 740), padding=PADDING, min_zoom=6, max_zoom=14)
    assert (z, view_tiles(bounds, (640, 740), z, padding=PADDING)) == (7, (62, 40, 67, 45))
