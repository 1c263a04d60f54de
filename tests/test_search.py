"""Search: nearest first, true distances, filters, and honest answers when nothing is near."""
from __future__ import annotations

import pytest
from geopy.distance import geodesic

from finder.db import get_geography, get_store
from finder.models import Query
from finder.search import bounding_box, search

from .conftest import group_row, write_inventory


def ask(app, **query):
    with app.app_context():
        return search(get_store(), Query(**query))


def origin(app, text):
    with app.app_context():
        r = get_geography().resolve(text)
        return r.lat, r.lon


def test_results_are_nearest_first_with_true_geodesic_distances(demo_app):
    lat, lon = origin(demo_app, "5000 Namur")
    outcome = ask(demo_app, lat=lat, lon=lon, radius_km=50)
    distances = [r.distance_km for r in outcome.results]
    assert distances and distances == sorted(distances)
    assert all(d <= 50 for d in distances)
    for r in outcome.results:
        expected = geodesic((lat, lon), (r.place.lat, r.place.lon)).km
        assert r.distance_km == pytest.approx(expected, abs=1e-6)


def test_radius_membership_matches_geodesic_for_every_place(demo_app):
    lat, lon = origin(demo_app, "1000 Bruxelles")
    everything = ask(demo_app, lat=lat, lon=lon)
    for radius in (5, 10, 20, 50):
        inside = {r.place.id for r in ask(demo_app, lat=lat, lon=lon, radius_km=radius).results}
        truth = {r.place.id for r in everything.results
                 if geodesic((lat, lon), (r.place.lat, r.place.lon)).km <= radius}
        assert inside == truth


def test_chapter_filter_keeps_only_that_chapter(demo_app):
    outcome = ask(demo_app, chapter="dependance")
    assert outcome.results and {r.group.chapter for r in outcome.results} == {"dependance"}
    assert all(g.chapter == "dependance" for g in outcome.everywhere)


def test_services_without_a_place_are_listed_apart(demo_app):
    outcome = ask(demo_app, chapter="dependance")
    names = [g.name for g in outcome.everywhere]
    assert any("Alcooliques Anonymes" in n for n in names)
    assert all(r.place is not None for r in outcome.results)


def test_nothing_within_the_radius_gives_the_nearest_few_anyway(demo_app):
    lat, lon = origin(demo_app, "6830 Bouillon")
    outcome = ask(demo_app, lat=lat, lon=lon, radius_km=5, chapter="dependance")
    assert outcome.results == [] and outcome.total == 0
    assert 1 <= len(outcome.nearest_outside) <= 3
    assert all(r.distance_km > 5 for r in outcome.nearest_outside)


def test_commune_filter_uses_the_polygon_not_the_address_text(make_app, tmp_path):
    app = make_app()
    # Both rows say "Namur" in their text; only one point lies inside Namur's polygon.
    path = write_inventory(tmp_path / "inv.csv", [
        group_row(group_id="in", name="Dedans", lat="50.4669", lon="4.8675", commune=""),
        group_row(group_id="out", name="Dehors Namur", lat="50.6326", lon="5.5797",
                  postcode="", locality="", commune=""),
    ])
    assert app.test_cli_runner().invoke(args=["import", str(path)]).exit_code == 0
    with app.app_context():
        nis = get_geography().find_commune("Namur").nis
    outcome = ask(app, commune_nis=nis)
    assert [r.group.slug for r in outcome.results] == ["in"]


def test_pages_are_contiguous_slices_of_the_ranking(demo_app):
    lat, lon = origin(demo_app, "4000 Liège")
    whole = ask(demo_app, lat=lat, lon=lon, radius_km=100)
    first = ask(demo_app, lat=lat, lon=lon, radius_km=100, limit=5)
    second = ask(demo_app, lat=lat, lon=lon, radius_km=100, limit=5, offset=5)
    assert first.total == second.total == whole.total
    ids = [r.place.id for r in first.results + second.results]
    assert ids == [r.place.id for r in whole.results[:10]]


def test_bounding_box_contains_the_whole_circle():
    lat, lon, radius = 50.5, 4.9, 30.0
    min_lat, min_lon, max_lat, max_lon = bounding_box(lat, lon, radius)
    for bearing in range(0, 360, 15):
        p = geodesic(kilometers=radius).destination((lat, lon), bearing)
        assert min_lat <= p.latitude <= max_lat and min_lon <= p.longitude <= max_lon


def test_a_hidden_place_is_ranked_and_measured_by_its_commune_point(make_app, tmp_path):
    """A place whose exact location must not be shown never leaks through distances."""
    app = make_app()
    path = write_inventory(tmp_path / "inv.csv", [
        group_row(group_id="hidden", name="Refuge", lat="50.4700", lon="4.8000",
                  postcode="", locality="", commune="", show_exact="non"),
    ])
    assert app.test_cli_runner().invoke(args=["import", str(path)]).exit_code == 0
    with app.app_context():
        geo = get_geography()
        commune = geo.commune_at(50.47, 4.80)
        public = geo.representative_point(commune.nis)
    private = (50.47, 4.80)
    # An origin right on the private point, 1 km radius: only the public point counts.
    far_from_public = geodesic(private, public).km
    assert far_from_public > 1.5, "test needs a hidden point away from its commune's point"
    assert ask(app, lat=private[0], lon=private[1], radius_km=1).results == []
    outcome = ask(app, lat=private[0], lon=private[1], radius_km=100)
    (result,) = outcome.results
    assert result.distance_km == pytest.approx(
        geodesic(private, (round(public[0], 5), round(public[1], 5))).km, abs=1e-3)
