"""The maps in Dutch, German and English: legend, fallback, names, popups, map data errors
(mapview / mapcontent speak through MapWords; web/i18n.map_words gives a request's)."""
from __future__ import annotations

import json
import re
from html import unescape

import pytest

from tests.conftest import DEMO_INVENTORY
from tests.test_i18n import fixed_client  # noqa: F401  (a fixture)


@pytest.fixture
def demo(fixed_client):
    """The demo inventory, its schedules' 'now' fixed (tests/test_i18n.py)."""
    return fixed_client


def _legend(html: str) -> str:
    found = re.search(r'<details class="finder-map__legend".*?</details>', html, re.S)
    assert found, "no map legend on the page"
    return unescape(re.sub(r"<[^>]+>", "|", found.group(0)))


def _map_config(html: str) -> dict:
    found = re.search(r"window\.FinderMap\.attach\(\w+, (\{.*?\})\);", html, re.S)
    return json.loads(found.group(1))


def test_the_search_map_in_english(demo):
    html = demo.get("/?postcode=5000&radius_km=20&lang=en").get_data(as_text=True)
    legend = _legend(html)
    assert "|Map key|" in legend
    assert "Approximate location (centre of the municipality or locality)" in legend
    assert "Search radius: 20\u00a0km" in legend and "Starting point of the search" in legend
    assert "Illness" in legend and "Disability" in legend
    assert 'aria-label="Map of the meeting places found"' in html
    assert "The map could not be shown. The same information is in the list." in html
    block = re.search(r'<div class="finder-map" .*?</details>', html, re.S).group(0)
    for french in ("Légende de la carte", "Emplacement approximatif", "Rayon de recherche",
                   "Carte des lieux", "La carte n’a pas pu", "La maladie"):
        assert french not in block
    config = _map_config(html)
    assert config["attribution"].startswith("Municipalities: Statbel")
    assert config["chapters"][0] == "Illness"


def test_the_commune_outline_is_named_in_the_page_language(demo):
    nl = _legend(demo.get("/?commune=Ixelles&lang=nl").get_data(as_text=True))
    assert "Grenzen van de gemeente Elsene" in nl          # its Dutch name, Dutch words
    de = _legend(demo.get("/?commune=Anderlecht&lang=de").get_data(as_text=True))
    assert "Grenzen der Gemeinde Anderlecht" in de
    en = _legend(demo.get("/?commune=Namur&lang=en").get_data(as_text=True))
    assert "Boundaries of the municipality of Namur" in en
    fr = _legend(demo.get("/?commune=Anderlecht").get_data(as_text=True))
    assert "Limites de la commune d\u2019Anderlecht" in fr      # French grammar kept


def test_a_french_map_is_never_served_to_a_dutch_page(demo):
    query = "/?postcode=4000&radius_km=50"
    french = _legend(demo.get(query).get_data(as_text=True))
    dutch = _legend(demo.get(query + "&lang=nl").get_data(as_text=True))
    assert "Légende de la carte" in french and "Point de départ de la recherche" in french
    assert "Legende van de kaart" in dutch and "Vertrekpunt van de zoekopdracht" in dutch
    assert "Légende" not in dutch
    again = _legend(demo.get(query).get_data(as_text=True))
    assert again == french


def test_a_group_map_in_german(demo):
    html = demo.get("/?lang=de").get_data(as_text=True)
    slug = re.search(r'href="/groupes/([^"?]+)\?lang=de"', html).group(1)
    page = demo.get(f"/groupes/{slug}?lang=de").get_data(as_text=True)
    assert re.search(r'aria-label="Karte der Treffpunkte von „[^"]+“"', page)
    legend = _legend(page)
    assert "Kartenlegende" in legend and "Treffpunkt" in legend
    assert "Lieu de réunion" not in legend
    places = _map_config(page)["places"]["details"]
    from finder.models import KINDS
    assert places and not {d["kind"] for d in places} & (set(KINDS.values()) - {"Self-help"})


def _details(client, lang: str, ids: str = ",".join(str(i) for i in range(1, 60))) -> list:
    response = client.get(f"/carte/lieux/details.json?ids={ids}&lang={lang}")
    assert response.status_code == 200
    return response.get_json()["places"]


def test_popups_in_english(demo):
    places = _details(demo, "en")
    assert {p["chapter_title"] for p in places} <= {
        "Illness", "After operations and treatments", "Disability", "Addiction",
        "Behavioural disorders", "Social situation and events in personal or family life"}
    notes = [p["approx"] for p in places if p["approx"]]
    assert notes and all(n.startswith(("Approximate location: centre of",
                                       "Address not published: the marker is")) for n in notes)
    assert any(re.fullmatch(r"Approximate location: centre of the municipality of [^.]+\.", n)
               for n in notes)
    assert not any("Emplacement" in n or "commune" in n for n in notes)
    lines = [p["next"] for p in places if p["next"]]
    assert lines and all(line.startswith("Next meeting: ") or line.startswith("Next date: ")
                         for line in lines)
    french = _details(demo, "fr")
    assert any(p["approx"].startswith("Emplacement approximatif\u00a0: centre de la commune ")
               for p in french)


def test_a_popup_etag_is_per_language(demo):
    url = "/carte/lieux/details.json?ids=1,2,3"
    french = demo.get(url)
    etag = french.headers["ETag"]
    dutch = demo.get(url + "&lang=nl", headers={"If-None-Match": etag})
    assert dutch.status_code == 200                 # not a 304 keeping the French words
    assert dutch.get_json()["places"][0]["chapter_title"] == "Ziekte"


def test_a_popup_in_dutch_names_a_brussels_commune_in_dutch(make_app, tmp_path):
    """A place whose address is not published is at its commune's centre: 'Elsene'."""
    import csv
    rows = list(csv.DictReader(open(DEMO_INVENTORY, encoding="utf-8", newline="")))
    row = dict(rows[0], group_id="groupe-test-ixelles", name="Groupe test Ixelles",
               street="Rue Test 1", postcode="1050", locality="Ixelles", commune="Ixelles",
               lat="", lon="", show_exact="non", address_kind="reunion")
    path = tmp_path / "one.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow({k: row.get(k, "") for k in rows[0]})
    app = make_app()
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    data = client.get("/carte/lieux.json?lang=nl").get_json()
    ids = data["markers"][0][4]
    ids = ids if isinstance(ids, list) else [ids]
    place = _details(client, "nl", ",".join(map(str, ids)))[0]
    assert place["approx"].startswith("Adres niet gepubliceerd: de markering staat in het "
                                      "centrum van de gemeente Elsene.")
    french = _details(client, "fr", ",".join(map(str, ids)))[0]
    assert "centre de la commune d\u2019Ixelles" in french["approx"]


@pytest.mark.parametrize("query, lang, words", [
    ("z=99&tiles=0,0,0,0", "de", "Ungültige Zoomstufe: eine ganze Zahl von 0 bis 20."),
    ("z=3&tiles=a", "en", "Invalid map area"),
    ("z=1&tiles=0,0,9,9", "nl", "Kaartzone buiten de wereld"),
])
def test_map_data_errors_in_the_page_language(demo, query, lang, words):
    response = demo.get(f"/carte/lieux.json?{query}&lang={lang}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter" and error["message"].startswith(words)


def test_the_footer_attribution_in_german(demo):
    html = demo.get("/?lang=de").get_data(as_text=True)
    assert "Gemeinden: Statbel (CC BY 4.0) · Postleitzahlen: bpost" in html
    assert "Codes postaux" not in html


def test_map_data_kept_for_one_language_never_reaches_another(demo):
    """The map's data names the popups' URL, which carries the language: a view kept
    after a Dutch page must not send a French page's popups to Dutch (nor the reverse)."""
    view = "/carte/lieux.json?postcode=5000&radius_km=20&z=9&tiles=261,172,263,174"
    dutch = demo.get(view + "&lang=nl").get_json()
    french = demo.get(view).get_json()
    assert "lang=nl" in dutch["details"] and "lang=" not in french["details"]
    whole = "/carte/lieux.json?postcode=5000&radius_km=20"
    assert "lang=de" in demo.get(whole + "&lang=de").get_json()["details"]
    assert "lang=" not in demo.get(whole).get_json()["details"]
    # the page's first views (carried in its map's configuration) too
    demo.get("/?postcode=4000&radius_km=20&lang=en")
    config = _map_config(demo.get("/?postcode=4000&radius_km=20").get_data(as_text=True))
    assert "lang=" not in json.dumps(config)


def _marker_wheres(data: dict) -> set:
    return {row[6] for row in data.get("markers", []) + data.get("nearest", [])}


def test_a_marker_in_brussels_says_its_commune_in_dutch_on_a_dutch_page(demo):
    """A marker's name ends with where it is: on a Dutch page, a Brussels commune by its
    Dutch name (Elsene), on a French page by its French one (Ixelles)."""
    from finder.mapfit import pixel
    x, y = pixel(50.8333, 4.3667, 16)
    tiles = f"{int(x // 256) - 7},{int(y // 256) - 7},{int(x // 256) + 7},{int(y // 256) + 7}"
    url = f"/carte/lieux.json?commune=Ixelles&z=16&tiles={tiles}"
    nl = _marker_wheres(demo.get(url + "&lang=nl").get_json())
    fr = _marker_wheres(demo.get(url).get_json())
    assert "Ixelles" in fr and "Elsene" not in fr, fr
    assert "Elsene" in nl and "Ixelles" not in nl, nl
