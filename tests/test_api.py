"""The open data API (/api/v1): answers, errors, caching, formats, and privacy of places."""
from __future__ import annotations

import csv
import io
import re

import pytest

from finder.inventory_file import COLUMNS
from finder.models import CHAPTER_SLUGS
from finder.web.openapi import document
from finder.web.params import RADIUS_CHOICES

from .conftest import DEMO_GROUPS, DEMO_PLACELESS, DEMO_PLACES, group_row, write_inventory


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"] and "<" not in error["message"]
    return error


# -- search ---------------------------------------------------------------------------------

def test_search_by_postcode_lists_nearest_first_with_origin_and_notices(client):
    data = client.get("/api/v1/search?postcode=5000&radius_km=50").get_json()
    assert data["origin"]["postcode"] == "5000" and data["origin"]["locality"] == "Namur"
    assert data["origin"]["commune"] == {"nis": "92094", "name": "Namur"}
    distances = [r["distance_km"] for r in data["results"]]
    assert distances and distances == sorted(distances) and max(distances) <= 50.5
    assert data["count"] == len(data["results"])        # fewer than one page
    first = data["results"][0]
    assert set(first["group"]) >= {"slug", "name", "chapter", "chapter_title", "phone"}
    assert set(first["place"]) >= {"lat", "lon", "precision", "commune", "address"}
    assert set(first["place"]["commune"]) == {"nis", "name"}
    assert data["demo"] is True
    assert "demo_data" in [n["code"] for n in data["notices"]]
    # Services without a place are reachable from everywhere: listed apart.
    assert data["everywhere"] and all(g["places"] == [] for g in data["everywhere"])


def test_distances_to_places_known_only_roughly_are_flagged_approximate(client):
    results = client.get("/api/v1/search?postcode=4000&radius_km=100").get_json()["results"]
    for r in results:
        assert r["distance_approximate"] == (r["place"]["precision"] != "exact")
    assert any(r["distance_approximate"] for r in results)


def test_limit_and_page_split_the_results(client):
    everything = client.get("/api/v1/search?limit=500").get_json()
    assert everything["count"] == len(everything["results"]) == DEMO_PLACES
    first = client.get("/api/v1/search?limit=5").get_json()
    second = client.get("/api/v1/search?limit=5&page=2").get_json()
    assert first["count"] == second["count"] == DEMO_PLACES and first["limit"] == 5
    assert len(first["results"]) == len(second["results"]) == 5
    slugs = lambda d: [(r["group"]["slug"], r["place"]["address"]) for r in d["results"]]  # noqa
    assert slugs(first) + slugs(second) == slugs(everything)[:10]


@pytest.mark.parametrize("limit", ["0", "501", "abc", "2.5", "-1"])
def test_a_limit_out_of_bounds_is_a_400_naming_the_parameter(client, limit):
    error = error_of(client.get(f"/api/v1/search?limit={limit}"), 400, "invalid_parameter")
    assert error["parameter"] == "limit"


@pytest.mark.parametrize("query, parameter", [
    ("radius_km=7", "radius_km"), ("chapter=../../etc", "chapter"), ("page=1.5", "page"),
    ("lat=50.4", "lat"), ("lat=91&lon=4", "lat"), ("postcode=" + "9" * 101, "postcode"),
])
def test_malformed_search_parameters_are_400_with_a_french_message(client, query, parameter):
    error = error_of(client.get("/api/v1/search?" + query), 400, "invalid_parameter")
    assert error["parameter"] == parameter


def test_an_unknown_postcode_is_a_422_with_suggestions(client):
    error = error_of(client.get("/api/v1/search?postcode=Braine"), 422, "origin_not_found")
    assert "1420 Braine-l'Alleud" in error["suggestions"]
    assert error["parameter"] == "postcode"


def test_an_ambiguous_place_is_a_422_listing_the_candidates(client):
    error = error_of(client.get("/api/v1/search?postcode=Noville"), 422, "origin_ambiguous")
    assert "6600 Noville (Bastogne)" in error["suggestions"]


@pytest.mark.parametrize("query", ["postcode=9000", "postcode=75001", "lat=48.85&lon=2.35"])
def test_an_origin_outside_wallonia_and_brussels_is_a_422(client, query):
    error = error_of(client.get("/api/v1/search?" + query), 422, "origin_outside")
    assert "Wallonie" in error["message"]


def test_an_unknown_commune_is_a_422_with_suggestions(client):
    error = error_of(client.get("/api/v1/search?commune=Namurr"), 422, "commune_not_found")
    assert "Namur" in error["suggestions"]


def test_with_nothing_in_the_radius_the_nearest_are_given_apart(client):
    data = client.get("/api/v1/search?postcode=Ohey&radius_km=5").get_json()
    assert data["results"] == [] and data["count"] == 0
    assert len(data["nearest_outside_radius"]) == 3
    assert all(r["distance_km"] > 5 for r in data["nearest_outside_radius"])
    assert "nothing_within_radius" in [n["code"] for n in data["notices"]]


def test_filters_by_chapter_and_commune(client):
    data = client.get("/api/v1/search?chapter=dependance&limit=500").get_json()
    assert data["results"] and {r["group"]["chapter"] for r in data["results"]} == {"dependance"}
    data = client.get("/api/v1/search?commune=Liège&postcode=5000").get_json()
    assert data["results"]
    assert {r["place"]["commune"]["name"] for r in data["results"]} == {"Liège"}
    assert data["radius_km"] is None
    assert "radius_not_applied" in [n["code"] for n in data["notices"]]


def test_search_geojson_has_one_feature_per_result(client):
    response = client.get("/api/v1/search.geojson?postcode=1000&radius_km=10")
    assert response.mimetype == "application/geo+json"
    collection = response.get_json()
    plain = client.get("/api/v1/search?postcode=1000&radius_km=10").get_json()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == len(plain["results"]) > 0
    feature = collection["features"][0]
    assert feature["geometry"]["coordinates"] == [feature["properties"]["place"]["lon"],
                                                 feature["properties"]["place"]["lat"]]


# -- inventory ------------------------------------------------------------------------------------

def test_groups_lists_every_group_with_its_places(client):
    data = client.get("/api/v1/groups").get_json()
    assert data["count"] == len(data["groups"]) == DEMO_GROUPS
    assert sum(len(g["places"]) for g in data["groups"]) == DEMO_PLACES
    only = client.get("/api/v1/groups?chapter=handicap").get_json()["groups"]
    assert only and {g["chapter"] for g in only} == {"handicap"}


def test_one_group_by_slug_or_a_json_404(client):
    slug = client.get("/api/v1/groups").get_json()["groups"][0]["slug"]
    assert client.get(f"/api/v1/groups/{slug}").get_json()["slug"] == slug
    error_of(client.get("/api/v1/groups/pas-de-groupe-ainsi"), 404, "group_not_found")
    error_of(client.get("/api/v1/groups/" + "x" * 300), 404, "group_not_found")


def test_chapters_with_their_group_counts(client):
    data = client.get("/api/v1/chapters").get_json()
    assert [c["slug"] for c in data["chapters"]] == list(CHAPTER_SLUGS)
    assert sum(c["groups"] for c in data["chapters"]) == DEMO_GROUPS
    assert all(c["colour"].startswith("#") and c["title"] for c in data["chapters"])


def test_groups_geojson_has_a_feature_per_place_and_per_service(client):
    response = client.get("/api/v1/groups.geojson")
    assert response.mimetype == "application/geo+json"
    features = response.get_json()["features"]
    assert len(features) == DEMO_PLACES + DEMO_PLACELESS
    assert sum(f["geometry"] is None for f in features) == DEMO_PLACELESS


def test_groups_csv_is_the_public_inventory_and_reimports(client, make_app, tmp_path):
    response = client.get("/api/v1/groups.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == DEMO_GROUPS and len({r["group_id"] for r in rows}) == DEMO_GROUPS
    # Someone can load the published file into their own copy of the finder.
    path = tmp_path / "public.csv"
    path.write_text(text, encoding="utf-8")
    other = make_app(DATABASE=str(tmp_path / "other.sqlite"))
    result = other.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{DEMO_GROUPS} ajouté(s)" in result.output


def test_meeting_guide_feed(client):
    meetings = client.get("/api/v1/meeting-guide.json").get_json()
    assert isinstance(meetings, list) and 0 < len(meetings) <= DEMO_PLACES + 5
    slugs = [m["slug"] for m in meetings]
    assert len(set(slugs)) == len(slugs)
    for m in meetings:
        assert m["name"] and m["formatted_address"].endswith("Belgique")
        assert m["approximate"] in ("yes", "no")
        assert "latitude" not in m or m["approximate"] == "no"
        assert m["url"].startswith("http")
    assert any(m["approximate"] == "yes" for m in meetings)


# -- geography ------------------------------------------------------------------------------------

def test_communes_autocomplete_ignores_accents_and_case(client):
    names = [c["name_fr"] for c in client.get("/api/v1/communes?q=lie").get_json()["communes"]]
    assert "Liège" in names
    names = [c["name_fr"] for c in client.get("/api/v1/communes?q=ECAUS").get_json()["communes"]]
    assert names == ["Ecaussinnes"]
    few = client.get("/api/v1/communes?q=s&limit=3").get_json()
    assert few["count"] == len(few["communes"]) == 3


def test_communes_without_q_lists_all_of_them(client):
    data = client.get("/api/v1/communes").get_json()
    assert data["count"] == 281
    namur = next(c for c in data["communes"] if c["nis"] == "92094")
    assert namur == {"nis": "92094", "name_fr": "Namur", "name_nl": "Namen",
                     "province": "Province de Namur", "region": "Wallonie"}
    error_of(client.get("/api/v1/communes?q=" + "a" * 101), 400, "invalid_parameter")


def test_locate_answers_like_the_cli(client):
    data = client.get("/api/v1/locate?q=5000").get_json()
    assert (data["postcode"], data["locality"], data["precision"]) == ("5000", "Namur", "locality")
    assert data["commune"]["name"] == "Namur"
    error = error_of(client.get("/api/v1/locate?q=Braine"), 404, "place_not_found")
    assert error["suggestions"]
    error_of(client.get("/api/v1/locate?q=Noville"), 422, "place_ambiguous")
    error_of(client.get("/api/v1/locate?q=9000"), 422, "place_outside")
    error_of(client.get("/api/v1/locate"), 400, "missing_parameter")
    error_of(client.get("/api/v1/locate?q=%20"), 400, "missing_parameter")
    error_of(client.get("/api/v1/locate?q=" + "a" * 101), 400, "invalid_parameter")
    error_of(client.get("/api/v1/locate?q=!!"), 400, "invalid_parameter")


# -- conventions --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/", "/api", "/api/v1/nothing", "/api/v2/search",
                                  "/api/v1/groups/a/b"])
def test_unknown_api_addresses_are_json_404s(client, path):
    error_of(client.get(path), 404, "not_found")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_writing_is_a_json_405(client, method):
    response = client.open("/api/v1/search", method=method)
    error_of(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_cors_etag_and_cache_headers(client):
    response = client.get("/api/v1/chapters")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    etag = response.headers["ETag"]
    again = client.get("/api/v1/chapters", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/api/v1/chapters", headers={"If-None-Match": '"autre"'})
    assert other.status_code == 200 and other.data == response.data
    # A different answer has a different tag.
    assert client.get("/api/v1/communes?q=na").headers["ETag"] != etag
    # Errors are readable cross-origin too, but never cached.
    error = client.get("/api/v1/search?radius_km=7")
    assert error.headers["Access-Control-Allow-Origin"] == "*"
    assert error.headers["Cache-Control"] == "no-store"
    # Someone's own position is not for shared caches.
    located = client.get("/api/v1/search?lat=50.46&lon=4.87")
    assert located.headers["Cache-Control"] == "private, max-age=300"
    preflight = client.options("/api/v1/search")
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_the_openapi_document_lists_exactly_the_routes(client, demo_app):
    served = client.get("/api/v1/openapi.json").get_json()
    assert served["openapi"].startswith("3.")
    documented = set(served["paths"])
    routes = {rule.rule.replace("<slug>", "{slug}") for rule in demo_app.url_map.iter_rules()
              if rule.endpoint.startswith("api.") and rule.endpoint != "api.unknown"}
    assert documented == routes
    params = {p["name"]: p["schema"] for p in served["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert params["radius_km"]["enum"] == list(RADIUS_CHOICES)
    assert params["chapter"]["enum"] == list(CHAPTER_SLUGS)
    assert params["limit"]["maximum"] == 500
    assert set(document()["components"]["schemas"]) >= {"Error", "SearchResponse"}


# -- privacy: a place that must not be shown exactly ------------------------------------------

HIDDEN = dict(street="Rue des Tilleuls Secrets 17", label="Maison Confidentielle du Soutien",
              lat=50.4207, lon=4.9123)


@pytest.fixture
def hidden_app(make_app, tmp_path):
    """An inventory with one place to publish at commune precision only (Namur)."""
    app = make_app()
    path = write_inventory(tmp_path / "hidden.csv", [
        group_row(group_id="groupe-discret", name="Groupe discret", place_label=HIDDEN["label"],
                  street=HIDDEN["street"], postcode="5100", locality="Jambes", commune="Namur",
                  lat=str(HIDDEN["lat"]), lon=str(HIDDEN["lon"]), show_exact="non",
                  schedule="le 1er lundi du mois, 19 h"),
        group_row(group_id="groupe-visible", name="Groupe visible", street="Rue de Fer 1"),
        group_row(group_id="ligne-ecoute", name="Ligne d'écoute", postcode="", locality="",
                  commune="", phone="0800 00 000"),
    ])
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    return app


TEXTS = [HIDDEN["street"], "Tilleuls", HIDDEN["label"], "Confidentielle"]
_NUMBER = re.compile(r"-?\d{1,3}\.\d+")


def _exact_point_in(body: str) -> bool:
    """True if the body holds the hidden point to 3 decimals: a number equal to its latitude
    at that precision with its longitude just before or after it (a pair, in either order).
    Single numbers are not enough: a commune outline has many vertices of similar values."""
    numbers = [float(m.group()) for m in _NUMBER.finditer(body)]
    near = lambda a, b: abs(a - b) < 0.0005  # noqa: E731
    for i, value in enumerate(numbers):
        if near(value, HIDDEN["lat"]):
            if any(near(v, HIDDEN["lon"]) for v in numbers[max(0, i - 1):i + 2]):
                return True
    return False


def _assert_no_leak(url: str, body: str) -> None:
    for secret in TEXTS:
        assert secret not in body, f"{url} leaks {secret!r}"
    assert not _exact_point_in(body), f"{url} leaks the exact coordinates"


def test_the_leak_detector_sees_the_point_in_any_format():
    lat, lon = HIDDEN["lat"], HIDDEN["lon"]
    assert _exact_point_in(f'{{"lat": {lat}, "lon": {lon}}}')
    assert _exact_point_in(f"[{lon:.6f}, {lat:.6f}]")
    assert _exact_point_in(f"L.marker([{lat:.3f},{lon:.3f}])")
    assert not _exact_point_in(f"[{lon + 0.01}, {lat}], [{lon + 0.02}, {lat - 0.01}]")


SEARCHES = ["", "?postcode=5000", "?postcode=5100&radius_km=5", "?commune=Namur",
            "?postcode=5000&radius_km=10&chapter=maladie", "?lat=50.45&lon=4.86",
            "?ids=1,2,3,4"]
ID_ARGUMENTS = ("slug", "place_id", "id", "group_id")


def test_a_hidden_place_is_only_ever_published_at_its_commune(hidden_app):
    client = hidden_app.test_client()
    checked = []
    # The site's printed inventory is prepared beforehand (finder/printjobs.py): the
    # editions the sweep asks for are ready, so their PDFs are read too.
    for options in ([], ["--chapter", "maladie"]):
        warm = hidden_app.test_cli_runner().invoke(args=["brochure", "--warm", *options])
        assert warm.exit_code == 0, warm.output

    def fetch(url: str) -> str:
        response = client.get(url)
        assert response.status_code < 500, url
        if response.mimetype == "application/pdf":      # the printed inventory: its text
            from pypdf import PdfReader
            body = " ".join(page.extract_text() or ""
                            for page in PdfReader(io.BytesIO(response.data)).pages)
            assert body.strip(), url
        else:
            body = response.get_data(as_text=True)
        _assert_no_leak(url, body)
        checked.append(url)
        return body

    # Every page and data address the app serves (site, embed, map data, API), with searches.
    for rule in hidden_app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "api.unknown"):
            continue
        if rule.arguments - set(ID_ARGUMENTS):
            continue
        bases = [rule.rule]
        if rule.arguments:         # a group by slug, a place by number (ids 1 to 4)
            bases = [re.sub(r"<[^>]+>", value, rule.rule)
                     for value in ("groupe-discret", "1", "2", "3", "4")]
        for base in bases:
            for query in SEARCHES:
                fetch(base + query)
    assert {"/api/v1/search?postcode=5000", "/api/v1/groups.csv", "/api/v1/meeting-guide.json",
            "/embed?postcode=5000", "/api/v1/groups/groupe-discret"} <= set(checked)
    assert len(checked) > 100

    # The hidden place is still there, at its commune, with an honest approximate distance.
    data = client.get("/api/v1/search?postcode=5000").get_json()
    hidden = next(r for r in data["results"] if r["group"]["slug"] == "groupe-discret")
    assert hidden["place"]["precision"] == "commune"
    assert hidden["place"]["exact_location_shown"] is False
    assert hidden["place"]["address"] == "Namur"
    assert hidden["distance_approximate"] is True
    # Measured to Namur's point (where 5000 also is), not to the hidden street in Jambes.
    assert hidden["distance_km"] < 1.0
    rows = list(csv.DictReader(io.StringIO(
        client.get("/api/v1/groups.csv").get_data(as_text=True).lstrip("\ufeff"))))
    row = next(r for r in rows if r["group_id"] == "groupe-discret")
    assert (row["lat"], row["lon"], row["street"], row["show_exact"]) == ("", "", "", "non")
    meeting = next(m for m in client.get("/api/v1/meeting-guide.json").get_json()
                   if m["group"] == "Groupe discret")
    assert meeting["approximate"] == "yes" and "latitude" not in meeting
    assert meeting["formatted_address"] == "Namur, Belgique"
    assert "1er lundi" in meeting["notes"]
