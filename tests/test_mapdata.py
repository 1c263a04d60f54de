"""Map data routes: the places of the search at public positions, shared markers,
French 400s, ETag/304, and an import that changes what the map shows."""
from __future__ import annotations

import json

import pytest

from finder.db import get_geography, get_store
from finder.search import search
from finder.web.params import parse_search

from .conftest import group_row, write_inventory

NAMUR_SPOT = {"lat": "50.4669", "lon": "4.8675"}


def markers_of(response) -> list[list]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()["markers"]


def place_ids(markers: list[list]) -> set[int]:
    out = set()
    for m in markers:
        out.update(m[4] if isinstance(m[4], list) else [m[4]])
    return out


def import_rows(app, tmp_path, rows, name="inventaire.csv"):
    path = write_inventory(tmp_path / name, rows)
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("args", [
    {"postcode": "5000", "radius_km": "20"},
    {"postcode": "1000", "radius_km": "10", "chapter": "maladie"},
    {"commune": "Liège"},
    {},
])
def test_data_has_every_place_of_the_search_not_only_a_page(demo_app, args):
    client = demo_app.test_client()
    data = client.get("/carte/lieux.json", query_string=args).get_json()
    with demo_app.test_request_context(query_string=args):
        req = parse_search(args, get_geography(), page_size=5)
        outcome = search(get_store(), req.query)
    assert place_ids(data["markers"]) == set(outcome.place_ids)
    assert data["count"] == outcome.total == len(outcome.place_ids)
    assert sum(len(m[4]) if isinstance(m[4], list) else 1 for m in data["markers"]) \
        == data["count"]


def test_hidden_address_comes_out_at_the_commune_point_without_street(app, tmp_path):
    import_rows(app, tmp_path, [
        group_row(group_id="discret", name="Groupe discret", street="Rue Secrète 12",
                  lat="50.4701", lon="4.8702", show_exact="non"),
        group_row(group_id="visible", name="Groupe visible", street="Rue Connue 3",
                  lat="50.4612", lon="4.8601", chapter="handicap")])
    client = app.test_client()
    raw = client.get("/carte/lieux.json", query_string=NAMUR_SPOT | {"radius_km": "10"})
    markers = markers_of(raw)
    with app.app_context():
        geography = get_geography()
        lat, lon = geography.representative_point(geography.find_commune("Namur").nis)
    by_point = {(m[0], m[1]): m for m in markers}
    hidden = by_point[(round(lat, 5), round(lon, 5))]
    assert hidden[3] == 1                                    # drawn as approximate
    assert (50.4701, 4.8702) not in by_point
    assert by_point[(50.4612, 4.8601)][3] == 0               # the visible one is exact
    assert b"4.8702" not in raw.data and "Secrète" not in raw.get_data(as_text=True)

    details = client.get("/carte/lieux/details.json",
                         query_string={"ids": str(hidden[4])}).get_json()["places"]
    assert details[0]["name"] == "Groupe discret"
    assert "Secrète" not in json.dumps(details, ensure_ascii=False)
    assert details[0]["address"] == "Namur"
    assert "Adresse non publiée" in details[0]["approx"]
    visible = client.get(f"/carte/lieu/{by_point[(50.4612, 4.8601)][4]}.json").get_json()
    assert visible["address"] == "Rue Connue 3, 5000 Namur" and visible["approx"] == ""
    assert visible["url"] == "/groupes/visible"


def test_groups_at_one_address_share_one_marker(app, tmp_path):
    same = dict(street="Rue de Fer 1", lat="50.4650", lon="4.8660")
    import_rows(app, tmp_path, [
        group_row(group_id="a", name="Groupe A", chapter="maladie", **same),
        group_row(group_id="b", name="Groupe B", chapter="dependance", **same),
        group_row(group_id="c", name="Groupe C", chapter="maladie", street="Rue Neuve 2",
                  lat="50.4700", lon="4.8800")])
    client = app.test_client()
    markers = markers_of(client.get("/carte/lieux.json", query_string=NAMUR_SPOT))
    assert len(markers) == 2
    shared = [m for m in markers if isinstance(m[4], list)]
    assert len(shared) == 1 and len(shared[0][4]) == 2
    assert shared[0][2] == -1                       # two chapters: the "several" colour
    names = [d["name"] for d in client.get(
        "/carte/lieux/details.json",
        query_string={"ids": ",".join(map(str, shared[0][4]))}).get_json()["places"]]
    assert sorted(names) == ["Groupe A", "Groupe B"]


@pytest.mark.parametrize("query, parameter", [
    ({"radius_km": "10000"}, "radius_km"),
    ({"chapter": "../../etc"}, "chapter"),
    ({"postcode": "1" * 300}, "postcode"),
    ({"lat": "50.4"}, "lat"),
    ({"lat": "nan", "lon": "4"}, "lat"),
])
def test_bad_parameters_are_a_french_400(client, query, parameter):
    response = client.get("/carte/lieux.json", query_string=query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter" and error["parameter"] == parameter
    assert any(w in error["message"] for w in ("Distance", "chapitre", "trop long",
                                                "latitude", "nombre"))


@pytest.mark.parametrize("ids", ["", "abc", "1;2", ",".join(["1"] * 101), "1" * 20])
def test_bad_detail_ids_are_a_french_400(client, ids):
    response = client.get("/carte/lieux/details.json", query_string={"ids": ids})
    assert response.status_code == 400
    assert "Liste de lieux non valide" in response.get_json()["error"]["message"]


def test_unknown_place_is_a_french_404(client):
    response = client.get("/carte/lieu/987654.json")
    assert response.status_code == 404
    assert "rechargez" in response.get_json()["error"]["message"]


def test_etag_gives_304_and_same_search_other_words_share_it(client):
    first = client.get("/carte/lieux.json?postcode=5000&radius_km=20")
    etag = first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get("/carte/lieux.json?postcode=5000&radius_km=20",
                       headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    # The page adds page=2: the map data is the same search.
    paged = client.get("/carte/lieux.json?postcode=5000&radius_km=20.0&page=2")
    assert paged.headers["ETag"] == etag and paged.data == first.data
    other = client.get("/carte/lieux.json?postcode=5000&radius_km=50")
    assert other.headers["ETag"] != etag


def test_an_import_changes_the_data_and_its_etag(app, tmp_path):
    rows = [group_row(group_id="un", name="Groupe un", lat="50.4650", lon="4.8660")]
    import_rows(app, tmp_path, rows)
    client = app.test_client()
    first = client.get("/carte/lieux.json", query_string=NAMUR_SPOT)
    assert first.get_json()["count"] == 1
    etag = first.headers["ETag"]

    rows.append(group_row(group_id="deux", name="Groupe deux", lat="50.4700",
                          lon="4.8800"))
    import_rows(app, tmp_path, rows, name="inventaire-2.csv")
    after = client.get("/carte/lieux.json", query_string=NAMUR_SPOT,
                       headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert after.get_json()["count"] == 2
    assert after.get_json()["version"] == first.get_json()["version"] + 1


def test_nothing_in_the_radius_shows_the_nearest_places(client):
    data = client.get("/carte/lieux.json", query_string={
        "lat": "49.6833", "lon": "5.8167", "radius_km": "5"}).get_json()   # Arlon
    assert data["count"] == 0, "this test needs a demo inventory with no place near Arlon"
    assert data["markers"] == [] and 1 <= len(data["nearest"]) <= 3


def test_details_keep_hostile_text_as_plain_data(app, tmp_path):
    # finder-map.js writes these with textContent; the browser check is in tests/e2e.
    nasty = '"</script><script>alert(1)</script><img src=x onerror=alert(1)> ${alert(1)} \\'
    import_rows(app, tmp_path, [group_row(group_id="x", name=nasty, schedule=nasty,
                                          lat="50.4650", lon="4.8660")])
    client = app.test_client()
    [marker] = markers_of(client.get("/carte/lieux.json", query_string=NAMUR_SPOT))
    detail = client.get(f"/carte/lieu/{marker[4]}.json").get_json()
    assert detail["name"] == nasty and detail["schedule"] == nasty   # data, not markup


def test_a_place_id_too_large_for_the_database_is_not_found_not_a_crash(client):
    response = client.get("/carte/lieu/99999999999999999999999.json")
    assert response.status_code == 404
    assert response.is_json and "error" in response.get_json()
