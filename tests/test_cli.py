"""The command-line contract other work builds on: locate and search."""
from __future__ import annotations

import json


def test_locate_prints_one_json_object(runner):
    result = runner.invoke(args=["locate", "5000 Namur"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"query", "lat", "lon", "precision", "postcode", "locality", "commune"}
    assert data["postcode"] == "5000" and data["commune"]["name"] == "Namur"
    assert data["commune"]["nis"] == "92094"


def test_locate_outside_the_area_exits_2_with_a_french_message(runner):
    result = runner.invoke(args=["locate", "9000"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Wallonie" in result.stderr and "Traceback" not in result.stderr


def test_locate_not_found_suggests_close_names(runner):
    result = runner.invoke(args=["locate", "Namurr"])
    assert result.exit_code == 2
    assert "Namur" in result.stderr


def test_search_lists_nearest_first_with_distances(demo_app):
    result = demo_app.test_cli_runner().invoke(
        args=["search", "--postcode", "4000", "--radius-km", "30", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    distances = [r["distance_km"] for r in data["results"]]
    assert data["count"] == len(distances) > 0 and distances == sorted(distances)


def test_search_by_commune_and_chapter(demo_app):
    result = demo_app.test_cli_runner().invoke(
        args=["search", "--commune", "Liège", "--chapter", "maladie"])
    assert result.exit_code == 0, result.output
    assert "Ligue Alzheimer" in result.output


def test_search_with_unknown_commune_says_so(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["search", "--commune", "Atlantide"])
    assert result.exit_code == 2 and "Commune inconnue" in result.stderr


def test_search_json_publishes_a_hidden_place_at_its_commune_only(make_app, tmp_path):
    """show_exact=non (a shelter): the CLI prints what the API publishes, not the street."""
    from finder.db import get_geography
    from tests.conftest import group_row, write_inventory
    app = make_app()
    path = write_inventory(tmp_path / "refuge.csv", [group_row(
        street="Rue Cachée 12", postcode="5000", locality="Namur", lat="50.4669",
        lon="4.8675", show_exact="non")])
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    result = runner.invoke(args=["search", "--postcode", "5000", "--json"])
    assert result.exit_code == 0, result.output
    assert "Cachée" not in result.stdout and "4.8675" not in result.stdout
    place = json.loads(result.stdout)["results"][0]["place"]
    with app.app_context():
        commune_point = get_geography().representative_point("92094")
    assert (place["lat"], place["lon"]) == tuple(round(c, 5) for c in commune_point)
    assert (place["street"], place["precision"]) == ("", "commune")


def test_locate_a_postcode_with_a_foreign_name_exits_2_naming_its_localities(runner):
    result = runner.invoke(args=["locate", "4000 Maastricht"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "« Maastricht » n'est pas une localité du code postal 4000" in result.stderr
    assert "4000 Liège" in result.stderr


def test_search_from_a_postcode_with_a_foreign_name_exits_2(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["search", "--postcode", "5000 Paris"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "« Paris » n'est pas une localité du code postal 5000" in result.stderr
