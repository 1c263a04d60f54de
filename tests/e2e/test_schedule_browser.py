"""Schedules in a real Chromium: the popup of a group's map says when the next meeting is,
as the list does, and keeps the text as published. "Now" is fixed by SCHEDULE_NOW."""
from __future__ import annotations

from finder.schedule import next_occurrence, occurrence_fr, parse_schedule

from tests.conftest import group_row, write_inventory
from tests.e2e.conftest import add_test_tiles, assert_only_local, screenshot_path
from tests.e2e.test_finder_browser import norm, open_a_place_popup

TEXT = "chaque 3e jeudi du mois de 14 à 16 heures"


def test_the_popup_gives_the_next_meeting(make_app, tmp_path, live_server, page, requested_urls):
    from datetime import date
    app = make_app(SCHEDULE_NOW="2026-12-01T09:00")
    path = write_inventory(tmp_path / "inv.csv", [
        group_row(group_id="cafe", name="Café mémoire", street="Rue de Fer 1",
                  lat="50.4669", lon="4.8675", schedule=TEXT)])
    assert app.test_cli_runner().invoke(args=["import", str(path)]).exit_code == 0
    add_test_tiles(app)
    base = live_server(app)
    first = occurrence_fr(next_occurrence([parse_schedule(TEXT)], date(2026, 12, 1)),
                          today=date(2026, 12, 1))

    page.goto(base + "/?postcode=5000&radius_km=20")
    assert f"Prochaine réunion : {first}" in norm(page.locator("ol.results").inner_text())

    page.goto(base + "/groupes/cafe")
    page.wait_for_selector(".map-region img.leaflet-tile-loaded", state="attached")
    page.locator(".map-region .fm-marker").first.wait_for(state="attached")
    popup = open_a_place_popup(page)
    assert norm(popup.locator(".fm-popup__next").inner_text()) == f"Prochaine réunion : {first}"
    assert TEXT in popup.inner_text()
    page.screenshot(path=str(screenshot_path("schedule-popup-1280")), full_page=False)
    assert_only_local(requested_urls)
