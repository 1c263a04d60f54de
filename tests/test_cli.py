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
