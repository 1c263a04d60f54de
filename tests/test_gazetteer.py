"""What people type → a place, or an answer that says why not (finder/gazetteer.py).

The page, the API and the CLI show the same outcome: never a silent fallback.
"""
from __future__ import annotations

import html
import re

import pytest

from finder.geography import load_geography


@pytest.fixture(scope="module")
def geo(geo_dir):
    return load_geography(geo_dir)


# ----- Brussels addresses ------------------------------------------------------------------


@pytest.mark.parametrize("text, postcode, locality", [
    ("1050 Bruxelles", "1050", "Ixelles"),
    ("1060 Brussel", "1060", "Saint-Gilles"),
    ("1180 Bruxelles", "1180", "Uccle"),
    ("Bruxelles 1180", "1180", "Uccle"),
    ("1040 Brussels", "1040", "Etterbeek"),
    ("1020 Bruxelles", "1020", "Laeken"),
    ("1000 Bruxelles", "1000", "Bruxelles"),
])
def test_a_brussels_address_names_the_region_and_gives_the_postcode_locality(
        geo, text, postcode, locality):
    found = geo.resolve(text)
    assert found.status == "ok" and found.message == ""
    assert (found.precision, found.postcode, found.locality) == ("locality", postcode, locality)
    assert found.commune.region == "Bruxelles-Capitale"


def test_bruxelles_with_a_walloon_postcode_is_still_asked(geo):
    found = geo.resolve("5000 Bruxelles")
    assert found.status == "ambiguous"
    assert "5000 Namur" in found.suggestions and "1000 Bruxelles" in found.suggestions


# ----- everyday names (data/place-aliases.csv) -----------------------------------------------


@pytest.mark.parametrize("text, precision, postcode, locality, commune", [
    ("Molenbeek", "commune", "1080", None, "Molenbeek-Saint-Jean"),
    ("Bruxelles-Ville", "commune", "1000", None, "Bruxelles"),
    ("Laken", "locality", "1020", "Laeken", "Bruxelles"),
    ("LLN", "locality", "1348", "Louvain-La-Neuve", "Ottignies-Louvain-la-Neuve"),
    ("lln", "locality", "1348", "Louvain-La-Neuve", "Ottignies-Louvain-la-Neuve"),
    ("Stockel", "locality", "1150", "Woluwe-Saint-Pierre", "Woluwe-Saint-Pierre"),
    ("1150 Stockel", "locality", "1150", "Woluwe-Saint-Pierre", "Woluwe-Saint-Pierre"),
    ("Mousty", "locality", "1341", "Céroux-Mousty", "Ottignies-Louvain-la-Neuve"),
    ("Céroux", "locality", "1341", "Céroux-Mousty", "Ottignies-Louvain-la-Neuve"),
    ("Mousty (Ottignies-Louvain-la-Neuve)", "locality", "1341", "Céroux-Mousty",
     "Ottignies-Louvain-la-Neuve"),
    ("1080 Molenbeek", "locality", "1080", "Molenbeek-Saint-Jean", "Molenbeek-Saint-Jean"),
])
def test_everyday_names_resolve_through_the_alias_list(geo, text, precision, postcode,
                                                       locality, commune):
    found = geo.resolve(text)
    assert found.status == "ok", found.message
    assert (found.precision, found.postcode, found.locality, found.commune.name_fr) == (
        precision, postcode, locality, commune)


def test_an_alias_of_a_commune_also_names_it_in_the_commune_filter(geo):
    assert geo.find_commune("Molenbeek").name_fr == "Molenbeek-Saint-Jean"


# ----- a postcode with a name that is not one of its localities --------------------------------


@pytest.mark.parametrize("text, postcode, name, commune, first", [
    ("4000 Maastricht", "4000", "Maastricht", "Liège", "4000 Liège"),
    ("5000 Paris", "5000", "Paris", "Namur", "5000 Namur"),
])
def test_a_postcode_with_a_name_none_of_its_localities_is_a_mismatch(
        geo, text, postcode, name, commune, first):
    found = geo.resolve(text)
    assert found.status == "mismatch" and not found.ok
    assert found.lat is None and found.lon is None
    assert f"« {name} » n'est pas une localité du code postal {postcode} ({commune})" \
        in found.message
    assert found.suggestions[0] == first


@pytest.mark.parametrize("text", ["6211 AB", "6211AB", "6211 ab", "1012 AB Amsterdam"])
def test_a_dutch_postcode_is_outside_the_area(geo, text):
    found = geo.resolve(text)
    assert found.status == "outside" and found.lat is None
    assert "code postal néerlandais" in found.message


def test_a_two_letter_word_of_a_real_locality_is_not_a_dutch_postcode(geo):
    found = geo.resolve("5080 La Bruyère")
    assert found.ok and found.locality == "La Bruyère"


# ----- suggestions only when close -----------------------------------------------------------


def test_gent_does_not_suggest_gentinnes(geo):
    found = geo.resolve("Gent")
    assert found.status == "not_found"
    assert not any("Gentinnes" in s for s in found.suggestions)


def test_the_first_word_of_several_names_still_suggests_them(geo):
    found = geo.resolve("Braine")
    assert {"1420 Braine-l'Alleud", "7090 Braine-le-Comte",
            "1440 Braine-le-Château"} <= set(found.suggestions)


# ----- the same outcome in the API, the page and the CLI --------------------------------------


def test_api_locate_says_a_postcode_and_a_name_do_not_match(client):
    response = client.get("/api/v1/locate?q=4000+Maastricht")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "place_mismatch"
    assert "Maastricht" in error["message"] and "4000 Liège" in error["suggestions"]


def test_api_search_from_a_mismatched_origin_is_a_422_not_a_list(client):
    response = client.get("/api/v1/search?postcode=5000+Paris")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "origin_mismatch" and "5000 Namur" in error["suggestions"]


def test_api_locate_a_dutch_postcode_is_outside(client):
    response = client.get("/api/v1/locate?q=6211+AB")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "place_outside"


def test_api_locate_an_alias(client):
    data = client.get("/api/v1/locate?q=Stockel").get_json()
    assert (data["postcode"], data["locality"], data["precision"]) == (
        "1150", "Woluwe-Saint-Pierre", "locality")


def test_page_says_the_name_is_not_of_that_postcode_and_offers_its_localities(client):
    response = client.get("/?postcode=4000+Maastricht")
    assert response.status_code == 200
    text = html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))
    assert "« Maastricht » n'est pas une localité du code postal 4000 (Liège)" in text
    assert "4000 Liège" in text and "4000 Glain" in text


def test_page_of_a_brussels_address_searches_around_that_commune(client):
    response = client.get("/?postcode=1050+Bruxelles&radius_km=5")
    assert response.status_code == 200
    text = html.unescape(response.get_data(as_text=True))
    assert "ne correspond pas" not in text and "précisez le lieu" not in text
    assert "depuis le centre de la localité 1050\u00a0Ixelles" in text
