"""The alias list (data/place-aliases.csv): a maintainer's file, checked when the app starts."""
from __future__ import annotations

import csv

import pytest

from finder.aliases import ALIASES_FILE, COLUMNS, PlaceAliasError, read_aliases
from finder.config import data_file
from finder.db import StartupError
from finder.geography import Geography, load_geography

HEADER = ",".join(COLUMNS)


def alias_file(tmp_path, *lines: str, header: str = HEADER):
    path = tmp_path / "aliases.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def test_the_shipped_list_is_found_through_data_file():
    path = data_file(ALIASES_FILE)
    assert path.is_file()
    assert {a.alias for a in read_aliases(path)} >= {
        "Molenbeek", "Bruxelles-Ville", "Laken", "LLN", "Stockel", "Mousty", "Céroux"}


def test_every_shipped_alias_cites_a_source_and_names_the_place_it_stands_for(geo_dir):
    geo = load_geography(geo_dir)
    with open(data_file(ALIASES_FILE), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        assert row["source"].startswith("https://"), row
        found = geo.resolve(row["alias"])
        assert found.ok, row
        if row["commune_nis"]:
            assert (found.precision, found.commune.nis) == ("commune", row["commune_nis"])
        else:
            assert (found.postcode, found.locality) == (row["postcode"], row["locality"])


def test_a_maintainer_adds_an_alias_in_another_file(geo_dir, tmp_path):
    path = alias_file(tmp_path, "Salzinnes,5000,Namur,,https://example.org/salzinnes")
    geo = Geography.load(geo_dir, aliases=path)
    found = geo.resolve("Salzinnes")
    assert found.ok and (found.postcode, found.locality) == ("5000", "Namur")
    assert not geo.resolve("LLN").ok            # the file replaces the shipped list


@pytest.mark.parametrize("line, problem", [
    ("Nulle-Part,5000,Atlantis,,https://example.org", "ligne 2 : « Nulle-Part » : la localité "
     "5000 Atlantis n'existe pas"),
    ("Nulle-Part,,,99999,https://example.org", "aucune commune n'a le code NIS 99999"),
    ("Jambes,5000,Namur,,https://example.org", "« Jambes » est déjà le nom d'une commune, "
     "d'une localité"),
    ("Salzinnes,5000,Namur,,", "« Salzinnes » sans source"),
    ("Salzinnes,5000,Namur,92094,https://example.org", "soit postcode et locality, soit "
     "commune_nis"),
    ("Salzinnes,,Namur,,https://example.org", "postcode (4 chiffres) et locality"),
])
def test_an_alias_that_is_not_true_stops_the_load_naming_its_line(geo_dir, tmp_path, line,
                                                                    problem):
    path = alias_file(tmp_path, line)
    with pytest.raises(PlaceAliasError) as err:
        Geography.load(geo_dir, aliases=path)
    assert problem in str(err.value)
    assert str(path) in str(err.value) and "FINDER_PLACE_ALIASES" in str(err.value)


def test_a_file_without_the_columns_is_refused(tmp_path):
    with pytest.raises(PlaceAliasError, match="colonnes manquantes : commune_nis, source"):
        read_aliases(alias_file(tmp_path, "LLN,1348,Louvain-La-Neuve",
                                header="alias,postcode,locality"))


def test_the_setting_points_the_app_at_another_list(make_app, tmp_path):
    path = alias_file(tmp_path, "Salzinnes,5000,Namur,,https://example.org/salzinnes")
    client = make_app(PLACE_ALIASES=str(path)).test_client()
    data = client.get("/api/v1/locate?q=Salzinnes").get_json()
    assert (data["postcode"], data["locality"]) == ("5000", "Namur")


@pytest.mark.parametrize("make_path", [lambda tmp: tmp / "absent.csv",
                                       lambda tmp: alias_file(tmp, "X,,,99999,https://e.org")])
def test_an_unusable_list_stops_the_app_with_one_paragraph(make_app, tmp_path, make_path):
    with pytest.raises(StartupError) as err:
        make_app(PLACE_ALIASES=str(make_path(tmp_path)))
    assert "FINDER_PLACE_ALIASES" in err.value.message
    assert "Traceback" not in err.value.message
