"""Reference geography: loading, point → commune, and what people type → place."""
from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest
from shapely.geometry import mapping, shape

from finder.geography import Geography, GeographyError, load_geography
from finder.text import fold

from finder.config import PACKAGED_GEO_DIR

GEO_DIR = Path(os.environ.get("FINDER_GEO_DIR") or PACKAGED_GEO_DIR)

NAMUR_NIS = "92094"
CHARLEROI_NIS = "52011"


@pytest.fixture(scope="module")
def geo() -> Geography:
    return load_geography(GEO_DIR)


def locality(geo, postcode, name):
    return next(l for l in geo.localities_for_postcode(postcode) if l.name == name)


# ----- loading ---------------------------------------------------------------------------


def test_loads_all_communes_and_localities(geo):
    assert len(geo.communes) == 281
    assert len(geo.localities) == 1587
    assert {c.region for c in geo.communes.values()} == {"Wallonie", "Bruxelles-Capitale"}


def test_loading_is_cached_per_directory(geo):
    # How long loading and a point lookup take: bench/geography.py.
    assert load_geography(GEO_DIR) is geo
    assert load_geography(str(GEO_DIR) + "/") is geo


def test_missing_directory_names_the_setting(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(GeographyError) as err:
        Geography.load(missing)
    assert "FINDER_GEO_DIR" in str(err.value)
    assert str(missing) in str(err.value)


def test_missing_file_names_the_file_and_the_setting(tmp_path):
    shutil.copy(GEO_DIR / "communes.geojson", tmp_path)
    with pytest.raises(GeographyError) as err:
        Geography.load(tmp_path)
    assert "postcodes.csv" in str(err.value)
    assert "FINDER_GEO_DIR" in str(err.value)


def test_unreadable_file_is_a_geography_error(tmp_path):
    shutil.copy(GEO_DIR / "postcodes.csv", tmp_path)
    (tmp_path / "communes.geojson").write_text("{ not json", encoding="utf-8")
    with pytest.raises(GeographyError, match="communes.geojson"):
        Geography.load(tmp_path)


def _copy_postcodes(tmp_path, change=lambda row: row, drop=()):
    """postcodes.csv into tmp_path, each row through change(), without the columns drop."""
    with open(GEO_DIR / "postcodes.csv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = [c for c in reader.fieldnames if c not in drop]
        rows = [change(dict(row)) for row in reader]
    with open(tmp_path / "postcodes.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def test_newer_data_with_a_merged_commune_loads_without_code_change(tmp_path):
    """Bastogne and Bertogne merged in 2025: newer data has one outline and the localities
    of Bertogne name Bastogne's code."""
    data = json.loads((GEO_DIR / "communes.geojson").read_text(encoding="utf-8"))
    by_name = {f["properties"]["name_fr"]: f for f in data["features"]}
    bastogne, bertogne = by_name["Bastogne"], by_name["Bertogne"]
    bastogne["geometry"] = mapping(shape(bastogne["geometry"]).union(shape(bertogne["geometry"])))
    data["features"].remove(bertogne)
    (tmp_path / "communes.geojson").write_text(json.dumps(data), encoding="utf-8")
    old, new = bertogne["properties"]["nis"], bastogne["properties"]["nis"]
    _copy_postcodes(tmp_path, lambda r: dict(r, commune_nis=new if r["commune_nis"] == old
                                             else r["commune_nis"]))

    newer = Geography.load(tmp_path)

    assert len(newer.communes) == 280
    assert newer.find_commune("Bertogne") is None
    found = newer.resolve("6687")
    assert found.ok and found.locality == "Bertogne" and found.commune.name_fr == "Bastogne"
    assert newer.resolve("Bertogne").commune.name_fr == "Bastogne"


def test_localities_of_a_commune_missing_from_the_outlines_are_refused(tmp_path):
    """Outlines newer than the postcode list: said at start-up, naming the localities."""
    data = json.loads((GEO_DIR / "communes.geojson").read_text(encoding="utf-8"))
    data["features"] = [f for f in data["features"] if f["properties"]["name_fr"] != "Bertogne"]
    (tmp_path / "communes.geojson").write_text(json.dumps(data), encoding="utf-8")
    shutil.copy(GEO_DIR / "postcodes.csv", tmp_path)
    with pytest.raises(GeographyError) as err:
        Geography.load(tmp_path)
    assert "6687 Bertogne (82005)" in str(err.value)
    assert "FINDER_GEO_DIR" in str(err.value)


@pytest.mark.parametrize("column", ["commune_nis", "point_trusted"])
def test_an_older_postcode_list_without_the_commune_column_is_refused(tmp_path, column):
    shutil.copy(GEO_DIR / "communes.geojson", tmp_path)
    _copy_postcodes(tmp_path, drop=(column,))
    with pytest.raises(GeographyError) as err:
        Geography.load(tmp_path)
    assert f"colonnes manquantes dans postcodes.csv : {column}" in str(err.value)


# ----- postcodes -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["5000", "B-5000", "B5000", "5000 Namur", "Namur 5000"])
def test_postcode_5000_is_namur(geo, text):
    found = geo.resolve(text)
    assert found.status == "ok"
    assert found.precision == "locality"
    assert (found.postcode, found.locality, found.commune.nis) == ("5000", "Namur", NAMUR_NIS)


def test_postcode_with_another_locality_name_gives_that_locality(geo):
    found = geo.resolve("5000 Beez")
    assert found.ok and found.locality == "Beez" and found.commune.nis == NAMUR_NIS
    namur = geo.resolve("5000")
    assert (found.lat, found.lon) != (namur.lat, namur.lon)


def test_postcode_shared_by_five_localities_resolves_to_the_main_one(geo):
    localities = geo.localities_for_postcode("6600")
    assert len(localities) == 5
    assert [l.name for l in localities if l.main] == ["Bastogne"]
    found = geo.resolve("6600")
    assert found.ok and found.locality == "Bastogne"
    assert len(found.suggestions) == 4          # the other localities of 6600


def test_charleroi_spans_many_postcodes(geo):
    postcodes = {l.postcode for l in geo.localities if "6000" <= l.postcode <= "6061"}
    assert len(postcodes) >= 10
    for postcode in postcodes:
        found = geo.resolve(postcode)
        assert found.ok and found.commune.nis == CHARLEROI_NIS, postcode
    assert geo.resolve("6001 Charleroi").locality == "Marcinelle"


def test_german_speaking_eupen_is_walloon(geo):
    found = geo.resolve("4700")
    assert found.ok and found.locality == "Eupen"
    assert found.commune.region == "Wallonie"
    assert geo.resolve("Eupen").commune == found.commune


@pytest.mark.parametrize("postcode", ["9000", "2000", "1500", "3999", "8000"])
def test_flemish_postcodes_are_outside(geo, postcode):
    found = geo.resolve(postcode)
    assert found.status == "outside"
    assert "Wallonie et Bruxelles" in found.message
    assert found.lat is None


def test_gent_postcode_with_name_is_outside_with_a_french_message(geo):
    found = geo.resolve("9000 Gent")
    assert found.status == "outside"
    assert found.message.startswith("Le code postal 9000 est en Flandre")


@pytest.mark.parametrize("text", ["F-59000", "59000 Lille", "L-1234"])
def test_foreign_postcodes_are_outside(geo, text):
    assert geo.resolve(text).status == "outside"


def test_unknown_postcode_in_range_suggests_nearby_postcodes(geo):
    found = geo.resolve("5999")
    assert found.status == "not_found"
    assert "5999" in found.message
    assert "6000 Charleroi" in found.suggestions


# ----- names -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["l'ecluse", "L’Écluse", "LECLUSE", "l ecluse", "1320 L'Écluse"])
def test_l_ecluse_in_any_spelling_is_in_beauvechain(geo, text):
    found = geo.resolve(text)
    assert found.ok and found.commune.name_fr == "Beauvechain"


@pytest.mark.parametrize("postcode, name, nis, commune", [
    ("1320", "L'ecluse", "25005", "Beauvechain"),
    ("1370", "Zétrud-Lumay", "25048", "Jodoigne"),
    ("4690", "Eben-Emael", "62011", "Bassenge"),
    ("7760", "Escanaffles", "57018", "Celles"),
])
def test_localities_outside_every_outline_get_their_real_commune(geo, postcode, name, nis, commune):
    loc = locality(geo, postcode, name)
    assert geo.commune_at(loc.lat, loc.lon) is None          # the trap
    assert loc.nis == nis
    assert geo.commune_of_locality(loc).name_fr == commune
    assert geo.in_service_area(loc.lat, loc.lon)


@pytest.mark.parametrize("postcode, name, commune", [
    ("4171", "Poulseur", "Comblain-au-Pont"),
    ("4351", "Hodeige", "Remicourt"),
    ("4672", "Saint-Remy", "Blégny"),
    ("4821", "Andrimont", "Dison"),
    ("6831", "Noirfontaine", "Bouillon"),
    ("6834", "Bellevaux", "Bouillon"),
    ("7810", "Maffle", "Ath"),
    ("7811", "Arbre", "Ath"),
])
def test_localities_once_misfiled_are_in_their_bpost_commune(geo, postcode, name, commune):
    assert geo.commune_of_locality(locality(geo, postcode, name)).name_fr == commune
    found = geo.resolve(f"{postcode} {name}")
    assert found.ok and found.commune.name_fr == commune


def test_every_locality_is_in_the_commune_postcodes_csv_names(geo):
    with open(GEO_DIR / "postcodes.csv", encoding="utf-8", newline="") as f:
        expected = {(r["postcode"], r["locality"]): r["commune_nis"] for r in csv.DictReader(f)}
    assert {(l.postcode, l.name): l.nis for l in geo.localities} == expected


def test_untrusted_points_are_replaced_by_the_commune_at_commune_precision(geo):
    """6831 Noirfontaine's point is a homonym near Liège: nothing is placed there."""
    with open(GEO_DIR / "postcodes.csv", encoding="utf-8", newline="") as f:
        untrusted = [r for r in csv.DictReader(f) if r["point_trusted"] == "0"]
    assert len(untrusted) == 9
    assert {(l.postcode, l.name) for l in geo.relocated} == {
        (r["postcode"], r["locality"]) for r in untrusted}
    for row in untrusted:
        loc = locality(geo, row["postcode"], row["locality"])
        assert not loc.trusted
        assert (loc.lat, loc.lon) == geo.representative_point(loc.nis)
        assert (loc.lat, loc.lon) != (float(row["lat"]), float(row["lon"]))
        found = geo.resolve(f"{row['postcode']} {row['locality']}")
        assert found.ok and found.precision == "commune", row
        assert found.commune.nis == row["commune_nis"]
        assert geo.commune_at(found.lat, found.lon).nis == row["commune_nis"]


def test_every_locality_has_a_commune_and_resolves_by_postcode_and_name(geo):
    for loc in geo.localities:
        assert loc.nis in geo.communes
        found = geo.resolve(f"{loc.postcode} {loc.name}")
        assert found.ok and (found.postcode, found.locality) == (loc.postcode, loc.name)


@pytest.mark.parametrize("text", ["Ecaussinnes", "Écaussinnes", "ecaussinnes"])
def test_ecaussinnes_with_or_without_accent(geo, text):
    found = geo.resolve(text)
    assert found.ok and found.commune.name_fr.endswith("caussinnes")


@pytest.mark.parametrize("text", ["Saint-Gilles", "saint gilles", "St-Gilles", "Sint-Gillis"])
def test_saint_gilles_is_the_brussels_commune(geo, text):
    found = geo.resolve(text)
    assert found.ok and found.precision == "commune"
    assert found.commune.name_fr == "Saint-Gilles"
    assert found.commune.region == "Bruxelles-Capitale"


def test_dutch_name_of_a_brussels_commune(geo):
    found = geo.resolve("Elsene")
    assert found.ok and found.commune.name_fr == "Ixelles"
    assert geo.find_commune("elsene").name_fr == "Ixelles"


def test_commune_name_gives_a_point_inside_the_commune(geo):
    found = geo.resolve("Namur")
    assert found.ok and found.precision == "commune" and found.commune.nis == NAMUR_NIS
    assert geo.commune_at(found.lat, found.lon).nis == NAMUR_NIS


def test_commune_name_wins_over_a_homonymous_locality_which_is_suggested(geo):
    found = geo.resolve("Forest")
    assert found.commune.name_fr == "Forest" and found.commune.region == "Bruxelles-Capitale"
    assert any("7910 Forest" in s for s in found.suggestions)


def test_locality_name_in_two_communes_is_ambiguous(geo):
    found = geo.resolve("Polleur")
    assert found.status == "ambiguous"
    assert len(found.suggestions) == 2
    assert all("(" in s for s in found.suggestions)           # "4800 Polleur (Verviers)"
    for suggestion in found.suggestions:
        assert geo.resolve(suggestion).ok


def test_postcode_and_name_that_disagree_ask_which_one(geo):
    found = geo.resolve("5000 Charleroi")
    assert found.status == "ambiguous"
    assert "5000 Namur" in found.suggestions and "6000 Charleroi" in found.suggestions


def test_typo_is_not_found_with_suggestions(geo):
    found = geo.resolve("Namurr")
    assert found.status == "not_found"
    assert found.message
    assert any(s.endswith("Namur") for s in found.suggestions)
    assert len(found.suggestions) <= 5


def test_unknown_name_is_not_found(geo):
    found = geo.resolve("Lille")
    assert found.status == "not_found" and found.lat is None


@pytest.mark.parametrize("text", ["", "   ", None, "!!!", "x" * 3000, "5000 " * 600])
def test_empty_or_absurd_input_is_invalid_without_exception(geo, text):
    found = geo.resolve(text)
    assert found.status == "invalid"
    assert found.message
    assert len(found.query) <= 100


# ----- points and communes ---------------------------------------------------------------


def test_point_in_namur_and_in_the_north_sea(geo):
    assert geo.commune_at(50.4669, 4.8675).nis == NAMUR_NIS
    assert geo.commune_at(51.5, 2.5) is None
    assert not geo.in_service_area(51.5, 2.5)
    assert geo.in_service_area(50.4669, 4.8675)


def test_every_commune_has_a_representative_point_inside_it(geo):
    for nis in geo.communes:
        lat, lon = geo.representative_point(nis)
        assert geo.commune_at(lat, lon).nis == nis


def test_bounds_cover_wallonia_and_brussels(geo):
    min_lat, min_lon, max_lat, max_lon = geo.bounds
    assert 49.4 < min_lat < 49.6 and 50.8 < max_lat < 51.0
    assert 2.7 < min_lon < 3.0 and 6.3 < max_lon < 6.5


def test_find_commune_by_nis_or_name(geo):
    assert geo.find_commune(NAMUR_NIS).name_fr == "Namur"
    assert geo.find_commune("NAMUR").nis == NAMUR_NIS
    assert geo.find_commune("Namen").nis == NAMUR_NIS
    assert geo.find_commune("Atlantis") is None


def test_commune_suggestions_are_prefix_and_accent_insensitive(geo):
    assert [c.name_fr for c in geo.commune_suggestions("éca")] == ["Ecaussinnes"]
    assert [c.name_fr for c in geo.commune_suggestions("BRAINE")] == [
        "Braine-l'Alleud", "Braine-le-Château", "Braine-le-Comte"]
    brussels = [c.name_fr for c in geo.commune_suggestions("sint")]
    assert "Saint-Gilles" in brussels
    assert len(geo.commune_suggestions("s", limit=3)) == 3
    assert geo.commune_suggestions("") == []


def test_communes_by_province(geo):
    groups = geo.communes_by_province()
    assert "Bruxelles-Capitale" in groups and len(groups["Bruxelles-Capitale"]) == 19
    assert sum(len(c) for c in groups.values()) == 281
    assert [c.name_fr for c in groups["Bruxelles-Capitale"][:2]] == ["Anderlecht", "Auderghem"]
    for communes in groups.values():
        assert communes == sorted(communes, key=lambda c: fold(c.name_fr))


def test_commune_outline_as_geojson(geo):
    feature = geo.commune_geojson(NAMUR_NIS)
    assert feature["type"] == "Feature"
    assert feature["properties"]["name_fr"] == "Namur"
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    json.dumps(feature)
