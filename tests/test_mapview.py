"""The map builder: self-hosted assets only, tiles from config, legend, origin, radius,
commune outline inline, one inline script, cached renders, safe inline data."""
from __future__ import annotations

import json
import re

import pytest

from finder import mapcontent, mapview
from finder.geography import load_geography
from finder.config import PACKAGE_DIR
from finder.models import CHAPTER_COLOURS, CHAPTER_SLUGS, CHAPTER_TITLES, Group, Place

CDN_HOSTS = ("cdn.jsdelivr", "cdnjs", "unpkg", "code.jquery", "bootstrapcdn",
             "fonts.googleapis", "netdna", "cloudflare")
TILES = {"url": "/test-tiles/{z}/{x}/{y}.png", "attribution": "Fond de carte de test",
         "max_zoom": 17}
NAMUR = (50.4662, 4.8670)


@pytest.fixture(scope="module")
def geography(geo_dir):
    return load_geography(geo_dir)


def search_map(**changes):
    args = dict(origin=NAMUR, radius_km=20, commune_outline=None,
                data_url="/carte/lieux.json?postcode=5000", tiles=TILES)
    args.update(changes)
    return mapview.build_map(**args)


def everything(parts: mapview.MapParts) -> str:
    return "\n".join((parts.head, parts.body, parts.script))


def test_map_has_no_outside_url_and_every_asset_is_ours(geography):
    parts = search_map(commune_outline=geography.commune_geojson(
        geography.find_commune("Namur").nis))
    text = everything(parts)
    assert not re.search(r"https?://", text), re.findall(r"https?://\S{0,40}", text)
    for host in CDN_HOSTS:
        assert host not in text
    assets = re.findall(r'(?:href|src)="([^"]+)"', parts.head + parts.body)
    assert any("leaflet.js" in a for a in assets)
    # Clusters come from the server: the browser does not load Leaflet.markercluster.
    assert not any("markercluster" in a.lower() for a in assets)
    assert any("leaflet.css" in a for a in assets)
    assert all(a.startswith("/") and not a.startswith("//") for a in assets)
    # Nothing Folium adds by default that we do not use.
    for unused in ("jquery", "bootstrap", "awesome", "fontawesome", "glyphicons"):
        assert unused not in text.lower()


def test_head_has_only_links_and_styles_and_script_is_bare_js():
    parts = search_map()
    leftover = re.sub(r"<link\b[^>]*>|<style\b[^>]*>.*?</style>", "", parts.head, flags=re.S)
    assert leftover.strip() == ""
    assert "<script" not in parts.script.lower()
    assert "</script" not in parts.script.lower()
    # The only scripts in the body are external, self-hosted files.
    for tag in re.findall(r"<script\b[^>]*>(.*?)</script>", parts.body, flags=re.S):
        assert tag == ""
    assert not re.search(r"<[^>]*\son\w+\s*=", parts.body)   # no onclick=… handlers
    assert "L_NO_TOUCH" not in parts.script          # Folium's header script is gone
    assert "html, body" not in parts.head            # and its full-page styles too


def test_tiles_come_from_config():
    parts = search_map(tiles={"url": "/mes-tuiles/{z}/{x}/{y}.png",
                              "attribution": "Mes tuiles, licence X", "max_zoom": 16})
    assert '"/mes-tuiles/{z}/{x}/{y}.png"' in parts.script
    assert "\"attribution\": \"Mes tuiles, licence X\"" in parts.script
    assert '"maxZoom": 16' in parts.script
    assert "tile.openstreetmap.org" not in parts.script


def test_reference_geography_is_credited():
    assert "Statbel (CC BY 4.0)" in search_map().script
    assert "bpost / OpenStreetMap contributors (ODbL)" in search_map().script


def test_legend_lists_the_six_chapters_and_the_marks():
    parts = search_map()
    legend = re.search(r'<details class="finder-map__legend".*?</details>', parts.body, re.S)
    assert legend
    items = re.findall(r"<li>(.*?)</li>", legend.group(0))
    texts = [re.sub(r"<[^>]+>", "", i).replace("&#x27;", "'") for i in items]
    for title in CHAPTER_TITLES.values():
        assert title in texts
    joined = " ".join(texts)
    assert "Emplacement approximatif" in joined
    assert "Point de départ de la recherche" in joined
    assert "Rayon de recherche\u00a0: 20\u00a0km" in joined
    # Each chapter has its own colour (class fm-c<i>, coloured by finder-map.css).
    for i in range(len(CHAPTER_TITLES)):
        assert f'class="fm-key fm-c{i}"' in legend.group(0)


def test_origin_marker_and_radius_circle_when_given():
    parts = search_map(origin=(50.41, 4.44), radius_km=10)
    assert re.search(r"L\.marker\(\s*\[50\.41, 4\.44\]", parts.script)
    assert re.search(r"L\.circle\(\s*\[50\.41, 4\.44\]", parts.script)
    assert '"radius": 10000.0' in parts.script


def test_no_origin_no_marker_no_circle_and_whole_region_in_view():
    parts = search_map(origin=None, radius_km=None)
    assert "L.marker(" not in parts.script
    assert "L.circle(" not in parts.script
    assert "Point de départ" not in parts.body
    south_west, north_east = mapview.WALLONIA_BRUSSELS
    assert f"[[{south_west[0]}, {south_west[1]}], [{north_east[0]}, {north_east[1]}]]" \
        in parts.script


def test_commune_outline_is_inline_data_not_a_fetch(geography):
    outline = geography.commune_geojson(geography.find_commune("Namur").nis)
    parts = search_map(origin=None, commune_outline=outline)
    first_point = outline["geometry"]["coordinates"][0][0]
    while isinstance(first_point[0], list):
        first_point = first_point[0]
    assert f"[{first_point[0]}, {first_point[1]}]" in parts.script
    assert "$.ajax" not in parts.script and "commune" not in parts.head
    assert "Limites de la commune de Namur" in parts.body


def test_data_url_is_handed_to_the_map_script():
    parts = search_map(data_url="/carte/lieux.json?postcode=5000&chapter=maladie")
    assert "FinderMap.attach(" in parts.script
    # escaped for a script: & becomes \u0026
    assert '"/carte/lieux.json?postcode=5000\\u0026chapter=maladie"' in parts.script


def test_identical_calls_hit_the_cache_and_other_inputs_do_not():
    first = search_map(data_url="/carte/lieux.json?cache=1")
    before = mapview.cache_info()
    again = search_map(data_url="/carte/lieux.json?cache=1")
    assert again is first
    assert mapview.cache_info()["hits"] == before["hits"] + 1
    other = search_map(data_url="/carte/lieux.json?cache=1", radius_km=50)
    assert other is not first and '"radius": 50000.0' in other.script
    tiles = search_map(data_url="/carte/lieux.json?cache=1",
                       tiles=dict(TILES, url="/autres/{z}/{x}/{y}.png"))
    assert tiles is not first


def test_height_cannot_inject_css():
    with pytest.raises(ValueError):
        search_map(height="60vh}body{display:none")
    assert 'class="finder-map__map fm-h-40vh"' in search_map(height="40vh").body


def test_the_map_writes_no_inline_style_its_colours_are_in_the_stylesheet():
    parts = search_map()
    for text in (parts.head, parts.body):
        assert "<style" not in text.lower()
        assert not re.search(r"\sstyle\s*=", text), text
    stylesheet = (PACKAGE_DIR / "static" / "map" / "finder-map.css").read_text(encoding="utf-8")
    assert mapview.theme_css() in stylesheet, (
        "static/map/finder-map.css differs from models.CHAPTER_COLOURS / MAP_HEIGHTS: "
        "copy the output of finder.mapview.theme_css() into its last block")
    for index, colour in enumerate(["#b3261e", "#6a3d9a", "#1f5fa8", "#a05a00", "#1b7a3e",
                                    "#8a3b6f"]):
        assert CHAPTER_COLOURS[CHAPTER_SLUGS[index]] == colour
        assert f".fm-c{index}{{--fm-colour:{colour}}}" in stylesheet


NASTY = '"</script><script>alert(1)</script> <img src=x onerror=alert(1)> ${alert(1)} \\ \'q\''


def test_group_map_inline_data_is_escaped_and_public(geography):
    namur = geography.find_commune("Namur")
    group = Group(slug="g", name=NASTY, chapter="handicap", phone="081 00 00 00",
                  places=[
                      Place(label="Salle", street="Rue Secrète 12", postcode="5000",
                            locality="Namur", commune_nis=namur.nis, commune_name="Namur",
                            lat=50.4701, lon=4.8702, precision="exact", show_exact=False,
                            schedule=NASTY),
                      Place(street="Rue Connue 3", postcode="5000", locality="Namur",
                            commune_nis=namur.nis, commune_name="Namur", lat=50.461,
                            lon=4.861, precision="exact", show_exact=True)])
    parts = mapview.map_for_group(group, geography, TILES)
    assert "</script" not in parts.script.lower()
    assert "<img" not in parts.script and "\u2028" not in parts.script
    blob = re.search(r"FinderMap\.attach\(\w+, (\{.*\})\);", parts.script).group(1)
    config = json.loads(blob)
    data = config["places"]
    assert data["details"][0]["name"] == NASTY          # text survives, as data
    # The hidden place is at its commune's point, without its street.
    lat, lon = geography.representative_point(namur.nis)
    hidden = [m for m in data["markers"] if 0 in m[4]][0]
    assert (hidden[0], hidden[1]) == (round(lat, 5), round(lon, 5)) and hidden[3] == 1
    assert "Secrète" not in parts.script and "50.4701" not in parts.script
    assert "Adresse non publiée" in data["details"][0]["approx"]
    # The shown place is a precise mark at its address.
    shown = [m for m in data["markers"] if 1 in m[4]][0]
    assert (shown[0], shown[1], shown[3]) == (50.461, 4.861, 0)
    assert data["details"][1]["address"] == "Rue Connue 3, 5000 Namur"


def test_approximate_notes_are_french_and_elided():
    place = Place(commune_name="Anderlecht", locality="", precision="commune", lat=1, lon=1)
    assert mapcontent.approximate_note(place) == (
        "Emplacement approximatif\u00a0: centre de la commune d\u2019Anderlecht.")
    place = Place(commune_name="Namur", locality="Jambes", precision="locality", lat=1, lon=1)
    assert mapcontent.approximate_note(place).endswith("centre de la localité de Jambes.")
    place = Place(commune_name="Le Rœulx", precision="exact", show_exact=False, lat=1, lon=1)
    assert "commune du Rœulx" in mapcontent.approximate_note(place)
    assert mapcontent.approximate_note(Place(precision="exact", lat=1, lon=1)) == ""


def test_app_serves_the_assets_the_page_asks_for(client):
    page = client.get("/?postcode=5000&radius_km=20")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for host in CDN_HOSTS:
        assert host not in html
    assets = re.findall(r'(?:href|src)="(/(?:assets|static)/[^"]+)"', html)
    assert any("leaflet.js" in a for a in assets) and any("finder-map.js" in a for a in assets)
    for url in assets:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
        assert "immutable" in response.headers.get("Cache-Control", ""), url
    # The image Leaflet's stylesheet points to is served too.
    assert client.get("/assets/leaflet/images/marker-icon.png").status_code == 200
    assert client.get("/assets/leaflet/../../__init__.py").status_code == 404


def test_group_map_does_not_zoom_to_street_level_on_an_approximate_place(geography):
    """A group known only by its commune is shown at town scale, not on a street."""
    from finder.models import Group, Place
    lat, lon = geography.representative_point("92094")
    approx = Place(commune_nis="92094", commune_name="Namur", lat=lat, lon=lon,
                   precision="commune", public_lat=lat, public_lon=lon)
    exact = Place(street="Rue de Fer 1", postcode="5000", commune_nis="92094",
                  commune_name="Namur", lat=50.4655, lon=4.8660, precision="exact",
                  public_lat=50.4655, public_lon=4.8660)
    tiles = {"url": "/tiles/{z}/{x}/{y}.png", "attribution": "test", "max_zoom": 18}
    vague = mapview.map_for_group(Group(slug="a", name="A", chapter="maladie", places=[approx]),
                                  geography, tiles)
    precise = mapview.map_for_group(Group(slug="b", name="B", chapter="maladie", places=[exact]),
                                    geography, tiles)
    assert f'"fitZoom":{mapview.APPROX_MAP_ZOOM},' in vague.script
    assert f'"fitZoom":{mapview.GROUP_MAP_ZOOM},' in precise.script
