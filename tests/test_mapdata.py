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


# ----- one view at a time: what the map asks for as the person pans and zooms -----------

def tiles_around(south, west, north, east, zoom):
    """The tile range (x0, y0, x1, y1) of a box at a zoom, as finder-map.js asks for it."""
    import math

    def tile(lat, lon):
        n = 2 ** zoom
        x = int((lon + 180) / 360 * n)
        s = math.sin(math.radians(lat))
        y = int((0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * n)
        return x, y
    (x0, y1), (x1, y0) = tile(south, west), tile(north, east)
    return f"{x0},{y0},{x1},{y1}"


def view_of(client, args, zoom, tiles):
    response = client.get("/carte/lieux.json", query_string=args | {"z": zoom, "tiles": tiles})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize("zoom", [7, 9, 11, 16])
def test_a_view_holds_every_place_of_the_search_as_clusters_and_markers(demo_app, zoom):
    client = demo_app.test_client()
    whole = client.get("/carte/lieux.json").get_json()
    data = view_of(client, {}, zoom, tiles_around(*whole_bounds(whole), zoom)
                   if zoom < 10 else "0,0,0,0")
    if zoom >= 10:           # one tile of the far north sea: nothing there, counts kept
        assert data["clusters"] == [] and data["markers"] == []
        assert data["count"] == whole["count"] and data["approx"] == whole["approx"]
        return
    in_view = sum(c[2] for c in data["clusters"]) + sum(len(m[4]) for m in data["markers"])
    assert in_view == len(place_ids(whole["markers"]))
    assert data["count"] == whole["count"] and data["approx"] == whole["approx"]
    assert data["bounds"] == pytest.approx(list(whole_bounds(whole)), abs=1e-5)
    assert len(data["clusters"]) + len(data["markers"]) < len(whole["markers"])


def whole_bounds(data):
    lats = [m[0] for m in data["markers"]]
    lons = [m[1] for m in data["markers"]]
    return min(lats), min(lons), max(lats), max(lons)


def test_view_markers_say_which_groups_and_where_hidden_ones_only_the_commune(app, tmp_path):
    same = dict(street="Rue de Fer 1", lat="50.4650", lon="4.8660", locality="Namur")
    import_rows(app, tmp_path, [
        group_row(group_id="a", name="Groupe A", chapter="maladie", **same),
        group_row(group_id="b", name="Groupe B", chapter="dependance", **same),
        group_row(group_id="discret", name="Groupe discret", street="Rue Secrète 12",
                  postcode="5100", locality="Jambes", lat="50.4601", lon="4.8702",
                  show_exact="non")])
    client = app.test_client()
    search = NAMUR_SPOT | {"radius_km": "10"}
    whole = client.get("/carte/lieux.json", query_string=search).get_json()
    seen, named = [], {}
    for m in whole["markers"]:           # the tile of each marker, at the closest zoom
        data = view_of(client, search, 16, tiles_around(m[0], m[1], m[0], m[1], 16))
        seen.append(json.dumps(data, ensure_ascii=False))
        named.update({tuple(v[5]): v for v in data["markers"]})
    assert set(named) == {("Groupe A", "Groupe B"), ("Groupe discret",)}
    assert named[("Groupe A", "Groupe B")][6] == "Namur" and named[("Groupe A", "Groupe B")][2] == -1
    hidden = named[("Groupe discret",)]
    assert hidden[3] == 1 and hidden[6] == "Namur", "a hidden place names its commune only"
    assert not any("Jambes" in text or "Secrète" in text for text in seen)


def test_a_view_far_from_the_places_still_shows_the_nearest_when_none_in_radius(client):
    data = view_of(client, {"lat": "49.6833", "lon": "5.8167", "radius_km": "5"}, 12,
                   tiles_around(49.66, 5.78, 49.70, 5.85, 12))
    assert data["count"] == 0 and data["markers"] == [] and data["clusters"] == []
    assert 1 <= len(data["nearest"]) <= 3 and all(len(m) == 7 and m[5] for m in data["nearest"])


@pytest.mark.parametrize("query, parameter", [
    ({"z": "22", "tiles": "0,0,0,0"}, "z"),
    ({"z": "-1", "tiles": "0,0,0,0"}, "z"),
    ({"z": "douze", "tiles": "0,0,0,0"}, "z"),
    ({"tiles": "0,0,0,0"}, "z"),
    ({"z": "8"}, "tiles"),
    ({"z": "8", "tiles": "1,2,3"}, "tiles"),
    ({"z": "8", "tiles": "3,2,1,0"}, "tiles"),
    ({"z": "2", "tiles": "0,0,4,1"}, "tiles"),
    ({"z": "12", "tiles": "0,0,40,40"}, "tiles"),
])
def test_bad_view_parameters_are_a_french_400(client, query, parameter):
    response = client.get("/carte/lieux.json", query_string=query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter" and error["parameter"] == parameter
    assert any(w in error["message"] for w in ("zoom", "Zone de la carte"))


def test_a_view_has_its_own_etag_and_gives_304(client):
    url = "/carte/lieux.json?postcode=5000&radius_km=20&z=10&tiles=520,340,523,343"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    other = client.get(url.replace("z=10", "z=11").replace("520,340,523,343",
                                                           "1040,680,1047,687"))
    assert other.status_code == 200 and other.headers["ETag"] != etag


def test_the_page_opens_its_map_where_the_places_are(client):
    html = client.get("/?postcode=1000&radius_km=10").get_data(as_text=True)
    data = client.get("/carte/lieux.json?postcode=1000&radius_km=10").get_json()
    south, west, north, east = whole_bounds(data)
    import re
    fit = re.search(r"fitBounds\(\[\[([\d.]+), ([\d.]+)\], \[([\d.]+), ([\d.]+)\]\]", html)
    assert fit, "the first view is fitted on the server"
    s, w, n, e = map(float, fit.groups())
    assert s <= south and w <= west and n >= north and e >= east
    assert n - s < 0.5, "a Brussels search does not open on the whole region"
